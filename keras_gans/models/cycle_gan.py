"""`CycleGAN`: unpaired translation both ways (Zhu et al., 2017)."""

import types

import keras
import tensorflow as tf

from keras_gans.models.adversarial_model import per_example_mean
from keras_gans.models.style_transfer_gan import StyleTransferGAN
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_non_negative


class ImagePool:
    """A history of generated images for the discriminator (Shrivastava et
    al., 2017; CycleGAN's pool of 50).

    `query(images)` returns a batch in which each image is, once the pool is
    full, with probability 1/2 an older generated image (which the new one
    replaces in the pool). The pool's variables are made by `build` before
    training (they are a cache, not saved with the model).
    """

    def __init__(self, size, seed=None):
        self.size = size
        self.seed = seed
        self.state = types.SimpleNamespace(images=None, count=None, rng=None)

    def build(self, image_shape, dtype):
        if self.size == 0 or self.state.images is not None:
            return
        self.state.images = tf.Variable(
            tf.zeros([self.size, *image_shape], dtype), trainable=False, name="pool"
        )
        self.state.count = tf.Variable(0, trainable=False, name="pool_count")
        self.state.rng = tf.random.Generator.from_seed(self.seed or 0)

    def query(self, images):
        if self.size == 0 or self.state.images is None:
            return images
        pool, count = self.state.images, self.state.count
        batch = tf.shape(images)[0]
        images = tf.cast(images, pool.dtype)
        full = count >= self.size
        slots = tf.where(
            full,
            self.state.rng.uniform([batch], 0, self.size, tf.int32),
            tf.math.floormod(count + tf.range(batch), self.size),
        )
        swap = tf.logical_and(full, self.state.rng.uniform([batch]) < 0.5)
        older = tf.gather(pool.value(), slots)
        shown = tf.where(swap[:, None, None, None], older, images)
        replace = tf.logical_or(swap, tf.logical_not(full))
        pool.scatter_nd_update(
            tf.boolean_mask(slots, replace)[:, None], tf.boolean_mask(images, replace)
        )
        count.assign(tf.minimum(count + batch, self.size))
        return shown


@register_serializable
class CycleGAN(StyleTransferGAN):
    """Unpaired image-to-image translation in both directions.

    Two generators, `generator` (A → B, e.g. photo → painting) and
    `reverse_generator` (B → A), and two discriminators, `discriminator`
    (on B) and `reverse_discriminator` (on A). Each step: both
    discriminators learn real from generated images (generated ones drawn
    from a history pool, `pool_size`); then both generators minimize their
    adversarial losses plus `cycle_weight` × the cycle loss
    (`|F(G(a)) − a| + |G(F(b)) − b|`, mean absolute) and `identity_weight` ×
    the identity loss (`|G(b) − b| + |F(a) − a|`).

    Batches are `(a, b)` tuples of float images in [-1, 1] of the same shape,
    e.g. `(content, style)` from `keras_gans.data.unpaired_images`. It shares
    `StyleTransferGAN`'s interface: `stylize` runs A → B, `sampling_generator`
    is what the style export ships; `reverse_sampling_generator` is B → A.

    Tracked metrics: `d_loss`, `g_loss`, `adv_loss`, `cycle_loss`,
    `identity_loss` (when its weight is positive), `d_real`, `d_fake` (the
    B-domain discriminator's mean scores).

    Args:
        generator: `keras.Model` A → B (e.g. `keras_gans.models.style_generator`).
        discriminator: `keras.Model` on B images, raw (patch) scores.
        reverse_generator: `keras.Model` B → A.
        reverse_discriminator: `keras.Model` on A images.
        cycle_weight: float. Defaults to `10.0` (the paper's lambda).
        identity_weight: float. Defaults to `5.0` (0.5 × lambda, as the
            paper's photo ↔ painting runs).
        pool_size: int. Generated images kept for the discriminators; `0`
            shows them only the current batch. Defaults to `50`.
        seed: int or `None`.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    gan = kg.CycleGAN(
        kg.networks.style_generator(residual_blocks=6), kg.networks.patchgan_discriminator(),
        kg.networks.style_generator(residual_blocks=6), kg.networks.patchgan_discriminator(),
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # LSGAN loss
    gan.fit(kg.data.unpaired_images("photos/", "paintings/", image_size=128), epochs=1)
    paintings = gan.stylize(photos)
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        reverse_generator,
        reverse_discriminator,
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        seed=None,
        **kwargs,
    ):
        self.cycle_weight = check_non_negative("cycle_weight", cycle_weight)
        self.pool_size = check_int_at_least("pool_size", pool_size, 0)
        for role, model in (
            ("reverse_generator", reverse_generator),
            ("reverse_discriminator", reverse_discriminator),
        ):
            if not isinstance(model, keras.Model):
                raise TypeError(f"`{role}` must be a `keras.Model`. Received: {role}={model!r}")
        super().__init__(
            generator,
            discriminator,
            content_weight=0.0,
            identity_weight=identity_weight,
            seed=seed,
            **kwargs,
        )
        self.reverse_generator = reverse_generator
        self.reverse_discriminator = reverse_discriminator
        self._pools = types.SimpleNamespace(
            a=ImagePool(pool_size, seed), b=ImagePool(pool_size, None if seed is None else seed + 1)
        )

    def tracked_metrics(self):
        names = ["adv_loss", "cycle_loss"]
        if self.identity_weight:
            names.append("identity_loss")
        return tuple(names)

    def generator_networks(self):
        return (self.generator, self.reverse_generator)

    def discriminator_networks(self):
        return (self.discriminator, self.reverse_discriminator)

    @property
    def reverse_sampling_generator(self):
        """The B → A generator to sample and export from (its weight
        average with EMA)."""
        return self._averaged_generator(self.reverse_generator)

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`; builds the history pools for the batches' shape."""
        if self.pool_size:
            if tf.distribute.get_strategy().num_replicas_in_sync > 1 or (
                self.distribute_strategy.num_replicas_in_sync > 1
            ):
                raise ValueError(
                    "The CycleGAN history pool is a single-device cache: use pool_size=0 "
                    "under a multi-replica strategy."
                )
            spec = x.element_spec[0] if isinstance(x, tf.data.Dataset) else None
            shape = tuple(spec.shape[1:]) if spec is not None else tuple(x[0].shape[1:])
            if None in shape:
                raise ValueError(
                    f"The history pool needs images of one fixed size; received shape {shape}. "
                    "Crop or resize to `image_size`, or use pool_size=0."
                )
            for pool in (self._pools.a, self._pools.b):
                pool.build(shape, "float32")
        return super().fit(x, *args, **kwargs)

    # ------------------------------------------------------------- training

    def _discriminator_update(self, batch):
        a, b = batch.source, batch.real
        for _ in range(self.d_steps):
            fake_b = self._pools.b.query(self.generator(a, training=True))
            fake_a = self._pools.a.query(self.reverse_generator(b, training=True))
            with tf.GradientTape() as tape:
                loss_b, real_output, fake_output = self._discriminator_terms(
                    b, tf.cast(fake_b, b.dtype)
                )
                loss_a, _, _ = self._discriminator_terms(
                    a, tf.cast(fake_a, a.dtype), discriminator=self.reverse_discriminator
                )
                d_loss = self.global_mean(loss_a + loss_b)
                scaled_loss = self.d_optimizer.scale_loss(d_loss)
            self._apply(self.d_optimizer, tape, scaled_loss, self.discriminator_networks())
        return d_loss, real_output, fake_output

    def generator_terms(self, batch, training):
        """Every generator loss term, as global-batch means (replica shares)."""
        a, b = batch.source, batch.real

        def distance(x, y):
            return self.global_mean(
                per_example_mean(tf.abs(tf.cast(x, "float32") - tf.cast(y, "float32")))
            )

        fake_b = self.generator(a, training=training)
        fake_a = self.reverse_generator(b, training=training)
        terms = {
            "adv_loss": self.adversarial_generator_loss(fake_b, training=training, real=b)
            + self.adversarial_generator_loss(
                fake_a, training=training, discriminator=self.reverse_discriminator, real=a
            ),
            "cycle_loss": distance(self.reverse_generator(fake_b, training=training), a)
            + distance(self.generator(fake_a, training=training), b),
        }
        total = terms["adv_loss"] + self.cycle_weight * terms["cycle_loss"]
        if self.identity_weight:
            terms["identity_loss"] = distance(self.generator(b, training=training), b) + distance(
                self.reverse_generator(a, training=training), a
            )
            total += self.identity_weight * terms["identity_loss"]
        terms["g_loss"] = total
        return terms

    # -------------------------------------------------------- serialization

    config_networks = (
        *StyleTransferGAN.config_networks,
        "reverse_generator",
        "reverse_discriminator",
    )

    def get_config(self):
        config = super().get_config()
        for key in ("content_weight", "tv_weight"):
            config.pop(key)
        return {**config, "cycle_weight": self.cycle_weight, "pool_size": self.pool_size}
