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
    gan = kg.GAN(kg.networks.mlp_generator(8), kg.networks.mlp_discriminator(), seed=0)
    # A learning rate this large drives the weights to inf within a few steps.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(1e30),
        d_optimizer=keras.optimizers.SGD(1e30),
        loss="wasserstein",
    )
    with pytest.raises(kg.callbacks.NonFiniteLossError, match="diverged.*nothing was exported"):
        gan.fit(
            tf.data.Dataset.from_tensor_slices(real_batches).repeat(),
            steps_per_epoch=50,
            epochs=1,
            verbose=0,
            callbacks=[kg.callbacks.StopOnNonFiniteLoss()],
        )


def read_png(path):
    return tf.io.decode_png(tf.io.read_file(str(path))).numpy()


def test_sample_grid_writes_the_generators_images(tmp_path, real_batches):
    gan = kg.GAN(kg.networks.mlp_generator(8), kg.networks.mlp_discriminator(), seed=0)
    gan.compile()
    noise = kg.callbacks.fixed_noise(16, 8)
    cb = kg.callbacks.SampleGrid(str(tmp_path), noise=noise, rows=4)
    gan.fit(
        tf.data.Dataset.from_tensor_slices(real_batches[:2]), epochs=2, verbose=0, callbacks=[cb]
    )
    assert [p.split("/")[-1] for p in cb.paths] == [
        "samples_epoch_001.png",
        "samples_epoch_002.png",
    ]
    np.testing.assert_array_equal(
        kg.callbacks.fixed_noise(4, 8, seed=3), kg.callbacks.fixed_noise(4, 8, seed=3)
    )
    # The file holds the final generator's 4x4 grid at 3 pixels per pixel
    # (plus the title band), not just any PNG.
    expected = kg.plotting.image_grid(gan.generate(z=noise), rows=4)
    png = read_png(cb.paths[-1])
    assert png.shape[1] == expected.shape[1] * 3
    bottom = png[-expected.shape[0] * 3 :, :, 0][::3, ::3]
    assert np.abs(bottom.astype(int) - expected[..., 0].astype(int)).max() <= 1


def test_plotting_makes_figures_without_pyplot_state(tmp_path):
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    figures = plt.get_fignums()
    kg.plotting.save_image_grid(np.zeros((4, 8, 8, 1)), str(tmp_path / "g.png"))
    kg.plotting.plot_loss_curves({"d_loss": [1.0, 0.5]}, str(tmp_path / "c.png"))
    assert plt.get_fignums() == figures and matplotlib.get_backend() == backend


@pytest.mark.slow
def test_importing_keras_gans_keeps_the_users_matplotlib_backend():
    from conftest import run_python

    code = "import matplotlib; matplotlib.use('svg'); import keras_gans; "
    result = run_python("-c", code + "print(matplotlib.get_backend())")
    assert result.stdout.strip().splitlines()[-1] == "svg", result.stderr[-2000:]


def test_image_grid_layout():
    images = np.stack([np.full((4, 5, 1), i * 20, np.uint8) for i in range(6)])
    grid = kg.plotting.image_grid(images, rows=2, cols=3, padding=1)
    assert grid.shape == (2 * 5 + 1, 3 * 6 + 1, 1)
    assert grid[1, 1, 0] == 0 and grid[1 + 5, 1 + 6 * 2, 0] == 100
    with pytest.raises(ValueError, match="shape"):
        kg.plotting.image_grid(np.zeros((2, 2)))
    floats = kg.plotting.to_display_uint8(np.array([[[-1.0, 0.0, 1.0]]]))
    np.testing.assert_array_equal(floats[..., 0], [[[0, 128, 255]]])


def test_loss_curves_plot_the_given_values(tmp_path):
    history = {"step": [1, 2, 3], "d_loss": [1, 0.9, 0.8], "g_loss": [0.7, 0.8, 0.9]}
    fig = kg.plotting.loss_curves_figure(history, title="t")
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["d_loss", "g_loss"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0.7, 0.8, 0.9])
    assert ax.get_xlabel() == "training step"
    path = kg.plotting.plot_loss_curves(history, str(tmp_path / "c.png"))
    png = read_png(path)
    assert png.shape[:2] == (350, 600) and png.std() > 10
