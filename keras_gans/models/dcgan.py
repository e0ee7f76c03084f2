"""DCGAN generator and discriminator (Radford et al., 2016) for small images."""

import keras
from keras import layers

from keras_gans.models._validation import check_image_shape
from keras_gans.models._validation import check_positive_int
from keras_gans.models._validation import check_units


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
    check_positive_int("kernel_size", kernel_size)
    filters = check_units("filters", filters)
    factor = 2 ** len(filters)
    height, width, channels = check_image_shape(image_shape, factor)
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(
        (height // factor) * (width // factor) * filters[0],
        use_bias=False,
        name="project",
    )(z)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(0.2, name="project_act")(x)
    x = layers.Reshape((height // factor, width // factor, filters[0]))(x)
    for i, f in enumerate(filters[1:]):
        x = layers.Conv2DTranspose(
            f, kernel_size, strides=2, padding="same", use_bias=False,
            name=f"up_{i}",
        )(x)
        x = layers.BatchNormalization(name=f"up_{i}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"up_{i}_act")(x)
    # float32 output under mixed precision: images and losses stay float32.
    images = layers.Conv2DTranspose(
        channels, kernel_size, strides=2, padding="same", activation="tanh",
        dtype="float32", name="images",
    )(x)
    return keras.Model(z, images, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    filters=(64, 128),
    kernel_size=4,
    dropout=0.0,
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
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 1)`.
    """
    check_positive_int("kernel_size", kernel_size)
    filters = check_units("filters", filters)
    image_shape = check_image_shape(image_shape, 2 ** len(filters))
    if not 0.0 <= dropout < 1.0:
        raise ValueError(
            f"`dropout` must be in [0, 1). Received: dropout={dropout!r}"
        )
    images = keras.Input(image_shape, name="images")
    x = images
    for i, f in enumerate(filters):
        x = layers.Conv2D(
            f, kernel_size, strides=2, padding="same", name=f"down_{i}"
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_act")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"down_{i}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    score = layers.Dense(1, name="score", dtype="float32")(x)
    return keras.Model(images, score, name=name)
