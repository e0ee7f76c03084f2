"""Clips from noise: the job behind `keras-gans train video`.

Moving MNIST, made on the fly from the MNIST digits on disk
(`keras_gans.data.moving_mnist`), in, a trained, exported clip generator out:
`train(frame_size=32, max_minutes=10)`. The networks are a network pair for
clips (`keras_gans.networks.pairs`, `--arch=mocogan`); every epoch writes an
animated GIF grid of clips drawn from fixed noise; the export is
`serving_default(z) -> video uint8 [b, frames, H, W, 1]`.
"""

import dataclasses
from typing import Optional

import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import contracts
from keras_gans import data
from keras_gans.data.mnist import DATASETS as MNIST_DATASETS
from keras_gans.data.video import digit_size
from keras_gans.evaluation import motion
from keras_gans.jobs.engines import noise_to_image
from keras_gans.jobs.engines.noise_to_image import NoiseGANConfig
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks import pairs

NAME = "video"
ABOUT = "Clips from noise: Moving MNIST made from the MNIST digits (MoCoGAN-style networks)."
TRAIN_DIGITS = 60_000  # MNIST's and Fashion-MNIST's training digits


@dataclasses.dataclass(frozen=True)
class VideoConfig(NoiseGANConfig):
    """Every setting of the video job (`NoiseGANConfig`'s and its own)."""

    dataset: str = setting(
        "mnist", "Digits the clips are made of (fashion_mnist: moving clothes).", MNIST_DATASETS
    )
    mnist_dir: Optional[str] = setting(
        None, "Directory of the MNIST IDX files, or a TFDS data dir. Unset: TFDS, TFDS_DATA_DIR."
    )
    num_digits: int = setting(2, "Digits per clip.", minimum=1)
    frame_size: int = setting(
        64, "Side of the square frames: 64 (standard) or 32 (quick; the digits scale).", minimum=18
    )
    frames: int = setting(16, "Frames per clip.", minimum=2)
    speed: float = setting(
        0.1,
        "How far a digit moves per frame, as a fraction of the free distance across.",
        minimum=0,
    )
    name: Optional[str] = setting(
        None, "Model name of the export. Unset: moving_<dataset>_<frame_size>."
    )
    arch: str = setting("mocogan", "Network pair for clips.", pairs.names("clips"))
    score_clips: int = setting(
        256,
        "Clips drawn from what ships, and real test clips, for the motion scores at the end "
        "(keras_gans.evaluation.motion). 0: no scores.",
        minimum=0,
    )
    width: int = setting(32, "Network width: channels of the frame networks' outer layers.")

    @property
    def run_name(self):
        """The export's model name: `name`, or `moving_<dataset>_<frame_size>`."""
        return self.name or f"moving_{self.dataset}_{self.frame_size}"


DEFAULT = VideoConfig(
    latent_dim=64, batch_size=16, epochs=100, steps_per_epoch=100, max_minutes=30.0, ema=0.999
)
PRESETS = {"default": DEFAULT}
configure = job.configurator(DEFAULT)


class MovingMnistSource(noise_to_image.Source):
    """Moving MNIST clips for `noise_to_image.train`."""

    def __init__(self, config):
        super().__init__(config)
        self.num_examples = TRAIN_DIGITS // config.num_digits

    def clips(self, split, batch_size, **stream):
        """Moving MNIST clips of the run's kind from `split`'s digits."""
        config = self.config
        geometry = dict(num_digits=config.num_digits, frame_size=config.frame_size)
        geometry.update(frames=config.frames, speed=config.speed, dataset=config.dataset)
        return data.moving_mnist(
            split, batch_size, data_dir=config.mnist_dir, seed=config.seed, **geometry, **stream
        )

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        return self.clips(
            "train", batch_size, first_epoch=first_epoch, steps_per_epoch=steps_per_epoch
        )

    def networks(self, num_classes=None):
        config = self.config
        shape = (config.frames, config.frame_size, config.frame_size, 1)
        pair_settings = pairs.PairSettings(
            latent_dim=config.latent_dim,
            shape=shape,
            width=config.width,
            spectral_norm=config.spectral_norm,
            seed=config.seed,
        )
        return pairs.get(config.arch).build(pair_settings, num_classes)

    def score(self, result):
        """The motion of `score_clips` clips drawn from what ships, against
        as many real test clips and the floor and baselines of
        `motion.motion_report`; its table goes into `result.report`."""
        count = self.config.score_clips
        if not count:
            return None
        config = self.config
        serve = run_lib.shipped_signature(result, result.gan.sampling_generator, "noise")
        z = np.random.default_rng(config.seed + 1).standard_normal((count, config.latent_dim))
        generated = contracts.draw(serve, z.astype("float32"), None)
        real = self.clips("test", count)
        real = np.concatenate([batch.numpy() for batch in real.take(2)])
        report = motion.motion_report(generated, real, seed=config.seed)
        result.report = motion_lines(report, count)
        return report

    def sample_callback(self, num_classes=None):
        """A 4x4 grid of clips from fixed noise, an animated GIF per epoch."""
        return callbacks_module.SampleGrid(
            self.config.output_dir,
            noise=callbacks_module.fixed_noise(16, self.config.latent_dim, seed=1234),
            rows=4,
            filename="samples_epoch_{epoch:03d}.gif",
        )


def motion_lines(report, count):
    """The printed table of a `motion.motion_report`."""
    lines = [f"motion of {count} clips (keras_gans.evaluation.motion; ratio to real clips):"]
    lines.append(f"  {'':<18}" + "".join(f"{key:>14}" for key in motion.MEASURES))
    for name, row in report.items():
        cells = []
        for key in motion.MEASURES:
            ratio = row.get(f"{key}_ratio")
            cells.append(f"{row[key]:.3f}" + (f" ({ratio:.2f})" if ratio is not None else ""))
        lines.append(f"  {name:<18}" + "".join(f"{cell:>14}" for cell in cells))
    return lines


def resolve(config=None, **overrides):
    """The run's `Resolved` settings (`keras_gans.jobs.plumbing.settings`)."""
    config, explicit = configure(config, **overrides)
    unsupported = {
        "conditional": "labelled clips",
        "clusters": "self-conditioning",
        "augment": "DiffAugment",
    }
    for name, what in unsupported.items():
        if getattr(config, name):
            raise ValueError(f"The video job has no {what} yet: leave --{name} unset.")
    size = digit_size(config.frame_size)
    notes = [
        f"Moving {config.dataset}: {config.num_digits} digits of {size} px in "
        f"{config.frame_size}x{config.frame_size} frames, {config.frames} frames a clip"
    ]
    return noise_to_image.resolve(
        NAME, config, explicit, TRAIN_DIGITS // config.num_digits, notes=notes
    )


def train(config=None, callbacks=(), **overrides):
    """Trains a clip GAN on Moving MNIST, draws GIFs, plots and exports it.

    Args:
        config: `VideoConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `VideoConfig` to change; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; its `images` are the
        per-epoch GIF grids, its `scores` the motion report
        (`keras_gans.evaluation.motion.motion_report`).
    """
    run = settings.resolved(resolve, config, overrides)
    return noise_to_image.train(run, MovingMnistSource(run.config), callbacks)
