"""Adaptive discriminator augmentation: the controller, training, saving, resuming."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import tiny_dcgan


def test_the_controller_raises_p_when_d_overfits_and_lowers_it_otherwise():
    ada = kg.augment.AdaptiveAugment(target=0.6, interval=2, speed_images=100)
    confident = tf.fill([10, 1], 3.0)  # sign(D(real)) = 1 > 0.6
    for _ in range(4):
        ada.observe(confident)
    # Two adjustments of 20 images each: p = 2 * 20 / 100.
    assert float(ada.probability) == pytest.approx(0.4)
    unsure = tf.constant([[1.0]] * 5 + [[-1.0]] * 5)  # r_t = 0 < 0.6
    ada.observe(unsure)
    assert float(ada.probability) == pytest.approx(0.4)  # between adjustments
    ada.observe(unsure)
    assert float(ada.probability) == pytest.approx(0.2)
    for _ in range(20):
        ada.observe(unsure)
    assert float(ada.probability) == 0.0  # clipped


def test_p_gates_the_augmentations_per_image():
    images = tf.random.stateless_uniform([64, 16, 16, 3], seed=[1, 2], minval=-1, maxval=1)
    ada = kg.augment.AdaptiveAugment("cutout", initial_probability=0.0, seed=0)
    np.testing.assert_array_equal(ada(images, training=True), images)
    ada.probability.assign(0.5)
    changed = np.any(ada(images, training=True).numpy() != images.numpy(), axis=(1, 2, 3))
    assert 16 < changed.sum() < 48
    ada.probability.assign(1.0)
    assert np.all(np.any(ada(images, training=True).numpy() != images.numpy(), axis=(1, 2, 3)))
    np.testing.assert_array_equal(ada(images, training=False), images)


def compiled(augment="ada"):
    gan = tiny_dcgan(seed=0)
    gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4), augment=augment)
    return gan


@pytest.mark.slow
def test_training_logs_p_and_keras_files_keep_it(real_batches, tmp_path):
    gan = compiled(kg.augment.AdaptiveAugment(interval=1, speed_images=64))
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:4]), epochs=1, verbose=0)
    assert "augment_p" in history.history
    assert float(gan.augment.probability) == pytest.approx(history.history["augment_p"][-1])
    steps = kg.callbacks.LossHistory(every_n_steps=2, levels=("augment_p",))
    gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:4]), callbacks=[steps], verbose=0)
    # Recorded as the value at each window's end, not as a running mean.
    assert steps.history["augment_p"][-1] == pytest.approx(float(gan.augment.probability))
    figure = kg.plotting.loss_curves_figure(steps.history, right_keys=("augment_p",))
    twin = figure.axes[1]
    np.testing.assert_allclose(twin.get_lines()[0].get_ydata(), steps.history["augment_p"])
    assert twin.get_ylim() == (0, 1)
    # A run without ADA records NaN levels: no right-hand axis for them.
    unused = {**steps.history, "augment_p": [float("nan")] * len(steps.history["step"])}
    assert len(kg.plotting.loss_curves_figure(unused, right_keys=("augment_p",)).axes) == 1
    gan.augment.probability.assign(0.37)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.augment, kg.augment.AdaptiveAugment)
    assert float(loaded.augment.probability) == pytest.approx(0.37)
    assert loaded.augment.speed_images == 64


@pytest.mark.slow
def test_a_resumed_run_goes_on_from_its_p(real_batches, tmp_path):
    backup = str(tmp_path / "backup")
    data = tf.data.Dataset.from_tensor_slices(real_batches[:2])

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.augment.probability.assign(0.25)  # what training reached
            if epoch == 2:
                raise RuntimeError("killed")

    first = compiled()
    with pytest.raises(RuntimeError, match="killed"):
        first.fit(
            data,
            epochs=4,
            verbose=0,
            callbacks=[Interrupt(), keras.callbacks.BackupAndRestore(backup)],
        )

    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append((epoch, float(self.model.augment.probability)))

    resumed = compiled()
    resumed.fit(
        data, epochs=3, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup), Record()]
    )
    # The backup of epoch 2 (index 1) holds p = 0.25, not the initial 0.
    assert seen[0][0] == 2 and seen[0][1] == pytest.approx(0.25, abs=0.05)


def test_ada_by_name():
    assert isinstance(kg.augment.get("ada"), kg.augment.AdaptiveAugment)
    assert kg.augment.get("ada:translation,cutout").policy == ("translation", "cutout")
    assert kg.augment.get("none") is None
    with pytest.raises(ValueError, match="target"):
        kg.augment.AdaptiveAugment(target=1.5)
