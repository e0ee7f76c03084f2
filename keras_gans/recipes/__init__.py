"""End-to-end training jobs that the example scripts run."""

from keras_gans.recipes import mnist

__all__ = ["mnist"]
