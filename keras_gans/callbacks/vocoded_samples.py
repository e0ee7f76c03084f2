"""`VocodedSamples`: held-out recordings beside their vocoded copies, every few epochs."""

import os

import keras
import numpy as np

from keras_gans.callbacks.run_backup import BacksUpAttributes
from keras_gans.callbacks.sound_samples import write_sounds


class VocodedSamples(BacksUpAttributes, keras.callbacks.Callback):
    """Writes held-out clips and the vocoder's copies of them every few
    epochs: `vocoded_epoch_NNN.png`, log-mel spectrograms with one row per
    clip (the recording, then the vocoder's waveform of its spectrogram),
    and `vocoded_epoch_NNN.wav`, the pairs one after another in that order.

    Args:
        output_dir: str. Directory for the files.
        clips: float array `(n, samples)` of held-out recordings, `samples`
            a multiple of the vocoder's hop length.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. The figures written so far.
        sound_paths: list of str. The WAV files written so far.
    """

    backed_up = ("paths", "sound_paths")  # a resumed run lists every epoch's files

    def __init__(self, output_dir, clips, every_n_epochs=1):
        super().__init__()
        self.output_dir = output_dir
        self.clips = np.asarray(clips, np.float32)
        self.every_n_epochs = every_n_epochs
        self.paths = []
        self.sound_paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        mel = self.model.mel
        vocoded = self.model.vocode(keras.ops.convert_to_numpy(mel(self.clips)))
        pairs = np.stack([self.clips, vocoded], axis=1).reshape(-1, self.clips.shape[1])
        stem = os.path.join(self.output_dir, f"vocoded_epoch_{epoch + 1:03d}")
        title = f"epoch {epoch + 1}: recording | vocoded"
        picture, sound = write_sounds(pairs, stem, mel, rows=len(self.clips), title=title)
        self.paths.append(picture)
        self.sound_paths.append(sound)
