"""Your own images: the `keras-gans train images` job (and `examples/images.py`).

A folder of pictures in (flat, or one subfolder per class), a trained,
exported generator out: `train(data_dir="photos/")`. The images are decoded
once into memory (`keras_gans.data.load_image_folder`), the DCGAN's depth
follows the image size (`keras_gans.networks.dcgan_filters`), and the export
is `serving_default(z) -> images uint8 [b, H, W, C]` (`(z, label)` with
`conditional=True`), with `C` following the data.
"""

import dataclasses
import os
from typing import Optional

from keras_gans import data
from keras_gans import evaluation
from keras_gans.data.image_folder import FITS
from keras_gans.data.image_folder import parse_image_size
from keras_gans.data.image_folder import split_folder
from keras_gans.evaluation.evaluator import REFERENCES
from keras_gans.jobs.engines import noise_to_image
from keras_gans.jobs.engines.noise_to_image import NoiseGANConfig
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import folder_name
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks import dcgan
from keras_gans.networks import efficientnet_lite
from keras_gans.networks import pairs


@dataclasses.dataclass(frozen=True)
class ImagesConfig(NoiseGANConfig):
    """Every setting of the own-images job (`NoiseGANConfig`'s and its own)."""

    data_folder_settings = ("data_dir",)

    data_dir: Optional[str] = setting(
        None, "Folder of images (JPEG, PNG, BMP, GIF; any sizes), or of one subfolder per class."
    )
    name: Optional[str] = setting(
        None, "Model name of the export (<export_dir>/<name>/<version>/). Unset: the folder's name."
    )
    image_size: Optional[str] = setting(
        None,
        "Training size: N (square) or HxW, e.g. 48x80; height and width must halve at least "
        "once. Unset: the median shorter side of the images, at most 64, a multiple of 4.",
    )
    channels: Optional[int] = setting(
        None, "1 (grey) or 3 (RGB). Unset: 1 if every image is grey, else 3.", (1, 3)
    )
    fit: str = setting(
        "crop",
        "How an image of another aspect ratio becomes the training size: center crop, pad "
        "with black, or stretch.",
        FITS,
    )
    flip: Optional[bool] = setting(
        None,
        "Random horizontal flips of the training images. Unset: on for small colour folders, "
        "off otherwise (mirrored digits and letters are wrong).",
    )
    arch: str = setting(
        "auto",
        "Network pair (keras_gans.networks.pairs): dcgan (strided convolutions), mlp (fully "
        "connected layers), resnet (SNGAN-style residual blocks, "
        "spectral norm in D; use with --loss=hinge), fastgan (FastGAN's generator and its "
        "self-supervised discriminator, which also reconstructs the real images) or projected "
        "(FastGAN's generator against a Projected GAN discriminator on EfficientNet-Lite0's "
        "frozen ImageNet features). auto: projected for a small colour "
        "folder (under 5,000 images, at least 32 px, unconditional), else dcgan. Settings left "
        "unset follow the folder too: fastgan and projected get --loss=hinge --width=16; a "
        "small folder --augment=translation,color,cutout; a large one --clusters=50 "
        "--learning_rate=4e-4; the command prints what it chose.",
        ("auto", *pairs.names("images")),
    )
    width: int = setting(
        32, "Network width: channels at full resolution, doubling toward the base grid."
    )
    reference: Optional[str] = setting(
        None,
        "Evaluate against these real images: mnist_test, fashion_mnist_test, ... (28x28 grey "
        "folders, the committed classifiers; class folder i must be class i), or a folder of "
        "images (ImageNet features, or --classifier_dir). Unset: the images --holdout keeps "
        "out of training.",
    )
    holdout: Optional[float] = setting(
        None,
        "The share of the folder kept out of training and scored against at the end (a "
        "file's side is fixed by a hash of its name, so keras-gans evaluate finds the same "
        "files). Unset: 0.1 without --reference when that keeps 10 or more images out, else "
        "0 (train on every image).",
        minimum=0.0,
    )
    extractor: str = setting(
        "auto",
        "Features for a folder reference: efficientnet_lite0 (ImageNet features), or "
        "classifier (--classifier_dir). auto: the classifier when "
        "one is named or the images are grey, else efficientnet_lite0.",
        ("auto", "classifier", "efficientnet_lite0"),
    )
    reference_dir: Optional[str] = setting(
        None, "IDX or TFDS directory of a named reference (e.g. Debian's fashion-mnist)."
    )
    classifier_dir: Optional[str] = setting(
        None,
        "Evaluation classifier for a folder reference (python -m "
        "keras_gans.evaluation.train_classifier --data_dir=...).",
    )

    @property
    def run_name(self):
        """The export's model name: `name`, or the data folder's name."""
        return self.name or folder_name(self.data_dir, "images")

    @property
    def bfloat16_units(self):
        """None for the projected pair: its step was slower in bfloat16 than
        in float32 on AVX512-BF16 (0.82x) and on AMX (0.80x), in the frozen
        trunk's depthwise input gradients
        (`benchmarks/roofline.py --jobs=images_projected`)."""
        if self.arch == "projected":
            return ()
        return super().bfloat16_units


DEFAULT = ImagesConfig(
    loss="non_saturating", epochs=50, batch_size=32, learning_rate=2e-4, max_minutes=10.0
)
PRESETS = {"default": DEFAULT}
# Folder sizes below this are "small": DiffAugment from step one, flips, and
# (colour, 32 px and up) the projected pair, which beat the DCGAN on 211 and
# 453 images (docs/results/own-images.md). Larger folders get the MNIST
# recipe's measured choices: self-conditioning on 50 clusters, lr 4e-4.
SMALL_FOLDER = 5_000
PROJECTED_MIN_SIZE = 32
SMALL_FOLDER_AUGMENT = "translation,color,cutout"
# The share of a folder held out by default, and the fewest images worth
# scoring against (below it, the default trains on every image).
HOLDOUT = 0.1
MIN_HELD_OUT = 10
LARGE_FOLDER_CLUSTERS = 50
LARGE_FOLDER_LEARNING_RATE = 4e-4


def choose_settings(config, folder, explicit=frozenset()):
    """What the settings left unset become for a folder.

    `arch=auto` becomes `projected` for a small colour folder (and `dcgan`
    otherwise); the pairs with FastGAN's generator (fastgan, projected) get
    the hinge loss and width 16; a small folder gets DiffAugment from step
    one, a large one the MNIST recipe's self-conditioning and learning rate;
    flips are on for small colour folders only.

    Args:
        config: `ImagesConfig`, before the choice.
        folder: the `keras_gans.data.ImageFolder` it trains on.
        explicit: names of the settings the user chose; they are kept.

    Returns:
        `(changes, reason)`: a dict of settings to replace, and one sentence
        saying what was chosen and why (empty when nothing was left to choose).
    """
    num_images = len(folder.images)
    height, width, channels = folder.image_shape
    small = num_images < SMALL_FOLDER
    kind = f"{'small' if small else 'large'} {'colour' if channels == 3 else 'grey'} folder"
    choices = {}
    note = ""
    if config.arch == "auto":
        blocker = None
        if min(height, width) < PROJECTED_MIN_SIZE:
            blocker = f"images under {PROJECTED_MIN_SIZE} px"
        elif config.conditional or config.clusters:
            blocker = "labels (the projected discriminator is unconditional)"
        else:
            try:
                efficientnet_lite.imagenet_weights_path()
            except (ImportError, FileNotFoundError) as e:
                blocker = str(e)
        projected_fits = small and channels == 3
        choices["arch"] = "projected" if projected_fits and not blocker else "dcgan"
        if projected_fits and blocker:
            note = f" (dcgan, not projected: {blocker})"
    # The pair's own recipe (FastGAN's generator: the hinge loss, width 16).
    choices.update(pairs.get(choices.get("arch", config.arch)).defaults)
    if small:
        choices["augment"] = SMALL_FOLDER_AUGMENT
    else:
        choices["learning_rate"] = LARGE_FOLDER_LEARNING_RATE
        if not config.conditional:
            choices["clusters"] = LARGE_FOLDER_CLUSTERS
    if config.flip is None:
        choices["flip"] = small and channels == 3
    choices = {k: v for k, v in choices.items() if k not in explicit}
    if not choices:
        return {}, ""
    chosen = ", ".join(f"{k}={_flag_value(v)}" for k, v in choices.items())
    return choices, (
        f"For a {kind} of {num_images} images: {chosen}{note}. "
        "Pass any of them to choose otherwise."
    )


def _flag_value(value):
    if isinstance(value, bool):
        return "on" if value else "off"
    return value


class ImageFolderSource(noise_to_image.FolderSource):
    """A folder of images, decoded into memory, for `noise_to_image.train`;
    `held_out` (an `ImageFolder` or `None`) is what `holdout` kept out."""

    def __init__(self, config, folder, held_out=None):
        super().__init__(config, folder, folder.images)
        self.held_out = held_out

    def images_for_clustering(self):
        return self.folder.images

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        return data.image_folder(
            self.config.data_dir,
            batch_size=batch_size,
            flip=self.config.flip,
            seed=self.config.seed,
            folder=self.labelled_folder(labels),
            first_epoch=first_epoch,
            steps_per_epoch=steps_per_epoch,
        )

    def summary(self):
        held = [] if self.held_out is None else self.held_out.paths
        return {
            "class_names": self.folder.class_names,
            "num_images": len(self.folder.images),
            "held_out_files": [os.path.relpath(path, self.config.data_dir) for path in held],
            "skipped_files": [path for path, _ in self.folder.skipped],
        }

    def evaluator(self):
        config = self.config
        height, width, channels = self.folder.image_shape
        if not config.reference:
            if self.held_out is None:
                return None
            return held_out_evaluator(config, self.held_out)
        extractor = config.extractor
        if extractor == "auto":
            classify = config.reference in REFERENCES or config.classifier_dir or channels == 1
            extractor = "classifier" if classify else "efficientnet_lite0"
        return evaluation.Evaluator(
            config.reference,
            data_dir=config.reference_dir,
            classifier_dir=config.classifier_dir,
            extractor=extractor,
            image_size=max(height, width),
            channels=channels,
        )

    def networks(self, num_classes=None):
        config = self.config
        settings = pairs.PairSettings(
            latent_dim=config.latent_dim,
            shape=self.folder.image_shape,
            width=config.width,
            d_dropout=config.d_dropout,
            spectral_norm=config.spectral_norm,
            seed=config.seed,
        )
        return pairs.get(config.arch).build(settings, num_classes)


def held_out_evaluator(config, held_out):
    """The `Evaluator` against a folder's held-out images: ImageNet features
    (grey images repeated to RGB), or `classifier_dir`'s classifier."""
    height, width, channels = held_out.image_shape
    extractor = config.extractor
    if extractor == "auto":
        extractor = "classifier" if config.classifier_dir else "efficientnet_lite0"
    return evaluation.Evaluator(
        f"{config.data_dir} (held out: {len(held_out.images)} images)",
        classifier_dir=config.classifier_dir,
        extractor=extractor,
        image_size=max(height, width),
        channels=channels,
        reference_images=held_out.images,
    )


def split_held_out(config, folder):
    """`(training folder, held-out folder or None, share)` for `holdout`
    (resolved: unset is `HOLDOUT` without a reference when that keeps
    `MIN_HELD_OUT` images out, else 0)."""
    share = config.holdout
    if share is None:
        share = 0.0 if config.reference else HOLDOUT
    if not share:
        return folder, None, 0.0
    training, held = split_folder(folder, config.data_dir, share)
    count = 0 if held is None else len(held.images)
    if config.holdout is None and count < MIN_HELD_OUT:
        return folder, None, 0.0
    if count == len(folder.images):
        raise ValueError(
            f"`holdout={share}` keeps every image of {config.data_dir} out of training: lower it."
        )
    return training, held, share


NAME = "images"
ABOUT = "Your own folder of images (flat, or one subfolder per class)."


configure = job.configurator(DEFAULT)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: the folder is read (its decoded images
    go into the record's `context`), and what it decides is recorded: the
    training size and channels, the epoch length, and `choose_settings`'s
    choices for the settings the user left unset."""
    config, explicit = configure(config, **overrides)
    if not config.data_dir:
        raise ValueError("Pass `data_dir`: a folder of images, or of one subfolder per class.")
    folder = data.load_image_folder(
        config.data_dir,
        image_size=parse_image_size(config.image_size),
        channels=config.channels,
        fit=config.fit,
    )
    height, width, channels = folder.image_shape
    dcgan.dcgan_filters(folder.image_shape)  # a size the DCGAN cannot build fails here
    if config.reference in REFERENCES and folder.image_shape != (28, 28, 1):
        raise ValueError(
            f"`reference={config.reference}` scores 28x28 grey images with the project's "
            f"classifier; this folder trains at {height}x{width}x{channels}. Pass "
            "`image_size=28` and `channels=1`, or leave `reference` unset."
        )
    # The networks read the folder's own shape; unset, the record says which.
    changes = {"image_size": f"{height}x{width}", "channels": channels}
    everything = folder
    folder, held, share = split_held_out(config, folder)
    changes["holdout"] = share
    changes.update(noise_to_image.epoch_steps(config, len(folder.images)))
    chosen, reason = choose_settings(config, everything, explicit)
    notes = [
        f"{config.data_dir}: {len(everything.images)} images at {height}x{width}x{channels}"
        + (f", {len(folder.class_names)} classes" if folder.class_names else "")
        + (f" ({len(folder.skipped)} unreadable files skipped)" if folder.skipped else "")
    ]
    if held is None and config.holdout is None and not config.reference:
        notes.append(
            f"no images held out to score against (a tenth of {len(everything.images)} is under "
            f"{MIN_HELD_OUT}): pass --reference=HELD_OUT_DIR, or --holdout=SHARE"
        )
    if held is not None:
        notes.append(
            f"{len(held.images)} of them held out to score the generator against (--holdout="
            f"{share:g}; --holdout=0 trains on every image)"
        )
    notes += [reason] if reason else []
    context = {"folder": folder, "held_out": held}
    return noise_to_image.resolve(
        NAME, config, explicit, len(folder.images), {**changes, **chosen}, notes, context
    )


def train(config=None, callbacks=(), **overrides):
    """Trains a GAN on a folder of images, draws, plots and exports it.

    Args:
        config: `ImagesConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `ImagesConfig` to change (`data_dir` at
            least); `None` keeps the config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`. The class names of a
        labelled folder are in its `summary.json`, and a conditional export
        holds them as `assets/class_names.json` (label `i` is class `i`).
    """
    run = settings.resolved(resolve, config, overrides)
    source = ImageFolderSource(run.config, run.context["folder"], run.context.get("held_out"))
    return noise_to_image.train(run, source, callbacks)
