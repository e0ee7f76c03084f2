"""Clips: Moving MNIST made on the fly from the MNIST digits, folders of
animated GIFs, and GIF files written.

Moving MNIST (Srivastava et al., 2015) is digits bouncing inside a frame:
each moves on a straight line at a constant speed, is reflected at the
frame's edges, and overlapping digits combine by their maximum (the motion
of TFDS's `video/moving_sequence.py`). Here every clip is drawn from the
digits already on disk, in the graph, from stateless random ops keyed by
the batch's `[epoch, step]`: a seed gives the same clips on every machine,
and a run resumed at epoch `e` sees the clips an uninterrupted one would.

At 64 px the digits keep MNIST's 28 px; smaller frames scale them with the
frame (14 px at 32), so a 32 px clip is the 64 px one at half resolution.

A folder of your own clips (`load_video_folder`, `video_folder`) holds
animated GIFs (TensorFlow's own decoder), video files such as MP4 and WebM
(ffmpeg, from the `imageio-ffmpeg` wheel: `pip install 'keras_gans[video]'`)
or folders of frames (PNG/JPEG/BMP in name order), flat or one subfolder
per class. Each is decoded once, its frames brought to one size as they
are read (a long film never sits in memory at full size), and cut into
clips of a fixed length.
"""

import dataclasses
import itertools
import os
from typing import Optional

import numpy as np
import tensorflow as tf
from PIL import Image

from keras_gans.data import folders
from keras_gans.data.image_folder import check_image_size
from keras_gans.data.image_folder import fit_images
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.mnist import load_arrays
from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import gather_batches
from keras_gans.data.pipeline import index_batches
from keras_gans.data.pipeline import prefetch
from keras_gans.data.transforms import to_float
from keras_gans.utils import files
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

FFMPEG_EXTENSIONS = (".mp4", ".webm", ".mov", ".mkv", ".avi", ".m4v")
VIDEO_EXTENSIONS = (".gif", *FFMPEG_EXTENSIONS)
FRAME_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")  # a folder of them is one clip

DIGIT_SIZE = 28  # MNIST's, in a 64 px frame
STANDARD_FRAME = 64


def digit_size(frame_size):
    """The side of a digit in a frame of `frame_size` px: 28 at 64, scaled
    with the frame below that."""
    return min(DIGIT_SIZE, round(DIGIT_SIZE * frame_size / STANDARD_FRAME))


def digit_sets(num_digits, num_classes=10):
    """The classes of a conditional Moving MNIST run: each set of
    `num_digits` digits a clip can hold (repeats allowed, order not
    counted), in order: `(0, 0), (0, 1), ..., (9, 9)` for two digits (55)."""
    check_positive_int("num_digits", num_digits)
    return list(itertools.combinations_with_replacement(range(num_classes), num_digits))


def digit_set_names(num_digits):
    """Names of `digit_sets(num_digits)`: `"0+0"`, `"0+1"`, ... (`"7"` for one digit)."""
    return ["+".join(str(digit) for digit in digits) for digits in digit_sets(num_digits)]


def digit_set_labels(digits):
    """The class (index in `digit_sets`) of each clip's digits.

    Args:
        digits: int tensor `[batch, num_digits]` of MNIST classes, as
            `moving_mnist(with_labels=True)` yields them.

    Returns:
        int32 `[batch]`.
    """
    num_digits = digits.shape[-1]
    sets = digit_sets(num_digits)
    # A set's code: its sorted digits read as a number in base 10.
    place = 10 ** np.arange(num_digits - 1, -1, -1, dtype=np.int64)
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(
            tf.constant(np.array(sets, np.int64) @ place), tf.range(len(sets), dtype=tf.int32)
        ),
        default_value=-1,
    )
    return table.lookup(tf.sort(tf.cast(digits, tf.int64), axis=-1) @ place[:, None])[..., 0]


def check_frame_size(frame_size):
    """A clear error for a Moving MNIST frame too small to read its digits in."""
    size = digit_size(frame_size)
    if size < 8:
        raise ValueError(
            f"`frame_size`={frame_size} makes digits of {size} px, too small to read: "
            "use 32 (quick runs) or 64 (the standard size)."
        )


def check_speed(speed):
    """A clear error for a Moving MNIST speed outside `[0, 1]`."""
    if not 0 <= speed <= 1:
        raise ValueError(
            f"`speed` is a fraction of the frame's free distance per frame, in [0, 1]. "
            f"Received: speed={speed}"
        )


def bounce(points):
    """Points on an unbounded line folded into `[0, 1]` by reflection at
    both ends (1.1 -> 0.9, -0.2 -> 0.2, 2.3 -> 0.3)."""
    points = tf.math.floormod(points, 2.0)
    return tf.minimum(points, 2.0 - points)


def trajectories(starts, directions, speed, frames):
    """Normalized positions `[..., frames, 2]` in `[0, 1]`: straight lines
    from `starts` (`[..., 2]`) along unit `directions` at `speed` (a
    fraction of the free distance per frame), reflected at the edges."""
    steps = tf.range(frames, dtype=tf.float32)[:, None]
    return bounce(starts[..., None, :] + speed * directions[..., None, :] * steps)


def place_digits(digits, positions, frame_size):
    """Frames with each digit at its positions, overlaps by maximum.

    The placement is a product with one-hot shift matrices, so the digits'
    pixel values arrive exactly, with no resampling.

    Args:
        digits: float32 `[batch, num_digits, size, size]`.
        positions: float32 `[batch, num_digits, frames, 2]` in `[0, 1]`:
            `(row, column)` of each digit's top-left corner, as a fraction
            of the free distance `frame_size - size`.
        frame_size: int. Side of the square frames.

    Returns:
        float32 `[batch, frames, frame_size, frame_size]`.
    """
    size = digits.shape[-1]
    corners = tf.cast(tf.round(positions * (frame_size - size)), tf.int32)
    pixels = tf.range(size)
    # [batch, digits, frames, size, frame_size]: digit pixel i lands on frame pixel y.
    rows = tf.one_hot(corners[..., 0, None] + pixels, frame_size)
    cols = tf.one_hot(corners[..., 1, None] + pixels, frame_size)
    frames = tf.einsum("bdtiy,bdij,bdtjx->bdtyx", rows, digits, cols)
    return tf.reduce_max(frames, axis=1)


def moving_mnist(
    split="train",
    batch_size=32,
    num_digits=2,
    frame_size=64,
    frames=16,
    speed=0.1,
    dataset="mnist",
    data_dir=None,
    seed=None,
    with_labels=False,
    shuffle=None,
    download=True,
    first_epoch=None,
    steps_per_epoch=None,
):
    """Moving MNIST clips, made on the fly from MNIST's digits.

    An epoch is one pass over the split's digits, `num_digits` to a clip
    (30,000 two-digit clips of the training split). Each clip's start
    positions and directions are drawn from its batch's key (see
    `keras_gans.data.pipeline.index_batches`), so the clips depend only on
    `seed` and `(epoch, step)`.

    Args:
        split: str. `"train"` or `"test"` digits. Defaults to `"train"`.
        batch_size: int. Clips per batch. Defaults to `32`.
        num_digits: int. Digits per clip. Defaults to `2`.
        frame_size: int. Side of the square frames: 64 (standard) or less
            (the digits scale with it). Defaults to `64`.
        frames: int. Frames per clip (16-20 in the literature). Defaults to `16`.
        speed: float. How far a digit moves per frame, as a fraction of the
            free distance across the frame (TFDS's `velocity`: 0.1 is 3.6 px
            at 64 px). Defaults to `0.1`.
        dataset: str. `"mnist"` or `"fashion_mnist"` (moving clothes).
        data_dir: str or `None`. IDX files or a TFDS data dir, as
            `keras_gans.data.mnist`.
        seed: int or `None`. Seed of the digits' order and of the motion.
        with_labels: bool. Yield `(clips, labels)`, labels int64
            `[batch, num_digits]`: the digits in each clip.
        shuffle: bool or `None`. Shuffle the digits. Defaults to `True` for
            `"train"`, `False` otherwise.
        download: bool. Let TFDS download when the data is not prepared.
        first_epoch: int or `None`. Start an endless, resumable stream at
            this epoch (as `keras_gans.data.mnist`).
        steps_per_epoch: int or `None`. Batches per epoch of that stream.

    Returns:
        A `tf.data.Dataset` of float32 clips `[batch, frames, frame_size,
        frame_size, 1]` in `[-1, 1]` (and the labels with `with_labels`).

    Example:

        >>> clips = keras_gans.data.moving_mnist(batch_size=8, frame_size=32, seed=0)
    """
    for name, value in (
        ("batch_size", batch_size),
        ("num_digits", num_digits),
        ("frames", frames),
        ("frame_size", frame_size),
    ):
        check_positive_int(name, value)
    check_frame_size(frame_size)
    check_speed(speed)
    size = digit_size(frame_size)
    images, labels = load_arrays(split, dataset, data_dir, download)
    digits = np.asarray(images, np.float32)[..., 0]
    if size != DIGIT_SIZE:
        digits = tf.image.resize(digits[..., None], (size, size), method="area")[..., 0].numpy()
    digits = tf.constant(digits / 127.5 - 1.0, tf.float32)
    labels = tf.constant(labels, tf.int64)
    if shuffle is None:
        shuffle = split == "train"
    order = BatchOrder(batch_size * num_digits, True, shuffle, seed, first_epoch, steps_per_epoch)
    indices = index_batches(len(images), order)
    base_seed = 0 if seed is None else int(seed)

    def clips(key, batch_indices):
        batch_digits = tf.reshape(
            tf.gather(digits, batch_indices), (batch_size, num_digits, size, size)
        )
        motion_seed = tf.random.experimental.stateless_fold_in(
            tf.stack([tf.constant(base_seed, tf.int64), key[0]]), key[1]
        )
        starts = tf.random.stateless_uniform((batch_size, num_digits, 2), motion_seed)
        angles = tf.random.stateless_uniform(
            (batch_size, num_digits), motion_seed + 1, maxval=2 * np.pi
        )
        directions = tf.stack([tf.sin(angles), tf.cos(angles)], axis=-1)
        positions = trajectories(starts, directions, speed, frames)
        # Placed on a -1 background: a frame's maximum is its brightest digit.
        video = place_digits(batch_digits + 1.0, positions, frame_size) - 1.0
        video = video[..., None]
        if not with_labels:
            return video
        return video, tf.reshape(tf.gather(labels, batch_indices), (batch_size, num_digits))

    return prefetch(indices.map(clips, num_parallel_calls=tf.data.AUTOTUNE))


def write_gif(path, clip, fps=8):
    """Writes one clip as a looping animated GIF, atomically.

    Args:
        path: str. The `.gif` file (its folder is created).
        clip: uint8 `(frames, height, width[, channels])`, 1 or 3 channels.
        fps: int. Frames per second. Defaults to `8`.

    Returns:
        `path`.
    """
    frames = [Image.fromarray(frame) for frame in _checked_clip(clip)]
    with files.atomic_path(path, ".gif") as tmp:
        frames[0].save(
            tmp, save_all=True, append_images=frames[1:], duration=round(1000 / fps), loop=0
        )
    return path


def write_mp4(path, clip, fps=8):
    """Writes one clip as an H.264 MP4 (ffmpeg, from `pip install
    'keras_gans[video]'`), atomically.

    Args:
        path: str. The `.mp4` file (its folder is created).
        clip: uint8 `(frames, height, width[, channels])`, 1 or 3 channels;
            an odd height or width is padded by a black row or column
            (H.264's colour planes are half size).
        fps: int. Frames per second. Defaults to `8`.

    Returns:
        `path`.
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ImportError(
            "Writing MP4 needs ffmpeg: pip install 'keras_gans[video]' (imageio-ffmpeg), "
            "or write a .gif."
        ) from None
    clip = _checked_clip(clip)
    if clip.ndim == 3:
        clip = clip[..., None]
    clip = np.broadcast_to(clip, (*clip.shape[:3], 3))
    height, width = clip.shape[1:3]
    clip = np.pad(clip, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)))
    with files.atomic_path(path, ".mp4") as tmp:
        writer = imageio_ffmpeg.write_frames(
            tmp, clip.shape[2:0:-1], fps=fps, macro_block_size=2, quality=8
        )
        writer.send(None)
        for frame in clip:
            writer.send(np.ascontiguousarray(frame).tobytes())
        writer.close()
    return path


def _checked_clip(clip):
    """`clip` as uint8 `(frames, height, width[, 3])`, or a `ValueError`."""
    clip = np.asarray(clip)
    if clip.ndim == 4 and clip.shape[-1] == 1:
        clip = clip[..., 0]
    if clip.dtype != np.uint8 or clip.ndim not in (3, 4):
        raise ValueError(
            f"Expected a uint8 clip (frames, height, width[, channels]). Received {clip.dtype} "
            f"of shape {clip.shape}."
        )
    return clip


@dataclasses.dataclass
class VideoFolder:
    """A folder of clips decoded into memory (`load_video_folder`).

    Attributes:
        clips: uint8 `(n, frames, height, width, channels)`.
        labels: int32 `(n,)` (the class subfolder of each clip's file), or
            `None` for a flat folder.
        class_names: list of str, the subfolders in label order (empty when flat).
        paths: list of str, the file each clip was cut from.
        skipped: list of `(path, reason)` for files that gave no clip.
    """

    clips: np.ndarray
    labels: Optional[np.ndarray]
    class_names: list
    paths: list
    skipped: list


class _Unreadable(Exception):
    """Why a clip file or frame folder gives no frames."""


def _gif_frames(path):
    try:
        yield from tf.io.decode_gif(tf.io.read_file(path)).numpy()
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError) as e:
        raise _Unreadable(f"not a readable GIF ({e.message.splitlines()[0][:80]})") from None


def _folder_frames(path):
    for name in folders.files_with(path, FRAME_EXTENSIONS):
        try:
            image = tf.io.decode_image(tf.io.read_file(name), 3, expand_animations=False)
        except tf.errors.InvalidArgumentError:
            raise _Unreadable(f"frame {os.path.basename(name)} is not a readable image") from None
        yield image.numpy()


def _ffmpeg_frames(path):
    try:
        import imageio_ffmpeg
    except ImportError:
        raise _Unreadable(
            "MP4/WebM files need ffmpeg: pip install 'keras_gans[video]' (imageio-ffmpeg)"
        ) from None
    reader = imageio_ffmpeg.read_frames(path)
    try:
        width, height = next(reader)["size"]
    except (OSError, RuntimeError, StopIteration) as e:
        reason = str(e).strip().splitlines()[-1][:80] if str(e).strip() else "no frames"
        raise _Unreadable(f"not a readable video ({reason})") from None
    try:
        for frame in reader:
            yield np.frombuffer(frame, np.uint8).reshape(height, width, 3)
    finally:
        reader.close()


def _frames(path):
    """The RGB frames, uint8 `(h, w, 3)`, of one clip file or frame folder,
    one at a time; `_Unreadable` says why there are none."""
    if os.path.isdir(path):
        return _folder_frames(path)
    if path.lower().endswith(".gif"):
        return _gif_frames(path)
    return _ffmpeg_frames(path)


def _read_fitted(path, size, fit, chunk=64):
    """`(frames uint8 (n, h, w, 3), size)` of one clip file or frame folder,
    each frame fitted to `size` as it is read (`size=None`: the first
    frame's shorter side, at most 64, a multiple of 4)."""
    fitted, pending, shape = [], [], None
    for frame in _frames(path):
        if size is None:
            side = max(8, min(64, min(frame.shape[:2])) // 4 * 4)
            size = (side, side)
        if shape is not None and frame.shape != shape:
            raise _Unreadable(f"frames of two sizes, {shape[:2]} and {frame.shape[:2]}")
        shape = frame.shape
        pending.append(frame)
        if len(pending) == chunk:
            fitted.append(fit_images(pending, size, fit))
            pending = []
    if pending:
        fitted.append(fit_images(pending, size, fit))
    if not fitted:
        raise _Unreadable("no frames")
    return np.concatenate(fitted), size


def load_video_folder(
    directory,
    frames=16,
    stride=None,
    image_size=None,
    channels=None,
    fit="crop",
    labels="inferred",
    on_error="skip",
):
    """Decodes a folder of clips into clips of `frames` frames.

    The folder holds animated GIFs, video files (MP4, WebM, MOV, MKV, AVI;
    decoded by ffmpeg from `pip install 'keras_gans[video]'`) or folders of
    frames (PNG, JPEG or BMP files in name order, e.g. `0001.png`), flat or
    one subfolder per class. Each is cut into clips of `frames` consecutive
    frames, one every `stride` frames; one with fewer frames gives none and
    is named in `skipped`, as is one that cannot be decoded.

    Args:
        directory: str. A folder of clips, or of one subfolder per class.
        frames: int. Frames per clip. Defaults to `16`.
        stride: int or `None`. Frames between the starts of two clips of
            one file. Defaults to `frames` (clips side by side).
        image_size: int, `(height, width)` or `None`: the frames' size.
            `None`: the first clip's, its shorter side at most 64 and a
            multiple of 4.
        channels: `1`, `3` or `None` (1 when every frame is grey, else 3).
        fit: `"crop"`, `"pad"` or `"resize"`, as `load_image_folder`.
        labels: `"inferred"` or `None`, as `load_image_folder`.
        on_error: `"skip"` (warn, naming each file) or `"raise"`.

    Returns:
        A `VideoFolder`.

    Raises:
        DataNotFoundError: no clips, or none long enough for a clip.
    """
    check_positive_int("frames", frames)
    stride = check_positive_int("stride", stride or frames)
    check_choice("on_error", on_error, ("skip", "raise"))
    if channels is not None:
        check_choice("channels", channels, (1, 3))
    size = None if image_size is None else check_image_size(image_size)
    paths, label_array, class_names = folders.find_files(
        directory, VIDEO_EXTENSIONS, "video", labels, item_folders=FRAME_EXTENSIONS
    )
    decoded, skipped = [], []
    for index, path in enumerate(paths):
        try:
            video, size_read = _read_fitted(path, size, fit)
        except _Unreadable as e:
            skipped.append((path, str(e)))
            continue
        if len(video) < frames:
            skipped.append((path, f"{len(video)} frames, fewer than frames={frames}"))
            continue
        size = size_read
        decoded.append((index, video))
    folders.report_skipped(skipped, "video", on_error)
    if not decoded:
        raise DataNotFoundError(
            f"None of the {len(paths)} clips of {directory} gave a clip of {frames} frames."
        )
    if channels is None:
        grey = all(np.array_equal(v[..., 0], v[..., 1]) for _, v in decoded)
        channels = (
            1 if grey and all(np.array_equal(v[..., 0], v[..., 2]) for _, v in decoded) else 3
        )
    clips, clip_labels, clip_paths = [], [], []
    for index, video in decoded:
        video = video if channels == 3 else tf.image.rgb_to_grayscale(video).numpy()
        for start in range(0, len(video) - frames + 1, stride):
            clips.append(video[start : start + frames])
            clip_paths.append(paths[index])
            if label_array is not None:
                clip_labels.append(label_array[index])
    return VideoFolder(
        clips=np.stack(clips),
        labels=None if label_array is None else np.asarray(clip_labels, np.int32),
        class_names=class_names,
        paths=clip_paths,
        skipped=skipped,
    )


def video_folder(
    directory,
    batch_size=16,
    frames=16,
    stride=None,
    image_size=None,
    channels=None,
    shuffle=True,
    seed=None,
    with_labels=False,
    folder=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """A `tf.data.Dataset` of clip batches from a folder of animated GIFs.

    Args:
        directory: str. A folder of GIF files, or of one subfolder per class.
        batch_size: int. Clips per batch. Defaults to `16`.
        frames, stride, image_size, channels: see `load_video_folder`.
        shuffle: bool. Defaults to `True`.
        seed: int or `None`. Shuffle seed.
        with_labels: bool. Yield `(clips, labels)` (class subfolders only).
        folder: a `VideoFolder` already loaded from `directory`, or `None`.
        first_epoch, steps_per_epoch: a resumable stream, as
            `keras_gans.data.mnist`.

    Returns:
        A `tf.data.Dataset` of float32 `(batch, frames, height, width,
        channels)` in `[-1, 1]` (and int32 labels with `with_labels`).
    """
    if folder is None:
        folder = load_video_folder(directory, frames, stride, image_size, channels)
    labels = folder.labels if with_labels else None
    if with_labels and labels is None:
        raise ValueError(f"{directory} has no class subfolders: leave `with_labels` off.")
    order = BatchOrder(batch_size, True, shuffle, seed, first_epoch, steps_per_epoch)
    return gather_batches(
        folder.clips,
        labels,
        order,
        transform=lambda batch, key: to_float(batch),
        source=(directory, "usable", "clips"),
    )
