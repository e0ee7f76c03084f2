"""Model classes: `keras.Model` subclasses that train a generator against a discriminator.

`AdversarialModel` is the public base: subclass it and override its hooks
(`unpack_batch`, `make_fake`, `generator_terms`, ...) for a GAN variant of
your own. Noise to image: `GAN`, `ConditionalGAN`, `SelfConditionedGAN`.
Image to image (on the `ImageToImageModel` base): `StyleTransferGAN`,
`Pix2Pix`, `CycleGAN`. Text: `TextGAN`, and `MaximumLikelihoodText`, the
yardstick of text GANs and their pretraining. The networks they
train are built by the Functional builders of `keras_gans.networks`.
"""

import warnings

from keras_gans import networks as _networks
from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.adversarial_model import AdversarialModel
from keras_gans.models.cycle_gan import CycleGAN
from keras_gans.models.gan import GAN
from keras_gans.models.gan import ConditionalGAN
from keras_gans.models.gan import SelfConditionedGAN
from keras_gans.models.image_to_image import ImageToImageModel
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.style_transfer_gan import StyleTransferGAN
from keras_gans.models.text import MaximumLikelihoodText
from keras_gans.models.text import TextGAN
from keras_gans.models.vocoder import Vocoder

__all__ = [
    "AdversarialBatch",
    "AdversarialModel",
    "ConditionalGAN",
    "CycleGAN",
    "GAN",
    "ImageToImageModel",
    "MaximumLikelihoodText",
    "Pix2Pix",
    "SelfConditionedGAN",
    "StyleTransferGAN",
    "TextGAN",
    "Vocoder",
]


def __getattr__(name):
    # Until version 0.2 the network builders lived here.
    if name in _networks.__all__:
        warnings.warn(
            f"`keras_gans.models.{name}` is now `keras_gans.networks.{name}` "
            "(`keras_gans.models` holds the model classes); the old name will be "
            "removed in a later release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_networks, name)
    raise AttributeError(f"module 'keras_gans.models' has no attribute '{name}'")
