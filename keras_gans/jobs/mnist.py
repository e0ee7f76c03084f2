"""The MNIST job behind `examples/mnist.py`: train, draw, plot, export.

`MnistConfig` holds every setting once, with its default and help text;
`DCGAN` (the default), `MLP` and `FOUNDING` are its presets. `train` is the
whole job: `train()` is `python examples/mnist.py`, `train(arch="mlp")` the
MLP recipe, `train(preset="founding")` the founding document's recipe, and
`train(MLP.replace(epochs=3))` any variant.
"""

import dataclasses
from typing import Optional

from keras_gans import data
from keras_gans import evaluation
from keras_gans.data.mnist import CLASS_NAMES
from keras_gans.data.mnist import DATASETS as MNIST_DATASETS
from keras_gans.jobs.engines import noise_to_image
from keras_gans.jobs.engines.noise_to_image import NoiseGANConfig
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks import pairs
from keras_gans.utils.validation import check_choice

TRAIN_EXAMPLES = 60_000  # MNIST and Fashion-MNIST
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class MnistConfig(NoiseGANConfig):
    """Every setting of the MNIST job (`NoiseGANConfig`'s and its own).

    `DCGAN` (the default), `MLP` and `FOUNDING` set them; see the documentation's
    "Why these defaults".
    """

    preset: str = setting(
        "default",
        "`default`: the project's recipe for --arch; `founding`: the classic tutorial MLP "
        "recipe (MLP 100-128-256-784, BCE, Adam 1e-3, batch 64), which collapses.",
        ("default", "founding"),
    )
    arch: str = setting("dcgan", "Network pair.", ("dcgan", "mlp"))
    data_dir: Optional[str] = setting(
        None,
        "Directory of the four MNIST IDX files, or a TFDS data dir. Unset: TFDS, TFDS_DATA_DIR.",
    )
    dataset: str = setting("mnist", "Data set.", MNIST_DATASETS)
    g_hidden: tuple = setting((128, 64), "Generator widths (mlp: hidden units; dcgan: filters).")
    d_hidden: tuple = setting(
        (64, 128), "Discriminator widths (mlp: hidden units; dcgan: filters)."
    )
    activation: str = setting("leaky_relu", "MLP hidden activation.")

    @property
    def run_name(self):
        """`mnist_<arch>`, with `_founding` / `_conditional`: run and export name."""
        suffix = "_founding" if self.preset == "founding" else ""
        suffix += "_conditional" if self.conditional else ""
        return f"mnist_{self.arch}{suffix}"


# The DCGAN step is dominated by convolutions, which XLA makes slower on
# this CPU, so it runs without it, 25 steps per call: Keras's per-call work
# (its loop, the callbacks, reading the logs) cost 3-8% of a step at batch 32.
# The MLP step is small enough that per-step overhead dominates, so it runs
# 100 steps per call and lets XLA fuse them.
DCGAN = MnistConfig(
    loss="non_saturating",
    epochs=7,
    batch_size=32,
    learning_rate=4e-4,
    max_minutes=8.5,
    clusters=50,
    steps_per_execution=25,
)
MLP = DCGAN.replace(
    arch="mlp",
    clusters=0,
    max_minutes=None,
    mixed_precision="float32",
    batch_size=64,
    epochs=20,
    learning_rate=2e-4,
    steps_per_execution=100,
    jit_compile="true",
    g_hidden=(256, 512),
    d_hidden=(512, 256),
)
# Section 5.1 of the founding document: MLP 100-128-256-784 / 784-128-64-1
# with ReLU, BCE, Adam(lr=1e-3) with PyTorch's default betas, batch 64.
FOUNDING = MLP.replace(
    preset="founding",
    epochs=5,
    learning_rate=1e-3,
    beta_1=0.9,
    g_hidden=(128, 256),
    d_hidden=(128, 64),
    activation="relu",
)
# Preset name -> config: the flags' defaults and the reference table's columns.
PRESETS = {"dcgan": DCGAN, "mlp": MLP, "founding": FOUNDING}
DEFAULT = DCGAN


def preset_config(preset="default", arch=None):
    """The base config for `--preset` and `--arch`: `FOUNDING`, `MLP` or `DCGAN`."""
    check_choice("preset", preset, ("default", "founding"))
    if preset == "founding":
        return FOUNDING
    return MLP if arch == "mlp" else DCGAN


NAME = "mnist"
ABOUT = "MNIST or Fashion-MNIST (DCGAN, MLP or the founding recipe)."


def configure(config=None, **overrides):
    """`(config, explicit)`: `config` (or the preset `overrides` name) with
    the non-`None` overrides, and the names of the settings the user chose."""
    if config is None:
        config = preset_config(overrides.get("preset") or "default", overrides.get("arch"))
    config = config.with_overrides(**overrides)
    return config, config.chosen_settings(preset_config(config.preset, config.arch), overrides)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings (`keras_gans.jobs.plumbing.settings`)."""
    config, explicit = configure(config, **overrides)
    return noise_to_image.resolve(NAME, config, explicit, TRAIN_EXAMPLES)


def build_networks(config, num_classes=None):
    """The generator and discriminator of `config` (conditional with
    `num_classes`), from the registry of network pairs."""
    settings = pairs.PairSettings(
        latent_dim=config.latent_dim,
        shape=(28, 28, 1),
        g_filters=config.g_hidden,
        d_filters=config.d_hidden,
        d_dropout=config.d_dropout,
        spectral_norm=config.spectral_norm,
        activation=config.activation,
    )
    return pairs.get(config.arch).build(settings, num_classes)


class MnistSource(noise_to_image.Source):
    """MNIST or Fashion-MNIST for `noise_to_image.train`."""

    num_classes = NUM_CLASSES
    num_examples = TRAIN_EXAMPLES

    def images_for_clustering(self):
        images, _ = data.load_arrays("train", self.config.dataset, self.config.data_dir)
        return images

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        config = self.config
        return data.mnist(
            "train",
            batch_size=batch_size,
            dataset=config.dataset,
            data_dir=config.data_dir,
            seed=config.seed,
            with_labels=config.conditional,
            labels=labels,
            first_epoch=first_epoch,
            steps_per_epoch=steps_per_epoch,
        )

    def networks(self, num_classes=None):
        return build_networks(self.config, num_classes)

    def evaluator(self):
        # The test split, with the packaged classifier of the same data set.
        config = self.config
        return evaluation.Evaluator(f"{config.dataset}_test", data_dir=config.data_dir)

    def summary(self):
        return {"class_names": CLASS_NAMES[self.config.dataset]}


def train(config=None, callbacks=(), **overrides):
    """Trains a GAN on MNIST, writes samples and curves, evaluates and exports it.

    Args:
        config: `MnistConfig`, or the `Resolved` settings of `resolve`.
            Defaults to the preset that `overrides` name (`preset`, `arch`):
            `DCGAN`, `MLP` or `FOUNDING`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `MnistConfig` to change; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`.
    """
    run = settings.resolved(resolve, config, overrides)
    return noise_to_image.train(run, MnistSource(run.config), callbacks)
