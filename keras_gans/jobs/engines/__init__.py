"""Training engines that several jobs share: noise-to-image and image editing."""

from keras_gans.jobs.engines import editing
from keras_gans.jobs.engines import noise_to_image

__all__ = ["editing", "noise_to_image"]
