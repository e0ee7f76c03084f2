"""The super-resolution generator: residual blocks at low resolution, then
sub-pixel upsampling, on top of a bilinear upscale."""

import keras
from keras import layers

from keras_gans.networks._layers import BilinearUpscale
from keras_gans.networks._layers import PixelShuffle
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_positive_int

SCALES = (2, 4, 8)


def super_resolution_generator(
    scale=4, filters=64, residual_blocks=8, name="super_resolution_generator"
):
    """Builds an EDSR-style super-resolution generator (Lim et al., 2017).

    A 3×3 convolution, `residual_blocks` residual blocks (conv-ReLU-conv,
    no normalization) and a long skip, all at the input's resolution; then
    one 3×3 convolution + pixel shuffle (Shi et al., 2016) per factor of 2,
    and a 3×3 convolution to RGB, added to a bilinear upscale of the input.
    The last convolution starts at zero, so the untrained network is the
    bilinear upscale and training learns the missing detail. Working at the
    input's resolution costs `scale**2` times less per layer than a U-Net on
    the upscaled image. The upscale and the sum run in float32 under
    mixed precision: 16-bit floats would round the image itself.

    Args:
        scale: int. Upscaling factor: `2`, `4` or `8`. Defaults to `4`.
        filters: int. Width. Defaults to `64`.
        residual_blocks: int. Defaults to `8`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, h, w, 3)` images in
        `[-1, 1]` to `(batch, scale·h, scale·w, 3)` in `[-1, 1]`, any `h`, `w`.

    Example:

        >>> g = keras_gans.networks.super_resolution_generator(filters=16, residual_blocks=2)
        >>> g(np.zeros((1, 24, 40, 3), "float32")).shape
        TensorShape([1, 96, 160, 3])
    """
    check_choice("scale", scale, SCALES)
    check_positive_int("filters", filters)
    check_int_at_least("residual_blocks", residual_blocks, 0)
    image = keras.Input((None, None, 3), name="image")
    x = head = layers.Conv2D(filters, 3, padding="same", name="head")(image)
    for i in range(residual_blocks):
        y = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"res_{i}_a")(x)
        y = layers.Conv2D(filters, 3, padding="same", name=f"res_{i}_b")(y)
        x = layers.Add(name=f"res_{i}_add")([x, y])
    x = layers.Add(name="long_skip")([head, x])
    for i in range(scale.bit_length() - 1):
        x = layers.Conv2D(4 * filters, 3, padding="same", name=f"up_{i}_conv")(x)
        x = PixelShuffle(2, name=f"up_{i}_shuffle")(x)
        x = layers.LeakyReLU(0.2, name=f"up_{i}_act")(x)
    detail = layers.Conv2D(
        3, 3, padding="same", kernel_initializer="zeros", dtype="float32", name="detail"
    )(x)
    base = BilinearUpscale(scale, dtype="float32", name="bilinear")(image)
    x = layers.Add(dtype="float32", name="add_detail")([base, detail])
    upscaled = layers.Activation("hard_tanh", dtype="float32", name="upscaled")(x)
    return keras.Model(image, upscaled, name=name)
