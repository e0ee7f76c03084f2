"""MirroredStrategy on two logical CPU devices (set up in conftest.py)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import distribute

LOSSES = ["minimax", "non_saturating", "least_squares", "wasserstein", "hinge", "relativistic"]


def train(strategy, loss, batches, d_steps=1, seed=1):
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = kg.GAN(
            kg.networks.mlp_generator(16, hidden_units=(32,)),
            kg.networks.mlp_discriminator(hidden_units=(32,)),
            seed=seed,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(1e-2),
            d_optimizer=keras.optimizers.Adam(1e-2),
            loss=loss,
            d_steps=d_steps,
        )
    history = gan.fit(tf.data.Dataset.from_tensor_slices(batches), epochs=1, verbose=0)
    weights = {w.path: w.numpy() for w in gan.generator.weights + gan.discriminator.weights}
    return weights, history.history


@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSSES)
def test_one_and_two_replicas_compute_the_same_step(loss, real_batches):
    batches = real_batches[:3]  # global batch 32: 16 per replica
    one, h1 = train(tf.distribute.get_strategy(), loss, batches)
    two, h2 = train(distribute.get_strategy("mirrored"), loss, batches)
    assert distribute.get_strategy("mirrored").num_replicas_in_sync == 2
    for path in one:
        np.testing.assert_allclose(two[path], one[path], atol=2e-5, err_msg=path)
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-4, atol=1e-5, err_msg=key)
    # The step really moved the weights (the comparison is not between inits).
    _, h_other = train(tf.distribute.get_strategy(), loss, batches, seed=2)
    assert not np.allclose(h_other["g_loss"], h1["g_loss"])


@pytest.mark.slow
def test_gradient_penalty_with_several_critic_steps(real_batches):
    one, _ = train(tf.distribute.get_strategy(), "wasserstein", real_batches[:2], d_steps=3)
    two, _ = train(distribute.get_strategy("mirrored"), "wasserstein", real_batches[:2], d_steps=3)
    for path in one:
        np.testing.assert_allclose(two[path], one[path], atol=2e-5, err_msg=path)


def test_replicas_draw_different_noise_from_one_seed():
    strategy = distribute.get_strategy("mirrored")
    with strategy.scope():
        gan = kg.GAN(kg.networks.mlp_generator(8), kg.networks.mlp_discriminator(), seed=3)
    per_replica = strategy.run(tf.function(lambda: gan.sample_noise(4)))
    first, second = (t.numpy() for t in strategy.experimental_local_results(per_replica))
    assert first.shape == (4, 8) and not np.allclose(first, second)
    # Together they are the noise one device draws for the global batch.
    single = kg.GAN(kg.networks.mlp_generator(8), kg.networks.mlp_discriminator(), seed=3)
    np.testing.assert_allclose(np.concatenate([first, second]), single.sample_noise(8), atol=1e-6)


def test_strategy_selection(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert isinstance(distribute.get_strategy("one_device"), tf.distribute.OneDeviceStrategy)
    assert distribute.get_strategy("auto").num_replicas_in_sync == 1
    assert distribute.get_strategy("auto", num_cpu_replicas=2).num_replicas_in_sync == 2
    assert distribute.is_chief()
    with pytest.raises(ValueError, match="TF_CONFIG"):
        distribute.get_strategy("multi_worker")
    with pytest.raises(ValueError, match="one_device"):
        distribute.get_strategy("horovod")
    with pytest.raises(RuntimeError, match="before creating any model"):
        distribute.configure_cpu_replicas(3)


@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSSES)
def test_xla_step_is_finite_for_every_loss_and_reproducible(loss, real_batches):
    def run():
        keras.utils.set_random_seed(0)
        # An MLP pair: the loss is under test, and XLA compiles it in a
        # fraction of a DCGAN's time (convolutions under XLA: stabilizers_test).
        gan = kg.GAN(
            kg.networks.mlp_generator(16, hidden_units=(32,)),
            kg.networks.mlp_discriminator(hidden_units=(32,)),
            seed=0,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(1e-3),
            d_optimizer=keras.optimizers.Adam(1e-3),
            loss=loss,
            jit_compile=True,
        )
        history = gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:2]), epochs=1, verbose=0)
        return history.history, gan.generator.get_weights()

    h1, w1 = run()
    assert all(np.isfinite(v[0]) for v in h1.values())
    if loss == LOSSES[0]:  # reproducible: the seeds, not the loss, decide it
        _, w2 = run()
        for a, b in zip(w1, w2):
            np.testing.assert_array_equal(a, b)


def recipe_args(tmp_path, mnist_dir, **extra):
    return dict(
        arch="mlp",
        epochs=1,
        steps_per_epoch=4,
        batch_size=8,
        g_hidden=(32,),
        d_hidden=(32,),
        latent_dim=16,
        data_dir=mnist_dir,
        output_dir=str(tmp_path / "run"),
        export_dir=str(tmp_path / "export"),
        evaluate_every=0,
        tflite=False,
        verbose=0,
        **extra,
    )


@pytest.mark.slow
def test_mnist_recipe_on_two_replicas(tmp_path, mnist_dir):
    from keras_gans.jobs import mnist

    result = mnist.train(**recipe_args(tmp_path, mnist_dir, strategy="mirrored"))
    assert result.gan.distribute_strategy.num_replicas_in_sync == 2
    # The MLP recipe's XLA and 100 steps per call cannot run on CPU replicas.
    assert result.config.jit_compile == "false"
    assert result.config.steps_per_execution == 1
    assert int(result.gan.g_optimizer.iterations.numpy()) == 4
    assert (tmp_path / "export" / "mnist_mlp" / "1" / "saved_model.pb").is_file()
    with pytest.raises(ValueError, match="several replicas on CPU devices"):
        mnist.train(**recipe_args(tmp_path, mnist_dir, strategy="mirrored", jit_compile="true"))
    with pytest.raises(ValueError, match="keras-team/keras#19246"):
        mnist.train(**recipe_args(tmp_path, mnist_dir, strategy="mirrored", steps_per_execution=2))


def train_stabilized(strategy, batches, spectral_norm=False, augment=None):
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = kg.GAN(
            kg.networks.mlp_generator(16, hidden_units=(32,)),
            kg.networks.mlp_discriminator(hidden_units=(32,), spectral_norm=spectral_norm),
            seed=1,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.5),
            d_optimizer=keras.optimizers.Adam(1e-2),
            r1_weight=1.0,
            augment=augment,
            loss=kg.losses.NonSaturatingLoss(label_smoothing=0.1),
        )
    history = gan.fit(tf.data.Dataset.from_tensor_slices(batches), epochs=1, verbose=0)
    z = np.random.default_rng(0).standard_normal((4, 16)).astype("float32")
    return gan.generate(z=z), history.history


def test_ema_r1_and_label_smoothing_on_two_replicas(real_batches):
    one, h1 = train_stabilized(tf.distribute.get_strategy(), real_batches[:3])
    two, h2 = train_stabilized(distribute.get_strategy("mirrored"), real_batches[:3])
    np.testing.assert_allclose(two, one, atol=1e-4)
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-4, atol=1e-5, err_msg=key)


@pytest.mark.slow
def test_spectral_norm_and_diff_augment_on_two_replicas(real_batches):
    images, history = train_stabilized(
        distribute.get_strategy("mirrored"),
        real_batches[:3],
        spectral_norm=True,
        augment="translation,cutout,color",
    )
    assert np.all(np.isfinite(images)) and np.isfinite(history["d_loss"][-1])
