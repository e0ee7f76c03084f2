"""`EarlyStopping`: Keras's, with its state in the run's backup."""

import keras
import numpy as np


class EarlyStopping(keras.callbacks.EarlyStopping):
    """Keras's `EarlyStopping`, whose state (the best value and epoch, the
    epochs waited, the epoch it stopped at and the best weights) is part of
    the run's backup (`RunBackup`): a resumed run stops, and keeps the
    weights, where an uninterrupted one would. A run killed after the
    epoch that stopped it is resumed with no epoch to train: see
    `RunBackup.saved_state`'s `stopped_epoch`. Takes
    `keras.callbacks.EarlyStopping`'s arguments.
    """

    def backup_state(self):
        best = None if self.best is None else float(self.best)
        state = {"wait": int(self.wait), "best": best, "best_epoch": int(self.best_epoch)}
        state["stopped_epoch"] = int(self.stopped_epoch)
        for index, weight in enumerate(self.best_weights or ()):
            state[f"weight_{index:04d}"] = np.asarray(weight)
        return state

    def restore_state(self, state):
        self.wait, self.best_epoch = int(state["wait"]), int(state["best_epoch"])
        self.stopped_epoch = int(state.get("stopped_epoch", 0))
        self.best = None if state["best"] is None else float(state["best"])
        keys = sorted(key for key in state if key.startswith("weight_"))
        self.best_weights = [state[key] for key in keys] or None
