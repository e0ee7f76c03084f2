"""`train style` (its own GAN and CycleGAN) killed with SIGKILL after an
epoch and resumed by the same command ends as uninterrupted runs do: equal
weights and optimizer steps, every export written, the backup gone (`train
vocoder`'s is in vocoder_test). Also the resumable data streams they train
on: epoch `e` depends only on `(seed, e)`."""

import json
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import SHARED
from conftest import assert_same_weights
from conftest import kill_and_resume

pytestmark = pytest.mark.slow

STYLE = os.path.join(SHARED, "style", "photo2monet")
EPOCHS = 2  # killed after epoch 1, resumed for the last


def copy_images(source, target, count):
    os.makedirs(target)
    for name in sorted(os.listdir(source))[:count]:
        shutil.copy(os.path.join(source, name), target)
    return str(target)


@pytest.fixture(scope="module")
def photos_and_paintings(tmp_path_factory):
    """8 real photos and 8 real paintings."""
    if not os.path.isdir(STYLE):
        pytest.skip(f"no photos and paintings in {STYLE}")
    root = tmp_path_factory.mktemp("style")
    return (
        copy_images(os.path.join(STYLE, "trainA"), root / "photos", 8),
        copy_images(os.path.join(STYLE, "trainB"), root / "paintings", 8),
    )


def style_args(folders, model, *flags):
    photos, paintings = folders

    def args(out, exports):
        return [
            "train",
            "style",
            f"--model={model}",
            f"--content_dir={photos}",
            f"--style_dir={paintings}",
            "--image_size=32",
            "--batch_size=2",
            f"--epochs={EPOCHS}",
            "--filters=8",
            "--residual_blocks=1",
            "--d_filters=8,16",
            "--figure_size=32",
            "--figure_images=2",
            "--name=monet",
            "--notflite",
            *flags,
            f"--output_dir={out}",
            f"--export_dir={exports}",
        ]

    return args


def test_killed_style_run_resumes_to_the_uninterrupted_result(photos_and_paintings, tmp_path):
    # No --steps_per_epoch: an epoch is one pass over the 8 photos, 4 steps.
    args = style_args(photos_and_paintings, "content_loss")
    ref, run, exports, _ = kill_and_resume(args, tmp_path, EPOCHS)
    assert_same_weights(run, ref, steps=4 * EPOCHS)
    for epoch in range(1, EPOCHS + 1):  # the figures of the killed run's epochs too
        assert (run / f"epoch_{epoch:03d}.png").is_file()
    assert os.path.isfile(exports / "style_monet" / "1" / "saved_model.pb")
    assert not (exports / "style_monet_reverse").exists()


def test_killed_cycle_gan_run_resumes_to_the_uninterrupted_result(photos_and_paintings, tmp_path):
    # A pool of 4 is full after the first epoch: the resumed run must draw
    # from the history pools the killed run had filled.
    args = style_args(photos_and_paintings, "cycle_gan", "--steps_per_epoch=2", "--pool_size=4")
    ref, run, exports, _ = kill_and_resume(args, tmp_path, EPOCHS)
    assert_same_weights(run, ref, steps=2 * EPOCHS)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["export_path"].endswith(os.path.join("style_monet", "1"))
    assert summary["reverse_export_path"].endswith(os.path.join("style_monet_reverse", "1"))
    assert summary["config"]["identity_weight"] == 5.0  # the recipe's, left unset
    loaded = keras.saving.load_model(str(run / "gan.keras"))
    assert isinstance(loaded, kg.CycleGAN) and loaded.pool_size == 4
    # Both directions serve photos of any size, at that size.
    for name in ("style_monet", "style_monet_reverse"):
        _, serve = kg.export.load_serving(str(exports / name))
        out = serve(content=tf.zeros([1, 30, 42, 3], tf.uint8))["stylized"]
        assert out.shape == (1, 30, 42, 3) and out.dtype == tf.uint8, name


def test_unpaired_stream_epochs_depend_only_on_seed_and_epoch(photos_and_paintings):
    def epoch(first_epoch, seed=3):
        ds = kg.data.unpaired_images(
            *photos_and_paintings,
            image_size=16,
            batch_size=2,
            seed=seed,
            first_epoch=first_epoch,
            steps_per_epoch=3,
        )
        batches = list(ds.skip(3 * (2 - first_epoch)).take(3))
        return np.concatenate([np.stack([c, s]) for c, s in batches], axis=1)

    from_start, resumed = epoch(0), epoch(2)
    np.testing.assert_array_equal(from_start, resumed)
    assert not np.array_equal(from_start[0], from_start[1])  # content and style differ
    assert not np.array_equal(epoch(2, seed=4), resumed)


def test_recording_segments_epochs_depend_only_on_seed_and_epoch():
    recordings = [np.linspace(-1, 1, n, dtype=np.float32) for n in (3000, 5000, 800)]

    def epoch(first_epoch, seed=1):
        ds = kg.data.recording_segments(
            recordings, 512, batch_size=4, seed=seed, first_epoch=first_epoch, steps_per_epoch=2
        )
        return np.concatenate(list(ds.skip(2 * (1 - first_epoch)).take(2)))

    np.testing.assert_array_equal(epoch(0), epoch(1))
    assert not np.array_equal(epoch(1, seed=2), epoch(1))
    # The stream without `first_epoch` is the one it always was.
    old = next(iter(kg.data.recording_segments(recordings, 512, batch_size=4, seed=1)))
    again = next(iter(kg.data.recording_segments(recordings, 512, batch_size=4, seed=1)))
    np.testing.assert_array_equal(old, again)
