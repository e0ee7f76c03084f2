"""A vocoder for your recordings: the job behind `keras-gans train vocoder`.

A folder of recordings in (speech, music: whole files of any length), a
trained, exported vocoder out: `train(data_dir="speech/train",
test_dir="speech/test")`. By default Vocos's generator learns from the mel
and multi-resolution STFT losses alone, what 30 CPU-minutes buy best;
`adversarial=True` adds HiFi-GAN's discriminators (the GAN vocoder, for
longer budgets and GPUs) and `arch="hifigan"` HiFi-GAN's generator. The
recordings are decoded once into memory (`keras_gans.data.load_recordings`)
and the model trains on random segments of them. Every epoch writes held-out clips beside
their vocoded copies (spectrograms and a WAV). The export is
`serving_default(mel float32 [b, frames, n_mels]) -> audio float32 [b,
(frames - 1) * hop]`, with the mel settings in its `assets/mel.json` so that
the spectrograms fed to it are made the way it was trained on; it is
`<export_dir>/<name>/<version>/`, `name` by default the data folder's name. With
`test_dir`, the export is scored on the held-out recordings against
Griffin-Lim from the same spectrograms (`keras_gans.evaluation.vocoding`).
"""

import dataclasses
import json
import os
import time
from typing import Optional

import keras
import numpy as np

from keras_gans import contracts
from keras_gans import data
from keras_gans import export
from keras_gans.callbacks import RunBackup
from keras_gans.callbacks import VocodedSamples
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import vocoding
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import ResumableConfig
from keras_gans.jobs.plumbing.settings import folder_name
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.models.vocoder import Vocoder
from keras_gans.models.vocoder import check_loss
from keras_gans.networks import hifigan
from keras_gans.networks import vocos
from keras_gans.utils import files
from keras_gans.utils import precision

FIGURE_SECONDS = 2.0  # length of the held-out clips in the per-epoch figures


ARCHS = ("hifigan", "vocos")
# Each generator's width when --channels is unset: HiFi-GAN narrowed for a
# CPU, and Vocos at half the paper's 512.
CHANNELS = {"hifigan": 128, "vocos": 256}


@dataclasses.dataclass(frozen=True)
class VocoderConfig(ResumableConfig):
    """Every setting of the vocoder job (`ResumableConfig`'s and its own):
    a run backs up every epoch and resumes."""

    data_folder_settings = ("data_dir",)

    data_dir: Optional[str] = setting(
        None,
        "Folder of recordings to train on (WAV; FLAC, OGG, AIFF with pip install "
        "'keras_gans[audio]'), any lengths; subfolders are read too.",
    )
    test_dir: Optional[str] = setting(
        None,
        "Held-out recordings: drawn every epoch, and scored after training against "
        "Griffin-Lim (multi-resolution STFT distance, mel L1; PESQ and STOI where "
        "installed). Unset: figures from --data_dir, no scores.",
    )
    test_recordings: Optional[int] = setting(
        None, "Score only the first N held-out recordings. Unset: all."
    )
    name: Optional[str] = setting(
        None,
        "Model name of the export (<export_dir>/<name>/<version>/). Unset: the data folder's "
        "name, so vocoders of different recordings do not share one.",
    )
    sample_rate: int = setting(16000, "Samples per second: every file is resampled to it once.")
    fft_length: int = setting(1024, "Mel features: FFT (and window) size in samples.")
    hop_length: int = setting(256, "Mel features: samples per frame; the upsampling's product.")
    num_mel_bins: int = setting(80, "Mel features: bands.")
    segment_samples: int = setting(
        8192, "Samples of the random training segments (a multiple of --hop_length)."
    )
    arch: str = setting(
        "vocos",
        "Generator: hifigan (transposed convolutions up to the sample rate) or vocos "
        "(ConvNeXt blocks at the frame rate predicting the STFT, then an inverse STFT).",
        ARCHS,
    )
    channels: Optional[int] = setting(
        None,
        "Generator width: HiFi-GAN's channels before the first upsampling, halved at each "
        "(V3: 256; unset: 128); Vocos's ConvNeXt channels (the paper: 512; unset: 256).",
    )
    upsample_rates: tuple = setting(
        (8, 8, 4), "Generator upsampling strides, multiplying to --hop_length."
    )
    period_width: int = setting(8, "Channels of the multi-period discriminators' first layer.")
    scale_width: int = setting(16, "Channels of the multi-scale discriminators' first layer.")
    periods: tuple = setting(
        hifigan.PERIODS, "Periods of the multi-period discriminators (HiFi-GAN: 2,3,5,7,11)."
    )
    scales: int = setting(hifigan.SCALES, "Multi-scale discriminators (HiFi-GAN: 3).", minimum=1)
    mel_weight: float = setting(45.0, "Weight of the mel L1 loss (HiFi-GAN: 45).")
    feature_weight: float = setting(2.0, "Weight of the feature-matching loss (HiFi-GAN: 2).")
    stft_weight: float = setting(
        15.0,
        "Weight of the multi-resolution STFT loss (Parallel WaveGAN's: FFT sizes 512, 1024, "
        "2048), which sees the harmonics that mel bands average away. 0: left out.",
    )
    adversarial: bool = setting(
        False,
        "Train with HiFi-GAN's multi-period and multi-scale discriminators (least squares "
        "and feature matching on top of the mel and STFT losses). Off by default: in 30 "
        "CPU-minutes a step with them costs about 7 without them, and the GAN scored "
        "worse than the same generator trained on its losses alone (docs: Audio results).",
    )

    @property
    def bfloat16_units(self):
        """None for Vocos: its first run in bfloat16 (AVX512-BF16) diverged to
        NaN at step 210; a float32 run passed that point (225 steps, no NaN).
        One run each: float32 until bfloat16 is measured to be safe."""
        if self.arch == "vocos":
            return ()
        return super().bfloat16_units

    @property
    def generator_channels(self):
        """`channels`, or the `CHANNELS` of `arch` when unset."""
        return CHANNELS[self.arch] if self.channels is None else self.channels

    @property
    def run_name(self):
        """The export's model name: `name`, or the data folder's name
        (`"vocoder"` when nothing of it is left)."""
        return self.name or folder_name(self.data_dir, "vocoder")

    def mel_settings(self):
        return data.MelSettings(
            sample_rate=self.sample_rate,
            fft_length=self.fft_length,
            hop_length=self.hop_length,
            num_mel_bins=self.num_mel_bins,
        )


# Vocos's generator trained on HiFi-GAN's mel loss plus Parallel WaveGAN's
# multi-resolution STFT loss, batch 16 of 8,192-sample segments, AdamW(2e-4,
# 0.8, 0.99) as in HiFi-GAN (Kong et al., 2020), whose least-squares loss and
# discriminators --adversarial adds; measured over two seeds in the docs.
DEFAULT = VocoderConfig(
    loss="least_squares",
    learning_rate=2e-4,
    beta_1=0.8,
    beta_2=0.99,
    batch_size=16,
    epochs=1000,
    steps_per_epoch=100,
    max_minutes=30.0,
)
PRESETS = {"default": DEFAULT}


def build_vocoder(config):
    """The compiled `Vocoder` of `config`."""
    mel = config.mel_settings()
    if config.arch == "vocos":
        generator = vocos.vocos_generator(
            num_mel_bins=config.num_mel_bins,
            fft_length=config.fft_length,
            hop_length=config.hop_length,
            dim=config.generator_channels,
        )
    else:
        generator = hifigan.hifigan_generator(
            num_mel_bins=config.num_mel_bins,
            hop_length=config.hop_length,
            channels=config.generator_channels,
            upsample_rates=config.upsample_rates,
            upsample_kernel_sizes=tuple(2 * rate for rate in config.upsample_rates),
        )
    discriminator = hifigan.hifigan_discriminator(
        clip_samples=config.segment_samples,
        period_width=config.period_width,
        scale_width=config.scale_width,
        periods=config.periods,
        scales=config.scales,
    )
    vocoder = Vocoder(
        generator,
        discriminator,
        mel_settings=mel,
        mel_weight=config.mel_weight,
        feature_weight=config.feature_weight,
        stft_weight=config.stft_weight,
        adversarial=config.adversarial,
        seed=config.seed,
    )
    g_learning_rate, d_learning_rate = config.learning_rates()
    adam = dict(beta_1=config.beta_1, beta_2=config.beta_2)
    vocoder.compile(
        g_optimizer=keras.optimizers.AdamW(g_learning_rate, **adam),
        d_optimizer=keras.optimizers.AdamW(d_learning_rate, **adam),
        loss=config.loss,
    )
    return vocoder


def figure_clips(recordings, hop_length, sample_rate, count=2):
    """`count` clips of `FIGURE_SECONDS` (whole hops) from the longest recordings."""
    samples = int(FIGURE_SECONDS * sample_rate) // hop_length * hop_length
    longest = sorted(recordings.audio, key=len, reverse=True)[:count]
    return np.stack([np.pad(a[:samples], (0, max(samples - len(a), 0))) for a in longest])


def score_lines(scores):
    """The printed table of `vocoding.score_vocoder`'s scores."""
    keys = [k for k in ("mrstft", "mel_l1", "pesq", "stoi") if k in scores["vocoder"]]
    header = {"mrstft": "MR-STFT ↓", "mel_l1": "mel L1 ↓", "pesq": "PESQ ↑", "stoi": "STOI ↑"}
    lines = [
        f"vocoder on {scores['num_recordings']} held-out recordings "
        f"({scores['seconds']:.0f} s of audio):",
        "  " + f"{'method':<12}" + "".join(f"{header[k]:>11}" for k in keys),
    ]
    for method, label in (("griffin_lim", "Griffin-Lim"), ("vocoder", "vocoder")):
        lines.append("  " + f"{label:<12}" + "".join(f"{scores[method][k]:>11.3f}" for k in keys))
    lines.append(
        f"  real-time factor of the export: {scores['real_time_factor']:.3f} "
        "(seconds of computing per second of audio)"
    )
    if scores["missing"]:
        lines.append(
            f"  not scored: {', '.join(scores['missing'])} (pip install 'keras_gans[audio-eval]')"
        )
    return lines


NAME = "vocoder"
ABOUT = "Your own recordings: mel spectrograms back to sound (Vocos, HiFi-GAN)."


configure = job.configurator(DEFAULT)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: the generator's channels for `arch`,
    and the recordings read (into the record's `context`)."""
    config, explicit = configure(config, **overrides)
    if not config.data_dir:
        raise ValueError("Pass `data_dir`: a folder of recordings (speech, music) to train on.")
    config.mel_settings()  # bad mel settings fail here, before any loading
    check_loss(config.loss)
    if config.segment_samples % config.hop_length:
        raise ValueError(
            f"--segment_samples={config.segment_samples} is not a multiple of "
            f"--hop_length={config.hop_length}: try "
            f"{config.segment_samples // config.hop_length * config.hop_length}."
        )
    recordings = data.load_recordings(config.data_dir, config.sample_rate)
    test = data.load_recordings(config.test_dir, config.sample_rate) if config.test_dir else None
    note = (
        f"{config.data_dir}: {len(recordings.audio)} recordings, "
        f"{recordings.seconds / 60:.1f} min at {config.sample_rate} Hz"
        + (f" ({len(recordings.skipped)} files skipped)" if recordings.skipped else "")
        + (f"; held out: {len(test.audio)}, {test.seconds / 60:.1f} min" if test else "")
    )
    changes = {"channels": config.generator_channels}  # the summary says which
    if config.backup_dir and config.steps_per_epoch is None:
        # A resumed stream of segments never ends: an epoch needs a length.
        changes["steps_per_epoch"] = DEFAULT.steps_per_epoch
    context = {"recordings": recordings, "test": test}
    return settings.resolve(NAME, config, explicit, changes, [note], context)


def train(config=None, callbacks=(), **overrides):
    """Trains a GAN vocoder on a folder of recordings, exports and scores it.

    Args:
        config: `VocoderConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `VocoderConfig` to change (`data_dir` at
            least); `None` keeps the config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; its `images` are the
        per-epoch spectrogram figures (the WAV files lie beside them), its
        `scores` those of `keras_gans.evaluation.vocoding.score_vocoder`.
    """
    started = time.perf_counter()
    resolved = settings.resolved(resolve, config, overrides)
    config, output_dir = resolved.config, resolved.config.output_dir
    recordings, test = resolved.context["recordings"], resolved.context["test"]
    mel = config.mel_settings()
    keras.utils.set_random_seed(config.seed)
    backup, steps_per_epoch, stream = None, config.steps_per_epoch, {}
    if config.backup_dir:
        fingerprint = fingerprint_files(recordings.paths)
        backup = RunBackup(
            config.backup_dir, run_lib.run_identity(config, fingerprint), fresh=config.fresh
        )
        # Epoch e's segments depend only on (seed, e): the stream starts
        # where the backup ends.
        stream = {"first_epoch": backup.resume_epoch, "steps_per_epoch": steps_per_epoch}
    dataset = data.recording_segments(
        recordings, config.segment_samples, config.batch_size, seed=config.seed, **stream
    )
    with precision.dtype_policy(config.mixed_precision):
        vocoder = build_vocoder(config)
    # What the vocoder logs (the discriminators' terms only with them).
    logged = tuple(m.name for m in vocoder.metrics)
    plotted = ("d_loss", *vocoder.tracked_metrics())
    run = run_lib.Run(
        resolved,
        started,
        loss_keys=logged,
        plot_keys=tuple(name for name in logged if name in plotted),
    )
    figure = VocodedSamples(
        output_dir, figure_clips(test or recordings, config.hop_length, config.sample_rate)
    )
    if backup is not None:
        backup.state.update(figure=figure)
    history = run.fit(vocoder, dataset, [*callbacks, figure], steps_per_epoch, backup)
    assets = {export.MEL_ASSET: json.dumps(mel.to_dict())}

    def score(result):
        """The held-out recordings vocoded by what ships, against Griffin-Lim."""
        serve = run_lib.shipped_signature(result, vocoder.sampling_generator, "vocoder")

        def vocode(mel):
            return contracts.transform(serve, "vocoder", np.asarray(mel, np.float32))

        scores = vocoding.score_vocoder(vocode, test.audio[: config.test_recordings], mel)
        result.report = score_lines(scores)
        files.write_text(os.path.join(output_dir, "scores.txt"), "\n".join(result.report) + "\n")
        return scores

    return run.finish(
        vocoder,
        history,
        figure.paths,
        assets=assets,
        contract="vocoder",
        score=score if test is not None else None,
    )
