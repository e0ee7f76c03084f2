"""Evaluation beyond MNIST: classifiers trained on folders of class subfolders
(real Fashion-MNIST PNGs, real photos vs paintings), folder references, the
provenance of every number, and the command line."""

import json
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import data
from keras_gans import evaluation
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import classifier as classifier_lib
from keras_gans.evaluation import classifier_training

from conftest import REPO
from conftest import SHARED
from conftest import run_command
from conftest import run_python

FASHION = "/usr/share/datasets/fashion-mnist"
MONET = os.path.join(SHARED, "style", "photo2monet")


@pytest.fixture(scope="module")
def fashion_classes(tmp_path_factory):
    """120 real Fashion-MNIST test images of each of three classes, as PNG folders."""
    if not os.path.isdir(FASHION):
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    images, labels = data.load_arrays("test", "fashion_mnist", FASHION)
    root = tmp_path_factory.mktemp("fashion_classes")
    for label, name in ((0, "a_tshirt"), (1, "b_trouser"), (7, "c_sneaker")):
        (root / name).mkdir()
        for i, image in enumerate(images[labels == label][:120]):
            tf.io.write_file(str(root / name / f"{i}.png"), tf.io.encode_png(image))
    return root


@pytest.fixture(scope="module")
def fashion_classifier(fashion_classes, tmp_path_factory):
    directory = tmp_path_factory.mktemp("fashion_classifier")
    metadata = classifier_training.train_on_folder(
        str(fashion_classes), str(directory), epochs=4, batch_size=32, verbose=0
    )
    return directory, metadata


def test_a_folder_classifier_learns_the_classes_and_records_what_taught_it(
    fashion_classes, fashion_classifier
):
    directory, metadata = fashion_classifier
    assert metadata["test_accuracy"] > 0.85  # 36 held-out images of 3 classes
    assert metadata["class_names"] == ["a_tshirt", "b_trouser", "c_sneaker"]
    assert metadata["input_shape"] == [28, 28, 1] and metadata["num_test_images"] == 36
    paths = data.find_images(str(fashion_classes))[0]
    assert metadata["data_fingerprint"] == fingerprint_files(paths)
    classifier = classifier_lib.load_classifier(str(directory))
    assert classifier.name == f"classifier:folder:{metadata['sha256'][:12]}"
    # The features separate the classes: nearest class mean is right.
    folder = data.load_image_folder(str(fashion_classes))
    features, _ = classifier.predict(data.to_float(folder.images).numpy())
    means = np.stack([features[folder.labels == c].mean(0) for c in range(3)])
    nearest = np.argmin(((features[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == folder.labels) > 0.9


def test_folder_reference_scores_real_images_well_and_a_collapse_badly(
    fashion_classes, fashion_classifier
):
    directory, metadata = fashion_classifier
    evaluator = evaluation.Evaluator(str(fashion_classes), classifier_dir=str(directory))
    images = data.load_image_folder(str(fashion_classes)).images
    real = evaluator.evaluate(images[::2], kid_subsets=10)
    collapsed = evaluator.evaluate(np.repeat(images[:1], 180, axis=0), kid_subsets=10)
    assert real["fd"] == real["fcd"] and real["coverage"] == 1.0
    assert collapsed["fd"] > 20 * real["fd"]
    assert collapsed["manifold_coverage"] < 0.1 < 0.6 < real["manifold_coverage"]
    assert collapsed["coverage"] == pytest.approx(1 / 3)
    assert real["extractor"] == f"classifier:folder:{metadata['sha256'][:12]}"
    assert real["input_resize"] == "none" and real["num_reference"] == 360
    # Other sizes are resized to the classifier's, and the result says so.
    bigger = tf.image.resize(images[::2], (32, 32)).numpy().astype(np.uint8)
    resized = evaluator.evaluate(bigger, kid_subsets=10)
    assert resized["input_resize"] == "bilinear 32x32 -> 28x28"
    # The 28 -> 32 -> 28 round trip blurs a little; a collapse is far worse.
    assert resized["fd"] < collapsed["fd"] / 3


def test_the_reference_cache_is_read_back_and_rebuilt_when_stale(
    fashion_classes, fashion_classifier, tmp_path
):
    directory, _ = fashion_classifier
    reference = tmp_path / "reference"
    reference.mkdir()
    for path in data.find_images(str(fashion_classes), labels=None)[0][::4]:
        shutil.copy(
            path, reference / f"{os.path.basename(os.path.dirname(path))}_{os.path.basename(path)}"
        )
    images = data.load_image_folder(str(fashion_classes)).images[1::4]
    cache = tmp_path / "cache"

    def evaluate():
        evaluator = evaluation.Evaluator(
            str(reference), classifier_dir=str(directory), cache_dir=str(cache)
        )
        return evaluator.evaluate(images, kid_subsets=5)

    first, second = evaluate(), evaluate()
    assert first["reference_cache"] == "written" and second["reference_cache"] == "read"
    assert second["fd"] == first["fd"] and second["num_reference"] == 90
    # Other data under the same folder name: the fingerprint differs, rebuilt.
    shutil.copy(next(reference.iterdir()), reference / "extra.png")
    third = evaluate()
    assert third["reference_cache"] == "written" and third["num_reference"] == 91
    # A cache written with other features is not used either.
    (path,) = cache.iterdir()
    with np.load(path) as stored:
        about = json.loads(str(stored["about"]))
        np.savez(path, features=stored["features"], about=json.dumps({**about, "extractor": "x"}))
    assert evaluate()["reference_cache"] == "written"
    assert evaluate()["reference_cache"] == "read"


def test_a_folder_reference_needs_a_classifier(fashion_classes):
    with pytest.raises(ValueError, match="classifier_dir"):
        evaluation.Evaluator(str(fashion_classes))
    with pytest.raises(ValueError, match="reference"):
        evaluation.Evaluator("imagenet_test")


@pytest.mark.slow
def test_colour_photos_against_paintings_on_the_command_line(tmp_path):
    """A 32x32 RGB classifier of real photos vs Monet paintings, then the CLI
    scoring a folder of photos against the photos, with a JSON last line."""
    if not os.path.isdir(MONET):
        pytest.skip("the shared photo/Monet sets are not available")
    classes = tmp_path / "classes"
    for name, split in (("monet", "trainB"), ("photo", "trainA")):
        (classes / name).mkdir(parents=True)
        for file in sorted(os.listdir(os.path.join(MONET, split)))[:100]:
            os.symlink(os.path.join(MONET, split, file), classes / name / file)
    trained = run_command(
        "train-classifier",
        f"--data_dir={classes}",
        "--image_size=32",
        "--epochs=20",
        "--batch_size=32",
        f"--output_dir={tmp_path / 'clf'}",
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    metadata = json.loads((tmp_path / "clf" / "metadata.json").read_text())
    # 20 held-out images; chance is 0.5.
    assert metadata["input_shape"] == [32, 32, 3] and metadata["test_accuracy"] >= 0.7
    scored = run_command(
        "evaluate",
        os.path.join(MONET, "testA"),
        f"--reference={classes / 'photo'}",
        f"--classifier_dir={tmp_path / 'clf'}",
    )
    assert scored.returncode == 0, scored.stderr[-3000:]
    results = json.loads(scored.stdout.strip().splitlines()[-1])
    for key in ("fd", "kid", "precision", "recall", "density", "manifold_coverage"):
        assert np.isfinite(results[key]), key
    assert results["extractor"].startswith("classifier:folder:")
    assert results["num_reference"] == 100
    assert results["num_samples"] == len(os.listdir(os.path.join(MONET, "testA")))
    assert results["input_resize"] == "folder read at 32x32 (center crop, antialiased)"
    assert "input resize" in scored.stdout


@pytest.mark.slow
def test_inception_extractor_mechanics_with_random_weights(
    fashion_classes, fashion_classifier, tmp_path
):
    """Mechanics only: random weights, so the numbers mean nothing (and say so)."""
    from keras_gans.evaluation.inception import InceptionExtractor

    extractor = InceptionExtractor(random_weights=True)
    rng = np.random.default_rng(0)
    for shape in [(3, 32, 32, 3), (3, 64, 48, 1)]:
        images = rng.integers(0, 256, shape, dtype=np.uint8)
        prepared = extractor.prepare(images)
        assert prepared.shape == shape[:3] + (3,) and prepared.min() >= -1
        features, probs = extractor.predict(prepared)
        assert features.shape == (3, 2048) and probs is None
    # Through the evaluator: no class metrics, and the numbers name their extractor.
    # A small class-folder reference: InceptionV3 at 299x299 costs ~0.25 s an image here.
    small = tmp_path / "small_classes"
    for folder in sorted(fashion_classes.iterdir()):
        (small / folder.name).mkdir(parents=True)
        for i in range(3):
            shutil.copy(folder / f"{i}.png", small / folder.name / f"{i}.png")
    evaluator = evaluation.Evaluator(
        str(small), classifier_dir=str(fashion_classifier[0]), cache_dir=None
    )
    evaluator.extractor = extractor
    images = data.load_image_folder(str(fashion_classes)).images[::30]
    results = evaluator.evaluate(images, kid_subset_size=6, kid_subsets=2)
    assert results["num_reference"] == 9 and results["num_samples"] == 12
    assert results["extractor"] == "inception_v3:random-weights"
    assert results["input_resize"] == "bilinear 28x28 -> 299x299"
    assert "coverage" not in results and np.isfinite(results["fd"])
    table = evaluation.evaluator.format_table(results)
    assert "FD (lower is better)" in table and "class coverage" not in table
    # A grey reference is prepared the way the samples are (repeated to RGB).
    np.save(tmp_path / "grey.npy", images[:6])
    evaluator = evaluation.Evaluator(
        str(tmp_path / "grey.npy"), classifier_dir=str(fashion_classifier[0]), cache_dir=None
    )
    evaluator.extractor = extractor
    grey = evaluator.evaluate(images[6:], kid_subset_size=4, kid_subsets=2)
    assert grey["num_reference"] == 6 and np.isfinite(grey["fd"])


def test_no_evaluation_path_reaches_the_network(
    monkeypatch, tmp_path, fashion_classes, fashion_classifier, mnist_dir
):
    import socket

    import keras

    def refuse(*args, **kwargs):
        raise AssertionError("an evaluation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(keras.utils, "get_file", refuse)
    monkeypatch.setattr("keras.src.utils.file_utils.get_file", refuse)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached Inception weights here
    with pytest.raises(FileNotFoundError, match="never downloads"):
        evaluation.Evaluator(extractor="inception")
    with pytest.raises(FileNotFoundError, match="never downloads"):
        evaluation.Evaluator(extractor="inception", inception_weights=str(tmp_path / "w.h5"))
    evaluator = evaluation.Evaluator(
        str(fashion_classes), classifier_dir=str(fashion_classifier[0]), cache_dir=str(tmp_path)
    )
    images = data.load_image_folder(str(fashion_classes)).images[::3]
    assert np.isfinite(evaluator.evaluate(images, kid_subsets=3)["fd"])
    # The committed MNIST classifier and reference.
    mnist = evaluation.Evaluator(data_dir=mnist_dir, cache_dir=str(tmp_path))
    digits, _ = data.load_arrays("test", "mnist", mnist_dir)
    assert mnist.evaluate(digits[:200], kid_subsets=3)["coverage"] > 0.5


@pytest.mark.slow
def test_the_images_recipe_evaluates_every_epoch_with_a_folder_classifier(
    fashion_classes, fashion_classifier, tmp_path
):
    from keras_gans.jobs import images as images_recipe

    result = images_recipe.train(
        data_dir=str(fashion_classes),
        reference=str(fashion_classes),
        classifier_dir=str(fashion_classifier[0]),
        evaluate_every=1,
        eval_samples=120,
        epochs=2,
        steps_per_epoch=3,
        batch_size=8,
        width=8,
        latent_dim=16,
        output_dir=str(tmp_path / "run"),
        export=False,
    )
    assert [e["epoch"] for e in result.evaluations] == [1, 2]
    assert all(e["extractor"].startswith("classifier:folder:") for e in result.evaluations)
    assert result.evaluations[-1]["num_reference"] == 360


def test_a_named_folder_is_never_read_as_mnist_nor_written_to(tmp_path, mnist_dir):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in sorted(os.listdir(os.path.join(MONET, "testA")))[:3]:
        shutil.copy(os.path.join(MONET, "testA", name), photos / name)
    before = sorted(os.listdir(photos))
    with pytest.raises(data.DataNotFoundError, match="neither the IDX files nor a prepared"):
        data.load_arrays("train", "mnist", data_dir=str(photos))
    assert sorted(os.listdir(photos)) == before  # no TFDS downloads/ or mnist/ in it
    with pytest.raises(FileNotFoundError, match="does not exist"):
        evaluation.Evaluator(str(tmp_path / "no_such_folder"))


@pytest.mark.slow
def test_train_classifier_on_a_flat_folder_says_what_it_needs(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in sorted(os.listdir(os.path.join(MONET, "testA")))[:3]:
        shutil.copy(os.path.join(MONET, "testA", name), photos / name)
    before = sorted(os.listdir(photos))
    # The module name runs the command too (a subprocess: the program is the subject).
    result = run_python("-m", "keras_gans.evaluation.train_classifier", f"--data_dir={photos}")
    assert result.returncode == 2 and "no class subfolders" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(photos)) == before
    assert not os.path.exists(os.path.join(REPO, "saved_models", "mnist_classifier"))
