"""The lowest layer: argument checks, Keras saving, precision settings, private Keras API."""

from keras_gans.utils import keras_internals
from keras_gans.utils import precision
from keras_gans.utils import saving
from keras_gans.utils import validation

__all__ = ["keras_internals", "precision", "saving", "validation"]
