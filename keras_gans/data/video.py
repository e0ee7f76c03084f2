"""Clips: Moving MNIST, made on the fly from the MNIST digits.

Moving MNIST (Srivastava et al., 2015) is digits bouncing inside a frame:
each moves on a straight line at a constant speed, is reflected at the
frame's edges, and overlapping digits combine by their maximum (the motion
of TFDS's `video/moving_sequence.py`). Here every clip is drawn from the
digits already on disk, in the graph, from stateless random ops keyed by
the batch's `[epoch, step]`: a seed gives the same clips on every machine,
and a run resumed at epoch `e` sees the clips an uninterrupted one would.

At 64 px the digits keep MNIST's 28 px; smaller frames scale them with the
frame (14 px at 32), so a 32 px clip is the 64 px one at half resolution.
"""

import numpy as np
import tensorflow as tf

from keras_gans.data.mnist import load_arrays
from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import index_batches
from keras_gans.data.pipeline import prefetch
from keras_gans.utils.validation import check_positive_int

DIGIT_SIZE = 28  # MNIST's, in a 64 px frame
STANDARD_FRAME = 64


def digit_size(frame_size):
    """The side of a digit in a frame of `frame_size` px: 28 at 64, scaled
    with the frame below that."""
    return min(DIGIT_SIZE, round(DIGIT_SIZE * frame_size / STANDARD_FRAME))


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
    size = digit_size(frame_size)
    if size < 8:
        raise ValueError(
            f"`frame_size`={frame_size} makes digits of {size} px, too small to read: "
            "use 32 (quick runs) or 64 (the standard size)."
        )
    if not 0 <= speed <= 1:
        raise ValueError(
            f"`speed` is a fraction of the frame's free distance per frame, in [0, 1]. "
            f"Received: speed={speed}"
        )
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
