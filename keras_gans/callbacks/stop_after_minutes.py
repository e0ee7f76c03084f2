"""`StopAfterMinutes`: a wall-clock budget for `fit`."""

import time

import keras


class StopAfterMinutes(keras.callbacks.Callback):
    """Ends training after the epoch during which `minutes` have passed.

    Args:
        minutes: float. Wall-clock budget of `fit`, checked at epoch ends.

    Attributes:
        stopped_at: int or `None`. The epoch (1-based) after which the budget
            stopped training; `None` if training ended on its own.
    """

    def __init__(self, minutes):
        super().__init__()
        self.seconds = 60.0 * minutes
        self.stopped_at = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self._start >= self.seconds:
            self.model.stop_training = True
            self.stopped_at = epoch + 1
