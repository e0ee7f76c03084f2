"""ResNet generator and discriminator (SNGAN / BigGAN-style residual blocks).

Miyato et al., 2018 (SNGAN) and Brock et al., 2019 (BigGAN): the generator
upsamples with residual blocks (batch norm, ReLU, nearest-neighbour
upsampling, two 3x3 convolutions, a 1x1 shortcut); the discriminator
downsamples with residual blocks under spectral normalization and scores
the sum-pooled features. Depth follows the image size as in the DCGAN
builders (`keras_gans.networks.dcgan.upsampling_stages`), so any size that
halves evenly works, square or not. They suit the hinge loss
(`loss="hinge"`), as in the papers.
"""

import keras
from keras import layers

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.networks._layers import GlobalSumPooling2D
from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.networks._layers import noise_and_label
from keras_gans.networks._layers import projection_score
from keras_gans.networks.dcgan import checked_stages
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int


def _stages(image_shape):
    return checked_stages(image_shape, "A ResNet GAN")


def _widths(stages, width, max_width):
    """Per-block widths from the base grid to full resolution."""
    return [min(width * 2 ** (stages - 1 - i), max_width) for i in range(stages)]


def _up_block(x, filters, name):
    shortcut = layers.UpSampling2D(name=f"{name}_skip_up")(x)
    shortcut = layers.Conv2D(filters, 1, name=f"{name}_skip_conv")(shortcut)
    x = FusedBatchNormalization(name=f"{name}_bn1")(x)
    x = layers.ReLU(name=f"{name}_relu1")(x)
    x = layers.UpSampling2D(name=f"{name}_up")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv1")(x)
    x = FusedBatchNormalization(name=f"{name}_bn2")(x)
    x = layers.ReLU(name=f"{name}_relu2")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(x)
    return layers.Add(name=f"{name}_add")([x, shortcut])


def _generator_body(x, image_shape, width, max_width):
    height, width_px, channels, stages = _stages(image_shape)
    widths = _widths(stages, width, max_width)
    base_h, base_w = height // 2**stages, width_px // 2**stages
    x = layers.Dense(base_h * base_w * widths[0], name="project")(x)
    x = layers.Reshape((base_h, base_w, widths[0]), name="project_grid")(x)
    for i, filters in enumerate(widths):
        x = _up_block(x, filters, f"up_{i}")
    x = FusedBatchNormalization(name="out_bn")(x)
    x = layers.ReLU(name="out_relu")(x)
    # float32 output under mixed precision: images and losses stay float32.
    return layers.Conv2D(
        channels, 3, padding="same", activation="tanh", dtype="float32", name="images"
    )(x)


def resnet_generator(
    latent_dim=128, image_shape=(64, 64, 3), width=64, max_width=512, name="resnet_generator"
):
    """Builds a ResNet generator: noise -> images in [-1, 1].

    `Dense -> base grid`, one residual upsampling block per halving of the
    image size (widths doubling from `width` toward the base grid, at most
    `max_width`), batch norm, ReLU, a 3x3 convolution to `channels`, tanh.

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `128`.
        image_shape: tuple `(height, width, channels)`; height and width
            must halve evenly at least once, to a grid of at least 4x4.
            Defaults to `(64, 64, 3)`.
        width: int. Channels of the last block. Defaults to `64`.
        max_width: int. Widest block. Defaults to `512`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.

    Example:

        >>> g = keras_gans.networks.resnet_generator(image_shape=(32, 48, 3), width=32)
        >>> g.output_shape
        (None, 32, 48, 3)
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, _generator_body(z, image_shape, width, max_width), name=name)


def conditional_resnet_generator(
    latent_dim=128,
    num_classes=10,
    image_shape=(64, 64, 3),
    width=64,
    max_width=512,
    embedding_dim=128,
    name="conditional_resnet_generator",
):
    """Builds a class-conditional ResNet generator: (noise, label) -> images.

    The label's learned embedding is concatenated to the noise (as in
    `conditional_dcgan_generator`); the rest is `resnet_generator`.

    Args:
        num_classes: int. Labels are ints in `[0, num_classes)`.
        embedding_dim: int. Size of the label embedding. Defaults to `128`.
        latent_dim: as in `resnet_generator`.
        image_shape: as in `resnet_generator`.
        width: as in `resnet_generator`.
        max_width: as in `resnet_generator`.
        name: as in `resnet_generator`.
    """
    z, label, x = noise_and_label(latent_dim, num_classes, embedding_dim)
    images = _generator_body(x, image_shape, width, max_width)
    return keras.Model([z, label], images, name=name)


def _down_block(x, filters, name, first, spectral_norm):
    def conv(f, size, block_name):
        return maybe_spectral_norm(
            layers.Conv2D(f, size, padding="same", name=block_name), spectral_norm
        )

    shortcut = x
    if first:
        shortcut = layers.AveragePooling2D(2, name=f"{name}_skip_pool")(shortcut)
        shortcut = conv(filters, 1, f"{name}_skip_conv")(shortcut)
    else:
        shortcut = conv(filters, 1, f"{name}_skip_conv")(shortcut)
        shortcut = layers.AveragePooling2D(2, name=f"{name}_skip_pool")(shortcut)
        x = layers.ReLU(name=f"{name}_relu0")(x)
    x = conv(filters, 3, f"{name}_conv1")(x)
    x = layers.ReLU(name=f"{name}_relu1")(x)
    x = conv(filters, 3, f"{name}_conv2")(x)
    x = layers.AveragePooling2D(2, name=f"{name}_pool")(x)
    return layers.Add(name=f"{name}_add")([x, shortcut])


def _discriminator_features(images, width, max_width, spectral_norm):
    _, _, _, stages = _stages(tuple(images.shape[1:]))
    x = images
    for i, filters in enumerate(reversed(_widths(stages, width, max_width))):
        x = _down_block(x, filters, f"down_{i}", first=i == 0, spectral_norm=spectral_norm)
    x = layers.ReLU(name="features_relu")(x)
    # Sum over positions (SNGAN): the score grows with the evidence.
    return GlobalSumPooling2D(name="sum_pool")(x)


def resnet_discriminator(
    image_shape=(64, 64, 3),
    width=64,
    max_width=512,
    spectral_norm=True,
    name="resnet_discriminator",
):
    """Builds a ResNet discriminator: images -> one raw score.

    One residual downsampling block per halving (widths doubling from
    `width`), ReLU, sum pooling, a dense score; spectral normalization on
    every convolution and the score by default (SNGAN).

    Args:
        image_shape: tuple `(height, width, channels)`. Defaults to
            `(64, 64, 3)`.
        width: int. Channels of the first block. Defaults to `64`.
        max_width: int. Widest block. Defaults to `512`.
        spectral_norm: bool. Defaults to `True`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, 1)`.
    """
    check_positive_int("width", width)
    images = keras.Input(check_image_shape(image_shape), name="images")
    features = _discriminator_features(images, width, max_width, spectral_norm)
    score = maybe_spectral_norm(layers.Dense(1, name="score", dtype="float32"), spectral_norm)
    return keras.Model(images, score(features), name=name)


def conditional_resnet_discriminator(
    num_classes=10,
    image_shape=(64, 64, 3),
    width=64,
    max_width=512,
    spectral_norm=True,
    name="conditional_resnet_discriminator",
):
    """Builds a ResNet projection discriminator: (images, label) -> one raw score.

    `score = w . h + b + embed(label) . h` on the sum-pooled features `h`
    (Miyato & Koyama, 2018); the rest is `resnet_discriminator`.
    """
    check_positive_int("num_classes", num_classes)
    images = keras.Input(check_image_shape(image_shape), name="images")
    label = keras.Input((), dtype="int32", name="label")
    features = _discriminator_features(images, width, max_width, spectral_norm)
    score = projection_score(features, label, num_classes, spectral_norm)
    return keras.Model([images, label], score, name=name)
