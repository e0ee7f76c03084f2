"""`StopAfterMinutes`: a wall-clock budget for `fit`."""

import time

import keras


class StopAfterMinutes(keras.callbacks.Callback):
    """Ends training once `minutes` of wall-clock time have passed.

    The clock is checked after every training step, so `fit` ends within a
    step of the budget; Keras still runs the epoch-end callbacks (sample
    grids, evaluation) for the epoch it stopped in.

    Args:
        minutes: float. Wall-clock budget of `fit`.

    Attributes:
        stopped_at: int or `None`. The epoch (1-based) in which the budget
            stopped training; `None` if training ended on its own.
    """

    def __init__(self, minutes):
        super().__init__()
        self.seconds = 60.0 * minutes
        self.stopped_at = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.stopped_at is None and time.perf_counter() - self._start >= self.seconds:
            self.model.stop_training = True
            self.stopped_at = self._epoch + 1
