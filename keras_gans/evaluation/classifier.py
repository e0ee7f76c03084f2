"""The classifiers whose features the evaluator measures.

The project trains them itself (`python -m keras_gans.evaluation.train_classifier`):
on MNIST or Fashion-MNIST from the same pipeline the GANs use, or on any
folder with one subfolder per class, so evaluation needs no download. One is
saved as `<dir>/metadata.json`, which records its test accuracy, the name of
its weights file (`classifier.<hash>.weights.h5`; `classifier.weights.h5` in
folders written earlier) and that file's SHA-256; `load_classifier` refuses a
weights file whose hash does not match. The
MNIST and Fashion-MNIST classifiers ship inside the package
(`keras_gans/assets/`), so evaluation works from any directory.
"""

import contextlib
import importlib.resources
import json
import os
import re
import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from keras import ops

from keras_gans import data
from keras_gans.data import folders
from keras_gans.data.audio import AUDIO_EXTENSIONS
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings
from keras_gans.data.transforms import to_model_range
from keras_gans.utils.files import write_json
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.saving import sha256_of

# The weights file of folders written before `save_classifier` named it by
# its hash (the packaged classifiers'); `metadata.json`'s `weights_file` says.
WEIGHTS_FILE = "classifier.weights.h5"
WEIGHTS_ENDING = ".weights.h5"
_WEIGHTS_NAME = re.compile(r"classifier(\.[0-9a-f]{16})?\.weights\.h5")
METADATA_FILE = "metadata.json"
FEATURE_LAYER = "features"
CLASSIFIER_DIR_VARIABLE = "KERAS_GANS_CLASSIFIER_DIR"


def packaged_classifier_dir(dataset="mnist"):
    """The classifier shipped inside the package, `keras_gans/assets/<dataset>_classifier`.

    Read with `importlib.resources`, so it is found wherever the package is
    installed (a wheel in site-packages, or the checkout).
    """
    return str(importlib.resources.files("keras_gans") / "assets" / f"{dataset}_classifier")


def default_classifier_dir(dataset="mnist"):
    """Where the evaluation classifier of `dataset` is read from when none is
    passed: `$KERAS_GANS_CLASSIFIER_DIR` if set, else the packaged one
    (`packaged_classifier_dir`)."""
    return os.environ.get(CLASSIFIER_DIR_VARIABLE) or packaged_classifier_dir(dataset)


def image_classifier(
    input_shape=(28, 28, 1), num_classes=10, feature_dim=128, dropout=0.3, name="image_classifier"
):
    """Builds an evaluation CNN for images in [-1, 1] of any size.

    Blocks of two 3×3 convolutions and 2×2 max pooling (32 filters, doubling
    per block up to 256), one block per halving until the shorter side is at
    most 7 (28×28: two blocks, 64×64: four), then a dense ReLU layer named
    `"features"` (`feature_dim` wide) whose activations the Fréchet distance,
    KID, precision/recall and density/coverage use, then `num_classes`
    logits. At 28×28×1 this is exactly the committed MNIST and
    Fashion-MNIST classifiers' network.
    """
    height, width, _ = input_shape
    images = keras.Input(tuple(input_shape), name="images")
    x = images
    block = 0
    while min(height, width) > 7 and min(height, width) % 2 == 0 or block == 0:
        filters = min(32 * 2**block, 256)
        for i in range(2):
            x = layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=f"conv{block}_{i}"
            )(x)
        x = layers.MaxPooling2D(name=f"pool{block}")(x)
        height, width, block = height // 2, width // 2, block + 1
    return keras.Model(images, _head(x, num_classes, feature_dim, dropout), name=name)


def _head(x, num_classes, feature_dim, dropout):
    """Flatten, a dense ReLU layer named `"features"`, then the logits."""
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout_0")(x)
    features = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(dropout, name="dropout_1")(features)
    return layers.Dense(num_classes, name="logits")(x)


# Log-mel magnitudes run from log(1e-5) = -11.5 to about 4: this maps them
# to about [-1, 1] for the convolutions.
_LOG_MEL_CENTRE, _LOG_MEL_HALF_RANGE = -3.5, 7.5


def audio_classifier(
    clip_samples=16384,
    sample_rate=16000,
    num_classes=10,
    feature_dim=128,
    dropout=0.3,
    name="audio_classifier",
):
    """Builds an evaluation CNN for clips in [-1, 1]: their log-mel spectrogram
    (`keras_gans.data.LogMelSpectrogram`, 80 bands), then blocks of two 3×3
    convolutions and 2×2 max pooling (32 filters, doubling up to 256) until
    the spectrogram is at most 8 frames or bands, then the same `"features"`
    layer and logits as `image_classifier`.
    """
    audio = keras.Input((clip_samples,), name="audio")
    settings = MelSettings(sample_rate=sample_rate)
    x = LogMelSpectrogram(settings, name="log_mel")(audio)
    x = layers.Rescaling(
        1 / _LOG_MEL_HALF_RANGE, offset=-_LOG_MEL_CENTRE / _LOG_MEL_HALF_RANGE, name="scale"
    )(x)
    frames, bands = settings.frames(clip_samples), settings.num_mel_bins
    x = layers.Reshape((frames, bands, 1), name="spectrogram")(x)
    block = 0
    while min(frames, bands) > 8 or block == 0:
        filters = min(32 * 2**block, 256)
        for i in range(2):
            x = layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=f"conv{block}_{i}"
            )(x)
        x = layers.MaxPooling2D(padding="same", name=f"pool{block}")(x)
        frames, bands, block = -(-frames // 2), -(-bands // 2), block + 1
    return keras.Model(audio, _head(x, num_classes, feature_dim, dropout), name=name)


@register_serializable
class TimeDifferences(layers.Layer):
    """`[batch, time, d] -> [batch, time, d]`: each step minus the one
    before it (zero at the first), so a clip network sees change directly:
    none in a still clip, jumps in a shuffled one."""

    def call(self, x):
        return ops.concatenate([ops.zeros_like(x[:, :1]), x[:, 1:] - x[:, :-1]], axis=1)


@register_serializable
class StopGradient(layers.Layer):
    """Its input, through which no gradient flows back: a head that reads
    features without teaching them."""

    def call(self, x):
        return ops.stop_gradient(x)


def clip_classifier(
    frame_size=32, num_classes=10, feature_dim=128, tracked_digits=True, name="clip_classifier"
):
    """Builds the evaluation network for clips of digits, in [-1, 1].

    Each frame goes through the same small CNN (a 3×3 convolution, or at 64
    px and more a 5×5 one of stride 2, then 4×4 ones of stride 2 down to
    4×4, 32 filters doubling, a 3×3 one at 1/4 size, then a dense ReLU
    layer `"frame_features"` on the maps both max-pooled and in place:
    cheap enough for every frame of every clip), which
    names the digits it sees (`"frame_digits"`:
    one logit per class, several may be on). A second small CNN per frame
    says where the ink is (`"where_features"`). Two temporal convolutions
    over both and their changes from frame to frame (`TimeDifferences`),
    averaged over time, give the clip's features
    (`"features"`), from which it names the clip's digits (`"clip_digits"`)
    and says whether its frames are in their real order (`"in_order"`: not
    shuffled, not one frame held still). With `tracked_digits`, a fourth
    head names each frame's digits again from its frame and up to 7 either
    side (`"tracked_digits"`: three dilated temporal convolutions over the
    frame features, which it reads without teaching): where two digits cross
    and one frame alone is ambiguous, their neighbours say which they are,
    while a digit that changes into another still changes its frames' names
    (the head learns on clips cut and finished by another).

    Args:
        frame_size: int. Side of the square, single-channel frames.
            Defaults to `32`.
        num_classes: int. Digit classes. Defaults to `10`.
        feature_dim: int. Width of the frame and clip features. Defaults to `128`.
        tracked_digits: bool. Add the `"tracked_digits"` head (networks
            saved before it existed load without). Defaults to `True`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from clips `(batch, frames, frame_size,
        frame_size, 1)`, any number of frames from 3, to the dict of logits
        `{"frame_digits": (batch, frames, num_classes), "in_order": (batch,
        1), "clip_digits": (batch, num_classes)}` (and `"tracked_digits":
        (batch, frames, num_classes)`).
    """
    frame = keras.Input((frame_size, frame_size, 1), name="frame")
    # Digits are 14 px at 32 px: a full-size layer first keeps their strokes.
    # At 64 px and more they are 28 px (MNIST's own size): a wider, strided
    # first layer reads the strokes at full size and leaves the rest of the
    # network the cost of a 32 px one.
    stride = max(1, frame_size // 32)
    x = layers.Conv2D(
        32,
        3 if stride == 1 else 2 * stride + 1,
        strides=stride,
        padding="same",
        activation="relu",
        name="conv_in",
    )(frame)
    size, block = -(-frame_size // stride), 0  # 'same' padding rounds up
    while size > 4 and size % 2 == 0:
        x = layers.Conv2D(
            32 * 2**block, 4, strides=2, padding="same", activation="relu", name=f"conv{block}"
        )(x)
        if block == 1:
            x = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv1_3x3")(x)
        size, block = size // 2, block + 1
    # What the digits are, wherever they stand (the pooled maps), and where
    # they stand (the maps in place), for the motion.
    x = layers.Concatenate(name="pooled_and_in_place")(
        [layers.GlobalMaxPooling2D(name="pooled")(x), layers.Flatten(name="in_place")(x)]
    )
    frame_features = layers.Dense(feature_dim, activation="relu", name="frame_features")(x)
    encoder = keras.Model(frame, frame_features, name="frame_encoder")
    # Where the ink is, apart from what the digits are: taught by the clips'
    # order only, so the digit heads cannot pool it away.
    x, size, stage = frame, frame_size, 0
    while size > 8 and size % 2 == 0:
        x = layers.Conv2D(
            min(16 * 2**stage, 32),
            4,
            strides=2,
            padding="same",
            activation="relu",
            name=f"where{stage}",
        )(x)
        size, stage = size // 2, stage + 1
    where = layers.Dense(64, activation="relu", name="where_features")(layers.Flatten()(x))
    locator = keras.Model(frame, where, name="frame_locator")

    clips = keras.Input((None, frame_size, frame_size, 1), name="clips")
    per_frame = layers.TimeDistributed(encoder, name="frames")(clips)
    frame_digits = layers.TimeDistributed(layers.Dense(num_classes), name="frame_digits")(per_frame)
    located = layers.TimeDistributed(locator, name="located")(clips)
    # The clip heads read the digit features but leave them to the digit
    # head: telling the order apart is learnt first and would take them over.
    what = StopGradient(name="digits_as_they_are")(per_frame)
    steps = layers.Concatenate(name="what_and_where")([what, located])
    x = layers.Concatenate(name="with_changes")([steps, TimeDifferences(name="changes")(steps)])
    for i in range(2):
        x = layers.Conv1D(feature_dim, 3, padding="same", activation="relu", name=f"time_conv{i}")(
            x
        )
    x = layers.GlobalAveragePooling1D(name="over_time")(x)
    features = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    outputs = {
        "frame_digits": frame_digits,
        "in_order": layers.Dense(1, name="in_order")(features),
        "clip_digits": layers.Dense(num_classes, name="clip_digits")(features),
    }
    if tracked_digits:
        x = StopGradient(name="frames_as_they_are")(per_frame)
        # Dilated 1, 2, 4: 7 frames either side, past the crossings that last
        # (two digits can overlap for several frames).
        for i in range(3):
            x = layers.Conv1D(
                feature_dim,
                3,
                padding="same",
                dilation_rate=2**i,
                activation="relu",
                name=f"track_conv{i}",
            )(x)
        outputs["tracked_digits"] = layers.Dense(num_classes, name="tracked_digits")(x)
    return keras.Model(clips, outputs, name=name)


def classifier_network(metadata):
    """The untrained network a classifier's `metadata.json` describes."""
    options = dict(
        num_classes=metadata.get("num_classes", 10), feature_dim=metadata.get("feature_dim", 128)
    )
    if metadata.get("input") == "audio":
        return audio_classifier(metadata["clip_samples"], metadata["sample_rate"], **options)
    if metadata.get("input") == "clips":
        return clip_classifier(
            metadata["input_shape"][1],
            tracked_digits="tracked_digits_accuracy" in metadata,
            **options,
        )
    return image_classifier(tuple(metadata.get("input_shape", (28, 28, 1))), **options)


def mnist_classifier(num_classes=10, feature_dim=128, dropout=0.3, name="mnist_classifier"):
    """The evaluation CNN for 28×28×1 images: `image_classifier` at that size."""
    return image_classifier((28, 28, 1), num_classes, feature_dim, dropout, name)


class Classifier:
    """A loaded evaluation classifier and its metadata.

    Attributes:
        model: the `keras.Model` (images in [-1, 1] -> logits).
        metadata: dict from `metadata.json` (test accuracy, hash, ...).
        feature_model: `keras.Model` from images to `(features, probabilities)`.
    """

    def __init__(self, model, metadata):
        self.model = model
        self.metadata = metadata
        probabilities = layers.Softmax(name="probabilities")(model.output)
        self.feature_model = keras.Model(
            model.input, [model.get_layer(FEATURE_LAYER).output, probabilities]
        )

    @property
    def feature_dim(self):
        return self.model.get_layer(FEATURE_LAYER).units

    @property
    def input_shape(self):
        """`(height, width, channels)` the network takes; `(samples,)` for clips."""
        return tuple(self.model.input_shape[1:])

    @property
    def is_audio(self):
        return self.metadata.get("input") == "audio"

    @property
    def name(self):
        """What produced the features: the training data and the weights' hash."""
        dataset, digest = self.metadata.get("dataset", "?"), self.metadata.get("sha256", "?")
        return f"classifier:{dataset}:{digest[:12]}"

    def prepare(self, images):
        """Images in [-1, 1] at the network's size (see `evaluator.to_model_range`),
        or clips `(n, samples)` in [-1, 1] of the network's length."""
        if not self.is_audio:
            return to_model_range(images, self.input_shape)
        clips = np.asarray(images, np.float32)
        if clips.ndim != 2 or clips.shape[1:] != self.input_shape:
            raise ValueError(
                f"This classifier takes clips of shape (n, {self.input_shape[0]}) "
                f"({self.input_shape[0]} samples at {self.metadata['sample_rate']} Hz). "
                f"Received shape {clips.shape}."
            )
        return np.clip(clips, -1.0, 1.0)

    def read_folder(self, directory):
        """The examples of a folder (class subfolders pooled) as this network
        takes them: images at its size, or clips at its rate and length."""
        if self.is_audio:
            rate = self.metadata["sample_rate"]
            seconds = self.input_shape[0] / rate
            return data.load_audio_folder(directory, rate, seconds, labels=None).audio
        height, width, channels = self.input_shape
        return data.load_image_folder(
            directory, image_size=(height, width), channels=channels, labels=None
        ).images

    def folder_files(self, directory):
        """The files `read_folder` reads, in order (for fingerprints)."""
        if self.is_audio:
            return folders.find_files(directory, AUDIO_EXTENSIONS, "audio", labels=None)[0]
        return data.find_images(directory, labels=None)[0]

    def predict(self, images, batch_size=500):
        """Returns `(features, probabilities)` as NumPy arrays."""
        features, probs = self.feature_model.predict(images, batch_size=batch_size, verbose=0)
        return features, probs


class ClipClassifier:
    """A loaded clip network (`clip_classifier`) and its metadata.

    Attributes:
        model: the `keras.Model` (clips in [-1, 1] -> the dict of logits).
        metadata: dict from `metadata.json` (test accuracies, hash, ...).
    """

    def __init__(self, model, metadata):
        self.model = model
        self.metadata = metadata
        probabilities = {
            key: layers.Activation("sigmoid")(logits) for key, logits in model.output.items()
        }
        self.feature_model = keras.Model(
            model.input,
            {
                **probabilities,
                "frame_features": model.get_layer("frames").output,
                "features": model.get_layer(FEATURE_LAYER).output,
            },
        )

    @property
    def frame_size(self):
        return self.model.input_shape[2]

    @property
    def name(self):
        """What produced the features: the training data and the weights' hash."""
        digest = self.metadata.get("sha256", "?")
        return f"clip_classifier:{self.metadata.get('dataset', '?')}:{digest[:12]}"

    def prepare(self, clips):
        """Clips `(n, frames, h, w, c)`, uint8 or in [-1, 1], as the network
        takes them: grey, `frame_size` square (area-resized), in [-1, 1]."""
        clips = np.asarray(clips)
        if clips.ndim != 5 or clips.shape[1] < 3:
            raise ValueError(
                "Expected clips of shape (n, frames, height, width, channels) with at least 3 "
                f"frames. Received shape {clips.shape}."
            )
        if clips.dtype == np.uint8:
            clips = clips.astype(np.float32) / 127.5 - 1.0
        grey = np.clip(clips.astype(np.float32), -1.0, 1.0).mean(axis=-1, keepdims=True)
        n, frames, height, width, _ = grey.shape
        if (height, width) != (self.frame_size, self.frame_size):
            frames_first = grey.reshape(n * frames, height, width, 1)
            size = (self.frame_size, self.frame_size)
            resized = tf.image.resize(frames_first, size, method="area").numpy()
            grey = resized.reshape(n, frames, *size, 1)
        return grey

    def predict(self, clips, batch_size=64):
        """The network's view of `clips` (see `prepare`), as NumPy arrays:
        `frame_features` `(n, frames, d)`, `frame_digits` `(n, frames,
        classes)`, `clip_digits` `(n, classes)` and `in_order` `(n,)`
        probabilities, `features` `(n, d)`; `tracked_digits` `(n, frames,
        classes)` probabilities where the network has that head."""
        clips = self.prepare(clips)
        found = predict_clips(self.feature_model, clips, batch_size)
        return {**found, "in_order": found["in_order"][:, 0]}


def predict_clips(model, clips, batch_size):
    """`model.predict(clips)` through a traced function of their length.

    Keras's `TimeDistributed` (3.15) maps over the batch size instead of
    the frames once a traced function has seen a second clip length (the
    time axis unknown): an index error, or silently wrong frames. So each
    length keeps a function of its own."""
    functions = model.__dict__.setdefault("_predict_function_of_length", {})
    model.predict_function = functions.get(clips.shape[1])
    found = model.predict(clips, batch_size=batch_size, verbose=0)
    functions[clips.shape[1]] = model.predict_function
    return found


def save_classifier(model, directory, metadata):
    """Writes the weights and `metadata.json` (with the weights' SHA-256).

    `metadata.json` is the commit point. The weights are written under a
    temporary name, then moved to a name of their own hash (`classifier.<sha256[:16]>
    .weights.h5`, recorded as `weights_file`); `metadata.json` is written
    atomically after them, and only then is the file the old metadata named
    removed. A crash at any moment leaves the old pair or the new pair
    loadable (at worst with an unused weights file beside it); a fixed file
    name would pair new weights with the old hash in between.

    Returns:
        The metadata written.
    """
    os.makedirs(directory, exist_ok=True)
    # A compiled model's weights file also holds its optimizer state; the
    # evaluator needs the network only (a third of the size).
    # A clip network has three heads; its classes are its clips' digits.
    is_clips = metadata.get("input") == "clips"
    metadata = dict(
        metadata,
        num_classes=model.get_layer("clip_digits").units if is_clips else model.output_shape[-1],
        feature_dim=model.get_layer(FEATURE_LAYER).units,
        input_shape=list(model.input_shape[1:]),
    )
    clean = classifier_network(metadata)
    clean.set_weights(model.get_weights())
    previous = _weights_name(_read_metadata(directory))
    # The name comes from the bytes, so they are written in a scratch folder
    # beside it (removed on any error) and moved into place whole.
    with tempfile.TemporaryDirectory(prefix=".classifier.", dir=directory) as scratch:
        tmp = os.path.join(scratch, WEIGHTS_FILE)  # Keras wants the ".weights.h5" ending
        clean.save_weights(tmp)
        digest = sha256_of(tmp)
        name = f"classifier.{digest[:16]}{WEIGHTS_ENDING}"
        os.replace(tmp, os.path.join(directory, name))
    metadata = dict(metadata, sha256=digest, weights_file=name, feature_layer=FEATURE_LAYER)
    write_json(os.path.join(directory, METADATA_FILE), metadata)
    # Only a weights file this function wrote, never another file the old
    # metadata.json happened to name.
    if previous != name and previous is not None and _WEIGHTS_NAME.fullmatch(previous):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(directory, previous))
    return metadata


def _read_metadata(directory):
    """A classifier folder's `metadata.json` as a dict, or `None` when it
    is missing or unreadable."""
    try:
        with open(os.path.join(directory, METADATA_FILE)) as f:
            metadata = json.load(f)
    except (OSError, ValueError):
        return None
    return metadata if isinstance(metadata, dict) else None


def _weights_name(metadata):
    """The weights file `metadata` names (folders written before
    `weights_file` existed: `WEIGHTS_FILE`), a plain name in the folder;
    `None` without metadata."""
    if metadata is None:
        return None
    return os.path.basename(str(metadata.get("weights_file") or WEIGHTS_FILE))


def load_classifier(directory=None, verify=True):
    """Loads the evaluation classifier, checking the weights' SHA-256.

    Args:
        directory: str. Defaults to `default_classifier_dir()`.
        verify: bool. Check the hash recorded in `metadata.json`. Defaults
            to `True`.

    Returns:
        A `Classifier`.

    Raises:
        FileNotFoundError: when the directory or its files are missing.
        ValueError: when the weights file does not match its recorded hash.
    """
    directory = str(directory or default_classifier_dir())
    meta_path = os.path.join(directory, METADATA_FILE)
    weights = None
    if os.path.isfile(meta_path):
        with open(meta_path) as f:
            metadata = json.load(f)
        weights = os.path.join(directory, _weights_name(metadata))
    if weights is None or not os.path.isfile(weights):
        raise FileNotFoundError(
            f"No evaluation classifier in {directory} (expected {METADATA_FILE} and the "
            f"weights file it names, {WEIGHTS_FILE} in older folders). Train one with "
            "`python -m keras_gans.evaluation.train_classifier`."
        )
    if verify:
        actual = sha256_of(weights)
        if actual != metadata.get("sha256"):
            raise ValueError(
                f"{weights} has SHA-256 {actual} but {meta_path} records "
                f"{metadata.get('sha256')}: the weights were changed or corrupted, "
                "so metrics computed with them would not be comparable. Restore the "
                "file (git checkout) or retrain with "
                "`python -m keras_gans.evaluation.train_classifier`."
            )
    model = classifier_network(metadata)
    model.load_weights(weights)
    if metadata.get("input") == "clips":
        return ClipClassifier(model, metadata)
    return Classifier(model, metadata)
