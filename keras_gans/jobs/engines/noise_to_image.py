"""Training a noise-to-image GAN from a job's config: what the MNIST and
own-images jobs share.

A job describes its data and networks with a `Source` and calls `train`,
which does the rest: the strategy, the dtype policy, self-conditioning
clusters, the GAN class (`GAN`, `ConditionalGAN` or `SelfConditionedGAN`),
its optimizers and loss, the sample grid, evaluation, backups, and the
`Run` around `fit` (curves, `.keras`, exports, `summary.json`).
"""

import dataclasses
import hashlib
import importlib.util
import json
import os
import time
from typing import Optional

import keras
import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import clustering
from keras_gans import distribute
from keras_gans import export
from keras_gans import losses
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import ResumableConfig
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.models.gan import GAN
from keras_gans.models.gan import ConditionalGAN
from keras_gans.models.gan import SelfConditionedGAN
from keras_gans.models.gan import check_reuse_fakes
from keras_gans.utils import precision

# Precision/recall (k=3) and density/coverage (k=5) need more samples than k.
MIN_EVAL_SAMPLES = 10


@dataclasses.dataclass(frozen=True)
class NoiseGANConfig(ResumableConfig):
    """The settings of every noise-to-image job, on top of `ResumableConfig`'s."""

    latent_dim: int = setting(100, "Noise size.", minimum=1)
    optimizer: str = setting("adam", "Optimizer of both networks.", ("adam", "sgd"))
    momentum: float = setting(0.0, "SGD momentum.")
    d_steps: int = setting(
        1, "Discriminator updates per generator update (5 is usual for wasserstein).", minimum=1
    )
    reuse_fakes: bool = setting(
        False,
        "The generator's update reuses the fakes the discriminator has just scored (as "
        "PyTorch's DCGAN example does): one generator pass per step instead of two. "
        "Needs --d_steps=1.",
    )
    conditional: bool = setting(
        False,
        "Class-conditional: train on the data's labels; the generator and the export take "
        "(z, label int32); one grid row per class.",
    )
    clusters: int = setting(
        0,
        "Self-conditioning (Liu et al. 2020), no labels used: train the conditional networks "
        "on this many k-means clusters of the training images' pixels (PCA to 50 dimensions) "
        "and sample each cluster at its share of the data; the export keeps "
        "serving_default(z). 0: a plain unconditional GAN.",
        minimum=0,
    )
    ema: Optional[float] = setting(
        None,
        "Sample and export from an exponential moving average of the generator "
        "weights with this momentum, e.g. 0.999. Unset: off.",
    )
    spectral_norm: bool = setting(False, "Spectral normalization on every discriminator layer.")
    r1_weight: float = setting(0.0, "R1 gradient penalty gamma on real images.", minimum=0)
    augment: Optional[str] = setting(
        None,
        "Discriminator augmentation: ada (adaptive, for small data sets), ada:<policy>, a "
        "DiffAugment policy such as translation,cutout,color, or none.",
    )
    label_smoothing: float = setting(
        0.0, "One-sided label smoothing: the real target becomes 1 - e (cross-entropy losses)."
    )
    d_dropout: float = setting(0.0, "Dropout after each discriminator layer.")
    tensorboard: bool = setting(
        False, "Log losses and sample grids for TensorBoard under <output_dir>/tensorboard."
    )
    steps_per_execution: int = setting(1, "Training steps per compiled call.", minimum=1)
    jit_compile: str = setting(
        "auto",
        "XLA-compile the train step (auto: Keras decides; off on CPU).",
        precision.JIT_COMPILE,
    )
    evaluate_every: Optional[int] = setting(
        None,
        "Evaluate FCD, KID, classifier score, precision/recall and class coverage "
        "every N epochs and at the end. Unset: at the end of training, when an evaluator "
        "applies; 0: never.",
        minimum=0,
    )
    eval_samples: int = setting(
        10_000,
        "Generated samples per evaluation (at least 10: precision, recall and density compare "
        "each sample with its nearest neighbours).",
        minimum=MIN_EVAL_SAMPLES,
    )
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


class Source:
    """What a noise-to-image job trains on, and with which networks.

    Subclasses implement the methods that raise `NotImplementedError`;
    `train` calls them.

    Args:
        config: the job's resolved `NoiseGANConfig`.
    """

    num_classes = None  # classes of the data's own labels, or `None`
    num_examples = 0

    def __init__(self, config):
        self.config = config

    def images_for_clustering(self):
        """uint8 images `(n, h, w, c)` of the training set, in dataset order."""
        raise NotImplementedError

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        """Batches of images (or `(images, labels)` for conditional runs).

        `labels` replaces the data's labels (self-conditioning clusters);
        `first_epoch` / `steps_per_epoch` ask for a resumable epoch stream
        (see `keras_gans.data.pipeline.index_batches`).
        """
        raise NotImplementedError

    def networks(self, num_classes=None):
        """`(generator, discriminator)`; conditional ones for `num_classes`."""
        raise NotImplementedError

    def evaluator(self):
        """An `Evaluator` for the data, or `None` (no evaluation applies)."""
        return None

    def fingerprint(self):
        """What identifies the training data beyond the settings (a backup
        made on other data is not resumed), or `None` when the settings
        name it fully (e.g. MNIST's split)."""
        return None

    def summary(self):
        """The job's entries for `summary.json`; their `class_names` also go
        into a conditional export's assets."""
        return {}

    def sample_callback(self, num_classes=None):
        """The callback writing the per-epoch samples (its `paths` are the
        run's pictures): `sample_grid` for images."""
        return sample_grid(self.config, self.config.output_dir, num_classes)

    def export_assets(self):
        """Files (name -> text) for the export's `assets/` folder."""
        return {}

    def decoder(self):
        """The GAN's `decoder` (from what the networks make to what users
        get, e.g. spectrograms to sound), or `None`."""
        return None

    def score(self, result):
        """Scores of what ships, once it is exported (`Run.finish`'s
        `score`): a dict for `summary.json` (lines may go into
        `result.report`), or `None` for none."""
        return None


class FolderSource(Source):
    """A `Source` over a folder decoded into memory: an `ImageFolder`, an
    `AudioFolder` or a `VideoFolder` (its `labels` and `class_names`), whose
    `examples` are its images, clips of sound or clips of frames."""

    def __init__(self, config, folder, examples):
        super().__init__(config)
        self.folder = folder
        self.examples = examples
        self.num_examples = len(examples)
        self.num_classes = len(folder.class_names) or None

    def fingerprint(self):
        """SHA-256 of the decoded examples and their labels, in order: the
        same files read the same way, wherever the folder now is."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.examples).tobytes())
        if self.folder.labels is not None:
            digest.update(np.ascontiguousarray(self.folder.labels).tobytes())
        digest.update("\n".join(self.folder.class_names).encode())
        return digest.hexdigest()

    def labelled_folder(self, labels=None):
        """The folder with the labels its batches carry: `labels` (the
        self-conditioning clusters), its own when conditional, else none."""
        if labels is not None:
            return dataclasses.replace(self.folder, labels=labels)
        if not self.config.conditional:
            return dataclasses.replace(self.folder, labels=None)
        return self.folder


# Folders of a few hundred examples would make epochs of a few steps: a
# grid, a log line and a backup every second or two.
MIN_STEPS_PER_EPOCH = 100


def epoch_steps(config, num_examples):
    """`{"steps_per_epoch": 100}` when `num_examples` make shorter epochs and
    the user set none, else `{}`: settings to `replace` in `config`."""
    if config.steps_per_epoch is None and num_examples < MIN_STEPS_PER_EPOCH * config.batch_size:
        return {"steps_per_epoch": MIN_STEPS_PER_EPOCH}
    return {}


def resolve(job, config, explicit, num_examples, changes=None, notes=(), context=None):
    """The `Resolved` settings of a noise-to-image run (see
    `keras_gans.jobs.plumbing.settings.resolve`), with the strategy's part:
    what this Keras cannot do on several replicas is turned off (see
    `AdversarialModel.compile`: XLA on CPU replicas, several steps per
    call) unless the user asked for it, for `compile` to refuse; a worker
    other than the chief writes into its own `worker_<i>` folder; a run
    with a backup gets an epoch length (one pass over the `num_examples`
    training examples in whole executions, unset), for its stream to start
    mid-way, and an epoch length that `steps_per_execution` does not divide
    gets the largest that does. The strategy goes into the record's
    `context`.
    """
    if config.tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise ValueError(
            "`tensorboard=True` needs the tensorboard package: `pip install tensorboard`."
        )
    # CPU replicas must be set up before TensorFlow creates any tensor.
    strategy = distribute.get_strategy(config.strategy, config.num_cpu_replicas)
    changes, notes, forced = dict(changes or {}), list(notes), {}
    if strategy.num_replicas_in_sync > 1:
        if config.steps_per_execution != 1 and "steps_per_execution" not in explicit:
            notes.append("steps_per_execution=1 on several replicas (keras-team/keras#19246).")
            changes["steps_per_execution"] = 1
        jit = precision.parse_jit_compile(config.jit_compile) is True
        if jit and distribute.cpu_replicas(strategy) and "jit_compile" not in explicit:
            notes.append("XLA is off: it cannot compile several replicas on CPU devices.")
            changes["jit_compile"] = "false"
    execution = changes.get("steps_per_execution", config.steps_per_execution)
    steps = changes.get("steps_per_epoch", config.steps_per_epoch)
    if config.backup_dir and steps is None:
        # One pass, rounded down to whole executions (Keras runs whole ones).
        one_pass = num_examples // (config.batch_size * strategy.num_replicas_in_sync)
        steps = changes["steps_per_epoch"] = max(execution, one_pass // execution * execution)
    if steps and steps % execution:
        # An epoch of the steps asked for: whole executions that divide it.
        divisor = _largest_divisor(steps, execution)
        notes.append(
            f"steps_per_execution={divisor}: a whole number of them make the epoch's {steps} steps."
        )
        forced["steps_per_execution"] = divisor
    if not distribute.is_chief(strategy):
        # Other workers keep their grids and gan.keras apart from the chief's.
        task = strategy.cluster_resolver.task_id
        forced["output_dir"] = os.path.join(
            config.output_dir_for(config.run_name), f"worker_{task}"
        )
    resolved = settings.resolve(
        job, config, explicit, changes, notes, {**(context or {}), "strategy": strategy}, forced
    )
    # Bad options fail now, not after data and clustering.
    loss_of(resolved.config)
    check_reuse_fakes(resolved.config.reuse_fakes, resolved.config.d_steps)
    return resolved


def train(resolved, source, callbacks=()):
    """Trains, draws, evaluates and exports the noise-to-image GAN of a job.

    Args:
        resolved: the run's `Resolved` settings (`resolve`).
        source: the job's `Source` on `resolved.config`.
        callbacks: extra Keras callbacks, run before the job's own.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`.
    """
    started = time.perf_counter()
    config = resolved.config
    strategy = resolved.context["strategy"]
    chief = distribute.is_chief(strategy)
    output_dir = config.output_dir
    keras.utils.set_random_seed(config.seed)

    if config.conditional and not source.num_classes:
        raise ValueError(
            "`conditional=True` needs labelled data (e.g. one subfolder per class); use "
            "`clusters` for self-conditioning on unlabelled images."
        )
    # The backup folder is checked (ours, and this run's) before clustering
    # and building: a refusal costs seconds, not a run.
    backup = None
    if config.backup_dir:
        backup = callbacks_module.RunBackup(
            config.backup_dir,
            identity=run_lib.run_identity(config, source.fingerprint()),
            fresh=config.fresh,
        )
    clusters = _clusters(config, source) if config.clusters and not config.conditional else None
    replicas = strategy.num_replicas_in_sync
    steps_per_epoch = config.steps_per_epoch
    stream = {}
    if steps_per_epoch:
        # An endless stream whose epoch e depends only on (seed, e): resumable
        # runs start it at the epoch the backup reached, and an epoch may be
        # longer than the data.
        first_epoch = backup.resume_epoch if backup is not None else 0
        stream = {"first_epoch": first_epoch, "steps_per_epoch": steps_per_epoch}
    dataset = source.dataset(
        config.batch_size * replicas, labels=None if clusters is None else clusters.labels, **stream
    )
    execution = config.steps_per_execution
    run = run_lib.Run(resolved, started, chief, every_n_steps=max(25, execution))
    with strategy.scope(), precision.dtype_policy(config.mixed_precision):
        gan = build_gan(source, execution, clusters)

    samples = source.sample_callback(source.num_classes if config.conditional else None)
    job_callbacks = [samples]
    evaluation = _evaluation_callback(config, source)
    if evaluation is not None:
        job_callbacks.append(evaluation)
    if config.tensorboard:
        job_callbacks.append(
            keras.callbacks.TensorBoard(
                log_dir=os.path.join(output_dir, "tensorboard"), update_freq="epoch"
            )
        )
    if backup is not None:
        backup.state.update(samples=samples)
        if evaluation is not None:
            backup.state.update(evaluation=evaluation)
    history = run.fit(gan, dataset, [*callbacks, *job_callbacks], steps_per_epoch, backup)
    evaluations = evaluation.history if evaluation is not None else []
    if config.export_best and evaluation is not None and evaluation.best:
        best = evaluation.restore_best()
        print(f"restored the generator of epoch {best['epoch']} (FCD {best['fcd']:.3f})")
    summary = {**source.summary(), "replicas": replicas, "chief": chief}
    if clusters is not None:
        summary["cluster_sizes"] = clusters.counts.tolist()
    assets = source.export_assets()
    if config.conditional and summary.get("class_names"):
        assets[export.CLASS_NAMES_ASSET] = json.dumps(summary["class_names"])
    return run.finish(gan, history, samples.paths, evaluations, summary, assets, score=source.score)


def sample_grid(config, output_dir, num_classes=None):
    """8x8 grid from fixed noise; conditional: one row per class (at most
    10), the same noise in every column."""
    tensorboard_dir = os.path.join(output_dir, "tensorboard") if config.tensorboard else None
    if num_classes:
        rows = min(num_classes, 10)
        noise = callbacks_module.fixed_noise(10, config.latent_dim, seed=1234)
        return callbacks_module.SampleGrid(
            output_dir,
            noise=np.tile(noise, (rows, 1)),
            labels=np.repeat(np.arange(rows), 10),
            rows=rows,
            tensorboard_dir=tensorboard_dir,
        )
    return callbacks_module.SampleGrid(
        output_dir,
        noise=callbacks_module.fixed_noise(64, config.latent_dim, seed=1234),
        rows=8,
        tensorboard_dir=tensorboard_dir,
    )


def optimizer(config, learning_rate, ema=None):
    """The optimizer `config` names, at `learning_rate` (with an EMA)."""
    # Keras's own weight averaging: the GAN samples from the averages.
    averaging = {"use_ema": True, "ema_momentum": ema} if ema else {}
    if config.optimizer == "adam":
        return keras.optimizers.Adam(
            learning_rate, beta_1=config.beta_1, beta_2=config.beta_2, **averaging
        )
    return keras.optimizers.SGD(learning_rate, momentum=config.momentum, **averaging)


def loss_of(config):
    """The adversarial loss of `config` (with its label smoothing)."""
    options = {"label_smoothing": config.label_smoothing} if config.label_smoothing else {}
    return losses.get(config.loss, **options)


def build_gan(source, steps_per_execution=1, clusters=None):
    """Builds and compiles the GAN of `source.config` (call under the strategy's scope)."""
    config = source.config
    num_classes = source.num_classes if config.conditional else None
    if clusters is not None:
        num_classes = len(clusters.counts)
    generator, discriminator = source.networks(num_classes)
    options = dict(seed=config.seed, decoder=source.decoder())
    if clusters is not None:
        gan = SelfConditionedGAN(
            generator, discriminator, clusters.probabilities.tolist(), **options
        )
    elif num_classes:
        gan = ConditionalGAN(generator, discriminator, num_classes, **options)
    else:
        gan = GAN(generator, discriminator, **options)
    g_learning_rate, d_learning_rate = config.learning_rates()
    gan.compile(
        g_optimizer=optimizer(config, g_learning_rate, ema=config.ema),
        d_optimizer=optimizer(config, d_learning_rate),
        loss=loss_of(config),
        d_steps=config.d_steps,
        reuse_fakes=config.reuse_fakes,
        r1_weight=config.r1_weight,
        augment=config.augment or None,
        steps_per_execution=steps_per_execution,
        jit_compile=precision.parse_jit_compile(config.jit_compile),
    )
    return gan


def _clusters(config, source):
    """k-means clusters of the training images, the self-conditioning labels."""
    images = source.images_for_clustering()
    began = time.perf_counter()
    clusters = clustering.cluster_images(images, config.clusters, seed=config.seed)
    print(
        f"self-conditioning: {config.clusters} clusters of {len(images)} images in "
        f"{time.perf_counter() - began:.0f} s (sizes {clusters.counts.min()}-"
        f"{clusters.counts.max()})"
    )
    return clusters


def _evaluation_callback(config, source):
    """`EvaluateGenerator` per `evaluate_every`, or `None` when off."""
    every = config.evaluate_every
    if every == 0:
        return None
    try:
        evaluator = source.evaluator()
    except FileNotFoundError as e:
        if every is None:  # default: evaluate only when the evaluator is there
            print(f"note: skipping evaluation ({e})")
            return None
        raise
    if evaluator is None:
        if every is None:
            return None
        raise ValueError("`evaluate_every` is set, but no evaluator applies to this data.")
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
