"""The wheel works outside the checkout: built from the package's own files,
installed into a fresh directory, run from another directory, it finds its
evaluation classifiers as package data."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import classifier as classifiers

from conftest import REPO
from conftest import TINY_IMAGES_RUN

pytestmark = pytest.mark.slow

# What a source distribution holds: the wheel must build from these alone.
SOURCES = ("keras_gans", "setup.cfg", "pyproject.toml", "README.md", "LICENSE")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        copy = shutil.copytree if os.path.isdir(os.path.join(REPO, name)) else shutil.copy
        copy(os.path.join(REPO, name), source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = dist.glob("keras_gans-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """`(site, run)`: the wheel installed alone into `site`, and a runner of
    Python from a directory outside the checkout with only `site` added to
    this environment's dependencies."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site)]
        + [str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("KERAS_GANS_") and k != "PYTHONPATH"
    }
    env.update(PYTHONPATH=str(site), TF_CPP_MIN_LOG_LEVEL="3")
    env["KERAS_GANS_CACHE_DIR"] = str(elsewhere / "cache")

    def run(*args):
        return subprocess.run(
            [sys.executable, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            cwd=elsewhere,
        )

    return site, elsewhere, run


def test_the_wheel_holds_the_package_and_its_classifiers_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for dataset in ("mnist", "fashion_mnist"):
        for file in ("classifier.weights.h5", "metadata.json"):
            assert f"keras_gans/assets/{dataset}_classifier/{file}" in names
    assert "keras_gans/models/gan.py" in names and "keras_gans/evaluate.py" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "saved_models/"))]
    assert any(".dist-info/" in n and n.endswith("LICENSE") for n in names)  # Apache-2.0
    for preset in kg.presets.names():
        for file in ("saved_model.pb", "variables/variables.index", "assets/training.json"):
            assert f"keras_gans/assets/presets/{preset}/{file}" in names
    # The presets' float32 weights are most of it (see the docs' "Using a trained generator").
    assert os.path.getsize(wheel) < 20 * 2**20


def test_installed_package_evaluates_with_its_packaged_classifier(installed, mnist_dir):
    site, elsewhere, run = installed
    images, _ = kg.data.load_idx(mnist_dir, "test")
    np.save(elsewhere / "digits.npy", images[:500])
    # One process: where the classifier is found, then `python -m keras_gans.evaluate`.
    scored = run(
        "-c",
        "import runpy, sys; import keras_gans.evaluation.classifier as c; "
        "print(c.default_classifier_dir()); "
        "sys.argv = ['evaluate', 'digits.npy', '--num_samples=500']; "
        "runpy.run_module('keras_gans.evaluate', run_name='__main__')",
    )
    assert scored.returncode == 0, scored.stderr[-3000:]
    assert scored.stdout.splitlines()[0].startswith(str(site)), scored.stdout[:500]
    assert "FCD" in scored.stdout and "skipping" not in scored.stdout
    results = json.loads(scored.stdout.strip().splitlines()[-1])
    # 500 real test digits against the test set: every class there, and an
    # FCD at the floor of 500 samples (8.1 here; a collapsed GAN scores
    # hundreds, see evaluation_test).
    assert results["fcd"] < 20 and results["coverage"] == 1.0
    assert results["extractor"].startswith("classifier:mnist")
    # The console script the wheel declares (run by the next test).
    assert (site / "bin" / "keras-gans").is_file()
    # Nothing was written inside the installed package.
    assert sorted(os.listdir(site / "keras_gans" / "assets")) == [
        "fashion_mnist_classifier",
        "mnist_classifier",
        "moving_mnist_classifier",
        "presets",
    ]


def test_installed_command_draws_all_ten_digits_from_the_mnist_preset(installed):
    site, elsewhere, run = installed
    script = site / "bin" / "keras-gans"
    drawn = run(script, "generate", "mnist_dcgan", "--out=preset_digits.npy")
    assert drawn.returncode == 0, drawn.stderr[-3000:]
    assert str(site) in drawn.stdout  # the preset inside the installed package
    digits = np.load(elsewhere / "preset_digits.npy")
    model = classifiers.load_classifier(classifiers.packaged_classifier_dir("mnist"))
    _, probabilities = model.predict(kg.data.transforms.to_float(digits).numpy())
    assert set(np.argmax(probabilities, axis=1)) == set(range(10))
    assert run(script, "generate", "mnist_dcgan", "--out=preset_grid.png").returncode == 0
    assert (elsewhere / "preset_grid.png").is_file()
    # The rest of what a trained generator offers, from the wheel too.
    assert run(script, "directions", "mnist_dcgan", "--out=directions.png").returncode == 0
    (elsewhere / "a_digit.png").write_bytes(tf.io.encode_png(digits[0]).numpy())
    projected = run(
        script, "project", "mnist_dcgan", "a_digit.png", "--steps=20", "--candidates=50"
    )
    assert projected.returncode == 0, projected.stderr[-3000:]
    assert (elsewhere / "projected" / "a_digit.npy").is_file()


def test_installed_command_trains_on_a_folder_and_draws_from_elsewhere(installed):
    site, elsewhere, run = installed
    style = os.path.join(os.path.dirname(REPO), "shared", "data", "style", "photo2monet", "testA")
    if not os.path.isdir(style):
        pytest.skip("the shared photos are not available")
    photos = elsewhere / "my_photos"
    photos.mkdir()
    for name in sorted(os.listdir(style))[:12]:
        shutil.copy(os.path.join(style, name), photos / name)
    script = site / "bin" / "keras-gans"
    trained = run(script, "train", "images", f"--data_dir={photos}", *TINY_IMAGES_RUN, "--notflite")
    assert trained.returncode == 0, trained.stderr[-3000:]
    # Relative defaults land in the working directory, never in the package.
    export = elsewhere / "saved_models" / "my_photos"
    assert (export / "1" / "saved_model.pb").is_file()
    assert (elsewhere / "runs" / "my_photos" / "summary.json").is_file()
    drawn = run(script, "generate", export, "--num=4", "--out=four.npy")
    assert drawn.returncode == 0, drawn.stderr[-3000:]
    assert np.load(elsewhere / "four.npy").shape == (4, 16, 16, 3)
    # The text job is in the wheel too: it reads a folder of text and plans its run.
    texts = elsewhere / "my_texts"
    texts.mkdir()
    (texts / "lines.txt").write_text("\n".join(f"line {i} of my own text" for i in range(400)))
    planned = run(script, "train", "text", f"--data_dir={texts}", "--dry_run")
    assert planned.returncode == 0, planned.stderr[-3000:]
    assert "texts to fit" in planned.stdout and '"model": "gan"' in planned.stdout
    # An image-to-image job and `apply` on its export, from the same place:
    # one step of x4 super-resolution, then every photo upscaled at full size.
    upscaler = run(
        script,
        "train",
        "super-resolution",
        f"--data_dir={photos}",
        "--image_size=32",
        "--batch_size=2",
        "--epochs=1",
        "--steps_per_epoch=1",
        "--filters=8",
        "--residual_blocks=1",
        "--d_filters=8,16",
        "--figure_images=1",
        "--crop_size=32",
        "--notflite",
    )
    assert upscaler.returncode == 0, upscaler.stderr[-3000:]
    applied = run(
        script, "apply", elsewhere / "saved_models" / "super_resolution", photos, "--out=up"
    )
    assert applied.returncode == 0, applied.stderr[-3000:]
    outputs = sorted(os.listdir(elsewhere / "up"))
    assert len(outputs) == 12
    upscaled = tf.io.decode_png(tf.io.read_file(str(elsewhere / "up" / outputs[0])))
    assert upscaled.shape == (1024, 1024, 3)  # the 256x256 photo, x4


README_LOOP = "## Your own photos in five commands"


def readme_loop():
    """The lines of the README's own-photos bash block, as written, split."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"```bash\n(.*?)```", text[text.index(README_LOOP) :], re.S).group(1)
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_the_readme_own_photos_loop_runs_as_written_from_the_wheel(installed):
    """The README's five commands, copied as written, from the installed
    wheel in a directory of the user's own: a folder of 151 real photos and a
    photo of theirs. Each command gets tiny sizes appended (absl lets the
    last flag win); paths and output places are the README's."""
    site, elsewhere, run = installed
    photos = os.path.join(os.path.dirname(REPO), "shared", "data", "style", "photo2monet")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    shutil.copytree(os.path.join(photos, "trainA"), elsewhere / "photos")
    mine = sorted(os.listdir(os.path.join(photos, "testA")))[0]
    shutil.copy(os.path.join(photos, "testA", mine), elsewhere / "my_photo.jpg")
    tiny = {
        "train": [*TINY_IMAGES_RUN, "--eval_samples=24", "--notflite"],
        "evaluate": ["--num_samples=24", "--cache_dir=none"],
        "generate": [],
        "project": ["--steps=3", "--candidates=8", "--starts=2", "--out=readme_projected"],
    }
    loop = readme_loop()
    assert [words[:2] for words in loop] == [["pip", "install"]] + [
        ["keras-gans", name] for name in ("train", "evaluate", "generate", "project")
    ], loop
    script = site / "bin" / "keras-gans"
    outputs = {}
    for words in loop[1:]:  # the install is the wheel's
        done = run(script, *words[1:], *tiny[words[1]])
        assert done.returncode == 0, f"{words}: {done.stderr[-3000:]}"
        outputs[words[1]] = done.stdout
    # A tenth of the 151 photos held out and scored against; where things landed, printed.
    summary = json.loads((elsewhere / "runs" / "photos" / "summary.json").read_text())
    held = len(summary["held_out_files"])
    assert 10 <= held <= 25 and summary["num_images"] == 151 - held
    assert f"{held} of them held out" in outputs["train"]
    assert "SavedModel:  saved_models/photos/1" in outputs["train"], outputs["train"][-2000:]
    # evaluate, no flags: ImageNet features against the same held-out photos.
    assert "the images its run kept out of training (--holdout=0.1)" in outputs["evaluate"]
    scores = json.loads(outputs["evaluate"].strip().splitlines()[-1])
    assert scores["num_reference"] == held and scores["extractor"].startswith("efficientnet_lite0")
    assert scores["fd"] > 0 and "kid" in scores
    assert (elsewhere / "grid.png").is_file()
    assert (elsewhere / "readme_projected" / "my_photo.npy").is_file()
