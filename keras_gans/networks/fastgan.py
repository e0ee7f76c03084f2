"""FastGAN's networks: skip-layer excitation and a self-supervised discriminator.

Liu et al., 2021, "Towards Faster and Stabilized GAN Training for
High-fidelity Few-shot Image Synthesis" (FastGAN; lucidrains'
lightweight-gan): a generator that learns from a hundred images in a few GPU
hours. Each upsampling stage is nearest-neighbour upsampling, a 3x3
convolution, batch normalization and a gated linear unit (GLU); the
*skip-layer excitation* (SLE) lets a coarse stage (4x4, 8x8, ...) gate the
channels of a stage three halvings finer, a cheap long-range path that
carries layout to the fine stages. Projected GAN pairs this generator with
its projected discriminator (`keras_gans.networks.projected_discriminator`).

FastGAN's own discriminator must also *reconstruct* the real images from its
coarsest features and a random quadrant of the next-finer ones (small
decoders): a self-supervised task that makes it learn features that describe
the images instead of memorizing which 200 of them are real. It scores the
image at two scales, full and halved.
"""

import functools

import keras
from keras import layers

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.networks._layers import GatedLinearUnit
from keras_gans.networks._layers import RandomQuadrant
from keras_gans.networks._layers import ReconstructionError
from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.networks.dcgan import checked_stages
from keras_gans.networks.dcgan import upsampling_stages
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative
from keras_gans.utils.validation import check_positive_int

__all__ = ["fastgan_discriminator", "fastgan_generator"]


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


def _down_block(x, filters, name, spectral_norm):
    """Halves the size: a strided path and a pooled shortcut, summed (as in
    lightweight-gan's discriminator)."""
    conv = functools.partial(maybe_spectral_norm, spectral_norm=spectral_norm)
    y = conv(layers.Conv2D(filters, 4, 2, padding="same", name=f"{name}_down"))(x)
    y = layers.LeakyReLU(0.2, name=f"{name}_lrelu1")(y)
    y = conv(layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv"))(y)
    y = layers.LeakyReLU(0.2, name=f"{name}_lrelu2")(y)
    shortcut = layers.AveragePooling2D(2, name=f"{name}_pool")(x)
    shortcut = conv(layers.Conv2D(filters, 1, name=f"{name}_shortcut"))(shortcut)
    shortcut = layers.LeakyReLU(0.2, name=f"{name}_lrelu3")(shortcut)
    return layers.Add(name=name)([y, shortcut])


def _patch_logits(x, name, spectral_norm):
    """A 1x1 convolution, then one raw score per 4x4 window."""
    conv = functools.partial(maybe_spectral_norm, spectral_norm=spectral_norm)
    x = conv(layers.Conv2D(x.shape[-1], 1, name=f"{name}_mix"))(x)
    x = layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x)
    x = conv(layers.Conv2D(1, 4, padding="valid", name=f"{name}_logits"))(x)
    return layers.Flatten(name=f"{name}_flat")(x)


def _decoder(x, upsamplings, filters, channels, name):
    """FastGAN's simple decoder: nearest upsampling, 3x3 convolution, GLU."""
    for i in range(upsamplings):
        x = layers.UpSampling2D(name=f"{name}_up{i}")(x)
        x = layers.Conv2D(2 * filters, 3, padding="same", name=f"{name}_conv{i}")(x)
        x = GatedLinearUnit(name=f"{name}_glu{i}")(x)
    return layers.Conv2D(channels, 3, padding="same", activation="tanh", name=f"{name}_image")(x)


def fastgan_discriminator(
    image_shape=(64, 64, 3),
    width=32,
    max_width=256,
    reconstruction_weight=1.0,
    spectral_norm=False,
    seed=None,
    name="fastgan_discriminator",
):
    """Builds FastGAN's self-supervised discriminator: images -> [scores, error].

    Residual down blocks halve the image to a grid of at most 8x8 (4x4 patch
    scores there); a second, smaller stack scores the image at half size.
    Two decoders reconstruct the half-size image from the coarsest features
    and a random quadrant of the full-size image from that quadrant of the
    next-finer features. The second output is each example's reconstruction
    error (mean squared, as no perceptual-loss weights exist offline), times
    `reconstruction_weight`: `keras_gans.GAN` adds it to the discriminator's
    loss on real images only (fakes need not be described).

    Args:
        image_shape: tuple `(height, width, channels)` of images in [-1, 1];
            height and width must halve evenly at least twice (e.g. 28x28,
            64x64, 48x80). Defaults to `(64, 64, 3)`.
        width: int. Channels of the first down block, doubling per halving
            (at most `max_width`); the decoders use `width` channels.
            Defaults to `32`.
        max_width: int. Most channels of any block. Defaults to `256`.
        reconstruction_weight: float. Factor on the reconstruction error.
            Defaults to `1.0`.
        spectral_norm: bool. Spectral normalization of the scoring
            convolutions. Defaults to `False` (lightweight-gan's choice).
        seed: int or `None`. Seed of the quadrant draws.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `[scores (batch, n), reconstruction_error (batch,)]`, the scores of
        both scales side by side (losses average them per image).

    Example:

    ```python
    gan = kg.GAN(
        kg.networks.fastgan_generator(image_shape=(64, 64, 3)),
        kg.networks.fastgan_discriminator(image_shape=(64, 64, 3)),
    )
    gan.compile(loss="hinge", augment="translation,color,cutout")
    ```
    """
    height, width_px, channels = check_image_shape(image_shape)
    check_positive_int("width", width)
    check_positive_int("max_width", max_width)
    reconstruction_weight = check_non_negative("reconstruction_weight", reconstruction_weight)
    stages = upsampling_stages(height, width_px)
    if stages > 2 and min(height, width_px) // 2**stages < 8:
        stages -= 1  # stop at the last grid of at least 8x8, as FastGAN does
    if stages < 2:
        raise ValueError(
            "A FastGAN discriminator halves the image at least twice (its part decoder "
            "crops a quadrant of the next-finer features), so `image_shape` needs a height "
            "and width divisible by 4 and at least 16. Received: "
            f"image_shape={tuple(image_shape)!r}; pick e.g. "
            f"{max(16, height // 4 * 4)}x{max(16, width_px // 4 * 4)}."
        )
    filters = [min(width * 2**i, max_width) for i in range(stages)]
    images = keras.Input((height, width_px, channels), name="images")
    x = images
    features = []
    for i, f in enumerate(filters):
        x = _down_block(x, f, f"down{i}", spectral_norm)
        features.append(x)
    half = layers.AveragePooling2D(2, name="half_size")(images)
    y = maybe_spectral_norm(
        layers.Conv2D(filters[0], 3, padding="same", name="small_stem"), spectral_norm
    )(half)
    y = layers.LeakyReLU(0.2, name="small_stem_lrelu")(y)
    for i, f in enumerate(filters[1:]):
        y = _down_block(y, f, f"small_down{i}", spectral_norm)
    scores = layers.Concatenate(name="scores")(
        [_patch_logits(x, "big", spectral_norm), _patch_logits(y, "small", spectral_norm)]
    )
    whole = _decoder(features[-1], stages - 1, width, channels, "decode_whole")
    part_features, part_image = RandomQuadrant(seed=seed, name="quadrant")([features[-2], images])
    part = _decoder(part_features, stages - 1, width, channels, "decode_part")
    error = ReconstructionError(reconstruction_weight, dtype="float32", name="reconstruction")(
        [whole, half, part, part_image]
    )
    return keras.Model(images, [scores, error], name=name)
