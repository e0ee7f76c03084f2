"""Exports and sound models written by keras_gans at 2b69a83, before the
export contracts moved into one registry (`keras_gans.contracts`), still
read as the same contract, serve the same outputs, and load and train on.

The files in `tests/fixtures/legacy_2b69a83/` were written by the package
at that commit (`make_fixtures.py` there says how). Never regenerate them
with newer code: they are the old code's output."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import contracts

from conftest import run_command

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "legacy_2b69a83")
EXPORTS = {
    "conditional_audio": "noise",
    "super_resolution": "super_resolution",
    "inpainting": "inpainting",
    "vocoder": "vocoder",
}


def expected(*path):
    with np.load(os.path.join(FIXTURES, *path[:-1], f"{path[-1]}_expected.npz")) as stored:
        return dict(stored)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_old_export_is_read_as_its_contract_and_serves_the_same(name):
    stored = expected("exports", name)
    path, serve = kg.export.load_serving(os.path.join(FIXTURES, "exports", name))
    contract = contracts.of_signature(serve)
    assert contract is not None and contract.name == EXPORTS[name]
    inputs = {k[len("input__") :]: v for k, v in stored.items() if k.startswith("input__")}
    (output,) = [k[len("output__") :] for k in stored if k.startswith("output__")]
    if contract is contracts.NOISE:
        assert contracts.is_conditional(serve) and contracts.latent_dim(serve) == 8
        got = contracts.draw(serve, inputs["z"], inputs["label"])
    else:
        got = contracts.transform(serve, contract, *inputs.values())
    assert output == contract.output_key(serve)
    np.testing.assert_allclose(got, stored[f"output__{output}"], atol=1e-6)
    info = run_command("info", path)
    assert info.returncode == 0 and f"a {contract.name} export" in info.stdout, info.stderr


@pytest.mark.parametrize("name,cls", [("wavegan_gan", "GAN"), ("vocoder", "Vocoder")])
def test_an_old_sound_model_loads_with_its_state_and_trains_on(name, cls):
    stored = expected(name)
    model = keras.saving.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    assert type(model).__name__ == cls
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model.generator(stored["generator__input"], training=False)),
        stored["generator__output"],
        atol=1e-6,
    )
    for optimizer in ("g_optimizer", "d_optimizer"):
        iterations = int(stored[f"{optimizer}_iterations"])
        assert iterations > 0 and int(getattr(model, optimizer).iterations) == iterations
    batch_shape = (2, 1024)
    model.fit(tf.data.Dataset.from_tensors(np.zeros(batch_shape, "float32")), verbose=0)
    assert int(model.g_optimizer.iterations) > int(stored["g_optimizer_iterations"])
