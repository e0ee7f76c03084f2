"""`GAN`: a Keras model that trains a noise-to-image generator."""

import keras
import tensorflow as tf

from keras_gans import distribute
from keras_gans.adversarial import AdversarialModel
from keras_gans.adversarial import check_positive_int

_PACKAGE = "keras_gans"


def _inner_shape(model, which):
    """Returns the non-batch input or output shape of a single-tensor model."""
    shape = model.input_shape if which == "input" else model.output_shape
    if isinstance(shape, list):
        raise ValueError(
            f"The {model.name!r} model must have a single {which}. "
            f"Received {which} shapes {shape}."
        )
    return tuple(shape[1:])


@keras.saving.register_keras_serializable(package=_PACKAGE)
class GAN(AdversarialModel):
    """A generative adversarial network trained with `fit`.

    Each `train_step` makes `d_steps` discriminator updates, then one
    generator update, each with its own `tf.GradientTape` and optimizer.
    Noise comes from a seeded `keras.random.SeedGenerator`, so two runs with
    the same `seed` and data order are identical.

    The discriminator must return raw scores (no final sigmoid): the losses
    in `keras_gans.losses` apply the sigmoid themselves where needed.

    Tracked metrics (reset every epoch, logged by `fit`):
    `d_loss`, `g_loss`, `d_real` and `d_fake`. The last two are the mean
    discriminator output on real and on generated images: a probability for
    the cross-entropy losses (`minimax`, `non_saturating`), the raw score
    otherwise.

    Args:
        generator: `keras.Model`. Maps noise `(batch, latent_dim)` to images.
        discriminator: `keras.Model`. Maps images to scores `(batch, 1)` (or a
            patch map `(batch, h, w, 1)`).
        latent_dim: int. Size of the noise vector. Defaults to the
            generator's input size.
        seed: int or `None`. Seed of the noise generator. Defaults to `None`
            (a random seed).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:

    ```python
    import keras_gans as kg

    gan = kg.GAN(
        generator=kg.models.dcgan_generator(latent_dim=100),
        discriminator=kg.models.dcgan_discriminator(),
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non_saturating",
    )
    gan.fit(kg.data.mnist("train", batch_size=64), epochs=5)
    images = gan.generate(16)  # float32 in [-1, 1]
    ```
    """

    default_loss = "non_saturating"

    def __init__(
        self, generator, discriminator, latent_dim=None, seed=None, **kwargs
    ):
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        noise_shape = _inner_shape(generator, "input")
        if latent_dim is None:
            if len(noise_shape) != 1 or noise_shape[0] is None:
                raise ValueError(
                    "Could not infer `latent_dim` from the generator's input "
                    f"shape {noise_shape}: pass `latent_dim=`."
                )
            latent_dim = noise_shape[0]
        check_positive_int("latent_dim", latent_dim)
        if noise_shape not in ((latent_dim,), (None,)):
            raise ValueError(
                f"The generator takes inputs of shape {noise_shape}, which "
                f"does not match latent_dim={latent_dim}."
            )
        image_shape = _inner_shape(generator, "output")
        disc_shape = _inner_shape(discriminator, "input")
        if len(image_shape) != len(disc_shape) or any(
            g is not None and d is not None and g != d
            for g, d in zip(image_shape, disc_shape)
        ):
            raise ValueError(
                f"The generator makes images of shape {image_shape} but the "
                f"discriminator takes inputs of shape {disc_shape}. Build "
                "both for the same image shape."
            )
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self._mark_built()

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
        ]

    # ------------------------------------------------------------------ API

    def call(self, z, training=False):
        """Generates images from noise `z` of shape `(batch, latent_dim)`."""
        return self.generator(z, training=training)

    def sample_noise(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard-normal noise.

        Under a `tf.distribute` strategy, `batch_size` is the per-replica
        batch: the noise of the global batch is drawn from the shared seed
        and each replica keeps its own rows (see `keras_gans.distribute`).
        """
        return distribute.replica_slice(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator),
            batch_size,
        )

    def generate(self, num_samples=None, z=None, batch_size=256):
        """Generates images as a NumPy float32 array in the generator's range.

        Runs the generator in inference mode on this process only (no
        `predict` loop), so under a multi-worker strategy any worker can
        call it without the others.

        Args:
            num_samples: int. How many images to draw with fresh noise.
            z: array `(n, latent_dim)`. Noise to use instead of
                `num_samples`, e.g. a fixed set for comparable grids.
            batch_size: int. Generator batch size. Defaults to `256`.
        """
        if (num_samples is None) == (z is None):
            raise ValueError("Pass exactly one of `num_samples` or `z`.")
        if z is None:
            check_positive_int("num_samples", num_samples)
            z = keras.ops.convert_to_numpy(self.sample_noise(num_samples))
        return self._run_generator(z, batch_size)

    # ------------------------------------------------------------- training

    def train_step(self, data):
        real_images = self._real_images(data)
        batch_size = tf.shape(real_images)[0]
        loss = self.adversarial_loss

        for _ in range(self.d_steps):
            fake_images = self.generator(
                self.sample_noise(batch_size), training=True
            )
            fake_images = tf.cast(fake_images, real_images.dtype)
            with tf.GradientTape() as tape:
                real_output, fake_output = self._discriminate(
                    real_images, fake_images
                )
                per_example = loss.discriminator_loss(real_output, fake_output)
                penalty = loss.penalty(
                    self.discriminator,
                    real_images,
                    fake_images,
                    seed=self.seed_generator,
                )
                if penalty is not None:
                    per_example = per_example + penalty
                d_loss = self._global_mean(per_example)
                scaled_loss = self.d_optimizer.scale_loss(d_loss)
            self._apply(self.d_optimizer, tape, scaled_loss, self.discriminator)

        noise = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            fake_output = self.discriminator(fake_images, training=True)
            g_loss = self._global_mean(loss.generator_loss(fake_output))
            scaled_loss = self.g_optimizer.scale_loss(g_loss)
        self._apply(self.g_optimizer, tape, scaled_loss, self.generator)

        self._update_trackers(d_loss, g_loss, real_output, fake_output)
        return self._metric_results()

    def test_step(self, data):
        """Evaluates both losses on a batch without updating weights."""
        real_images = self._real_images(data)
        batch_size = tf.shape(real_images)[0]
        fake_images = tf.cast(
            self.generator(self.sample_noise(batch_size), training=False),
            real_images.dtype,
        )
        real_output, fake_output = self._discriminate(
            real_images, fake_images, training=False
        )
        loss = self.adversarial_loss
        d_loss = self._global_mean(
            loss.discriminator_loss(real_output, fake_output)
        )
        g_loss = self._global_mean(loss.generator_loss(fake_output))
        self._update_trackers(d_loss, g_loss, real_output, fake_output)
        return self._metric_results()

    def _update_trackers(self, d_loss, g_loss, real_output, fake_output):
        # Trackers see the loss of the whole global batch, not the share
        # that `_global_mean` hands to each replica.
        self.d_loss_tracker.update_state(self._unscaled(d_loss))
        self.g_loss_tracker.update_state(self._unscaled(g_loss))
        self.d_real_tracker.update_state(self._score(real_output))
        self.d_fake_tracker.update_state(self._score(fake_output))

    def _real_images(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        if isinstance(images, dict):
            raise ValueError(
                "The GAN expects batches of images (or `(images, labels)` "
                f"tuples). Received a dict with keys {sorted(images)}; map "
                "the dataset to images first."
            )
        images = tf.convert_to_tensor(images)
        if images.dtype.is_integer:
            raise ValueError(
                f"Real images must be floats scaled like the generator's "
                f"output (e.g. [-1, 1] for tanh); received dtype "
                f"{images.dtype.name}. Scale them with "
                "`keras_gans.data.to_float(images)`."
            )
        shape = tuple(images.shape[1:])
        expected = self.image_shape
        if len(shape) != len(expected) or any(
            s is not None and e is not None and s != e
            for s, e in zip(shape, expected)
        ):
            hint = ""
            if len(shape) + 1 == len(expected) and expected[-1] == 1:
                hint = " Add the channel axis: `images[..., None]`."
            raise ValueError(
                f"Real images have shape {shape} (batch axis excluded) but "
                f"the generator and discriminator work on {expected}.{hint}"
            )
        return images

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim}
