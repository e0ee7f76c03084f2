"""`AdversarialModel`: what every two-network Keras model here shares.

Two Functional networks, two optimizers, an adversarial loss from
`keras_gans.losses`, a seeded noise generator, metric trackers, the
`.keras` round trip and the `tf.distribute` plumbing. `GAN` (noise to
images) and `StyleTransferGAN` (images to images) add their `train_step`.
"""

import types

import keras
import numpy as np
import tensorflow as tf
from keras.src.saving import serialization_lib

from keras_gans import distribute
from keras_gans import losses as losses_module


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )


class AdversarialModel(keras.Model):
    """Base class: a generator, a discriminator and their two updates.

    Subclasses define `train_step` and the `metrics` property (their
    `keras.metrics.Mean` trackers), and call `super().__init__` with the two
    networks. Everything else — `compile`, optimizer state in `.keras`
    files, the global-batch loss reduction, distribution — lives here.

    Args:
        generator: `keras.Model`.
        discriminator: `keras.Model` returning raw scores.
        seed: int or `None`. Seed of the model's random draws.
        **kwargs: passed to `keras.Model`.
    """

    default_loss = "non_saturating"

    def __init__(self, generator, discriminator, seed=None, **kwargs):
        super().__init__(**kwargs)
        for role, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, keras.Model):
                raise TypeError(f"`{role}` must be a `keras.Model`. Received: {role}={model!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise")
        # A plain namespace, not tracked by Keras: a cache, not model state.
        self._inference_fn = types.SimpleNamespace(model=None, fn=None)

    def _mark_built(self):
        # Both sub-models are built Functional models: nothing is left to
        # build, and saying so lets Keras skip its symbolic build (which
        # cannot trace a two-network step) and lets optimizers be built in
        # `compile`.
        self.built = True

    def compile(
        self,
        g_optimizer="adam",
        d_optimizer="adam",
        loss=None,
        d_steps=1,
        **kwargs,
    ):
        """Configures the model for training.

        Args:
            g_optimizer: `keras.optimizers.Optimizer` or name. Generator
                optimizer. Defaults to `"adam"`.
            d_optimizer: `keras.optimizers.Optimizer` or name. Discriminator
                optimizer; must be a different instance from `g_optimizer`.
                Defaults to `"adam"`.
            loss: str or `keras_gans.losses.AdversarialLoss`. One of
                `"minimax"`, `"non_saturating"`, `"least_squares"`,
                `"wasserstein"` (with gradient penalty) or `"hinge"`.
                Defaults to the class's `default_loss` (`"non_saturating"`
                for `GAN`, `"least_squares"` for `StyleTransferGAN`).
            d_steps: int. Discriminator updates per generator update; each
                uses the same real batch and fresh noise. Defaults to `1`.
            **kwargs: passed to `keras.Model.compile`, e.g. `jit_compile`,
                `steps_per_execution`, `run_eagerly`.
        """
        for reserved in ("optimizer", "loss_weights", "metrics"):
            if reserved in kwargs:
                raise ValueError(
                    f"`{type(self).__name__}.compile` does not take `{reserved}`: use "
                    "`g_optimizer` and `d_optimizer` for the two networks; "
                    "the model tracks its own metrics."
                )
        check_positive_int("d_steps", d_steps)
        _check_distributed_compile(kwargs)
        adversarial_loss = losses_module.get(self.default_loss if loss is None else loss)
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

    # ------------------------------------------------------------- helpers

    def _apply(self, optimizer, tape, loss, network):
        """One optimizer step on `network` from the loss recorded on `tape`."""
        weights = network.trainable_weights
        grads = tape.gradient(loss, weights)
        optimizer.apply_gradients(zip(grads, weights))

    def _discriminate(self, real, fake, training=True):
        # One discriminator call on the concatenated batch: larger matmuls,
        # one pass of weight reads.
        both = tf.concat([real, fake], axis=0)
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

    @staticmethod
    def _unscaled(loss):
        """The global-batch mean from this replica's share, for trackers."""
        replicas = tf.distribute.get_replica_context()
        return loss * (replicas.num_replicas_in_sync if replicas else 1)

    def _score(self, output):
        """Mean discriminator output: a probability for cross-entropy losses."""
        output = tf.cast(output, "float32")
        if isinstance(self.adversarial_loss, losses_module.MinimaxLoss):
            output = tf.sigmoid(output)
        return tf.reduce_mean(output)

    def _metric_results(self):
        results = {m.name: m.result() for m in self.metrics}
        if _multi_worker(self.distribute_strategy):
            # Keras reduces step outputs across workers with
            # `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars;
            # one-element vectors reduce to the same scalar mean.
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # The model is fully built by `__init__` (Functional sub-models,
        # metrics) and `compile` (both optimizers), so Keras's symbolic build
        # has nothing to do. Skipping it also avoids its
        # `strategy.reduce("MEAN", first_batch, axis=None)`, which fails under
        # MultiWorkerMirroredStrategy ("Attempt to convert a value (PerReplica
        # ...) to a Tensor", keras-team/keras#20585).
        if self.built and getattr(self, "_compile_config", None) is not None:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def _maybe_scale_loss(self, optimizer):
        # Same rule as `keras.Model.compile`: float16 compute needs loss
        # scaling, which Keras only adds for the model's own `optimizer`.
        if self.generator.dtype_policy.name == "mixed_float16" and not (
            isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        ):
            return keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    def _run_generator(self, generator, inputs, batch_size):
        """Runs `generator` in inference mode on this process, in batches.

        `inputs` is one array, or a list of arrays for a generator with
        several inputs (e.g. `[z, labels]`); each is cast to the dtype of
        the generator input it feeds.
        """
        cache = self._inference_fn
        if cache.model is not generator:
            cache.model = generator
            cache.fn = tf.function(
                lambda x: generator(x, training=False), reduce_retracing=True
            )
        several = len(generator.inputs) > 1
        inputs = [
            tf.cast(tf.convert_to_tensor(array), spec.dtype)
            for array, spec in zip(inputs if several else [inputs], generator.inputs)
        ]

        def batch(start):
            chunk = [array[start:start + batch_size] for array in inputs]
            return chunk if several else chunk[0]

        chunks = [
            cache.fn(batch(start)).numpy()
            for start in range(0, int(inputs[0].shape[0]), batch_size)
        ]
        return np.concatenate(chunks).astype(np.float32)

    # -------------------------------------------------------- serialization

    # Keras saves a layer's own variables but not the state of its seed
    # generators; without this a loaded model would replay the noise of step 0.
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

    def _base_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

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
