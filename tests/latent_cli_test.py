"""`keras-gans project` and `keras-gans directions`, and what `generate` does
with their results: real MNIST digits projected into the MNIST preset."""

import json

import numpy as np
import tensorflow as tf

import keras_gans as kg

from conftest import run_command


def _write_pngs(folder, images):
    folder.mkdir()
    for i, image in enumerate(images):
        (folder / f"digit{i}.png").write_bytes(tf.io.encode_png(image).numpy())
    return folder


def test_project_real_digits_then_draw_and_edit_them(tmp_path, mnist_dir):
    images, labels = kg.data.load_idx(mnist_dir, "test")
    digits = _write_pngs(tmp_path / "digits", images[:3])
    (digits / "broken.png").write_bytes(b"not a png")
    out = tmp_path / "projected"
    result = run_command(
        "project", "mnist_dcgan", digits, f"--out={out}", "--steps=100", "--candidates=300"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "skipped" in result.stdout + result.stderr and "broken.png" in result.stdout + result.stderr
    )
    summary = json.loads((out / "projection.json").read_text())
    assert summary["distance"] == "pixels" and len(summary["images"]) == 3
    for record in summary["images"]:
        assert record["pixel_error"] < record["best_random_pixel_error"]
        assert np.load(record["latent"]).shape == (100,)
    assert (out / "digit0_before_after.png").exists() and (out / "digit0.png").exists()
    again = run_command("project", "mnist_dcgan", digits, f"--out={out}", "--steps=1")
    assert again.returncode == 2 and "already exists" in again.stderr

    # generate --latent draws the projected image again.
    latent_file = summary["images"][0]["latent"]
    drawn = tmp_path / "again.npy"
    result = run_command("generate", "mnist_dcgan", f"--latent={latent_file}", f"--out={drawn}")
    assert result.returncode == 0, result.stderr
    reconstruction = tf.io.decode_png(tf.io.read_file(str(out / "digit0.png"))).numpy()
    drawn_image = np.load(drawn)[0]
    assert np.abs(drawn_image.astype(int) - reconstruction[..., :1].astype(int)).max() <= 1
    # --direction moves it; step 0 leaves it.
    moved = tmp_path / "moved.npy"
    result = run_command(
        "generate",
        "mnist_dcgan",
        f"--latent={latent_file}",
        "--direction=0",
        "--step=4",
        f"--out={moved}",
    )
    assert result.returncode == 0, result.stderr
    assert np.abs(np.load(moved).astype(int) - drawn_image.astype(int)).mean() > 5
    wrong = run_command("generate", "mnist_dcgan", "--direction=100", f"--out={tmp_path / 'w.npy'}")
    assert wrong.returncode == 2 and "100 directions (0 to 99)" in wrong.stderr
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros(7))
    wrong = run_command("generate", "mnist_dcgan", f"--latent={bad}", f"--out={tmp_path / 'x.npy'}")
    assert wrong.returncode == 2 and "takes [n, 100]" in wrong.stderr


def test_directions_writes_a_grid_of_steps_along_each(tmp_path):
    grid = tmp_path / "directions.png"
    result = run_command("directions", "mnist_dcgan", "--count=3", "--columns=5", f"--out={grid}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "direction 0: strength" in result.stdout + result.stderr
    image = tf.io.decode_png(tf.io.read_file(str(grid))).numpy()
    assert image.shape[0] < image.shape[1]  # 3 rows of 5
    assert run_command("directions", "mnist_dcgan", f"--out={grid}").returncode == 2  # exists
    # From a latent of the user's (one row), not from two.
    np.save(tmp_path / "one.npy", np.zeros(100, np.float32))
    np.save(tmp_path / "two.npy", np.zeros((2, 100), np.float32))
    mine = run_command(
        "directions",
        "mnist_dcgan",
        f"--latent={tmp_path / 'one.npy'}",
        f"--out={tmp_path / 'm.png'}",
    )
    assert mine.returncode == 0, mine.stderr
    two = run_command("directions", "mnist_dcgan", f"--latent={tmp_path / 'two.npy'}")
    assert two.returncode == 2 and "holds 2 latents" in two.stderr
    sounds = run_command("directions", "drums_specgan", f"--out={tmp_path / 's.png'}")
    assert sounds.returncode == 2 and "images only" in sounds.stderr
    assert run_command("project", "drums_specgan", grid).returncode == 2


def test_interpolation_writes_an_animation(tmp_path):
    gif = tmp_path / "path.gif"
    result = run_command(
        "generate", "mnist_dcgan", "--interpolate", "--num=12", "--end_seed=7", f"--out={gif}"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    frames = tf.io.decode_gif(tf.io.read_file(str(gif))).numpy()
    assert frames.shape[0] == 12
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 5
    still = run_command("generate", "mnist_dcgan", f"--out={tmp_path / 'x.gif'}")
    assert still.returncode == 2 and "only clips" in still.stderr
