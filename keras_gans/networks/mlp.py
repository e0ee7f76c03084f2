"""Multilayer-perceptron generator and discriminator (the founding MNIST GAN)."""

import math

import keras
from keras import layers

from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.utils.validation import check_fraction
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_units


def mlp_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    hidden_units=(128, 256),
    activation="relu",
    name="mlp_generator",
):
    """Builds a fully connected generator: noise -> images in [-1, 1].

    With the defaults this is the founding document's generator,
    `100 -> 128 -> 256 -> 784` with ReLU and a tanh output, reshaped to
    `image_shape`.

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `100`.
        image_shape: tuple `(height, width, channels)`. Defaults to
            `(28, 28, 1)`.
        hidden_units: list of int. Width of each hidden layer. Defaults to
            `(128, 256)`.
        activation: str or callable. Hidden activation. Defaults to `"relu"`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.

    Example:

        >>> g = keras_gans.networks.mlp_generator(latent_dim=64)
        >>> g.output_shape
        (None, 28, 28, 1)
    """
    check_positive_int("latent_dim", latent_dim)
    image_shape = check_image_shape(image_shape)
    hidden_units = check_units("hidden_units", hidden_units)
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, units in enumerate(hidden_units):
        x = layers.Dense(units, activation=activation, name=f"dense_{i}")(x)
    # float32 output under mixed precision: images and losses stay float32.
    x = layers.Dense(math.prod(image_shape), activation="tanh", dtype="float32", name="dense_out")(
        x
    )
    images = layers.Reshape(image_shape, dtype="float32", name="images")(x)
    return keras.Model(z, images, name=name)


def mlp_discriminator(
    image_shape=(28, 28, 1),
    hidden_units=(128, 64),
    activation="relu",
    dropout=0.0,
    spectral_norm=False,
    name="mlp_discriminator",
):
    """Builds a fully connected discriminator: images -> one raw score.

    With the defaults this is the founding document's discriminator,
    `784 -> 128 -> 64 -> 1` with ReLU, except that the final sigmoid is left
    to the loss (`keras_gans.losses` works on raw scores).

    Args:
        image_shape: tuple `(height, width, channels)`. Defaults to
            `(28, 28, 1)`.
        hidden_units: list of int. Width of each hidden layer. Defaults to
            `(128, 64)`.
        activation: str or callable. Hidden activation. Defaults to `"relu"`.
        dropout: float. Dropout rate after each hidden layer. Defaults to
            `0.0`.
        spectral_norm: bool. Wrap every dense layer in
            `keras.layers.SpectralNormalization`. Defaults to `False`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 1)`.
    """
    image_shape = check_image_shape(image_shape)
    hidden_units = check_units("hidden_units", hidden_units)
    check_fraction("dropout", dropout)
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten(name="flatten")(images)
    for i, units in enumerate(hidden_units):
        x = maybe_spectral_norm(
            layers.Dense(units, activation=activation, name=f"dense_{i}"), spectral_norm
        )(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    score = maybe_spectral_norm(layers.Dense(1, name="score", dtype="float32"), spectral_norm)(x)
    return keras.Model(images, score, name=name)
