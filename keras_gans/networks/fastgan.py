"""FastGAN's generator: skip-layer excitation for few-image training.

Liu et al., 2021, "Towards Faster and Stabilized GAN Training for
High-fidelity Few-shot Image Synthesis" (FastGAN; lucidrains'
lightweight-gan): a generator that learns from a hundred images in a few GPU
hours. Each upsampling stage is nearest-neighbour upsampling, a 3x3
convolution, batch normalization and a gated linear unit (GLU); the
*skip-layer excitation* (SLE) lets a coarse stage (4x4, 8x8, ...) gate the
channels of a stage three halvings finer, a cheap long-range path that
carries layout to the fine stages. Projected GAN pairs this generator with
its projected discriminator (`keras_gans.networks.projected_discriminator`).
"""

import keras
from keras import layers

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.networks._layers import GatedLinearUnit
from keras_gans.networks.dcgan import checked_stages
from keras_gans.utils.validation import check_positive_int

__all__ = ["fastgan_generator"]


def _up_block(x, filters, name):
    x = layers.UpSampling2D(name=f"{name}_up")(x)
    # A no-op that states the doubled size: the LiteRT converter loses the
    # shape of a nearest upsampling's output and cannot lower a convolution
    # of unknown channels after it.
    x = layers.Reshape(tuple(x.shape[1:]), name=f"{name}_shape")(x)
    x = layers.Conv2D(2 * filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = FusedBatchNormalization(name=f"{name}_bn")(x)
    return GatedLinearUnit(name=f"{name}_glu")(x)


def _excitation(small, big, name):
    """SLE: channel gates for `big` computed from the coarse stage `small`.

    FastGAN pools `small` to 4x4 and convolves it with a 4x4 kernel; global
    pooling and a 1x1 convolution work for any grid (6x10 too).
    """
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_pool")(small)
    x = layers.Conv2D(big.shape[-1], 1, name=f"{name}_squeeze")(x)
    x = layers.Activation("swish", name=f"{name}_swish")(x)
    x = layers.Conv2D(big.shape[-1], 1, activation="sigmoid", name=f"{name}_gates")(x)
    return layers.Multiply(name=name)([big, x])


def fastgan_generator(
    latent_dim=100, image_shape=(64, 64, 3), width=32, max_width=512, name="fastgan_generator"
):
    """Builds a FastGAN generator: noise -> images in [-1, 1].

    From a 4x4 grid (a transposed convolution of the noise, batch norm and
    GLU) up-blocks double the size to the image's, widths halving from
    `width * 2 ** stages` (at most `max_width`) to `width`; every stage
    three halvings finer than another is gated by it (SLE).

    Args:
        latent_dim: int. Size of the noise vector. Defaults to `100`.
        image_shape: tuple `(height, width, channels)`; height and width
            must halve evenly down to a base grid of at least 4x4 (as in
            `dcgan_generator`). Defaults to `(64, 64, 3)`.
        width: int. Channels of the last stage. Defaults to `32`.
        max_width: int. Most channels of any stage. Defaults to `512`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, *image_shape)`.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    height, width_px, channels, stages = checked_stages(image_shape, "A FastGAN generator")
    base_h, base_w = height // 2**stages, width_px // 2**stages
    widths = [min(width * 2 ** (stages - i), max_width) for i in range(stages + 1)]
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(base_h * base_w * 2 * widths[0], use_bias=False, name="init_dense")(z)
    x = layers.Reshape((base_h, base_w, 2 * widths[0]), name="init_grid")(x)
    x = FusedBatchNormalization(name="init_bn")(x)
    features = [GatedLinearUnit(name="init_glu")(x)]
    for i in range(1, stages + 1):
        x = _up_block(features[-1], widths[i], f"up{i}")
        if i >= 3:
            x = _excitation(features[i - 3], x, f"sle{i}")
        features.append(x)
    images = layers.Conv2D(channels, 3, padding="same", activation="tanh", name="to_image")(x)
    return keras.Model(z, images, name=name)
