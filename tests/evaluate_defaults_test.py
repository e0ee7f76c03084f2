"""`keras-gans evaluate EXPORT` with no --reference: the export's training
summary says what to compare it with, and the command says what it chose."""

import json
import os
import shutil

import pytest

from conftest import SHARED
from conftest import TINY_IMAGES_RUN
from conftest import run_command


def test_the_mnist_preset_is_scored_against_the_test_set_it_learned():
    result = run_command("evaluate", "mnist_dcgan", "--num_samples=500")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "--reference=mnist_test --extractor=classifier: it learned mnist" in result.stdout
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    assert scores["reference"] == "mnist_test" and scores["coverage"] == 1.0
    assert scores["extractor"].startswith("classifier:mnist")


def test_a_folder_export_is_scored_against_its_folder_with_imagenet_features(tmp_path):
    photos = os.path.join(SHARED, "style", "photo2monet", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    folder = tmp_path / "my_photos"
    folder.mkdir()
    for name in sorted(os.listdir(photos))[:12]:
        shutil.copy(os.path.join(photos, name), folder / name)
    trained = run_command(
        "train",
        "images",
        f"--data_dir={folder}",
        *TINY_IMAGES_RUN,
        "--notflite",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'exports'}",
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    export = tmp_path / "exports" / "my_photos"
    result = run_command("evaluate", export, "--num_samples=24", "--cache_dir=none")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"--reference={folder} --extractor=efficientnet_lite0" in result.stdout
    assert "the folder it was trained on" in result.stdout
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    assert scores["extractor"].startswith("efficientnet_lite0") and scores["num_reference"] == 12
    # A flag given is the user's choice: nothing is picked for them.
    chosen = run_command(
        "evaluate",
        export,
        "--num_samples=24",
        f"--reference={folder}",
        "--cache_dir=none",
        "--extractor=efficientnet_lite0",
    )
    assert chosen.returncode == 0 and "the folder it was trained on" not in chosen.stdout


def test_a_run_holds_images_out_scores_against_them_and_evaluate_finds_them_again(tmp_path):
    photos = os.path.join(SHARED, "style", "photo2monet", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in sorted(os.listdir(photos)):
        shutil.copy(os.path.join(photos, name), folder / name)
    count = len(os.listdir(folder))
    trained = run_command(
        "train",
        "images",
        f"--data_dir={folder}",
        *TINY_IMAGES_RUN,
        "--holdout=0.6",
        "--eval_samples=24",
        "--notflite",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'exports'}",
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    held = summary["held_out_files"]
    assert 20 <= len(held) < count and summary["num_images"] == count - len(held)
    assert f"{len(held)} of them held out" in trained.stdout
    evaluation = summary["evaluations"][-1]
    assert evaluation["num_reference"] == len(held) and "held out" in evaluation["reference"]
    # The same files, found again from the export's settings; memorization
    # against the images it trained on.
    result = run_command("evaluate", tmp_path / "exports" / "photos", "--num_samples=24")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "the images its run kept out of training (--holdout=0.6)" in result.stdout
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    assert scores["num_reference"] == len(held) and "memorization" in scores
