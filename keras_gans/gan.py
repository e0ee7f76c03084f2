"""`GAN`: a Keras model that trains a generator against a discriminator."""

import keras
import numpy as np
import tensorflow as tf
from keras.src.saving import serialization_lib

from keras_gans import distribute
from keras_gans import losses as losses_module

_PACKAGE = "keras_gans"


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )


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
class GAN(keras.Model):
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

    def __init__(
        self, generator, discriminator, latent_dim=None, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model):
            raise TypeError(
                "`generator` must be a `keras.Model`. "
                f"Received: generator={generator!r}"
            )
        if not isinstance(discriminator, keras.Model):
            raise TypeError(
                "`discriminator` must be a `keras.Model`. "
                f"Received: discriminator={discriminator!r}"
            )
        noise_shape = _inner_shape(generator, "input")
        if latent_dim is None:
            if len(noise_shape) != 1 or noise_shape[0] is None:
                raise ValueError(
                    "Could not infer `latent_dim` from the generator's input "
                    f"shape {noise_shape}: pass `latent_dim=`."
                )
            latent_dim = noise_shape[0]
        _check_positive_int("latent_dim", latent_dim)
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
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self._inference_fn = None
        # Both sub-models are built Functional models: nothing is left to
        # build, and saying so lets Keras skip its symbolic build (which
        # cannot trace a GAN) and lets optimizers be built in `compile`.
        self.built = True

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
            _check_positive_int("num_samples", num_samples)
            z = keras.ops.convert_to_numpy(self.sample_noise(num_samples))
        if self._inference_fn is None:
            self._inference_fn = tf.function(
                lambda noise: self.generator(noise, training=False), reduce_retracing=True
            )
        z = tf.convert_to_tensor(z, tf.float32)
        chunks = [
            self._inference_fn(z[start:start + batch_size]).numpy()
            for start in range(0, int(z.shape[0]), batch_size)
        ]
        return np.concatenate(chunks).astype(np.float32)

    def compile(
        self,
        g_optimizer="adam",
        d_optimizer="adam",
        loss="non_saturating",
        d_steps=1,
        **kwargs,
    ):
        """Configures the GAN for training.

        Args:
            g_optimizer: `keras.optimizers.Optimizer` or name. Generator
                optimizer. Defaults to `"adam"`.
            d_optimizer: `keras.optimizers.Optimizer` or name. Discriminator
                optimizer; must be a different instance from `g_optimizer`.
                Defaults to `"adam"`.
            loss: str or `keras_gans.losses.AdversarialLoss`. One of
                `"minimax"`, `"non_saturating"`, `"least_squares"`,
                `"wasserstein"` (with gradient penalty) or `"hinge"`.
                Defaults to `"non_saturating"`.
            d_steps: int. Discriminator updates per generator update; each
                uses the same real batch and fresh noise. Defaults to `1`.
            **kwargs: passed to `keras.Model.compile`, e.g. `jit_compile`,
                `steps_per_execution`, `run_eagerly`.
        """
        for reserved in ("optimizer", "loss_weights", "metrics"):
            if reserved in kwargs:
                raise ValueError(
                    f"`GAN.compile` does not take `{reserved}`: use "
                    "`g_optimizer` and `d_optimizer` for the two networks; "
                    "the GAN tracks its own metrics."
                )
        _check_positive_int("d_steps", d_steps)
        _check_distributed_compile(kwargs)
        adversarial_loss = losses_module.get(loss)
        g_optimizer = keras.optimizers.get(g_optimizer)
        d_optimizer = keras.optimizers.get(d_optimizer)
        if g_optimizer is d_optimizer:
            raise ValueError(
                "`g_optimizer` and `d_optimizer` must be two different "
                "optimizer instances (each keeps state for its own network)."
            )
        super().compile(optimizer=None, **kwargs)
        self.g_optimizer = self._maybe_scale_loss(g_optimizer)
        self.d_optimizer = self._maybe_scale_loss(d_optimizer)
        self.adversarial_loss = adversarial_loss
        self.d_steps = d_steps
        # Optimizer variables exist before `fit`, so that a `.keras` file
        # restores the Adam moments and iteration counts, and so that
        # `tf.distribute` creates them as mirrored variables.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self._compile_config = serialization_lib.SerializableDict(
            g_optimizer=g_optimizer,
            d_optimizer=d_optimizer,
            loss=adversarial_loss,
            d_steps=d_steps,
            **kwargs,
        )

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
        ]

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
            weights = self.discriminator.trainable_weights
            grads = tape.gradient(scaled_loss, weights)
            self.d_optimizer.apply_gradients(zip(grads, weights))

        noise = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            fake_output = self.discriminator(fake_images, training=True)
            g_loss = self._global_mean(loss.generator_loss(fake_output))
            scaled_loss = self.g_optimizer.scale_loss(g_loss)
        weights = self.generator.trainable_weights
        grads = tape.gradient(scaled_loss, weights)
        self.g_optimizer.apply_gradients(zip(grads, weights))

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

    def _metric_results(self):
        results = {m.name: m.result() for m in self.metrics}
        if _multi_worker(self.distribute_strategy):
            # Keras reduces step outputs across workers with
            # `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars;
            # one-element vectors reduce to the same scalar mean.
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # A GAN is fully built by `__init__` (Functional sub-models, metrics)
        # and `compile` (both optimizers), so Keras's symbolic build has
        # nothing to do. Skipping it also avoids its
        # `strategy.reduce("MEAN", first_batch, axis=None)`, which fails under
        # MultiWorkerMirroredStrategy ("Attempt to convert a value (PerReplica
        # ...) to a Tensor", keras-team/keras#20585).
        if self.built and getattr(self, "_compile_config", None) is not None:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def _update_trackers(self, d_loss, g_loss, real_output, fake_output):
        # Trackers see the loss of the whole global batch, not the share
        # that `_global_mean` hands to each replica.
        replicas = tf.distribute.get_replica_context()
        scale = replicas.num_replicas_in_sync if replicas else 1
        self.d_loss_tracker.update_state(d_loss * scale)
        self.g_loss_tracker.update_state(g_loss * scale)
        score = _score_fn(self.adversarial_loss)
        self.d_real_tracker.update_state(score(real_output))
        self.d_fake_tracker.update_state(score(fake_output))

    def _discriminate(self, real_images, fake_images, training=True):
        # One discriminator call on the concatenated batch: larger matmuls,
        # one pass of weight reads.
        both = tf.concat([real_images, fake_images], axis=0)
        output = self.discriminator(both, training=training)
        return tf.split(output, 2, axis=0)

    @staticmethod
    def _global_mean(per_example_loss):
        """Mean over the global batch, as this replica's share.

        Gradients are summed across replicas, so each replica divides its
        local mean by the number of replicas.
        """
        loss = tf.reduce_mean(per_example_loss)
        replicas = tf.distribute.get_replica_context()
        if replicas is not None and replicas.num_replicas_in_sync > 1:
            loss = loss / replicas.num_replicas_in_sync
        return loss

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

    def _maybe_scale_loss(self, optimizer):
        # Same rule as `keras.Model.compile`: float16 compute needs loss
        # scaling, which Keras only adds for the model's own `optimizer`.
        if self.generator.dtype_policy.name == "mixed_float16" and not (
            isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        ):
            return keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(
                self.discriminator
            ),
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    # Keras saves a layer's own variables but not the state of its seed
    # generators; without this a loaded GAN would replay the noise of step 0.
    _SEED_STATE_KEY = "noise_seed_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = self.seed_generator.state

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._SEED_STATE_KEY in keys:
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])
        super().load_own_variables(
            {k: store[k] for k in keys if k != self._SEED_STATE_KEY}
        )

    def get_compile_config(self):
        if getattr(self, "_compile_config", None) is None:
            return None
        return self._compile_config.serialize()

    def compile_from_config(self, config):
        config = serialization_lib.deserialize_keras_object(config)
        self.compile(**config)


def _multi_worker(strategy):
    return isinstance(
        strategy, tf.distribute.MultiWorkerMirroredStrategy
    ) and strategy.extended._in_multi_worker_mode()


def _check_distributed_compile(compile_kwargs):
    """Turns two known TF 2.21 / Keras 3.15 failures into clear errors."""
    strategy = tf.distribute.get_strategy()
    if strategy.num_replicas_in_sync == 1:
        return
    if compile_kwargs.get("steps_per_execution", 1) != 1:
        raise ValueError(
            "steps_per_execution > 1 fails under a multi-replica strategy in this "
            "Keras version ('You must feed a value for placeholder tensor "
            "while/cond/Placeholder', keras-team/keras#19246, for any Keras model). "
            "Use steps_per_execution=1 with MirroredStrategy."
        )
    if compile_kwargs.get("jit_compile") is True and distribute.cpu_replicas(strategy):
        raise ValueError(
            "jit_compile=True does not work with several replicas on CPU devices, for "
            "any Keras model: XLA has no collectives for CPUs (multi-worker), and it "
            "compiles every logical CPU device's replica for CPU:0, which cannot read "
            "the variables MirroredStrategy put on CPU:1. Use jit_compile=False or "
            "'auto'; XLA with a multi-replica strategy is for GPUs."
        )


def _score_fn(loss):
    if isinstance(loss, losses_module.MinimaxLoss):
        return lambda output: tf.sigmoid(tf.cast(output, "float32"))
    return lambda output: tf.cast(output, "float32")
