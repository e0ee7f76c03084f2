"""Listing a folder of data files: flat, or one subfolder per class.

The image and audio folder readers share this, so both treat class
subfolders, empty folders and mixed folders alike.
"""

import logging
import os

import numpy as np

from keras_gans.data.mnist import DataNotFoundError
from keras_gans.utils.validation import check_choice

logger = logging.getLogger("keras_gans")


def files_with(directory, extensions):
    """Sorted paths of the files in `directory` ending in one of `extensions`
    (case-insensitive; hidden files left out; not recursive)."""
    return sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.lower().endswith(extensions) and not name.startswith(".")
    )


def _items(directory, extensions, item_folders):
    """The files of `directory` ending in `extensions`, and its subfolders
    holding files ending in `item_folders` (each one item), sorted."""
    subfolders = () if not item_folders else _subfolders(directory)
    held = [
        os.path.join(directory, name)
        for name in subfolders
        if files_with(os.path.join(directory, name), item_folders)
    ]
    return sorted(files_with(directory, extensions) + held)


def _subfolders(directory):
    return sorted(
        name
        for name in os.listdir(directory)
        if os.path.isdir(os.path.join(directory, name)) and not name.startswith(".")
    )


def find_files(directory, extensions, kind, labels="inferred", item_folders=()):
    """The data files of a folder and, for class subfolders, their labels.

    Args:
        directory: str. A folder of files, or of one subfolder per class.
        extensions: tuple of str. The file name endings to list, e.g.
            `(".png", ".jpg")`.
        kind: str. What the files are, for messages: `"image"`, `"audio"`.
        labels: `"inferred"` (class subfolders give labels, a flat folder
            none) or `None` (ignore subfolder names: every file of the
            folder and its subfolders, unlabelled).
        item_folders: tuple of str. File endings that make a subfolder
            holding such files one item (a clip stored as a folder of
            frames), listed with the files, not a class. Defaults to none.

    Returns:
        `(paths, labels or None, class_names)`.

    Raises:
        DataNotFoundError: the folder is missing or has no such files, or a
            class subfolder is empty; the message names it.
    """
    check_choice("labels", labels, ("inferred", None))
    directory = os.path.expanduser(str(directory))
    what = f"{kind.capitalize()} folder"
    if not os.path.isdir(directory):
        raise DataNotFoundError(f"{what} {directory} does not exist.")
    endings = "/".join(extensions)
    if item_folders:
        endings += f"; or folders of {'/'.join(item_folders)} frames"
    top = _items(directory, extensions, item_folders)
    subfolders = [
        name for name in _subfolders(directory) if os.path.join(directory, name) not in top
    ]
    if top or not subfolders:
        if not top:
            raise DataNotFoundError(
                f"{what} {directory} holds no {kind} files ({endings}) and no class subfolders."
            )
        if subfolders and labels == "inferred":
            logger.warning(
                "%s holds %s files and subfolders; training on its %d files, unlabelled "
                "(subfolders %s are ignored).",
                directory,
                kind,
                len(top),
                subfolders[:5],
            )
        return top, None, []
    paths, label_list = [], []
    for index, name in enumerate(subfolders):
        files = _items(os.path.join(directory, name), extensions, item_folders)
        if not files:
            raise DataNotFoundError(
                f"Class folder {os.path.join(directory, name)} holds no {kind} files "
                f"({endings}). Remove it or add its files."
            )
        paths += files
        label_list += [index] * len(files)
    if labels is None:
        return paths, None, []
    return paths, np.asarray(label_list, np.int32), subfolders


def report_skipped(skipped, kind, on_error):
    """Names the files a reader left out, `(path, reason)` each: a
    `ValueError` with `on_error="raise"`, else a warning (nothing when none).

    Args:
        skipped: list of `(path, reason)`.
        kind: str. What the files are, for the message: `"image"`, `"audio"`.
        on_error: `"skip"` or `"raise"`.
    """
    if not skipped:
        return
    listing = "; ".join(f"{path} ({why})" for path, why in skipped)
    if on_error == "raise":
        raise ValueError(f"{len(skipped)} unusable {kind} file(s): {listing}")
    logger.warning("Skipping %d unusable %s file(s): %s", len(skipped), kind, listing)
