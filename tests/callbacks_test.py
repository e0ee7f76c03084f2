import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def test_loss_history_recovers_window_means():
    cb = kg.callbacks.LossHistory(keys=("g_loss",), every_n_steps=2)
    values = [1.0, 3.0, 5.0, 7.0, 2.0, 4.0]
    for epoch, chunk in enumerate((values[:4], values[4:])):
        cb.on_epoch_begin(epoch)
        for i in range(len(chunk)):
            running_mean = float(np.mean(chunk[: i + 1]))  # what Keras logs
            cb.on_train_batch_end(i, {"g_loss": running_mean})
        cb.on_epoch_end(epoch)
    assert cb.history["step"] == [2, 4, 6]
    np.testing.assert_allclose(cb.history["g_loss"], [2.0, 6.0, 3.0])


def test_stop_on_non_finite_loss_raises_clearly(real_batches):
    gan = kg.GAN(kg.models.mlp_generator(8), kg.models.mlp_discriminator(), seed=0)
    # A learning rate this large drives the weights to inf within a few steps.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(1e30), d_optimizer=keras.optimizers.SGD(1e30),
        loss="wasserstein",
    )
    with pytest.raises(kg.callbacks.NonFiniteLossError, match="diverged.*nothing was exported"):
        gan.fit(
            tf.data.Dataset.from_tensor_slices(real_batches).repeat(), steps_per_epoch=50,
            epochs=1, verbose=0, callbacks=[kg.callbacks.StopOnNonFiniteLoss()],
        )


def test_sample_grid_writes_pngs(tmp_path, real_batches):
    gan = kg.GAN(kg.models.mlp_generator(8), kg.models.mlp_discriminator(), seed=0)
    gan.compile()
    cb = kg.callbacks.SampleGrid(str(tmp_path), noise=kg.callbacks.fixed_noise(16, 8), rows=4)
    gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:2]), epochs=2, verbose=0, callbacks=[cb])
    assert [p.split("/")[-1] for p in cb.paths] == ["samples_epoch_001.png", "samples_epoch_002.png"]
    np.testing.assert_array_equal(kg.callbacks.fixed_noise(4, 8, seed=3), kg.callbacks.fixed_noise(4, 8, seed=3))


def test_image_grid_layout():
    images = np.stack([np.full((4, 5, 1), i * 20, np.uint8) for i in range(6)])
    grid = kg.plotting.image_grid(images, rows=2, cols=3, padding=1)
    assert grid.shape == (2 * 5 + 1, 3 * 6 + 1, 1)
    assert grid[1, 1, 0] == 0 and grid[1 + 5, 1 + 6 * 2, 0] == 100
    with pytest.raises(ValueError, match="shape"):
        kg.plotting.image_grid(np.zeros((2, 2)))
    floats = kg.plotting.to_display_uint8(np.array([[[-1.0, 0.0, 1.0]]]))
    np.testing.assert_array_equal(floats[..., 0], [[[0, 128, 255]]])


def test_loss_curves_png(tmp_path):
    path = kg.plotting.plot_loss_curves({"step": [1, 2, 3], "d_loss": [1, 0.9, 0.8], "g_loss": [0.7, 0.8, 0.9]}, str(tmp_path / "c.png"))
    with open(path, "rb") as f:
        assert f.read(4) == b"\x89PNG"
