"""Every use of private Keras API in keras_gans, in one place.

keras_gans is tested with Keras 3.15 (`setup.cfg` caps `keras<3.16`).
`tests/keras_internals_test.py` checks each assumption made here, so a Keras upgrade
that breaks one fails there, by name, rather than deep inside training.
"""

import json
import os

import keras

# `keras.Model` calls this hook at the start of `fit`, `evaluate` and
# `predict` (keras/src/backend/tensorflow/trainer.py, since Keras 3.5).
SYMBOLIC_BUILD_HOOK = "_maybe_symbolic_build"


class SkipsSymbolicBuild:
    """Mixin for a `keras.Model` that is complete after `compile`.

    Keras's symbolic build traces one step to create the model's variables.
    A two-network model with both optimizers built in `compile` has nothing
    left to create, and the trace itself fails under
    `MultiWorkerMirroredStrategy` (its `strategy.reduce("MEAN", first_batch,
    axis=None)`: "Attempt to convert a value (PerReplica ...) to a Tensor",
    keras-team/keras#20585). So it is skipped once the model is built and
    compiled.
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self.built and self.compiled:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)


def ema_variables(optimizer, variables):
    """The moving averages an optimizer with `use_ema=True` keeps for `variables`.

    Keras exposes only `finalize_variable_values`, which overwrites the
    model's weights with the averages; sampling from the averages while
    training goes on needs the average variables themselves.

    Args:
        optimizer: a built `keras.optimizers.Optimizer` with `use_ema=True`.
        variables: the trainable variables it was built for.

    Returns:
        One average variable per entry of `variables`, in order.
    """
    averages = optimizer._model_variables_moving_average
    return [averages[optimizer._get_variable_index(variable)] for variable in variables]


# `keras.callbacks.BackupAndRestore` keeps the epoch (and batch) it has backed
# up in this JSON file inside its `backup_dir`.
BACKUP_METADATA_FILE = "training_metadata.json"


def backup_epoch(backup_dir):
    """The epoch a `BackupAndRestore(backup_dir)` backup will resume at (0: none)."""
    path = os.path.join(backup_dir, BACKUP_METADATA_FILE)
    if not os.path.isfile(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epoch"])


def keras_version():
    """`(major, minor)` of the installed Keras."""
    major, minor = keras.version().split(".")[:2]
    return int(major), int(minor)
