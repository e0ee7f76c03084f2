"""tf.data input pipelines."""

from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.mnist import load_arrays
from keras_gans.data.mnist import load_idx
from keras_gans.data.mnist import mnist
from keras_gans.data.mnist import read_idx
from keras_gans.data.transforms import to_float
from keras_gans.data.transforms import to_uint8

__all__ = [
    "DataNotFoundError",
    "load_arrays",
    "load_idx",
    "mnist",
    "read_idx",
    "to_float",
    "to_uint8",
]
