"""CycleGAN: the Keras contract, its losses and the history pool, on the real
photos and paintings (`train style --model=cycle_gan` end to end, killed and
resumed: resume_style_vocoder_test)."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models.cycle_gan import ImagePool

from conftest import SHARED
from model_harness import run_model_test

STYLE = os.path.join(SHARED, "style", "photo2monet")


@pytest.fixture(scope="module")
def batch():
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photo2monet images are not available")
    photos, paintings = next(
        iter(
            kg.data.unpaired_images(
                os.path.join(STYLE, "trainA"),
                os.path.join(STYLE, "trainB"),
                image_size=32,
                batch_size=2,
                seed=0,
            )
        )
    )
    return photos.numpy(), paintings.numpy()


def networks(suffix=""):
    return (
        kg.networks.style_generator(filters=8, residual_blocks=1, name=f"g{suffix}"),
        kg.networks.patchgan_discriminator(filters=(8, 16), name=f"d{suffix}"),
    )


@pytest.mark.slow
def test_cycle_gan_keras_contract(batch, tmp_path):
    forward, reverse = networks(), networks("_reverse")
    run_model_test(
        kg.CycleGAN,
        dict(
            generator=forward[0],
            discriminator=forward[1],
            reverse_generator=reverse[0],
            reverse_discriminator=reverse[1],
            cycle_weight=5.0,
            identity_weight=1.0,
            pool_size=0,  # the harness compares resumed runs: a pool is a cache, not saved
            seed=1,
        ),
        batch,
        tmp_path,
    )


def identity_generator(name):
    images = keras.Input((None, None, 3))
    return keras.Model(images, keras.layers.Identity()(images), name=name)


def test_cycle_and_identity_losses_vanish_for_identity_generators(batch):
    gan = kg.CycleGAN(
        identity_generator("g"), networks()[1], identity_generator("f"), networks("_reverse")[1]
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    terms = gan.generator_terms(gan.unpack_batch(tuple(map(tf.constant, batch))), training=False)
    assert float(terms["cycle_loss"]) == 0.0 and float(terms["identity_loss"]) == 0.0
    assert float(terms["adv_loss"]) > 0.0
    # A generator that changes the image breaks the cycle.
    gan = kg.CycleGAN(*networks(), identity_generator("f"), networks("_reverse")[1])
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    terms = gan.generator_terms(gan.unpack_batch(tuple(map(tf.constant, batch))), training=False)
    assert float(terms["cycle_loss"]) > 0.01


@pytest.mark.slow
def test_training_steps_update_all_four_networks(batch):
    gan = kg.CycleGAN(*networks(), *networks("_reverse"), pool_size=3, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    models = [gan.generator, gan.discriminator, gan.reverse_generator, gan.reverse_discriminator]
    before = [[w.numpy().copy() for w in m.weights] for m in models]
    history = gan.fit(tf.data.Dataset.from_tensors(batch).repeat(3), verbose=0).history
    assert set(history) >= {"adv_loss", "cycle_loss", "identity_loss", "d_loss"}
    for model, weights in zip(models, before):
        assert any(not np.array_equal(a, b.numpy()) for a, b in zip(weights, model.weights))
    # The pool holds the generated images of the last steps (3 of them).
    assert int(gan._pools.b.state.count) == 3


def test_image_pool_returns_older_images_once_full():
    pool = ImagePool(50, seed=0)
    pool.build((2, 2, 1), "float32")
    first = pool.query(tf.zeros([50, 2, 2, 1]))
    np.testing.assert_array_equal(first, 0.0)  # filling: the images themselves
    shown = np.concatenate([pool.query(tf.ones([4, 2, 2, 1])).numpy() for _ in range(10)])
    older = (shown == 0).all(axis=(1, 2, 3)).mean()
    # About half come from the history, which the new images replace.
    assert 0.2 < older < 0.7, older
    assert 0 < (pool.state.images.numpy() == 1).all(axis=(1, 2, 3)).sum() < 50
