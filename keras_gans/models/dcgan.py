"""DCGAN generator and discriminator (Radford et al., 2016) for small images."""

import keras
from keras import layers

from keras_gans.models._layers import maybe_spectral_norm
from keras_gans.validation import check_fraction
from keras_gans.validation import check_image_shape
from keras_gans.validation import check_positive_int
from keras_gans.validation import check_units


def dcgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    filters=(128, 64),
    kernel_size=4,
    name="dcgan_generator",
):
    """Builds a DCGAN generator: noise -> images in [-1, 1].

    `Dense -> (H/4, W/4, filters[0])`, then one stride-2 transposed
    convolution per entry of `filters[1:]` and a final stride-2 transposed
    convolution to `channels` with tanh; batch normalization and
    LeakyReLU(0.2) after every hidden layer. With the defaults this is the
    network of the PyTorch peer in `../shared/bench`.

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `100`.
        image_shape: tuple `(height, width, channels)`; height and width must
            be divisible by `2 ** len(filters)`. Defaults to `(28, 28, 1)`.
        filters: list of int. Channels of the first feature map and of each
            upsampling stage before the output. Defaults to `(128, 64)`.
        kernel_size: int. Transposed-convolution kernel size. Defaults to
            `4`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.

    Example:

    >>> g = keras_gans.models.dcgan_generator(image_shape=(32, 32, 3))
    >>> g.output_shape
    (None, 32, 32, 3)
    """
    check_positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,), name="z")
    images = _generator_body(z, image_shape, filters, kernel_size)
    return keras.Model(z, images, name=name)


def conditional_dcgan_generator(
    latent_dim=100,
    num_classes=10,
    image_shape=(28, 28, 1),
    filters=(128, 64),
    kernel_size=4,
    embedding_dim=50,
    name="conditional_dcgan_generator",
):
    """Builds a class-conditional DCGAN generator: (noise, label) -> images.

    The label's learned embedding is concatenated to the noise; the rest is
    `dcgan_generator`.

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `100`.
        num_classes: int. Number of classes; labels are ints in
            `[0, num_classes)`. Defaults to `10`.
        image_shape, filters, kernel_size: as in `dcgan_generator`.
        embedding_dim: int. Size of the label embedding. Defaults to `50`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `[z (batch, latent_dim) float32,
        label (batch,) int32]` to `(batch, *image_shape)`.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("num_classes", num_classes)
    check_positive_int("embedding_dim", embedding_dim)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(label)
    x = layers.Concatenate(name="z_and_label")([z, embedded])
    images = _generator_body(x, image_shape, filters, kernel_size)
    return keras.Model([z, label], images, name=name)


def _generator_body(x, image_shape, filters, kernel_size):
    check_positive_int("kernel_size", kernel_size)
    filters = check_units("filters", filters)
    factor = 2 ** len(filters)
    height, width, channels = check_image_shape(image_shape, factor)
    x = layers.Dense(
        (height // factor) * (width // factor) * filters[0], use_bias=False, name="project"
    )(x)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(0.2, name="project_act")(x)
    x = layers.Reshape((height // factor, width // factor, filters[0]))(x)
    for i, f in enumerate(filters[1:]):
        x = layers.Conv2DTranspose(
            f, kernel_size, strides=2, padding="same", use_bias=False, name=f"up_{i}"
        )(x)
        x = layers.BatchNormalization(name=f"up_{i}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"up_{i}_act")(x)
    # float32 output under mixed precision: images and losses stay float32.
    images = layers.Conv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        activation="tanh",
        dtype="float32",
        name="images",
    )(x)
    return images


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    filters=(64, 128),
    kernel_size=4,
    dropout=0.0,
    spectral_norm=False,
    name="dcgan_discriminator",
):
    """Builds a DCGAN discriminator: images -> one raw score.

    One stride-2 convolution with LeakyReLU(0.2) per entry of `filters`,
    then a dense layer to one score (no sigmoid: the losses take raw scores).
    No batch normalization, so the discriminator also suits the WGAN-GP
    gradient penalty. With the defaults this is the PyTorch peer's network.

    Args:
        image_shape: tuple `(height, width, channels)`; height and width must
            be divisible by `2 ** len(filters)`. Defaults to `(28, 28, 1)`.
        filters: list of int. Channels of each convolution. Defaults to
            `(64, 128)`.
        kernel_size: int. Convolution kernel size. Defaults to `4`.
        dropout: float. Dropout rate after each convolution. Defaults to
            `0.0`.
        spectral_norm: bool. Wrap every convolution and the score layer in
            `keras.layers.SpectralNormalization` (Miyato et al., 2018), which
            keeps each layer's largest singular value near 1. Defaults to
            `False`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 1)`.
    """
    images = keras.Input(check_image_shape(image_shape), name="images")
    features = _discriminator_features(images, filters, kernel_size, dropout, spectral_norm)
    score = maybe_spectral_norm(layers.Dense(1, name="score", dtype="float32"), spectral_norm)(
        features
    )
    return keras.Model(images, score, name=name)


def conditional_dcgan_discriminator(
    num_classes=10,
    image_shape=(28, 28, 1),
    filters=(64, 128),
    kernel_size=4,
    dropout=0.0,
    spectral_norm=False,
    name="conditional_dcgan_discriminator",
):
    """Builds a projection discriminator: (images, label) -> one raw score.

    Miyato & Koyama, 2018, "cGANs with Projection Discriminator": the
    `dcgan_discriminator` features `h` give `score = w . h + b +
    embed(label) . h`, so the label decides which direction of the features
    counts as real.

    Args:
        num_classes: int. Number of classes. Defaults to `10`.
        image_shape, filters, kernel_size, dropout, spectral_norm: as in
            `dcgan_discriminator`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `[images (batch, *image_shape),
        label (batch,) int32]` to `(batch, 1)`.
    """
    check_positive_int("num_classes", num_classes)
    images = keras.Input(check_image_shape(image_shape), name="images")
    label = keras.Input((), dtype="int32", name="label")
    features = _discriminator_features(images, filters, kernel_size, dropout, spectral_norm)
    unconditional = maybe_spectral_norm(
        layers.Dense(1, name="score", dtype="float32"), spectral_norm
    )(features)
    embedded = layers.Embedding(num_classes, features.shape[-1], name="label_embedding")(label)
    projection = layers.Dot(axes=1, name="projection", dtype="float32")([embedded, features])
    score = layers.Add(name="conditional_score", dtype="float32")([unconditional, projection])
    return keras.Model([images, label], score, name=name)


def _discriminator_features(images, filters, kernel_size, dropout, spectral_norm):
    """Strided convolutions with LeakyReLU, flattened."""
    check_positive_int("kernel_size", kernel_size)
    filters = check_units("filters", filters)
    check_image_shape(tuple(images.shape[1:]), 2 ** len(filters))
    check_fraction("dropout", dropout)
    x = images
    for i, f in enumerate(filters):
        conv = layers.Conv2D(f, kernel_size, strides=2, padding="same", name=f"down_{i}")
        x = maybe_spectral_norm(conv, spectral_norm)(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_act")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"down_{i}_dropout")(x)
    return layers.Flatten(name="flatten")(x)
