"""Functional builders for generators and discriminators.

Each builder validates its arguments, names every layer and returns a
Functional `keras.Model` that the model classes of `keras_gans.models` train.
Noise to image: `mlp_*`, `dcgan_*`, `resnet_*` (plain and conditional).
Image to image: `style_generator`, `unet_generator`, `inpainting_generator`,
`super_resolution_generator`, `patchgan_discriminator`.
Small data: `fastgan_generator` (skip-layer excitation),
`fastgan_discriminator` (self-supervised: it also reconstructs the real
images) and `projected_discriminator` (frozen ImageNet features, Projected
GAN).
Noise to sound: `wavegan_*` (plain and conditional, 1-D convolutions);
SpecGAN's spectrograms (`spectrogram_shape`: any image pair draws them,
`AudioToSpectrogram` makes them from clips, `SpectrogramToAudio` turns them
back into sound).
Noise to clip: `video_generator` (MoCoGAN-style: a content code, GRU motion
codes, one DCGAN frame generator), `layered_video_generator` (layers drawn
once per clip and moved over a background), `video_discriminator` (sampled frames and
3-D convolutions over the clip).
Mel spectrogram to sound: `hifigan_generator`, `hifigan_discriminator`,
`vocos_generator` (the STFT at the frame rate, `SpectrumToAudio`).
Pretrained features: `efficientnet_lite0` (ImageNet weights read offline by
`efficientnet_lite.load_imagenet_weights`).
"""

from keras_gans.networks import efficientnet_lite
from keras_gans.networks import pairs
from keras_gans.networks.dcgan import conditional_dcgan_discriminator
from keras_gans.networks.dcgan import conditional_dcgan_generator
from keras_gans.networks.dcgan import dcgan_discriminator
from keras_gans.networks.dcgan import dcgan_filters
from keras_gans.networks.dcgan import dcgan_generator
from keras_gans.networks.efficientnet_lite import efficientnet_lite0
from keras_gans.networks.fastgan import fastgan_discriminator
from keras_gans.networks.fastgan import fastgan_generator
from keras_gans.networks.hifigan import hifigan_discriminator
from keras_gans.networks.hifigan import hifigan_generator
from keras_gans.networks.mlp import mlp_discriminator
from keras_gans.networks.mlp import mlp_generator
from keras_gans.networks.projected import projected_discriminator
from keras_gans.networks.resnet import conditional_resnet_discriminator
from keras_gans.networks.resnet import conditional_resnet_generator
from keras_gans.networks.resnet import resnet_discriminator
from keras_gans.networks.resnet import resnet_generator
from keras_gans.networks.specgan import AudioToSpectrogram
from keras_gans.networks.specgan import SpectrogramToAudio
from keras_gans.networks.specgan import spectrogram_shape
from keras_gans.networks.style import patchgan_discriminator
from keras_gans.networks.style import style_generator
from keras_gans.networks.super_resolution import super_resolution_generator
from keras_gans.networks.text import CharacterDecoder
from keras_gans.networks.text import character_generator
from keras_gans.networks.text import text_discriminator
from keras_gans.networks.unet import inpainting_generator
from keras_gans.networks.unet import unet_generator
from keras_gans.networks.video import layered_video_generator
from keras_gans.networks.video import video_discriminator
from keras_gans.networks.video import video_generator
from keras_gans.networks.vocos import SpectrumToAudio
from keras_gans.networks.vocos import vocos_generator
from keras_gans.networks.wavegan import conditional_wavegan_discriminator
from keras_gans.networks.wavegan import conditional_wavegan_generator
from keras_gans.networks.wavegan import wavegan_discriminator
from keras_gans.networks.wavegan import wavegan_generator

__all__ = [
    "pairs",
    "AudioToSpectrogram",
    "SpectrogramToAudio",
    "SpectrumToAudio",
    "CharacterDecoder",
    "character_generator",
    "text_discriminator",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "dcgan_discriminator",
    "dcgan_filters",
    "dcgan_generator",
    "efficientnet_lite",
    "efficientnet_lite0",
    "fastgan_discriminator",
    "fastgan_generator",
    "hifigan_discriminator",
    "hifigan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "projected_discriminator",
    "resnet_discriminator",
    "spectrogram_shape",
    "resnet_generator",
    "conditional_resnet_discriminator",
    "conditional_resnet_generator",
    "style_generator",
    "super_resolution_generator",
    "inpainting_generator",
    "unet_generator",
    "layered_video_generator",
    "video_discriminator",
    "video_generator",
    "vocos_generator",
    "conditional_wavegan_discriminator",
    "conditional_wavegan_generator",
    "wavegan_discriminator",
    "wavegan_generator",
]
