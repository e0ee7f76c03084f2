"""`TextSamples`: texts written from fixed noise every few epochs."""

import os

import keras
import numpy as np

from keras_gans.callbacks.run_backup import BacksUpAttributes
from keras_gans.callbacks.sample_grid import fixed_noise
from keras_gans.data.text import decode_texts
from keras_gans.data.text import format_poem
from keras_gans.utils import files


class TextSamples(BacksUpAttributes, keras.callbacks.Callback):
    """Writes texts from fixed noise every few epochs: `samples_epoch_NNN.txt`.

    The model is a `MaximumLikelihoodText` or a `TextGAN` (its `generate`
    gives character ids); the same noise every epoch shows one text change
    as the model learns.

    Args:
        output_dir: str. Directory for the files.
        vocabulary: list of str. The characters of ids 2, 3, ...
        noise: array `(n, latent_dim)` or `None` (16 vectors from
            `fixed_noise`).
        line_length: int or `None`. Characters a line of a poem: each text
            is written as a poem (`keras_gans.data.format_poem`); `None`:
            one text a line.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. The files written so far.
    """

    def __init__(self, output_dir, vocabulary, noise=None, line_length=None, every_n_epochs=1):
        super().__init__()
        self.output_dir = output_dir
        self.vocabulary = list(vocabulary)
        self.noise = noise
        self.line_length = line_length
        self.every_n_epochs = every_n_epochs
        self.paths = []

    def on_train_begin(self, logs=None):
        if self.noise is None:
            self.noise = fixed_noise(16, self.model.latent_dim)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        ids = np.asarray(self.model.generate(z=self.noise))
        path = os.path.join(self.output_dir, f"samples_epoch_{epoch + 1:03d}.txt")
        files.write_text(path, write_texts(decode_texts(ids, self.vocabulary), self.line_length))
        self.paths.append(path)


def write_texts(texts, line_length=None):
    """`texts` as one string: poems (`line_length` set) apart by a blank
    line, else one text a line."""
    if line_length is None:
        return "\n".join(texts) + "\n"
    return "\n\n".join(format_poem(text, line_length) for text in texts) + "\n"
