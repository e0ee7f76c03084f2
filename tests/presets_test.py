"""Presets: trained generators that come with the package, found by name
wherever an export's path is taken, drawing what they were trained on."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import cli
from keras_gans.evaluation import classifier as classifiers


@pytest.fixture(scope="module")
def mnist_classifier():
    return classifiers.load_classifier(classifiers.packaged_classifier_dir("mnist"))


def test_every_preset_is_in_the_package_with_its_training_summary_and_scores():
    assert kg.presets.names() == sorted(kg.presets.PRESETS)
    for name in kg.presets.names():
        path = kg.presets.path(name)
        assert os.path.isfile(os.path.join(path, "saved_model.pb"))
        assert not os.path.exists(os.path.join(path, "litert"))
        training = kg.export.read_asset(name, kg.export.TRAINING_ASSET)
        assert training["settings"]["seed"] == 0 and training["epochs_run"] >= 1
        assert training["last_evaluation"], f"{name} has no scores"
        # No path of the machine it was trained on.
        assert "/work/" not in json.dumps(training) and "/tmp/" not in json.dumps(training)
        assert training["data"]


def test_a_preset_name_resolves_unless_a_path_of_that_name_exists(tmp_path, monkeypatch):
    assert kg.export.resolve_saved_model("mnist_dcgan") == kg.presets.path("mnist_dcgan")
    monkeypatch.chdir(tmp_path)
    os.makedirs("mnist_dcgan")  # a folder of the user's own, not an export
    with pytest.raises(FileNotFoundError, match="neither a SavedModel"):
        kg.export.resolve_saved_model("mnist_dcgan")
    with pytest.raises(FileNotFoundError, match="drums_specgan, fashion_mnist_conditional"):
        kg.export.resolve_saved_model("mnist_dcgam")
    with pytest.raises(ValueError, match="No preset is called 'nope'"):
        kg.presets.path("nope")


def test_generate_mnist_dcgan_draws_all_ten_digits(tmp_path, mnist_classifier):
    grid = tmp_path / "grid.png"
    assert cli.main(["generate", "mnist_dcgan", f"--out={grid}"]) == 0
    assert tf.io.decode_png(tf.io.read_file(str(grid))).shape[0] > 8 * 28
    assert cli.main(["generate", "mnist_dcgan", f"--out={tmp_path / 'd.npy'}"]) == 0
    digits = np.load(tmp_path / "d.npy")
    assert digits.shape == (64, 28, 28, 1) and digits.dtype == np.uint8
    _, probabilities = mnist_classifier.predict(kg.data.transforms.to_float(digits).numpy())
    assert set(np.argmax(probabilities, axis=1)) == set(range(10))
    # The preset's pixels signature is its images before rounding.
    _, serve = kg.export.load_serving("mnist_dcgan")
    generator = kg.latent.ExportedGenerator("mnist_dcgan")
    z = np.random.default_rng(0).standard_normal((4, 100)).astype("float32")
    rounded = kg.data.transforms.to_uint8(generator(z)).numpy()
    np.testing.assert_array_equal(rounded, serve(z=tf.constant(z))["images"].numpy())


def test_the_conditional_fashion_preset_draws_the_class_asked_for(tmp_path):
    fashion = classifiers.load_classifier(classifiers.packaged_classifier_dir("fashion_mnist"))
    out = tmp_path / "bags.npy"
    assert cli.main(["generate", "fashion_mnist_conditional", "--label=8", f"--out={out}"]) == 0
    _, probabilities = fashion.predict(kg.data.transforms.to_float(np.load(out)).numpy())
    assert np.mean(np.argmax(probabilities, axis=1) == 8) >= 0.8
    assert kg.export.class_names("fashion_mnist_conditional")[8] == "Bag"


def test_the_drums_preset_writes_sounds(tmp_path):
    out = tmp_path / "drums.wav"
    assert cli.main(["generate", "drums_specgan", "--num=6", f"--out={out}"]) == 0
    audio = kg.export.read_asset("drums_specgan", kg.export.AUDIO_ASSET)
    assert audio["sample_rate"] == 16000
    assert os.path.getsize(out) > 6 * audio["clip_samples"]
