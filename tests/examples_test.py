"""The training and drawing commands for real, for a few steps: in this
process through `keras-gans` (`keras_gans.cli.main`), and as the example
scripts in subprocesses where the script is the subject."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import run_command
from conftest import run_python
from conftest import run_script

pytestmark = pytest.mark.slow


def run(script, *args, timeout=300):
    return run_python(os.path.join("examples", script), *args, timeout=timeout)


@pytest.fixture(scope="module")
def mnist_run(mnist_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = run_command(
        "train",
        "mnist",
        "--epochs=2",
        "--steps_per_epoch=3",
        "--batch_size=16",
        "--latent_dim=32",
        "--g_hidden=32,16",
        "--d_hidden=16,32",
        f"--data_dir={mnist_dir}",
        f"--output_dir={out / 'run'}",
        f"--export_dir={out / 'export'}",
        "--tensorboard",
        "--eval_samples=300",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def test_mnist_example_writes_grids_curves_and_model(mnist_run):
    out, result = mnist_run
    run_dir = out / "run"
    for name in ("samples_epoch_001.png", "samples_epoch_002.png", "loss_curves.png", "gan.keras"):
        path = run_dir / name
        assert path.is_file() and path.stat().st_size > 1000, name
    # An 8x8 grid of 28-pixel digits with 2-pixel padding, 3 pixels per pixel.
    grid = tf.io.decode_png(tf.io.read_file(str(run_dir / "samples_epoch_002.png"))).numpy()
    assert grid.shape[1] == (8 * 30 + 2) * 3 and grid.std() > 5
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["config"]["arch"] == "dcgan"
    assert len(summary["history"]["g_loss"]) == 2
    assert os.listdir(run_dir / "tensorboard")
    assert "SavedModel:" in result.stdout
    # Evaluated after the last epoch by default.
    assert "quality:     FCD" in result.stdout
    assert summary["evaluations"][-1]["epoch"] == 2
    assert summary["evaluations"][-1]["num_samples"] == 300


def test_mnist_example_export_matches_the_serving_contract(mnist_run):
    out, _ = mnist_run
    path = out / "export" / "mnist_dcgan" / "1"
    serve = tf.saved_model.load(str(path)).signatures["serving_default"]
    spec = serve.structured_input_signature[1]["z"]
    assert spec.dtype == tf.float32 and spec.shape.as_list() == [None, 32]
    images = serve(z=tf.zeros([2, 32]))["images"]
    assert images.dtype == tf.uint8 and images.shape == (2, 28, 28, 1)
    # The LiteRT files come beside it by default and draw the same images.
    for suffix in ("", "_float16", "_int8"):
        lite_path = out / "export" / f"mnist_dcgan{suffix}.tflite"
        assert lite_path.is_file(), lite_path
    lite = kg.export.tflite_runner(out / "export" / "mnist_dcgan.tflite")(
        z=np.zeros((2, 32), "float32")
    )
    assert np.abs(lite["images"].astype(int) - images.numpy().astype(int)).max() <= 1


def test_info_names_the_run_an_export_came_from(mnist_run):
    out, _ = mnist_run
    result = run_command("info", out / "export" / "mnist_dcgan")
    assert result.returncode == 0, result.stderr
    training = json.loads(result.stdout.strip().splitlines()[-1])["training"]
    assert training["run"] == "mnist_dcgan" and training["epochs_run"] == 2
    assert training["settings"]["latent_dim"] == 32
    assert training["last_evaluation"]["num_samples"] == 300
    assert "trained by run mnist_dcgan" in result.stdout


def test_generate_draws_a_grid_from_the_export(mnist_run, tmp_path):
    out, _ = mnist_run
    grid = tmp_path / "grid.png"
    result = run_command("generate", out / "export" / "mnist_dcgan", "--num=9", f"--out={grid}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert grid.is_file() and grid.stat().st_size > 500


def test_generate_from_the_committed_model(tmp_path):
    grid = tmp_path / "grid.png"
    result = run_script("examples/generate.py", "--num=16", f"--out={grid}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert grid.is_file()


def test_mnist_example_reports_missing_data_clearly(tmp_path):
    result = run("mnist.py", f"--data_dir={tmp_path / 'missing'}", f"--output_dir={tmp_path}")
    assert result.returncode == 2
    assert "IDX files" in result.stderr and "TFDS_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_generate_reports_missing_model_clearly(tmp_path):
    result = run_command("generate", tmp_path, f"--out={tmp_path / 'x.png'}")
    assert result.returncode == 2
    assert "saved_model.pb" in result.stderr and "Traceback" not in result.stderr


def test_conditional_example_with_every_stabilizer(mnist_dir, tmp_path):
    result = run_command(
        "train",
        "mnist",
        "--conditional",
        "--ema=0.9",
        "--spectral_norm",
        "--r1_weight=1",
        "--augment=translation,cutout,color",
        "--label_smoothing=0.1",
        "--epochs=1",
        "--steps_per_epoch=3",
        "--batch_size=16",
        "--latent_dim=16",
        "--g_hidden=32,16",
        "--d_hidden=16,32",
        "--eval_samples=200",
        "--notflite",
        f"--data_dir={mnist_dir}",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "labels:" in result.stdout and "classified as the class" in result.stdout
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert 0.0 <= summary["evaluations"][-1]["label_accuracy"] <= 1.0
    assert (tmp_path / "run" / "samples_epoch_001.png").is_file()
    export = tmp_path / "export" / "mnist_dcgan_conditional"
    serve = tf.saved_model.load(str(export / "1")).signatures["serving_default"]
    assert serve.structured_input_signature[1]["label"].dtype == tf.int32

    grid = tmp_path / "digits.png"
    drawn = run_command("generate", export, f"--out={grid}")
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert "wrote 100 images" in drawn.stdout and grid.is_file()
    bad = run_command("generate", export, "--label=12", f"--out={grid}")
    assert bad.returncode == 2
    assert "outside this export's classes" in bad.stderr and "Traceback" not in bad.stderr


def test_mnist_example_rejects_label_smoothing_without_labels(tmp_path):
    result = run_command(
        "train",
        "mnist",
        "--loss=hinge",
        "--label_smoothing=0.1",
        "--steps_per_epoch=1",
        f"--output_dir={tmp_path}",
        "--noexport",
    )
    assert result.returncode == 2
    assert "label_smoothing" in result.stderr and "Traceback" not in result.stderr


def test_a_fashion_mnist_run_is_scored_on_its_own_test_set_and_names_its_classes(tmp_path):
    fashion = "/usr/share/datasets/fashion-mnist"
    if not os.path.isdir(fashion):
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    result = run_command(
        "train",
        "mnist",
        "--dataset=fashion_mnist",
        "--conditional",
        "--epochs=1",
        "--steps_per_epoch=2",
        "--batch_size=8",
        "--latent_dim=8",
        "--g_hidden=16,8",
        "--d_hidden=8,16",
        "--eval_samples=100",
        "--notflite",
        f"--data_dir={fashion}",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    evaluation = json.loads((tmp_path / "run" / "summary.json").read_text())["evaluations"][-1]
    assert evaluation["reference"] == "fashion_mnist_test"
    assert evaluation["extractor"].startswith("classifier:fashion_mnist")
    export = tmp_path / "export" / "mnist_dcgan_conditional"
    assert kg.export.class_names(str(export))[9] == "Ankle boot"
