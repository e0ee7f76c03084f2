"""How keras_gans objects are registered with Keras saving and written to disk."""

import os

import keras

PACKAGE = "keras_gans"


def register_serializable(cls):
    """Registers `cls` with Keras saving as `keras_gans>ClassName`.

    `.keras` files name classes by this key, so a class keeps it for good:
    renaming the package string would orphan every file saved before.
    """
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)


def save_atomically(model, path):
    """Saves `model` to `path` through a temporary file.

    A crash mid-save never leaves a truncated `.keras` file in place of a
    good one.

    Returns:
        `path`.
    """
    tmp = f"{path}.tmp.keras"
    model.save(tmp)
    os.replace(tmp, path)
    return path
