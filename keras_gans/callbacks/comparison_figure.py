"""`ComparisonFigure`: side-by-side pictures (e.g. "input | output | original")
every few epochs."""

import os

import keras

from keras_gans import plotting
from keras_gans.callbacks.run_backup import BacksUpAttributes


class ComparisonFigure(BacksUpAttributes, keras.callbacks.Callback):
    """Writes a figure with one column per image kind every few epochs.

    Args:
        columns: callable `model -> list of (label, images)`: what to draw
            (e.g. the inputs, the model's outputs on them and the originals).
        output_dir: str. Directory of the `epoch_NNN.png` files.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. Files written so far.
    """

    def __init__(self, columns, output_dir, every_n_epochs=1):
        super().__init__()
        self.columns = columns
        self.output_dir = output_dir
        self.every_n_epochs = every_n_epochs
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        path = os.path.join(self.output_dir, f"epoch_{epoch + 1:03d}.png")
        plotting.save_comparison_figure(self.columns(self.model), path, title=f"epoch {epoch + 1}")
        self.paths.append(path)
