"""`StyleFigure`: "content | style | generated" pictures every few epochs."""

import os

import keras

from keras_gans import plotting
from keras_gans.data.transforms import to_float


class StyleFigure(keras.callbacks.Callback):
    """Writes a "content | style | generated" figure every few epochs.

    Args:
        content: uint8 array `(n, h, w, 3)`. Fixed photos to stylize.
        style: uint8 array `(n, h, w, 3)`. Style examples shown beside them.
        output_dir: str. Directory of the `epoch_NNN.png` files.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. Files written so far.
    """

    def __init__(self, content, style, output_dir, every_n_epochs=1):
        super().__init__()
        self.content = content
        self.style = style
        self.output_dir = output_dir
        self.every_n_epochs = every_n_epochs
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        generated = self.model.stylize(to_float(self.content).numpy())
        path = os.path.join(self.output_dir, f"epoch_{epoch + 1:03d}.png")
        plotting.save_style_figure(
            self.content, self.style, generated, path, title=f"epoch {epoch + 1}"
        )
        self.paths.append(path)
