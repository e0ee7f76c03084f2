"""Image-to-image networks for style transfer: an encoder-decoder generator
and a PatchGAN discriminator (the founding document's section 5.2)."""

import keras
from keras import layers

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_units

NORMALIZATIONS = ("instance", "batch", "none")


def _norm(kind, name):
    if kind == "instance":
        # One group per channel: instance normalization.
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    if kind == "batch":
        return FusedBatchNormalization(name=name)
    return None


def _conv_block(x, filters, kernel_size, strides, norm, name, transpose=False):
    conv = layers.Conv2DTranspose if transpose else layers.Conv2D
    x = conv(
        filters, kernel_size, strides=strides, padding="same", use_bias=norm == "none", name=name
    )(x)
    normalization = _norm(norm, f"{name}_norm")
    if normalization is not None:
        x = normalization(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def style_generator(
    filters=64, residual_blocks=0, norm="instance", input_skip=False, name="style_generator"
):
    """Builds the encoder-decoder style-transfer generator.

    9×9 conv (`filters`) → two stride-2 3×3 convs (`2·filters`, `4·filters`)
    → `residual_blocks` residual blocks → two stride-2 3×3 transposed convs
    (`2·filters`, `filters`) → 9×9 conv to 3 channels with tanh. With the
    defaults it is the founding document's network; `residual_blocks=6` or
    `9` gives the CycleGAN ResNet generator. Fully convolutional: any height
    and width divisible by 4 (the export pads other sizes).

    Args:
        filters: int. Width of the first layer. Defaults to `64`.
        residual_blocks: int. Residual blocks at the bottleneck. Defaults to
            `0` (the founding document's plain encoder-decoder).
        norm: `"instance"`, `"batch"` or `"none"`. Defaults to `"instance"`.
        input_skip: bool. Output `clip(content + tanh(...), -1, 1)`: the
            network learns a change of the photo rather than a whole new
            image, so it keeps the photo's structure from the first step.
            Defaults to `False`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, h, w, 3)` images in
        `[-1, 1]` to `(batch, h, w, 3)` images in `[-1, 1]`.

    Example:

        >>> g = keras_gans.networks.style_generator(residual_blocks=6)
        >>> g(np.zeros((1, 64, 96, 3), "float32")).shape
        TensorShape([1, 64, 96, 3])
    """
    check_positive_int("filters", filters)
    check_int_at_least("residual_blocks", residual_blocks, 0)
    check_choice("norm", norm, NORMALIZATIONS)
    content = keras.Input((None, None, 3), name="content")
    x = _conv_block(content, filters, 9, 1, norm, "enc_0")
    x = _conv_block(x, 2 * filters, 3, 2, norm, "enc_1")
    x = _conv_block(x, 4 * filters, 3, 2, norm, "enc_2")
    for i in range(residual_blocks):
        y = _conv_block(x, 4 * filters, 3, 1, norm, f"res_{i}_a")
        y = layers.Conv2D(
            4 * filters, 3, padding="same", use_bias=norm == "none", name=f"res_{i}_b"
        )(y)
        normalization = _norm(norm, f"res_{i}_b_norm")
        if normalization is not None:
            y = normalization(y)
        x = layers.Add(name=f"res_{i}_add")([x, y])
    x = _conv_block(x, 2 * filters, 3, 2, norm, "dec_0", transpose=True)
    x = _conv_block(x, filters, 3, 2, norm, "dec_1", transpose=True)
    x = layers.Conv2D(3, 9, padding="same", dtype="float32", name="out_conv")(x)
    x = layers.Activation("tanh", dtype="float32", name="out_tanh")(x)
    if input_skip:
        x = layers.Add(dtype="float32", name="input_skip")([x, content])
        x = layers.Activation("hard_tanh", dtype="float32", name="clip")(x)  # to [-1, 1]
    stylized = layers.Identity(dtype="float32", name="stylized")(x)
    return keras.Model(content, stylized, name=name)


def patchgan_discriminator(
    filters=(64, 128, 256, 512), norm="instance", input_channels=3, name="patchgan_discriminator"
):
    """Builds a PatchGAN discriminator: images → a map of per-patch scores.

    4×4 convolutions with LeakyReLU(0.2): stride 2 for all but the last
    entry of `filters`, which uses stride 1; normalization on every layer
    but the first; then a 4×4 convolution to one channel (raw scores). With
    the defaults (64-128-256-512) each score sees a 70×70 patch of a
    256×256 image, as in pix2pix and CycleGAN.

    Args:
        filters: list of int. Defaults to `(64, 128, 256, 512)`.
        norm: `"instance"`, `"batch"` or `"none"`. Defaults to `"instance"`.
        input_channels: int. Channels it sees: `3` for images, more for a
            conditional PatchGAN that sees the generator's input beside the
            image (pix2pix: `3 + 3`). Defaults to `3`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, h, w, input_channels)` to
        `(batch, h', w', 1)`.
    """
    filters = check_units("filters", filters)
    check_choice("norm", norm, NORMALIZATIONS)
    check_positive_int("input_channels", input_channels)
    images = keras.Input((None, None, input_channels), name="images")
    x = images
    for i, f in enumerate(filters):
        strides = 1 if i == len(filters) - 1 else 2
        x = layers.Conv2D(
            f,
            4,
            strides=strides,
            padding="same",
            use_bias=i == 0 or norm == "none",
            name=f"conv_{i}",
        )(x)
        normalization = _norm(norm, f"conv_{i}_norm") if i > 0 else None
        if normalization is not None:
            x = normalization(x)
        x = layers.LeakyReLU(0.2, name=f"conv_{i}_act")(x)
    scores = layers.Conv2D(1, 4, padding="same", dtype="float32", name="patch_scores")(x)
    return keras.Model(images, scores, name=name)
