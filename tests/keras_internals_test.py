"""Each use of private Keras API (`keras_gans.utils.keras_internals`) checked against the
installed Keras, so an upgrade that changes one fails here, by name."""

import configparser
import inspect
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans.utils import keras_internals

from conftest import REPO


def test_installed_keras_is_within_the_tested_range():
    config = configparser.ConfigParser()
    config.read(os.path.join(REPO, "setup.cfg"))
    requirement = next(
        line.strip()
        for line in config["options"]["install_requires"].splitlines()
        if line.strip().startswith("keras")
    )
    assert "<3.16" in requirement, requirement
    assert (3, 5) <= keras_internals.keras_version() < (3, 16)


def test_fit_calls_the_symbolic_build_hook_that_we_skip():
    hook = getattr(keras.Model, keras_internals.SYMBOLIC_BUILD_HOOK)
    assert list(inspect.signature(hook).parameters) == ["self", "iterator", "data_batch"]
    calls = []

    class Recorder(keras_internals.SkipsSymbolicBuild, keras.Model):
        def _maybe_symbolic_build(self, iterator=None, data_batch=None):
            calls.append((self.built, self.compiled))
            return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    inputs = keras.Input((2,))
    model = Recorder(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)
    assert calls and calls[0] == (True, True)


def test_ema_variables_are_the_optimizers_moving_averages():
    weights = [keras.Variable(np.ones((2, 3), "float32")), keras.Variable(np.zeros(4, "float32"))]
    optimizer = keras.optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
    optimizer.build(weights)
    averages = keras_internals.ema_variables(optimizer, weights)
    assert [a.shape for a in averages] == [w.shape for w in weights]
    for _ in range(2):
        optimizer.apply_gradients([(tf.ones((2, 3)), weights[0]), (tf.ones(4), weights[1])])
    # Keras copies the weights at the first step, then averages:
    # average = 0.5 * previous average + 0.5 * new weight.
    np.testing.assert_allclose(averages[0].numpy(), np.full((2, 3), 0.5 * 0 + 0.5 * -1))
    np.testing.assert_allclose(averages[1].numpy(), np.full(4, 0.5 * -1 + 0.5 * -2))


def test_backup_epoch_is_where_backup_and_restore_resumes(tmp_path):
    backup_dir = str(tmp_path / "backup")
    assert keras_internals.backup_epoch(backup_dir) == 0

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("interrupted")

    class FirstEpoch(keras.callbacks.Callback):
        first = None

        def on_epoch_begin(self, epoch, logs=None):
            if FirstEpoch.first is None:
                FirstEpoch.first = epoch

    def model():
        m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        m.compile(optimizer="sgd", loss="mse")
        return m

    x, y = np.ones((8, 2)), np.ones((8, 1))
    try:
        model().fit(
            x,
            y,
            epochs=4,
            verbose=0,
            callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Interrupt()],
        )
    except RuntimeError:
        pass
    resumes_at = keras_internals.backup_epoch(backup_dir)
    model().fit(
        x,
        y,
        epochs=4,
        verbose=0,
        callbacks=[keras.callbacks.BackupAndRestore(backup_dir), FirstEpoch()],
    )
    assert resumes_at == FirstEpoch.first == 2
