"""Text from noise: the job behind `keras-gans train text`.

Classical Chinese quatrains (`dataset="poems5"`: four lines of five
characters; `"poems7"`: of seven; the npm package `chinese-poetry`) or a
folder of your own UTF-8 text files (`data_dir`, cut into lines or
windows), in; a trained, exported character generator out.

`model="gan"` (the default) fits the generator by maximum likelihood first
(at most `pretrain_epochs`, stopped early on its loss on a twentieth of the
training texts it does not fit, keeping the best epoch's weights), then
trains it adversarially: `TextGAN`, straight-through Gumbel-softmax
characters judged by a spectrally normalized CNN with a relativistic loss,
as RelGAN does (Nie et al., 2019). `model="mle"` is the maximum-likelihood
model alone, the baseline a text GAN must beat (Caccia et al., 2020): with
early stopping too, and no adversary.

Every epoch writes texts from fixed noise (`samples_epoch_NNN.txt`). The
export is `serving_default(z) -> text string [b], ids int32 [b, length]`
(the `"text"` contract, `keras_gans.contracts`), its LiteRT files the ids.
Once exported, `score_samples` texts drawn from it are scored against the
held-out texts (`keras_gans.evaluation.text`) beside the real held-out
texts' own figures, and written with their nearest training texts.
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

from keras_gans import contracts
from keras_gans import data
from keras_gans import export
from keras_gans import losses
from keras_gans.callbacks import EarlyStopping
from keras_gans.callbacks import RunBackup
from keras_gans.callbacks import StopOnNonFiniteLoss
from keras_gans.callbacks import TextSamples
from keras_gans.callbacks.run_backup import BacksUpAttributes
from keras_gans.callbacks.text_samples import write_texts
from keras_gans.evaluation import text as text_scores
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import ResumableConfig
from keras_gans.jobs.plumbing.settings import folder_name
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.models.text import MaximumLikelihoodText
from keras_gans.models.text import TextGAN
from keras_gans.networks.text import character_generator
from keras_gans.networks.text import text_discriminator
from keras_gans.utils import files
from keras_gans.utils import precision

NAME = "text"
ABOUT = (
    "Text from noise: classical Chinese quatrains, or your own text files (a GAN on a "
    "maximum-likelihood generator, or that baseline alone)."
)
DATASETS = {"poems5": "5x4", "poems7": "7x4"}  # the job's names for `load_poems`'s forms
MODELS = ("gan", "mle")
SELF_BLEU_SAMPLES = 300  # self-BLEU compares every pair: the first 300 samples only
SHOWN_SAMPLES = 8  # samples written beside their nearest training texts


@dataclasses.dataclass(frozen=True)
class TextConfig(ResumableConfig):
    """Every setting of the text job (`ResumableConfig`'s and its own)."""

    data_folder_settings = ("data_dir",)

    dataset: str = setting(
        "poems5",
        "Classical Chinese quatrains of the npm package chinese-poetry: poems5 (four lines "
        "of five characters) or poems7 (of seven). Not read with --data_dir.",
        tuple(DATASETS),
    )
    data_dir: Optional[str] = setting(
        None,
        "A folder of your own UTF-8 .txt files (subfolders too) to train on instead, cut "
        "into texts by --unit; a tenth of them, fixed by a hash of each text, is held out.",
    )
    poems_dir: Optional[str] = setting(
        None,
        "The unpacked chinese-poetry package. Unset: $CHINESE_POETRY_DIR, "
        "~/.keras/datasets/chinese-poetry-2.0.1 or ./node_modules/chinese-poetry.",
    )
    unit: str = setting(
        "line",
        "--data_dir's texts: each line of at most --length characters (line), or the "
        "running text cut into pieces of exactly --length characters (window).",
        ("line", "window"),
    )
    length: int = setting(64, "--data_dir: characters of a text.", minimum=2)
    model: str = setting(
        "gan",
        "gan: maximum-likelihood pretraining, then adversarial training (RelGAN-style: "
        "Gumbel-softmax characters, a relativistic loss); mle: maximum likelihood alone, "
        "the baseline a text GAN must beat.",
        MODELS,
    )
    pretrain_epochs: int = setting(
        10,
        "gan: most epochs of maximum-likelihood pretraining, before --epochs adversarial "
        "ones (early stopping, --patience, may end it sooner). 0: adversarial from scratch.",
        minimum=0,
    )
    patience: int = setting(
        2,
        "Epochs of maximum likelihood without a better loss on the validation texts (a "
        "twentieth of the training texts, never fitted) that end it; the best epoch's "
        "weights are kept.",
        minimum=1,
    )
    mle_learning_rate: float = setting(3e-3, "Adam learning rate of maximum likelihood.", above=0)
    units: int = setting(256, "GRU units of the generator.", minimum=1)
    embedding_dim: int = setting(64, "Character embedding size of both networks.", minimum=1)
    latent_dim: Optional[int] = setting(
        None,
        "Noise size, at least the texts' length (one entry picks each character). Unset: "
        "32, or the length when longer.",
        minimum=1,
    )
    temperature: float = setting(
        1.0,
        "Sampling temperature of the export's serving_default (below 1: likelier, less "
        "varied text; its write signature takes any).",
        above=0,
    )
    gumbel_temperature: float = setting(
        1.0,
        "Softness of the relaxed characters whose gradient the GAN's generator gets "
        "(lower: closer to one-hot, noisier gradients).",
        above=0,
    )
    spectral_norm: bool = setting(True, "Spectral normalization on every discriminator layer.")
    score_samples: int = setting(
        1000,
        "Texts drawn from what ships and scored against the held-out texts at the end "
        "(BLEU, self-BLEU, form, copied lines; rhyme for quatrains). 0: no scores.",
        minimum=0,
    )
    name: Optional[str] = setting(
        None, "Model name of the export. Unset: <dataset>_<model>, or the folder's name."
    )

    @property
    def bfloat16_units(self):
        """None: `mixed_precision="auto"` trains in float32. The bfloat16
        step is 1.27x faster on AVX512-BF16 (`benchmarks/roofline.py
        --jobs=text`), but no bfloat16 run has been checked to train as
        well (the Gumbel-softmax and the GRU's long products): float32
        until one is."""
        return ()

    @property
    def run_name(self):
        """The export's model name: `name`, the folder's name, or
        `<dataset>_<model>`."""
        if self.name or self.data_dir:
            return self.name or folder_name(self.data_dir, "text")
        return f"{self.dataset}_{self.model}"


DEFAULT = TextConfig(loss="relativistic", epochs=20, learning_rate=3e-4, batch_size=64, beta_1=0.5)
PRESETS = {"default": DEFAULT}
configure = job.configurator(DEFAULT)


def load_texts(config):
    """The run's `TextSet`: the quatrains of `dataset`, or `data_dir`'s texts."""
    if config.data_dir:
        return data.load_text_folder(config.data_dir, config.unit, config.length)
    return data.load_poems(DATASETS[config.dataset], config.poems_dir)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: the texts are read (they go into the
    record's `context`) and decide the noise size and the epoch length (one
    pass over the fitted texts, whole batches)."""
    config, explicit = configure(config, **overrides)
    if config.score_samples == 1:
        raise ValueError(
            "--score_samples=1: self-BLEU compares samples with each other; score 2 or more, "
            "or 0 for none."
        )
    texts = load_texts(config)
    fitted, validation = data.validation_split(texts.train)
    if len(fitted) < config.batch_size or len(validation) < 2:
        raise ValueError(
            f"{texts.source}: {len(texts.train)} training texts are too few for "
            f"--batch_size={config.batch_size} and a twentieth to validate on: add texts or "
            "lower --batch_size."
        )
    changes = {}
    latent_dim = config.latent_dim or max(32, texts.length)
    if latent_dim < texts.length:
        raise ValueError(
            f"--latent_dim={latent_dim} is below the texts' length ({texts.length}): one "
            "noise entry picks each character. Leave it unset or raise it."
        )
    if config.latent_dim is None:
        changes["latent_dim"] = latent_dim
    if config.steps_per_epoch is None:
        changes["steps_per_epoch"] = len(fitted) // config.batch_size
    if not config.data_dir and config.length != texts.length:
        changes["length"] = texts.length
    if config.poems_dir and not config.data_dir:
        # Absolute, so `keras-gans evaluate` finds the poems from anywhere.
        changes["poems_dir"] = os.path.abspath(os.path.expanduser(config.poems_dir))
    notes = [
        f"{texts.source}: {len(fitted)} texts to fit, {len(validation)} to validate, "
        f"{len(texts.test)} held out; {len(texts.vocabulary)} characters, {texts.length} a text"
    ]
    notes += [f"skipped {path}: {why}" for path, why in texts.skipped]
    context = {"texts": texts, "fitted": fitted, "validation": validation}
    return settings.resolve(NAME, config, explicit, changes, notes, context)


def training_settings(export_path):
    """The settings a text export was trained with (its training asset), or
    `{}`; `data_dir` made absolute (the asset's `data_folders`)."""
    training = export.read_asset(export_path, export.TRAINING_ASSET) or {}
    settings = dict(training.get("settings", {}))
    if settings.get("data_dir") and training.get("data_folders"):
        settings["data_dir"] = training["data_folders"][0]
    return settings


def poem_line_length(export_path):
    """Characters a line of the quatrains a text export learned, or `None`
    (trained on a folder of texts, or no training asset)."""
    settings = training_settings(export_path)
    if settings.get("data_dir") or settings.get("dataset") not in DATASETS:
        return None
    return data.text.FORMS[DATASETS[settings["dataset"]]][1]


def build_generator(config, texts):
    """The character generator of `config`, knowing `texts`' vocabulary."""
    return character_generator(
        len(texts.vocabulary) + 2,
        texts.length,
        config.latent_dim,
        config.units,
        config.embedding_dim,
        temperature=config.temperature,
        seed=config.seed,
        vocabulary=texts.vocabulary,
    )


class Pretraining(BacksUpAttributes):
    """What maximum-likelihood pretraining reached, kept in the run's
    backup (a resumed GAN does not pretrain again, and still reports it)."""

    backed_up = ("record",)

    def __init__(self):
        self.record = None


def maximum_likelihood(generator, config):
    """`(MaximumLikelihoodText, EarlyStopping)`: the model on `generator`,
    compiled, and the early stopping its `fit` takes."""
    model = MaximumLikelihoodText(generator, seed=config.seed)
    model.compile(optimizer=keras.optimizers.Adam(config.mle_learning_rate))
    stop = EarlyStopping("val_loss", patience=config.patience, restore_best_weights=True)
    return model, stop


def pretrain(generator, config, stream, validation):
    """Fits `generator` by maximum likelihood, early stopped; returns what it
    reached (`Pretraining.record`)."""
    model, stop = maximum_likelihood(generator, config)
    began = time.perf_counter()
    history = model.fit(
        stream,
        epochs=config.pretrain_epochs,
        steps_per_epoch=config.steps_per_epoch,
        validation_data=validation,
        callbacks=[StopOnNonFiniteLoss(("loss",)), stop],
        verbose=config.verbose,
    )
    losses_seen = history.history["val_loss"]
    record = {
        "epochs_run": len(losses_seen),
        "best_epoch": stop.best_epoch + 1,
        "validation_nats": [float(value) for value in losses_seen],
        "seconds": time.perf_counter() - began,
    }
    print(
        f"maximum-likelihood pretraining: {record['epochs_run']} epochs in "
        f"{record['seconds']:.0f} s; the weights of epoch {record['best_epoch']} "
        f"({min(losses_seen):.3f} nats a character on the validation texts)"
    )
    return record


def build_gan(generator, config, texts):
    """The compiled `TextGAN` of `generator` and a new discriminator."""
    discriminator = text_discriminator(
        len(texts.vocabulary) + 2,
        texts.length,
        config.embedding_dim,
        spectral_norm=config.spectral_norm,
    )
    gan = TextGAN(generator, discriminator, seed=config.seed)
    g_learning_rate, d_learning_rate = config.learning_rates()

    def adam(learning_rate):
        return keras.optimizers.Adam(learning_rate, beta_1=config.beta_1, beta_2=config.beta_2)

    gan.compile(
        g_optimizer=adam(g_learning_rate),
        d_optimizer=adam(d_learning_rate),
        loss=losses.get(config.loss),
    )
    return gan


def train(config=None, callbacks=(), **overrides):
    """Trains a text generator (a GAN, or by maximum likelihood), exports
    and scores it.

    Args:
        config: `TextConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `TextConfig` to change; `None` keeps the
            config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; its `images` are the
        per-epoch text files, its `scores` those of `score_texts`.
    """
    started = time.perf_counter()
    resolved = settings.resolved(resolve, config, overrides)
    config = resolved.config
    texts, fitted = resolved.context["texts"], resolved.context["fitted"]
    keras.utils.set_random_seed(config.seed)
    backup = None
    if config.backup_dir:
        identity = run_lib.run_identity(config, texts_fingerprint(texts))
        backup = RunBackup(config.backup_dir, identity, fresh=config.fresh)
    resume_epoch = backup.resume_epoch if backup is not None else 0

    def stream(first_epoch):
        return data.text_dataset(
            fitted,
            texts.vocabulary,
            texts.length,
            config.batch_size,
            seed=config.seed,
            first_epoch=first_epoch,
            steps_per_epoch=config.steps_per_epoch,
        )

    validation = resolved.context["validation"]
    validation_batches = data.text_dataset(
        validation, texts.vocabulary, texts.length, min(256, len(validation)), shuffle=False
    )
    with precision.dtype_policy(config.mixed_precision):
        generator = build_generator(config, texts)
    samples = TextSamples(config.output_dir, texts.vocabulary, line_length=texts.line_length)
    summary = {
        "source": texts.source,
        "num_train": len(texts.train),
        "num_test": len(texts.test),
        "skipped": [f"{path}: {why}" for path, why in texts.skipped],
    }
    if config.model == "mle":
        run = run_lib.Run(
            resolved, started, loss_keys=("loss",), plot_keys=("loss",), guarded_keys=("loss",)
        )
        model, stop = maximum_likelihood(generator, config)
        job_callbacks = [samples, stop]
        epochs = config.epochs
        if backup is not None:
            backup.state.update(samples=samples, early_stopping=stop)
            if backup.saved_state("early_stopping").get("stopped_epoch"):
                # Killed after early stopping ended it: no epoch left to
                # train (fit still restores the backup, then the best weights).
                epochs = resume_epoch
        history = run.fit(
            model,
            stream(resume_epoch),
            [*callbacks, *job_callbacks],
            config.steps_per_epoch,
            backup,
            validation_data=validation_batches,
            epochs=epochs,
        )
        summary["best_epoch"] = stop.best_epoch + 1
    else:
        run = run_lib.Run(resolved, started)
        pretraining = Pretraining()
        if config.pretrain_epochs and not resume_epoch:
            pretraining.record = pretrain(generator, config, stream(0), validation_batches)
        with precision.dtype_policy(config.mixed_precision):
            model = build_gan(generator, config, texts)
        if backup is not None:
            backup.state.update(samples=samples, pretraining=pretraining)
        history = run.fit(
            model, stream(resume_epoch), [*callbacks, samples], config.steps_per_epoch, backup
        )
        summary["pretraining"] = pretraining.record

    def score(result):
        serve = run_lib.shipped_signature(result, model.sampling_generator, "text")
        return score_run(result, serve, texts, config)

    return run.finish(
        model,
        history,
        samples.paths,
        summary=summary,
        contract="text",
        score=score if config.score_samples else None,
    )


def texts_fingerprint(texts):
    """What identifies the training texts (a backup made on others is not
    resumed): a hash of them, their vocabulary and length."""
    listed = json.dumps([texts.train, texts.vocabulary, texts.length], ensure_ascii=False)
    return hashlib.sha256(listed.encode()).hexdigest()


def score_run(result, serve, texts, config):
    """Scores `score_samples` texts of `serve` (what ships) against the
    held-out texts (`score_texts`); writes `scores.txt` and `nearest.txt`
    (samples beside their nearest training texts) to the run's folder."""
    z = np.random.default_rng(config.seed + 1).standard_normal(
        (config.score_samples, config.latent_dim)
    )
    drawn, _ = contracts.write_text(serve, z.astype("float32"))
    scores = score_texts(drawn, texts)
    result.report = score_lines(scores, texts.source)
    output_dir = config.output_dir
    files.write_text(os.path.join(output_dir, "scores.txt"), "\n".join(result.report) + "\n")
    shown = nearest_texts(drawn[:SHOWN_SAMPLES], texts.train)
    files.write_text(
        os.path.join(output_dir, "nearest.txt"), nearest_lines(shown, texts.line_length)
    )
    return scores


def score_texts(samples, texts, seed=0):
    """The scores of `samples` (list of str) against `texts`' held-out ones,
    and of as many real texts drawn at random (`seed`), the floor: training
    texts for BLEU and the rest, held-out ones for the copies."""
    rng = np.random.default_rng(seed)
    real = [texts.train[i] for i in rng.permutation(len(texts.train))[: len(samples)]]
    scores = {"samples": _scores(samples, texts), "real": _scores(real, texts)}
    held_out = [texts.test[i] for i in rng.permutation(len(texts.test))[: len(samples)]]
    scores["real"]["copied_lines"] = text_scores.copied_lines(
        held_out, texts.train, texts.line_length or texts.length
    )
    return {"num_samples": len(samples), "references": len(texts.test), **scores}


def _scores(samples, texts):
    found = {
        "bleu2": text_scores.bleu(samples, texts.test, 2),
        "bleu4": text_scores.bleu(samples, texts.test, 4),
        "self_bleu4": text_scores.self_bleu(samples[:SELF_BLEU_SAMPLES], 4),
        "in_form": _in_form(samples, texts),
        "copied_lines": text_scores.copied_lines(
            samples, texts.train, texts.line_length or texts.length
        ),
    }
    if texts.lines == 4 and importlib.util.find_spec("pypinyin") is not None:
        # The rhyme needs the text-eval extra; without it the rest still scores.
        found["rhyme"] = text_scores.rhyme_rate(samples, texts.line_length)
    return found


def _in_form(samples, texts):
    """Quatrains: exactly their length; free text: 1 to `length` characters."""
    if texts.lines is not None:
        return text_scores.in_form(samples, texts.length)
    good = sum(0 < len(sample) <= texts.length and "[UNK]" not in sample for sample in samples)
    return good / max(1, len(samples))


SCORE_NAMES = {
    "bleu2": "BLEU-2",
    "bleu4": "BLEU-4",
    "self_bleu4": "self-BLEU-4",
    "in_form": "in form",
    "copied_lines": "lines copied",
    "rhyme": "rhyme",
}


def score_lines(scores, source):
    """The printed table of `score_texts`' scores."""
    lines = [
        f"{scores['num_samples']} texts against {scores['references']} held-out texts of "
        f"{source} (keras_gans.evaluation.text; self-BLEU on the first {SELF_BLEU_SAMPLES}):"
    ]
    names = [key for key in SCORE_NAMES if key in scores["samples"]]
    lines.append(f"  {'':<10}" + "".join(f"{SCORE_NAMES[key]:>14}" for key in names))
    for row, label in (("samples", "generated"), ("real", "real")):
        cells = "".join(f"{scores[row][key]:>14.3f}" for key in names)
        lines.append(f"  {label:<10}{cells}")
    return lines


def nearest_texts(samples, training):
    """`(sample, nearest training text)` pairs: the training text that
    shares the most characters with the sample, position by position."""
    pairs = []
    for sample in samples:
        near = max(training, key=lambda other: sum(a == b for a, b in zip(sample, other)))
        pairs.append((sample, near))
    return pairs


def nearest_lines(pairs, line_length=None):
    """`nearest_texts`' pairs as text, each sample above its nearest."""
    blocks = []
    for sample, near in pairs:
        blocks.append(
            "generated:\n"
            + write_texts([sample], line_length)
            + "nearest training text:\n"
            + write_texts([near], line_length)
        )
    return "\n".join(blocks)
