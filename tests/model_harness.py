"""One test of the Keras contract for every adversarial model class.

In the manner of keras-hub's `TestCase.run_serialization_test` and
`run_model_saving_test`: `run_model_test(cls, init_kwargs, batch)` checks

- the config round trip, compared as JSON;
- the `.keras` round trip: equal generator outputs, equal optimizer state
  (iterations, Adam moments, EMA averages), equal noise-seed state, and
  training that continues identically from the file;
- one `fit` step that changes both networks;
- the generator's and discriminator's output shapes.

New model classes get this test by adding one `run_model_test` call.
"""

import json

import keras
import numpy as np
import tensorflow as tf


class CallCounter(keras.layers.Layer):
    """The identity, counting its calls (eagerly: once per generator pass)."""

    calls = 0

    def call(self, inputs):
        CallCounter.calls += 1
        return inputs


def _as_json(config):
    return json.dumps(keras.saving.serialize_keras_object(config), sort_keys=True, default=str)


def generator_inputs(generator, batch_size=3, seed=0):
    """Fixed random inputs for each of `generator`'s inputs."""
    rng = np.random.default_rng(seed)
    inputs = []
    for spec in generator.inputs:
        # Fully convolutional generators take any size: use 32 pixels.
        shape = (batch_size, *(32 if d is None else d for d in spec.shape[1:]))
        if "int" in str(spec.dtype):
            inputs.append(rng.integers(0, 2, shape).astype("int32"))
        else:
            inputs.append(rng.uniform(-1, 1, shape).astype("float32"))
    return inputs if len(inputs) > 1 else inputs[0]


def _compiled(cls, init_kwargs, compile_kwargs):
    keras.utils.set_random_seed(0)
    model = cls(**init_kwargs)
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, use_ema=True, ema_momentum=0.9),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        **compile_kwargs,
    )
    return model


def run_model_test(cls, init_kwargs, batch, tmp_path, compile_kwargs=None):
    """Runs the whole contract for `cls(**init_kwargs)` on one real `batch`."""
    compile_kwargs = compile_kwargs or {}

    # Config round trip: the revived model describes itself identically.
    model = cls(**init_kwargs)
    config = model.get_config()
    revived = cls.from_config(json.loads(json.dumps(config)))
    assert _as_json(revived.get_config()) == _as_json(config)
    assert type(revived) is cls

    # Output shapes of both networks.
    inputs = generator_inputs(model.generator)
    outputs = model.generator(inputs)
    declared = model.generator.output_shape[1:]
    assert all(d is None or d == o for d, o in zip(declared, outputs.shape[1:]))
    assert len(outputs.shape) == len(declared) + 1
    assert outputs.shape[0] == 3
    # The discriminator scores fakes the way training makes and shows them
    # (with labels, or beside the generator's input for paired models).
    unpacked = model.unpack_batch(tf.nest.map_structure(tf.convert_to_tensor, batch))
    fake = model.make_fake(unpacked, training=False)
    assert fake.shape == unpacked.real.shape
    scores = model._critic(fake, unpacked.conditions, training=False)
    assert scores.shape[0] == fake.shape[0]
    assert len(scores.shape) == len(model.discriminator.output_shape)

    # One fit step changes both networks.
    model = _compiled(cls, init_kwargs, compile_kwargs)
    before = [w.numpy().copy() for w in model.generator.weights + model.discriminator.weights]
    dataset = tf.data.Dataset.from_tensors(batch).repeat(2)
    history = model.fit(dataset, epochs=1, verbose=0).history
    assert set(history) >= {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(values[-1]) for values in history.values())
    assert int(model.g_optimizer.iterations) == 2
    after = model.generator.weights + model.discriminator.weights
    assert any(
        not np.array_equal(a, b.numpy())
        for a, b in zip(before, after[: len(model.generator.weights)])
    )
    assert any(
        not np.array_equal(a, b.numpy())
        for a, b in zip(before[len(model.generator.weights) :], model.discriminator.weights)
    )

    # `.keras` round trip: outputs, optimizer state and noise state.
    path = str(tmp_path / f"{cls.__name__}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is cls
    sampler_inputs = generator_inputs(model.sampling_generator)
    np.testing.assert_array_equal(
        loaded.sampling_generator(sampler_inputs, training=False),
        model.sampling_generator(sampler_inputs, training=False),
    )
    for name in ("g_optimizer", "d_optimizer"):
        original, restored = getattr(model, name), getattr(loaded, name)
        assert len(restored.variables) == len(original.variables), name
        for a, b in zip(original.variables, restored.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")
    np.testing.assert_array_equal(
        loaded.seed_generator.state.numpy(), model.seed_generator.state.numpy()
    )
    assert loaded.get_compile_config().keys() == model.get_compile_config().keys()

    # Training continues from the file as it would have in memory.
    model.fit(dataset, epochs=1, verbose=0)
    loaded.fit(dataset, epochs=1, verbose=0)
    for a, b in zip(model.generator.weights, loaded.generator.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5, err_msg=a.path)
    return model
