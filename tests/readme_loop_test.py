"""The README's own-photos loop, run as written: its five commands, in order,
on a folder of real photos, at tiny sizes (flags appended to each command,
which absl lets win) and with every output under a temporary folder."""

import json
import os
import re
import shlex
import shutil

import pytest

from conftest import REPO
from conftest import SHARED
from conftest import TINY_IMAGES_RUN
from conftest import run_command

SECTION = "## Your own photos in five commands"


def readme_loop():
    """The `keras-gans` lines of the README section's bash block, as written."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index(SECTION) :]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith(("pip", "keras-gans"))]


def _placed(word, places):
    """`word` with a documented path (alone or as a flag's value) replaced."""
    flag, equals, value = word.rpartition("=")
    if equals:
        return f"{flag}={places.get(value, value)}"
    return places.get(word, word)


def test_the_readme_loop_runs_as_written(tmp_path):
    photos = os.path.join(SHARED, "style", "photo2monet")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in sorted(os.listdir(os.path.join(photos, "trainA"))):
        shutil.copy(os.path.join(photos, "trainA", name), folder / name)
    mine = sorted(os.listdir(os.path.join(photos, "testA")))[0]
    shutil.copy(os.path.join(photos, "testA", mine), tmp_path / "my_photo.jpg")
    exports = tmp_path / "saved_models"
    places = {
        "photos/": str(folder),
        "saved_models/photos": str(exports / "photos"),
        "my_photo.jpg": str(tmp_path / "my_photo.jpg"),
    }
    tiny = {
        "train": [
            *TINY_IMAGES_RUN,
            "--eval_samples=24",
            "--notflite",
            f"--output_dir={tmp_path / 'runs' / 'photos'}",
            f"--export_dir={exports}",
        ],
        "evaluate": ["--num_samples=24", "--cache_dir=none"],
        "generate": [f"--out={tmp_path / 'grid.png'}"],
        "project": ["--steps=3", "--candidates=8", "--starts=2", f"--out={tmp_path / 'projected'}"],
    }
    loop = readme_loop()
    assert [words[0] for words in loop] == ["pip"] + ["keras-gans"] * 4, loop
    assert loop[0][:2] == ["pip", "install"]  # the install itself is what CI does
    outputs = {}
    for words in loop[1:]:
        argv = [_placed(word, places) for word in words[1:]]
        result = run_command(*argv, *tiny[argv[0]])
        assert result.returncode == 0, f"{words}: {result.stderr[-3000:]}"
        outputs[argv[0]] = result.stdout
    # 2: a tenth of the 151 photos held out, and scored against at the end.
    summary = json.loads((tmp_path / "runs" / "photos" / "summary.json").read_text())
    held = len(summary["held_out_files"])
    assert 10 <= held <= 25 and summary["num_images"] == 151 - held
    assert f"{held} of them held out" in outputs["train"]
    assert summary["evaluations"][-1]["num_reference"] == held
    assert f"SavedModel:  {exports / 'photos'}" in outputs["train"]
    # 3: the same held-out photos, found again from the export.
    assert "the images its run kept out of training (--holdout=0.1)" in outputs["evaluate"]
    assert json.loads(outputs["evaluate"].strip().splitlines()[-1])["num_reference"] == held
    # 4 and 5.
    assert (tmp_path / "grid.png").is_file()
    assert (tmp_path / "projected" / "my_photo.npy").is_file()
