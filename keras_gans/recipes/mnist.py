"""The MNIST recipe behind `examples/mnist.py`: train, draw, plot, export.

`MnistConfig` holds every setting once, with its default and help text;
`DCGAN` (the default), `MLP` and `FOUNDING` are its presets. `train` is the
whole job: `train()` is `python examples/mnist.py`, `train(arch="mlp")` the
MLP recipe, `train(preset="founding")` the founding document's recipe, and
`train(MLP.replace(epochs=3))` any variant.
"""

import dataclasses
import importlib.util
import os
import time
from typing import Optional

import keras
import numpy as np

from keras_gans import _compat
from keras_gans import callbacks as callbacks_module
from keras_gans import clustering
from keras_gans import data
from keras_gans import distribute
from keras_gans import losses
from keras_gans.data.mnist import DATASETS as MNIST_DATASETS
from keras_gans.gan import GAN
from keras_gans.gan import ConditionalGAN
from keras_gans.gan import SelfConditionedGAN
from keras_gans.models import dcgan
from keras_gans.models import mlp
from keras_gans.recipes import common
from keras_gans.recipes.config import TrainingConfig
from keras_gans.recipes.config import setting
from keras_gans.validation import check_choice

TRAIN_EXAMPLES = 60_000  # MNIST and Fashion-MNIST
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class MnistConfig(TrainingConfig):
    """Every setting of the MNIST recipe (`TrainingConfig`'s and its own).

    Its own fields default to the DCGAN recipe, and `DCGAN` sets the shared
    ones too. See the README's "Why these defaults".
    """

    preset: str = setting(
        "default",
        "`default`: the project's recipe for --arch; `founding`: the founding "
        "document's MLP recipe (BCE, Adam 1e-3, batch 64).",
        ("default", "founding"),
    )
    arch: str = setting("dcgan", "Network pair.", ("dcgan", "mlp"))
    latent_dim: int = setting(100, "Noise size.")
    optimizer: str = setting("adam", "Optimizer of both networks.", ("adam", "sgd"))
    beta_2: float = setting(0.999, "Adam beta_2.")
    momentum: float = setting(0.0, "SGD momentum.")
    d_steps: int = setting(
        1, "Discriminator updates per generator update (5 is usual for wasserstein)."
    )
    conditional: bool = setting(
        False,
        "Class-conditional DCGAN: the generator and the export take (z, label int32); "
        "10x10 grid, one row per digit.",
    )
    clusters: int = setting(
        30,
        "Self-conditioning (Liu et al. 2020), no labels used: train the conditional DCGAN on "
        "this many k-means clusters of the training images' pixels (PCA to 50 dimensions) and "
        "sample each cluster at its share of the data; the export keeps serving_default(z). "
        "0: a plain unconditional GAN.",
    )
    ema: Optional[float] = setting(
        None,
        "Sample and export from an exponential moving average of the generator "
        "weights with this momentum, e.g. 0.999. Unset: off.",
    )
    spectral_norm: bool = setting(False, "Spectral normalization on every discriminator layer.")
    r1_weight: float = setting(0.0, "R1 gradient penalty gamma on real images.")
    augment: Optional[str] = setting(
        None, "DiffAugment policy on every discriminator input, e.g. translation,cutout,color."
    )
    label_smoothing: float = setting(
        0.0, "One-sided label smoothing: the real target becomes 1 - e (cross-entropy losses)."
    )
    data_dir: Optional[str] = setting(
        None,
        "Directory of the four MNIST IDX files, or a TFDS data dir. Unset: TFDS, TFDS_DATA_DIR.",
    )
    dataset: str = setting("mnist", "Data set.", MNIST_DATASETS)
    tensorboard: bool = setting(
        False, "Log losses and sample grids for TensorBoard under <output_dir>/tensorboard."
    )
    steps_per_execution: int = setting(1, "Training steps per compiled call.")
    jit_compile: str = setting(
        "auto", "XLA-compile the train step (auto: Keras decides; off on CPU).", common.JIT_COMPILE
    )
    g_hidden: tuple = setting((128, 64), "Generator widths (mlp: hidden units; dcgan: filters).")
    d_hidden: tuple = setting(
        (64, 128), "Discriminator widths (mlp: hidden units; dcgan: filters)."
    )
    activation: str = setting("leaky_relu", "MLP hidden activation.")
    d_dropout: float = setting(0.0, "Dropout after each discriminator layer.")
    evaluate_every: Optional[int] = setting(
        None,
        "Evaluate FCD, KID, classifier score, precision/recall and class coverage "
        "every N epochs. Unset: after the last epoch, when the evaluation classifier is "
        "there; 0: never.",
    )
    eval_samples: int = setting(10_000, "Generated samples per evaluation.")
    export_best: bool = setting(
        False, "Export the evaluated generator with the lowest FCD instead of the last one."
    )
    strategy: str = setting(
        "auto",
        "tf.distribute strategy (see Scaling); --batch_size is per replica.",
        distribute.STRATEGIES,
    )
    num_cpu_replicas: Optional[int] = setting(
        None, "Split the CPU into N logical devices for mirrored (testing without GPUs)."
    )
    mixed_precision: str = setting(
        "auto",
        "Compute dtype: auto (mixed_bfloat16 on a CPU with bfloat16 units, AVX512-BF16 or "
        "AMX, else float32), mixed_bfloat16 (also TPUs) or mixed_float16 (GPUs, with loss "
        "scaling).",
        common.MIXED_PRECISION,
    )
    backup_dir: Optional[str] = setting(
        None,
        "Back up every epoch (BackupAndRestore); run the same command again after a "
        "crash to resume to the result of an uninterrupted run.",
    )

    @property
    def run_name(self):
        """`mnist_<arch>`, with `_founding` / `_conditional`: run and export name."""
        suffix = "_founding" if self.preset == "founding" else ""
        suffix += "_conditional" if self.conditional else ""
        return f"mnist_{self.arch}{suffix}"


# The DCGAN step is dominated by convolutions, which XLA makes slower on
# this CPU, so it runs without it; the MLP step is small enough that per-step
# overhead matters, so it runs many steps per call and lets XLA fuse them.
DCGAN = MnistConfig(
    loss="non_saturating", epochs=7, batch_size=32, learning_rate=4e-4, max_minutes=8.5
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
# Preset name -> config: the flags' defaults and the README table's columns.
PRESETS = {"dcgan": DCGAN, "mlp": MLP, "founding": FOUNDING}


def preset_config(preset="default", arch=None):
    """The base config for `--preset` and `--arch`: `FOUNDING`, `MLP` or `DCGAN`."""
    check_choice("preset", preset, ("default", "founding"))
    if preset == "founding":
        return FOUNDING
    return MLP if arch == "mlp" else DCGAN


def resolve_config(config=None, **overrides):
    """`config` (or the preset `overrides` name) with the non-`None` overrides.

    Returns:
        `(config, explicit)`: the settings, and the names set explicitly
        (a setting you chose is left for `compile` to refuse, not adapted).
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if config is None:
        config = preset_config(overrides.get("preset", "default"), overrides.get("arch"))
    base = preset_config(config.preset, config.arch)
    explicit = set(overrides) | {
        f.name
        for f in dataclasses.fields(config)
        if getattr(config, f.name) != getattr(base, f.name)
    }
    return config.replace(**overrides), explicit


def build_networks(config, num_classes=None):
    """The generator and discriminator of `config` (conditional with `num_classes`)."""
    if num_classes:
        if config.arch != "dcgan":
            raise ValueError("`conditional` and `clusters` are built for arch='dcgan'.")
        return (
            dcgan.conditional_dcgan_generator(
                config.latent_dim, num_classes, filters=config.g_hidden
            ),
            dcgan.conditional_dcgan_discriminator(
                num_classes,
                filters=config.d_hidden,
                dropout=config.d_dropout,
                spectral_norm=config.spectral_norm,
            ),
        )
    if config.arch == "mlp":
        return (
            mlp.mlp_generator(
                config.latent_dim, hidden_units=config.g_hidden, activation=config.activation
            ),
            mlp.mlp_discriminator(
                hidden_units=config.d_hidden,
                activation=config.activation,
                dropout=config.d_dropout,
                spectral_norm=config.spectral_norm,
            ),
        )
    return (
        dcgan.dcgan_generator(config.latent_dim, filters=config.g_hidden),
        dcgan.dcgan_discriminator(
            filters=config.d_hidden, dropout=config.d_dropout, spectral_norm=config.spectral_norm
        ),
    )


def train(config=None, callbacks=(), **overrides):
    """Trains a GAN on MNIST, writes samples and curves, evaluates and exports it.

    Args:
        config: `MnistConfig`. Defaults to the preset that `overrides` name
            (`preset`, `arch`): `DCGAN`, `MLP` or `FOUNDING`.
        callbacks: extra Keras callbacks, run before the recipe's own.
        **overrides: fields of `MnistConfig` to change; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.recipes.common.TrainResult`.
    """
    started = time.perf_counter()
    config, explicit = resolve_config(config, **overrides)
    _loss(config)  # a bad loss option fails now, not after data and clustering
    if config.tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise ValueError(
            "`tensorboard=True` needs the tensorboard package: `pip install tensorboard`."
        )
    # The strategy comes first: CPU replicas must be set up before TensorFlow
    # creates any tensor.
    strategy = distribute.get_strategy(config.strategy, config.num_cpu_replicas)
    config = _adapt_to_replicas(config, explicit, strategy)
    config = config.replace(mixed_precision=common.resolve_mixed_precision(config.mixed_precision))
    chief = distribute.is_chief(strategy)
    output_dir = config.output_dir or os.path.join("runs", config.run_name)
    if not chief:
        # Other workers keep their grids and gan.keras apart from the chief's.
        output_dir = os.path.join(output_dir, f"worker_{strategy.cluster_resolver.task_id}")
    config = config.replace(output_dir=output_dir)
    keras.utils.set_random_seed(config.seed)

    replicas = strategy.num_replicas_in_sync
    clusters = _clusters(config) if config.clusters and not config.conditional else None
    steps_per_epoch = config.steps_per_epoch
    data_args = {}
    if config.backup_dir:
        # Resumable runs read an endless stream whose epoch e depends only on
        # (seed, e), started at the epoch the backup reached.
        steps_per_epoch = steps_per_epoch or TRAIN_EXAMPLES // (config.batch_size * replicas)
        data_args = {
            "first_epoch": _compat.backup_epoch(config.backup_dir),
            "steps_per_epoch": steps_per_epoch,
        }
    dataset = data.mnist(
        "train",
        batch_size=config.batch_size * replicas,
        dataset=config.dataset,
        data_dir=config.data_dir,
        seed=config.seed,
        with_labels=config.conditional,
        labels=None if clusters is None else clusters.labels,
        **data_args,
    )
    execution = config.steps_per_execution
    if steps_per_epoch:
        # Keras runs whole executions; keep the epoch length what was asked.
        execution = _largest_divisor(steps_per_epoch, execution)
    run = common.Run(
        config, config.run_name, output_dir, started, chief, every_n_steps=max(25, execution)
    )
    with strategy.scope(), common.dtype_policy(config.mixed_precision):
        gan = _build_gan(config, execution, clusters)

    samples = _sample_grid(config, output_dir)
    recipe_callbacks = [samples]
    evaluation = _evaluation_callback(config)
    if evaluation is not None:
        recipe_callbacks.append(evaluation)
    if config.tensorboard:
        recipe_callbacks.append(
            keras.callbacks.TensorBoard(
                log_dir=os.path.join(output_dir, "tensorboard"), update_freq="epoch"
            )
        )
    backup = [keras.callbacks.BackupAndRestore(config.backup_dir)] if config.backup_dir else []
    history = run.fit(gan, dataset, [*callbacks, *recipe_callbacks], backup, steps_per_epoch)
    evaluations = evaluation.history if evaluation is not None else []
    if config.export_best and evaluation is not None and evaluation.best:
        best = evaluation.restore_best()
        print(f"restored the generator of epoch {best['epoch']} (FCD {best['fcd']:.3f})")
    return run.finish(
        gan, history, samples.paths, evaluations, {"replicas": replicas, "chief": chief}
    )


def _sample_grid(config, output_dir):
    """8x8 grid from fixed noise; conditional: one row per digit, the same
    noise in every column."""
    tensorboard_dir = os.path.join(output_dir, "tensorboard") if config.tensorboard else None
    if config.conditional:
        noise = callbacks_module.fixed_noise(NUM_CLASSES, config.latent_dim, seed=1234)
        return callbacks_module.SampleGrid(
            output_dir,
            noise=np.tile(noise, (NUM_CLASSES, 1)),
            labels=np.repeat(np.arange(NUM_CLASSES), NUM_CLASSES),
            rows=NUM_CLASSES,
            tensorboard_dir=tensorboard_dir,
        )
    return callbacks_module.SampleGrid(
        output_dir,
        noise=callbacks_module.fixed_noise(64, config.latent_dim, seed=1234),
        rows=8,
        tensorboard_dir=tensorboard_dir,
    )


def _optimizer(config, learning_rate, ema=None):
    # Keras's own weight averaging: the GAN samples from the averages.
    averaging = {"use_ema": True, "ema_momentum": ema} if ema else {}
    if config.optimizer == "adam":
        return keras.optimizers.Adam(
            learning_rate, beta_1=config.beta_1, beta_2=config.beta_2, **averaging
        )
    return keras.optimizers.SGD(learning_rate, momentum=config.momentum, **averaging)


def _clusters(config):
    """k-means clusters of the training images, the self-conditioning labels."""
    images, _ = data.load_arrays("train", config.dataset, config.data_dir)
    began = time.perf_counter()
    clusters = clustering.cluster_images(images, config.clusters, seed=config.seed)
    print(
        f"self-conditioning: {config.clusters} clusters of {len(images)} images in "
        f"{time.perf_counter() - began:.0f} s (sizes {clusters.counts.min()}-"
        f"{clusters.counts.max()})"
    )
    return clusters


def _build_gan(config, steps_per_execution, clusters=None):
    """Builds and compiles the GAN (call under the strategy's scope)."""
    num_classes = NUM_CLASSES if config.conditional else None
    if clusters is not None:
        num_classes = len(clusters.counts)
    generator, discriminator = build_networks(config, num_classes)
    if clusters is not None:
        gan = SelfConditionedGAN(
            generator, discriminator, clusters.probabilities.tolist(), seed=config.seed
        )
    elif num_classes:
        gan = ConditionalGAN(generator, discriminator, num_classes, seed=config.seed)
    else:
        gan = GAN(generator, discriminator, seed=config.seed)
    gan.compile(
        g_optimizer=_optimizer(config, config.g_lr, ema=config.ema),
        d_optimizer=_optimizer(config, config.d_lr),
        loss=_loss(config),
        d_steps=config.d_steps,
        r1_weight=config.r1_weight,
        augment=config.augment or None,
        steps_per_execution=steps_per_execution,
        jit_compile=common.parse_jit_compile(config.jit_compile),
    )
    return gan


def _loss(config):
    options = {"label_smoothing": config.label_smoothing} if config.label_smoothing else {}
    return losses.get(config.loss, **options)


def _adapt_to_replicas(config, explicit, strategy):
    """Turns off what this Keras cannot do on several replicas (see
    `AdversarialModel.compile`): XLA on CPU replicas, and several steps per
    call. Settings chosen explicitly are left for `compile` to refuse.
    """
    if strategy.num_replicas_in_sync == 1:
        return config
    if config.steps_per_execution != 1 and "steps_per_execution" not in explicit:
        print("note: steps_per_execution=1 on several replicas (keras-team/keras#19246).")
        config = config.replace(steps_per_execution=1)
    if (
        common.parse_jit_compile(config.jit_compile) is True
        and distribute.cpu_replicas(strategy)
        and "jit_compile" not in explicit
    ):
        print("note: XLA is off: it cannot compile several replicas on CPU devices.")
        config = config.replace(jit_compile="false")
    return config


def _evaluation_callback(config):
    """`EvaluateGenerator` per `evaluate_every`, or `None` when off."""
    from keras_gans import evaluation

    every = config.evaluate_every
    if every == 0:
        return None
    if config.dataset != "mnist":
        if every is None:
            return None
        raise ValueError("`evaluate_every` needs dataset='mnist' (the evaluation classifier's).")
    try:
        evaluator = evaluation.Evaluator(data_dir=config.data_dir)
    except FileNotFoundError as e:
        if every is None:  # default: evaluate only when the classifier is there
            print(f"note: skipping evaluation ({e})")
            return None
        raise
    return callbacks_module.EvaluateGenerator(
        evaluator,
        every_n_epochs=every or None,
        num_samples=config.eval_samples,
        keep_best=config.export_best,
    )


def _largest_divisor(n, at_most):
    for d in range(min(n, at_most), 0, -1):
        if n % d == 0:
            return d
    return 1
