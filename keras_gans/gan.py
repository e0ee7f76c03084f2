"""`GAN`: a Keras model that trains a noise-to-image generator."""

import functools
import types

import keras
import numpy as np
import tensorflow as tf

from keras_gans import augment as augment_module
from keras_gans import distribute
from keras_gans import losses as losses_module
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

    **Weight averaging (EMA).** Give the generator optimizer Keras's own
    `use_ema=True` (e.g. `keras.optimizers.Adam(2e-4, beta_1=0.5,
    use_ema=True, ema_momentum=0.999)`) and the GAN samples from the
    exponential moving average of the generator weights: `generate`,
    and `sampling_generator` (what callbacks and exports use) read the
    average, while training updates the raw `generator`. The
    averages are optimizer variables, so `.keras` files and
    `tf.distribute` keep them like any other optimizer state.

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
        noise_shape = self._noise_shape(generator)
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
        disc_shape = self._discriminator_image_shape(discriminator)
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
        # Not a tracked attribute: the copy is derived state, rebuilt on
        # demand, and must not add variables to `.keras` files.
        self._ema_copy = types.SimpleNamespace(model=None)
        self._mark_built()

    def _noise_shape(self, generator):
        return _inner_shape(generator, "input")

    def _discriminator_image_shape(self, discriminator):
        return _inner_shape(discriminator, "input")

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

    @property
    def uses_ema(self):
        """True when the generator optimizer keeps an EMA of the weights."""
        optimizer = getattr(self, "g_optimizer", None)
        return bool(optimizer is not None and _inner_optimizer(optimizer).use_ema)

    @property
    def sampling_generator(self):
        """The generator to sample and export from.

        `generator` itself, or, when the generator optimizer has
        `use_ema=True`, a copy of it holding the moving averages of the
        trainable weights (and the raw generator's other weights, e.g. batch
        normalization statistics), refreshed on every access.
        """
        if not self.uses_ema:
            return self.generator
        copy = self._ema_copy.model
        if copy is None:
            copy = keras.models.clone_model(self.generator)
            self._ema_copy.model = copy
        averages = self._ema_averages()
        for source, target in zip(self.generator.weights, copy.weights):
            target.assign(averages.get(id(source), source))
        return copy

    def set_sampling_weights(self, weights):
        """Loads `weights` (from `sampling_generator.get_weights()`) into
        the generator and, with EMA, into the averages too."""
        self.generator.set_weights(weights)
        averages = self._ema_averages() if self.uses_ema else {}
        for variable in self.generator.weights:
            if id(variable) in averages:
                averages[id(variable)].assign(variable)

    def _ema_averages(self):
        """Maps `id(generator variable)` to its moving-average variable."""
        optimizer = _inner_optimizer(self.g_optimizer)
        averages = optimizer._model_variables_moving_average
        return {
            id(variable): averages[optimizer._get_variable_index(variable)]
            for variable in self.generator.trainable_variables
        }

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
        return self._run_generator(self.sampling_generator, z, batch_size)

    # ------------------------------------------------------------- training

    def compile(
        self,
        g_optimizer="adam",
        d_optimizer="adam",
        loss=None,
        d_steps=1,
        r1_weight=0.0,
        augment=None,
        **kwargs,
    ):
        """Configures the model for training.

        Takes every argument of `AdversarialModel.compile` (`g_optimizer`,
        `d_optimizer`, `loss`, `d_steps` and Keras's `compile` options such as
        `jit_compile`), plus two discriminator stabilizers:

        Args:
            r1_weight: float. `gamma` of the R1 penalty (Mescheder et al.,
                2018), `gamma / 2 * ||grad_x D(x)||^2` on real images, added to
                the discriminator loss. `0` turns it off. Defaults to `0.0`.
            augment: `None`, a DiffAugment policy string such as
                `"translation,cutout,color"`, or a Keras layer called with
                `training=True` on every discriminator input, real and
                generated alike (see `keras_gans.augment.DiffAugment`).
                Defaults to `None`.

        One-sided label smoothing is an option of the cross-entropy losses
        (`keras_gans.losses.NonSaturatingLoss(label_smoothing=0.1)`), and
        an exponential moving average of the generator weights an option of
        its optimizer (`use_ema=True`; see the class docstring).
        """
        if isinstance(r1_weight, bool) or not isinstance(r1_weight, (int, float)) or r1_weight < 0:
            raise ValueError(f"`r1_weight` must be a number >= 0. Received: r1_weight={r1_weight!r}")
        augment = augment_module.get(augment)
        super().compile(g_optimizer, d_optimizer, loss=loss, d_steps=d_steps, **kwargs)
        self.r1_weight = float(r1_weight)
        self.augment = augment
        self._compile_config.config.update(r1_weight=self.r1_weight, augment=augment)

    def train_step(self, data):
        real_images, conditions = self._unpack(data)
        batch_size = tf.shape(real_images)[0]
        loss = self.adversarial_loss
        critic = functools.partial(self._critic, conditions=conditions)

        for _ in range(self.d_steps):
            fake_images = self._generate(
                self.sample_noise(batch_size), conditions, training=True
            )
            fake_images = tf.cast(fake_images, real_images.dtype)
            with tf.GradientTape() as tape:
                real_output, fake_output = self._critic_pair(
                    real_images, fake_images, conditions
                )
                per_example = loss.discriminator_loss(real_output, fake_output)
                penalty = loss.penalty(
                    critic, real_images, fake_images, seed=self.seed_generator
                )
                if penalty is not None:
                    per_example = per_example + penalty
                if self.r1_weight:
                    per_example = per_example + 0.5 * self.r1_weight * (
                        losses_module.r1_penalty(critic, real_images)
                    )
                d_loss = self._global_mean(per_example)
                scaled_loss = self.d_optimizer.scale_loss(d_loss)
            self._apply(self.d_optimizer, tape, scaled_loss, self.discriminator)

        noise = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self._generate(noise, conditions, training=True)
            fake_output = critic(fake_images, training=True)
            g_loss = self._global_mean(loss.generator_loss(fake_output))
            scaled_loss = self.g_optimizer.scale_loss(g_loss)
        self._apply(self.g_optimizer, tape, scaled_loss, self.generator)

        self._update_trackers(d_loss, g_loss, real_output, fake_output)
        return self._metric_results()

    def test_step(self, data):
        """Evaluates both losses on a batch without updating weights."""
        real_images, conditions = self._unpack(data)
        batch_size = tf.shape(real_images)[0]
        fake_images = tf.cast(
            self._generate(self.sample_noise(batch_size), conditions, training=False),
            real_images.dtype,
        )
        real_output, fake_output = self._critic_pair(
            real_images, fake_images, conditions, training=False
        )
        loss = self.adversarial_loss
        d_loss = self._global_mean(
            loss.discriminator_loss(real_output, fake_output)
        )
        g_loss = self._global_mean(loss.generator_loss(fake_output))
        self._update_trackers(d_loss, g_loss, real_output, fake_output)
        return self._metric_results()

    # Hooks: `ConditionalGAN` passes labels to both networks.

    def _unpack(self, data):
        """Returns `(real_images, conditions)`; `conditions` is `None` here."""
        return self._real_images(data), None

    def _generate(self, noise, conditions, training):
        return self.generator(noise, training=training)

    def _critic(self, images, conditions=None, training=True):
        """The discriminator as the losses see it: augmented inputs, labels."""
        if getattr(self, "augment", None) is not None and training:
            images = self.augment(images, training=True)
        return self.discriminator(self._discriminator_inputs(images, conditions), training=training)

    def _discriminator_inputs(self, images, conditions):
        return images

    def _critic_pair(self, real, fake, conditions, training=True):
        # One discriminator call on the concatenated batch: larger matmuls,
        # one pass of weight reads.
        both_conditions = None if conditions is None else tf.concat([conditions, conditions], 0)
        output = self._critic(tf.concat([real, fake], 0), both_conditions, training=training)
        return tf.split(output, 2, axis=0)

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


def _inner_optimizer(optimizer):
    """The optimizer doing the updates (inside a `LossScaleOptimizer`)."""
    return getattr(optimizer, "inner_optimizer", optimizer)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class ConditionalGAN(GAN):
    """A class-conditional GAN: ask the generator for a given class.

    The generator maps `[z, label]` to images and the discriminator scores
    `[images, label]` (e.g. `keras_gans.models.conditional_dcgan_generator`
    and `conditional_dcgan_discriminator`, a projection discriminator).
    Training data are `(images, labels)` batches with int labels in
    `[0, num_classes)`; generated images are drawn for the labels of the real
    batch, so both sides of every discriminator update see the same classes.
    Everything else (losses, stabilizers, EMA, strategies, export) is `GAN`.

    Args:
        generator: `keras.Model` with inputs `[z, label]`.
        discriminator: `keras.Model` with inputs `[images, label]`.
        num_classes: int. Number of classes.
        latent_dim: int. Noise size. Defaults to the generator's.
        seed: int or `None`. Seed of the noise generator.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    gan = kg.ConditionalGAN(
        kg.models.conditional_dcgan_generator(num_classes=10),
        kg.models.conditional_dcgan_discriminator(num_classes=10),
        num_classes=10,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(kg.data.mnist("train", batch_size=64, with_labels=True), epochs=5)
    sevens = gan.generate(labels=[7] * 16)
    ```
    """

    def __init__(self, generator, discriminator, num_classes, latent_dim=None,
                 seed=None, **kwargs):
        for role, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, keras.Model) or len(model.inputs) != 2:
                raise ValueError(
                    f"A ConditionalGAN's {role} takes two inputs, "
                    f"[{'z' if role == 'generator' else 'images'}, label]. "
                    f"Received: {getattr(model, 'inputs', model)!r}"
                )
        check_positive_int("num_classes", num_classes)
        self.num_classes = num_classes
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)

    def _noise_shape(self, generator):
        return tuple(generator.inputs[0].shape[1:])

    def _discriminator_image_shape(self, discriminator):
        return tuple(discriminator.inputs[0].shape[1:])

    def call(self, inputs, training=False):
        """Generates images from `[z, labels]`."""
        return self.generator(inputs, training=training)

    def generate(self, num_samples=None, z=None, labels=None, batch_size=256):
        """Generates images for given labels, as NumPy float32.

        Args:
            num_samples: int. How many images to draw with fresh noise.
                Defaults to `len(labels)`.
            z: array `(n, latent_dim)`. Noise to use instead of fresh noise.
            labels: int array `(n,)` with values in `[0, num_classes)`.
                Defaults to `0, 1, ..., num_classes - 1, 0, 1, ...` (every
                class equally often).
            batch_size: int. Generator batch size. Defaults to `256`.
        """
        if num_samples is None and z is None and labels is None:
            raise ValueError("Pass `num_samples`, `z` or `labels`.")
        if z is not None and num_samples is not None:
            raise ValueError("Pass at most one of `num_samples` or `z`.")
        count = len(z) if z is not None else num_samples
        if labels is None:
            labels = np.arange(count) % self.num_classes
        labels = self.check_labels(labels)
        if count is None:
            count = len(labels)
        if len(labels) != count:
            raise ValueError(f"Got {len(labels)} labels for {count} samples.")
        if z is None:
            check_positive_int("num_samples", count)
            z = keras.ops.convert_to_numpy(self.sample_noise(count))
        return self._run_generator(self.sampling_generator, [z, labels], batch_size)

    def check_labels(self, labels):
        """Returns `labels` as int32 `(n,)`, or raises a clear error."""
        array = np.asarray(labels)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1 or not (array.dtype.kind in "iu" or (
                array.dtype.kind == "f" and np.all(array == np.round(array)))):
            raise ValueError(
                f"`labels` must be integers of shape (n,). Received shape "
                f"{array.shape} and dtype {array.dtype}."
            )
        bad = array[(array < 0) | (array >= self.num_classes)]
        if bad.size:
            raise ValueError(
                f"Labels must be in [0, {self.num_classes}) (num_classes="
                f"{self.num_classes}). Received out-of-range labels {sorted(set(bad.tolist()))[:10]}."
            )
        return array.astype(np.int32)

    def _unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "A ConditionalGAN trains on `(images, labels)` batches, e.g. "
                "`keras_gans.data.mnist(..., with_labels=True)`."
            )
        labels = tf.reshape(tf.cast(data[1], "int32"), [-1])
        return self._real_images(data), labels

    def _generate(self, noise, conditions, training):
        return self.generator([noise, conditions], training=training)

    def _discriminator_inputs(self, images, conditions):
        return [images, conditions]

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
