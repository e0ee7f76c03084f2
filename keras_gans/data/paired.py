"""Paired `(input, target)` image pipelines for pix2pix-style training.

Real pairs come from two folders whose files match by name
(`paired_images`); pairs made on the fly come from folders of real images
and a degradation (`degraded_images`: `"downscale"` for super-resolution,
`"mask"` for inpainting).
"""

import os

import tensorflow as tf

from keras_gans.data import degradations
from keras_gans.data.images import _fit_to_size
from keras_gans.data.images import _image_stream
from keras_gans.data.images import _load
from keras_gans.data.images import _resumable_image_stream
from keras_gans.data.images import list_images
from keras_gans.data.images import readable_images
from keras_gans.data.pipeline import prefetch
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_positive_int


def _as_list(directories):
    return [directories] if isinstance(directories, (str, os.PathLike)) else list(directories)


def image_paths(directories, on_error="skip"):
    """The readable image files of one folder or several, in order."""
    directories = _as_list(directories)
    if not directories:
        raise ValueError("Pass at least one folder of images.")
    paths = []
    for directory in directories:
        paths += list_images(directory)
    return readable_images(paths, on_error)


def degraded_images(
    directories,
    degradation="downscale",
    image_size=128,
    batch_size=8,
    flip=True,
    shuffle=True,
    repeat=False,
    seed=None,
    on_error="skip",
    first_epoch=None,
    steps_per_epoch=None,
):
    """`(input, target)` batches made from real images by a degradation.

    Each image is cropped at a random place at native resolution (images
    smaller than `image_size` are upscaled first), flipped at random, and
    degraded: the target is the crop, the input its degraded copy.

    Args:
        directories: str or list of str. Folders of images (JPEG/PNG).
        degradation: `"downscale"` (×4 bicubic, antialiased: inputs are
            `image_size / 4` pixels wide), `"mask"` (holes: inputs have a
            fourth channel, 1 in the holes, and the image is 0 there) or a
            `keras_gans.data.degradations` object such as
            `Downscale(factor=2)`. Defaults to `"downscale"`.
        image_size: int. Side of the square targets. Defaults to `128`.
        batch_size: int. Defaults to `8`.
        flip: bool. Random horizontal flips. Defaults to `True`.
        shuffle: bool. Defaults to `True`.
        repeat: bool. An endless stream (give `fit` a `steps_per_epoch`)
            instead of one pass over the images per epoch. Defaults to
            `False`.
        seed: int or `None`.
        on_error: `"skip"` (unreadable files are left out, with a warning
            naming each) or `"raise"`.
        first_epoch, steps_per_epoch: int or `None`. Both given: an endless
            stream from epoch `first_epoch` on, `steps_per_epoch` batches an
            epoch, whose every crop, flip and degradation depends only on
            `(seed, epoch)`: a run resumed from its backup at epoch `e` sees
            the batches an uninterrupted one saw (`shuffle` and `repeat` are
            implied).

    Returns:
        A dataset of float32 `(inputs, targets)` batches in [-1, 1].

    Example:

        >>> ds = keras_gans.data.degraded_images("photos/", "downscale", image_size=96)
        >>> small, large = next(iter(ds))  # (8, 24, 24, 3), (8, 96, 96, 3)
    """
    degradation = degradations.get(degradation)
    check_int_at_least("image_size", image_size, 4)
    check_positive_int("batch_size", batch_size)
    degradation.check_size(image_size)
    paths = image_paths(directories, on_error)
    if len(paths) < batch_size:
        raise ValueError(f"`batch_size`={batch_size} is larger than the {len(paths)} images.")
    if first_epoch is not None:
        check_positive_int("steps_per_epoch", steps_per_epoch)
        stream = _resumable_image_stream(
            paths, image_size, flip, seed, first_epoch, steps_per_epoch * batch_size
        )

        # The degradation's choice (e.g. which mask) from the example's seed.
        def degrade(image, example_seed):
            choice_seed = tf.random.experimental.stateless_fold_in(example_seed, 2)
            index = tf.random.stateless_uniform([], choice_seed, 0, 2**30, tf.int64)
            return degradation(image, index)

        ds = stream.map(degrade, num_parallel_calls=tf.data.AUTOTUNE)
        return prefetch(ds.batch(batch_size, drop_remainder=True))
    images = _image_stream(paths, image_size, "crop", flip, shuffle, seed, repeat)
    indices = tf.data.Dataset.random(seed=seed).map(lambda r: tf.math.floormod(r, 2**30))
    ds = tf.data.Dataset.zip((images, indices)).map(
        lambda image, index: degradation(image, index), num_parallel_calls=tf.data.AUTOTUNE
    )
    return prefetch(ds.batch(batch_size, drop_remainder=True))


def matching_pairs(input_dir, target_dir):
    """Paths of files with the same name stem in both folders, in order.

    Raises:
        ValueError: the folders do not hold the same names; the message
            gives the counts and a few names found on one side only.
    """
    inputs = {os.path.splitext(os.path.basename(p))[0]: p for p in list_images(input_dir)}
    targets = {os.path.splitext(os.path.basename(p))[0]: p for p in list_images(target_dir)}
    if inputs.keys() != targets.keys():
        only_in = sorted(inputs.keys() - targets.keys())[:3]
        only_target = sorted(targets.keys() - inputs.keys())[:3]
        raise ValueError(
            f"Paired folders must hold the same file names: {input_dir} has {len(inputs)} "
            f"images and {target_dir} has {len(targets)}; only in the inputs: {only_in}, only "
            f"in the targets: {only_target}. Each input needs a target of the same name "
            "(extensions may differ)."
        )
    names = sorted(inputs)
    return [inputs[n] for n in names], [targets[n] for n in names]


def paired_images(
    input_dir,
    target_dir,
    image_size=256,
    batch_size=1,
    mode="crop",
    flip=True,
    shuffle=True,
    seed=None,
):
    """`(input, target)` batches from two folders of real pairs.

    Files pair up by name (`a.jpg` with `a.png`). The two images of a pair
    get the same random crop and flip (pix2pix's jitter); they must have the
    same size, or be resized (`mode="resize"`).

    Args:
        input_dir: str. Folder of input images.
        target_dir: str. Folder of target images, same names.
        image_size: int. Side of the square crops. Defaults to `256`.
        batch_size: int. Defaults to `1` (pix2pix's).
        mode: `"crop"` (random crop at native resolution) or `"resize"`.
            Defaults to `"crop"`.
        flip: bool. Random horizontal flips. Defaults to `True`.
        shuffle: bool. Defaults to `True`.
        seed: int or `None`.

    Returns:
        A dataset of float32 `(inputs, targets)` batches in [-1, 1], 3
        channels each; an epoch is one pass over the pairs.

    Raises:
        ValueError: the folders' names do not match, or a pair's two images
            differ in size in `"crop"` mode.
    """
    check_int_at_least("image_size", image_size, 4)
    check_positive_int("batch_size", batch_size)
    input_paths, target_paths = matching_pairs(input_dir, target_dir)
    if len(input_paths) < batch_size:
        raise ValueError(f"`batch_size`={batch_size} is larger than the {len(input_paths)} pairs.")

    def load_pair(input_path, target_path):
        source, target = _load(input_path), _load(target_path)
        if mode == "resize":
            source = tf.image.resize(source, [image_size, image_size], antialias=True)
            target = tf.image.resize(target, [image_size, image_size], antialias=True)
        else:
            tf.debugging.assert_equal(
                tf.shape(source),
                tf.shape(target),
                message="a pair's input and target differ in size; use mode='resize'",
            )
        both = tf.concat([tf.cast(source, tf.float32), tf.cast(target, tf.float32)], axis=-1)
        both = _fit_to_size(both, image_size, "crop", flip, seed, channels=6)
        return both[..., :3], both[..., 3:]

    ds = tf.data.Dataset.from_tensor_slices((input_paths, target_paths))
    if shuffle:
        ds = ds.shuffle(len(input_paths), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(load_pair, num_parallel_calls=tf.data.AUTOTUNE)
    return prefetch(ds.batch(batch_size, drop_remainder=True))
