"""Moving MNIST from the real digits: the motion, the placement, the labels,
the seed and the resumable stream."""

import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import video


def first(dataset):
    return tf.nest.map_structure(lambda t: t.numpy(), next(iter(dataset)))


def test_bounce_reflects_at_both_edges_any_number_of_times():
    points = tf.constant([0.3, 1.1, -0.2, 2.3, 4.0, 1.0])
    np.testing.assert_allclose(video.bounce(points), [0.3, 0.9, 0.2, 0.3, 0.0, 1.0], atol=1e-6)


def test_digits_are_placed_exactly_and_overlap_by_their_maximum():
    rng = np.random.default_rng(0)
    digits = rng.uniform(0, 1, (1, 2, 5, 5)).astype(np.float32)
    # Digit 0 at the top-left corner, digit 1 at the bottom-right, then both at the centre.
    positions = np.array([[[[0, 0], [0.5, 0.5]], [[1, 1], [0.5, 0.5]]]], np.float32)
    frames = video.place_digits(tf.constant(digits), tf.constant(positions), 15).numpy()[0]
    assert frames.shape == (2, 15, 15)
    np.testing.assert_array_equal(frames[0, :5, :5], digits[0, 0])
    np.testing.assert_array_equal(frames[0, 10:, 10:], digits[0, 1])
    assert frames[0, 5:10].sum() == 0  # nothing else drawn
    np.testing.assert_array_equal(frames[1, 5:10, 5:10], np.maximum(digits[0, 0], digits[0, 1]))


def test_clips_move_straight_at_the_asked_speed_and_keep_their_digits(mnist_dir):
    one_digit = kg.data.moving_mnist(
        batch_size=32, num_digits=1, data_dir=mnist_dir, seed=3, with_labels=True
    )
    clips, labels = first(one_digit)
    assert clips.shape == (32, 16, 64, 64, 1) and clips.dtype == np.float32
    assert clips.min() == -1.0 and clips.max() == 1.0
    assert labels.shape == (32, 1) and set(np.unique(labels)) <= set(range(10))
    ink = clips[..., 0] + 1.0
    # One digit, never cut by the frame: every frame holds all of its ink.
    totals = ink.sum(axis=(2, 3))
    np.testing.assert_allclose(totals, totals[:, :1].repeat(16, axis=1), rtol=1e-4)
    # Its centre of mass moves 0.1 of the free 36 px per frame (less in a bounce).
    rows = np.arange(64)[None, None, :]
    centre = (
        np.stack([(ink.sum(axis=3) * rows).sum(-1), (ink.sum(axis=2) * rows).sum(-1)], axis=-1)
        / totals[..., None]
    )
    steps = np.linalg.norm(np.diff(centre, axis=1), axis=-1)
    assert 3.0 < np.median(steps) < 4.0, np.median(steps)
    # The same digit images as MNIST's: the first clip's ink is a training digit's.
    images, mnist_labels = kg.data.load_arrays("train", data_dir=mnist_dir)
    match = np.flatnonzero(
        np.isclose(images.astype(np.float64).sum(axis=(1, 2, 3)) / 127.5, totals[0, 0], rtol=1e-5)
    )
    assert labels[0, 0] in mnist_labels[match]


def test_a_seed_repeats_the_clips_and_a_resumed_stream_continues_them(mnist_dir):
    def stream(first_epoch, seed=0):
        return kg.data.moving_mnist(
            batch_size=4, frame_size=32, data_dir=mnist_dir, seed=seed,
            first_epoch=first_epoch, steps_per_epoch=3,
        )  # fmt: skip

    uninterrupted = [batch.numpy() for batch in stream(0).take(6)]
    resumed = [batch.numpy() for batch in stream(1).take(3)]
    for a, b in zip(uninterrupted[3:], resumed):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(uninterrupted[0], first(stream(0, seed=1)))
    assert uninterrupted[0].shape == (4, 16, 32, 32, 1)


def test_smaller_frames_scale_the_digits_and_bad_settings_are_named(mnist_dir):
    assert video.digit_size(64) == 28 and video.digit_size(32) == 14
    with pytest.raises(ValueError, match="too small to read"):
        kg.data.moving_mnist(frame_size=12, data_dir=mnist_dir)
    with pytest.raises(ValueError, match="speed"):
        kg.data.moving_mnist(speed=1.5, data_dir=mnist_dir)
    with pytest.raises(ValueError, match="num_digits"):
        kg.data.moving_mnist(num_digits=0, data_dir=mnist_dir)


@pytest.fixture(scope="module")
def gif_folder(mnist_dir, tmp_path_factory):
    """Real Moving MNIST clips written as GIF files, in two class
    subfolders, beside a broken file and one too short."""
    root = tmp_path_factory.mktemp("clips")
    clips = first(
        kg.data.moving_mnist(batch_size=4, frame_size=32, frames=20, seed=5, data_dir=mnist_dir)
    )
    clips = np.round((clips + 1) * 127.5).astype(np.uint8)
    for i, clip in enumerate(clips):
        kg.data.write_gif(root / ("one" if i < 2 else "two") / f"clip{i}.gif", clip)
    kg.data.write_gif(root / "two" / "short.gif", clips[0, :5])
    (root / "two" / "broken.gif").write_bytes(b"GIF89a, or so it says")
    return root, clips


def test_a_folder_of_gifs_is_cut_into_clips_exactly_and_bad_files_are_named(gif_folder):
    root, clips = gif_folder
    folder = kg.data.load_video_folder(root, frames=8, stride=4)
    # 20 frames give clips starting at 0, 4, 8 and 12: 4 per file, 16 in all.
    assert folder.clips.shape == (16, 8, 32, 32, 1) and folder.clips.dtype == np.uint8
    np.testing.assert_array_equal(folder.clips[0], clips[0, :8])
    np.testing.assert_array_equal(folder.clips[3], clips[0, 12:20])
    assert folder.class_names == ["one", "two"]
    assert folder.labels.tolist() == [0] * 8 + [1] * 8
    reasons = dict((os.path.basename(path), why) for path, why in folder.skipped)
    assert set(reasons) == {"short.gif", "broken.gif"}
    assert "5 frames, fewer than frames=8" in reasons["short.gif"]
    assert "not a readable GIF" in reasons["broken.gif"]
    batch = first(kg.data.video_folder(root, batch_size=4, frames=8, seed=0))
    assert batch.shape == (4, 8, 32, 32, 1) and batch.min() >= -1 and batch.max() <= 1


def write_mp4(path, clip):
    """`clip` (frames, h, w, 1) uint8 as an H.264 MP4, through ffmpeg."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    writer = imageio_ffmpeg.write_frames(str(path), clip.shape[2:0:-1], fps=8, quality=8)
    writer.send(None)
    for frame in clip:
        writer.send(np.repeat(frame, 3, axis=-1).tobytes())
    writer.close()


def test_mp4_files_and_folders_of_frames_are_clips_too(gif_folder, tmp_path):
    _, clips = gif_folder
    root = tmp_path / "mixed"
    root.mkdir()
    write_mp4(root / "film.mp4", clips[0])
    for i, frame in enumerate(clips[1]):  # a clip as a folder of frames, in name order
        (root / "frames").mkdir(exist_ok=True)
        tf.io.write_file(str(root / "frames" / f"{i:04d}.png"), tf.io.encode_png(frame))
    (root / "broken.webm").write_bytes(b"\x1aE\xdf\xa3 not really a WebM")
    (root / "two_sizes").mkdir()
    for i, side in enumerate((32, 32, 48)):
        tf.io.write_file(
            str(root / "two_sizes" / f"{i}.png"),
            tf.io.encode_png(np.zeros((side, side, 1), "uint8")),
        )
    folder = kg.data.load_video_folder(root, frames=8, channels=1)
    # 20 frames each: clips at 0 and 8 of the film, then of the frames.
    assert folder.clips.shape == (4, 8, 32, 32, 1) and folder.class_names == []
    assert [os.path.basename(p) for p in folder.paths] == ["film.mp4"] * 2 + ["frames"] * 2
    np.testing.assert_array_equal(folder.clips[2], clips[1, :8])  # PNG frames are exact
    error = np.abs(folder.clips[:2].astype(int) - clips[0, :16].reshape(2, 8, 32, 32, 1)).mean()
    assert error < 2, error  # H.264 is lossy, but the film is the clip
    reasons = dict((os.path.basename(path), why) for path, why in folder.skipped)
    assert set(reasons) == {"broken.webm", "two_sizes"}
    assert "not a readable video" in reasons["broken.webm"]
    assert "frames of two sizes, (32, 32) and (48, 48)" in reasons["two_sizes"]
    # Folders of frames as classes' clips: each class folder holds frame folders.
    (tmp_path / "classes" / "walk").mkdir(parents=True)
    (root / "frames").rename(tmp_path / "classes" / "walk" / "clip")
    (tmp_path / "classes" / "run").mkdir()
    write_mp4(tmp_path / "classes" / "run" / "film.mp4", clips[0])
    labelled = kg.data.load_video_folder(tmp_path / "classes", frames=8, channels=1)
    assert labelled.class_names == ["run", "walk"] and labelled.labels.tolist() == [0, 0, 1, 1]


def test_folders_without_clips_are_clear_errors(gif_folder, tmp_path):
    root, _ = gif_folder
    with pytest.raises(kg.data.DataNotFoundError, match="does not exist"):
        kg.data.load_video_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(kg.data.DataNotFoundError):
        kg.data.load_video_folder(tmp_path / "empty")
    with pytest.raises(kg.data.DataNotFoundError, match="gave a clip of 32 frames"):
        kg.data.load_video_folder(root, frames=32)
    with pytest.raises(ValueError, match="broken.gif"):
        kg.data.load_video_folder(root, frames=8, on_error="raise")
