"""Layer helpers shared by the model builders."""

from keras import layers


def maybe_spectral_norm(layer, spectral_norm):
    """`layer` wrapped in `keras.layers.SpectralNormalization` if asked."""
    if not spectral_norm:
        return layer
    return layers.SpectralNormalization(layer, name=f"{layer.name}_sn")
