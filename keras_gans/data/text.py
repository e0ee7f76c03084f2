"""Text as characters: classical Chinese quatrains, and folders of your own text.

The poems are the npm package `chinese-poetry` 2.0.1 (MIT; 57,607 Tang and
254,248 Song poems, traditional characters), read from where it was
unpacked: `load_poems` keeps the quatrains of one form, four lines of five
(17,189 poems) or seven characters (83,663), split on `，。？！；`, as
SeqGAN's and LeakGAN's Chinese poem sets were made. Each poem is its
characters without punctuation (`format_poem` puts it back); identical
poems are kept once, and a fixed tenth of them, chosen by a hash of the
poem's text, is held out (`split="test"`), so the split does not depend on
file order, machine or seed.

A folder of your own UTF-8 `.txt` files (`load_text_folder`) gives lines,
or windows of a fixed number of characters.

Models see characters as integer ids from a character vocabulary (a list
of characters, most frequent first), turned into ids by Keras's
`StringLookup` on `tf.strings.unicode_split`: id 0 pads a short text (and
ends a generated one), id 1 stands for a character outside the vocabulary.
"""

import collections
import dataclasses
import functools
import glob
import hashlib
import json
import os
import re
from typing import Optional

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data import folders
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import gather_batches
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

POEMS_PACKAGE = "chinese-poetry@2.0.1"
# Keras's own cache of data sets (where `keras.utils.get_file` puts them).
POEMS_HOME = os.path.join("~", ".keras", "datasets", "chinese-poetry-2.0.1")
POEMS_ENV = "CHINESE_POETRY_DIR"
FORMS = {"5x4": (4, 5), "7x4": (4, 7)}  # lines, characters a line
LINE_BREAKS = "，。？！；"
TEST_SHARE = 10  # one poem (or text) in ten is held out
PAD, OOV = "", "[UNK]"  # ids 0 and 1
REPLACEMENT_CHARACTER = "\ufffd"  # one character for a decoded "[UNK]"
TEXT_EXTENSIONS = (".txt",)
FETCH_POEMS = (
    f"npm pack {POEMS_PACKAGE} && mkdir -p {POEMS_HOME} && "
    f"tar xzf chinese-poetry-2.0.1.tgz -C {POEMS_HOME}"
)


@dataclasses.dataclass
class TextSet:
    """Texts held in memory, split for training and testing.

    Attributes:
        train: list of str, the training texts.
        test: list of str, the held-out texts (a fixed tenth).
        length: int. Characters of the longest text a model must hold.
        vocabulary: list of str, the training texts' characters, most
            frequent first (ties in character order).
        lines: int or `None`. Lines of a poem of a fixed form (`None`: free
            text).
        source: str. Where the texts came from, for provenance.
        skipped: list of `(path, reason)` of files that gave nothing.
    """

    train: list
    test: list
    length: int
    vocabulary: list
    lines: Optional[int] = None
    source: str = ""
    skipped: list = dataclasses.field(default_factory=list)

    @property
    def line_length(self):
        """Characters a line of a fixed form (`None`: free text)."""
        return None if self.lines is None else self.length // self.lines


def held_out(text):
    """True for the fixed tenth of texts kept for testing (a hash of the text)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % TEST_SHARE == 0


def validation_split(texts, share=20):
    """`(fitted, validation)`: one text of `texts` in `share` (by a hash of
    the text, apart from `held_out`'s) kept out of fitting, to choose a
    maximum-likelihood model's weights by (early stopping)."""
    validation, fitted = [], []
    for text in texts:
        digest = hashlib.sha256(f"validation:{text}".encode()).digest()
        (validation if int.from_bytes(digest[:4], "big") % share == 0 else fitted).append(text)
    return fitted, validation


def poems_dir(data_dir=None):
    """The unpacked `chinese-poetry` package: `data_dir`, the
    `CHINESE_POETRY_DIR` variable, Keras's data set cache or
    `./node_modules/chinese-poetry`; a `DataNotFoundError` that says how to
    fetch it when none holds it."""
    candidates = [data_dir] if data_dir else []
    candidates += [os.environ.get(POEMS_ENV), POEMS_HOME]
    candidates.append(os.path.join("node_modules", "chinese-poetry"))
    for candidate in filter(None, candidates):
        candidate = os.path.expanduser(str(candidate))
        for root in (candidate, os.path.join(candidate, "package")):
            if glob.glob(os.path.join(root, "dist", "quantangshi", "poet.tang.*.json")):
                return root
        if data_dir:
            break
    where = data_dir or f"${POEMS_ENV}, {POEMS_HOME} or ./node_modules"
    raise DataNotFoundError(
        f"No chinese-poetry package in {where} (dist/quantangshi/poet.*.json). The poems are "
        f"the npm package {POEMS_PACKAGE} (MIT); fetch it once: {FETCH_POEMS}"
    )


def split_lines(text):
    """The lines of a poem's text, split on `，。？！；` (empty ones dropped)."""
    return [line for line in re.split(f"[{LINE_BREAKS}]", text) if line]


def load_poems(form="5x4", data_dir=None):
    """Reads the quatrains of one form from the `chinese-poetry` package.

    Args:
        form: `"5x4"` (four lines of five characters, SeqGAN's kind) or
            `"7x4"` (four lines of seven).
        data_dir: str or `None`. The unpacked package (see `poems_dir`).

    Returns:
        A `TextSet` of poems, each its 20 (or 28) characters without
        punctuation.

    Raises:
        DataNotFoundError: the package is not there; the message says how
            to fetch it.
    """
    check_choice("form", form, tuple(FORMS))
    lines, width = FORMS[form]
    found = _quatrains(os.path.realpath(poems_dir(data_dir)), lines, width)
    return _split(list(found), lines * width, lines, f"{POEMS_PACKAGE}:{form}")


@functools.lru_cache(maxsize=4)
def _quatrains(root, lines, width):
    """The different poems of `lines` lines of `width` characters, in file
    order (read once a process: 311,855 poems of JSON take seconds)."""
    found = {}
    pattern = os.path.join(root, "dist", "quantangshi", "poet.*.json")
    for path in sorted(glob.glob(pattern), key=_numbered):
        with open(path, encoding="utf-8") as f:
            for poem in json.load(f):
                verses = split_lines("".join(poem.get("paragraphs") or ()))
                if len(verses) == lines and all(len(v) == width for v in verses):
                    found.setdefault("".join(verses), None)
    return tuple(found)


def _numbered(path):
    """Sorts `poet.tang.1000.json` after `poet.tang.2.json`."""
    name = os.path.basename(path)
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def load_text_folder(directory, unit="line", length=64, on_error="skip"):
    """Reads a folder of UTF-8 `.txt` files (and its subfolders) as texts.

    Args:
        directory: str. A folder of `.txt` files.
        unit: `"line"` (each non-empty line, stripped, of at most `length`
            characters; longer lines are left out and counted) or
            `"window"` (the whole text, line breaks as spaces, cut into
            consecutive pieces of exactly `length` characters).
        length: int. Characters of a text. Defaults to `64`.
        on_error: `"skip"` (warn, naming each file) or `"raise"`.

    Returns:
        A `TextSet`; identical texts are kept once.

    Raises:
        DataNotFoundError: no `.txt` files, or no text in them.
    """
    check_choice("unit", unit, ("line", "window"))
    check_positive_int("length", length)
    check_choice("on_error", on_error, ("skip", "raise"))
    directory = os.path.expanduser(str(directory))
    if not os.path.isdir(directory):
        raise DataNotFoundError(f"Text folder {directory} does not exist.")
    paths = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(directory)
        for name in names
        if name.lower().endswith(TEXT_EXTENSIONS) and not name.startswith(".")
    )
    if not paths:
        raise DataNotFoundError(f"Text folder {directory} holds no text files (.txt).")
    texts, skipped, too_long = [], [], 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                content = f.read()
        except UnicodeDecodeError as e:
            skipped.append((path, f"not UTF-8 text (byte {e.start})"))
            continue
        if unit == "line":
            lines = [line.strip() for line in content.splitlines() if line.strip()]
            too_long += sum(len(line) > length for line in lines)
            pieces = [line for line in lines if len(line) <= length]
        else:
            flat = " ".join(content.split())
            pieces = [flat[i : i + length] for i in range(0, len(flat) - length + 1, length)]
        if not pieces:
            skipped.append((path, f"no {unit} of at most {length} characters"))
        texts += pieces
    folders.report_skipped(skipped, "text", on_error)
    texts = list(dict.fromkeys(texts))
    if not texts:
        raise DataNotFoundError(f"The .txt files of {directory} hold no {unit}s of text.")
    text_set = _split(texts, length, None, os.path.abspath(directory))
    text_set.skipped = skipped
    if too_long:
        text_set.skipped.append((directory, f"{too_long} lines longer than {length} characters"))
    return text_set


def _split(texts, length, lines, source):
    test = [text for text in texts if held_out(text)]
    train = [text for text in texts if not held_out(text)]
    if not train or not test:
        raise DataNotFoundError(
            f"{source}: {len(texts)} texts are too few to hold a tenth out for testing."
        )
    return TextSet(train, test, length, character_vocabulary(train), lines, source)


def character_vocabulary(texts, max_size=None):
    """The characters of `texts`, most frequent first (ties in character
    order), at most `max_size` of them (`None`: all)."""
    counts = collections.Counter(character for text in texts for character in text)
    ranked = sorted(counts, key=lambda character: (-counts[character], character))
    return ranked if max_size is None else ranked[:max_size]


def character_lookup(vocabulary, invert=False):
    """Keras's `StringLookup` for `vocabulary`: characters to ids (0 pads,
    1 is any other character), or with `invert` ids to characters."""
    return keras.layers.StringLookup(
        vocabulary=list(vocabulary), mask_token=PAD, oov_token=OOV, invert=invert
    )


def encode_texts(texts, vocabulary, length):
    """int32 `(len(texts), length)` character ids, padded with 0; a text
    longer than `length` is a `ValueError`. A `"[UNK]"` that `decode_texts`
    wrote is one unknown character again (id 1)."""
    texts = [text.replace(OOV, REPLACEMENT_CHARACTER) for text in texts]
    characters = tf.strings.unicode_split(tf.constant(texts, tf.string), "UTF-8")
    longest = int(tf.reduce_max(characters.row_lengths())) if len(texts) else 0
    if longest > length:
        raise ValueError(f"A text has {longest} characters, more than length={length}.")
    padded = characters.to_tensor(default_value=PAD, shape=[None, length])
    return np.asarray(character_lookup(vocabulary)(padded), np.int32)


def decode_texts(ids, vocabulary):
    """The texts of `ids` `(n, length)`: each up to its first 0 (padding)."""
    characters = np.asarray(character_lookup(vocabulary, invert=True)(np.asarray(ids)))
    texts = []
    for row, text_ids in zip(characters, np.asarray(ids)):
        end = int(np.argmax(text_ids == 0)) if (text_ids == 0).any() else len(text_ids)
        texts.append("".join(c.decode("utf-8") for c in row[:end]))
    return texts


def lines_of(text, line_length):
    """`text` cut into lines of `line_length` characters."""
    return [text[i : i + line_length] for i in range(0, len(text), line_length)]


def format_poem(text, line_length):
    """A quatrain's characters with its punctuation back, one line each:
    `，` after the first and third lines, `。` after the second and fourth."""
    lines = lines_of(text, line_length)
    return "\n".join(line + ("，" if i % 2 == 0 else "。") for i, line in enumerate(lines))


def text_dataset(
    texts,
    vocabulary,
    length,
    batch_size=64,
    shuffle=True,
    seed=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """A `tf.data.Dataset` of int32 `(batch, length)` character-id batches
    of `texts` (`encode_texts`); resumable as `keras_gans.data.mnist`."""
    ids = encode_texts(texts, vocabulary, length)
    order = BatchOrder(batch_size, True, shuffle, seed, first_epoch, steps_per_epoch)
    return gather_batches(ids, None, order, source=("The texts", None, "texts"))


def poems(
    form="5x4",
    split="train",
    batch_size=64,
    data_dir=None,
    shuffle=True,
    seed=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """Batches of quatrains as character ids (`load_poems`, `text_dataset`).

    The vocabulary is the training poems' (`load_poems(form).vocabulary`),
    for both splits.

    Args:
        form: `"5x4"` or `"7x4"`.
        split: `"train"` or `"test"` (the fixed held-out tenth).
        batch_size: int. Defaults to `64`.
        data_dir: str or `None`: the unpacked `chinese-poetry` package.
        shuffle, seed, first_epoch, steps_per_epoch: as `text_dataset`.

    Returns:
        A `tf.data.Dataset` of int32 `(batch, 20)` (`"7x4"`: 28).

    Example:

        >>> ids = next(iter(keras_gans.data.poems(batch_size=2)))
        >>> ids.shape
        TensorShape([2, 20])
    """
    check_choice("split", split, ("train", "test"))
    loaded = load_poems(form, data_dir)
    return _split_dataset(loaded, split, batch_size, shuffle, seed, first_epoch, steps_per_epoch)


def text_folder(
    directory,
    unit="line",
    length=64,
    split="train",
    batch_size=64,
    shuffle=True,
    seed=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """Batches of a folder's texts as character ids (`load_text_folder`,
    `text_dataset`), as `poems` gives the quatrains.

    The vocabulary is the training texts' (`load_text_folder(...).vocabulary`),
    for both splits.

    Args:
        directory, unit, length: as `load_text_folder`.
        split: `"train"` or `"test"` (the fixed held-out tenth).
        batch_size, shuffle, seed, first_epoch, steps_per_epoch: as
            `text_dataset`.

    Returns:
        A `tf.data.Dataset` of int32 `(batch, length)`.
    """
    check_choice("split", split, ("train", "test"))
    loaded = load_text_folder(directory, unit, length)
    return _split_dataset(loaded, split, batch_size, shuffle, seed, first_epoch, steps_per_epoch)


def _split_dataset(loaded, split, *stream):
    """`text_dataset` of a `TextSet`'s `split`, with its training vocabulary."""
    texts = loaded.train if split == "train" else loaded.test
    return text_dataset(texts, loaded.vocabulary, loaded.length, *stream)
