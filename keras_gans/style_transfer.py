"""`StyleTransferGAN`: turns photos into paintings, trained on unpaired images."""

import keras
import tensorflow as tf

from keras_gans.adversarial import AdversarialModel

_PACKAGE = "keras_gans"


def _check_weight(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"`{name}` must be a number >= 0. Received: {name}={value!r}")
    return float(value)


def _per_example_mean(x):
    return tf.reduce_mean(tf.cast(x, "float32"), axis=list(range(1, x.shape.rank)))


def total_variation(images):
    """Per-example mean absolute difference between neighbouring pixels."""
    images = tf.cast(images, "float32")
    dy = tf.abs(images[:, 1:, :, :] - images[:, :-1, :, :])
    dx = tf.abs(images[:, :, 1:, :] - images[:, :, :-1, :])
    return _per_example_mean(dy) + _per_example_mean(dx)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class StyleTransferGAN(AdversarialModel):
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
        kg.models.style_generator(residual_blocks=6),
        kg.models.patchgan_discriminator(),
        content_weight=10.0,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # LSGAN loss
    gan.fit(kg.data.unpaired_images("photos/", "paintings/", image_size=128), epochs=1)
    paintings = gan.stylize(photos)  # float32 in [-1, 1]
    ```
    """

    default_loss = "least_squares"

    def __init__(self, generator, discriminator, content_weight=10.0, identity_weight=0.0,
                 tv_weight=0.0, seed=None, **kwargs):
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        if generator.input_shape[-1] != generator.output_shape[-1]:
            raise ValueError(
                f"The generator maps {generator.input_shape[-1]} channels to "
                f"{generator.output_shape[-1]}; style transfer needs the same number."
            )
        self.content_weight = _check_weight("content_weight", content_weight)
        self.identity_weight = _check_weight("identity_weight", identity_weight)
        self.tv_weight = _check_weight("tv_weight", tv_weight)
        self.channels = generator.output_shape[-1]
        names = ["d_loss", "g_loss", "adv_loss", "content_loss", "d_real", "d_fake"]
        if self.identity_weight:
            names.append("identity_loss")
        if self.tv_weight:
            names.append("tv_loss")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._mark_built()

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, content, training=False):
        """Stylizes `content` images (float, [-1, 1])."""
        return self.generator(content, training=training)

    def stylize(self, content, batch_size=8):
        """Stylizes a NumPy batch of float images in [-1, 1]; returns float32."""
        return self._run_generator(self.generator, content, batch_size)

    # ------------------------------------------------------------- training

    def train_step(self, data):
        content, style = self._content_and_style(data)
        loss = self.adversarial_loss

        fake = tf.cast(self.generator(content, training=True), style.dtype)
        for _ in range(self.d_steps):
            with tf.GradientTape() as tape:
                real_output, fake_output = self._discriminate(style, fake)
                per_example = loss.discriminator_loss(real_output, fake_output)
                penalty = loss.penalty(self.discriminator, style, fake, seed=self.seed_generator)
                if penalty is not None:
                    per_example = per_example + penalty
                d_loss = self._global_mean(per_example)
                scaled = self.d_optimizer.scale_loss(d_loss)
            self._apply(self.d_optimizer, tape, scaled, self.discriminator)

        with tf.GradientTape() as tape:
            terms = self._generator_terms(content, style, training=True)
            scaled = self.g_optimizer.scale_loss(terms["g_loss"])
        self._apply(self.g_optimizer, tape, scaled, self.generator)

        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def test_step(self, data):
        content, style = self._content_and_style(data)
        fake = tf.cast(self.generator(content, training=False), style.dtype)
        real_output, fake_output = self._discriminate(style, fake, training=False)
        d_loss = self._global_mean(
            self.adversarial_loss.discriminator_loss(real_output, fake_output)
        )
        terms = self._generator_terms(content, style, training=False)
        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def _generator_terms(self, content, style, training):
        """Every generator loss term, as global-batch means (replica shares)."""
        fake = self.generator(content, training=training)
        fake_output = self.discriminator(fake, training=training)
        fake = tf.cast(fake, "float32")
        terms = {
            "adv_loss": self._global_mean(self.adversarial_loss.generator_loss(fake_output)),
            "content_loss": self._global_mean(
                _per_example_mean(tf.square(fake - tf.cast(content, "float32")))
            ),
        }
        total = terms["adv_loss"] + self.content_weight * terms["content_loss"]
        if self.identity_weight:
            same = tf.cast(self.generator(style, training=training), "float32")
            terms["identity_loss"] = self._global_mean(
                _per_example_mean(tf.abs(same - tf.cast(style, "float32")))
            )
            total += self.identity_weight * terms["identity_loss"]
        if self.tv_weight:
            terms["tv_loss"] = self._global_mean(total_variation(fake))
            total += self.tv_weight * terms["tv_loss"]
        terms["g_loss"] = total
        return terms

    def _update_trackers(self, d_loss, terms, real_output, fake_output):
        self.trackers["d_loss"].update_state(self._unscaled(d_loss))
        for name, value in terms.items():
            self.trackers[name].update_state(self._unscaled(value))
        self.trackers["d_real"].update_state(self._score(real_output))
        self.trackers["d_fake"].update_state(self._score(fake_output))

    def _content_and_style(self, data):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "StyleTransferGAN trains on `(content, style)` batches (e.g. from "
                "`keras_gans.data.unpaired_images`). Received a batch of type "
                f"{type(data).__name__}."
            )
        content, style = (tf.convert_to_tensor(x) for x in data)
        for name, images in (("content", content), ("style", style)):
            if images.dtype.is_integer:
                raise ValueError(
                    f"{name} images must be floats in [-1, 1]; received dtype "
                    f"{images.dtype.name}. Scale them with `keras_gans.data.to_float`."
                )
            if images.shape.rank != 4 or images.shape[-1] != self.channels:
                raise ValueError(
                    f"{name} images must have shape (batch, height, width, {self.channels}); "
                    f"received {tuple(images.shape)}."
                )
        if content.shape[1:3] != style.shape[1:3] and None not in content.shape[1:3] + style.shape[1:3]:
            raise ValueError(
                f"Content {tuple(content.shape[1:3])} and style {tuple(style.shape[1:3])} "
                "images must have the same height and width (crop or resize both to "
                "`image_size`)."
            )
        return content, style

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {
            **self._base_config(),
            "content_weight": self.content_weight,
            "identity_weight": self.identity_weight,
            "tv_weight": self.tv_weight,
        }
