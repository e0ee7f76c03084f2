"""`AdversarialModel`: the public base of every two-network Keras model here.

Two Functional networks, two optimizers, an adversarial loss from
`keras_gans.losses`, the discriminator's stabilizers (R1, DiffAugment), the
discriminator update, a seeded noise generator, metric trackers, the
generator's weight average, the `.keras` round trip and the `tf.distribute`
plumbing. A subclass says only what its batches hold, how fakes are made
and which generator-loss terms it adds, by overriding these hooks:

- `unpack_batch(data)` returns an `AdversarialBatch` (and checks the data);
- `make_fake(batch, training)` returns generated images for the batch;
- `generator_terms(batch, training)` returns a dict of generator loss
  terms, global-batch means, with the total under `"g_loss"`;
- `tracked_metrics()` names the extra terms it logs;
- `discriminator_inputs(images, conditions)` says what the discriminator is
  called on (default: the images);
- `generator_networks()` / `discriminator_networks()` name the networks
  each optimizer updates (CycleGAN has two of each).

Example:

```python
@keras.saving.register_keras_serializable(package="my_gans")
class DenoisingGAN(kg.models.AdversarialModel):
    def unpack_batch(self, data):
        noisy, clean = data
        return kg.models.AdversarialBatch(real=clean, conditions=None, source=noisy)

    def make_fake(self, batch, training):
        return self.generator(batch.source, training=training)

    def generator_terms(self, batch, training):
        fake = self.make_fake(batch, training)
        g_loss = self.adversarial_generator_loss(fake, training=training, real=batch.real)
        return {"g_loss": g_loss}
```
"""

import collections
import functools
import types

import keras
import numpy as np
import tensorflow as tf

from keras_gans import augment as augment_module
from keras_gans import distribute
from keras_gans import losses as losses_module
from keras_gans.utils import keras_internals
from keras_gans.utils.saving import SavesSeedState
from keras_gans.utils.validation import check_non_negative
from keras_gans.utils.validation import check_positive_int

# Logged for a discriminator that returns `[scores, error]`: the mean error
# of its own task on real images.
RECONSTRUCTION_METRIC = "d_reconstruction"
# Logged by every step that updates a discriminator.
DISCRIMINATOR_METRICS = ("d_loss", "d_real", "d_fake")

AdversarialBatch = collections.namedtuple("AdversarialBatch", ["real", "conditions", "source"])
AdversarialBatch.__doc__ = """One training batch as the shared steps see it.

`real`: the images the discriminator must call real. `conditions`: labels fed
to both networks (or `None`). `source`: what the generator transforms (e.g.
content photos), or `None` for a noise-to-image generator."""


class AdversarialModel(keras_internals.SkipsSymbolicBuild, SavesSeedState, keras.Model):
    """Base class: a generator, a discriminator and their two updates.

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
        self.augment = None
        self.r1_weight = 0.0
        # A discriminator with a second output has a task of its own (e.g.
        # reconstruction): its error on real images is logged too.
        self_supervised = (RECONSTRUCTION_METRIC,) if _has_own_task(discriminator) else ()
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in (
                "d_loss",
                *self_supervised,
                "g_loss",
                *self.tracked_metrics(),
                "d_real",
                "d_fake",
            )
        }
        # Plain namespaces, not tracked by Keras: caches and derived state,
        # which must not add variables to `.keras` files.
        self._inference_fn = types.SimpleNamespace(model=None, fn=None)
        self._ema_copy = types.SimpleNamespace(models={})
        self._adversarial_compile_config = None

    def _mark_built(self):
        # Both sub-models are built Functional models: nothing is left to
        # build, and saying so lets optimizers be built in `compile`.
        self.built = True

    def tracked_metrics(self):
        """Names of the generator-loss terms logged beside `g_loss`."""
        return ()

    def generator_networks(self):
        """The networks `g_optimizer` updates (CycleGAN has two)."""
        return (self.generator,)

    def discriminator_networks(self):
        """The networks `d_optimizer` updates."""
        return (self.discriminator,)

    @property
    def metrics(self):
        return list(self.trackers.values())

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

        Args:
            g_optimizer: `keras.optimizers.Optimizer` or name. Generator
                optimizer; with `use_ema=True` the model samples and exports
                the moving average of the generator weights (see
                `sampling_generator`). Defaults to `"adam"`.
            d_optimizer: `keras.optimizers.Optimizer` or name. Discriminator
                optimizer; must be a different instance from `g_optimizer`.
                Defaults to `"adam"`.
            loss: str or `keras_gans.losses.AdversarialLoss`. One of
                `"minimax"`, `"non_saturating"`, `"least_squares"`,
                `"wasserstein"` (with gradient penalty) or `"hinge"`.
                Defaults to the class's `default_loss` (`"non_saturating"`
                for `GAN`, `"least_squares"` for `StyleTransferGAN`).
            d_steps: int. Discriminator updates per generator update; each
                uses the same real batch and fresh fakes. Defaults to `1`.
            r1_weight: float. `gamma` of the R1 penalty (Mescheder et al.,
                2018), `gamma / 2 * ||grad_x D(x)||^2` on real images, added
                to the discriminator loss. `0` turns it off. Defaults to `0.0`.
            augment: `None`, a DiffAugment policy string such as
                `"translation,cutout,color"`, or a Keras layer called with
                `training=True` on every discriminator input, real and
                generated alike (see `keras_gans.augment.DiffAugment`).
                Defaults to `None`.
            **kwargs: passed to `keras.Model.compile`, e.g. `jit_compile`,
                `steps_per_execution`, `run_eagerly`.

        One-sided label smoothing is an option of the cross-entropy losses
        (`keras_gans.losses.NonSaturatingLoss(label_smoothing=0.1)`).
        """
        for reserved in ("optimizer", "loss_weights", "metrics"):
            if reserved in kwargs:
                raise ValueError(
                    f"`{type(self).__name__}.compile` does not take `{reserved}`: use "
                    "`g_optimizer` and `d_optimizer` for the two networks; "
                    "the model tracks its own metrics."
                )
        check_positive_int("d_steps", d_steps)
        r1_weight = check_non_negative("r1_weight", r1_weight)
        _check_distributed_compile(kwargs)
        adversarial_loss = losses_module.get(self.default_loss if loss is None else loss)
        augment = augment_module.get(augment)
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
        self.r1_weight = r1_weight
        self.augment = augment
        # Optimizer variables exist before `fit`, so that a `.keras` file
        # restores the Adam moments and iteration counts, and so that
        # `tf.distribute` creates them as mirrored variables.
        self.g_optimizer.build(_trainable(self.generator_networks()))
        self.d_optimizer.build(_trainable(self.discriminator_networks()))
        self._adversarial_compile_config = dict(
            g_optimizer=g_optimizer,
            d_optimizer=d_optimizer,
            loss=adversarial_loss,
            d_steps=d_steps,
            r1_weight=r1_weight,
            augment=augment,
            **kwargs,
        )

    # ------------------------------------------------------------ the steps

    # A subclass whose `generator_terms(batch, training, fake=...)` accepts
    # the fakes sets this: with one discriminator update per step, the
    # generator then runs forward once per step, not twice (the fakes the
    # discriminator sees are the ones the generator's loss differentiates).
    reuses_generator_pass = False

    def train_step(self, data):
        batch = self.unpack_batch(data)
        if self.reuses_generator_pass and self.d_steps == 1:
            return self._one_pass_step(batch)
        d_loss, real_output, fake_output = self._discriminator_update(batch)
        with tf.GradientTape() as tape:
            terms = self.generator_terms(batch, training=True)
            scaled_loss = self.g_optimizer.scale_loss(terms["g_loss"])
        self._apply(self.g_optimizer, tape, scaled_loss, self.generator_networks())
        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def _one_pass_step(self, batch):
        """A step with one generator forward pass: the discriminator update
        (not recorded) between the pass and the generator's loss."""
        with tf.GradientTape() as tape:
            fake = self.make_fake(batch, training=True)
            with tape.stop_recording():
                d_loss, real_output, fake_output = self._discriminator_update(
                    batch, tf.stop_gradient(fake)
                )
            terms = self.generator_terms(batch, training=True, fake=fake)
            scaled_loss = self.g_optimizer.scale_loss(terms["g_loss"])
        self._apply(self.g_optimizer, tape, scaled_loss, self.generator_networks())
        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def test_step(self, data):
        """Evaluates both losses on a batch without updating weights."""
        batch = self.unpack_batch(data)
        fake = tf.cast(self.make_fake(batch, training=False), batch.real.dtype)
        real_output, fake_output = self._critic_pair(
            batch.real, fake, batch.conditions, training=False
        )
        d_loss = self.global_mean(
            self.adversarial_loss.discriminator_loss(real_output, fake_output)
        )
        terms = self.generator_terms(batch, training=False)
        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def _discriminator_update(self, batch, fake=None):
        """`d_steps` discriminator updates (on `fake`, when given, else on
        fresh fakes each); returns the last loss and outputs."""
        real, conditions = batch.real, batch.conditions
        given = fake
        for _ in range(self.d_steps):
            if given is None:
                fake = self.make_fake(batch, training=True)
            fake = tf.cast(fake, real.dtype)
            with tf.GradientTape() as tape:
                per_example, real_output, fake_output = self._discriminator_terms(
                    real, fake, conditions
                )
                d_loss = self.global_mean(per_example)
                scaled_loss = self.d_optimizer.scale_loss(d_loss)
            self._apply(self.d_optimizer, tape, scaled_loss, self.discriminator_networks())
            if hasattr(self.augment, "observe"):  # adaptive augmentation (ADA)
                self.augment.observe(real_output)
        return d_loss, real_output, fake_output

    def _discriminator_terms(self, real, fake, conditions=None, discriminator=None):
        """Per-example discriminator loss (with its penalties) and outputs."""
        critic = functools.partial(self._critic, conditions=conditions, discriminator=discriminator)
        loss = self.adversarial_loss
        real_output, fake_output, real_error = self._critic_pair(
            real, fake, conditions, discriminator=discriminator, with_error=True
        )
        per_example = loss.discriminator_loss(real_output, fake_output)
        if real_error is not None:  # a self-supervised discriminator's own task
            per_example = per_example + real_error
            error = self._unscaled(self.global_mean(real_error))
            self.trackers[RECONSTRUCTION_METRIC].update_state(error)
        penalty = loss.penalty(critic, real, fake, seed=self.seed_generator)
        if penalty is not None:
            per_example = per_example + penalty
        if self.r1_weight:
            per_example = per_example + 0.5 * self.r1_weight * losses_module.r1_penalty(
                critic, real
            )
        return per_example, real_output, fake_output

    def _critic(self, images, conditions=None, training=True, discriminator=None, with_error=False):
        """The discriminator (by default `self.discriminator`) as the losses
        see it: augmented inputs, labels; its scores, and with `with_error`
        also the per-example error of a self-supervised discriminator's own
        task (a second output, e.g. `fastgan_discriminator`'s
        reconstruction error), or `None`."""
        if self.augment is not None and training:
            images = self.augment(images, training=True)
        discriminator = discriminator or self.discriminator
        output = discriminator(self.discriminator_inputs(images, conditions), training=training)
        scores, error = output if isinstance(output, (list, tuple)) else (output, None)
        return (scores, error) if with_error else scores

    def _critic_pair(
        self, real, fake, conditions=None, training=True, discriminator=None, with_error=False
    ):
        """Scores of `real` and `fake` (and with `with_error`, the real
        images' self-supervised error, or `None`)."""
        # One discriminator call on the concatenated batch: larger matmuls,
        # one pass of weight reads.
        both = None if conditions is None else tf.concat([conditions, conditions], 0)
        scores, error = self._critic(
            tf.concat([real, fake], 0),
            both,
            training=training,
            discriminator=discriminator,
            with_error=True,
        )
        real_output, fake_output = tf.split(scores, 2, axis=0)
        if not with_error:
            return real_output, fake_output
        real_error = None if error is None else tf.split(error, 2, axis=0)[0]
        return real_output, fake_output, real_error

    def discriminator_inputs(self, images, conditions):
        """What the discriminator network is called on (a hook)."""
        return images

    def adversarial_generator_loss(
        self, fake, conditions=None, training=True, discriminator=None, real=None
    ):
        """The adversarial generator loss of `fake`, as a global-batch mean.

        A relativistic loss (`keras_gans.losses.RelativisticPairingLoss`)
        compares each fake with a real image: pass the real batch as `real`.
        """
        loss = self.adversarial_loss
        if not loss.relativistic:
            fake_output = self._critic(fake, conditions, training, discriminator)
            return self.global_mean(loss.generator_loss(fake_output))
        if real is None:
            raise ValueError(
                f"{type(self).__name__}.generator_terms must pass `real=` to "
                f"`adversarial_generator_loss` for the relativistic loss {loss.name!r}."
            )
        real_output, fake_output = self._critic_pair(
            tf.cast(real, fake.dtype), fake, conditions, training, discriminator
        )
        return self.global_mean(loss.generator_loss(fake_output, real_output))

    # -------------------------------------------------------------- helpers

    def _apply(self, optimizer, tape, loss, networks):
        """One optimizer step on `networks` from the loss recorded on `tape`."""
        weights = _trainable(networks)
        grads = tape.gradient(loss, weights)
        optimizer.apply_gradients(zip(grads, weights))

    @staticmethod
    def global_mean(per_example_loss):
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
        """Mean discriminator output: a probability for logit losses."""
        output = tf.cast(output, "float32")
        if self.adversarial_loss.scores_are_logits:
            output = tf.sigmoid(output)
        return tf.reduce_mean(output)

    def _update_trackers(self, d_loss, generator_terms, real_output, fake_output):
        # Trackers see the loss of the whole global batch, not the share
        # that `global_mean` hands to each replica.
        for name, value in generator_terms.items():
            self.trackers[name].update_state(self._unscaled(value))
        if d_loss is None:  # a step without a discriminator
            return
        self.trackers["d_loss"].update_state(self._unscaled(d_loss))
        self.trackers["d_real"].update_state(self._score(real_output))
        self.trackers["d_fake"].update_state(self._score(fake_output))

    def _metric_results(self):
        results = {m.name: m.result() for m in self.metrics}
        if hasattr(self.augment, "probability"):
            results[augment_module.PROBABILITY_METRIC] = tf.convert_to_tensor(
                self.augment.probability
            )
        if distribute.is_multi_worker(self.distribute_strategy):
            # Keras reduces step outputs across workers with
            # `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars;
            # one-element vectors reduce to the same scalar mean.
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    def _maybe_scale_loss(self, optimizer):
        # Same rule as `keras.Model.compile`: float16 compute needs loss
        # scaling, which Keras only adds for the model's own `optimizer`.
        if self.generator.dtype_policy.name == "mixed_float16" and not (
            isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        ):
            return keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    # ------------------------------------------------------- checked inputs

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, with the batches checked before any tracing.

        A `tf.data.Dataset` is taken as already shuffled (Keras would only
        warn that it ignores `shuffle=True`).
        """
        x = self._checked_input(x, kwargs.get("y", args[0] if args else None))
        if isinstance(x, tf.data.Dataset) and len(args) < 8:
            kwargs.setdefault("shuffle", False)
        return super().fit(x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        """`keras.Model.evaluate`, with the batches checked before any tracing."""
        return super().evaluate(
            self._checked_input(x, kwargs.get("y", args[0] if args else None)), *args, **kwargs
        )

    def _checked_input(self, x, y):
        # Keras retraces the step with relaxed (unknown-rank) shapes when the
        # input shapes change between calls, and a check inside the trace
        # can then no longer see what is wrong: check the dataset's element
        # spec (or the arrays) here, where the shapes are still known.
        if isinstance(x, tf.data.Dataset):
            self.unpack_batch(x.element_spec)
        elif isinstance(x, (np.ndarray, tf.Tensor)):
            data = x if y is None else (x, y)
            self.unpack_batch(tf.nest.map_structure(_spec_of, data))
        return x

    def check_images(self, images, name, expected_shape=None, channels=None):
        """Checks a float image tensor (or `tf.TensorSpec`): dtype and shape."""
        if isinstance(images, dict):
            raise ValueError(
                f"{type(self).__name__} expects batches of images, not dicts. Received a "
                f"dict with keys {sorted(images)}; map the dataset to images first."
            )
        if not hasattr(images, "dtype"):
            images = tf.convert_to_tensor(images)
        if tf.as_dtype(images.dtype).is_integer:
            raise ValueError(
                f"{name} must be floats scaled like the generator's output (e.g. "
                f"[-1, 1] for tanh); received dtype {tf.as_dtype(images.dtype).name}. "
                "Scale them with `keras_gans.data.to_float(images)`."
            )
        shape = tf.TensorShape(images.shape)
        if shape.rank is None:
            return images  # a relaxed retrace; `_checked_input` saw the shapes
        inner = tuple(shape[1:])
        if expected_shape is not None and (
            len(inner) != len(expected_shape)
            or any(
                s is not None and e is not None and s != e for s, e in zip(inner, expected_shape)
            )
        ):
            hint = ""
            if len(inner) + 1 == len(expected_shape) and expected_shape[-1] == 1:
                hint = " Add the channel axis: `images[..., None]`."
            raise ValueError(
                f"{name} have shape {inner} (batch axis excluded) but "
                f"the generator and discriminator work on {expected_shape}.{hint}"
            )
        if channels is not None and (len(inner) != 3 or inner[-1] != channels):
            raise ValueError(
                f"{name} must have shape (batch, height, width, {channels}); "
                f"received {tuple(shape)}."
            )
        return images

    # ------------------------------------------------------------- sampling

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
        return self._averaged_generator()

    def _averaged_generator(self, generator=None):
        """`generator` (default `self.generator`), or its weight average
        when the generator optimizer keeps one (a cached copy)."""
        generator = generator or self.generator
        if not self.uses_ema:
            return generator
        copies = self._ema_copy.models
        if id(generator) not in copies:
            copies[id(generator)] = keras.models.clone_model(generator)
        copy = copies[id(generator)]
        averages = self._ema_averages(generator)
        for source, target in zip(generator.weights, copy.weights):
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

    def _ema_averages(self, generator=None):
        """Maps `id(generator variable)` to its moving-average variable."""
        variables = (generator or self.generator).trainable_variables
        averages = keras_internals.ema_variables(_inner_optimizer(self.g_optimizer), variables)
        return {id(variable): average for variable, average in zip(variables, averages)}

    def _run_generator(self, generator, inputs, batch_size):
        """Runs `generator` in inference mode on this process, in batches.

        `inputs` is one array, or a list of arrays for a generator with
        several inputs (e.g. `[z, labels]`); each is cast to the dtype of
        the generator input it feeds.
        """
        cache = self._inference_fn
        if cache.model is not generator:
            cache.model = generator
            cache.fn = tf.function(lambda x: generator(x, training=False), reduce_retracing=True)
        several = len(generator.inputs) > 1
        inputs = [
            tf.cast(tf.convert_to_tensor(array), spec.dtype)
            for array, spec in zip(inputs if several else [inputs], generator.inputs)
        ]

        def batch(start):
            chunk = [array[start : start + batch_size] for array in inputs]
            return chunk if several else chunk[0]

        chunks = [
            cache.fn(batch(start)).numpy()
            for start in range(0, int(inputs[0].shape[0]), batch_size)
        ]
        return np.concatenate(chunks).astype(np.float32)

    # -------------------------------------------------------- serialization

    # The noise seed's state is saved with the model (file key kept from
    # the first release).
    seed_state_key = "noise_seed_state"

    # The constructor arguments that are networks (serialized as Keras
    # objects); a subclass with more networks adds theirs.
    config_networks = ("generator", "discriminator")

    def get_config(self):
        networks = {
            key: keras.saving.serialize_keras_object(getattr(self, key))
            for key in self.config_networks
        }
        return {"name": self.name, "trainable": self.trainable, **networks, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        # A key may postdate a file (a GAN's `decoder`): absent means its default.
        for key in cls.config_networks:
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self):
        if self._adversarial_compile_config is None:
            return None
        return {
            key: keras.saving.serialize_keras_object(value)
            for key, value in self._adversarial_compile_config.items()
        }

    def compile_from_config(self, config):
        self.compile(
            **{key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        )


def _has_own_task(discriminator):
    """Whether `discriminator` returns `[scores, per-example error]`."""
    try:
        output = discriminator.output
    except (AttributeError, ValueError):  # a subclassed model, never called
        return False
    return isinstance(output, (list, tuple)) and len(output) == 2 and len(output[1].shape) == 1


def _trainable(networks):
    return [v for network in networks for v in network.trainable_variables]


def per_example_mean(x):
    """Mean over every axis but the batch axis, in float32."""
    return tf.reduce_mean(tf.cast(x, "float32"), axis=list(range(1, x.shape.rank)))


def _spec_of(array):
    return tf.TensorSpec(np.shape(array), tf.as_dtype(array.dtype))


def _inner_optimizer(optimizer):
    """The optimizer doing the updates (inside a `LossScaleOptimizer`)."""
    return getattr(optimizer, "inner_optimizer", optimizer)


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
