"""`Pix2Pix`: paired image-to-image translation (Isola et al., 2017)."""

import tensorflow as tf

from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.adversarial_model import per_example_mean
from keras_gans.models.image_to_image import ImageToImageModel
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_non_negative


@register_serializable
class Pix2Pix(ImageToImageModel):
    """Paired image-to-image GAN: L1 to the target plus a conditional PatchGAN.

    Batches are `(inputs, targets)` pairs of float images in [-1, 1]: the
    generator maps `inputs` to an image like `targets`; the discriminator
    sees the input and an image side by side (channels concatenated) and
    tells real pairs from generated ones. When the generator changes the
    size (super-resolution), the discriminator sees the input resized
    bilinearly to the target's size. Each generator step minimizes
    `adv_loss + l1_weight * l1_loss`, where `l1_loss` is the mean absolute
    difference to the target.

    Tracked metrics: `d_loss`, `g_loss` (the total), `adv_loss`, `l1_loss`,
    `d_real`, `d_fake`.

    Args:
        generator: `keras.Model` from inputs to images (e.g.
            `keras_gans.models.unet_generator`,
            `super_resolution_generator` or `inpainting_generator`).
        discriminator: `keras.Model` from `input channels + image channels`
            to raw (patch) scores (e.g.
            `keras_gans.networks.patchgan_discriminator(input_channels=6)`).
        l1_weight: float. Weight of the L1 term. Defaults to `100.0`
            (pix2pix's lambda).
        seed: int or `None`. Seed of the model's random draws.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    gan = kg.Pix2Pix(
        kg.networks.super_resolution_generator(scale=4),
        kg.networks.patchgan_discriminator(input_channels=6),
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(kg.data.degraded_images("photos/", "downscale", image_size=128), epochs=1)
    upscaled = gan.translate(small_photos)  # float32 in [-1, 1]
    ```
    """

    default_loss = "non_saturating"
    reuses_generator_pass = True

    def __init__(self, generator, discriminator, l1_weight=100.0, seed=None, **kwargs):
        self.l1_weight = check_non_negative("l1_weight", l1_weight)
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.input_channels = generator.input_shape[-1]
        self.channels = generator.output_shape[-1]
        expected = self.input_channels + self.channels
        if discriminator.input_shape[-1] != expected:
            raise ValueError(
                f"The discriminator takes {discriminator.input_shape[-1]} channels, but "
                f"pix2pix's discriminator sees the generator's input ({self.input_channels} "
                f"channels) beside an image ({self.channels}): build it with "
                f"`patchgan_discriminator(input_channels={expected})`."
            )
        self._mark_built()

    def tracked_metrics(self):
        return ("adv_loss", "l1_loss")

    # ------------------------------------------------------------- training

    def unpack_batch(self, data):
        data = self.pair_of_images(
            data,
            "`(inputs, targets)` batches (e.g. from `keras_gans.data.paired_images` or "
            "`degraded_images`)",
        )
        inputs = self.check_images(data[0], "inputs", channels=self.input_channels)
        targets = self.check_images(data[1], "targets", channels=self.channels)
        in_size, out_size = tuple(inputs.shape[1:3]), tuple(targets.shape[1:3])
        if None not in in_size + out_size and any(o % i for i, o in zip(in_size, out_size)):
            raise ValueError(
                f"Targets of size {out_size} do not match inputs of size {in_size}: a "
                "target must be the input's size or a whole multiple of it (super-resolution)."
            )
        return AdversarialBatch(real=targets, conditions=inputs, source=inputs)

    def make_fake(self, batch, training):
        return self.generator(batch.source, training=training)

    def discriminator_inputs(self, images, conditions):
        conditions = tf.cast(conditions, images.dtype)
        size = images.shape[1:3]
        if conditions.shape[1:3] != size or None in size:
            conditions = tf.image.resize(conditions, tf.shape(images)[1:3], "bilinear")
            conditions = tf.cast(conditions, images.dtype)
        return tf.concat([conditions, images], axis=-1)

    def generator_terms(self, batch, training, fake=None):
        """Every generator loss term, as global-batch means (replica shares),
        for `fake` (the generator's output on `batch.source`, computed here
        when not given)."""
        if fake is None:
            fake = self.generator(batch.source, training=training)
        adv = self.adversarial_generator_loss(
            fake, batch.conditions, training=training, real=batch.real
        )
        l1 = self.global_mean(
            per_example_mean(tf.abs(tf.cast(fake, "float32") - tf.cast(batch.real, "float32")))
        )
        return {"adv_loss": adv, "l1_loss": l1, "g_loss": adv + self.l1_weight * l1}

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {**super().get_config(), "l1_weight": self.l1_weight}
