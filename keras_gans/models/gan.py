"""`GAN`: a Keras model that trains a noise-to-image generator."""

import statistics
import types

import keras
import numpy as np
import tensorflow as tf

from keras_gans import distribute
from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.adversarial_model import AdversarialModel
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int


def _inner_shape(model, which):
    """Returns the non-batch input or output shape of a single-tensor model."""
    shape = model.input_shape if which == "input" else model.output_shape
    if isinstance(shape, list):
        raise ValueError(
            f"The {model.name!r} model must have a single {which}. Received {which} shapes {shape}."
        )
    return tuple(shape[1:])


def check_reuse_fakes(reuse_fakes, d_steps):
    """Raises if `reuse_fakes` is asked for with several discriminator updates."""
    if reuse_fakes and d_steps != 1:
        raise ValueError(
            f"`reuse_fakes=True` reuses the fakes of one discriminator update, but "
            f"d_steps={d_steps}: pass d_steps=1, or leave reuse_fakes off."
        )


@register_serializable
class GAN(AdversarialModel):
    """A generative adversarial network trained with `fit`.

    Each `train_step` makes `d_steps` discriminator updates, then one
    generator update, each with its own `tf.GradientTape` and optimizer.
    Noise comes from a seeded `keras.random.SeedGenerator`, so two runs with
    the same `seed` and data order are identical.

    The discriminator must return raw scores (no final sigmoid): the losses
    in `keras_gans.losses` apply the sigmoid themselves where needed. A
    self-supervised discriminator (`keras_gans.networks.fastgan_discriminator`)
    returns `[scores, error]`: its per-example error on its own task, added
    to its loss on real images and logged as `d_reconstruction`.

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

    **A decoder.** When the networks work on a representation that is not
    what users want (SpecGAN's spectrogram images of sounds), `decoder`, a
    layer without weights, turns the generator's output into it (e.g.
    `keras_gans.networks.SpectrogramToAudio`). Training never runs it;
    `generate`, `sampling_generator` and so every callback and export do.

    Args:
        generator: `keras.Model`. Maps noise `(batch, latent_dim)` to images.
        discriminator: `keras.Model`. Maps images to scores `(batch, 1)` (or a
            patch map `(batch, h, w, 1)`).
        latent_dim: int. Size of the noise vector. Defaults to the
            generator's input size.
        seed: int or `None`. Seed of the noise generator. Defaults to `None`
            (a random seed).
        decoder: `keras.layers.Layer` without weights, or `None`. Applied to
            the generator's output wherever samples leave the model.
            Defaults to `None`.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:

    ```python
    import keras_gans as kg

    gan = kg.GAN(
        generator=kg.networks.dcgan_generator(latent_dim=100),
        discriminator=kg.networks.dcgan_discriminator(),
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
    config_networks = ("generator", "discriminator", "decoder")

    def __init__(
        self, generator, discriminator, latent_dim=None, seed=None, decoder=None, **kwargs
    ):
        if decoder is not None and (not isinstance(decoder, keras.layers.Layer) or decoder.weights):
            raise ValueError(
                "`decoder` must be a Keras layer without weights (it is not trained), e.g. "
                f"keras_gans.networks.SpectrogramToAudio. Received: {decoder!r}"
            )
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.decoder = decoder
        self._decoded_models = types.SimpleNamespace(models={})
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
            g is not None and d is not None and g != d for g, d in zip(image_shape, disc_shape)
        ):
            raise ValueError(
                f"The generator makes images of shape {image_shape} but the "
                f"discriminator takes inputs of shape {disc_shape}. Build "
                "both for the same image shape."
            )
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self._mark_built()

    def _noise_shape(self, generator):
        return _inner_shape(generator, "input")

    def _discriminator_image_shape(self, discriminator):
        return _inner_shape(discriminator, "input")

    # ------------------------------------------------------------------ API

    def call(self, z, training=False):
        """Generates images from noise `z` of shape `(batch, latent_dim)`."""
        return self.generator(z, training=training)

    @property
    def sampling_generator(self):
        """The generator to sample and export from: its weight average with
        EMA, followed by the `decoder` when there is one."""
        return self._decoded(self._averaged_generator())

    def _decoded(self, generator):
        """`generator`, or a Functional model of it followed by `decoder`
        (cached per generator)."""
        if self.decoder is None:
            return generator
        models = self._decoded_models.models
        if id(generator) not in models:
            inputs = [
                keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in generator.inputs
            ]
            outputs = self.decoder(generator(inputs if len(inputs) > 1 else inputs[0]))
            models[id(generator)] = keras.Model(inputs, outputs, name=f"{generator.name}_decoded")
        return models[id(generator)]

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

    def generate(self, num_samples=None, z=None, batch_size=256, truncation=None):
        """Generates images (or what the `decoder` makes of them) as a NumPy
        float32 array.

        Samples from `sampling_generator` (the weight average with EMA).
        Runs the generator in inference mode on this process only (no
        `predict` loop), so under a multi-worker strategy any worker can
        call it without the others.

        Args:
            num_samples: int. How many images to draw with fresh noise.
            z: array `(n, latent_dim)`. Noise to use instead of
                `num_samples`, e.g. a fixed set for comparable grids.
            batch_size: int. Generator batch size. Defaults to `256`.
            truncation: float in `[0, 1]` or `None`. The truncation trick:
                the noise times `truncation` (pulled toward its mean, 0):
                likelier, less varied samples as it falls
                (`keras_gans.latent.truncate`). `None`: the noise as drawn.
        """
        if (num_samples is None) == (z is None):
            raise ValueError("Pass exactly one of `num_samples` or `z`.")
        if z is None:
            check_positive_int("num_samples", num_samples)
            z = keras.ops.convert_to_numpy(self.sample_noise(num_samples))
        z = _truncated(z, truncation)
        return self._run_generator(self.sampling_generator, z, batch_size)

    # ------------------------------------------------------------- training

    def unpack_batch(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        images = self.check_images(images, "Real images", self.image_shape)
        return AdversarialBatch(real=images, conditions=None, source=None)

    def make_fake(self, batch, training):
        noise = self.sample_noise(tf.shape(batch.real)[0])
        return self._generate(noise, batch.conditions, training)

    def _generate(self, noise, conditions, training):
        return self.generator(noise, training=training)

    def compile(self, *args, reuse_fakes=False, **kwargs):
        """Configures the model for training: `AdversarialModel.compile`'s
        arguments, and one of its own.

        Args:
            *args: `AdversarialModel.compile`'s arguments.
            reuse_fakes: bool. The generator's update differentiates the
                fakes that the discriminator update of the same step has just
                scored, as PyTorch's DCGAN example does, instead of drawing
                new noise: the generator runs forward once per step instead
                of twice. Needs `d_steps=1`. Defaults to `False`.
            **kwargs: `AdversarialModel.compile`'s keyword arguments.
        """
        super().compile(*args, **kwargs)
        check_reuse_fakes(reuse_fakes, self.d_steps)
        self.reuses_generator_pass = bool(reuse_fakes)
        self._adversarial_compile_config["reuse_fakes"] = self.reuses_generator_pass

    def generator_terms(self, batch, training, fake=None):
        """The generator's loss on `fake` (fresh fakes when not given)."""
        if fake is None:
            fake = self.make_fake(batch, training)
        return {
            "g_loss": self.adversarial_generator_loss(
                fake, batch.conditions, training, real=batch.real
            )
        }

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {**super().get_config(), "latent_dim": self.latent_dim}


@register_serializable
class ConditionalGAN(GAN):
    """A class-conditional GAN: ask the generator for a given class.

    The generator maps `[z, label]` to images and the discriminator scores
    `[images, label]` (e.g. `keras_gans.models.conditional_dcgan_generator`
    and `conditional_dcgan_discriminator`, a projection discriminator).
    Training data are `(images, labels)` batches with int labels in
    `[0, num_classes)`; generated images are drawn for the labels of the real
    batch, so both sides of every discriminator update see the same classes.
    Everything else (losses, stabilizers, EMA, strategies, export) is `GAN`.
    Evaluation (`keras_gans.evaluation.evaluate_gan`) draws every class
    equally often (`balanced_sampling`).

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
        kg.networks.conditional_dcgan_generator(num_classes=10),
        kg.networks.conditional_dcgan_discriminator(num_classes=10),
        num_classes=10,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(kg.data.mnist("train", batch_size=64, with_labels=True), epochs=5)
    sevens = gan.generate(labels=[7] * 16)
    ```
    """

    balanced_sampling = True

    def __init__(self, generator, discriminator, num_classes, latent_dim=None, seed=None, **kwargs):
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

    def generate(self, num_samples=None, z=None, labels=None, batch_size=256, truncation=None):
        """Generates images for given labels, as NumPy float32.

        Args:
            num_samples: int. How many images to draw with fresh noise.
                Defaults to `len(labels)`.
            z: array `(n, latent_dim)`. Noise to use instead of fresh noise.
            labels: int array `(n,)` with values in `[0, num_classes)`.
                Defaults to `0, 1, ..., num_classes - 1, 0, 1, ...` (every
                class equally often).
            batch_size: int. Generator batch size. Defaults to `256`.
            truncation: float in `[0, 1]` or `None`. See `GAN.generate`.
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
        z = _truncated(z, truncation)
        return self._run_generator(
            self._decoded(self._averaged_generator()), [z, labels], batch_size
        )

    def check_labels(self, labels):
        """Returns `labels` as int32 `(n,)`, or raises a clear error."""
        array = np.asarray(labels)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1 or not (
            array.dtype.kind in "iu"
            or (array.dtype.kind == "f" and np.all(array == np.round(array)))
        ):
            raise ValueError(
                f"`labels` must be integers of shape (n,). Received shape "
                f"{array.shape} and dtype {array.dtype}."
            )
        bad = array[(array < 0) | (array >= self.num_classes)]
        if bad.size:
            raise ValueError(
                f"Labels must be in [0, {self.num_classes}) (num_classes="
                f"{self.num_classes}). Received out-of-range labels "
                f"{sorted(set(bad.tolist()))[:10]}."
            )
        return array.astype(np.int32)

    def unpack_batch(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "A ConditionalGAN trains on `(images, labels)` batches, e.g. "
                "`keras_gans.data.mnist(..., with_labels=True)`."
            )
        batch = super().unpack_batch(data)
        if isinstance(data[1], tf.TensorSpec):
            return batch
        labels = tf.reshape(tf.cast(data[1], "int32"), [-1])
        return batch._replace(conditions=labels)

    def _generate(self, noise, conditions, training):
        return self.generator([noise, conditions], training=training)

    def discriminator_inputs(self, images, conditions):
        return [images, conditions]

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@register_serializable
class NoiseToCluster(keras.layers.Layer):
    """Picks a cluster from the first noise coordinate, at given frequencies.

    Cluster `c` is chosen when `z[:, 0]` falls in the `c`-th band of the
    standard normal distribution, the bands having the clusters'
    probabilities as their masses. So standard-normal noise draws each
    cluster at its frequency, and the same `z` always gives the same
    cluster (exports stay deterministic). Built-in LiteRT ops only.

    Args:
        probabilities: list of float. Each cluster's probability.
    """

    def __init__(self, probabilities, **kwargs):
        super().__init__(**kwargs)
        probabilities = np.asarray(probabilities, np.float64)
        if probabilities.ndim != 1 or len(probabilities) < 1 or np.any(probabilities < 0):
            raise ValueError(
                "`probabilities` must be a non-empty list of numbers >= 0. "
                f"Received: probabilities={probabilities.tolist()!r}"
            )
        self.probabilities = (probabilities / probabilities.sum()).tolist()
        cumulative = np.cumsum(self.probabilities)[:-1]
        normal = statistics.NormalDist()
        self.thresholds = [normal.inv_cdf(min(max(c, 1e-12), 1 - 1e-12)) for c in cumulative]

    def call(self, z):
        first = z[:, :1]
        if not self.thresholds:
            return keras.ops.zeros_like(first[:, 0], dtype="int32")
        above = keras.ops.cast(
            first > keras.ops.convert_to_tensor(self.thresholds, first.dtype), "int32"
        )
        return keras.ops.sum(above, axis=1)

    def labels(self, z):
        """The clusters of NumPy noise `z`, as int32 `(n,)`."""
        return (np.asarray(z)[:, :1] > np.asarray(self.thresholds)[None]).sum(1).astype(np.int32)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],)

    def get_config(self):
        return {**super().get_config(), "probabilities": self.probabilities}


@register_serializable
class SelfConditionedGAN(ConditionalGAN):
    """An unconditional GAN trained as a conditional one on clusters of the data.

    Liu et al., CVPR 2020, "Diverse Image Generation via Self-Conditioned
    GANs": the training images are clustered without labels (e.g.
    `keras_gans.clustering.cluster_images`), and the class-conditional
    machinery learns to draw each cluster. Sampling draws the cluster from the
    noise itself (`NoiseToCluster`: each cluster at its share of the data), so
    to its users this is a noise-to-image GAN: `generate(n)`, sample grids,
    evaluation and exports (`serving_default(z) -> images`) use
    `sampling_generator`, a Functional `z -> images` model with the cluster
    choice inside. A plain GAN can drop a whole mode of the data (a digit);
    here every cluster is trained and sampled by construction.

    Training batches are `(images, cluster_ids)`, e.g.
    `keras_gans.data.mnist(..., labels=clusters.labels)`.

    Args:
        generator: `keras.Model` with inputs `[z, label]`.
        discriminator: `keras.Model` with inputs `[images, label]`.
        cluster_probabilities: list of float. Each cluster's share of the
            training images (`Clusters.probabilities`); its length is the
            number of clusters.
        latent_dim: int. Noise size. Defaults to the generator's.
        seed: int or `None`. Seed of the noise generator.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    images, _ = kg.data.load_arrays("train")
    clusters = kg.clustering.cluster_images(images, k=30)
    gan = kg.SelfConditionedGAN(
        kg.networks.conditional_dcgan_generator(num_classes=30),
        kg.networks.conditional_dcgan_discriminator(num_classes=30),
        cluster_probabilities=clusters.probabilities,
    )
    gan.compile(...)
    gan.fit(kg.data.mnist("train", batch_size=32, labels=clusters.labels), epochs=5)
    digits = gan.generate(64)
    ```
    """

    balanced_sampling = False

    def __init__(
        self, generator, discriminator, cluster_probabilities, latent_dim=None, seed=None, **kwargs
    ):
        self.cluster_choice = NoiseToCluster(cluster_probabilities, name="noise_to_cluster")
        super().__init__(
            generator,
            discriminator,
            num_classes=len(self.cluster_choice.probabilities),
            latent_dim=latent_dim,
            seed=seed,
            **kwargs,
        )
        self._sampler = types.SimpleNamespace(inner=None, model=None)

    @property
    def cluster_probabilities(self):
        return self.cluster_choice.probabilities

    @property
    def sampling_generator(self):
        """A Functional `z -> images` model: the cluster from `z`, then the
        conditional generator (its EMA copy with `use_ema=True`)."""
        inner = self._averaged_generator()
        if self._sampler.inner is not inner:
            z = keras.Input((self.latent_dim,), name="z")
            images = inner([z, self.cluster_choice(z)])
            self._sampler.inner = inner
            self._sampler.model = keras.Model(z, images, name=f"{inner.name}_sampler")
        return self._decoded(self._sampler.model)

    def generate(self, num_samples=None, z=None, labels=None, batch_size=256, truncation=None):
        """Generates images, each from the cluster its noise picks.

        Args:
            num_samples: int. How many images to draw with fresh noise.
            z: array `(n, latent_dim)`. Noise to use instead.
            labels: int array `(n,)`. Clusters to draw from instead of the
                ones the noise picks.
            batch_size: int. Generator batch size. Defaults to `256`.
            truncation: float in `[0, 1]` or `None`. See `GAN.generate`;
                the truncated noise picks the cluster too, so the middle
                clusters' share grows as it falls.
        """
        if labels is not None:
            return super().generate(num_samples, z, labels, batch_size, truncation)
        # Unconditional sampling, through the `z -> images` sampler.
        return GAN.generate(self, num_samples, z, batch_size, truncation)

    def get_config(self):
        config = super().get_config()
        del config["num_classes"]
        return {**config, "cluster_probabilities": self.cluster_probabilities}


def _truncated(z, truncation):
    """`z * truncation` (the truncation trick toward the mean noise, 0)."""
    if truncation is None:
        return z
    if not 0 <= truncation <= 1:
        raise ValueError(f"`truncation` must be in [0, 1]. Received: truncation={truncation}")
    return (np.asarray(z, np.float32) * np.float32(truncation)).astype(np.float32)
