"""Unpaired (content, style) image pipelines for style transfer.

From two folders of images (JPEG/PNG, any sizes), or from TFDS
`cycle_gan/<name>`. Each epoch runs once through the content images; style
images repeat as often as needed, in their own shuffled order.
"""

import numpy as np
import tensorflow as tf

from keras_gans.data.image_folder import decode_files
from keras_gans.data.image_folder import list_images
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.mnist import load_tfds
from keras_gans.data.pipeline import prefetch
from keras_gans.data.transforms import to_float
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_positive_int

MODES = ("crop", "resize")


def readable_images(paths, on_error="skip"):
    """Returns the paths that decode as images; reports the others by name.

    Every file is decoded once up front (a few seconds for thousands of
    photos), so a corrupt file is named here instead of failing training
    mid-epoch with a bare decoding error.

    Args:
        paths: list of str.
        on_error: `"skip"` (log a warning naming each unreadable file and
            leave it out) or `"raise"` (a `ValueError` naming them).
    """
    _, kept, _ = decode_files(paths, on_error)
    return [paths[i] for i in kept]


def _load(path):
    data = tf.io.read_file(path)
    image = tf.io.decode_image(data, channels=3, expand_animations=False)
    image.set_shape([None, None, 3])
    return image


def _fit_to_size(image, image_size, mode, flip, seed, channels=3, stateless_seed=None):
    """uint8 image of any size -> float32 (image_size, image_size, channels) in [-1, 1].

    With `stateless_seed` (int64 `[2]`), the crop and the flip depend on it
    alone (a resumable stream); else on the stateful `seed`.
    """
    if mode == "resize":
        image = tf.image.resize(image, [image_size, image_size], antialias=True)
    else:
        # Random crop at native resolution, so brush strokes keep the scale
        # they have in full-size images; upscale only images that are too small.
        shape = tf.shape(image)[:2]
        scale = tf.maximum(image_size / tf.cast(tf.reduce_min(shape), tf.float32), 1.0)
        new_shape = tf.cast(tf.math.ceil(tf.cast(shape, tf.float32) * scale), tf.int32)
        image = tf.image.resize(image, new_shape, antialias=True)
        size = [image_size, image_size, channels]
        if stateless_seed is None:
            image = tf.image.random_crop(image, size, seed=seed)
        else:
            crop_seed = tf.random.experimental.stateless_fold_in(stateless_seed, 0)
            image = tf.image.stateless_random_crop(image, size, crop_seed)
    if flip and stateless_seed is None:
        image = tf.image.random_flip_left_right(image, seed=seed)
    elif flip:
        flip_seed = tf.random.experimental.stateless_fold_in(stateless_seed, 1)
        image = tf.image.stateless_random_flip_left_right(image, flip_seed)
    image = tf.clip_by_value(image, 0.0, 255.0)
    return to_float(image)


def _image_stream(paths, image_size, mode, flip, shuffle, seed, repeat):
    ds = tf.data.Dataset.from_tensor_slices(paths)
    if shuffle:
        ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.map(_load, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.map(
        lambda image: _fit_to_size(image, image_size, mode, flip, seed),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def _resumable_image_stream(
    paths, image_size, flip, seed, first_epoch, examples_per_epoch, mode="crop"
):
    """`(image, example_seed)` from epoch `first_epoch` on, endless: epoch
    `e` holds `examples_per_epoch` images, in passes over `paths` shuffled
    by `(seed, e, pass)`, each cropped (`mode="crop"`, or resized) and
    flipped by its own stateless seed, so a run resumed at epoch `e` sees
    what an uninterrupted one saw."""
    paths = tf.constant(paths)
    base_seed = tf.constant(0 if seed is None else int(seed), tf.int64)

    def one_epoch(epoch):
        epoch_seed = tf.stack([base_seed, epoch])

        def one_pass(repeat):
            pass_seed = tf.random.experimental.stateless_fold_in(epoch_seed, repeat)
            order = tf.random.experimental.stateless_shuffle(
                tf.range(tf.size(paths, out_type=tf.int64)), seed=pass_seed
            )
            return tf.data.Dataset.from_tensor_slices(order)

        order = tf.data.Dataset.range(2**62).flat_map(one_pass).take(examples_per_epoch)
        # Example j of epoch e: seed (seed, e) folded with 2**32 + j, apart
        # from the passes' (seed, e) folded with small pass numbers.
        return order.enumerate().map(
            lambda j, i: (paths[i], tf.random.experimental.stateless_fold_in(epoch_seed, j + 2**32))
        )

    stream = tf.data.Dataset.range(first_epoch, 2**62).flat_map(one_epoch)
    stream = stream.map(lambda path, s: (_load(path), s), num_parallel_calls=tf.data.AUTOTUNE)
    return stream.map(
        lambda image, s: (_fit_to_size(image, image_size, mode, flip, None, stateless_seed=s), s),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def unpaired_images(
    content_dir,
    style_dir,
    image_size=128,
    batch_size=4,
    mode="crop",
    flip=True,
    shuffle=True,
    seed=None,
    on_error="skip",
    first_epoch=None,
    steps_per_epoch=None,
):
    """Returns a `tf.data.Dataset` of `(content, style)` batches from two folders.

    Args:
        content_dir: str. Folder of content images (e.g. photos).
        style_dir: str. Folder of style images (e.g. paintings).
        image_size: int. Side of the square training images. Defaults to
            `128`.
        batch_size: int. Defaults to `4`.
        mode: `"crop"` (random `image_size` crop at native resolution,
            upscaling images smaller than that) or `"resize"` (the whole image
            resized to `image_size`). Defaults to `"crop"`.
        flip: bool. Random horizontal flips. Defaults to `True`.
        shuffle: bool. Defaults to `True`.
        seed: int or `None`.
        on_error: `"skip"` (default: unreadable files are left out, with a
            warning naming each) or `"raise"` (a `ValueError` naming them).
        first_epoch, steps_per_epoch: int or `None`. Both given: an endless
            stream from epoch `first_epoch` on, `steps_per_epoch` batches an
            epoch, whose every shuffle, crop and flip depends only on
            `(seed, epoch)` (the style images on `(seed + 1, epoch)`): a run
            resumed from its backup at epoch `e` sees the batches an
            uninterrupted one saw (`shuffle` is implied).

    Returns:
        A dataset of float32 `(batch, image_size, image_size, 3)` pairs in
        [-1, 1]; an epoch is one pass over the content images (or
        `steps_per_epoch` batches of the endless resumable stream).

    Raises:
        DataNotFoundError: a folder is missing or has no images.
    """
    check_int_at_least("image_size", image_size, 4)
    check_choice("mode", mode, MODES)
    content_paths = readable_images(list_images(content_dir), on_error)
    style_paths = readable_images(list_images(style_dir), on_error)
    if len(content_paths) < batch_size:
        raise ValueError(
            f"`batch_size`={batch_size} is larger than the {len(content_paths)} content images."
        )
    if first_epoch is not None:
        check_positive_int("steps_per_epoch", steps_per_epoch)
        examples = steps_per_epoch * batch_size
        content_seed = 0 if seed is None else int(seed)
        streams = [
            _resumable_image_stream(paths, image_size, flip, s, first_epoch, examples, mode)
            for paths, s in ((content_paths, content_seed), (style_paths, content_seed + 1))
        ]
        content, style = (stream.map(lambda image, _: image) for stream in streams)
        ds = tf.data.Dataset.zip((content, style)).batch(batch_size, drop_remainder=True)
        return prefetch(ds)
    content = _image_stream(content_paths, image_size, mode, flip, shuffle, seed, repeat=False)
    style_seed = None if seed is None else seed + 1
    style = _image_stream(style_paths, image_size, mode, flip, shuffle, style_seed, repeat=True)
    ds = tf.data.Dataset.zip((content, style)).batch(batch_size, drop_remainder=True)
    return prefetch(ds)


def cycle_gan(
    name="monet2photo",
    split="train",
    image_size=128,
    batch_size=4,
    mode="crop",
    flip=True,
    shuffle=True,
    seed=None,
    data_dir=None,
    download=True,
):
    """`(photo, painting)` batches from TFDS `cycle_gan/<name>`.

    In TFDS's `cycle_gan` sets domain A is the painting style (e.g. Monet)
    and B the photos, so content comes from `<split>B` and style from
    `<split>A`.

    Raises:
        DataNotFoundError: when TFDS has no prepared copy and cannot download
            it; the message says how to use two folders instead.
    """
    try:
        style, content = load_tfds(
            f"cycle_gan/{name}", [f"{split}A", f"{split}B"], data_dir, download
        )
    except Exception as e:  # TFDS raises many types for "not available".
        raise DataNotFoundError(
            f"Could not load TFDS cycle_gan/{name} ({type(e).__name__}: {e}). Prepare it "
            "with tensorflow-datasets on a machine with internet (and point TFDS_DATA_DIR "
            "at it), or pass two folders of images: --content_dir and --style_dir."
        ) from e

    def images(ds, stream_seed, repeat):
        ds = ds.map(lambda image, label: image)
        if shuffle:
            ds = ds.shuffle(1000, seed=stream_seed, reshuffle_each_iteration=True)
        if repeat:
            ds = ds.repeat()
        return ds.map(
            lambda image: _fit_to_size(image, image_size, mode, flip, stream_seed),
            num_parallel_calls=tf.data.AUTOTUNE,
        )

    ds = tf.data.Dataset.zip(
        (images(content, seed, False), images(style, None if seed is None else seed + 1, True))
    )
    return prefetch(ds.batch(batch_size, drop_remainder=True))


def center_square(image, size):
    """Resizes the shorter side to `size` and center-crops a square (uint8)."""
    image = np.asarray(image)
    h, w = image.shape[:2]
    scale = size / min(h, w)
    resized = tf.image.resize(
        image, [max(size, round(h * scale)), max(size, round(w * scale))], antialias=True
    )
    top = (resized.shape[0] - size) // 2
    left = (resized.shape[1] - size) // 2
    cropped = resized[top : top + size, left : left + size]
    return np.clip(np.round(cropped.numpy()), 0, 255).astype(np.uint8)
