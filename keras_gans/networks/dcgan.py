"""DCGAN generator and discriminator (Radford et al., 2016) for images of any size.

The depth follows the image size: one stride-2 stage per halving of the
height and width, from a base grid of at least 4x4 (28x28 -> 7x7 in 2
stages, 64x64 -> 4x4 in 4, 48x80 -> 6x10 in 3). Widths double toward the
base grid from `width` (see `dcgan_filters`); with the defaults at 28x28
these are the networks of the founding document's PyTorch DCGAN, the
throughput peer of `benchmarks/`.
"""

import keras
from keras import layers

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.networks._layers import noise_and_label
from keras_gans.networks._layers import projection_score
from keras_gans.utils.validation import check_fraction
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_units


def dcgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    filters=None,
    kernel_size=4,
    width=64,
    name="dcgan_generator",
):
    """Builds a DCGAN generator: noise -> images in [-1, 1].

    `Dense -> (H/2^n, W/2^n, filters[0])` for `n = len(filters)`, then one stride-2 transposed
    convolution per entry of `filters[1:]` and a final stride-2 transposed
    convolution to `channels` with tanh; batch normalization and
    LeakyReLU(0.2) after every hidden layer. With the defaults this is the
    network of the founding document's PyTorch DCGAN (the benchmarks' peer).

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `100`.
        image_shape: tuple `(height, width, channels)`, any channels; height
            and width must be divisible by `2 ** len(filters)`. Defaults to
            `(28, 28, 1)`.
        filters: list of int, or `None` for `dcgan_filters(image_shape,
            width)[0]`. Channels of the base feature map and of each
            upsampling stage before the output. At 28x28 the default is
            `(128, 64)`.
        kernel_size: int. Transposed-convolution kernel size. Defaults to
            `4`.
        width: int. Channels of the last hidden stage when `filters` is
            `None`. Defaults to `64`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.

    Example:

        >>> g = keras_gans.networks.dcgan_generator(image_shape=(32, 32, 3))
        >>> g.output_shape
        (None, 32, 32, 3)
    """
    check_positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,), name="z")
    filters = dcgan_filters(image_shape, width)[0] if filters is None else filters
    images = _generator_body(z, image_shape, filters, kernel_size)
    return keras.Model(z, images, name=name)


def conditional_dcgan_generator(
    latent_dim=100,
    num_classes=10,
    image_shape=(28, 28, 1),
    filters=None,
    kernel_size=4,
    width=64,
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
        image_shape: as in `dcgan_generator`.
        filters: as in `dcgan_generator`.
        kernel_size: as in `dcgan_generator`.
        embedding_dim: int. Size of the label embedding. Defaults to `50`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `[z (batch, latent_dim) float32,
        label (batch,) int32]` to `(batch, *image_shape)`.
    """
    z, label, x = noise_and_label(latent_dim, num_classes, embedding_dim)
    filters = dcgan_filters(image_shape, width)[0] if filters is None else filters
    images = _generator_body(x, image_shape, filters, kernel_size)
    return keras.Model([z, label], images, name=name)


def upsampling_stages(height, width, min_side=4):
    """How often `(height, width)` halve evenly with both sides staying >= `min_side`."""
    stages = 0
    while height % 2 == 0 and width % 2 == 0 and min(height, width) // 2 >= min_side:
        height, width, stages = height // 2, width // 2, stages + 1
    return stages


def checked_stages(image_shape, network):
    """`(height, width, channels, stages)` of a network that doubles the size
    per block from a base grid of at least 4x4; a size that cannot halve is
    an error naming `network`."""
    height, width, channels = check_image_shape(image_shape)
    stages = upsampling_stages(height, width)
    if stages == 0:
        raise ValueError(
            f"{network} upsamples by 2 per block, so `image_shape` needs an even height and "
            f"width of at least 8 (it must halve at least once). Received: "
            f"image_shape={tuple(image_shape)!r}; pick e.g. "
            f"{max(8, height // 2 * 2)}x{max(8, width // 2 * 2)}."
        )
    return height, width, channels, stages


def dcgan_filters(image_shape, width=64, max_width=512):
    """Generator and discriminator widths for an image size.

    One stage per halving (`upsampling_stages`); widths double from `width`
    at the full-resolution end toward the base grid, at most `max_width`.

    Returns:
        `(generator_filters, discriminator_filters)`, e.g. `((128, 64),
        (64, 128))` for `(28, 28, 1)` and `((512, 256, 128, 64), (64, 128,
        256, 512))` for `(64, 64, 3)`.

    Raises:
        ValueError: when the size cannot be halved once (e.g. 25x25, or a side
            under 8): the message says to pick an even size.
    """
    check_positive_int("width", width)
    stages = checked_stages(image_shape, "A DCGAN")[-1]
    generator = tuple(min(width * 2 ** (stages - 1 - i), max_width) for i in range(stages))
    return generator, generator[::-1]


def _generator_body(x, image_shape, filters, kernel_size):
    check_positive_int("kernel_size", kernel_size)
    filters = check_units("filters", filters)
    factor = 2 ** len(filters)
    height, width, channels = check_image_shape(image_shape, factor)
    x = layers.Dense(
        (height // factor) * (width // factor) * filters[0], use_bias=False, name="project"
    )(x)
    x = FusedBatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(0.2, name="project_act")(x)
    x = layers.Reshape((height // factor, width // factor, filters[0]))(x)
    for i, f in enumerate(filters[1:]):
        x = layers.Conv2DTranspose(
            f, kernel_size, strides=2, padding="same", use_bias=False, name=f"up_{i}"
        )(x)
        x = FusedBatchNormalization(name=f"up_{i}_bn")(x)
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
    filters=None,
    kernel_size=4,
    dropout=0.0,
    spectral_norm=False,
    width=64,
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
        filters: list of int, or `None` for `dcgan_filters(image_shape,
            width)[1]`. Channels of each convolution; at 28x28 the default
            is `(64, 128)`.
        kernel_size: int. Convolution kernel size. Defaults to `4`.
        dropout: float. Dropout rate after each convolution. Defaults to
            `0.0`.
        spectral_norm: bool. Wrap every convolution and the score layer in
            `keras.layers.SpectralNormalization` (Miyato et al., 2018), which
            keeps each layer's largest singular value near 1. Defaults to
            `False`.
        width: int. Channels of the first convolution when `filters` is
            `None`. Defaults to `64`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 1)`.
    """
    images = keras.Input(check_image_shape(image_shape), name="images")
    filters = dcgan_filters(image_shape, width)[1] if filters is None else filters
    features = _discriminator_features(images, filters, kernel_size, dropout, spectral_norm)
    score = maybe_spectral_norm(layers.Dense(1, name="score", dtype="float32"), spectral_norm)(
        features
    )
    return keras.Model(images, score, name=name)


def conditional_dcgan_discriminator(
    num_classes=10,
    image_shape=(28, 28, 1),
    filters=None,
    kernel_size=4,
    dropout=0.0,
    spectral_norm=False,
    width=64,
    name="conditional_dcgan_discriminator",
):
    """Builds a projection discriminator: (images, label) -> one raw score.

    Miyato & Koyama, 2018, "cGANs with Projection Discriminator": the
    `dcgan_discriminator` features `h` give `score = w . h + b +
    embed(label) . h`, so the label decides which direction of the features
    counts as real.

    Args:
        num_classes: int. Number of classes. Defaults to `10`.
        image_shape: as in `dcgan_discriminator`.
        filters: as in `dcgan_discriminator`.
        kernel_size: as in `dcgan_discriminator`.
        dropout: as in `dcgan_discriminator`.
        spectral_norm: as in `dcgan_discriminator`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `[images (batch, *image_shape),
        label (batch,) int32]` to `(batch, 1)`.
    """
    check_positive_int("num_classes", num_classes)
    images = keras.Input(check_image_shape(image_shape), name="images")
    label = keras.Input((), dtype="int32", name="label")
    filters = dcgan_filters(image_shape, width)[1] if filters is None else filters
    features = _discriminator_features(images, filters, kernel_size, dropout, spectral_norm)
    score = projection_score(features, label, num_classes, spectral_norm)
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
