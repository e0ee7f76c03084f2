"""The style-transfer job behind `examples/style_transfer.py`.

`train` trains a `StyleTransferGAN` on unpaired (content, style) images,
draws a "content | style | generated" figure every epoch from fixed test
photos at full size, plots the losses and exports the generator for TF
Serving and LiteRT. `StyleConfig` holds every setting once; its defaults
(`DEFAULT`) train the founding document's two networks in about 11 minutes
on a 2-core CPU (see the documentation's style-transfer results).
"""

import dataclasses
import os
import time
from typing import Optional

import keras
import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import data
from keras_gans.callbacks import RunBackup
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import ResumableConfig
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.models.cycle_gan import CycleGAN
from keras_gans.models.style_transfer_gan import StyleTransferGAN
from keras_gans.networks import style as style_models
from keras_gans.utils import precision

NORMALIZATIONS = style_models.NORMALIZATIONS
MODELS = ("content_loss", "cycle_gan")


@dataclasses.dataclass(frozen=True)
class StyleConfig(ResumableConfig):
    """Every setting of the style-transfer job (`ResumableConfig`'s and its
    own): a run from two folders backs up every epoch and resumes."""

    data_folder_settings = ("content_dir", "style_dir")

    content_dir: Optional[str] = setting(
        None,
        "Folder of content photos (JPEG/PNG, any size). Unset: with no --style_dir "
        "either, TFDS cycle_gan/monet2photo.",
    )
    style_dir: Optional[str] = setting(None, "Folder of style images (paintings).")
    test_content_dir: Optional[str] = setting(
        None,
        "Photos for the per-epoch figures, not trained on. Unset: the first images of "
        "--content_dir.",
    )
    name: Optional[str] = setting(
        None,
        "Style name: exports go to style_<name>. Unset: from --style_dir, "
        "photo2monet/trainB -> monet.",
    )
    model: str = setting(
        "content_loss",
        "content_loss: one generator with a content loss (the MSE between a photo and its "
        "stylized copy) "
        "(StyleTransferGAN); cycle_gan: CycleGAN, two generators and two discriminators with "
        "cycle and identity losses (a preset: its defaults below apply unless set), which "
        "also exports the reverse direction as <name>_reverse.",
        MODELS,
    )
    image_size: int = setting(64, "Training crop size.")
    content_weight: float = setting(1.0, "Weight of the content (MSE) loss.")
    identity_weight: float = setting(0.0, "Weight of the identity loss.")
    cycle_weight: float = setting(10.0, "CycleGAN: weight of the cycle-consistency loss.")
    pool_size: int = setting(50, "CycleGAN: generated images in the discriminators' history pool.")
    tv_weight: float = setting(0.2, "Weight of the total-variation loss.")
    filters: int = setting(32, "Generator width.")
    residual_blocks: int = setting(4, "Generator residual blocks.")
    d_filters: tuple = setting((32, 64, 128, 256), "PatchGAN widths.")
    input_skip: bool = setting(True, "The generator learns a change of the photo.")
    norm: str = setting("instance", "Normalization in both networks.", NORMALIZATIONS)
    d_norm: Optional[str] = setting(
        None, "Normalization in the discriminator. Unset: --norm.", NORMALIZATIONS
    )
    figure_size: int = setting(256, "Size of the test photos in the per-epoch figures.")
    figure_images: int = setting(4, "Test photos per figure.")

    @property
    def run_name(self):
        """`style_<name>`: the run and export name."""
        return f"style_{self.name or _style_name(self.style_dir)}"


# A 4x faster discriminator (TTUR): at equal rates the generator fools the
# PatchGAN with faint high-frequency patterns instead of changing the style.
# float32: the documented style measurements predate bfloat16 defaults.
DEFAULT = StyleConfig(
    loss="least_squares",
    epochs=90,
    batch_size=4,
    learning_rate=2e-4,
    d_learning_rate_factor=4.0,
    mixed_precision="float32",
)
# The paper's loss weights, on the default recipe's networks and crops. A step
# costs 3x the default's, so 90 epochs would take ~30 minutes on 2 cores: the
# cap keeps `--model=cycle_gan` within the default's CPU budget.
CYCLE_GAN = DEFAULT.replace(
    model="cycle_gan", content_weight=0.0, identity_weight=5.0, tv_weight=0.0, max_minutes=11.0
)
PRESETS = {"default": DEFAULT, "cycle_gan": CYCLE_GAN}


def build_gan(config):
    """The compiled `StyleTransferGAN` (or `CycleGAN`) of `config`."""

    def networks(suffix=""):
        generator = style_models.style_generator(
            filters=config.filters,
            residual_blocks=config.residual_blocks,
            norm=config.norm,
            input_skip=config.input_skip,
            name=f"style_generator{suffix}",
        )
        discriminator = style_models.patchgan_discriminator(
            filters=config.d_filters,
            norm=config.d_norm or config.norm,
            name=f"patchgan_discriminator{suffix}",
        )
        return generator, discriminator

    if config.model == "cycle_gan":
        gan = CycleGAN(
            *networks(),
            *networks("_reverse"),
            cycle_weight=config.cycle_weight,
            identity_weight=config.identity_weight,
            pool_size=config.pool_size,
            seed=config.seed,
        )
    else:
        gan = StyleTransferGAN(
            *networks(),
            content_weight=config.content_weight,
            identity_weight=config.identity_weight,
            tv_weight=config.tv_weight,
            seed=config.seed,
        )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(config.learning_rates()[0], config.beta_1, config.beta_2),
        d_optimizer=keras.optimizers.Adam(config.learning_rates()[1], config.beta_1, config.beta_2),
        loss=config.loss,
    )
    return gan


def figure_images(content_dir, style_dir, count, size):
    """Fixed uint8 content photos and style examples for the figures."""
    content, _ = data.load_folder(content_dir, limit=count)
    style, _ = data.load_folder(style_dir, limit=count)
    style = (style * count)[:count]
    return (
        np.stack([data.center_square(image, size) for image in content]),
        np.stack([data.center_square(image, size) for image in style]),
    )


NAME = "style"
ABOUT = "Style transfer (or CycleGAN) between two folders of images."


def configure(config=None, **overrides):
    """`(config, explicit)`: `config` (or the preset `model` names: `DEFAULT`
    or `CYCLE_GAN`) with the non-`None` overrides, and the names of the
    settings the user chose."""
    preset = PRESETS["cycle_gan" if overrides.get("model") == "cycle_gan" else "default"]
    return job.configure(preset, config, overrides)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: the style's name, and with a backup
    the epoch length (one pass over the content photos, unset)."""
    config, explicit = configure(config, **overrides)
    if (config.content_dir is None) != (config.style_dir is None):
        raise ValueError("Pass both `content_dir` and `style_dir`, or neither (TFDS).")
    changes = {"name": config.name or _style_name(config.style_dir)}
    if config.backup_dir and config.content_dir and config.steps_per_epoch is None:
        photos = len(data.list_images(config.content_dir))
        changes["steps_per_epoch"] = max(1, photos // config.batch_size)
    return settings.resolve(NAME, config, explicit, changes)


def train(config=None, callbacks=(), **overrides):
    """Trains, draws, plots and exports a style-transfer GAN.

    Args:
        config: `StyleConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `StyleConfig` to change, e.g. `content_dir`,
            `style_dir`, `test_content_dir`, `epochs`; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`.
    """
    started = time.perf_counter()
    resolved = settings.resolved(resolve, config, overrides)
    config, output_dir = resolved.config, resolved.config.output_dir
    run = run_lib.Run(
        resolved,
        started,
        loss_keys=(
            "d_loss",
            "g_loss",
            "adv_loss",
            "cycle_loss" if config.model == "cycle_gan" else "content_loss",
        ),
        plot_keys=(
            "d_loss",
            "adv_loss",
            "cycle_loss" if config.model == "cycle_gan" else "content_loss",
        ),
    )
    keras.utils.set_random_seed(config.seed)

    backup, steps_per_epoch = None, config.steps_per_epoch
    if config.content_dir is None:
        # TFDS's cycle_gan/monet2photo is read as a stream that cannot start
        # at a given epoch: these runs are not backed up and do not resume.
        dataset = data.cycle_gan(
            "monet2photo",
            image_size=config.image_size,
            batch_size=config.batch_size,
            seed=config.seed,
        )
        fixed = data.cycle_gan(
            "monet2photo",
            split="test",
            image_size=config.figure_size,
            batch_size=config.figure_images,
            mode="resize",
            flip=False,
            shuffle=False,
        )
        content, style = (data.to_uint8(x).numpy() for x in next(iter(fixed)))
    else:
        stream = {}
        if config.backup_dir:
            content_paths = data.list_images(config.content_dir)
            style_paths = data.list_images(config.style_dir)
            fingerprint = fingerprint_files(content_paths + style_paths)
            backup = RunBackup(
                config.backup_dir, run_lib.run_identity(config, fingerprint), fresh=config.fresh
            )
            # An endless stream whose epoch e depends only on (seed, e),
            # started where the backup ends.
            stream = {"first_epoch": backup.resume_epoch, "steps_per_epoch": steps_per_epoch}
        dataset = data.unpaired_images(
            config.content_dir,
            config.style_dir,
            image_size=config.image_size,
            batch_size=config.batch_size,
            seed=config.seed,
            **stream,
        )
        content, style = figure_images(
            config.test_content_dir or config.content_dir,
            config.style_dir,
            config.figure_images,
            config.figure_size,
        )
    with precision.dtype_policy(config.mixed_precision):
        gan = build_gan(config)

    figure = callbacks_module.StyleFigure(content, style, output_dir)
    extra_exports = None
    if config.model == "cycle_gan":
        reverse = (gan.reverse_sampling_generator, f"{config.run_name}_reverse", "style")
        extra_exports = {"reverse_export_path": reverse}
    if backup is not None:
        backup.state.update(figure=figure)
        if config.model == "cycle_gan":
            backup.state.update(pools=HistoryPools(gan))
    history = run.fit(gan, dataset, [*callbacks, figure], steps_per_epoch, backup)
    return run.finish(gan, history, figure.paths, extra_exports=extra_exports)


class HistoryPools:
    """The state of a `CycleGAN`'s history pools for the run's backup
    (`RunBackup`'s `state`): their images, counts and random generators are
    a cache the model does not save, which a resumed run must restore to
    show the discriminators what an uninterrupted run showed them."""

    def __init__(self, gan):
        self.pools = vars(gan._pools)

    def backup_state(self):
        state = {}
        for key, pool in self.pools.items():
            if pool.state.images is not None:
                state[f"{key}_images"] = pool.state.images.numpy()
                state[f"{key}_count"] = np.asarray(pool.state.count.numpy())
                state[f"{key}_rng"] = pool.state.rng.state.numpy()
        return state

    def restore_state(self, state):
        for key, pool in self.pools.items():
            if pool.state.images is not None and f"{key}_images" in state:
                pool.state.images.assign(state[f"{key}_images"])
                pool.state.count.assign(state[f"{key}_count"])
                pool.state.rng.reset(state[f"{key}_rng"])


def _style_name(style_dir):
    if style_dir is None:
        return "monet"
    parent = os.path.basename(os.path.dirname(os.path.abspath(style_dir)))
    name = (
        parent.split("2", 1)[1] if "2" in parent else os.path.basename(os.path.abspath(style_dir))
    )
    return "".join(c for c in name if c.isalnum() or c in "_-.") or "style"
