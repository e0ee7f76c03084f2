"""A character generator for text: an autoregressive GRU driven by noise.

`CharacterDecoder` starts a GRU from the noise `z` and writes one character
a step, each step's input the embedding of the character before. Every
draw follows from `z`: the first `length` entries of `z`, turned into
uniform numbers by the normal CDF, pick each step's character from the
softmax of its logits divided by `temperature` (inverse-CDF sampling), so
`serving_default(z)` of an export is the whole text and a seed repeats it.

It serves two trainings on one set of weights: maximum likelihood
(`teacher_forced`: the logits of each next character of real texts, as a
language model) and adversarial training, whose generator step needs text
that gradients flow through (`call(..., training=True)`: straight-through
Gumbel-softmax characters, Jang et al., 2017; RelGAN, Nie et al., 2019).
`text_discriminator` scores one-hot characters, real or generated.
"""

import keras
from keras import layers
from keras import ops

from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.utils.saving import SavesSeedState
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

__all__ = ["CharacterDecoder", "character_generator", "text_discriminator"]


# Abramowitz and Stegun's 7.1.26: erf within 1.5e-7, below float32's step
# near 1, from ops LiteRT has built in (it has no Erf).
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def normal_cdf(x):
    """The standard normal CDF of `x`, `(1 + erf(x / sqrt(2))) / 2`, from
    built-in LiteRT ops (see `_ERF_A`)."""
    scaled = ops.abs(x) / 2**0.5
    t = 1.0 / (1.0 + _ERF_P * scaled)
    polynomial = 0.0
    for coefficient in reversed(_ERF_A):
        polynomial = (polynomial + coefficient) * t
    erf = 1.0 - polynomial * ops.exp(-ops.square(scaled))
    return 0.5 + 0.5 * ops.sign(x) * erf


@register_serializable
class CharacterDecoder(SavesSeedState, layers.Layer):
    """Noise -> `length` characters, one-hot over `vocabulary_size` ids.

    Args:
        vocabulary_size: int. Character ids, padding (0) and unknown (1)
            included.
        length: int. Characters a text.
        units: int. GRU units. Defaults to `256`.
        embedding_dim: int. Character embedding size. Defaults to `64`.
        temperature: float. Sampling temperature (1: the model's own
            distribution; lower: likelier, less varied text). Defaults to `1.0`.
        gumbel_temperature: float. Softness of the relaxed characters of
            `training=True` (lower: closer to one-hot). Defaults to `1.0`.
        seed: int or `None`. Seed of the Gumbel noise.
        vocabulary: list of str or `None`. The characters of ids 2, 3, ...
            (`len(vocabulary) + 2 == vocabulary_size`), kept in the config so
            that a saved model and its export turn ids back into text.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        z: float32 `(batch, latent_dim)`, `latent_dim >= length`.
        training: bool. `True`: characters drawn with Gumbel noise, one-hot
            forward, with the Gumbel-softmax relaxation's gradient backward
            (straight through); `False`: one-hot characters drawn from `z`.
        temperature: float (or a scalar tensor) or `None`: the sampling
            temperature of this call (`None`: the layer's `temperature`).

    Returns:
        float32 `(batch, length, vocabulary_size)`.
    """

    def __init__(
        self,
        vocabulary_size,
        length,
        units=256,
        embedding_dim=64,
        temperature=1.0,
        gumbel_temperature=1.0,
        seed=None,
        vocabulary=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = check_positive_int("vocabulary_size", vocabulary_size)
        if vocabulary is not None and len(vocabulary) + 2 != vocabulary_size:
            raise ValueError(
                f"`vocabulary_size` ({vocabulary_size}) must be len(vocabulary) + 2 "
                f"({len(vocabulary) + 2}): ids 0 and 1 pad and stand for unknown characters."
            )
        self.vocabulary = None if vocabulary is None else [str(c) for c in vocabulary]
        self.length = check_positive_int("length", length)
        self.units = check_positive_int("units", units)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        if not temperature > 0 or not gumbel_temperature > 0:
            raise ValueError(
                f"Temperatures must be above 0. Received temperature={temperature}, "
                f"gumbel_temperature={gumbel_temperature}."
            )
        self.temperature = float(temperature)
        self.gumbel_temperature = float(gumbel_temperature)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="gumbel")
        self.start_state = layers.Dense(units, activation="tanh", name="start_state")
        self.cell = layers.GRUCell(units, name="gru")
        self.logits = layers.Dense(vocabulary_size, name="logits", dtype="float32")

    def build(self, z_shape):
        latent_dim = z_shape[-1]
        if latent_dim is not None and latent_dim < self.length:
            raise ValueError(
                f"`latent_dim` ({latent_dim}) must be at least `length` ({self.length}): "
                "one noise entry picks each character."
            )
        self.embedding = self.add_weight(
            shape=(self.vocabulary_size, self.embedding_dim),
            initializer="uniform",
            name="embedding",
        )
        self.start_input = self.add_weight(
            shape=(self.embedding_dim,), initializer="zeros", name="start_input"
        )
        self.start_state.build(z_shape)
        self.cell.build((None, self.embedding_dim))
        self.logits.build((None, self.units))

    def _start(self, z):
        state = self.start_state(z)
        start = ops.broadcast_to(self.start_input, (ops.shape(z)[0], self.embedding_dim))
        return start, state

    def teacher_forced(self, z, ids):
        """The logits `(batch, length, vocabulary_size)` of each character of
        `ids` int `(batch, length)` given the characters before it."""
        x, state = self._start(z)
        embedded = ops.take(self.embedding, ids, axis=0)
        steps = []
        for t in range(self.length):
            output, state = self.cell(x, [state])
            state = state[0]
            steps.append(self.logits(output))
            x = embedded[:, t]
        return ops.stack(steps, axis=1)

    def call(self, z, training=False, temperature=None):
        temperature = self.temperature if temperature is None else temperature
        x, state = self._start(z)
        uniform = ops.clip(normal_cdf(z[:, : self.length]), 0.0, 1 - 1e-6)
        characters = []
        for t in range(self.length):
            output, state = self.cell(x, [state])
            state = state[0]
            logits = self.logits(output)
            if training:
                u = keras.random.uniform(ops.shape(logits), 1e-9, 1.0, seed=self.seed_generator)
                gumbel = -ops.log(-ops.log(u))
                soft = ops.softmax((logits + gumbel) / self.gumbel_temperature)
                # Straight through: one-hot forward, the relaxed gradient
                # backward, so a discriminator cannot tell fakes by softness.
                hard = ops.one_hot(ops.argmax(soft, axis=-1), self.vocabulary_size)
                character = soft + ops.stop_gradient(hard - soft)
            else:
                cumulative = ops.cumsum(ops.softmax(logits / temperature), axis=-1)
                chosen = ops.sum(ops.cast(cumulative <= uniform[:, t : t + 1], "int32"), axis=-1)
                chosen = ops.minimum(chosen, self.vocabulary_size - 1)
                character = ops.one_hot(chosen, self.vocabulary_size)
            characters.append(character)
            x = ops.matmul(ops.cast(character, self.embedding.dtype), self.embedding)
        return ops.stack(characters, axis=1)

    def compute_output_shape(self, z_shape):
        return (z_shape[0], self.length, self.vocabulary_size)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "length": self.length,
            "units": self.units,
            "embedding_dim": self.embedding_dim,
            "temperature": self.temperature,
            "gumbel_temperature": self.gumbel_temperature,
            "seed": self.seed,
            "vocabulary": self.vocabulary,
        }


def character_generator(
    vocabulary_size,
    length,
    latent_dim=32,
    units=256,
    embedding_dim=64,
    temperature=1.0,
    seed=None,
    vocabulary=None,
    name="character_generator",
):
    """Builds a Functional character generator: noise -> one-hot characters.

    Args:
        vocabulary_size: int. Character ids, padding and unknown included
            (`len(vocabulary) + 2`).
        length: int. Characters a text (20 for a five-character quatrain).
        latent_dim: int, at least `length`. Defaults to `32`.
        units, embedding_dim, temperature, seed, vocabulary: see
            `CharacterDecoder` (with `vocabulary`, the model can be exported:
            `keras_gans.export.export_generator` writes text).
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to float32
        `(batch, length, vocabulary_size)`; its layer `"decoder"` is the
        `CharacterDecoder` (its `teacher_forced` trains it as a language
        model).

    Example:

        >>> g = keras_gans.networks.character_generator(100, 20)
        >>> g.output_shape
        (None, 20, 100)
    """
    z = keras.Input((check_positive_int("latent_dim", latent_dim),), name="z")
    decoder = CharacterDecoder(
        vocabulary_size,
        length,
        units=units,
        embedding_dim=embedding_dim,
        temperature=temperature,
        seed=seed,
        vocabulary=vocabulary,
        name="decoder",
    )
    return keras.Model(z, decoder(z), name=name)


def text_discriminator(
    vocabulary_size,
    length,
    embedding_dim=64,
    filters=(128, 128, 128),
    kernel_size=3,
    spectral_norm=True,
    name="text_discriminator",
):
    """Builds a text discriminator: one-hot characters -> one raw score.

    A bias-free dense layer embeds each character (for one-hot input it is
    an embedding lookup; for relaxed characters, their mixture), then
    1-D convolutions with LeakyReLU(0.2) read the text, as RelGAN's CNN
    discriminator does, and a dense layer gives the score.

    Args:
        vocabulary_size: int. Character ids, padding and unknown included.
        length: int. Characters a text.
        embedding_dim: int. Defaults to `64`.
        filters: tuple of int. Channels of each convolution. Defaults to
            `(128, 128, 128)`.
        kernel_size: int. Defaults to `3`.
        spectral_norm: bool. Spectral normalization on every layer.
            Defaults to `True`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from float `(batch, length,
        vocabulary_size)` to float32 `(batch, 1)`.
    """
    check_positive_int("vocabulary_size", vocabulary_size)
    characters = keras.Input(
        (check_positive_int("length", length), vocabulary_size), name="characters"
    )
    embed = layers.Dense(embedding_dim, use_bias=False, name="embedding")
    x = maybe_spectral_norm(embed, spectral_norm)(characters)
    for index, channels in enumerate(filters):
        conv = layers.Conv1D(channels, kernel_size, padding="same", name=f"conv_{index}")
        x = layers.LeakyReLU(0.2)(maybe_spectral_norm(conv, spectral_norm)(x))
    x = layers.Flatten()(x)
    score = layers.Dense(1, name="score", dtype="float32")
    return keras.Model(characters, maybe_spectral_norm(score, spectral_norm)(x), name=name)
