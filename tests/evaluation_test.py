"""The evaluator, its classifier and the CLI, on real MNIST."""

import json
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import classifier as classifier_lib

from conftest import run_command
from conftest import tiny_dcgan


@pytest.fixture(scope="module")
def evaluator(mnist_dir):
    return kg.evaluation.Evaluator(data_dir=mnist_dir)


@pytest.fixture(scope="module")
def real_train(mnist_dir):
    images, labels = kg.data.load_idx(mnist_dir, "train")
    return images[:2000], labels[:2000]


def test_committed_classifier_meets_its_accuracy_and_hash():
    clf = kg.evaluation.load_classifier()  # verifies the SHA-256
    assert clf.metadata["test_accuracy"] >= 0.99
    assert clf.metadata["feature_layer"] == "features" and clf.feature_dim == 128


def test_classifier_accuracy_is_real(evaluator, mnist_dir):
    images, labels = kg.data.load_idx(mnist_dir, "test")
    _, probs = evaluator.features(images[:2000])
    assert (probs.argmax(1) == labels[:2000]).mean() >= 0.985


@pytest.mark.slow
def test_real_data_scores_near_the_floor_and_collapse_scores_badly(evaluator, real_train):
    images, _ = real_train
    real = evaluator.evaluate(images, kid_subsets=20)
    assert real["coverage"] == 1.0
    # FCD of 2,000 real samples is not 0 (small-N bias: 1.2 at N=10,000), KID is
    # unbiased: zero within its spread.
    assert real["fcd"] < 5.0 and abs(real["kid"]) < 3 * real["kid_std"]
    assert real["classifier_score"] > 9.0
    assert real["precision"] > 0.6 and real["recall"] > 0.6
    assert 0.7 < real["density"] < 1.3 and real["manifold_coverage"] > 0.8
    collapsed = evaluator.evaluate(np.repeat(images[:1], 2000, axis=0), kid_subsets=20)
    assert collapsed["coverage"] == pytest.approx(0.1)
    assert collapsed["fcd"] > 50 * real["fcd"]
    assert collapsed["kid"] > 10 * real["kid_std"]
    assert collapsed["classifier_score"] < 1.5 and collapsed["recall"] < 0.05
    assert collapsed["manifold_coverage"] < 0.05


def test_tampered_classifier_is_refused(tmp_path):
    directory = tmp_path / "clf"
    shutil.copytree(classifier_lib.default_classifier_dir(), directory)
    weights = directory / classifier_lib.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-100] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        kg.evaluation.load_classifier(str(directory))
    with pytest.raises(FileNotFoundError, match="train_classifier"):
        kg.evaluation.load_classifier(str(tmp_path / "missing"))


def run_cli(*args):
    # `python -m keras_gans.evaluate` itself runs in packaging_test, from a wheel.
    return run_command("evaluate", *args)


KEYS = {"fcd", "kid", "classifier_score", "precision", "recall", "coverage"}


@pytest.mark.slow
def test_cli_on_a_npy_file(tmp_path, real_train, mnist_dir):
    path = tmp_path / "real.npy"
    np.save(path, real_train[0][:500, ..., 0])  # uint8, N x 28 x 28
    result = run_cli(str(path), f"--data_dir={mnist_dir}")
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= set(summary)
    assert summary["num_samples"] == 500 and summary["coverage"] == 1.0
    assert "FCD" in result.stdout


@pytest.mark.slow
def test_cli_on_a_tiny_saved_model(tmp_path, mnist_dir):
    generator = kg.networks.dcgan_generator(latent_dim=8, filters=(8, 4))
    kg.export.saved_model(generator, str(tmp_path), "tiny")
    result = run_cli(str(tmp_path / "tiny"), "--num_samples=300", f"--data_dir={mnist_dir}")
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= set(summary) and summary["num_samples"] == 300
    # An untrained generator is far from MNIST.
    assert summary["fcd"] > 10


@pytest.mark.slow
def test_cli_errors_are_clear(tmp_path):
    not_npy = tmp_path / "notes.npy"
    not_npy.write_text("hello")
    result = run_cli(str(not_npy))
    assert result.returncode == 2 and "numpy.save" in result.stderr
    assert "Traceback" not in result.stderr
    wrong = tmp_path / "rgb.npy"
    np.save(wrong, np.zeros((10, 32, 32, 3), np.uint8))
    result = run_cli(str(wrong))
    assert result.returncode == 2 and "(n, 28, 28)" in result.stderr
    result = run_cli(str(tmp_path / "missing.npy"))
    assert result.returncode == 2 and "does not exist" in result.stderr


@pytest.mark.slow
def test_callback_logs_metrics_and_keeps_the_best(evaluator, real_batches):
    gan = tiny_dcgan(seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    callback = kg.callbacks.EvaluateGenerator(evaluator, num_samples=300, verbose=0)
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(real_batches[:2]),
        epochs=2,
        verbose=0,
        callbacks=[callback],
    )
    for key in KEYS:
        assert len(history.history[key]) == 2
    assert [r["epoch"] for r in callback.history] == [1, 2]
    best = min(callback.history, key=lambda r: r["fcd"])
    assert callback.restore_best()["epoch"] == best["epoch"]
    images = gan.generate(z=kg.callbacks.fixed_noise(300, 16, seed=0))
    assert evaluator.evaluate(images)["fcd"] == pytest.approx(best["fcd"], rel=1e-4)


def test_a_time_limit_stops_mid_epoch_and_the_final_generator_is_evaluated(evaluator, real_batches):
    gan = tiny_dcgan(seed=0)
    gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    limit = kg.callbacks.StopAfterMinutes(0.0)  # stops after the first step
    evaluate = kg.callbacks.EvaluateGenerator(
        evaluator, every_n_epochs=None, num_samples=300, verbose=0
    )
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(real_batches[:6]),
        epochs=3,
        verbose=0,
        callbacks=[limit, evaluate],
    )
    assert int(gan.g_optimizer.iterations) == 1 and limit.stopped_at == 1
    assert len(history.epoch) == 1
    # Evaluated once, at the end, on the generator training ended with.
    assert [r["epoch"] for r in evaluate.history] == [1]
    images = gan.generate(z=kg.callbacks.fixed_noise(300, 16, seed=0))
    assert evaluator.evaluate(images)["fcd"] == pytest.approx(evaluate.history[0]["fcd"], rel=1e-4)
