"""Your own recordings: the job behind `keras-gans train audio`.

A folder of recordings in (flat, or one subfolder per class: drum kinds,
instruments, pitches), a trained, exported GAN of sounds out:
`train(data_dir="drums/")`. Two architectures: WaveGAN draws the waveform
itself; SpecGAN draws spectrogram images with the image DCGAN and hears them
through Griffin-Lim (`keras_gans.networks.SpectrogramToAudio`). The clips
are decoded once into memory (`keras_gans.data.load_audio_folder`); every
epoch writes a spectrogram grid and the sounds as a WAV file; the export is
`serving_default(z) -> audio float32 [b, samples]` (`(z, label)` with
`conditional=True`), with the sample rate in its `assets/audio.json`.
"""

import dataclasses
import json
from typing import Optional

import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import data
from keras_gans import evaluation
from keras_gans import export
from keras_gans import plotting
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings
from keras_gans.jobs.engines import noise_to_image
from keras_gans.jobs.engines.noise_to_image import NoiseGANConfig
from keras_gans.jobs.plumbing import job
from keras_gans.jobs.plumbing import settings
from keras_gans.jobs.plumbing.settings import folder_name
from keras_gans.jobs.plumbing.settings import setting
from keras_gans.networks import pairs
from keras_gans.networks import specgan
from keras_gans.networks import wavegan

ARCHS = pairs.names("sounds")


@dataclasses.dataclass(frozen=True)
class AudioConfig(NoiseGANConfig):
    """Every setting of the own-recordings job (`NoiseGANConfig`'s and its own)."""

    data_folder_settings = ("data_dir",)

    data_dir: Optional[str] = setting(
        None,
        "Folder of recordings (WAV; FLAC, OGG, AIFF with pip install 'keras_gans[audio]'), "
        "or of one subfolder per class.",
    )
    name: Optional[str] = setting(
        None, "Model name of the export (<export_dir>/<name>/<version>/). Unset: the folder's name."
    )
    sample_rate: int = setting(16000, "Samples per second: every file is resampled to it once.")
    clip_samples: int = setting(
        16384,
        "Samples per clip (longer files are cut, shorter ones padded): a base of 8 or more "
        "times a power of 4, e.g. 16384 (1.02 s at 16 kHz) or 8192 (0.51 s).",
    )
    trim_start: bool = setting(
        True, "Start each clip at its sound's onset (-40 dB of its peak), not at the file's start."
    )
    arch: str = setting(
        "specgan",
        "Network pair: wavegan (1-D convolutions on the waveform) or specgan (the image "
        "DCGAN on log-magnitude spectrograms, turned into sound by Griffin-Lim).",
        ARCHS,
    )
    width: int = setting(
        16, "Network width: channels of the outermost layers, doubling inward (WaveGAN: 64)."
    )
    phase_shuffle: int = setting(
        2, "Largest random shift of the discriminator's features (WaveGAN's phase shuffle)."
    )
    reference: Optional[str] = setting(
        None,
        "Evaluate against these recordings (a folder, e.g. the training folder or held-out "
        "ones) in the features of --classifier_dir. Unset: no evaluation.",
    )
    classifier_dir: Optional[str] = setting(
        None,
        "Audio classifier for --reference, trained at this --sample_rate and --clip_samples "
        "(keras-gans train-classifier --data_dir=<class folders> --clip_samples=...).",
    )

    @property
    def run_name(self):
        """The export's model name: `name`, or the data folder's name."""
        return self.name or folder_name(self.data_dir, "audio")


# What each architecture trains with when the user does not say: its pair's
# `defaults` (`keras_gans.networks.pairs`). SpecGAN: the DCGAN recipe of
# this package's image jobs, with the generator's weight average (on six
# kinds of drum hit it holds label accuracy at 0.94, where the raw generator
# swings between 0.83 and 0.94; docs/results/audio.md). WaveGAN: its
# published recipe (Donahue et al., 2019), WGAN-GP with 5 critic updates per
# generator update.
ARCH_SETTINGS = {name: pairs.get(name).defaults for name in ARCHS}
DEFAULT = AudioConfig(**ARCH_SETTINGS["specgan"], batch_size=64, epochs=50, max_minutes=10.0)
PRESETS = {"default": DEFAULT}


def arch_settings(config, explicit=frozenset()):
    """The settings of `config.arch`'s recipe the user left unset: a dict
    to `replace` in `config`."""
    return {k: v for k, v in ARCH_SETTINGS[config.arch].items() if k not in explicit}


def load_folder(config):
    """The clips of `config.data_dir`, decoded as `config` asks (rate,
    length, trimming): a `keras_gans.data.AudioFolder`."""
    return data.load_audio_folder(
        config.data_dir,
        sample_rate=config.sample_rate,
        clip_seconds=config.clip_samples / config.sample_rate,
        trim_start=config.trim_start,
    )


class AudioFolderSource(noise_to_image.FolderSource):
    """A folder of recordings, decoded into memory, for `noise_to_image.train`."""

    def __init__(self, config, folder):
        super().__init__(config, folder, folder.audio)

    def images_for_clustering(self):
        # Self-conditioning clusters the clips by their spectrograms.
        mel = LogMelSpectrogram(MelSettings(sample_rate=self.folder.sample_rate))
        chunks = range(0, self.num_examples, 256)
        mels = np.concatenate([np.asarray(mel(self.folder.audio[i : i + 256])) for i in chunks])
        return plotting.spectrogram_images(mels)

    def dataset(self, batch_size, labels=None, first_epoch=None, steps_per_epoch=None):
        clips = data.audio_folder(
            self.config.data_dir,
            batch_size=batch_size,
            seed=self.config.seed,
            folder=self.labelled_folder(labels),
            first_epoch=first_epoch,
            steps_per_epoch=steps_per_epoch,
        )
        if self.config.arch != "specgan":
            return clips
        # SpecGAN's discriminator sees the recordings as its generator draws
        # them: spectrogram images.
        to_images = specgan.AudioToSpectrogram(self.config.clip_samples)
        if isinstance(clips.element_spec, tuple):
            return clips.map(lambda audio, label: (to_images(audio), label))
        return clips.map(to_images)

    def decoder(self):
        if self.config.arch == "specgan":
            return specgan.SpectrogramToAudio(self.config.clip_samples)
        return None

    def networks(self, num_classes=None):
        config = self.config
        settings = pairs.PairSettings(
            latent_dim=config.latent_dim,
            shape=(config.clip_samples,),
            width=config.width,
            d_dropout=config.d_dropout,
            spectral_norm=config.spectral_norm,
            phase_shuffle=config.phase_shuffle,
        )
        return pairs.get(config.arch).build(settings, num_classes)

    def evaluator(self):
        config = self.config
        if not config.reference:
            return None
        if not config.classifier_dir:
            raise ValueError(
                "`reference` needs `classifier_dir`: an audio classifier (keras-gans "
                "train-classifier --data_dir=<one subfolder per class> --output_dir=<dir> "
                f"--sample_rate={config.sample_rate} --clip_samples={config.clip_samples})."
            )
        evaluator = evaluation.Evaluator(
            config.reference, classifier_dir=config.classifier_dir, extractor="classifier"
        )
        classifier = evaluator.extractor
        heard = (classifier.metadata.get("sample_rate"), classifier.input_shape)
        if not classifier.is_audio or heard != (config.sample_rate, (config.clip_samples,)):
            raise ValueError(
                f"The classifier in {config.classifier_dir} takes "
                + (f"{heard[1][0]} samples at {heard[0]} Hz" if classifier.is_audio else "images")
                + f"; this run makes {config.clip_samples} samples at {config.sample_rate} Hz. "
                "Train one for these settings (keras-gans train-classifier --sample_rate=... "
                "--clip_samples=...)."
            )
        return evaluator

    def sample_callback(self, num_classes=None):
        config = self.config
        if num_classes:
            # One row per class (at most 10), the same noise in every column.
            rows = min(num_classes, 10)
            noise = callbacks_module.fixed_noise(4, config.latent_dim, seed=1234)
            return callbacks_module.SoundSamples(
                config.output_dir,
                config.sample_rate,
                noise=np.tile(noise, (rows, 1)),
                labels=np.repeat(np.arange(rows), 4),
                rows=rows,
            )
        return callbacks_module.SoundSamples(
            config.output_dir,
            config.sample_rate,
            noise=callbacks_module.fixed_noise(16, config.latent_dim, seed=1234),
            rows=4,
        )

    def summary(self):
        return {
            "class_names": self.folder.class_names,
            "num_clips": len(self.folder.audio),
            "skipped_files": [f"{path}: {why}" for path, why in self.folder.skipped],
        }

    def export_assets(self):
        audio = {"sample_rate": self.config.sample_rate, "clip_samples": self.config.clip_samples}
        return {export.AUDIO_ASSET: json.dumps(audio)}


NAME = "audio"
ABOUT = "Your own recordings: short sounds from noise (SpecGAN, WaveGAN)."


configure = job.configurator(DEFAULT)


def resolve(config=None, **overrides):
    """The run's `Resolved` settings: the architecture's own settings where
    the user left them unset, the folder read (its clips go into the
    record's `context`) and the epoch length it makes."""
    config, explicit = configure(config, **overrides)
    if not config.data_dir:
        raise ValueError("Pass `data_dir`: a folder of recordings, or of one subfolder per class.")
    changes = arch_settings(config, explicit)
    notes = []
    if changes:
        notes.append(
            f"arch={config.arch}: "
            + ", ".join(f"{k}={v}" for k, v in changes.items())
            + " (pass any of them to choose otherwise)"
        )
    # A length the architecture cannot build fails here, before decoding.
    if config.arch == "specgan":
        specgan.spectrogram_shape(config.clip_samples)
    else:
        wavegan.wavegan_stages(config.clip_samples)
    folder = load_folder(config)
    changes.update(noise_to_image.epoch_steps(config, len(folder.audio)))
    notes.append(
        f"{config.data_dir}: {len(folder.audio)} clips of {config.clip_samples} samples "
        f"({folder.clip_seconds:.2f} s at {config.sample_rate} Hz)"
        + (f", {len(folder.class_names)} classes" if folder.class_names else "")
        + (f" ({len(folder.skipped)} files skipped)" if folder.skipped else "")
    )
    context = {"folder": folder}
    return noise_to_image.resolve(
        NAME, config, explicit, len(folder.audio), changes, notes, context
    )


def train(config=None, callbacks=(), **overrides):
    """Trains a GAN of sounds on a folder of recordings, writes them, exports it.

    Args:
        config: `AudioConfig`, or the `Resolved` settings of `resolve`.
            Defaults to `DEFAULT`.
        callbacks: extra Keras callbacks, run before the job's own.
        **overrides: fields of `AudioConfig` to change (`data_dir` at
            least); `None` keeps the config's value.

    Returns:
        A `keras_gans.jobs.plumbing.run.TrainResult`; its `images` are the
        spectrogram grids, and the WAV files lie beside them.
    """
    run = settings.resolved(resolve, config, overrides)
    source = AudioFolderSource(run.config, run.context["folder"])
    return noise_to_image.train(run, source, callbacks)
