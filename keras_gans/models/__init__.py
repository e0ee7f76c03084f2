"""Functional builders for generators and discriminators."""

from keras_gans.models.dcgan import conditional_dcgan_discriminator
from keras_gans.models.dcgan import conditional_dcgan_generator
from keras_gans.models.dcgan import dcgan_discriminator
from keras_gans.models.dcgan import dcgan_filters
from keras_gans.models.dcgan import dcgan_generator
from keras_gans.models.mlp import mlp_discriminator
from keras_gans.models.mlp import mlp_generator
from keras_gans.models.resnet import conditional_resnet_discriminator
from keras_gans.models.resnet import conditional_resnet_generator
from keras_gans.models.resnet import resnet_discriminator
from keras_gans.models.resnet import resnet_generator
from keras_gans.models.style import patchgan_discriminator
from keras_gans.models.style import style_generator
from keras_gans.models.super_resolution import super_resolution_generator
from keras_gans.models.unet import inpainting_generator
from keras_gans.models.unet import unet_generator

__all__ = [
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "dcgan_discriminator",
    "dcgan_filters",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "resnet_discriminator",
    "resnet_generator",
    "conditional_resnet_discriminator",
    "conditional_resnet_generator",
    "style_generator",
    "super_resolution_generator",
    "inpainting_generator",
    "unet_generator",
]
