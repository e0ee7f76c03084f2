"""keras_gans: practical GANs for Keras 3.

Train with `gan.fit(dataset)`, look at what you trained, and ship the
generator to TF Serving.
"""

from keras_gans import augment
from keras_gans import callbacks
from keras_gans import clustering
from keras_gans import data
from keras_gans import distribute
from keras_gans import evaluation
from keras_gans import export
from keras_gans import losses
from keras_gans import models
from keras_gans import plotting
from keras_gans import recipes
from keras_gans.cycle_gan import CycleGAN
from keras_gans.gan import GAN
from keras_gans.gan import ConditionalGAN
from keras_gans.gan import SelfConditionedGAN
from keras_gans.style_transfer import StyleTransferGAN
from keras_gans.translation import Pix2Pix
from keras_gans.version import __version__

__all__ = [
    "ConditionalGAN",
    "CycleGAN",
    "GAN",
    "Pix2Pix",
    "SelfConditionedGAN",
    "StyleTransferGAN",
    "__version__",
    "augment",
    "callbacks",
    "clustering",
    "data",
    "distribute",
    "evaluation",
    "export",
    "losses",
    "models",
    "plotting",
    "recipes",
]
