"""The super-resolution job behind `examples/super_resolution.py`.

A `Pix2Pix` with the EDSR-style `super_resolution_generator` learns ×4
upscaling from pairs made of real images (bicubic, antialiased downscales
of random crops), with L1 + adversarial losses (no VGG perceptual loss: its
ImageNet weights cannot be had offline). After training it is exported
(`image uint8 [b, h, w, 3] -> upscaled uint8 [b, 4h, 4w, 3]`) and the export
is scored on held-out images at full size beside bicubic upscaling: PSNR
and SSIM against the originals, and "bicubic | GAN | original" crops.
"""

import dataclasses

from keras_gans import contracts
from keras_gans.data import degradations
from keras_gans.evaluation import restoration
from keras_gans.jobs.engines import editing
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks.super_resolution import SCALES
from keras_gans.networks.super_resolution import super_resolution_generator


@dataclasses.dataclass(frozen=True)
class SuperResolutionConfig(editing.EditingConfig):
    """Every setting of the super-resolution job."""

    run_name = "super_resolution"

    scale: int = setting(4, "Upscaling factor.", SCALES)
    filters: int = setting(64, "Generator width.")
    residual_blocks: int = setting(8, "Generator residual blocks (at the input's resolution).")
    crop_size: int = setting(128, "Side of the figure crops, in output pixels.")


DEFAULT = SuperResolutionConfig(epochs=100, steps_per_epoch=200, batch_size=8, max_minutes=12.0)
PRESETS = {"default": DEFAULT}


class SuperResolution(editing.EditingJob):
    """×`scale` super-resolution from bicubic downscales."""

    contract = "super_resolution"

    def degradation(self):
        return degradations.Downscale(self.config.scale)

    def generator(self):
        return super_resolution_generator(
            scale=self.config.scale,
            filters=self.config.filters,
            residual_blocks=self.config.residual_blocks,
        )

    def upscaler(self, serve):
        return lambda small: contracts.transform(serve, self.contract, small)

    def figure_columns(self, serve, images):
        scale, size = self.config.scale, self.config.crop_size
        originals = [degradations.modcrop(image, scale) for image in images]
        small = [degradations.downscale(image, scale).numpy() for image in originals]
        upscale = self.upscaler(serve)
        bicubic = [degradations.bicubic_upscale(s, scale).numpy() for s in small]
        model = [upscale(s[None])[0] for s in small]
        return [
            (f"bicubic x{scale}", editing.crop(bicubic, size)),
            (f"GAN x{scale}", editing.crop(model, size)),
            ("original", editing.crop(originals, size)),
        ]

    def score(self, serve, images):
        return restoration.score_super_resolution(
            self.upscaler(serve), images, factor=self.config.scale
        )

    def score_lines(self, scores):
        lines = [
            f"super-resolution x{self.config.scale}, {scores['num_images']} test images at "
            "full size (RGB):",
            f"  {'method':<10} {'PSNR (dB)':>10} {'SSIM':>8}",
        ]
        for method, label in (("bicubic", "bicubic"), ("model", "GAN")):
            lines.append(
                f"  {label:<10} {scores[method]['psnr']:>10.2f} {scores[method]['ssim']:>8.4f}"
            )
        return lines


NAME = "super-resolution"
ABOUT = "x4 super-resolution from folders of photos."


configure = job.configurator(DEFAULT)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings (`keras_gans.jobs.plumbing.settings`)."""
    return editing.resolve(NAME, *configure(config, **overrides))


def train(config=None, callbacks=(), **overrides):
    """Trains, draws, exports and scores a x`scale` super-resolution GAN.

    Args:
        config: `SuperResolutionConfig`, or the `Resolved` settings of
            `resolve`. Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks.
        **overrides: fields to change, e.g. `data_dir`, `test_dir`, `scale`;
            `None` keeps the config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; with `test_dir`, its
        `scores` are the PSNR and SSIM of the export and of bicubic
        upscaling on the held-out photos at full size.
    """
    run = settings.resolved(resolve, config, overrides)
    return editing.train(run, SuperResolution(run.config), callbacks)
