"""Keras callbacks for GAN training: sample grids, loss curves, NaN guard."""

import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import plotting


def fixed_noise(num_samples, latent_dim, seed=0):
    """Standard-normal noise `(num_samples, latent_dim)` from a NumPy seed.

    The same arguments always give the same array, so grids drawn from it at
    different epochs (or by different runs) show the same latent points.
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_samples, latent_dim)).astype("float32")


class SampleGrid(keras.callbacks.Callback):
    """Writes a grid of generated images from fixed noise every few epochs.

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
        plotting.save_image_grid(
            images, path, rows=self.rows, title=f"epoch {epoch + 1}"
        )
        self.paths.append(path)
        if self._writer is not None:
            grid = plotting.image_grid(images, rows=self.rows)
            with self._writer.as_default():
                tf.summary.image("samples", grid[None], step=epoch + 1)
            self._writer.flush()


class LossHistory(keras.callbacks.Callback):
    """Records losses every few training steps, for smooth loss curves.

    Keras hands callbacks the running mean since the epoch began; this
    callback turns consecutive running means back into the exact mean over
    each window of `every_n_steps` steps.

    Args:
        keys: metric names to record. Defaults to `("d_loss", "g_loss",
            "d_real", "d_fake")`.
        every_n_steps: int. Window length. Defaults to `50`.

    Attributes:
        history: dict with a `"step"` list (global step at each window's end)
            and one list per key; pass it to `plotting.plot_loss_curves`.
    """

    def __init__(self, keys=("d_loss", "g_loss", "d_real", "d_fake"), every_n_steps=50):
        super().__init__()
        self.keys = tuple(keys)
        self.every_n_steps = every_n_steps
        self.history = {"step": [], **{k: [] for k in self.keys}}
        self._global_step = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._window_start = 0  # steps into the epoch at the window's start
        self._steps_seen = 0
        self._start_means = {}

    def on_train_batch_end(self, batch, logs=None):
        self._steps_seen = batch + 1
        if self._steps_seen - self._window_start >= self.every_n_steps:
            self._record(self._steps_seen, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self._global_step += self._steps_seen

    def _record(self, steps_in_epoch, logs):
        a, b = self._window_start, steps_in_epoch
        values = {}
        for key in self.keys:
            if key not in logs:
                continue
            mean_b = float(logs[key])
            mean_a = self._start_means.get(key, 0.0)
            values[key] = (b * mean_b - a * mean_a) / (b - a)
            self._start_means[key] = mean_b
        self.history["step"].append(self._global_step + b)
        for key in self.keys:
            self.history[key].append(values.get(key, math.nan))
        self._window_start = b


class NonFiniteLossError(FloatingPointError):
    """Raised by `StopOnNonFiniteLoss` when a loss becomes NaN or infinite."""


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops training with a clear error as soon as a loss is NaN or inf.

    Unlike `keras.callbacks.TerminateOnNaN`, which ends `fit` quietly, this
    raises `NonFiniteLossError`, so a script does not go on to export a
    broken generator over a good one.

    Args:
        keys: metric names to watch. Defaults to `("d_loss", "g_loss")`.
    """

    def __init__(self, keys=("d_loss", "g_loss")):
        super().__init__()
        self.keys = tuple(keys)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for key in self.keys:
            value = (logs or {}).get(key)
            if value is not None and not math.isfinite(float(value)):
                raise NonFiniteLossError(
                    f"`{key}` became {float(value)} at epoch {self._epoch + 1}, "
                    f"step {batch + 1}: training diverged. Try a lower learning "
                    "rate, Adam with beta_1=0.5, or a bounded loss such as "
                    "'non_saturating' or 'hinge'; nothing was exported."
                )
