"""End-to-end training jobs: the example scripts' work as functions.

Three tiers, each importing only the ones below it:

- jobs (this folder): `mnist`, `images`, `audio`, `video`, `text`, `vocoder`, `style`,
  `super_resolution`, `inpainting` (`JOBS`). Each is a `Job`: a name, one typed config
  with its presets, and `configure`, `resolve` (the settings resolved once, a
  `Resolved`) and `train(config=None, callbacks=(), **overrides)` returning a `TrainResult`.
- engines (`jobs/engines/`): what several jobs share: `noise_to_image`
  (MNIST, own images and own recordings) and `editing` (super-resolution and inpainting).
- plumbing (`jobs/plumbing/`): `settings` (typed configs, flags, tables,
  the `Resolved` record), `job` (the `Job` protocol) and `run` (what every
  job does around `fit`).
"""

from keras_gans.jobs import audio
from keras_gans.jobs import images
from keras_gans.jobs import inpainting
from keras_gans.jobs import mnist
from keras_gans.jobs import style
from keras_gans.jobs import super_resolution
from keras_gans.jobs import text
from keras_gans.jobs import video
from keras_gans.jobs import vocoder
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.job import Job
from keras_gans.jobs.plumbing.run import TrainResult
from keras_gans.jobs.plumbing.settings import Resolved

# `keras-gans train <name>` -> the job module (a `Job`), in the order the
# command lists them.
JOBS = {
    job.NAME: job
    for job in (mnist, images, audio, video, text, vocoder, style, super_resolution, inpainting)
}

__all__ = [
    "JOBS",
    "Job",
    "Resolved",
    "TrainResult",
    "audio",
    "images",
    "inpainting",
    "mnist",
    "settings",
    "style",
    "super_resolution",
    "text",
    "video",
    "vocoder",
]
