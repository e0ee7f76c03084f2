import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import losses

from conftest import tiny_dcgan

LOSS_NAMES = ["minimax", "non_saturating", "least_squares", "wasserstein", "hinge", "relativistic"]


def _weights(model):
    return [w.numpy().copy() for w in model.trainable_weights]


def _changed(before, after):
    return any(not np.allclose(b, a) for b, a in zip(before, after))


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_every_loss_updates_both_networks_on_real_mnist(name, real_batches):
    gan = tiny_dcgan(seed=1)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss=name,
    )
    g_before, d_before = _weights(gan.generator), _weights(gan.discriminator)
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:3]), epochs=1, verbose=0)
    assert _changed(g_before, _weights(gan.generator))
    assert _changed(d_before, _weights(gan.discriminator))
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert np.isfinite(history.history[key][-1]), key
    assert int(gan.g_optimizer.iterations) == 3
    assert int(gan.d_optimizer.iterations) == 3


def test_loss_values_match_their_formulas():
    real = tf.constant([[2.0], [-1.0]])
    fake = tf.constant([[0.5], [-3.0]])

    def sp(x):
        return np.log1p(np.exp(x))  # softplus

    r, f = real.numpy()[:, 0], fake.numpy()[:, 0]
    np.testing.assert_allclose(
        losses.get("non_saturating").discriminator_loss(real, fake), sp(-r) + sp(f), rtol=1e-6
    )
    np.testing.assert_allclose(losses.get("non_saturating").generator_loss(fake), sp(-f), rtol=1e-6)
    # The saturating generator loss is log(1 - sigmoid(f)).
    np.testing.assert_allclose(
        losses.get("minimax").generator_loss(fake), np.log(1 - 1 / (1 + np.exp(-f))), rtol=1e-5
    )
    np.testing.assert_allclose(
        losses.get("least_squares").discriminator_loss(real, fake),
        0.5 * ((r - 1) ** 2 + f**2),
        rtol=1e-6,
    )
    np.testing.assert_allclose(losses.get("least_squares").generator_loss(fake), 0.5 * (f - 1) ** 2)
    np.testing.assert_allclose(losses.get("wasserstein").discriminator_loss(real, fake), f - r)
    np.testing.assert_allclose(
        losses.get("hinge").discriminator_loss(real, fake),
        np.maximum(0, 1 - r) + np.maximum(0, 1 + f),
    )
    np.testing.assert_allclose(losses.get("hinge").generator_loss(fake), -f)


def test_patch_outputs_are_averaged_per_example():
    patches = tf.reshape(tf.range(8, dtype="float32"), (2, 2, 2, 1))
    per_example = losses.get("wasserstein").generator_loss(patches)
    np.testing.assert_allclose(per_example, [-1.5, -5.5])


def test_gradient_penalty_of_a_linear_critic_is_exact():
    # D(x) = w . x has gradient w everywhere, so the penalty is (|w| - 1)^2.
    inputs = keras.Input((3,))
    critic = keras.Model(inputs, keras.layers.Dense(1, use_bias=False)(inputs))
    w = np.array([[3.0], [0.0], [4.0]], "float32")
    critic.layers[-1].set_weights([w])
    real = tf.random.normal((5, 3))
    fake = tf.random.normal((5, 3))
    penalty = losses.gradient_penalty(critic, real, fake, seed=0)
    np.testing.assert_allclose(penalty, np.full(5, (5.0 - 1.0) ** 2), rtol=1e-5)
    weighted = losses.WassersteinLoss(gradient_penalty_weight=2.0).penalty(critic, real, fake)
    np.testing.assert_allclose(weighted, np.full(5, 32.0), rtol=1e-5)
    assert losses.WassersteinLoss(gradient_penalty_weight=0).penalty(critic, real, fake) is None


def test_unknown_loss_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown GAN loss 'wgan'.*hinge.*least_squares"):
        losses.get("wgan")
    gan = kg.GAN(kg.networks.mlp_generator(8), kg.networks.mlp_discriminator())
    with pytest.raises(ValueError, match="Unknown GAN loss"):
        gan.compile(loss="cross_entropy")
    with pytest.raises(TypeError, match="loss name"):
        losses.get(3)


def test_relativistic_pairing_loss_compares_each_fake_with_a_real_image():
    loss = losses.get("rpgan", gamma=2.0)
    assert isinstance(loss, losses.RelativisticPairingLoss) and loss.relativistic
    real = tf.constant([[2.0], [-1.0]])
    fake = tf.constant([[0.5], [-3.0]])
    r, f = real.numpy()[:, 0], fake.numpy()[:, 0]
    np.testing.assert_allclose(
        loss.discriminator_loss(real, fake), np.log1p(np.exp(-(r - f))), rtol=1e-6
    )
    np.testing.assert_allclose(
        loss.generator_loss(fake, real), np.log1p(np.exp(-(f - r))), rtol=1e-6
    )
    with pytest.raises(ValueError, match="real_output"):
        loss.generator_loss(fake)
    # R1 + R2 on a linear critic D(x) = w . x: both gradients are w.
    w = tf.constant([[1.0], [-2.0], [0.5]])

    def critic(x, training=True):
        return tf.matmul(x, w)

    images = tf.random.normal((4, 3))
    penalty = loss.penalty(critic, images, images + 1.0).numpy()
    np.testing.assert_allclose(penalty, [2.0 / 2 * 2 * 5.25] * 4, rtol=1e-6)
    assert losses.RelativisticPairingLoss(gamma=0.0).penalty(critic, images, images) is None
    with pytest.raises(ValueError, match="gamma"):
        losses.RelativisticPairingLoss(gamma=-1.0)


def test_a_model_that_forgets_the_real_batch_is_told_for_a_relativistic_loss(real_batches):
    gan = tiny_dcgan(seed=1)
    gan.compile(g_optimizer="adam", d_optimizer="adam", loss="relativistic")
    fake = gan.generator(tf.random.normal((4, gan.latent_dim)))
    with pytest.raises(ValueError, match="real="):
        gan.adversarial_generator_loss(fake)
    assert np.isfinite(float(gan.adversarial_generator_loss(fake, real=real_batches[0][:4])))


def test_aliases_and_objects():
    assert isinstance(losses.get("lsgan"), losses.LeastSquaresLoss)
    assert isinstance(losses.get("BCE"), losses.NonSaturatingLoss)
    custom = losses.WassersteinLoss(gradient_penalty_weight=5)
    assert losses.get(custom) is custom
    with pytest.raises(ValueError, match="gradient_penalty_weight"):
        losses.WassersteinLoss(gradient_penalty_weight=-1)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_serialization_round_trip(name):
    loss = losses.get(name)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()
