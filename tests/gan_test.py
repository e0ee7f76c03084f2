import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import tiny_dcgan
from model_harness import CallCounter


def compile_adam(gan, **kwargs):
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        **kwargs,
    )
    return gan


def dataset(batches):
    return tf.data.Dataset.from_tensor_slices(batches)


def test_keras_round_trip_restores_outputs_and_optimizer_state(real_batches, tmp_path):
    gan = compile_adam(tiny_dcgan())
    gan.fit(dataset(real_batches[:4]), epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)

    z = np.random.default_rng(0).standard_normal((8, 16)).astype("float32")
    np.testing.assert_array_equal(
        loaded.generator.predict(z, verbose=0), gan.generator.predict(z, verbose=0)
    )
    assert isinstance(loaded.adversarial_loss, kg.losses.NonSaturatingLoss)
    for name in ("g_optimizer", "d_optimizer"):
        original, restored = getattr(gan, name), getattr(loaded, name)
        assert int(restored.iterations) == int(original.iterations) == 4
        assert float(restored.learning_rate) == pytest.approx(2e-4)
        assert float(restored.beta_1) == pytest.approx(0.5)
        # Adam moments, not only the weights, come back.
        assert len(restored.variables) == len(original.variables)
        for a, b in zip(original.variables, restored.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())

    # Training continues from the saved state: both copies take the same steps.
    gan.fit(dataset(real_batches[4:6]), epochs=1, verbose=0)
    loaded.fit(dataset(real_batches[4:6]), epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 6
    np.testing.assert_allclose(
        loaded.generator.predict(z, verbose=0), gan.generator.predict(z, verbose=0), atol=1e-5
    )


def test_same_seed_same_run(real_batches):
    def run():
        keras.utils.set_random_seed(7)
        gan = compile_adam(tiny_dcgan(seed=3))
        gan.fit(dataset(real_batches[:3]), epochs=1, verbose=0)
        return [w.numpy() for w in gan.generator.weights]

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_d_steps_makes_several_discriminator_updates(real_batches):
    gan = compile_adam(tiny_dcgan(), d_steps=3, loss="wasserstein")
    gan.fit(dataset(real_batches[:2]), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2
    assert int(gan.d_optimizer.iterations) == 6


@pytest.mark.parametrize("reuse_fakes, passes", [(False, 2), (True, 1)])
def test_reuse_fakes_runs_the_generator_once_per_step(real_batches, reuse_fakes, passes):
    z = keras.Input((16,))
    generator = kg.networks.dcgan_generator(16, filters=(16, 8))
    gan = kg.GAN(
        keras.Model(z, generator(CallCounter()(z))),
        kg.networks.dcgan_discriminator(filters=(8, 16)),
        seed=0,
    )
    compile_adam(gan, reuse_fakes=reuse_fakes, run_eagerly=True)
    before = [w.numpy().copy() for w in gan.trainable_weights]
    CallCounter.calls = 0
    history = gan.fit(dataset(real_batches[:1]), epochs=1, verbose=0)
    assert CallCounter.calls == passes and np.isfinite(history.history["g_loss"][0])
    after = gan.trainable_weights
    assert all(not np.allclose(a, b.numpy()) for a, b in zip(before, after))
    with pytest.raises(ValueError, match="pass d_steps=1"):
        compile_adam(tiny_dcgan(), reuse_fakes=True, d_steps=2, loss="wasserstein")


def test_compile_forwards_keras_arguments(real_batches):
    gan = compile_adam(tiny_dcgan(), steps_per_execution=2, jit_compile=False, run_eagerly=False)
    assert gan.steps_per_execution == 2
    assert gan.jit_compile is False
    gan.fit(dataset(real_batches[:4]), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 4
    eager = compile_adam(tiny_dcgan(), run_eagerly=True)
    assert eager.run_eagerly
    eager.fit(dataset(real_batches[:1]), epochs=1, verbose=0)
    assert int(eager.d_optimizer.iterations) == 1


@pytest.mark.slow
def test_labels_in_the_batch_are_ignored(mnist_dir):
    ds = kg.data.mnist("train", batch_size=16, data_dir=mnist_dir, with_labels=True).take(2).cache()

    def train(data):
        keras.utils.set_random_seed(0)
        gan = compile_adam(tiny_dcgan())
        gan.fit(data, epochs=1, verbose=0)
        return gan.generator.get_weights()

    with_labels = train(ds)
    without = train(ds.map(lambda images, labels: images))
    for a, b in zip(with_labels, without):
        np.testing.assert_array_equal(a, b)


def test_fit_takes_a_dataset_as_shuffled_without_a_warning(real_batches):
    import warnings

    gan = compile_adam(tiny_dcgan())
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*shuffle.*")
        gan.fit(dataset(real_batches[:1]), epochs=1, verbose=0)


def test_wrong_shapes_are_clear_on_a_second_fit_too(real_batches):
    # Keras retraces with relaxed shapes once the input shapes change.
    gan = compile_adam(tiny_dcgan())
    gan.fit(dataset(real_batches[:1]), epochs=1, verbose=0)
    flat = real_batches[:1].reshape(1, 32, 28, 28)
    for data in (dataset(flat), flat[0]):
        with pytest.raises(ValueError, match=r"Add the channel axis"):
            gan.fit(data, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"Add the channel axis"):
        gan.evaluate(dataset(flat), verbose=0)


def test_evaluate_reports_losses_without_training(real_batches):
    gan = compile_adam(tiny_dcgan())
    before = [w.numpy().copy() for w in gan.weights]
    results = gan.evaluate(dataset(real_batches[:2]), verbose=0, return_dict=True)
    assert set(results) >= {"d_loss", "g_loss", "d_real", "d_fake"}
    for a, b in zip(before, gan.weights):
        np.testing.assert_array_equal(a, b.numpy())


def test_wrong_image_shape_is_a_clear_error(real_batches):
    gan = compile_adam(tiny_dcgan())
    flat = real_batches[:1].reshape(1, 32, 28, 28)  # channel axis dropped
    with pytest.raises(ValueError, match=r"\(28, 28\).*\(28, 28, 1\).*images\[\.\.\., None\]"):
        gan.fit(dataset(flat), epochs=1, verbose=0)
    rgb = np.zeros((1, 8, 32, 32, 3), "float32")
    with pytest.raises(ValueError, match=r"\(32, 32, 3\).*\(28, 28, 1\)"):
        gan.fit(dataset(rgb), epochs=1, verbose=0)


def test_uint8_images_are_a_clear_error():
    gan = compile_adam(tiny_dcgan())
    raw = np.zeros((1, 4, 28, 28, 1), "uint8")
    with pytest.raises(ValueError, match="to_float"):
        gan.fit(dataset(raw), epochs=1, verbose=0)


def test_mismatched_networks_and_bad_arguments():
    with pytest.raises(ValueError, match="generator makes images of shape"):
        kg.GAN(
            kg.networks.dcgan_generator(image_shape=(32, 32, 3)), kg.networks.dcgan_discriminator()
        )
    with pytest.raises(TypeError, match="keras.Model"):
        kg.GAN(lambda z: z, kg.networks.dcgan_discriminator())
    gan = tiny_dcgan()
    with pytest.raises(ValueError, match="d_steps"):
        gan.compile(d_steps=0)
    with pytest.raises(ValueError, match="g_optimizer"):
        gan.compile(optimizer="adam")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="different"):
        gan.compile(g_optimizer=shared, d_optimizer=shared)


def test_config_round_trip():
    gan = tiny_dcgan(seed=5)
    restored = kg.GAN.from_config(gan.get_config())
    assert restored.latent_dim == 16 and restored.seed == 5
    assert restored.image_shape == (28, 28, 1)
    assert [w.shape for w in restored.generator.weights] == [w.shape for w in gan.generator.weights]


def test_generate_and_call():
    gan = tiny_dcgan()
    images = gan.generate(5)
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    z = np.zeros((2, 16), "float32")
    np.testing.assert_allclose(gan.generate(z=z), gan(z), atol=1e-6)
    with pytest.raises(ValueError, match="exactly one"):
        gan.generate()
