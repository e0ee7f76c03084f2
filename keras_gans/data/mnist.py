"""MNIST and Fashion-MNIST as tf.data pipelines of images in [-1, 1].

Two sources, tried in this order:

1. `data_dir` holding the four IDX files (`train-images-idx3-ubyte`,
   `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
   `t10k-labels-idx1-ubyte`, each optionally gzipped), as distributed by
   LeCun's and Zalando's sites or Debian's `dataset-fashion-mnist` package.
2. tensorflow-datasets (`"mnist"`, `"fashion_mnist"`), from `data_dir` if it
   is a TFDS data directory, else from `TFDS_DATA_DIR` / `~/tensorflow_datasets`,
   downloading when the machine is online.
"""

import gzip
import os
import socket
import struct
import urllib.parse

import numpy as np

from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import gather_batches
from keras_gans.data.transforms import to_float
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

DATASETS = ("mnist", "fashion_mnist")
# Each data set's class names, by label.
CLASS_NAMES = {
    "mnist": [str(digit) for digit in range(10)],
    "fashion_mnist": [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
}
SPLITS = ("train", "test")
_IDX_PREFIX = {"train": "train", "test": "t10k"}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataNotFoundError(FileNotFoundError):
    """Raised when a data set can be neither found locally nor downloaded."""


def read_idx(path):
    """Reads an IDX file (optionally gzipped) into a NumPy array.

    Args:
        path: str. Path to an IDX file such as `train-images-idx3-ubyte`
            or `train-images-idx3-ubyte.gz`.

    Returns:
        An array whose shape and dtype come from the file's header.

    Raises:
        ValueError: if the file is not a well-formed IDX file.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"Could not read IDX file {path}: {e}") from e
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(
            f"{path} is not an IDX file (bad magic number). Expected the "
            "MNIST format: two zero bytes, a type byte and a rank byte."
        )
    type_code, rank = data[2], data[3]
    if type_code not in _IDX_DTYPES:
        raise ValueError(f"{path}: unknown IDX data type 0x{type_code:02x}.")
    header = 4 + 4 * rank
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX header.")
    shape = struct.unpack(f">{rank}I", data[4:header])
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(
            f"{path}: header says shape {shape} ({expected} bytes of data) "
            f"but the file holds {len(data) - header} bytes. Is it truncated?"
        )
    return np.frombuffer(data, dtype, offset=header).reshape(shape)


def _find_idx_file(data_dir, split, kind):
    prefix = _IDX_PREFIX[split]
    rank = 3 if kind == "images" else 1
    stems = (f"{prefix}-{kind}-idx{rank}-ubyte", f"{prefix}-{kind}.idx{rank}-ubyte")
    for stem in stems:
        for suffix in ("", ".gz"):
            path = os.path.join(data_dir, stem + suffix)
            if os.path.isfile(path):
                return path
    return None


def has_idx_files(data_dir, split="train"):
    """True if `data_dir` holds the IDX images and labels for `split`."""
    return all(_find_idx_file(data_dir, split, kind) for kind in ("images", "labels"))


def load_idx(data_dir, split="train"):
    """Loads `(images, labels)` of one split from a directory of IDX files.

    Returns:
        `images` uint8 `(n, 28, 28, 1)` and `labels` int64 `(n,)`.
    """
    paths = {k: _find_idx_file(data_dir, split, k) for k in ("images", "labels")}
    missing = [k for k, p in paths.items() if p is None]
    if missing:
        raise DataNotFoundError(
            f"{data_dir} has no IDX {' or '.join(missing)} file for split "
            f"{split!r} (expected e.g. {_IDX_PREFIX[split]}-images-idx3-ubyte"
            "[.gz])."
        )
    images = read_idx(paths["images"])
    labels = read_idx(paths["labels"])
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{paths['images']}: expected uint8 images of rank 3, got "
            f"{images.dtype} of shape {images.shape}."
        )
    if labels.shape != (images.shape[0],):
        raise ValueError(
            f"{paths['labels']} holds {labels.shape[0]} labels for "
            f"{images.shape[0]} images in {paths['images']}."
        )
    return images[..., None], labels.astype(np.int64)


def load_tfds(name, split, data_dir=None, download=True):
    """Like `tfds.load(name, split, as_supervised=True)`, but fails fast offline.

    Offline, TFDS retries every file for minutes before it gives up, so a
    user who forgot `TFDS_DATA_DIR` waited three and a half minutes for the
    error. Before letting TFDS download, this opens one TCP connection to the
    host it downloads from (the builder's `URL`, else its homepage: any host
    tells online from offline).

    Args:
        name: str. TFDS name, e.g. `"mnist"` or `"cycle_gan/monet2photo"`.
        split: str or list of str, as for `tfds.load`.
        data_dir: str or `None`. TFDS data directory (`None`: TFDS's own).
        download: bool. Let TFDS download when the data set is not prepared.

    Returns:
        What `tfds.load` returns: one dataset, or a list for a list of splits.

    Raises:
        ConnectionError: the data set is not prepared and its host cannot be
            reached; the message names both. Otherwise what `tfds.load`
            raises.
    """
    # Optional and slow to import (seconds): IDX-file users never pay for it.
    import tensorflow_datasets as tfds

    builder = tfds.builder(name, data_dir=data_dir)
    if download and not builder.is_prepared():
        url = getattr(type(builder), "URL", None) or builder.info.homepage
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname, port), timeout=5.0).close()
        except OSError as e:
            raise ConnectionError(
                f"{name} is not prepared in {builder.data_dir_root}, and this machine "
                f"cannot reach {parts.hostname} to download it ({e})."
            ) from e
        builder.download_and_prepare()
    return builder.as_dataset(split=split, as_supervised=True)


def _load_tfds(name, split, data_dir, download):
    try:
        return load_tfds(name, split, data_dir, download)
    except Exception as e:  # TFDS raises many types for "not available".
        raise DataNotFoundError(
            _not_found_message(name, data_dir, f"{type(e).__name__}: {e}")
        ) from e


def _not_found_message(name, data_dir, reason):
    where = data_dir or os.environ.get("TFDS_DATA_DIR") or "~/tensorflow_datasets"
    return (
        f"Could not load {name!r} (looked in {where}). Provide the data in "
        "one of two ways:\n"
        "  1. a directory holding the four IDX files (train-images-idx3-ubyte"
        "[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
        "t10k-labels-idx1-ubyte[.gz]), passed as `data_dir=` (`--data_dir`);\n"
        f"  2. a prepared tensorflow-datasets directory holding {name}/, "
        "passed as `data_dir=` or through the TFDS_DATA_DIR environment "
        "variable (or let TFDS download it on a machine with internet).\n"
        f"Cause: {reason}"
    )


def load_arrays(split="train", dataset="mnist", data_dir=None, download=True):
    """Loads one split into memory as `(images uint8 (n, 28, 28, 1), labels int64)`.

    From the IDX files in `data_dir` when it holds them, else from
    tensorflow-datasets (see `mnist` for where TFDS looks).
    """
    if data_dir is not None:
        data_dir = os.path.expanduser(str(data_dir))
        if not os.path.isdir(data_dir):
            raise DataNotFoundError(
                _not_found_message(dataset, data_dir, f"{data_dir} is not a directory.")
            )
        if has_idx_files(data_dir, split):
            return load_idx(data_dir, split)
        if not os.path.isdir(os.path.join(data_dir, dataset)):
            # Never let TFDS download into a folder the user named for data.
            raise DataNotFoundError(
                _not_found_message(
                    dataset,
                    data_dir,
                    f"{data_dir} holds neither the IDX files nor a prepared {dataset}/.",
                )
            )
    ds = _load_tfds(dataset, split, data_dir, download)
    images, labels = next(iter(ds.batch(1_000_000)))
    return images.numpy(), labels.numpy().astype(np.int64)


def mnist(
    split="train",
    batch_size=64,
    dataset="mnist",
    data_dir=None,
    shuffle=None,
    seed=None,
    with_labels=False,
    drop_remainder=True,
    download=True,
    first_epoch=None,
    steps_per_epoch=None,
    labels=None,
):
    """Returns an MNIST-style `tf.data.Dataset` of images scaled to [-1, 1].

    The pipeline loads the split into memory once (uint8, 47 MB for the
    training set), shuffles indices, gathers whole batches, scales them to
    float32 `[-1, 1]` and prefetches.

    Args:
        split: str. `"train"` (60,000 images) or `"test"` (10,000).
            Defaults to `"train"`.
        batch_size: int. Defaults to `64`.
        dataset: str. `"mnist"` or `"fashion_mnist"`. Defaults to `"mnist"`.
        data_dir: str or `None`. A directory of IDX files, or a TFDS data
            directory. Defaults to `None` (TFDS's own, or `TFDS_DATA_DIR`).
        shuffle: bool or `None`. Defaults to `True` for `"train"`, `False`
            otherwise.
        seed: int or `None`. Shuffle seed, for reproducible runs.
        with_labels: bool. Yield `(images, labels)` instead of images.
        labels: int array `(n,)` or `None`. Labels to yield instead of the
            data set's, one per example of the split (e.g. the cluster ids
            of self-conditioning); implies `with_labels=True`.
            Defaults to `False`.
        drop_remainder: bool. Drop the last partial batch (GAN steps assume
            full batches). Defaults to `True`.
        download: bool. Let TFDS download when the data is not prepared.
            Defaults to `True`.
        first_epoch: int or `None`. If set, return an endless stream in which
            epoch `e` (counting from `first_epoch`) is shuffled with a seed
            derived from `(seed, e)` only, and lasts `steps_per_epoch`
            batches. A run resumed at epoch `k` then sees exactly the batches
            an uninterrupted run would (for `fit(..., steps_per_epoch=...)`
            with `keras.callbacks.BackupAndRestore`). Defaults to `None`
            (one finite, reshuffled epoch per iteration).
        steps_per_epoch: int or `None`. Batches per epoch of the stream.
            Defaults to all full batches.

    Returns:
        A `tf.data.Dataset` of float32 `(batch, 28, 28, 1)` images (and
        int64 labels when `with_labels=True`).

    Raises:
        DataNotFoundError: if the data is neither in `data_dir` nor
            available through TFDS; the message names both ways to provide it.

    Example:

        >>> ds = keras_gans.data.mnist("train", batch_size=128, seed=0)
    """
    check_choice("dataset", dataset, DATASETS)
    check_choice("split", split, SPLITS)
    check_positive_int("batch_size", batch_size)
    if shuffle is None:
        shuffle = split == "train"
    images, own_labels = load_arrays(split, dataset, data_dir, download)
    num_examples = len(images)
    if labels is None:
        labels = own_labels
    else:
        labels = np.asarray(labels)
        if labels.shape != (num_examples,) or labels.dtype.kind not in "iu":
            raise ValueError(
                f"`labels` must be {num_examples} integers, one per example of split "
                f"{split!r}. Received shape {labels.shape} and dtype {labels.dtype}."
            )
        with_labels = True
    if num_examples < batch_size and drop_remainder:
        raise ValueError(
            f"`batch_size`={batch_size} is larger than the {num_examples} "
            f"examples of split {split!r}."
        )
    # MNIST fits in memory: whole batches gathered by index.
    order = BatchOrder(batch_size, drop_remainder, shuffle, seed, first_epoch, steps_per_epoch)
    labels = labels if with_labels else None
    return gather_batches(images, labels, order, transform=lambda batch, key: to_float(batch))
