"""Clips from noise: the job behind `keras-gans train video`.

Moving MNIST, made on the fly from the MNIST digits on disk
(`keras_gans.data.moving_mnist`), or a folder of your own clips (GIF, MP4,
WebM or folders of frames: `data_dir`, `keras_gans.data.load_video_folder`),
in, a trained, exported clip generator out: `train(frame_size=32,
max_minutes=10)`. The networks are a network pair for clips
(`keras_gans.networks.pairs`, `--arch=mocogan`); every epoch writes an
animated GIF grid of clips drawn from fixed noise; the export is
`serving_default(z[, label]) -> video uint8 [b, frames, H, W, C]`
(`--conditional`: a Moving MNIST clip's class is its set of digits).
"""

import dataclasses
import os
import zipfile
from typing import Optional

import keras
import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import contracts
from keras_gans import data
from keras_gans import distribute
from keras_gans.data import video as video_data
from keras_gans.data.mnist import DATASETS as MNIST_DATASETS
from keras_gans.data.video import digit_size
from keras_gans.evaluation import classifier
from keras_gans.evaluation import evaluator
from keras_gans.evaluation import motion
from keras_gans.jobs import mnist as mnist_job
from keras_gans.jobs.engines import noise_to_image
from keras_gans.jobs.engines.noise_to_image import NoiseGANConfig
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import folder_name
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks import dcgan
from keras_gans.networks import pairs

NAME = "video"
ABOUT = "Clips from noise: Moving MNIST made from the MNIST digits, or your clips (MoCoGAN-style)."
TRAIN_DIGITS = 60_000  # MNIST's and Fashion-MNIST's training digits
TEST_DIGITS = 10_000
MOVING_MNIST_SIZE = 64
IMAGE_GAN_DIR = "image_gan"  # in the run's folder: the image GAN trained first
# The image GAN trained first: `keras-gans train mnist`'s recipe.
IMAGE_GAN = mnist_job.DCGAN


@dataclasses.dataclass(frozen=True)
class VideoConfig(NoiseGANConfig):
    """Every setting of the video job (`NoiseGANConfig`'s and its own)."""

    data_folder_settings = ("data_dir",)

    data_dir: Optional[str] = setting(
        None,
        "A folder of your own clips (animated GIFs, MP4/WebM files or folders of PNG/JPEG "
        "frames; flat, or one subfolder per class) to "
        "train on. Unset: Moving MNIST, made from the MNIST digits.",
    )
    stride: Optional[int] = setting(
        None,
        "Frames between the starts of two clips cut from one file of --data_dir. Unset: "
        "--frames (clips side by side).",
        minimum=1,
    )
    dataset: str = setting(
        "mnist", "Digits the clips are made of (fashion_mnist: moving clothes).", MNIST_DATASETS
    )
    mnist_dir: Optional[str] = setting(
        None, "Directory of the MNIST IDX files, or a TFDS data dir. Unset: TFDS, TFDS_DATA_DIR."
    )
    num_digits: int = setting(2, "Digits per clip.", minimum=1)
    frame_size: Optional[int] = setting(
        None,
        "Side of the square frames: 64 (standard) or 32 (quick; the digits scale). Unset: 64 "
        "for Moving MNIST; for --data_dir, the first clip's shorter side, at most 64, rounded "
        "down to a multiple of 4 (frames are center-cropped to square).",
        minimum=8,
    )
    frames: int = setting(16, "Frames per clip (3 or more: motion needs them).", minimum=3)
    speed: float = setting(
        0.1,
        "How far a digit moves per frame, as a fraction of the free distance across.",
        minimum=0,
    )
    name: Optional[str] = setting(
        None, "Model name of the export. Unset: moving_<dataset>_<frame_size>."
    )
    arch: str = setting(
        "auto",
        "Network pair for clips (keras_gans.networks.pairs): layered (--objects layers, each "
        "drawn once per clip and moved, lightened together on black: light things that move "
        "without changing shape) or mocogan (every frame drawn from a content and a motion "
        "code: things that also change shape). auto: layered for Moving MNIST, mocogan for "
        "--data_dir.",
        ("auto", *pairs.names("clips")),
    )
    objects: Optional[int] = setting(
        None,
        "Layers the layered pair draws and moves in each clip. Unset: --num_digits for Moving "
        "MNIST, else 2.",
        minimum=1,
    )
    image_generator: str = setting(
        "auto",
        "What draws the things the layered pair moves, frozen, so that the run learns only "
        "how they move (MoCoGAN-HD's premise): train (an image GAN trains first on the "
        "clips' digits, keras-gans train mnist's recipe, for at most --image_minutes of "
        "--max_minutes, into <output_dir>/image_gan), a trained image GAN's gan.keras (e.g. "
        "runs/mnist/gan.keras) or a Keras generator (.keras, noise -> images) whose images "
        "look like the clips' things, or none (a DCGAN learns them with the motion). auto: "
        "train for Moving MNIST with the layered pair, unconditional; else none.",
    )
    image_minutes: float = setting(
        7.5,
        "--image_generator=train: the most minutes of --max_minutes the image GAN may take "
        "(it also stops after keras-gans train mnist's 7 epochs); the motion gets the rest.",
        above=0,
    )
    whole_pixels: Optional[bool] = setting(
        None,
        "The layered pair places its layers on whole pixels, as Moving MNIST places its "
        "digits, rather than between them (blurred); the positions learn from the bilinear "
        "placement's gradient. Unset: on when --image_generator draws the things (the blur "
        "between pixels gives its frozen digits away), off otherwise.",
    )
    score_clips: int = setting(
        256,
        "Clips drawn from what ships, and real test clips, for the motion scores at the end "
        "(keras_gans.evaluation.motion). 0: no scores.",
        minimum=0,
    )
    width: int = setting(32, "Network width: channels of the frame networks' outer layers.")

    @property
    def run_name(self):
        """The export's model name: `name`, the folder's name, or
        `moving_<dataset>_<frame_size>`."""
        if self.name or self.data_dir:
            return self.name or folder_name(self.data_dir, "video")
        return f"moving_{self.dataset}_{self.frame_size or MOVING_MNIST_SIZE}"


DEFAULT = VideoConfig(
    latent_dim=64, batch_size=16, epochs=100, steps_per_epoch=100, max_minutes=30.0, ema=0.999
)
PRESETS = {"default": DEFAULT}
configure = job.configurator(DEFAULT)


class ClipSource(noise_to_image.Source):
    """What every source of clips shares: the pair, the GIF grid and the
    motion scores against `real_clips`."""

    channels = 1

    def networks(self, num_classes=None):
        config = self.config
        shape = (config.frames, config.frame_size, config.frame_size, self.channels)
        pair_settings = pairs.PairSettings(
            latent_dim=config.latent_dim,
            shape=shape,
            width=config.width,
            spectral_norm=config.spectral_norm,
            seed=config.seed,
            objects=config.objects,
            whole_pixels=config.whole_pixels,
        )
        if config.image_generator != "none":
            # Loaded again, in the run's strategy scope (resolve's copy, made
            # outside it, gave only the noise size).
            pair_settings = dataclasses.replace(
                pair_settings,
                layer_generator=load_image_generator(image_generator_file(config)),
                layer_size=self.layer_size(),
            )
        return pairs.get(config.arch).build(pair_settings, num_classes)

    def layer_size(self):
        """Side of the things a frozen image generator draws, or `None`:
        its images' own."""
        return None

    def real_clips(self, count):
        """`count` real clips to set generated ones beside, float32 in [-1, 1]."""
        raise NotImplementedError

    def score(self, result):
        """The motion of `score_clips` clips drawn from what ships, against
        real ones (`real_clips`), their floor and the baselines of
        `motion.motion_report`; its table goes into `result.report`."""
        count = self.config.score_clips
        if not count:
            return None
        config = self.config
        serve = run_lib.shipped_signature(result, result.gan.sampling_generator, "noise")
        z = np.random.default_rng(config.seed + 1).standard_normal((count, config.latent_dim))
        labels = self.score_labels(count) if config.conditional else None
        report, result.report = self.motion_scores(serve, z, labels, self.clip_classifier())
        return report

    def motion_scores(self, serve, z, labels, extractor):
        """`(report, lines)`: the `motion.motion_report` of the clips `serve`
        (a loaded noise export) draws from `z` (and `labels`), against twice
        as many real clips, seen by the clip network `extractor` (or
        `None`), and its printed table; with labels, the report's `"asked
        digits named"` (`asked_digits`)."""
        count = len(z)
        generated = contracts.draw(serve, np.asarray(z, np.float32), labels)
        asking = labels is not None and extractor is not None
        if asking:
            real, real_classes = self.real_clips(2 * count, with_classes=True)
        else:
            real = self.real_clips(2 * count)
        report = motion.motion_report(generated, real, seed=self.config.seed, classifier=extractor)
        name = extractor.name if extractor is not None else None
        lines = motion_lines(report, count, name)
        if asking:
            asked = self.asked_digits(generated, labels, real, real_classes, extractor)
            report["asked digits named"] = asked
            lines.append(
                f"asked digits named by the clip network: {asked['generated']:.3f} of generated "
                f"clips, {asked['real']:.3f} of real ones (each clip's own digits)"
            )
        return (report, lines) if name is None else ({**report, "extractor": name}, lines)

    def asked_digits(self, generated, labels, real, real_classes, extractor):
        """What a conditional run is asked for and draws, seen by the clip
        network: `{"generated": share, "real": share}` (the real clips named
        by their own classes, the network's floor)."""
        raise NotImplementedError

    def clip_classifier(self):
        """The clip network that judges these clips, or `None` (only Moving
        MNIST's digits have one)."""
        return None

    def sample_callback(self, num_classes=None):
        """A 4x4 grid of clips from fixed noise, an animated GIF per epoch;
        conditional: 16 classes spread over them, in order."""
        labels = None
        if num_classes:
            labels = np.linspace(0, num_classes - 1, 16).round().astype("int32")
        return callbacks_module.SampleGrid(
            self.config.output_dir,
            noise=callbacks_module.fixed_noise(16, self.config.latent_dim, seed=1234),
            labels=labels,
            rows=4,
            filename="samples_epoch_{epoch:03d}.gif",
        )

    def score_labels(self, count):
        """The classes of `count` scored clips of a conditional model: each
        class in turn, so all are drawn."""
        return evaluator.balanced_labels(count, self.num_classes)


class MovingMnistSource(ClipSource):
    """Moving MNIST clips for `noise_to_image.train`."""

    def __init__(self, config):
        super().__init__(config)
        self.num_examples = TRAIN_DIGITS // config.num_digits
        # A conditional run's classes: the sets of digits a clip can hold.
        self.class_names = video_data.digit_set_names(config.num_digits)
        self.num_classes = len(self.class_names)

    def layer_size(self):
        """The digits' side: an image generator's digits are scaled to it."""
        return digit_size(self.config.frame_size)

    def clips(self, split, batch_size, with_labels=False, **stream):
        """Moving MNIST clips of the run's kind from `split`'s digits (with
        `with_labels`, and each clip's class: its set of digits)."""
        config = self.config
        geometry = dict(num_digits=config.num_digits, frame_size=config.frame_size)
        geometry.update(frames=config.frames, speed=config.speed, dataset=config.dataset)
        clips = data.moving_mnist(
            split,
            batch_size,
            data_dir=config.mnist_dir,
            seed=config.seed,
            with_labels=with_labels,
            **geometry,
            **stream,
        )
        if not with_labels:
            return clips
        return clips.map(lambda video, digits: (video, video_data.digit_set_labels(digits)))

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        return self.clips(
            "train",
            batch_size,
            with_labels=self.config.conditional,
            first_epoch=first_epoch,
            steps_per_epoch=steps_per_epoch,
        )

    def summary(self):
        return {"class_names": self.class_names} if self.config.conditional else {}

    def asked_digits(self, generated, labels, real, real_classes, extractor):
        """The share of clips whose digits the clip network names as the
        asked set (`clip_digits`), generated and real (test clips, with their
        own digits: the network's floor)."""
        sets = video_data.digit_sets(self.config.num_digits)

        def named_as_asked(clips, classes):
            named = extractor.predict(clips)["clip_digits"] > 0.5
            asked = np.zeros_like(named)
            for row, label in enumerate(classes):
                asked[row, list(sets[label])] = True
            return float((named == asked).all(axis=-1).mean())

        return {
            "generated": named_as_asked(generated, labels),
            "real": named_as_asked(real, real_classes),
        }

    def clip_classifier(self):
        """The packaged Moving MNIST clip network, for clips of as many MNIST
        digits as it was trained on (else `None`)."""
        if self.config.dataset != "mnist":
            return None
        try:
            network = classifier.load_classifier(classifier.packaged_classifier_dir("moving_mnist"))
        except (FileNotFoundError, ValueError) as e:  # a damaged install: score the motion only
            print(f"no clip network: {str(e).splitlines()[0]}")
            return None
        return network if network.metadata["num_digits"] == self.config.num_digits else None

    def real_clips(self, count, with_classes=False):
        """`count` real clips the model has not trained on, from the test
        digits (at most one pass of them: `TEST_DIGITS // num_digits`); with
        `with_classes`, `(clips, their classes)`."""
        half = max(1, min(count, TEST_DIGITS // self.config.num_digits) // 2)
        batches = list(self.clips("test", half, with_labels=with_classes).take(2))
        if not with_classes:
            return np.concatenate(batches)
        clips, classes = zip(*batches)
        return np.concatenate(clips), np.concatenate(classes)


class VideoFolderSource(ClipSource, noise_to_image.FolderSource):
    """A folder of clips, decoded into memory, for `noise_to_image.train`."""

    def __init__(self, config, folder):
        super().__init__(config, folder, folder.clips)
        self.channels = folder.clips.shape[-1]

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        return data.video_folder(
            self.config.data_dir,
            batch_size,
            seed=self.config.seed,
            folder=self.labelled_folder(labels),
            with_labels=labels is not None or self.config.conditional,
            first_epoch=first_epoch,
            steps_per_epoch=steps_per_epoch,
        )

    def images_for_clustering(self):
        """Each clip's mean frame (what it shows and where it goes), which
        the self-conditioning clusters: a clip's every pixel would make the
        PCA `frames` times wider for little more."""
        return self.folder.clips.mean(axis=1)

    def real_clips(self, count):
        """`count` of the folder's own clips (all of them, if fewer), at random."""
        clips = self.folder.clips
        picked = np.random.default_rng(self.config.seed).permutation(len(clips))[:count]
        return clips[picked].astype(np.float32) / 127.5 - 1.0

    def summary(self):
        return {
            "class_names": self.folder.class_names,
            "num_clips": len(self.folder.clips),
            "skipped_files": [path for path, _ in self.folder.skipped],
        }


def motion_lines(report, count, extractor=None):
    """The printed tables of a `motion.motion_report`: the motion, then what
    the clip network `extractor` (its name) saw, when the report has it."""
    lines = [f"motion of {count} clips (keras_gans.evaluation.motion; ratio to real clips):"]
    lines.append(f"  {'':<18}" + "".join(f"{key:>14}" for key in motion.MEASURES))
    for name, row in report.items():
        cells = []
        for key in motion.MEASURES:
            ratio = row.get(f"{key}_ratio")
            cells.append(f"{row[key]:.3f}" + (f" ({ratio:.2f})" if ratio is not None else ""))
        lines.append(f"  {name:<18}" + "".join(f"{cell:>14}" for cell in cells))
    if extractor is None:
        return lines
    lines.append(f"seen by {extractor} (Fréchet distances to the real clips; not FVD):")
    lines.append(f"  {'':<18}" + "".join(f"{key:>12}" for key in motion.NETWORK_MEASURES))
    for name, row in report.items():
        cells = [f"{row[key]:.3f}" if key in row else "-" for key in motion.NETWORK_MEASURES]
        lines.append(f"  {name:<18}" + "".join(f"{cell:>12}" for cell in cells))
    return lines


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: with `data_dir`, the folder is read
    (its clips go into the record's `context`) and gives the frame size."""
    config, explicit = configure(config, **overrides)
    if config.clusters and not config.data_dir:
        raise ValueError(
            "--clusters self-conditions on a folder of clips (its clips' k-means clusters); "
            "Moving MNIST is made anew every epoch and has its digits as labels: use "
            "--conditional, or pass --data_dir."
        )
    if config.evaluate_every:
        raise ValueError(
            "The video job scores motion once, at the end (--score_clips): leave "
            "--evaluate_every unset."
        )
    video_data.check_speed(config.speed)
    # What "auto" and an unset --objects become (an explicit "auto" too).
    choices = {}
    if config.image_generator == "auto":
        moved = config.arch in ("auto", "layered") and not (config.conditional or config.clusters)
        choices["image_generator"] = "train" if moved and not config.data_dir else "none"
    drawn = choices.get("image_generator", config.image_generator) != "none"
    if config.arch == "auto":
        choices["arch"] = "mocogan" if config.data_dir and not drawn else "layered"
    if config.objects is None:
        choices["objects"] = 2 if config.data_dir else config.num_digits
    if config.whole_pixels is None:
        choices["whole_pixels"] = drawn and choices.get("arch", config.arch) == "layered"
    config = dataclasses.replace(config, **choices)
    if config.whole_pixels and config.arch != "layered":
        raise ValueError(
            "--whole_pixels places the layers of --arch=layered; the mocogan pair draws "
            "whole frames."
        )
    notes = []
    if config.image_generator == "train":
        choices.update(_image_gan_budget(config))
        config = dataclasses.replace(config, **choices)
    if drawn:
        choices["latent_dim"], note = _layers_noise(config, explicit)
        config = dataclasses.replace(config, latent_dim=choices["latent_dim"])
        notes.append(note)
    if not config.data_dir:
        size = config.frame_size or MOVING_MNIST_SIZE
        video_data.check_frame_size(size)
        dcgan.dcgan_filters((size, size, 1))  # a size the frame networks cannot build fails here
        notes.insert(
            0,
            f"Moving {config.dataset}: {config.num_digits} digits of {digit_size(size)} px in "
            f"{size}x{size} frames, {config.frames} frames a clip",
        )
        examples = TRAIN_DIGITS // config.num_digits
        return noise_to_image.resolve(
            NAME, config, explicit, examples, {"frame_size": size, **choices}, notes
        )
    folder = data.load_video_folder(
        config.data_dir, config.frames, config.stride, image_size=config.frame_size
    )
    num_clips, _, height, width, channels = folder.clips.shape
    notes.insert(
        0,
        f"{config.data_dir}: {num_clips} clips of {config.frames} frames at "
        f"{height}x{width}x{channels} from {len(set(folder.paths))} files"
        + (f" ({len(folder.skipped)} files skipped)" if folder.skipped else ""),
    )
    changes = {"frame_size": height, **choices, **noise_to_image.epoch_steps(config, num_clips)}
    context = {"folder": folder}
    return noise_to_image.resolve(NAME, config, explicit, num_clips, changes, notes, context)


def image_generator_file(config):
    """The `.keras` file whose generator draws the layers: the user's, or
    (`image_generator="train"`) the one the run trains first."""
    if config.image_generator == "train":
        return os.path.join(config.output_dir, IMAGE_GAN_DIR, "gan.keras")
    return config.image_generator


def _image_gan_budget(config):
    """The settings an image GAN trained first changes: the motion's
    `max_minutes`, what is left after `image_minutes`."""
    if config.data_dir:
        raise ValueError(
            "--image_generator=train trains an image GAN on the MNIST-style digits Moving "
            "MNIST is made of; for a folder of clips, train one on their things and pass its "
            "gan.keras."
        )
    if not config.max_minutes:
        return {}
    motion_minutes = config.max_minutes - config.image_minutes
    if motion_minutes <= 0:
        raise ValueError(
            f"--image_minutes={config.image_minutes:g} leaves no time of "
            f"--max_minutes={config.max_minutes:g} for the motion: raise --max_minutes or lower "
            "--image_minutes."
        )
    return {"max_minutes": motion_minutes}


def train_image_gan(config, image_gan=IMAGE_GAN):
    """Trains the image GAN of `image_generator="train"` into the run's
    `image_gan` folder (`keras_gans.jobs.mnist`, settings `image_gan` with
    the run's seed, digits, time and backup), unless an earlier start of
    the run left its `gan.keras` there (and `fresh` is off); returns that
    file."""
    path = image_generator_file(config)
    if os.path.isfile(path) and not config.fresh:
        print(f"Moving the digits of {path} (trained by an earlier start of this run).")
        return path
    print(
        f"Training the image GAN that draws the digits first (keras-gans train mnist, at most "
        f"{config.image_minutes:g} minutes), into {os.path.dirname(path)}."
    )
    mnist_job.train(
        image_gan.replace(
            seed=config.seed,
            dataset=config.dataset,
            data_dir=config.mnist_dir,
            max_minutes=config.image_minutes,
            output_dir=os.path.dirname(path),
            # The run needs its gan.keras only; an export would land in the
            # user's export folder under the image job's name.
            export=False,
            tflite=False,
            # Backed up (and resumed) with the run, started over with it.
            backup_dir=config.backup_dir and os.path.join(os.path.dirname(path), "backup"),
            fresh=config.fresh,
            verbose=config.verbose,
            strategy=config.strategy,
            num_cpu_replicas=config.num_cpu_replicas,
        )
    )
    return path


def load_image_generator(path):
    """The Keras `noise -> images` generator in the `.keras` file `path`: a
    keras_gans GAN's `sampling_generator` (what its exports draw), or the
    model itself.

    Raises:
        ValueError: `path` is missing, not a `.keras` file, or holds no
            generator from noise alone to images.
    """
    if not str(path).endswith(".keras") or not os.path.isfile(path):
        raise ValueError(
            f"--image_generator must be a .keras file (a run's gan.keras, or a saved Keras "
            f"generator). Received: {path!r}"
            + ("" if os.path.exists(path) else " (no such file)")
            + ". An export (SavedModel) cannot be trained inside another model: pass the run's "
            "gan.keras."
        )
    try:
        model = keras.saving.load_model(path)
    except (ValueError, OSError, TypeError, zipfile.BadZipFile) as e:
        raise ValueError(f"Could not load {path} as a Keras model ({e}).") from e
    generator = getattr(model, "sampling_generator", model)
    if len(generator.inputs) != 1 or len(generator.output_shape) != 4:
        raise ValueError(
            f"{path} holds {generator.name}, which does not draw images from noise alone; "
            "a conditional generator draws a class it is told, and the clips say none. Pass "
            "an unconditional or self-conditioned (--clusters) image GAN."
        )
    return generator


def _layers_noise(config, explicit):
    """`(noise size, note)` of a clip whose `objects` layers an
    `image_generator` draws: their noises side by side (checked against
    `latent_dim` when the user set one)."""
    if config.arch != "layered" or config.conditional or config.clusters:
        raise ValueError(
            "--image_generator draws the layers of --arch=layered, unconditional: leave "
            "--arch unset (or layered) and --conditional and --clusters off, or pass "
            "--image_generator=none."
        )
    if config.image_generator == "train":
        noise = config.objects * IMAGE_GAN.latent_dim
        what = (
            f"an image GAN trained first on the {config.dataset} digits (at most "
            f"{config.image_minutes:g} minutes; the motion gets "
            + (f"{config.max_minutes:g})" if config.max_minutes else "the run's epochs)")
        )
    else:
        # Loading creates tensors: the CPU replicas come first.
        distribute.get_strategy(config.strategy, config.num_cpu_replicas)
        generator = load_image_generator(config.image_generator)
        noise = config.objects * generator.inputs[0].shape[-1]
        what = f"{config.image_generator}: {generator.name}"
    if "latent_dim" in explicit and config.latent_dim != noise:
        raise ValueError(
            f"With --image_generator, a clip's noise is its {config.objects} layers' noises "
            f"side by side ({noise}): leave --latent_dim unset. Received: latent_dim="
            f"{config.latent_dim}."
        )
    note = (
        f"{what} draws the {config.objects} objects, frozen, "
        f"each from {noise // config.objects} numbers of the clip's noise (latent_dim={noise})"
        + (", on whole pixels" if config.whole_pixels else "")
    )
    return noise, note


def train(config=None, callbacks=(), image_gan=IMAGE_GAN, **overrides):
    """Trains a clip GAN on Moving MNIST, draws GIFs, plots and exports it.

    Args:
        config: `VideoConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        image_gan: `keras_gans.jobs.mnist.MnistConfig` of the image GAN
            trained first (`image_generator="train"`); its `latent_dim` must
            be `IMAGE_GAN`'s. Defaults to `IMAGE_GAN`.
        **overrides: fields of `VideoConfig` to change; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; its `images` are the
        per-epoch GIF grids, its `scores` the motion report
        (`keras_gans.evaluation.motion.motion_report`).
    """
    run = settings.resolved(resolve, config, overrides)
    if run.config.image_generator == "train":
        if image_gan.latent_dim != IMAGE_GAN.latent_dim:
            raise ValueError(
                f"The image GAN trained first draws each digit from {IMAGE_GAN.latent_dim} "
                f"numbers (the clip's noise is sized for it). Received latent_dim="
                f"{image_gan.latent_dim}."
            )
        train_image_gan(run.config, image_gan)
    if run.config.data_dir:
        source = VideoFolderSource(run.config, run.context["folder"])
    else:
        source = MovingMnistSource(run.config)
    return noise_to_image.train(run, source, callbacks)
