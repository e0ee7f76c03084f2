"""`.keras` files written by an older keras_gans still load, and behave.

Users keep the `gan.keras` files their runs wrote. The files in
`tests/fixtures/legacy_c49a69b/` were written by the package at commit
c49a69b, before its modules moved (`keras_gans/gan.py` under
`keras_gans/models/`, the builders to `keras_gans/networks/`), by
`make_fixtures.py` there: one tiny, 2-step-trained model of each of the six
classes, and beside each the outputs it gave. This test loads them with the
code under test and checks that each is the same model: the same class, the
same outputs of every network on the stored inputs, the same optimizer
iteration counts and noise state, and one more `fit` step that runs and
lands where the old code's step did.

It imports nothing from keras_gans but the package itself (which registers
the classes), so it keeps working whatever the module paths become. Never
regenerate these files with newer code: they are the old code's output.
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans  # noqa: F401  registers the classes

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "legacy_c49a69b")

CLASSES = {
    "gan": "GAN",
    "conditional_gan": "ConditionalGAN",
    "self_conditioned_gan": "SelfConditionedGAN",
    "style_transfer_gan": "StyleTransferGAN",
    "pix2pix": "Pix2Pix",
    "cycle_gan": "CycleGAN",
}

# Sampling networks the fixtures record only where they differ from the raw
# generator (the EMA copy, the self-conditioned `z -> images` sampler).
SAMPLERS = {"sampling_generator": "generator", "reverse_sampling_generator": "reverse_generator"}


def _expected(name):
    with np.load(os.path.join(FIXTURES, f"{name}_expected.npz")) as stored:
        return dict(stored)


def _stored(expected, prefix):
    """`expected[prefix + "0"]`, `expected[prefix + "1"]`, ... as a list."""
    arrays = []
    while f"{prefix}{len(arrays)}" in expected:
        arrays.append(expected[f"{prefix}{len(arrays)}"])
    return arrays


def _recorded_networks(expected):
    return sorted(
        key[: -len("__output")]
        for key in expected
        if key.endswith("__output") and not key.startswith("after_step__")
    )


def _call(network, inputs):
    outputs = network(inputs if len(inputs) > 1 else inputs[0], training=False)
    return keras.ops.convert_to_numpy(outputs)


def _check_outputs(model, expected, prefix=""):
    for attribute in _recorded_networks(expected):
        inputs = _stored(expected, f"{attribute}__input_")
        np.testing.assert_allclose(
            _call(getattr(model, attribute), inputs),
            expected[f"{prefix}{attribute}__output"],
            rtol=0,
            atol=1e-6 if not prefix else 1e-5,
            err_msg=f"{prefix}{attribute}",
        )


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_file_from_c49a69b_loads_with_the_same_state_and_trains_on(name):
    expected = _expected(name)
    model = keras.saving.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    assert type(model).__name__ == CLASSES[name]

    # The same networks: every recorded output, from the stored inputs.
    _check_outputs(model, expected)
    for sampler, raw in SAMPLERS.items():
        if hasattr(model, raw) and f"{sampler}__output" not in expected:
            # Recorded as identical to the raw generator: it still is.
            np.testing.assert_allclose(
                _call(getattr(model, sampler), _stored(expected, f"{raw}__input_")),
                expected[f"{raw}__output"],
                rtol=0,
                atol=1e-6,
                err_msg=sampler,
            )

    # The same training state.
    for optimizer in ("g_optimizer", "d_optimizer"):
        assert int(getattr(model, optimizer).iterations) == int(
            expected[f"{optimizer}_iterations"]
        ), optimizer
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(model.seed_generator.state), expected["seed_state"]
    )

    # One more step on the stored batch runs, counts, and lands where the
    # old code's step from the same file did (Adam moments, EMA averages and
    # noise state restored into the right variables).
    batch = _stored(expected, "batch_")
    model.fit(
        tf.data.Dataset.from_tensors(tuple(batch) if len(batch) > 1 else batch[0]),
        epochs=1,
        verbose=0,
    )
    for optimizer in ("g_optimizer", "d_optimizer"):
        assert int(getattr(model, optimizer).iterations) > int(
            expected[f"{optimizer}_iterations"]
        ), optimizer
    _check_outputs(model, expected, prefix="after_step__")
