"""InceptionV3 features: the extractor behind published FIDs, offline.

FID is the Fréchet distance between 2048-d pooled InceptionV3 features of
real and generated images resized to 299×299. Numbers are comparable only
between evaluations with the same weights and the same resize: the values
reported here name both (`extractor`, `input_resize`), and they are not
bit-identical to pytorch-fid's (other weights port, other resizer).

The weights are never downloaded here: pass the file, or let the evaluator
find the one Keras caches (`~/.keras/models/`) once
`keras.applications.InceptionV3(include_top=False)` has run on a machine
with internet.
"""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.transforms import to_model_range
from keras_gans.evaluation import classifier as classifier_lib

WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
INPUT_SHAPE = (299, 299, 3)


def keras_cached_weights():
    """Where Keras keeps the no-top InceptionV3 weights once downloaded."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "models", WEIGHTS_FILE)


class InceptionExtractor:
    """Pooled InceptionV3 features (2048-d) of images resized to 299×299.

    Args:
        weights: str. The no-top ImageNet weights file
            (`inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`).
            Defaults to the copy Keras caches under `~/.keras/models/`.
        random_weights: bool. Build the network with random weights, for
            testing the mechanics only: its numbers mean nothing and are
            labelled `inception_v3:random-weights`. Defaults to `False`.

    Raises:
        FileNotFoundError: the weights file is missing; the message says how
            to fetch it once on a machine with internet.
    """

    input_shape = INPUT_SHAPE
    num_classes = None  # no class probabilities: no classifier score or class coverage

    def __init__(self, weights=None, random_weights=False):
        if random_weights:
            path, self.name = None, "inception_v3:random-weights"
        else:
            path = weights or keras_cached_weights()
            if not os.path.isfile(path):
                raise FileNotFoundError(
                    f"No InceptionV3 weights at {path}. keras_gans never downloads them during "
                    'an evaluation. On a machine with internet run `python -c "import keras; '
                    'keras.applications.InceptionV3(include_top=False)"`, copy '
                    f"~/.keras/models/{WEIGHTS_FILE} here and pass it with "
                    "--inception_weights=PATH (or put it in ~/.keras/models/)."
                )
            self.name = f"inception_v3:{classifier_lib.sha256_of(path)[:12]}"
        self.metadata = {"weights": path}
        self.model = keras.applications.InceptionV3(
            include_top=False, weights=path, input_shape=INPUT_SHAPE, pooling="avg"
        )

    def prepare(self, images):
        """Images in [-1, 1] at their own size, grey repeated to RGB."""
        images = np.asarray(images)
        channels = images.shape[-1] if images.ndim == 4 else 1
        if channels not in (1, 3):
            raise ValueError(f"InceptionV3 takes grey or RGB images; received {channels} channels.")
        images = to_model_range(images, images.shape[1:3] + (channels,))
        return np.repeat(images, 3, axis=-1) if channels == 1 else images

    def predict(self, images, batch_size=100):
        """Returns `(features, None)`, resizing each batch to 299×299 (bilinear)."""
        batch_size = min(batch_size, 100)  # 299x299x3 floats: 100 images are 107 MB
        chunks = []
        for start in range(0, len(images), batch_size):
            batch = tf.image.resize(images[start : start + batch_size], INPUT_SHAPE[:2])
            chunks.append(self.model(batch, training=False).numpy())
        return np.concatenate(chunks), None
