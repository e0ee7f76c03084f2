"""keras_gans: practical GANs for Keras 3.

Train with `gan.fit(dataset)`, look at what you trained, and ship the
generator to TF Serving.

The package, from the bottom layer up (each imports only layers below it):
`utils` (argument checks, saving, precision, private Keras API),
`distribute` and `presets` (trained generators that come with the package);
`data`, `plotting`, `losses`, `augment`, `clustering`, `networks` (Functional
builders); `contracts` and `export`; `models` (the model classes);
`evaluation`; `callbacks` and `latent` (truncation, directions, projection);
`jobs` (what `keras-gans train` runs).
"""

import importlib

from keras_gans import augment
from keras_gans import callbacks
from keras_gans import clustering
from keras_gans import contracts
from keras_gans import data
from keras_gans import distribute
from keras_gans import evaluation
from keras_gans import export
from keras_gans import jobs
from keras_gans import latent
from keras_gans import losses
from keras_gans import models
from keras_gans import networks
from keras_gans import plotting
from keras_gans import presets
from keras_gans.models import GAN
from keras_gans.models import AdversarialModel
from keras_gans.models import ConditionalGAN
from keras_gans.models import CycleGAN
from keras_gans.models import Pix2Pix
from keras_gans.models import SelfConditionedGAN
from keras_gans.models import StyleTransferGAN
from keras_gans.models import Vocoder
from keras_gans.version import __version__

__all__ = [
    "AdversarialModel",
    "ConditionalGAN",
    "CycleGAN",
    "GAN",
    "Pix2Pix",
    "SelfConditionedGAN",
    "StyleTransferGAN",
    "Vocoder",
    "__version__",
    "augment",
    "callbacks",
    "clustering",
    "contracts",
    "data",
    "distribute",
    "evaluation",
    "export",
    "losses",
    "models",
    "networks",
    "jobs",
    "latent",
    "plotting",
    "presets",
]


def __getattr__(name):
    if name == "recipes":  # the old name of `jobs`: importing it warns
        return importlib.import_module("keras_gans.recipes")
    raise AttributeError(f"module 'keras_gans' has no attribute '{name}'")
