import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


@pytest.fixture(scope="module")
def generator():
    return kg.networks.dcgan_generator(latent_dim=16, filters=(16, 8))


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
    # A bad LiteRT choice fails before anything is written.
    with pytest.raises(ValueError, match="tflite_files"):
        kg.export.export_generator(generator, str(tmp_path), "g", tflite_files=("int4",))
    assert not (tmp_path / "g").exists()


# Largest grey-level difference from the SavedModel each variant may show
# (measured on the default DCGAN: float32 1, float16 1, dynamic int8 21 with
# a mean of 0.27).
TFLITE_TOLERANCE = {"float32": (1, 0.01), "float16": (2, 0.1), "dynamic_int8": (40, 2.0)}


@pytest.mark.slow
@pytest.mark.parametrize("quantization", sorted(TFLITE_TOLERANCE))
def test_tflite_variants_match_the_saved_model(generator, tmp_path, quantization):
    from ai_edge_litert.interpreter import Interpreter

    saved = kg.export.saved_model(generator, str(tmp_path), "g")
    path = kg.export.tflite(generator, str(tmp_path), "g", quantization)
    suffix = {"float32": "", "float16": "_float16", "dynamic_int8": "_int8"}[quantization]
    assert path == os.path.join(str(tmp_path), f"g{suffix}.tflite")

    interpreter = Interpreter(model_path=path)
    signature = interpreter.get_signature_list()["serving_default"]
    assert signature == {"inputs": ["z"], "outputs": ["images"]}
    z = np.random.default_rng(1).standard_normal((16, 16)).astype("float32")
    lite = kg.export.tflite_runner(path)(z=z)["images"]
    assert lite.dtype == np.uint8 and lite.shape == (16, 28, 28, 1)
    served = tf.saved_model.load(saved).signatures["serving_default"](z=tf.constant(z))["images"]
    diff = np.abs(lite.astype(int) - served.numpy().astype(int))
    max_levels, mean_levels = TFLITE_TOLERANCE[quantization]
    assert diff.max() <= max_levels and diff.mean() <= mean_levels


@pytest.mark.slow
def test_tflite_sizes_shrink_with_quantization(generator, tmp_path):
    sizes = {
        q: os.path.getsize(kg.export.tflite(generator, str(tmp_path), "g", q))
        for q in ("float32", "float16", "dynamic_int8")
    }
    assert sizes["float16"] < 0.7 * sizes["float32"]
    assert sizes["dynamic_int8"] < 0.5 * sizes["float32"]
    with pytest.raises(ValueError, match="quantization"):
        kg.export.tflite(generator, str(tmp_path), "g", "int4")
