"""The inpainting job behind `examples/inpainting.py`.

A `Pix2Pix` with the U-Net `inpainting_generator` learns to fill holes
(random rectangles and free-form strokes cut from real images on the fly),
with L1 + adversarial losses. After training it is exported (`image` uint8
and `mask` uint8, 255 = hole -> `inpainted` uint8, the input outside the
holes) and the export is scored on held-out images at full size, inside
square holes of several sizes, beside OpenCV's Telea inpainting and a mean
fill: PSNR, SSIM and L1 in the hole, and "masked | OpenCV | GAN | original"
pictures.
"""

import dataclasses

import numpy as np

from keras_gans import contracts
from keras_gans.data import degradations
from keras_gans.evaluation import restoration
from keras_gans.jobs.engines import editing
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks.unet import inpainting_generator

METHOD_LABELS = {"mean": "mean fill", "telea": "OpenCV Telea", "model": "GAN"}


@dataclasses.dataclass(frozen=True)
class InpaintingConfig(editing.EditingConfig):
    """Every setting of the inpainting job."""

    run_name = "inpainting"

    filters: int = setting(32, "Width of the U-Net's first layer.")
    depth: int = setting(6, "U-Net down-sampling steps.")
    max_filters: int = setting(256, "Width cap of the U-Net.")
    row_weight: float = setting(
        0.5,
        "Share of the row-by-row fill in the untrained base fill, the rest being the 2-D "
        "membrane fill (0: the membrane alone, for images with no preferred direction).",
    )
    masks: str = setting("mixed", "Training holes.", degradations.MASK_KINDS)
    max_coverage: float = setting(0.5, "Largest share of a training crop under holes.")
    hole_sizes: tuple = setting(
        (32, 48, 64, 96, 128), "Sides of the square test holes, in pixels (one of each per image)."
    )
    figure_hole: int = setting(96, "Side of the centred hole in the figures, in pixels.")


DEFAULT = InpaintingConfig(epochs=100, steps_per_epoch=200, batch_size=8, max_minutes=12.0)
PRESETS = {"default": DEFAULT}


class Inpainting(editing.EditingJob):
    """Hole filling from random rectangles and strokes."""

    contract = "inpainting"
    input_channels = 4

    def degradation(self):
        return degradations.Mask(self.config.masks, self.config.max_coverage, seed=self.config.seed)

    def generator(self):
        return inpainting_generator(
            filters=self.config.filters,
            depth=self.config.depth,
            max_filters=self.config.max_filters,
            row_weight=self.config.row_weight,
        )

    def inpainter(self, serve):
        return lambda image, mask: contracts.transform(serve, self.contract, image, mask)

    def figure_columns(self, serve, images):
        inpaint, size = self.inpainter(serve), self.config.figure_hole
        masked, telea, model = [], [], []
        for image in images:
            height, width = image.shape[:2]
            mask = np.zeros((height, width, 1), np.uint8)
            top, left = (height - size) // 2, (width - size) // 2
            mask[top : top + size, left : left + size] = 255
            masked.append(np.where(mask == 255, np.uint8(255), image))
            telea.append(restoration.telea_inpaint(image, mask))
            model.append(inpaint(image[None], mask[None])[0])
        return [
            ("masked", np.stack(masked)),
            ("OpenCV Telea", np.stack(telea)),
            ("GAN", np.stack(model)),
            ("original", np.stack(images)),
        ]

    def score(self, serve, images):
        return restoration.score_inpainting(
            self.inpainter(serve), images, self.config.hole_sizes, seed=self.config.seed
        )

    def score_lines(self, scores):
        lines = [
            f"inpainting, {scores['num_images']} test images at full size, one square hole of "
            "each size per image, scored inside the hole:",
            f"  {'hole':>5}  {'method':<13} {'PSNR (dB)':>10} {'SSIM':>7} {'L1 (0-255)':>11}",
        ]
        for size in self.config.hole_sizes:
            for method, label in METHOD_LABELS.items():
                s = scores[size][method]
                numbers = f"{s['psnr']:>10.2f} {s['ssim']:>7.4f} {s['l1']:>11.2f}"
                lines.append(f"  {size:>5}  {label:<13} {numbers}")
        return lines


NAME = "inpainting"
ABOUT = "Filling holes in photos, scored against OpenCV's Telea."


configure = job.configurator(DEFAULT)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings (`keras_gans.jobs.plumbing.settings`)."""
    restoration.require_opencv()  # before training, not at the first figure
    return editing.resolve(NAME, *configure(config, **overrides))


def train(config=None, callbacks=(), **overrides):
    """Trains, draws, exports and scores an inpainting GAN (needs OpenCV,
    `keras_gans[editing]`, for its baseline).

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; with `test_dir`, its
        `scores` set the export against a mean fill and OpenCV's Telea on
        held-out photos with holes, at full size.

    Args as `keras_gans.jobs.super_resolution.train`, with an
    `InpaintingConfig`.
    """
    run = settings.resolved(resolve, config, overrides)
    return editing.train(run, Inpainting(run.config), callbacks)
