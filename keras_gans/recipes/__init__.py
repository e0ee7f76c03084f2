"""End-to-end training jobs that the example scripts run.

Each recipe module has a typed config (`MnistConfig`, `ImagesConfig`, `StyleConfig`) with its
presets and one `train(config=None, callbacks=(), **overrides)`.
"""

from keras_gans.recipes import common
from keras_gans.recipes import config
from keras_gans.recipes import images
from keras_gans.recipes import mnist
from keras_gans.recipes import noise_gan
from keras_gans.recipes import style
from keras_gans.recipes.common import TrainResult

__all__ = ["TrainResult", "common", "config", "images", "mnist", "noise_gan", "style"]
