"""The network pairs a training job can build, by name: one registry.

Each `NetworkPair` builds a generator and a discriminator from the same
`PairSettings` (the sizes a job knows), for a kind of data, with or without
class labels, and carries the training settings its paper or recipe uses
(`defaults`). A job's `--arch` choices are the registry's names for its data,
so a new architecture is one entry here, not an edit in every job.

Example:

    >>> pair = keras_gans.networks.pairs.get("resnet")
    >>> generator, discriminator = pair.build(
    ...     PairSettings(latent_dim=64, shape=(32, 32, 3), width=16))
"""

import dataclasses
from collections.abc import Callable
from typing import Optional

from keras_gans.networks import dcgan
from keras_gans.networks import fastgan
from keras_gans.networks import mlp
from keras_gans.networks import projected
from keras_gans.networks import resnet
from keras_gans.networks import specgan
from keras_gans.networks import video
from keras_gans.networks import wavegan
from keras_gans.utils.validation import check_choice

__all__ = ["PAIRS", "NetworkPair", "PairSettings", "get", "names"]


@dataclasses.dataclass(frozen=True)
class PairSettings:
    """What a job tells a pair's builder.

    Attributes:
        latent_dim: int. Noise size.
        shape: tuple. Image shape `(H, W, C)`, `(samples,)` for sounds, or
            `(frames, H, W, C)` for clips.
        width: int. Channels at full resolution (the builders' `width`).
        g_filters, d_filters: tuples or `None`. Explicit layer widths (the
            DCGAN's `filters`, the MLP's hidden units); `None` follows `width`.
        d_dropout: float. Dropout after each discriminator layer.
        spectral_norm: bool. Spectral normalization in the discriminator.
        activation: str. The MLP's hidden activation.
        phase_shuffle: int. WaveGAN's discriminator phase shuffle.
        seed: int or `None`. Seed of a discriminator's own randomness.
        objects: int. Layers a layered clip generator draws and moves.
        layer_generator: `keras.Model` or `None`. A trained image generator
            that draws those layers, frozen (`layered_video_generator`'s).
        layer_size: int or `None`. Side of those layers; `None`: the
            builder's default.
        whole_pixels: bool. Place those layers on whole pixels
            (`layered_video_generator`'s).
    """

    latent_dim: int
    shape: tuple
    width: int = 64
    g_filters: Optional[tuple] = None
    d_filters: Optional[tuple] = None
    d_dropout: float = 0.0
    spectral_norm: bool = False
    activation: str = "relu"
    phase_shuffle: int = 2
    seed: Optional[int] = None
    objects: int = 2
    layer_generator: Optional[object] = None
    layer_size: Optional[int] = None
    whole_pixels: bool = False


@dataclasses.dataclass(frozen=True)
class NetworkPair:
    """A generator and discriminator built together.

    Attributes:
        name: str. The `--arch` name.
        data: str. What it draws: `"images"`, `"sounds"` or `"clips"`.
        about: str. One line for errors and help.
        builder: `(PairSettings, num_classes or None) -> (generator,
            discriminator)`.
        conditional: bool. Whether it has class-conditional networks.
        defaults: dict. The training settings its recipe uses where the
            user sets none (e.g. `{"loss": "hinge", "width": 16}`).
    """

    name: str
    data: str
    about: str
    builder: Callable
    conditional: bool = True
    defaults: dict = dataclasses.field(default_factory=dict)

    def build(self, settings, num_classes=None):
        """`(generator, discriminator)`; class-conditional with `num_classes`.

        Raises:
            ValueError: `num_classes` for a pair without conditional networks.
        """
        if num_classes and not self.conditional:
            others = " or ".join(
                f"arch={n}" for n, p in PAIRS.items() if p.conditional and p.data == self.data
            )
            raise ValueError(
                f"arch={self.name} has no conditional networks: with labels (conditional or "
                f"clusters) use {others}."
            )
        return self.builder(settings, num_classes)


def _dcgan(s, num_classes, shape=None):
    shape = shape or s.shape
    critic = dict(dropout=s.d_dropout, spectral_norm=s.spectral_norm, width=s.width)
    if num_classes:
        return (
            dcgan.conditional_dcgan_generator(
                s.latent_dim, num_classes, shape, filters=s.g_filters, width=s.width
            ),
            dcgan.conditional_dcgan_discriminator(
                num_classes, shape, filters=s.d_filters, **critic
            ),
        )
    return (
        dcgan.dcgan_generator(s.latent_dim, shape, filters=s.g_filters, width=s.width),
        dcgan.dcgan_discriminator(shape, filters=s.d_filters, **critic),
    )


def _mlp(s, num_classes):
    hidden = (
        ({"hidden_units": s.g_filters} if s.g_filters else {}),
        ({"hidden_units": s.d_filters} if s.d_filters else {}),
    )
    return (
        mlp.mlp_generator(s.latent_dim, s.shape, activation=s.activation, **hidden[0]),
        mlp.mlp_discriminator(
            s.shape,
            activation=s.activation,
            dropout=s.d_dropout,
            spectral_norm=s.spectral_norm,
            **hidden[1],
        ),
    )


def _resnet(s, num_classes):
    if num_classes:
        return (
            resnet.conditional_resnet_generator(s.latent_dim, num_classes, s.shape, width=s.width),
            resnet.conditional_resnet_discriminator(num_classes, s.shape, width=s.width),
        )
    return (
        resnet.resnet_generator(s.latent_dim, s.shape, width=s.width),
        resnet.resnet_discriminator(s.shape, width=s.width),
    )


def _fastgan(s, num_classes):
    # `width` counts channels at full resolution; the discriminator's first
    # block is at half resolution.
    return (
        fastgan.fastgan_generator(s.latent_dim, s.shape, width=s.width),
        fastgan.fastgan_discriminator(s.shape, width=2 * s.width, seed=s.seed),
    )


def _projected(s, num_classes):
    return (
        fastgan.fastgan_generator(s.latent_dim, s.shape, width=s.width),
        projected.projected_discriminator(s.shape),
    )


def _specgan(s, num_classes):
    (samples,) = s.shape
    return _dcgan(s, num_classes, shape=specgan.spectrogram_shape(samples))


def _wavegan(s, num_classes):
    (samples,) = s.shape
    shape = dict(clip_samples=samples, width=s.width)
    critic = dict(shape, phase_shuffle=s.phase_shuffle, spectral_norm=s.spectral_norm)
    if num_classes:
        return (
            wavegan.conditional_wavegan_generator(s.latent_dim, num_classes, **shape),
            wavegan.conditional_wavegan_discriminator(num_classes, **critic),
        )
    return (
        wavegan.wavegan_generator(s.latent_dim, **shape),
        wavegan.wavegan_discriminator(**critic),
    )


def _clip_discriminator(s, num_classes):
    frames, *frame_shape = s.shape
    return video.video_discriminator(
        frames,
        tuple(frame_shape),
        width=s.width,
        sampled_frames=min(4, frames),
        spectral_norm=s.spectral_norm,
        num_classes=num_classes,
        seed=s.seed,
    )


def _mocogan(s, num_classes):
    frames, *frame_shape = s.shape
    generator = video.video_generator(
        s.latent_dim, frames, tuple(frame_shape), width=s.width, num_classes=num_classes
    )
    return generator, _clip_discriminator(s, num_classes)


def _layered(s, num_classes):
    frames, *frame_shape = s.shape
    generator = video.layered_video_generator(
        s.latent_dim,
        frames,
        tuple(frame_shape),
        num_layers=s.objects,
        layer_size=s.layer_size,
        width=s.width,
        num_classes=num_classes,
        layer_generator=s.layer_generator,
        whole_pixels=s.whole_pixels,
    )
    return generator, _clip_discriminator(s, num_classes)


# The settings the pairs with FastGAN's generator train with (as their
# papers do: the hinge loss), at the width measured on these CPUs.
FASTGAN_DEFAULTS = {"loss": "hinge", "width": 16}

PAIRS = {
    pair.name: pair
    for pair in (
        NetworkPair("dcgan", "images", "strided convolutions (Radford et al.)", _dcgan),
        NetworkPair("mlp", "images", "fully connected layers", _mlp, conditional=False),
        NetworkPair("resnet", "images", "SNGAN-style residual blocks, spectral norm in D", _resnet),
        NetworkPair(
            "fastgan",
            "images",
            "FastGAN's generator and self-supervised discriminator",
            _fastgan,
            conditional=False,
            defaults=FASTGAN_DEFAULTS,
        ),
        NetworkPair(
            "projected",
            "images",
            "FastGAN's generator against a discriminator on frozen ImageNet features",
            _projected,
            conditional=False,
            defaults=FASTGAN_DEFAULTS,
        ),
        NetworkPair(
            "specgan",
            "sounds",
            "the DCGAN on log-magnitude spectrograms, heard through Griffin-Lim",
            _specgan,
            defaults=dict(
                loss="non_saturating",
                d_steps=1,
                learning_rate=2e-4,
                beta_1=0.5,
                beta_2=0.999,
                ema=0.999,
            ),
        ),
        NetworkPair(
            "wavegan",
            "sounds",
            "1-D transposed convolutions on the waveform, phase shuffle in D",
            _wavegan,
            defaults=dict(
                loss="wasserstein", d_steps=5, learning_rate=1e-4, beta_1=0.5, beta_2=0.9, ema=None
            ),
        ),
        NetworkPair(
            "mocogan",
            "clips",
            "a content code and GRU motion codes into one DCGAN frame generator; frame and "
            "3-D clip discriminators (MoCoGAN, DVD-GAN)",
            _mocogan,
        ),
        NetworkPair(
            "layered",
            "clips",
            "layers drawn once per clip and moved by GRU motion codes, lightened together on "
            "black; the same discriminators",
            _layered,
        ),
    )
}


def names(data):
    """The pairs' names for `data` (`"images"`, `"sounds"` or `"clips"`), in order."""
    return tuple(name for name, pair in PAIRS.items() if pair.data == data)


def get(name):
    """The `NetworkPair` called `name`.

    Raises:
        ValueError: an unknown name, with the known ones.
    """
    check_choice("arch", name, tuple(PAIRS))
    return PAIRS[name]
