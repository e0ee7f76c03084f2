"""Differentiable augmentation for the discriminator's inputs (DiffAugment).

Zhao et al., 2020, "Differentiable Augmentation for Data-Efficient GAN
Training": the discriminator sees real *and* generated images through the
same random translation, cutout and colour changes, and the generator's
gradient flows back through them. Because both sides are augmented alike,
the generator does not learn to draw the augmentations.
"""

import keras
import tensorflow as tf

from keras_gans.utils.saving import SavesSeedState
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_fraction
from keras_gans.utils.validation import check_positive_int

__all__ = ["AdaptiveAugment", "DiffAugment", "POLICIES", "PROBABILITY_METRIC", "get"]

# The metric name under which models log the ADA probability `p`.
PROBABILITY_METRIC = "augment_p"
POLICIES = ("translation", "cutout", "color")


@register_serializable
class DiffAugment(SavesSeedState, keras.layers.Layer):
    """Random translation, cutout and colour changes, differentiable in the images.

    Every image of a batch gets its own random draw. Images are expected in
    `[-1, 1]`; the output keeps the input's shape and dtype. Clips,
    `(batch, frames, height, width, channels)`, get one draw per clip, the
    same for all its frames, so the augmentation never looks like motion.
    Applied only when called with `training=True` (as `GAN.train_step`
    does); inference calls return the input unchanged.

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
            x = self._augmented(name, x)
        return x

    def _augmented(self, name, x):
        """`x` through one policy; a clip's frames all alike."""
        augment = getattr(self, f"_{name}")
        if x.shape.rank != 5 or name == "color":  # colour: rank-generic
            return augment(x)
        # Frames folded into channels: one spatial draw moves them together.
        _, frames, height, width, channels = x.shape
        folded = tf.transpose(x, [0, 2, 3, 1, 4])
        folded = tf.reshape(folded, [-1, height, width, frames * channels])
        out = tf.reshape(augment(folded), [-1, height, width, frames, channels])
        return tf.transpose(out, [0, 3, 1, 2, 4])

    def _per_example(self, x):
        """The shape `[batch, 1, ..., 1]` of one draw per image or clip of `x`."""
        return tf.concat([tf.shape(x)[:1], tf.ones([x.shape.rank - 1], tf.int32)], axis=0)

    def _uniform(self, shape):
        return keras.random.uniform(shape, dtype="float32", seed=self.seed_generator)

    def _randint(self, shape, maxval):
        return keras.random.randint(shape, 0, maxval, dtype="int32", seed=self.seed_generator)

    def _color(self, x):
        dtype = x.dtype
        shape = self._per_example(x)
        x = x + tf.cast(self._uniform(shape) - 0.5, dtype)
        channel_mean = tf.reduce_mean(x, axis=-1, keepdims=True)
        x = (x - channel_mean) * tf.cast(self._uniform(shape) * 2.0, dtype) + channel_mean
        image_mean = tf.reduce_mean(x, axis=list(range(1, x.shape.rank)), keepdims=True)
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


@register_serializable
class AdaptiveAugment(DiffAugment):
    """DiffAugment applied with an adaptive probability (ADA, Karras et al., 2020).

    Each image gets each augmentation with probability `p`. `p` starts at
    `initial_probability` and follows the discriminator's overfitting: the
    model reports its outputs on real images through `observe`, and every
    `interval` reports the mean of `sign(D(real))`, `r_t`, moves `p` up when
    it exceeds `target` (the discriminator is too sure of the real images:
    it memorizes them) and down otherwise, by `images / speed_images` for the
    images seen since the last adjustment. `p` is a layer weight: `.keras`
    files and `BackupAndRestore` keep it, so a resumed run goes on from the
    `p` it had (StyleGAN2-ADA issue #106). Models log it as `augment_p`.

    Args:
        policy: as in `DiffAugment`. Defaults to all three.
        target: float. The `r_t` to hold. Defaults to `0.6` (the paper's).
        interval: int. Discriminator updates between adjustments.
            Defaults to `4` (the paper's).
        speed_images: int. Images over which `p` can go from 0 to 1.
            Defaults to `20_000`: the paper's 500,000 suits runs of millions
            of images; CPU runs here see about a hundred thousand.
        initial_probability: float. Defaults to `0.0`.
        translation_ratio: as in `DiffAugment`.
        cutout_ratio: as in `DiffAugment`.
        seed: as in `DiffAugment`.
        **kwargs: as in `DiffAugment`.

    Example:

        >>> gan.compile(..., augment="ada")  # or AdaptiveAugment(target=0.6)
    """

    def __init__(
        self,
        policy=POLICIES,
        target=0.6,
        interval=4,
        speed_images=20_000,
        initial_probability=0.0,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        seed=None,
        **kwargs,
    ):
        super().__init__(policy, translation_ratio, cutout_ratio, seed, **kwargs)
        if not 0.0 < target < 1.0:
            raise ValueError(f"`target` must be in (0, 1). Received: target={target!r}")
        check_positive_int("interval", interval)
        check_positive_int("speed_images", speed_images)
        self.target = float(target)
        self.interval = interval
        self.speed_images = speed_images
        self.initial_probability = check_fraction("initial_probability", initial_probability)
        state = dict(shape=(), trainable=False, aggregation="mean")
        self.probability = self.add_weight(
            initializer=keras.initializers.Constant(self.initial_probability),
            name="probability",
            **state,
        )
        self.sign_sum = self.add_weight(initializer="zeros", name="sign_sum", **state)
        self.images_seen = self.add_weight(initializer="zeros", name="images_seen", **state)
        self.observations = self.add_weight(initializer="zeros", name="observations", **state)

    def call(self, images, training=False):
        if not training:
            return images
        x = tf.convert_to_tensor(images)
        p = tf.cast(self.probability, "float32")
        for name in self.policy:
            apply = self._uniform(self._per_example(x)) < p
            x = tf.where(apply, self._augmented(name, x), x)
        return x

    def observe(self, real_output):
        """Takes the discriminator's outputs on (augmented) real images; every
        `interval` calls, moves `probability` toward holding `target`."""
        output = tf.cast(real_output, "float32")
        per_image = tf.reshape(output, [tf.shape(output)[0], -1])
        signs = tf.reduce_mean(tf.sign(per_image), axis=1)
        self.sign_sum.assign_add(tf.reduce_sum(signs))
        self.images_seen.assign_add(tf.cast(tf.size(signs), "float32"))
        self.observations.assign_add(1.0)

        def adjust():
            overfit = self.sign_sum / tf.maximum(self.images_seen, 1.0)
            step = tf.sign(overfit - self.target) * self.images_seen / self.speed_images
            self.probability.assign(tf.clip_by_value(self.probability + step, 0.0, 1.0))
            self.sign_sum.assign(0.0)
            self.images_seen.assign(0.0)
            return tf.constant(True)

        tf.cond(
            tf.equal(tf.math.floormod(self.observations, self.interval), 0.0),
            adjust,
            lambda: tf.constant(False),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "target": self.target,
                "interval": self.interval,
                "speed_images": self.speed_images,
                "initial_probability": self.initial_probability,
            }
        )
        return config


def get(identifier):
    """Returns an augmentation layer from `None`, a name, a config or a layer.

    Strings: `"ada"` (`AdaptiveAugment` with every policy), `"ada:<policy>"`
    (e.g. `"ada:translation,cutout"`), a DiffAugment policy such as
    `"translation,cutout,color"`, or `"none"` (no augmentation, `None`).
    """
    if identifier is None or isinstance(identifier, keras.layers.Layer):
        return identifier
    if isinstance(identifier, str) and identifier.strip().lower() in ("", "none"):
        return None
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str) and identifier.strip().lower().split(":")[0] == "ada":
        policy = identifier.partition(":")[2].strip()
        return AdaptiveAugment(policy or POLICIES)
    if isinstance(identifier, (str, list, tuple)):
        return DiffAugment(identifier)
    raise TypeError(
        "`augment` must be None, a DiffAugment policy such as "
        f"'translation,cutout,color', or a Keras layer. Received: {identifier!r}"
    )
