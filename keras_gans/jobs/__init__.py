"""End-to-end training jobs: the example scripts' work as functions.

Three tiers, each importing only the ones below it:

- jobs (this folder): `mnist`, `images`, `audio`, `vocoder`, `style`,
  `super_resolution`, `inpainting`. Each has one typed config with its presets and one
  `train(config=None, callbacks=(), **overrides)` returning a `TrainResult`.
- engines (`jobs/engines/`): what several jobs share: `noise_to_image`
  (MNIST, own images and own recordings) and `editing` (super-resolution and inpainting).
- plumbing (`jobs/plumbing/`): `settings` (typed configs, flags, tables)
  and `run` (what every job does around `fit`).
"""

from keras_gans.jobs import audio
from keras_gans.jobs import images
from keras_gans.jobs import inpainting
from keras_gans.jobs import mnist
from keras_gans.jobs import style
from keras_gans.jobs import super_resolution
from keras_gans.jobs import vocoder
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.run import TrainResult

__all__ = [
    "TrainResult",
    "audio",
    "images",
    "inpainting",
    "mnist",
    "settings",
    "style",
    "super_resolution",
    "vocoder",
]
