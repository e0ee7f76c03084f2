"""How keras_gans objects are registered with Keras saving and written to disk."""

import hashlib

import keras

from keras_gans.utils import files

PACKAGE = "keras_gans"


def sha256_of(path):
    """The SHA-256 of a file's bytes, as hex: how weights files are named and checked."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def register_serializable(cls):
    """Registers `cls` with Keras saving as `keras_gans>ClassName`.

    `.keras` files name classes by this key, so a class keeps it for good:
    renaming the package string would orphan every file saved before.
    """
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)


class SavesSeedState:
    """Mixin: a layer's `seed_generator` state goes into `.keras` files too.

    Keras saves a layer's own variables but not the state of its seed
    generators; without this a loaded layer would replay the random draws
    of step 0, and resumed training would differ from uninterrupted
    training. The state is stored under `seed_state_key` beside the layer's
    variables.
    """

    seed_state_key = "seed_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self.seed_state_key] = self.seed_generator.state

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self.seed_state_key in keys:
            self.seed_generator.state.assign(store[self.seed_state_key])
        super().load_own_variables({k: store[k] for k in keys if k != self.seed_state_key})


def save_atomically(model, path):
    """Saves `model` to `path` through a uniquely named temporary file.

    A crash mid-save never leaves a truncated `.keras` file in place of a
    good one, and two runs saving at once never share a temporary file.

    Returns:
        `path`.
    """
    with files.atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)
    return path
