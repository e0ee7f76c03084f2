"""End-to-end training jobs: the example scripts' work as functions.

Three tiers, each importing only the ones below it:

- jobs (this folder): `mnist`, `images`, `audio`, `vocoder`, `style`,
  `super_resolution`, `inpainting`. Each has one typed config with its presets and one
  `train(config=None, callbacks=(), **overrides)` returning a `TrainResult`.
- engines (`recipes/engines/`): what several jobs share: `noise_to_image`
  (MNIST, own images and own recordings) and `editing` (super-resolution and inpainting).
- plumbing (`recipes/plumbing/`): `settings` (typed configs, flags, tables)
  and `run` (what every job does around `fit`).
"""

import warnings

from keras_gans.recipes import audio
from keras_gans.recipes import images
from keras_gans.recipes import inpainting
from keras_gans.recipes import mnist
from keras_gans.recipes import style
from keras_gans.recipes import super_resolution
from keras_gans.recipes import vocoder
from keras_gans.recipes.plumbing import settings
from keras_gans.recipes.plumbing.run import TrainResult

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

# Names of modules that moved in the layout of version 0.2 (kept working).
_MOVED = {"config": settings}


def __getattr__(name):
    if name in _MOVED:
        module = _MOVED[name]
        warnings.warn(
            f"`keras_gans.recipes.{name}` is now `{module.__name__}`; the old name will "
            "be removed in a later release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return module
    raise AttributeError(f"module 'keras_gans.recipes' has no attribute '{name}'")
