"""Text models: `MaximumLikelihoodText` and `TextGAN`, on one character generator.

`MaximumLikelihoodText` is the yardstick every text GAN must be compared
with (Caccia et al., 2020, "Language GANs Falling Short"): the same
`CharacterDecoder` a text GAN trains, fitted by maximum likelihood, that
is by the cross-entropy of each next character of real texts given the
ones before (teacher forcing). It samples with a temperature, and is the
GAN's pretraining.

`TextGAN` trains the generator adversarially on the `GAN` core: its
characters are straight-through Gumbel-softmax draws (RelGAN, Nie et al.,
2019, with a relativistic loss by default), so the generator's gradient
reaches every step of the recurrent decoder, with no policy gradient.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.gan import GAN
from keras_gans.utils.saving import SavesSeedState
from keras_gans.utils.saving import register_serializable

__all__ = ["MaximumLikelihoodText", "TextGAN", "next_character_loss"]


def next_character_loss(logits, ids):
    """Mean cross-entropy, in nats, of each character of `ids` int
    `(batch, length)` under `logits`, up to and including a text's first
    padding id 0 (its end); the padding after it does not count."""
    ids = ops.cast(ids, "int32")
    ended = ops.cumsum(ops.cast(ids == 0, "int32"), axis=1) - ops.cast(ids == 0, "int32")
    weights = ops.cast(ended == 0, "float32")
    per_character = keras.losses.sparse_categorical_crossentropy(ids, logits, from_logits=True)
    return ops.sum(per_character * weights) / ops.maximum(ops.sum(weights), 1.0)


@register_serializable
class MaximumLikelihoodText(SavesSeedState, keras.Model):
    """Trains a character generator by maximum likelihood.

    Batches are int32 character ids `(batch, length)` (e.g.
    `keras_gans.data.poems`); each text gets fresh noise for the decoder's
    start state, as the generator gets when it writes. Logs `loss`, the
    mean cross-entropy per character in nats (its `exp` is the perplexity).

    Args:
        generator: a `keras_gans.networks.character_generator`.
        seed: int or `None`. Seed of the noise.
        **kwargs: passed to `keras.Model`.

    Example:

        >>> g = keras_gans.networks.character_generator(len(vocabulary) + 2, 20)
        >>> model = keras_gans.models.MaximumLikelihoodText(g, seed=0)
        >>> model.compile(optimizer=keras.optimizers.Adam(1e-3))
        >>> model.fit(keras_gans.data.poems(batch_size=64), epochs=1, steps_per_epoch=100)
    """

    def __init__(self, generator, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.latent_dim = generator.input_shape[-1]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True  # the generator is a built Functional model

    @property
    def decoder(self):
        """The generator's `CharacterDecoder`."""
        return self.generator.get_layer("decoder")

    @property
    def sampling_generator(self):
        """The generator that writes and is exported (`GAN`'s name for it)."""
        return self.generator

    def compile(self, optimizer="adam", **kwargs):
        optimizer = keras.optimizers.get(optimizer)
        super().compile(optimizer=optimizer, **kwargs)
        # Built now, so that a `.keras` file restores the optimizer's state.
        self.optimizer.build(self.generator.trainable_variables)
        self._text_compile_config = dict(optimizer=optimizer, **kwargs)

    def get_compile_config(self):
        config = getattr(self, "_text_compile_config", None)
        if config is None:
            return None
        return {key: keras.saving.serialize_keras_object(v) for key, v in config.items()}

    def compile_from_config(self, config):
        self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=False)

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _loss(self, data):
        ids = data[0] if isinstance(data, (tuple, list)) else data  # (x, y, weights) too
        z = self.sample_noise(ops.shape(ids)[0])
        return next_character_loss(self.decoder.teacher_forced(z, ids), ids)

    def train_step(self, ids):
        with tf.GradientTape() as tape:
            loss = self._loss(ids)
        variables = self.generator.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, ids):
        self.loss_tracker.update_state(self._loss(ids))
        return {"loss": self.loss_tracker.result()}

    def generate(self, num_samples=None, z=None):
        """Character ids int32 `(n, length)` drawn from `z` (or fresh noise)."""
        if z is None:
            z = self.sample_noise(num_samples)
        ids = ops.argmax(self.generator(z, training=False), axis=-1)
        return ops.convert_to_numpy(ids).astype("int32")

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        return cls(**config)


@register_serializable
class TextGAN(GAN):
    """A GAN of character texts: `GAN` with character-id batches.

    Real batches are int character ids `(batch, length)` (e.g.
    `keras_gans.data.poems`), shown to the discriminator one-hot; the
    generator's texts are one-hot too (straight-through Gumbel-softmax
    while training). `generate` returns character ids.

    Args:
        generator: a `keras_gans.networks.character_generator` (start it
            from a `MaximumLikelihoodText`'s weights to pretrain it).
        discriminator: e.g. `keras_gans.networks.text_discriminator`.
        seed: int or `None`. Seed of the noise.
        **kwargs: passed to `GAN`.

    Example:

        >>> d = keras_gans.networks.text_discriminator(vocabulary_size, 20)
        >>> gan = keras_gans.models.TextGAN(generator, d)
        >>> gan.compile(loss="relativistic")
        >>> gan.fit(keras_gans.data.poems(batch_size=64), epochs=1, steps_per_epoch=100)
    """

    default_loss = "relativistic"

    def unpack_batch(self, data):
        ids = data[0] if isinstance(data, (tuple, list)) else data
        length, vocabulary_size = self.image_shape
        shape = tf.TensorShape(ids.shape)
        integer = tf.as_dtype(ids.dtype).is_integer
        if shape.rank != 2 or not integer or shape[1] not in (None, length):
            raise ValueError(
                f"TextGAN trains on int character ids (batch, {length}), e.g. "
                f"keras_gans.data.poems. Received {tf.as_dtype(ids.dtype).name} of shape "
                f"{tuple(shape)}."
            )
        if isinstance(ids, tf.TensorSpec):  # `fit` checking the dataset's spec
            return AdversarialBatch(real=ids, conditions=None, source=None)
        real = ops.one_hot(ids, vocabulary_size)
        return AdversarialBatch(real=real, conditions=None, source=None)

    def generate(self, num_samples=None, z=None, batch_size=256):
        """Character ids int32 `(n, length)` from `sampling_generator`."""
        one_hot = super().generate(num_samples, z, batch_size)
        return one_hot.argmax(axis=-1).astype("int32")
