"""Layer helpers shared by the model builders."""

import keras
from keras import layers

from keras_gans.saving import register_serializable


def maybe_spectral_norm(layer, spectral_norm):
    """`layer` wrapped in `keras.layers.SpectralNormalization` if asked."""
    if not spectral_norm:
        return layer
    return layers.SpectralNormalization(layer, name=f"{layer.name}_sn")


@register_serializable
class GlobalSumPooling2D(layers.Layer):
    """Sums `(batch, h, w, c)` over positions: SNGAN's discriminator pooling."""

    def call(self, inputs):
        return keras.ops.sum(inputs, axis=(1, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])
