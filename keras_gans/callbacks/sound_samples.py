"""`SoundSamples`: sounds from fixed noise every few epochs, to look at and listen to."""

import os

import keras
import numpy as np

from keras_gans import data
from keras_gans import plotting
from keras_gans.callbacks.run_backup import BacksUpAttributes
from keras_gans.callbacks.sample_grid import fixed_noise
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings


class SoundSamples(BacksUpAttributes, keras.callbacks.Callback):
    """Writes generated sounds from fixed noise every few epochs: a grid of
    their log-mel spectrograms (`samples_epoch_NNN.png`) and the sounds one
    after another (`samples_epoch_NNN.wav`, in grid order).

    Args:
        output_dir: str. Directory for the files.
        sample_rate: int. Samples per second of the generated clips.
        noise: array `(n, latent_dim)` or `None` (16 vectors from
            `fixed_noise`).
        labels: int array `(n,)` or `None`. Class of each clip, for a
            `ConditionalGAN`.
        rows: int. Grid rows. Defaults to `ceil(sqrt(n))`.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. The spectrogram grids written so far.
        sound_paths: list of str. The WAV files written so far.
    """

    backed_up = ("paths", "sound_paths")

    def __init__(
        self, output_dir, sample_rate, noise=None, labels=None, rows=None, every_n_epochs=1
    ):
        super().__init__()
        self.output_dir = output_dir
        self.sample_rate = sample_rate
        self.noise = noise
        self.labels = labels
        self.rows = rows
        self.every_n_epochs = every_n_epochs
        self.mel = LogMelSpectrogram(MelSettings(sample_rate=sample_rate))
        self.paths = []
        self.sound_paths = []

    def on_train_begin(self, logs=None):
        if self.noise is None:
            self.noise = fixed_noise(16, self.model.latent_dim)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        extra = {} if self.labels is None else {"labels": self.labels}
        clips = np.asarray(self.model.generate(z=self.noise, **extra))
        stem = os.path.join(self.output_dir, f"samples_epoch_{epoch + 1:03d}")
        picture, sound = write_sounds(clips, stem, self.mel, self.rows, f"epoch {epoch + 1}")
        self.paths.append(picture)
        self.sound_paths.append(sound)


def write_sounds(clips, stem, mel, rows=None, title=None):
    """Writes clips `(n, samples)` as `<stem>.png`, a grid of their log-mel
    spectrograms (`mel`, a `LogMelSpectrogram`), and `<stem>.wav`, the clips
    one after another; returns both paths."""
    mels = keras.ops.convert_to_numpy(mel(clips))
    picture = plotting.save_spectrogram_grid(mels, stem + ".png", rows, title)
    return picture, data.write_wav(stem + ".wav", clips, mel.settings.sample_rate)
