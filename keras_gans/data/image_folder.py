"""Your own images: a folder of pictures as a GAN's training data.

A flat folder gives images; a folder with one subfolder per class gives
`(images, labels)`. Every file is decoded, converted and resized once, up
front, and kept in memory as uint8 (a few thousand 64x64 images are a few
megabytes), so an unreadable file is named before training starts instead of
failing an epoch with a bare decoding error, and an epoch costs no decoding.
"""

import dataclasses
import hashlib
import os
import re

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data import folders
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import gather_batches
from keras_gans.data.transforms import to_float
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

# What `tf.io.decode_image` reads (GIF: the first frame): every folder reader
# of the package (own images, style, paired and degraded) lists these.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
FITS = ("crop", "pad", "resize")


@dataclasses.dataclass
class ImageFolder:
    """A folder of images, decoded into memory.

    Attributes:
        images: uint8 `(n, height, width, channels)`.
        labels: int32 `(n,)`, or `None` for a flat folder.
        class_names: list of str: the subfolder of each label (empty when
            flat).
        paths: list of str: the file each image came from.
        skipped: list of `(path, reason)`: the files that could not be read.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: list
    paths: list
    skipped: list

    @property
    def image_shape(self):
        return tuple(self.images.shape[1:])


def held_out(paths, directory, share):
    """Which of a folder's files are kept out of training: a boolean array.

    A file is held out when the SHA-256 of its path inside `directory`
    falls in the first `share` of the hash range, so a file stays on its side
    when others are added or removed, on any machine, and `keras-gans
    evaluate` finds the same files again from the run's settings.

    Args:
        paths: list of str, the folder's image files.
        directory: str. The folder (paths are taken relative to it).
        share: float in `[0, 1)`. The expected share held out.
    """
    if not 0 <= share < 1:
        raise ValueError(f"`holdout` must be in [0, 1). Received: holdout={share}")
    names = [os.path.relpath(path, directory).replace(os.sep, "/") for path in paths]
    digests = [int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) for name in names]
    return np.array([digest < share * 16**8 for digest in digests], bool)


def split_folder(folder, directory, share):
    """`(training, held_out)` `ImageFolder`s of `folder` (see `held_out`);
    `held_out` is `None` when no file falls in it."""
    out = held_out(folder.paths, directory, share)
    if not out.any():
        return folder, None

    def part(keep):
        return dataclasses.replace(
            folder,
            images=folder.images[keep],
            labels=None if folder.labels is None else folder.labels[keep],
            paths=[path for path, k in zip(folder.paths, keep) if k],
        )

    return part(~out), part(out)


def _image_files(directory):
    return folders.files_with(directory, IMAGE_EXTENSIONS)


def list_images(directory):
    """Sorted paths of the image files in `directory` (not recursive).

    Raises:
        DataNotFoundError: if the directory is missing or holds no images.
    """
    directory = os.path.expanduser(str(directory))
    if not os.path.isdir(directory):
        raise DataNotFoundError(f"Image folder {directory} does not exist.")
    paths = _image_files(directory)
    if not paths:
        raise DataNotFoundError(
            f"Image folder {directory} holds no {'/'.join(IMAGE_EXTENSIONS)} files."
        )
    return paths


def find_images(directory, labels="inferred"):
    """The image files of a folder and, for class subfolders, their labels:
    `(paths, labels or None, class_names)`; see `folders.find_files`."""
    return folders.find_files(directory, IMAGE_EXTENSIONS, "image", labels)


def decode_files(paths, on_error="skip"):
    """Decodes every file once, with its own channels.

    Files are read and decoded in parallel by `tf.data`; a file that fails is
    decoded once more on its own to name the reason.

    Returns:
        `(images, kept, skipped)`: the uint8 arrays, the indices of the
        readable paths, and `(path, reason)` for each unreadable one.

    Raises:
        ValueError: with `on_error="raise"`, naming every unreadable file
            (with `"skip"`, a warning names them).
        DataNotFoundError: when no file could be read.
    """
    check_choice("on_error", on_error, ("skip", "raise"))

    def decode(index, path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=0, expand_animations=False)
        return index, image

    files = tf.data.Dataset.from_tensor_slices((tf.range(len(paths)), tf.constant(paths)))
    files = files.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    decoded, kept = [], []
    progress = keras.utils.Progbar(len(paths), unit_name="file") if len(paths) >= 5000 else None
    for index, image in files.ignore_errors().as_numpy_iterator():
        if min(image.shape[:2]) >= 1:
            decoded.append(image)
            kept.append(int(index))
        if progress is not None and len(kept) % 1000 == 0 and index + 1 < len(paths):
            progress.update(int(index) + 1)
    if progress is not None:
        progress.update(len(paths))
    readable = set(kept)
    skipped = [(path, _reason(path)) for i, path in enumerate(paths) if i not in readable]
    folders.report_skipped(skipped, "image", on_error)
    if not decoded:
        raise DataNotFoundError(f"None of the {len(paths)} image files could be read.")
    return decoded, kept, skipped


def load_folder(directory, limit=None, channels=3, on_error="skip"):
    """Decodes the images of a folder at their own sizes.

    The three folder readers: `load_folder` keeps each image's size (test
    images scored at full size, figures), `load_image_folder` fits them all
    to one size in memory (an `ImageFolder`), and `image_folder` streams
    those as a `tf.data.Dataset` of training batches.

    Args:
        directory: str. A folder of images (see `list_images`).
        limit: int or `None`. Decode only the first `limit` readable images
            (in file name order). `None`: all of them.
        channels: `1` or `3`. Alpha is dropped; grey and RGB are converted.
        on_error: `"skip"` (warn, naming each unreadable file) or `"raise"`.

    Returns:
        `(images, paths)`: a list of uint8 `(h, w, channels)` arrays, and the
        file of each.
    """
    check_choice("channels", channels, (1, 3))
    paths = list_images(directory)
    images, kept_paths, start = [], [], 0
    # Decode in rounds of what is still missing, so a limit of four figure
    # images does not decode a training folder of thousands.
    while start < len(paths) and (limit is None or len(images) < limit):
        chunk = paths[start : len(paths) if limit is None else start + limit - len(images)]
        start += len(chunk)
        try:
            decoded, kept, _ = decode_files(chunk, on_error)
        except DataNotFoundError:
            continue  # none of this round decoded; the warning named them
        images += [to_channels(image, channels) for image in decoded]
        kept_paths += [chunk[i] for i in kept]
    if not images:
        raise DataNotFoundError(
            f"None of the {len(paths)} image files in {directory} could be read."
        )
    return images, kept_paths


def _reason(path):
    """Why `path` does not decode to an image."""
    try:
        image = tf.io.decode_image(tf.io.read_file(path), channels=0, expand_animations=False)
    except (tf.errors.OpError, ValueError) as e:
        # TF prefixes its op errors with "{{function_node ...}}": not the reason.
        message = re.sub(r"\{\{.*?\}\}\s*", "", str(e)).splitlines()
        return (message[0][:120] if message else "") or type(e).__name__
    return f"an empty image (shape {tuple(image.shape)})"


def fingerprint_files(paths, block_size=1 << 20):
    """SHA-256 of the files' contents and names, in order: which data this was.

    Each file adds its name relative to the folder that holds them all (so a
    file moved to another class subfolder counts) and the SHA-256 of its
    bytes, read in blocks of `block_size`. Names and sizes alone would miss
    files replaced by others of the same length; reading the bytes costs far
    less than the features computed from them.

    Args:
        paths: list of str. The files, in the order they are used.
        block_size: int. Bytes read at a time. Defaults to 1 MiB.

    Returns:
        The hex digest.
    """
    absolute = [os.path.abspath(path) for path in paths]
    root = os.path.commonpath([os.path.dirname(path) for path in absolute]) if paths else ""
    digest = hashlib.sha256()
    for path in absolute:
        content = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(block_size), b""):
                content.update(block)
        name = os.path.relpath(path, root).replace(os.sep, "/")
        digest.update(f"{name}\t{content.hexdigest()}\n".encode())
    return digest.hexdigest()


def to_channels(image, channels):
    """Drops alpha; converts grey <-> RGB."""
    if image.shape[-1] in (2, 4):  # grey + alpha, RGBA
        image = image[..., :-1]
    if channels == 3 and image.shape[-1] == 1:
        return np.repeat(image, 3, axis=-1)
    if channels == 1 and image.shape[-1] == 3:
        return tf.image.rgb_to_grayscale(image).numpy()
    return image


def fit_images(images, size, fit, chunk=256):
    """Resizes every image to `size` = (h, w): center crop, pad or stretch to
    its aspect ratio. Images of one shape are resized together; images
    already at `size` are kept as they are."""
    out = [None] * len(images)
    by_shape = {}
    for i, image in enumerate(images):
        by_shape.setdefault(image.shape, []).append(i)
    for shape, indices in by_shape.items():
        if shape[:2] == tuple(size):
            for i in indices:
                out[i] = images[i]
            continue
        for start in range(0, len(indices), chunk):
            group = indices[start : start + chunk]
            resized = keras.ops.image.resize(
                np.stack([images[i] for i in group]).astype(np.float32),
                size,
                antialias=True,
                crop_to_aspect_ratio=fit == "crop",
                pad_to_aspect_ratio=fit == "pad",
            )
            resized = np.clip(np.round(keras.ops.convert_to_numpy(resized)), 0, 255)
            for i, image in zip(group, resized.astype(np.uint8)):
                out[i] = image
    return np.stack(out)


def default_image_size(shapes):
    """A size for a folder of images of `shapes` (h, w): the median shorter
    side, at most 64 (what a CPU trains in minutes), a multiple of 4."""
    side = int(np.median([min(h, w) for h, w in shapes]))
    return max(8, min(64, side) // 4 * 4)


def load_image_folder(
    directory, image_size=None, channels=None, fit="crop", labels="inferred", on_error="skip"
):
    """Decodes a folder of images into memory, all at one size and channel count.

    Args:
        directory: str. A folder of images, or of one subfolder per class.
        image_size: int, `(height, width)` or `None`. `None`: see
            `default_image_size`.
        channels: `1`, `3` or `None` (1 when every image is grayscale, else 3).
            Alpha is dropped; grey and RGB are converted as needed.
        fit: `"crop"` (center crop to the aspect ratio, then resize; the
            default), `"pad"` (pad with black, then resize) or `"resize"`
            (stretch).
        labels: `"inferred"` or `None`; see `find_images`.
        on_error: `"skip"` (warn, naming each unreadable file) or `"raise"`.

    Returns:
        An `ImageFolder`.
    """
    check_choice("fit", fit, FITS)
    if channels is not None:
        check_choice("channels", channels, (1, 3))
    paths, label_array, class_names = find_images(directory, labels)
    decoded, kept, skipped = decode_files(paths, on_error)
    if channels is None:
        channels = 1 if all(image.shape[-1] in (1, 2) for image in decoded) else 3
    size = check_image_size(image_size) if image_size is not None else None
    if size is None:
        side = default_image_size([image.shape[:2] for image in decoded])
        size = (side, side)
    images = fit_images([to_channels(image, channels) for image in decoded], size, fit)
    if label_array is not None:
        label_array = label_array[kept]
    return ImageFolder(
        images=images,
        labels=label_array,
        class_names=class_names,
        paths=[paths[i] for i in kept],
        skipped=skipped,
    )


def check_image_size(image_size):
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2:
        raise ValueError(
            f"`image_size` must be an int or (height, width). Received: image_size={image_size!r}"
        )
    for side in size:
        check_positive_int("image_size", side)
    return size


def image_folder(
    directory,
    image_size=None,
    batch_size=32,
    channels=None,
    fit="crop",
    labels="inferred",
    flip=False,
    shuffle=True,
    seed=None,
    on_error="skip",
    drop_remainder=True,
    folder=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """A `tf.data.Dataset` of image batches (and labels) from a folder.

    Images are float32 in [-1, 1] (`keras_gans.data.to_uint8` maps back);
    a folder of class subfolders yields `(images, labels)` batches with int32
    labels numbered in the sorted order of the subfolder names.

    Args:
        directory: str. A folder of images (JPEG, PNG, BMP, GIF), or of one
            subfolder per class.
        image_size: int, `(height, width)` or `None` (chosen from the data:
            see `default_image_size`).
        batch_size: int. Defaults to `32`.
        channels: `1`, `3` or `None` (follow the data).
        fit: `"crop"`, `"pad"` or `"resize"`; see `load_image_folder`.
        labels: `"inferred"` or `None`.
        flip: bool. Random horizontal flips. Defaults to `False`.
        shuffle: bool. Reshuffle every epoch. Defaults to `True`.
        seed: int or `None`. Seed of the shuffle and the flips.
        on_error: `"skip"` or `"raise"` for unreadable files.
        drop_remainder: bool. Defaults to `True` (every batch full).
        folder: `ImageFolder` or `None`. Already loaded images (e.g. to
            read the class names and train from one load).
        first_epoch, steps_per_epoch: int or `None`. An endless stream from
            `first_epoch` on whose epoch `e` depends only on `(seed, e)`, for
            runs resumed from a backup (see
            `keras_gans.data.pipeline.index_batches`).

    Returns:
        A `tf.data.Dataset`.

    Example:

        >>> ds = keras_gans.data.image_folder("photos/", image_size=64, batch_size=16)
        >>> next(iter(ds)).shape
        TensorShape([16, 64, 64, 3])
    """
    check_positive_int("batch_size", batch_size)
    if folder is None:
        folder = load_image_folder(directory, image_size, channels, fit, labels, on_error)
    flip_seed = tf.constant((seed or 0) + 1, tf.int64)

    def transform(batch, key):
        batch = to_float(batch)
        if flip:
            # Stateless, from (seed, epoch, step): a resumed run flips alike.
            batch_seed = tf.random.experimental.stateless_fold_in(
                tf.stack([flip_seed, key[0]]), key[1]
            )
            batch = tf.image.stateless_random_flip_left_right(batch, batch_seed)
        return batch

    order = BatchOrder(batch_size, drop_remainder, shuffle, seed, first_epoch, steps_per_epoch)
    return gather_batches(
        folder.images, folder.labels, order, transform, source=(directory, "readable", "images")
    )


def parse_image_size(value):
    """`"64"` -> `(64, 64)`, `"48x80"` -> `(48, 80)`, `None` -> `None`."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?", str(value))
    if not match:
        raise ValueError(
            f"`image_size` must be N or HxW, e.g. 64 or 48x80. Received: image_size={value!r}"
        )
    height = int(match.group(1))
    return height, int(match.group(2) or height)
