"""`keras-gans apply` never writes over its inputs or over files it did not
write: every output path is planned and checked before any work, inputs that
share a name get distinct outputs, and each file is written atomically. On
a real style export and real 256x256 photos."""

import json
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import SHARED
from conftest import run_command

PHOTOS = os.path.join(SHARED, "style", "photo2monet", "testA")


def real_photos(count):
    if not os.path.isdir(PHOTOS):
        pytest.skip("the shared photos are not available")
    return [os.path.join(PHOTOS, name) for name in sorted(os.listdir(PHOTOS))[:count]]


@pytest.fixture(scope="module")
def style_export(tmp_path_factory):
    """A style-contract export of a tiny (untrained, seeded) style network."""
    keras.utils.set_random_seed(0)
    generator = kg.networks.style_generator(filters=2, residual_blocks=0)
    root = tmp_path_factory.mktemp("exports")
    kg.export.export_generator(generator, str(root), "style", tflite_files=False, contract="style")
    return root / "style"


@pytest.fixture
def photos(tmp_path):
    """`a.jpg`, `a.png` and `b.jpg`: three different real photos, two of one stem."""
    first, second, third = real_photos(3)
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(first, folder / "a.jpg")
    png = tf.io.encode_png(tf.io.decode_jpeg(tf.io.read_file(second)))
    (folder / "a.png").write_bytes(png.numpy())
    shutil.copy(third, folder / "b.jpg")
    return folder


def contents(folder):
    """Every file of `folder` and its bytes."""
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))}


def one_error_line(result):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.stdout[-2000:], result.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_inputs_sharing_a_stem_get_distinct_outputs(style_export, photos, tmp_path):
    out = tmp_path / "out"
    before = contents(photos)
    done = run_command("apply", style_export, photos, f"--out={out}", "--side_by_side")
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(os.listdir(out)) == [
        "a_jpg.png",
        "a_jpg_before_after.png",
        "a_png.png",
        "a_png_before_after.png",
        "b.png",
        "b_before_after.png",
    ]
    stylized = {
        name: tf.io.decode_png(tf.io.read_file(str(out / name))).numpy()
        for name in ("a_jpg.png", "a_png.png", "b.png")
    }
    assert all(image.shape == (256, 256, 3) for image in stylized.values())
    # Two photos, two outputs: neither replaced the other.
    assert np.abs(stylized["a_jpg.png"].astype(int) - stylized["a_png.png"]).mean() > 1
    assert f"{photos / 'a.jpg'} -> {out / 'a_jpg.png'}" in done.stdout
    assert contents(photos) == before


def test_the_same_name_from_two_folders_gets_a_number(style_export, tmp_path):
    first, second = real_photos(2)
    for folder, photo in (("one", first), ("two", second)):
        (tmp_path / folder).mkdir()
        shutil.copy(photo, tmp_path / folder / "photo.jpg")
    out = tmp_path / "out"
    # The same file named twice (itself and its folder) is applied once.
    done = run_command(
        "apply",
        style_export,
        tmp_path / "one",
        tmp_path / "two",
        tmp_path / "one" / "photo.jpg",
        f"--out={out}",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(os.listdir(out)) == ["photo.png", "photo_2.png"]


def test_an_output_that_is_an_input_is_refused_even_with_overwrite(style_export, tmp_path):
    (first,) = real_photos(1)
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "photo.png").write_bytes(
        tf.io.encode_png(tf.io.decode_jpeg(tf.io.read_file(first))).numpy()
    )
    before = contents(photos)
    for extra in ((), ("--overwrite",)):
        refused = run_command("apply", style_export, photos, f"--out={photos}", *extra)
        line = one_error_line(refused)
        assert str(photos / "photo.png") in line and "one of the inputs" in line, line
        assert "another --out" in line
        assert contents(photos) == before  # not a byte changed, nothing added


def test_a_rerun_needs_overwrite_and_an_interrupted_one_keeps_the_outputs(
    style_export, photos, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    first = run_command("apply", style_export, photos, f"--out={out}")
    assert first.returncode == 0, first.stderr[-3000:]
    written = contents(out)
    # A file the user put there counts as well: nothing is replaced unasked.
    again = run_command("apply", style_export, photos, f"--out={out}")
    line = one_error_line(again)
    assert str(out / "a_jpg.png") in line and "(and 2 more outputs)" in line, line
    assert "--overwrite" in line
    assert contents(out) == written

    # A Ctrl-C while a file is written: the earlier file stays whole, no
    # temporary file is left.
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    try:  # `keras-gans` turns a Ctrl-C into exit status 130
        stopped = run_command("apply", style_export, photos, f"--out={out}", "--overwrite")
        assert stopped.returncode == 130, (stopped.stdout[-2000:], stopped.stderr[-2000:])
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert contents(out) == written
    rerun = run_command("apply", style_export, photos, f"--out={out}", "--overwrite")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert sorted(os.listdir(out)) == sorted(written)


def test_an_empty_folder_or_a_file_as_out_is_bad_input(style_export, photos, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an image")
    line = one_error_line(run_command("apply", style_export, empty, f"--out={tmp_path / 'o'}"))
    assert str(empty) in line and "holds no image files" in line, line
    assert not (tmp_path / "o").exists()
    (tmp_path / "taken").write_text("mine")
    line = one_error_line(run_command("apply", style_export, photos, f"--out={tmp_path / 'taken'}"))
    assert "is a file" in line and (tmp_path / "taken").read_text() == "mine"


def test_help_says_how_outputs_are_named():
    shown = run_command("apply", "--help")
    assert shown.returncode == 0
    assert "--[no]overwrite" in shown.stdout and "photo_jpg.png" in shown.stdout


def test_a_vocoder_never_overwrites_its_recordings(tmp_path):
    settings = kg.data.MelSettings(sample_rate=8000, fft_length=256, hop_length=64, num_mel_bins=20)
    generator = kg.networks.hifigan_generator(
        num_mel_bins=20,
        hop_length=64,
        channels=8,
        upsample_rates=(4, 4, 4),
        upsample_kernel_sizes=(8, 8, 8),
        resblock_kernel_sizes=(3,),
        resblock_dilations=((1,),),
    )
    kg.export.export_generator(
        generator,
        str(tmp_path),
        "voice",
        tflite_files=False,
        assets={kg.export.MEL_ASSET: json.dumps(settings.to_dict())},
        contract="vocoder",
    )
    seconds = np.arange(4000) / 8000
    for folder, pitch in (("one", 220.0), ("two", 330.0)):
        kg.data.write_wav(
            tmp_path / folder / "take.wav", 0.5 * np.sin(2 * np.pi * pitch * seconds), 8000, 0
        )
    recordings = tmp_path / "one"
    before = contents(recordings)
    refused = run_command("apply", tmp_path / "voice", recordings, f"--out={recordings}")
    line = one_error_line(refused)
    assert str(recordings / "take.wav") in line and "one of the inputs" in line, line
    assert contents(recordings) == before
    out = tmp_path / "out"
    done = run_command("apply", tmp_path / "voice", recordings, tmp_path / "two", f"--out={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(os.listdir(out)) == ["take.wav", "take_2.wav"]
    assert tf.audio.decode_wav(tf.io.read_file(str(out / "take_2.wav"))).sample_rate == 8000
