"""`LossHistory`: losses every few training steps, for smooth loss curves."""

import math

import keras


class LossHistory(keras.callbacks.Callback):
    """Records losses every few training steps, for smooth loss curves.

    Keras hands callbacks the running mean since the epoch began; this
    callback turns consecutive running means back into the exact mean over
    each window of `every_n_steps` steps.

    Args:
        keys: metric names to record. Defaults to `("d_loss", "g_loss",
            "d_real", "d_fake")`.
        every_n_steps: int. Window length. Defaults to `50`.
        levels: names of values the model logs as they are (not as running
            means), recorded at each window's end, e.g. ADA's `"augment_p"`.
            Defaults to `()`.

    Attributes:
        history: dict with a `"step"` list (global step at each window's end)
            and one list per key; pass it to `plotting.plot_loss_curves`.
        epochs: dict of the epochs' logs, one list per logged metric, like
            `History.history` but holding a resumed run's earlier epochs too.
    """

    def __init__(self, keys=("d_loss", "g_loss", "d_real", "d_fake"), every_n_steps=50, levels=()):
        super().__init__()
        self.keys = tuple(keys)
        self.levels = tuple(levels)
        self.every_n_steps = every_n_steps
        self.history = {"step": [], **{k: [] for k in self.keys + self.levels}}
        self.epochs = {}
        self._global_step = 0

    def backup_state(self):
        """What a run's backup keeps (`RunBackup`): the windows and the
        epochs' logs so far."""
        return {"history": self.history, "epochs": self.epochs, "global_step": self._global_step}

    def restore_state(self, state):
        """Puts back what `backup_state` returned, in a resumed run."""
        self.history = {key: list(values) for key, values in state["history"].items()}
        self.epochs = {key: list(values) for key, values in state.get("epochs", {}).items()}
        self._global_step = int(state["global_step"])

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
        # Keras's `History` holds only this process's epochs; this log, kept
        # in the backup, holds a resumed run's earlier ones too.
        for key, value in (logs or {}).items():
            self.epochs.setdefault(key, []).append(float(value))

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
        for key in self.levels:
            values[key] = float(logs[key]) if key in logs else math.nan
        for key in self.keys + self.levels:
            self.history[key].append(values.get(key, math.nan))
        self._window_start = b
