"""`keras-gans`: dispatch, help, suggestions, dry runs and wrong kinds of
export, in this process (`keras_gans.cli.main`)."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.callbacks import run_backup
from keras_gans.cli import train as cli_train

from conftest import REPO
from conftest import SHARED
from conftest import run_command

COMMITTED = os.path.join(REPO, "saved_models", "mnist_dcgan")
# `keras-gans train mnist` with a tiny MLP pair and no evaluation.
TINY_MNIST_RUN = (
    "train",
    "mnist",
    "--arch=mlp",
    "--g_hidden=16",
    "--d_hidden=16",
    "--latent_dim=8",
    "--batch_size=8",
    "--evaluate_every=0",
)


def test_mistyped_commands_jobs_and_flags_name_the_nearest_one():
    result = run_command("trian")
    assert result.returncode == 2 and "Did you mean 'train'?" in result.stderr
    result = run_command("train", "mnsit")
    assert result.returncode == 2 and "Did you mean 'mnist'?" in result.stderr
    result = run_command("train", "mnist", "--epoch=3")
    assert result.returncode == 2 and "epochs" in result.stderr and "--help" in result.stderr
    result = run_command("train", "mnist", "--epochs=three")
    assert result.returncode == 2 and "epochs" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_commands_jobs_and_each_jobs_flags():
    result = run_command("--help")
    assert result.returncode == 0
    for name in ("train", "generate", "apply", "evaluate", "train-classifier", "info"):
        assert f"  {name} " in result.stdout
    jobs = run_command("train", "--help").stdout
    assert all(job in jobs for job in ("mnist", "images", "super-resolution", "inpainting"))
    flags = run_command("train", "images", "--help")
    assert flags.returncode == 0
    assert "--data_dir" in flags.stdout and "--[no]dry_run" in flags.stdout
    assert "--content_dir" not in flags.stdout  # another job's flag
    assert run_command().returncode == 2  # no command: the usage, and bad input


def test_dry_run_prints_the_resolved_settings_without_training(tmp_path):
    result = run_command("train", "mnist", "--arch=mlp", "--epochs=3", "--dry_run")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    settings = record["settings"]
    # The MLP preset's own values, with the one flag given; nothing left to choose.
    assert settings["arch"] == "mlp" and settings["batch_size"] == 64 and settings["epochs"] == 3
    assert settings["mixed_precision"] != "auto" and settings["output_dir"] == "runs/mnist_mlp"
    # The command's own choice, a backup in the run's folder, is the caller's.
    assert record["chosen_by_user"] == ["arch", "backup_dir", "epochs"]
    style = json.loads(run_command("train", "style", "--model=cycle_gan", "--dry_run").stdout)
    assert style["settings"]["model"] == "cycle_gan"
    bad = run_command("train", "images", "--loss=nope", "--dry_run")
    assert bad.returncode == 2 and "loss" in bad.stderr
    assert not (tmp_path / "runs").exists() and not os.path.exists("runs/mnist_mlp/summary.json")


def test_dry_run_prints_what_the_folder_chooses_exactly_as_the_run_uses_it(tmp_path):
    # 400 small colour photos: the folder picks the pair and its settings.
    folder = os.path.join(SHARED, "style", "photo2monet", "testA")
    out = tmp_path / "run"
    args = ("train", "images", f"--data_dir={folder}", "--image_size=32", "--loss=hinge")
    dry = run_command(*args, f"--output_dir={out}", "--dry_run")
    assert dry.returncode == 0, dry.stderr
    record = json.loads(dry.stdout)
    settings = record["settings"]
    assert settings["arch"] in ("projected", "dcgan") and settings["flip"] is True
    assert settings["augment"] == "translation,color,cutout" and settings["channels"] == 3
    assert "arch" in record["chosen_by_job"] and "loss" in record["chosen_by_user"]
    assert "loss" not in record["chosen_by_job"] and settings["loss"] == "hinge"
    assert any("images at 32x32x3" in note for note in record["notes"])
    assert not out.exists()  # nothing written
    # The run trains on that record (the command adds its backup folder).
    resolved = kg.jobs.images.resolve(
        data_dir=folder,
        image_size="32",
        loss="hinge",
        output_dir=str(out),
        backup_dir=str(out / "backup"),
    )
    assert resolved.config.to_dict() == settings
    with pytest.raises(ValueError, match="not beside"):
        kg.jobs.images.train(resolved, epochs=1)


def test_generate_and_info_on_the_committed_export(tmp_path):
    grid = tmp_path / "grid.png"
    drawn = run_command("generate", COMMITTED, "--num=9", f"--out={grid}")
    assert drawn.returncode == 0, drawn.stderr
    assert tf.io.decode_png(tf.io.read_file(str(grid))).numpy().std() > 5
    array = run_command("generate", COMMITTED, "--num=5", f"--out={tmp_path / 'x.npy'}")
    assert array.returncode == 0 and np.load(tmp_path / "x.npy").shape == (5, 28, 28, 1)
    folder = run_command("generate", COMMITTED, "--num=3", f"--out={tmp_path / 'pngs'}")
    assert folder.returncode == 0 and len(os.listdir(tmp_path / "pngs")) == 3
    strip = run_command(
        "generate", COMMITTED, "--num=6", "--interpolate", f"--out={tmp_path / 'line.npy'}"
    )
    line = np.load(tmp_path / "line.npy").astype(int)
    assert strip.returncode == 0 and line.shape[0] == 6
    # Neighbours along the path are closer than its two ends.
    assert np.abs(line[1] - line[0]).mean() < np.abs(line[-1] - line[0]).mean()
    plain = run_command("generate", COMMITTED, "--num=64", f"--out={tmp_path / 'plain.npy'}")
    truncated = run_command(
        "generate", COMMITTED, "--num=64", "--truncation=0.1", f"--out={tmp_path / 'low.npy'}"
    )
    assert plain.returncode == truncated.returncode == 0, truncated.stderr
    # Pulled toward the mean latent, the digits vary less from one another.
    spread = {
        name: np.load(tmp_path / f"{name}.npy").astype(float).std(axis=0).mean()
        for name in ("plain", "low")
    }
    assert spread["low"] < 0.8 * spread["plain"], spread  # 0.68 measured
    wrong = run_command("generate", COMMITTED, "--truncation=1.5")
    assert wrong.returncode == 2 and "(0, 1]" in wrong.stderr
    info = run_command("info", COMMITTED)
    assert info.returncode == 0, info.stderr
    about = json.loads(info.stdout.strip().splitlines()[-1])
    assert about["contract"] == "noise" and about["inputs"]["z"]["shape"][-1] == 100
    assert about["outputs"]["images"]["dtype"] == "uint8"


def test_a_command_given_the_wrong_kind_of_export_says_which_to_use(tmp_path):
    generator = kg.networks.super_resolution_generator(filters=4, residual_blocks=1)
    kg.export.export_generator(
        generator, str(tmp_path), "sr", tflite_files=False, contract="super_resolution"
    )
    wrong = run_command("generate", tmp_path / "sr")
    assert wrong.returncode == 2 and "keras-gans apply" in wrong.stderr
    wrong = run_command("apply", COMMITTED, os.path.join(REPO, "docs", "mnist_dcgan_samples.png"))
    assert wrong.returncode == 2 and "keras-gans generate" in wrong.stderr
    missing = run_command("info", tmp_path / "nothing_here")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    # apply on the right kind: x4, the inputs' names, any size.
    photos = tmp_path / "photos"
    photos.mkdir()
    tf.io.write_file(str(photos / "a.png"), tf.io.encode_png(np.zeros((10, 14, 3), np.uint8)))
    done = run_command("apply", tmp_path / "sr", photos, f"--out={tmp_path / 'out'}")
    assert done.returncode == 0, done.stderr
    upscaled = tf.io.decode_png(tf.io.read_file(str(tmp_path / "out" / "a.png")))
    assert upscaled.shape == (40, 56, 3)
    assert run_command("apply", tmp_path / "sr", tmp_path / "no.png").returncode == 2


@pytest.mark.slow
def test_python_dash_m_keras_gans_runs_the_command():
    from conftest import run_python

    result = run_python("-m", "keras_gans", "train", "mnist", "--dry_run", "--epochs=2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["settings"]["epochs"] == 2


@pytest.mark.slow
def test_a_rerun_resumes_a_finished_run_is_left_alone_and_fresh_starts_over(tmp_path, mnist_dir):
    out = tmp_path / "run"
    args = [
        *TINY_MNIST_RUN,
        "--epochs=2",
        "--steps_per_epoch=2",
        "--noexport",
        f"--data_dir={mnist_dir}",
        f"--output_dir={out}",
    ]
    first = run_command(*args)
    assert first.returncode == 0, first.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["backup_dir"] == str(out / "backup")
    assert not (out / "backup").exists()  # a finished run keeps no backup
    again = run_command(*args)
    assert again.returncode == 0 and "holds a finished run" in again.stdout
    assert "trained in" not in again.stdout
    # A backup left by an interrupted run: the same command resumes from it.
    backup = out / "backup"
    backup.mkdir()
    (backup / run_backup.MARKER_FILE).write_text("{}")
    (backup / "weights-00001-old.weights.h5").write_bytes(b"")
    metadata = {"epoch": 1, "batch": -1, "weights": "weights-00001-old.weights.h5"}
    (backup / "training_metadata.json").write_text(json.dumps(metadata))
    planned, message, finished = cli_train.plan_backup(
        kg.jobs.mnist.configure(output_dir=str(out))[0], {}
    )
    assert "resuming" in message and "epoch 1" in message and not finished
    assert planned["backup_dir"] == str(backup)
    # --fresh neither restores the old backup nor deletes it up front: the
    # new run's first epoch replaces it, and the finished run removes it.
    fresh = run_command(*args, "--fresh")
    assert fresh.returncode == 0 and "trained in" in fresh.stdout, fresh.stderr
    assert json.loads((out / "summary.json").read_text())["epochs_run"] == 2
    assert not backup.exists()


def test_inpainting_without_opencv_names_the_extra_before_training(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "cv2", None)  # what an install without the extra sees
    result = run_command(
        "train", "inpainting", f"--data_dir={tmp_path}", f"--output_dir={tmp_path}"
    )
    assert result.returncode == 2 and "keras_gans[editing]" in result.stderr
    assert not os.listdir(tmp_path)  # nothing trained or written


def test_bad_paths_are_one_line_and_a_diverged_run_keeps_the_earlier_export(mnist_dir, tmp_path):
    missing = tmp_path / "no_such_folder"
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an image")
    for named, args in [
        (missing, ("train", "images", f"--data_dir={missing}")),
        (empty, ("train", "images", f"--data_dir={empty}")),
        (missing, ("apply", missing, empty)),
        (missing, ("generate", missing)),
        (missing, ("evaluate", missing)),
    ]:
        result = run_command(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.count("error:") == 1 and "Traceback" not in result.stderr, args
        assert str(named) in result.stderr, (args, result.stderr)
    assert os.listdir(empty) == ["notes.txt"]  # nothing written into the user's folder
    common = [
        *TINY_MNIST_RUN,
        "--epochs=1",
        "--steps_per_epoch=3",
        "--notflite",
        f"--data_dir={mnist_dir}",
        f"--export_dir={tmp_path / 'exports'}",
    ]
    first = run_command(*common, f"--output_dir={tmp_path / 'good'}")
    assert first.returncode == 0, first.stderr
    version = tmp_path / "exports" / "mnist_mlp" / "1"
    before = {p.name: p.stat().st_mtime_ns for p in version.rglob("*")}
    # A learning rate no network survives: the run fails (exit 1), exports nothing.
    diverged = run_command(
        *common, f"--output_dir={tmp_path / 'bad'}", "--learning_rate=1e30", "--steps_per_epoch=20"
    )
    assert diverged.returncode == 1, (diverged.stdout[-2000:], diverged.stderr[-2000:])
    assert "error:" in diverged.stderr and "Traceback" not in diverged.stderr
    assert os.listdir(tmp_path / "exports" / "mnist_mlp") == ["1"]
    assert {p.name: p.stat().st_mtime_ns for p in version.rglob("*")} == before


@pytest.mark.slow
def test_folders_named_alike_never_share_a_run_folder_or_an_export_name(tmp_path):
    import shutil

    from conftest import SHARED
    from conftest import TINY_IMAGES_RUN

    photos = os.path.join(SHARED, "style", "photo2monet", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    names = sorted(os.listdir(photos))
    for folder, chosen in (("a", names[:4]), ("b", names[4:8])):
        (tmp_path / folder / "train").mkdir(parents=True)
        for name in chosen:
            shutil.copy(os.path.join(photos, name), tmp_path / folder / "train")

    def train(folder, *flags):
        return run_command(
            "train",
            "images",
            f"--data_dir={tmp_path / folder / 'train'}",
            *TINY_IMAGES_RUN,
            "--notflite",
            f"--export_dir={tmp_path / 'exports'}",
            *flags,
        )

    first = train("a", f"--output_dir={tmp_path / 'run'}")
    assert first.returncode == 0, first.stderr[-2000:]
    before = (tmp_path / "run" / "summary.json").read_bytes()
    # Both folders are called "train": same default export name, same folder.
    same_folder = train("b", f"--output_dir={tmp_path / 'run'}")
    assert same_folder.returncode == 2
    assert (
        "holds the run of other data" in same_folder.stderr and "--output_dir" in same_folder.stderr
    )
    assert (tmp_path / "run" / "summary.json").read_bytes() == before
    same_name = train("b", f"--output_dir={tmp_path / 'run_b'}")
    assert same_name.returncode == 2 and "--name" in same_name.stderr
    assert "holds exports trained on other data" in same_name.stderr
    assert os.listdir(tmp_path / "exports" / "train") == ["1"]
    named = train("b", f"--output_dir={tmp_path / 'run_b'}", "--name=b_train")
    assert named.returncode == 0, named.stderr[-2000:]
    assert os.path.isdir(tmp_path / "exports" / "b_train" / "1")
