"""`StopOnNonFiniteLoss`: a clear error, and nothing exported, when a loss is NaN."""

import math

import keras


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
