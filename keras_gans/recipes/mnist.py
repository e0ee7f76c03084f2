"""The MNIST recipe behind `examples/mnist.py`: train, draw, plot, export.

`train(...)` is the whole job; the example script only maps flags to its
arguments. Every argument left as `None` takes the preset's value, so
`train(arch="mlp")` is the project's MLP recipe and
`train(preset="founding")` is the founding document's exact recipe.
"""

import contextlib
import dataclasses
import importlib.util
import json
import os
import time

import keras
import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import export
from keras_gans import plotting
from keras_gans import data
from keras_gans import distribute
from keras_gans import losses
from keras_gans.gan import GAN
from keras_gans.gan import ConditionalGAN
from keras_gans.models import dcgan
from keras_gans.models import mlp

ARCHS = ("mlp", "dcgan")
PRESETS = ("default", "founding")
OPTIMIZERS = ("adam", "sgd")
MIXED_PRECISION = ("float32", "mixed_bfloat16", "mixed_float16")
TRAIN_EXAMPLES = 60_000  # MNIST and Fashion-MNIST
NUM_CLASSES = 10

# Why these values: see README, "Why these defaults". The DCGAN step is
# dominated by convolutions, which XLA makes slower on this CPU, so it runs
# without it; the MLP step is small enough that per-step overhead matters,
# so it runs many steps per call and lets XLA fuse them.
DEFAULTS = {
    "dcgan": {
        "batch_size": 32,
        "epochs": 7,
        "learning_rate": 4e-4,
        "beta_1": 0.5,
        "steps_per_execution": 1,
        "jit_compile": "auto",
        "g_hidden": (128, 64),
        "d_hidden": (64, 128),
        "activation": None,
        "d_dropout": 0.0,
    },
    "mlp": {
        "batch_size": 64,
        "epochs": 20,
        "learning_rate": 2e-4,
        "beta_1": 0.5,
        "steps_per_execution": 100,
        "jit_compile": "true",
        "g_hidden": (256, 512),
        "d_hidden": (512, 256),
        "activation": "leaky_relu",
        "d_dropout": 0.0,
    },
}
# Section 5.1 of the founding document: MLP 100-128-256-784 / 784-128-64-1
# with ReLU, BCE, Adam(lr=1e-3) with PyTorch's default betas, batch 64.
FOUNDING = {
    "arch": "mlp",
    "batch_size": 64,
    "epochs": 5,
    "learning_rate": 1e-3,
    "beta_1": 0.9,
    "steps_per_execution": 100,
    "jit_compile": "true",
    "g_hidden": (128, 256),
    "d_hidden": (128, 64),
    "activation": "relu",
    "d_dropout": 0.0,
    "loss": "non_saturating",
}


@dataclasses.dataclass
class TrainResult:
    """What `train` produced.

    Attributes:
        gan: the trained `GAN`.
        history: dict of per-epoch metrics from `fit`.
        steps_history: dict of losses every few steps (`LossHistory`).
        sample_grids: list of PNG paths, one per epoch.
        loss_curves: PNG path of the loss curves.
        keras_path: path of the saved `.keras` model.
        export_path: SavedModel version directory, or `None` if not exported.
        tflite_paths: the `.tflite` files written (float32, float16, int8).
        train_seconds: wall-clock seconds spent in `fit`.
        total_seconds: wall-clock seconds of the whole job.
        config: the resolved settings.
        evaluations: list of `EvaluateGenerator` result dicts (may be empty).
    """

    gan: GAN
    history: dict
    steps_history: dict
    sample_grids: list
    loss_curves: str
    keras_path: str
    export_path: str
    tflite_paths: list
    train_seconds: float
    total_seconds: float
    config: dict
    evaluations: list = dataclasses.field(default_factory=list)


def parse_jit_compile(value):
    """Maps `"true"|"false"|"auto"` (or bools) to `compile(jit_compile=)`."""
    if isinstance(value, bool) or value == "auto":
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    if text == "auto":
        return "auto"
    raise ValueError(
        f"`jit_compile` must be 'true', 'false' or 'auto'. Received: {value!r}"
    )


def build_networks(
    arch, latent_dim=100, g_hidden=None, d_hidden=None, activation=None,
    d_dropout=None, spectral_norm=False, num_classes=None,
):
    """Builds the recipe's generator and discriminator for `arch`.

    `num_classes` builds the class-conditional DCGAN pair instead.
    """
    if arch not in ARCHS:
        raise ValueError(f"`arch` must be one of {ARCHS}. Received: arch={arch!r}")
    defaults = DEFAULTS[arch]
    g_hidden = tuple(g_hidden or defaults["g_hidden"])
    d_hidden = tuple(d_hidden or defaults["d_hidden"])
    d_dropout = defaults["d_dropout"] if d_dropout is None else d_dropout
    if num_classes:
        if arch != "dcgan":
            raise ValueError("`conditional=True` is built for arch='dcgan'.")
        return (
            dcgan.conditional_dcgan_generator(latent_dim, num_classes, filters=g_hidden),
            dcgan.conditional_dcgan_discriminator(
                num_classes, filters=d_hidden, dropout=d_dropout, spectral_norm=spectral_norm
            ),
        )
    if arch == "mlp":
        activation = activation or defaults["activation"]
        return (
            mlp.mlp_generator(latent_dim, hidden_units=g_hidden, activation=activation),
            mlp.mlp_discriminator(
                hidden_units=d_hidden, activation=activation, dropout=d_dropout,
                spectral_norm=spectral_norm,
            ),
        )
    return (
        dcgan.dcgan_generator(latent_dim, filters=g_hidden),
        dcgan.dcgan_discriminator(
            filters=d_hidden, dropout=d_dropout, spectral_norm=spectral_norm
        ),
    )


def peer_networks(arch):
    """The networks of `../shared/bench/peer_torch_gan.py`, for benchmarks."""
    if arch == "mlp":
        return build_networks(
            "mlp", 100, FOUNDING["g_hidden"], FOUNDING["d_hidden"], "relu"
        )
    return build_networks("dcgan", 100, (128, 64), (64, 128))


def _optimizer(name, learning_rate, beta_1, beta_2, momentum, ema=None):
    # Keras's own weight averaging: `GAN` samples from the averages.
    averaging = {"use_ema": True, "ema_momentum": ema} if ema else {}
    if name == "adam":
        return keras.optimizers.Adam(
            learning_rate, beta_1=beta_1, beta_2=beta_2, **averaging
        )
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=momentum, **averaging)
    raise ValueError(
        f"`optimizer` must be one of {OPTIMIZERS}. Received: optimizer={name!r}"
    )


def resolve_config(preset="default", **overrides):
    """Returns the full settings: preset values, then non-`None` overrides."""
    if preset not in PRESETS:
        raise ValueError(
            f"`preset` must be one of {PRESETS}. Received: preset={preset!r}"
        )
    arch = overrides.get("arch") or (FOUNDING["arch"] if preset == "founding" else "dcgan")
    if arch not in ARCHS:
        raise ValueError(f"`arch` must be one of {ARCHS}. Received: arch={arch!r}")
    config = {
        "preset": preset,
        "loss": "non_saturating",
        "latent_dim": 100,
        "optimizer": "adam",
        "beta_2": 0.999,
        "momentum": 0.0,
        "d_steps": 1,
        "conditional": False,
        "ema": None,
        "spectral_norm": False,
        "r1_weight": 0.0,
        "augment": None,
        "label_smoothing": 0.0,
        "seed": 0,
        "steps_per_epoch": None,
        "g_learning_rate": None,
        "d_learning_rate": None,
        "data_dir": None,
        "dataset": "mnist",
        "output_dir": None,
        "export_dir": "saved_models",
        "export": True,
        "tflite": True,
        "tensorboard": False,
        "evaluate_every": None,
        "eval_samples": 10_000,
        "export_best": False,
        "mixed_precision": "float32",
        "strategy": "auto",
        "num_cpu_replicas": None,
        "backup_dir": None,
        "verbose": "auto",
    }
    config.update(DEFAULTS[arch])
    if preset == "founding":
        config.update(FOUNDING)
    config.update({k: v for k, v in overrides.items() if v is not None})
    config["arch"] = arch
    config["g_learning_rate"] = config["g_learning_rate"] or config["learning_rate"]
    config["d_learning_rate"] = config["d_learning_rate"] or config["learning_rate"]
    config["explicit"] = {
        key: overrides.get(key) is not None for key in ("jit_compile", "steps_per_execution")
    }
    config["jit_compile"] = parse_jit_compile(config["jit_compile"])
    if config["output_dir"] is None:
        config["output_dir"] = os.path.join("runs", run_name(config))
    return config


def run_name(config):
    """`mnist_<arch>`, with `_founding` / `_conditional`: run and export name."""
    suffix = "_founding" if config["preset"] == "founding" else ""
    suffix += "_conditional" if config["conditional"] else ""
    return f"mnist_{config['arch']}{suffix}"


def train(preset="default", callbacks=(), **overrides):
    """Trains a GAN on MNIST, writes samples and curves, and exports it.

    Args:
        preset: `"default"` (the project's recipes) or `"founding"` (the
            founding document's MLP recipe, kept for comparison).
        **overrides: any key of `resolve_config`'s result, e.g. `arch`,
            `loss`, `epochs`, `steps_per_epoch`, `batch_size`, `latent_dim`,
            `optimizer`, `learning_rate`, `g_learning_rate`,
            `d_learning_rate`, `beta_1`, `beta_2`, `momentum`, `d_steps`,
            `seed`, `data_dir`, `dataset`, `output_dir`, `export_dir`,
            `export`, `tflite` (also write the three `.tflite` variants), `tensorboard`, `steps_per_execution`, `jit_compile`,
            `g_hidden`, `d_hidden`, `activation`, `d_dropout`, `evaluate_every`
            (epochs between evaluations; `None`: after the last epoch only, when
            the evaluation classifier is available; `0`: never), `eval_samples`,
            `export_best` (export the generator with the lowest FCD seen),
            `mixed_precision` (`"float32"`, `"mixed_bfloat16"` for CPUs with
            bf16 units and TPUs, `"mixed_float16"` for GPUs, with loss scaling),
            `strategy` (see `keras_gans.distribute.get_strategy`; `batch_size`
            is then per replica), `num_cpu_replicas`, `backup_dir` (back up
            every epoch with `keras.callbacks.BackupAndRestore`; a killed run
            started again with the same arguments resumes and ends with the
            weights of an uninterrupted run), `verbose`, and the stabilizers
            `conditional` (class-conditional DCGAN), `ema` (momentum of the
            generator weight average used for samples and export),
            `spectral_norm`, `r1_weight`, `augment` (DiffAugment policy) and
            `label_smoothing`. `None` means "use the preset's value".
        callbacks: extra Keras callbacks, run before the recipe's own.

    Returns:
        A `TrainResult`.
    """
    start = time.perf_counter()
    config = resolve_config(preset, **overrides)
    if config["tensorboard"] and importlib.util.find_spec("tensorboard") is None:
        raise ValueError(
            "`tensorboard=True` needs the tensorboard package: "
            "`pip install tensorboard`."
        )
    # The strategy comes first: CPU replicas must be set up before TensorFlow
    # creates any tensor.
    strategy = distribute.get_strategy(config["strategy"], config["num_cpu_replicas"])
    _adapt_to_replicas(config, strategy)
    chief = distribute.is_chief(strategy)
    output_dir = config["output_dir"]
    if not chief:
        # Other workers keep their grids and gan.keras apart from the chief's.
        output_dir = os.path.join(output_dir, f"worker_{strategy.cluster_resolver.task_id}")
    os.makedirs(output_dir, exist_ok=True)
    keras.utils.set_random_seed(config["seed"])

    replicas = strategy.num_replicas_in_sync
    steps_per_epoch = config["steps_per_epoch"]
    data_args = {}
    if config["backup_dir"]:
        # Resumable runs read an endless stream whose epoch e depends only on
        # (seed, e), started at the epoch the backup reached.
        steps_per_epoch = steps_per_epoch or TRAIN_EXAMPLES // (config["batch_size"] * replicas)
        data_args = {"first_epoch": _backup_epoch(config["backup_dir"]),
                     "steps_per_epoch": steps_per_epoch}
    dataset = data.mnist(
        "train",
        batch_size=config["batch_size"] * replicas,
        dataset=config["dataset"],
        data_dir=config["data_dir"],
        seed=config["seed"],
        with_labels=config["conditional"],
        **data_args,
    )
    execution = config["steps_per_execution"]
    if steps_per_epoch:
        # Keras runs whole executions; keep the epoch length what was asked.
        execution = _largest_divisor(steps_per_epoch, execution)
    with strategy.scope(), _dtype_policy(config["mixed_precision"]):
        gan = _build_gan(config, execution)

    # Conditional grids: one row per digit, the same noise in every column.
    grid_side = 10 if config["conditional"] else 8
    grid_noise = callbacks_module.fixed_noise(grid_side, config["latent_dim"], seed=1234)
    samples = callbacks_module.SampleGrid(
        output_dir,
        noise=np.tile(grid_noise, (10, 1)) if config["conditional"] else
        callbacks_module.fixed_noise(64, config["latent_dim"], seed=1234),
        labels=np.repeat(np.arange(10), 10) if config["conditional"] else None,
        rows=grid_side,
        tensorboard_dir=os.path.join(output_dir, "tensorboard")
        if config["tensorboard"]
        else None,
    )
    # Windows of 25+ steps: single-step GAN losses are too noisy to read.
    steps_log = callbacks_module.LossHistory(every_n_steps=max(25, execution))
    fit_callbacks = [*callbacks, callbacks_module.StopOnNonFiniteLoss(), samples, steps_log]
    if config["backup_dir"]:
        fit_callbacks.insert(0, keras.callbacks.BackupAndRestore(config["backup_dir"]))
    evaluation = _evaluation_callback(config)
    if evaluation is not None:
        fit_callbacks.append(evaluation)
    if config["tensorboard"]:
        fit_callbacks.append(
            keras.callbacks.TensorBoard(
                log_dir=os.path.join(output_dir, "tensorboard"), update_freq="epoch"
            )
        )

    fit_start = time.perf_counter()
    history = gan.fit(
        dataset,
        epochs=config["epochs"],
        steps_per_epoch=steps_per_epoch,
        callbacks=fit_callbacks,
        verbose=config["verbose"],
    )
    train_seconds = time.perf_counter() - fit_start
    evaluations = evaluation.history if evaluation is not None else []
    if config["export_best"] and evaluation is not None and evaluation.best:
        best = evaluation.restore_best()
        print(f"restored the generator of epoch {best['epoch']} (FCD {best['fcd']:.3f})")

    name = run_name(config)
    loss_curves = plotting.plot_loss_curves(
        steps_log.history if steps_log.history["step"] else history.history,
        os.path.join(output_dir, "loss_curves.png"),
        title=f"{name}: {config['loss']} loss",
    )
    keras_path = os.path.join(output_dir, "gan.keras")
    save_atomically(gan, keras_path)
    export_path, tflite_paths = _export(gan.sampling_generator, config, name) if chief else (None, [])
    total_seconds = time.perf_counter() - start
    summary = {
        "config": {k: v for k, v in config.items() if k != "verbose"},
        "replicas": replicas,
        "chief": chief,
        "output_dir": output_dir,
        "history": history.history,
        "steps_history": steps_log.history,
        "evaluations": evaluations,
        "train_seconds": train_seconds,
        "total_seconds": total_seconds,
        "export_path": export_path,
        "tflite_paths": tflite_paths,
    }
    with open(os.path.join(output_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=str)
    return TrainResult(
        gan=gan,
        history=history.history,
        steps_history=steps_log.history,
        sample_grids=list(samples.paths),
        loss_curves=loss_curves,
        keras_path=keras_path,
        export_path=export_path,
        tflite_paths=tflite_paths,
        train_seconds=train_seconds,
        total_seconds=total_seconds,
        config=config,
        evaluations=evaluations,
    )


@contextlib.contextmanager
def _dtype_policy(name):
    """Builds the networks under a Keras dtype policy, then restores the old one.

    Layers keep the policy they were built with, so training and export run
    in `name` while the rest of the process is unaffected.
    """
    if name not in MIXED_PRECISION:
        raise ValueError(
            f"`mixed_precision` must be one of {MIXED_PRECISION}. Received: {name!r}"
        )
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _build_gan(config, steps_per_execution):
    """Builds and compiles the GAN (call under the strategy's scope)."""
    num_classes = NUM_CLASSES if config["conditional"] else None
    generator, discriminator = build_networks(
        config["arch"],
        config["latent_dim"],
        config["g_hidden"],
        config["d_hidden"],
        config["activation"],
        config["d_dropout"],
        spectral_norm=config["spectral_norm"],
        num_classes=num_classes,
    )
    if num_classes:
        gan = ConditionalGAN(generator, discriminator, num_classes, seed=config["seed"])
    else:
        gan = GAN(generator, discriminator, seed=config["seed"])
    opt_args = (config["beta_1"], config["beta_2"], config["momentum"])
    loss = losses.get(config["loss"])
    if config["label_smoothing"]:
        if not isinstance(loss, losses.MinimaxLoss):
            raise ValueError(
                "`label_smoothing` applies to the cross-entropy losses (non_saturating, "
                f"minimax); loss={config['loss']!r} has no labels to smooth."
            )
        loss = type(loss)(label_smoothing=config["label_smoothing"])
    gan.compile(
        g_optimizer=_optimizer(
            config["optimizer"], config["g_learning_rate"], *opt_args, ema=config["ema"]
        ),
        d_optimizer=_optimizer(config["optimizer"], config["d_learning_rate"], *opt_args),
        loss=loss,
        d_steps=config["d_steps"],
        r1_weight=config["r1_weight"],
        augment=config["augment"] or None,
        steps_per_execution=steps_per_execution,
        jit_compile=config["jit_compile"],
    )
    return gan


def _adapt_to_replicas(config, strategy):
    """Turns off what this Keras cannot do on several replicas (see
    `GAN.compile`): XLA on CPU replicas, and several steps per call.
    Settings the user asked for explicitly are left for `compile` to refuse.
    """
    if strategy.num_replicas_in_sync == 1:
        return
    if config["steps_per_execution"] != 1 and not config["explicit"]["steps_per_execution"]:
        print("note: steps_per_execution=1 on several replicas (keras-team/keras#19246).")
        config["steps_per_execution"] = 1
    if (config["jit_compile"] is True and distribute.cpu_replicas(strategy)
            and not config["explicit"]["jit_compile"]):
        print("note: XLA is off: it cannot compile several replicas on CPU devices.")
        config["jit_compile"] = False


def _export(generator, config, name):
    """SavedModel (+ LiteRT files). Only the chief calls this under multi-worker."""
    if not config["export"]:
        return None, []
    export_path = export.saved_model(generator, config["export_dir"], name)
    tflite_paths = []
    if config["tflite"]:
        tflite_paths = [
            export.tflite(generator, config["export_dir"], name, quantization)
            for quantization in export.TFLITE_VARIANTS
        ]
    return export_path, tflite_paths


def _evaluation_callback(config):
    """`EvaluateGenerator` per `evaluate_every`, or `None` when off."""
    from keras_gans import evaluation

    every = config["evaluate_every"]
    if every == 0:
        return None
    if config["dataset"] != "mnist":
        if every is None:
            return None
        raise ValueError("`evaluate_every` needs dataset='mnist' (the evaluation classifier's).")
    try:
        evaluator = evaluation.Evaluator(data_dir=config["data_dir"])
    except FileNotFoundError as e:
        if every is None:  # default: evaluate only when the classifier is there
            print(f"note: skipping evaluation ({e})")
            return None
        raise
    return evaluation.EvaluateGenerator(
        evaluator,
        every_n_epochs=every or config["epochs"],
        num_samples=config["eval_samples"],
        keep_best=config["export_best"],
    )


def _backup_epoch(backup_dir):
    """The epoch a `BackupAndRestore` backup in `backup_dir` will resume at."""
    path = os.path.join(backup_dir, "training_metadata.json")
    if not os.path.isfile(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epoch"])


def save_atomically(model, path):
    """Saves `model` to `path` through a temporary file, so a crash mid-save
    never leaves a truncated `.keras` file in place of a good one."""
    tmp = f"{path}.tmp.keras"
    model.save(tmp)
    os.replace(tmp, path)
    return path


def _largest_divisor(n, at_most):
    for d in range(min(n, at_most), 0, -1):
        if n % d == 0:
            return d
    return 1
