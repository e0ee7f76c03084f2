"""`StyleTransferGAN`: turns photos into paintings, trained on unpaired images."""

import tensorflow as tf

from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.adversarial_model import per_example_mean as _per_example_mean
from keras_gans.models.image_to_image import ImageToImageModel
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_non_negative


def total_variation(images):
    """Per-example mean absolute difference between neighbouring pixels."""
    images = tf.cast(images, "float32")
    dy = tf.abs(images[:, 1:, :, :] - images[:, :-1, :, :])
    dx = tf.abs(images[:, :, 1:, :] - images[:, :, :-1, :])
    return _per_example_mean(dy) + _per_example_mean(dx)


@register_serializable
class StyleTransferGAN(ImageToImageModel):
    """Image-to-image GAN for style transfer from unpaired (content, style) images.

    Each step: the discriminator learns to tell style images (real) from
    `G(content)` (fake); then the generator minimizes the adversarial loss on
    `G(content)` plus `content_weight` × the mean squared difference between
    `G(content)` and `content` (the founding document's content loss), and
    optionally an identity term (`G(style)` should stay `style`, which keeps
    colours honest) and total variation (smoothness).

    Batches are `(content, style)` tuples of float images in [-1, 1] with
    the same shape, e.g. from `keras_gans.data.unpaired_images`.

    Tracked metrics: `d_loss`, `g_loss` (the total), `adv_loss`,
    `content_loss`, `d_real`, `d_fake` (mean patch scores on style images
    and on generated ones), plus `identity_loss` and `tv_loss` when their
    weights are positive.

    Args:
        generator: `keras.Model` from images to images of the same shape
            (e.g. `keras_gans.models.style_generator`).
        discriminator: `keras.Model` from images to raw (patch) scores (e.g.
            `keras_gans.models.patchgan_discriminator`).
        content_weight: float. Weight of the content loss. Defaults to `10.0`.
        identity_weight: float. Weight of the identity loss. Defaults to `0`.
        tv_weight: float. Weight of the total-variation loss. Defaults to `0`.
        seed: int or `None`. Seed (for the gradient penalty's draws).
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    gan = kg.StyleTransferGAN(
        kg.networks.style_generator(residual_blocks=6),
        kg.networks.patchgan_discriminator(),
        content_weight=10.0,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # LSGAN loss
    gan.fit(kg.data.unpaired_images("photos/", "paintings/", image_size=128), epochs=1)
    paintings = gan.stylize(photos)  # float32 in [-1, 1]
    ```
    """

    default_loss = "least_squares"

    def __init__(
        self,
        generator,
        discriminator,
        content_weight=10.0,
        identity_weight=0.0,
        tv_weight=0.0,
        seed=None,
        **kwargs,
    ):
        # Set before the base class builds the trackers these decide on.
        self.content_weight = check_non_negative("content_weight", content_weight)
        self.identity_weight = check_non_negative("identity_weight", identity_weight)
        self.tv_weight = check_non_negative("tv_weight", tv_weight)
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        if generator.input_shape[-1] != generator.output_shape[-1]:
            raise ValueError(
                f"The generator maps {generator.input_shape[-1]} channels to "
                f"{generator.output_shape[-1]}; style transfer needs the same number."
            )
        self.channels = generator.output_shape[-1]
        self._mark_built()

    def tracked_metrics(self):
        names = ["adv_loss", "content_loss"]
        if self.identity_weight:
            names.append("identity_loss")
        if self.tv_weight:
            names.append("tv_loss")
        return tuple(names)

    def stylize(self, content, batch_size=8):
        """Stylizes a NumPy batch of float images in [-1, 1]; returns float32
        (`translate` under the name of the task).

        Uses `sampling_generator` (the weight average with EMA).
        """
        return self.translate(content, batch_size)

    # ------------------------------------------------------------- training

    def unpack_batch(self, data):
        data = self.pair_of_images(
            data, "`(content, style)` batches (e.g. from `keras_gans.data.unpaired_images`)"
        )
        content, style = (
            self.check_images(images, f"{name} images", channels=self.channels)
            for name, images in zip(("content", "style"), data)
        )
        sizes = tuple(content.shape[1:3]) + tuple(style.shape[1:3])
        if len(sizes) == 4 and None not in sizes and sizes[:2] != sizes[2:]:
            raise ValueError(
                f"Content {sizes[:2]} and style {sizes[2:]} "
                "images must have the same height and width (crop or resize both to "
                "`image_size`)."
            )
        return AdversarialBatch(real=style, conditions=None, source=content)

    def make_fake(self, batch, training):
        return self.generator(batch.source, training=training)

    def generator_terms(self, batch, training):
        """Every generator loss term, as global-batch means (replica shares)."""
        content, style = batch.source, batch.real
        fake = self.generator(content, training=training)
        terms = {
            "adv_loss": self.adversarial_generator_loss(fake, training=training, real=style),
            "content_loss": self.global_mean(
                _per_example_mean(tf.square(tf.cast(fake, "float32") - tf.cast(content, "float32")))
            ),
        }
        total = terms["adv_loss"] + self.content_weight * terms["content_loss"]
        if self.identity_weight:
            same = tf.cast(self.generator(style, training=training), "float32")
            terms["identity_loss"] = self.global_mean(
                _per_example_mean(tf.abs(same - tf.cast(style, "float32")))
            )
            total += self.identity_weight * terms["identity_loss"]
        if self.tv_weight:
            terms["tv_loss"] = self.global_mean(total_variation(fake))
            total += self.tv_weight * terms["tv_loss"]
        terms["g_loss"] = total
        return terms

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {
            **super().get_config(),
            "content_weight": self.content_weight,
            "identity_weight": self.identity_weight,
            "tv_weight": self.tv_weight,
        }
