"""Runs interrupted anywhere, killed or Ctrl-C'd, end as uninterrupted runs do,
with evaluation and export on: `train images` and `train super-resolution`
killed with SIGKILL between epochs (`train audio`: audio_job_test), and a
run interrupted in its final evaluation or in its export, each finished by
the same command run again."""

import json
import os
import shutil

import keras
import numpy as np
import pytest

from conftest import SHARED
from conftest import imagenet_weights_or_skip
from conftest import kill_after_epoch
from conftest import kill_and_resume
from conftest import run_command

pytestmark = pytest.mark.slow

PAINTINGS = os.path.join(SHARED, "style", "photo2monet")
EPOCHS = 2  # killed after epoch 1, resumed for the last


def copy_images(source, target, count):
    os.makedirs(target)
    for name in sorted(os.listdir(source))[:count]:
        shutil.copy(os.path.join(source, name), target)
    return target


@pytest.fixture(scope="module")
def paintings(tmp_path_factory):
    """24 real paintings to train on and 12 held out as the reference."""
    if not os.path.isdir(PAINTINGS):
        pytest.skip(f"no paintings in {PAINTINGS}")
    imagenet_weights_or_skip()
    root = tmp_path_factory.mktemp("paintings")
    train = copy_images(os.path.join(PAINTINGS, "trainB"), str(root / "train"), 24)
    held_out = copy_images(os.path.join(PAINTINGS, "testB"), str(root / "held_out"), 12)
    return train, held_out


def images_args(paintings, out, exports):
    train, held_out = paintings
    return [
        "train",
        "images",
        f"--data_dir={train}",
        "--arch=dcgan",
        "--image_size=16",
        "--width=8",
        "--latent_dim=8",
        "--batch_size=4",
        f"--epochs={EPOCHS}",
        "--steps_per_epoch=3",
        f"--reference={held_out}",
        "--evaluate_every=1",
        "--eval_samples=12",
        "--export_best",
        "--notflite",
        "--name=paintings",
        f"--output_dir={out}",
        f"--export_dir={exports}",
    ]


@pytest.fixture(scope="module")
def uninterrupted(paintings, tmp_path_factory):
    """The output folder of the same images run, never interrupted."""
    root = tmp_path_factory.mktemp("uninterrupted")
    result = run_command(*images_args(paintings, root / "run", root / "exports"))
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "run"


def assert_same_run(got_dir, ref_dir):
    """Equal weights, optimizer steps and evaluation histories."""
    ref = keras.saving.load_model(str(ref_dir / "gan.keras"))
    got = keras.saving.load_model(str(got_dir / "gan.keras"))
    assert int(got.g_optimizer.iterations) == int(ref.g_optimizer.iterations)
    for a, b in zip(
        ref.generator.weights + ref.discriminator.weights,
        got.generator.weights + got.discriminator.weights,
    ):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-5, err_msg=a.path)
    ref_summary = json.loads((ref_dir / "summary.json").read_text())
    got_summary = json.loads((got_dir / "summary.json").read_text())
    ref_scores = [(e["epoch"], round(e["fcd"], 3)) for e in ref_summary["evaluations"]]
    got_scores = [(e["epoch"], round(e["fcd"], 3)) for e in got_summary["evaluations"]]
    assert got_scores == ref_scores and len(ref_scores) == EPOCHS
    assert got_summary["steps_history"]["step"] == ref_summary["steps_history"]["step"]
    # The epochs before the kill count too: the whole run's history.
    assert got_summary["epochs_run"] == ref_summary["epochs_run"] == EPOCHS
    np.testing.assert_allclose(
        got_summary["history"]["g_loss"], ref_summary["history"]["g_loss"], atol=1e-5
    )
    assert not (got_dir / "backup").exists()  # removed once the results were saved


def test_killed_images_run_resumes_to_the_uninterrupted_result(paintings, uninterrupted, tmp_path):
    args = images_args(paintings, tmp_path / "run", tmp_path / "exports")
    killed_at = kill_after_epoch(args, tmp_path / "run" / "backup", 1)
    assert 1 <= killed_at < EPOCHS
    assert not (tmp_path / "run" / "gan.keras").exists()

    resumed = run_command(*args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"from its backup after epoch {killed_at}" in resumed.stdout
    assert_same_run(tmp_path / "run", uninterrupted)
    assert os.path.isdir(tmp_path / "exports" / "paintings" / "1")


def test_a_run_interrupted_in_its_final_evaluation_finishes_from_its_backup(
    paintings, uninterrupted, tmp_path, monkeypatch
):
    from keras_gans.evaluation import evaluator

    args = images_args(paintings, tmp_path / "run", tmp_path / "exports")
    evaluate_gan = evaluator.evaluate_gan
    calls = []

    def interrupted_at_the_last(*a, **k):
        calls.append(1)
        if len(calls) == EPOCHS:  # Ctrl-C during the last epoch's evaluation
            raise KeyboardInterrupt
        return evaluate_gan(*a, **k)

    monkeypatch.setattr(evaluator, "evaluate_gan", interrupted_at_the_last)
    stopped = run_command(*args)
    assert stopped.returncode == 130, stopped.stderr[-3000:]
    assert stopped.stderr.startswith("interrupted:")
    assert not (tmp_path / "exports").exists() and not (tmp_path / "run" / "gan.keras").exists()
    monkeypatch.setattr(evaluator, "evaluate_gan", evaluate_gan)

    resumed = run_command(*args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"after epoch {EPOCHS - 1}" in resumed.stdout
    assert_same_run(tmp_path / "run", uninterrupted)


def test_a_run_interrupted_in_its_export_keeps_the_earlier_one_and_finishes(
    paintings, uninterrupted, tmp_path, monkeypatch
):
    from keras_gans import export

    exports = tmp_path / "exports"
    earlier = exports / "paintings" / "1"
    shutil.copytree(uninterrupted.parent / "exports" / "paintings" / "1", earlier)
    before = {p: p.read_bytes() for p in earlier.rglob("*") if p.is_file()}
    args = images_args(paintings, tmp_path / "run", exports)

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "_write_version", interrupted)
    stopped = run_command(*args)
    assert stopped.returncode == 130, stopped.stderr[-3000:]
    assert sorted(os.listdir(exports / "paintings")) == ["1"]
    assert {p: p.read_bytes() for p in earlier.rglob("*") if p.is_file()} == before
    assert (tmp_path / "run" / "backup" / "training_metadata.json").is_file()
    monkeypatch.undo()

    resumed = run_command(*args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert sorted(os.listdir(exports / "paintings")) == ["1", "2"]
    assert {p: p.read_bytes() for p in earlier.rglob("*") if p.is_file()} == before
    assert_same_run(tmp_path / "run", uninterrupted)


def super_resolution_args(photos, out, exports):
    train, test = photos
    return [
        "train",
        "super-resolution",
        f"--data_dir={train}",
        f"--test_dir={test}",
        "--image_size=32",
        "--batch_size=2",
        f"--epochs={EPOCHS}",
        "--steps_per_epoch=3",
        "--filters=8",
        "--residual_blocks=1",
        "--crop_size=64",
        "--notflite",
        f"--output_dir={out}",
        f"--export_dir={exports}",
    ]


def test_killed_super_resolution_run_resumes_to_the_uninterrupted_result(tmp_path):
    if not os.path.isdir(PAINTINGS):
        pytest.skip(f"no photos in {PAINTINGS}")
    photos = (
        copy_images(os.path.join(PAINTINGS, "trainA"), str(tmp_path / "train"), 12),
        copy_images(os.path.join(PAINTINGS, "testA"), str(tmp_path / "test"), 2),
    )
    ref_dir, run_dir, exports, _ = kill_and_resume(
        lambda out, exported: super_resolution_args(photos, out, exported), tmp_path, EPOCHS
    )
    ref = keras.saving.load_model(str(ref_dir / "gan.keras"))
    got = keras.saving.load_model(str(run_dir / "gan.keras"))
    assert int(got.g_optimizer.iterations) == int(ref.g_optimizer.iterations) == 3 * EPOCHS
    for a, b in zip(ref.weights, got.weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-5, err_msg=a.path)
    ref_scores = json.loads((ref_dir / "summary.json").read_text())["scores"]
    got_scores = json.loads((run_dir / "summary.json").read_text())["scores"]
    assert got_scores["model"] == pytest.approx(ref_scores["model"], abs=1e-4)
    assert os.path.isfile(exports / "super_resolution" / "1" / "saved_model.pb")
