"""What the image-editing jobs share: a `Pix2Pix` trained on pairs made
from real images by a degradation, drawn every epoch, exported with the
job's contract and scored on held-out images at full size against a
non-learned baseline.

A job (`EditingJob`) says which degradation, which generator, which
export contract, and how to draw and score; `train` does the rest. The
super-resolution and inpainting jobs fill it in.
"""

import dataclasses
import glob
import os
import time
from typing import Optional

import keras
import numpy as np

from keras_gans import data
from keras_gans import export
from keras_gans import plotting
from keras_gans.callbacks import ComparisonFigure
from keras_gans.callbacks import RunBackup
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.data.image_folder import load_folder
from keras_gans.data.images import list_images
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import ResumableConfig
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.networks import style as style_models
from keras_gans.utils import precision


@dataclasses.dataclass(frozen=True)
class EditingConfig(ResumableConfig):
    """The settings every image-editing job shares; each job's config
    names its run (`run_name`: the export and `runs/<run_name>`)."""

    run_name = None
    data_folder_settings = ("data_dir",)

    data_dir: Optional[tuple[str, ...]] = setting(
        None,
        "Folder of real training images (JPEG/PNG, any size); repeat the flag or use a "
        "quoted glob for several.",
    )
    test_dir: Optional[tuple[str, ...]] = setting(
        None,
        "Held-out images, scored at full size against the non-learned baseline after "
        "training and drawn every epoch (repeat or glob). Unset: no scores; figures from "
        "--data_dir.",
    )
    test_images: Optional[int] = setting(None, "Score only the first N test images. Unset: all.")
    image_size: int = setting(128, "Side of the square training crops (the targets).")
    l1_weight: float = setting(
        1000.0,
        "Weight of the L1 loss to the target, the adversarial loss's being 1 (pix2pix: 100, "
        "which let the discriminator pull a 10-minute CPU run below the baseline).",
    )
    d_filters: tuple = setting((32, 64, 128, 256), "Conditional PatchGAN widths.")
    figure_images: int = setting(4, "Test images in the per-epoch figures.")


class EditingJob:
    """One image-editing job: subclasses set the class attributes and
    implement every method.

    Attributes:
        name: the run and export name (the config's `run_name`).
        contract: the export contract (see `export.export_generator`).
        input_channels: channels of the generator's input.
        output_key: the output of the contract's signature.
    """

    contract = None
    input_channels = 3
    output_key = None

    def __init__(self, config):
        self.config = config

    @property
    def name(self):
        return self.config.run_name

    def degradation(self):
        """The `keras_gans.data.degradations` object making the pairs."""
        raise NotImplementedError

    def generator(self):
        """The generator network."""
        raise NotImplementedError

    def figure_columns(self, serve, images):
        """`[(label, images), ...]` for a figure of `images` (uint8, full
        size) edited by `serve` (the contract's signature)."""
        raise NotImplementedError

    def score(self, serve, images):
        """Scores of `serve` and the baselines on `images` (a dict)."""
        raise NotImplementedError

    def score_lines(self, scores):
        """The printed table of `scores`."""
        raise NotImplementedError


# The name of `EditingJob` before 0.3 (one word for a training job).
EditingTask = EditingJob


def expand_dirs(patterns):
    """Folders from names and globs, in order; a pattern matching nothing
    is an error naming it."""
    folders = []
    for pattern in patterns:
        pattern = os.path.expanduser(pattern)
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise FileNotFoundError(f"No folder matches {pattern!r}.")
        folders += matches
    return folders


def load_test_images(config):
    """The full-size uint8 test images (or a few training ones for figures)."""
    folders = expand_dirs(config.test_dir or config.data_dir)
    limit = config.test_images if config.test_dir else config.figure_images
    images = []
    for folder in folders:
        images += load_folder(folder, limit=None if limit is None else limit - len(images))[0]
        if limit is not None and len(images) >= limit:
            break
    return images


def build_gan(config, job):
    """The compiled `Pix2Pix` of `config` and `job`."""
    discriminator = style_models.patchgan_discriminator(
        filters=config.d_filters, input_channels=job.input_channels + 3
    )
    gan = Pix2Pix(job.generator(), discriminator, l1_weight=config.l1_weight, seed=config.seed)
    g_learning_rate, d_learning_rate = config.learning_rates()
    gan.compile(
        g_optimizer=keras.optimizers.Adam(g_learning_rate, config.beta_1, config.beta_2),
        d_optimizer=keras.optimizers.Adam(d_learning_rate, config.beta_1, config.beta_2),
        loss=config.loss,
    )
    return gan


def resolve(name, config, explicit):
    """The `Resolved` settings of an image-editing run of the job `name`."""
    if not config.data_dir:
        raise ValueError(
            "Pass --data_dir: a folder of real images to train on (repeat the flag, or quote "
            "a glob, for several), e.g. --data_dir='photos/*/train*'."
        )
    return settings.resolve(name, config, explicit)


def train(resolved, job, callbacks=()):
    """Trains, draws, exports and scores one image-editing job.

    Args:
        resolved: the run's `Resolved` settings (`resolve`).
        job: the `EditingJob` on `resolved.config`.
        callbacks: extra Keras callbacks.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; `scores` (and the final
        figure) are in `summary.json` and `result.scores`.
    """
    started = time.perf_counter()
    config, output_dir = resolved.config, resolved.config.output_dir
    run = run_lib.Run(
        resolved,
        started,
        loss_keys=("d_loss", "g_loss", "adv_loss", "l1_loss", "d_real", "d_fake"),
        plot_keys=("d_loss", "adv_loss", "l1_loss"),
    )
    keras.utils.set_random_seed(config.seed)
    folders = expand_dirs(config.data_dir)
    backup = None
    if config.backup_dir:
        fingerprint = fingerprint_files([p for f in folders for p in list_images(f)])
        identity = run_lib.run_identity(config, fingerprint)
        backup = RunBackup(config.backup_dir, identity, fresh=config.fresh)
    # With a backup, an endless stream whose epoch e depends only on
    # (seed, e), started where the backup ends.
    stream = {"first_epoch": backup.resume_epoch} if backup is not None else {}
    dataset = data.degraded_images(
        folders,
        job.degradation(),
        image_size=config.image_size,
        batch_size=config.batch_size,
        repeat=True,
        seed=config.seed,
        steps_per_epoch=config.steps_per_epoch,
        **stream,
    )
    test_images = load_test_images(config)
    with precision.dtype_policy(config.mixed_precision):
        gan = build_gan(config, job)

    figure_images = test_images[: config.figure_images]

    def columns(model):
        serve = export.serving_function(model.sampling_generator, job.contract)
        return job.figure_columns(serve, figure_images)

    figure = ComparisonFigure(columns, output_dir)
    if backup is not None:
        backup.state.update(figure=figure)
    history = run.fit(gan, dataset, [*callbacks, figure], config.steps_per_epoch, backup)

    def score(result):
        """The test set at full size, scored on what ships, and its figure."""
        serve = run_lib.shipped_signature(result, gan.sampling_generator, job.contract)
        began = time.perf_counter()
        scores = job.score(serve, test_images)
        scores["seconds"] = time.perf_counter() - began
        path = os.path.join(output_dir, "comparison.png")
        plotting.save_comparison_figure(job.figure_columns(serve, figure_images), path)
        result.images.append(path)
        result.report = job.score_lines(scores)
        return _jsonable(scores)

    return run.finish(
        gan, history, figure.paths, contract=job.contract, score=score if config.test_dir else None
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def crop(images, size, top=None, left=None):
    """Center (or given) `size`×`size` crops of uint8 images."""
    crops = []
    for image in images:
        height, width = image.shape[:2]
        y = (height - size) // 2 if top is None else top
        x = (width - size) // 2 if left is None else left
        crops.append(image[y : y + size, x : x + size])
    return np.stack(crops)
