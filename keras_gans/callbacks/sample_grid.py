"""`SampleGrid`: a grid of generated images (or clips) from fixed noise every few epochs."""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import plotting
from keras_gans.callbacks.run_backup import BacksUpAttributes


def fixed_noise(num_samples, latent_dim, seed=0):
    """Standard-normal noise `(num_samples, latent_dim)` from a NumPy seed.

    The same arguments always give the same array, so grids drawn from it at
    different epochs (or by different runs) show the same latent points.
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_samples, latent_dim)).astype("float32")


class SampleGrid(BacksUpAttributes, keras.callbacks.Callback):
    """Writes a grid of generated images from fixed noise every few epochs.

    A generator of clips gets an animated GIF grid instead (name the files
    `.gif`), and no TensorBoard image.

    Args:
        output_dir: str. Directory for the PNG files.
        noise: array `(n, latent_dim)`. Fixed noise; `n` should be
            `rows * cols`. Defaults to 64 vectors from `fixed_noise`.
        labels: int array `(n,)` or `None`. Class of each image, for a
            `ConditionalGAN` (e.g. `np.repeat(np.arange(10), 10)` for one row
            per class). Defaults to the model's default labels.
        rows: int. Grid rows. Defaults to `ceil(sqrt(n))`.
        every_n_epochs: int. Defaults to `1`.
        filename: str. Pattern with an `{epoch}` field. Defaults to
            `"samples_epoch_{epoch:03d}.png"`.
        tensorboard_dir: str or `None`. If set, also log the grid as an
            image summary named `samples` there.

    Attributes:
        paths: list of str. Files written so far.
    """

    def __init__(
        self,
        output_dir,
        noise=None,
        labels=None,
        rows=None,
        every_n_epochs=1,
        filename="samples_epoch_{epoch:03d}.png",
        tensorboard_dir=None,
    ):
        super().__init__()
        self.output_dir = output_dir
        self.noise = noise
        self.labels = labels
        self.rows = rows
        self.every_n_epochs = every_n_epochs
        self.filename = filename
        self.tensorboard_dir = tensorboard_dir
        self.paths = []
        self._writer = None

    def on_train_begin(self, logs=None):
        if self.noise is None:
            self.noise = fixed_noise(64, self.model.latent_dim)
        if self.tensorboard_dir and self._writer is None:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.tensorboard_dir, "samples")
            )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        extra = {} if self.labels is None else {"labels": self.labels}
        images = self.model.generate(z=self.noise, **extra)
        path = os.path.join(self.output_dir, self.filename.format(epoch=epoch + 1))
        self.paths.append(path)
        if np.ndim(images) == 5:
            plotting.save_clip_grid(images, path, rows=self.rows)
            return
        plotting.save_image_grid(images, path, rows=self.rows, title=f"epoch {epoch + 1}")
        if self._writer is not None:
            grid = plotting.image_grid(images, rows=self.rows)
            with self._writer.as_default():
                tf.summary.image("samples", grid[None], step=epoch + 1)
            self._writer.flush()
