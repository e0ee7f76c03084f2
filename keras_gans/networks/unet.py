"""U-Net generators for paired image-to-image translation (pix2pix) and
inpainting."""

import keras
from keras import layers

from keras_gans.networks._layers import BlendRowFill
from keras_gans.networks._layers import CropLike
from keras_gans.networks._layers import KeepKnownPixels
from keras_gans.networks._layers import KnownChannel
from keras_gans.networks._layers import PadToMultiple
from keras_gans.networks._layers import PyramidFill
from keras_gans.networks._layers import RowInterpolation
from keras_gans.networks._layers import ZeroHoles
from keras_gans.networks.style import NORMALIZATIONS
from keras_gans.networks.style import _norm
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_fraction
from keras_gans.utils.validation import check_positive_int


def _check_unet_args(filters, depth, max_filters, norm, dropout):
    check_positive_int("filters", filters)
    check_positive_int("depth", depth)
    check_positive_int("max_filters", max_filters)
    check_choice("norm", norm, NORMALIZATIONS)
    check_fraction("dropout", dropout)


def _unet_body(x, output_channels, filters, depth, max_filters, norm, dropout, out_init=None):
    """Encoder-decoder with skips on `x` (height, width divisible by 2**depth)."""
    skips = []
    for i in range(depth):
        # pix2pix: no normalization on the first layer (raw pixels) nor on
        # the innermost one (a 1x1 map at 256 px, where statistics are void).
        width = min(filters * 2**i, max_filters)
        x = layers.Conv2D(width, 4, strides=2, padding="same", name=f"down_{i}")(x)
        normalization = _norm(norm, f"down_{i}_norm") if 0 < i < depth - 1 else None
        if normalization is not None:
            x = normalization(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_act")(x)
        skips.append(x)
    for i in reversed(range(depth - 1)):
        width = min(filters * 2**i, max_filters)
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", name=f"up_{i}")(x)
        normalization = _norm(norm, f"up_{i}_norm")
        if normalization is not None:
            x = normalization(x)
        if dropout and i >= depth - 4:  # the three innermost, as in pix2pix
            x = layers.Dropout(dropout, name=f"up_{i}_dropout")(x)
        x = layers.ReLU(name=f"up_{i}_act")(x)
        x = layers.Concatenate(name=f"skip_{i}")([x, skips[i]])
    x = layers.Conv2DTranspose(
        output_channels,
        4,
        strides=2,
        padding="same",
        kernel_initializer=out_init or "glorot_uniform",
        dtype="float32",
        name="out_conv",
    )(x)
    return layers.Activation("tanh", dtype="float32", name="out_tanh")(x)


def unet_generator(
    input_channels=3,
    output_channels=3,
    filters=64,
    depth=8,
    max_filters=512,
    norm="instance",
    dropout=0.0,
    name="unet_generator",
):
    """Builds the pix2pix U-Net generator (Isola et al., 2017).

    `depth` stride-2 4×4 convolutions (widths `filters`, `2·filters`, ...
    capped at `max_filters`, LeakyReLU 0.2), then as many stride-2
    transposed convolutions back up (ReLU), each concatenated with the
    encoder layer of the same size, and tanh. With the defaults it is the
    256×256 pix2pix network. Takes images of any height and width: they are
    padded up to multiples of `2**depth` inside the model and the output is
    cropped back.

    Args:
        input_channels: int. Channels of the input. Defaults to `3`.
        output_channels: int. Channels of the output. Defaults to `3`.
        filters: int. Width of the first layer. Defaults to `64`.
        depth: int. Down-sampling steps. Defaults to `8`.
        max_filters: int. Width cap. Defaults to `512`.
        norm: `"instance"`, `"batch"` or `"none"`. Defaults to `"instance"`.
        dropout: float in [0, 1). Dropout in the three innermost decoder
            layers (pix2pix's noise: `0.5`). Defaults to `0.0`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, h, w, input_channels)` to
        `(batch, h, w, output_channels)` in `[-1, 1]`.

    Example:

        >>> g = keras_gans.networks.unet_generator(filters=16, depth=5)
        >>> g(np.zeros((1, 37, 50, 3), "float32")).shape
        TensorShape([1, 37, 50, 3])
    """
    _check_unet_args(filters, depth, max_filters, norm, dropout)
    check_positive_int("input_channels", input_channels)
    check_positive_int("output_channels", output_channels)
    image = keras.Input((None, None, input_channels), name="image")
    x = PadToMultiple(2**depth, name="pad")(image)
    x = _unet_body(x, output_channels, filters, depth, max_filters, norm, dropout)
    translated = CropLike(dtype="float32", name="translated")([x, image])
    return keras.Model(image, translated, name=name)


def inpainting_generator(
    filters=32,
    depth=6,
    max_filters=256,
    norm="instance",
    dropout=0.0,
    row_weight=0.5,
    name="inpainting_generator",
):
    """Builds a U-Net inpainting generator: image and hole mask in, image out.

    The input has four channels: the image in `[-1, 1]` and a mask that is
    `1` in the holes and `0` elsewhere. Pixels under the holes are zeroed
    before the network sees them, whatever they hold. The holes are first
    filled without learning: smoothly from their whole border (a 2-D
    membrane, `PyramidFill`), and row by row (linear interpolation between
    the known pixels left and right of the hole, `RowInterpolation`). The
    base fill takes `row_weight` of the row fill and the rest of the
    membrane, since photos are mostly layered horizontally (horizon, water,
    fields). The U-Net sees the base, both fills and the mask and adds a
    correction, which starts at zero, so the untrained network is the base
    fill and training learns what it misses.
    The output is that image in the holes and the input image elsewhere,
    so only the holes are ever changed.

    Args:
        filters: int. Width of the first layer. Defaults to `32`.
        depth: int. Down-sampling steps (and push-pull levels): the
            bottleneck of a 256×256 image is `256 / 2**depth` wide, and a
            hole is filled from what that bottleneck sees. Defaults to `6`.
        max_filters: int. Width cap. Defaults to `256`.
        norm: `"instance"`, `"batch"` or `"none"`. Defaults to `"instance"`.
        dropout: float in [0, 1). See `unet_generator`. Defaults to `0.0`.
        row_weight: float in [0, 1). Share of the row fill in the base
            fill; `0` leaves only the membrane (for images with no
            preferred direction). Defaults to `0.5`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, h, w, 4)` to
        `(batch, h, w, 3)` in `[-1, 1]`, any `h` and `w`.

    Example:

        >>> g = keras_gans.networks.inpainting_generator(filters=8, depth=4)
        >>> image_and_mask = np.concatenate([images, masks], axis=-1)
        >>> g(image_and_mask).shape == images.shape
        True
    """
    _check_unet_args(filters, depth, max_filters, norm, dropout)
    check_fraction("row_weight", row_weight)
    image_and_mask = keras.Input((None, None, 4), name="image_and_mask")
    zeroed = ZeroHoles(dtype="float32", name="zero_holes")(image_and_mask)
    # Zero padding reads as unknown pixels: the fill ignores it.
    padded = PadToMultiple(2**depth, dtype="float32", name="pad")(zeroed)
    known = KnownChannel(dtype="float32", name="known")(padded)
    membrane = PyramidFill(depth, dtype="float32", name="pyramid_fill")(padded)
    filled, fills = membrane, [membrane]
    if row_weight:
        row_fill = RowInterpolation(dtype="float32", name="row_fill")(padded)
        filled = BlendRowFill(row_weight, dtype="float32", name="base_fill")(
            [membrane, row_fill, known]
        )
        fills = [filled, membrane, row_fill]
    x = layers.Concatenate(dtype="float32", name="filled_and_known")([*fills, known])
    correction = _unet_body(x, 3, filters, depth, max_filters, norm, dropout, out_init="zeros")
    x = layers.Add(dtype="float32", name="add_correction")([filled, correction])
    x = layers.Activation("hard_tanh", dtype="float32", name="clip")(x)
    x = CropLike(dtype="float32", name="crop")([x, image_and_mask])
    inpainted = KeepKnownPixels(dtype="float32", name="inpainted")([image_and_mask, x])
    return keras.Model(image_and_mask, inpainted, name=name)
