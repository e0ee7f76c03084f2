"""Differentiable augmentation for the discriminator's inputs (DiffAugment).

Zhao et al., 2020, "Differentiable Augmentation for Data-Efficient GAN
Training": the discriminator sees real *and* generated images through the
same random translation, cutout and colour changes, and the generator's
gradient flows back through them. Because both sides are augmented alike,
the generator does not learn to draw the augmentations.
"""

import keras
import tensorflow as tf

from keras_gans.saving import SavesSeedState
from keras_gans.saving import register_serializable

POLICIES = ("translation", "cutout", "color")


@register_serializable
class DiffAugment(SavesSeedState, keras.layers.Layer):
    """Random translation, cutout and colour changes, differentiable in the images.

    Every image of a batch gets its own random draw. Images are expected in
    `[-1, 1]`; the output keeps the input's shape and dtype. Applied only
    when called with `training=True` (as `GAN.train_step` does); inference
    calls return the input unchanged.

    Args:
        policy: str or list of str. Any of `"translation"` (shift by up to
            `translation_ratio` of the size, zero padding), `"cutout"` (zero
            a square of `cutout_ratio` of the size at a random place) and
            `"color"` (random brightness, saturation and contrast). A string
            may list several, comma-separated. Defaults to all three.
        translation_ratio: float. Largest shift, as a fraction of the image
            size. Defaults to `0.125` (the paper's value).
        cutout_ratio: float. Cutout square side, as a fraction of the image
            size. Defaults to `0.5` (the paper's value).
        seed: int or `None`. Seed of the random draws.
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    >>> gan.compile(..., augment=keras_gans.augment.DiffAugment("translation,cutout"))
    """

    def __init__(
        self, policy=POLICIES, translation_ratio=0.125, cutout_ratio=0.5, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        if isinstance(policy, str):
            policy = [p.strip() for p in policy.split(",") if p.strip()]
        policy = tuple(policy)
        unknown = [p for p in policy if p not in POLICIES]
        if unknown or not policy:
            raise ValueError(
                f"Unknown DiffAugment policy {unknown or policy!r}. Use any of "
                f"{', '.join(POLICIES)} (e.g. 'translation,cutout,color')."
            )
        for name, value in (
            ("translation_ratio", translation_ratio),
            ("cutout_ratio", cutout_ratio),
        ):
            if not 0.0 < value < 1.0:
                raise ValueError(f"`{name}` must be in (0, 1). Received: {name}={value!r}")
        self.policy = policy
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="diff_augment")

    def call(self, images, training=False):
        if not training:
            return images
        x = tf.convert_to_tensor(images)
        for name in self.policy:
            x = getattr(self, f"_{name}")(x)
        return x

    def _uniform(self, shape):
        return keras.random.uniform(shape, dtype="float32", seed=self.seed_generator)

    def _randint(self, shape, maxval):
        return keras.random.randint(shape, 0, maxval, dtype="int32", seed=self.seed_generator)

    def _color(self, x):
        batch = tf.shape(x)[0]
        dtype = x.dtype
        shape = tf.stack([batch, 1, 1, 1])
        x = x + tf.cast(self._uniform(shape) - 0.5, dtype)
        channel_mean = tf.reduce_mean(x, axis=3, keepdims=True)
        x = (x - channel_mean) * tf.cast(self._uniform(shape) * 2.0, dtype) + channel_mean
        image_mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        return (x - image_mean) * tf.cast(self._uniform(shape) + 0.5, dtype) + image_mean

    def _translation(self, x):
        # Gathers rows, then columns, of the zero-padded images at
        # per-example offsets: the output is a selection of input values, so
        # its gradient reaches the input.
        height, width = x.shape[1], x.shape[2]
        batch = tf.shape(x)[0]
        pad_h = max(1, int(height * self.translation_ratio + 0.5))
        pad_w = max(1, int(width * self.translation_ratio + 0.5))
        shift_h = self._randint([batch], 2 * pad_h + 1)
        shift_w = self._randint([batch], 2 * pad_w + 1)
        padded = tf.pad(x, [[0, 0], [pad_h, pad_h], [pad_w, pad_w], [0, 0]])
        rows = tf.range(height)[None, :] + shift_h[:, None]
        cols = tf.range(width)[None, :] + shift_w[:, None]
        x = tf.gather(padded, rows, axis=1, batch_dims=1)
        return tf.gather(x, cols, axis=2, batch_dims=1)

    def _cutout(self, x):
        height, width = x.shape[1], x.shape[2]
        batch = tf.shape(x)[0]
        size_h = int(height * self.cutout_ratio + 0.5)
        size_w = int(width * self.cutout_ratio + 0.5)
        center_h = self._randint([batch], height + (1 - size_h % 2))
        center_w = self._randint([batch], width + (1 - size_w % 2))
        rows = tf.range(height)[None, :] - center_h[:, None] + size_h // 2
        cols = tf.range(width)[None, :] - center_w[:, None] + size_w // 2
        inside_rows = (rows >= 0) & (rows < size_h)
        inside_cols = (cols >= 0) & (cols < size_w)
        cut = inside_rows[:, :, None] & inside_cols[:, None, :]
        return x * tf.cast(~cut, x.dtype)[..., None]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "policy": list(self.policy),
                "translation_ratio": self.translation_ratio,
                "cutout_ratio": self.cutout_ratio,
                "seed": self.seed,
            }
        )
        return config


def get(identifier):
    """Returns a `DiffAugment` from `None`, a policy string, a config or a layer."""
    if identifier is None or isinstance(identifier, keras.layers.Layer):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, (str, list, tuple)):
        return DiffAugment(identifier)
    raise TypeError(
        "`augment` must be None, a DiffAugment policy such as "
        f"'translation,cutout,color', or a Keras layer. Received: {identifier!r}"
    )
