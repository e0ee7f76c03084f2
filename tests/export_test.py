import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


@pytest.fixture(scope="module")
def generator():
    return kg.models.dcgan_generator(latent_dim=16, filters=(16, 8))


def test_saved_model_serving_contract(generator, tmp_path):
    path = kg.export.saved_model(generator, str(tmp_path), "mnist_dcgan")
    assert path == os.path.join(str(tmp_path), "mnist_dcgan", "1")
    served = tf.saved_model.load(path)
    serve = served.signatures["serving_default"]
    inputs = serve.structured_input_signature[1]
    assert list(inputs) == ["z"]
    assert inputs["z"].dtype == tf.float32 and inputs["z"].shape.as_list() == [None, 16]
    outputs = serve.structured_outputs
    assert list(outputs) == ["images"]
    assert outputs["images"].dtype == tf.uint8
    assert outputs["images"].shape.as_list() == [None, 28, 28, 1]

    z = np.random.default_rng(0).standard_normal((3, 16)).astype("float32")
    images = serve(z=tf.constant(z))["images"].numpy()
    expected = kg.data.to_uint8(generator(z, training=False)).numpy()
    # Same graph, same weights: at most one grey level from float rounding.
    assert np.abs(images.astype(int) - expected.astype(int)).max() <= 1

    # Each weight is stored once (tracking the model as well doubles the file).
    data = os.path.join(path, "variables", "variables.data-00000-of-00001")
    assert os.path.getsize(data) < 1.2 * 4 * generator.count_params()

    sample = served.signatures["sample"]
    a = sample(num_samples=tf.constant(4), seed=tf.constant(7))["images"].numpy()
    b = sample(num_samples=tf.constant(4), seed=tf.constant(7))["images"].numpy()
    assert a.shape == (4, 28, 28, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)


def test_versions_increment_and_are_never_overwritten(generator, tmp_path):
    first = kg.export.saved_model(generator, str(tmp_path), "g")
    mtime = os.path.getmtime(os.path.join(first, "saved_model.pb"))
    second = kg.export.saved_model(generator, str(tmp_path), "g")
    assert second.endswith(os.path.join("g", "2"))
    assert kg.export.versions(str(tmp_path / "g")) == [1, 2]
    with pytest.raises(FileExistsError, match="immutable"):
        kg.export.saved_model(generator, str(tmp_path), "g", version=1)
    assert os.path.getmtime(os.path.join(first, "saved_model.pb")) == mtime
    assert kg.export.resolve_saved_model(str(tmp_path / "g")) == second
    # No staging directories are left behind.
    assert sorted(os.listdir(tmp_path / "g")) == ["1", "2"]


def test_bad_export_arguments(generator, tmp_path):
    with pytest.raises(ValueError, match="name"):
        kg.export.saved_model(generator, str(tmp_path), "bad/name")
    with pytest.raises(ValueError, match="version"):
        kg.export.saved_model(generator, str(tmp_path), "g", version=0)
    with pytest.raises(FileNotFoundError, match="saved_model.pb"):
        kg.export.resolve_saved_model(str(tmp_path / "nothing"))
