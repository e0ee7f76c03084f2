"""FastGAN's self-supervised discriminator: two scales of scores, decoders
that reconstruct the real images from its own features, their error added to
the discriminator's loss on real images only; in a GAN, a `.keras` file and
the own-images job."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.networks._layers import RandomQuadrant

from conftest import SHARED
from conftest import run_command
from conftest import train_tiny_images


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def test_scores_two_scales_and_its_error_is_the_decoders_mean_squared_error():
    d = kg.networks.fastgan_discriminator((64, 64, 3), width=8, reconstruction_weight=2.0)
    # 64 -> 8x8 and 32 -> 8x8: 5x5 patch scores at each scale.
    assert d.output_shape == [(None, 50), (None,)]
    parts = keras.Model(
        d.input,
        [
            d.get_layer("decode_whole_image").output,
            d.get_layer("half_size").output,
            *d.get_layer("quadrant").output,
            d.get_layer("decode_part_image").output,
        ],
    )
    images = _images((3, 64, 64, 3))
    whole, half, _, image_part, part = (x.numpy() for x in parts(images))
    # The whole image at half size, and (in inference) the top-left quadrant.
    np.testing.assert_allclose(half, images.reshape(3, 32, 2, 32, 2, 3).mean((2, 4)), atol=1e-6)
    np.testing.assert_array_equal(image_part, images[:, :32, :32])
    expected = 2.0 * (
        ((whole - half) ** 2).mean((1, 2, 3)) + ((part - image_part) ** 2).mean((1, 2, 3))
    )
    np.testing.assert_allclose(d(images)[1].numpy(), expected, rtol=1e-5)


def test_sizes_and_bad_shapes():
    for shape, scores, decoded in (
        ((28, 28, 1), 32, (14, 14, 1)),  # 7x7 grids: 4x4 scores at each scale
        ((48, 80, 3), 306, (24, 40, 3)),
        ((128, 128, 3), 50, (64, 64, 3)),
    ):
        d = kg.networks.fastgan_discriminator(shape, width=4)
        assert d.output_shape[0] == (None, scores)
        assert d.get_layer("decode_part_image").output.shape[1:] == decoded
    with pytest.raises(ValueError, match="halves the image at least twice.*pick e.g. 16x16"):
        kg.networks.fastgan_discriminator((12, 12, 3))
    with pytest.raises(ValueError, match="reconstruction_weight"):
        kg.networks.fastgan_discriminator(reconstruction_weight=-1)


def test_random_quadrant_crops_the_same_quadrant_of_every_input():
    layer = RandomQuadrant(seed=0)
    images = _images((2, 8, 8, 3))
    features = np.repeat(np.repeat(images[:, ::2, ::2], 2, axis=1), 2, axis=2)[:, :, :, :2]
    quadrants = {
        (r, c): images[:, 4 * r : 4 * r + 4, 4 * c : 4 * c + 4] for r in (0, 1) for c in (0, 1)
    }
    seen = set()
    for _ in range(40):
        crop, crop_features = (x.numpy() for x in layer([images, features], training=True))
        (where,) = [k for k, q in quadrants.items() if np.array_equal(q, crop)]
        r, c = where
        np.testing.assert_array_equal(
            crop_features, features[:, 4 * r : 4 * r + 4, 4 * c : 4 * c + 4]
        )
        seen.add(where)
    assert seen == set(quadrants)
    np.testing.assert_array_equal(layer([images, features])[0], quadrants[0, 0])


def _twin_discriminators(weights):
    """Discriminators with the same weights and quadrant seed, differing in
    `reconstruction_weight` only."""
    models = [
        kg.networks.fastgan_discriminator((28, 28, 1), width=4, reconstruction_weight=w, seed=3)
        for w in weights
    ]
    for model in models[1:]:
        model.set_weights(models[0].get_weights())
    return models


def test_the_discriminator_loss_adds_the_error_of_the_real_images_only(real_batches):
    real, fake = real_batches[0][:8], _images((8, 28, 28, 1))
    generator = kg.networks.dcgan_generator(8, (28, 28, 1), width=4)
    *pair, on_real, on_fake = _twin_discriminators((0.0, 2.0, 1.0, 1.0))
    per_example = []
    for d in pair:
        gan = kg.GAN(generator, d, seed=0)
        gan.compile(
            g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam(), loss="hinge"
        )
        per_example.append(gan._discriminator_terms(real, fake)[0].numpy())
    # The same weights, and the same quadrant as the pair's: a first draw
    # from seed 3.
    on_real = on_real(real, training=True)[1].numpy()
    on_fake = on_fake(fake, training=True)[1].numpy()
    np.testing.assert_allclose(per_example[1] - per_example[0], 2.0 * on_real, rtol=1e-4)
    assert not np.allclose(on_real, on_fake, rtol=0.05)


def test_training_teaches_the_decoders_to_reconstruct_real_digits(real_batches, tmp_path):
    d = kg.networks.fastgan_discriminator((28, 28, 1), width=8, seed=0)
    gan = kg.GAN(kg.networks.fastgan_generator(16, (28, 28, 1), width=8), d, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss="hinge",
        augment="translation,color,cutout",
    )
    held_out = real_batches[-1]
    before = float(np.mean(d(held_out)[1]))
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(real_batches[:-1]).repeat(5), epochs=1, verbose=0
    )
    after = float(np.mean(d(held_out)[1]))
    assert 0 < history.history["d_reconstruction"][-1] < before
    # 35 steps: the decoders describe digits they were not trained on.
    assert after < 0.6 * before, (before, after)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    for found, expected in zip(loaded.discriminator(held_out[:4]), d(held_out[:4])):
        np.testing.assert_allclose(found, expected, atol=1e-5)


@pytest.mark.slow
def test_own_images_job_trains_the_fastgan_pair(tmp_path):
    photos = os.path.join(SHARED, "style", "photo2monet", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    summary = train_tiny_images(photos, tmp_path / "run", "--image_size=32", "--arch=fastgan")
    config = summary["config"]
    assert (config["arch"], config["loss"], config["width"]) == ("fastgan", "hinge", 8)
    assert np.isfinite(summary["history"]["d_loss"][-1])
    assert summary["history"]["d_reconstruction"][-1] > 0
    conditional = run_command(
        "train", "images", f"--data_dir={photos}", "--arch=fastgan", "--clusters=4"
    )
    assert conditional.returncode == 2 and "arch=fastgan has no conditional" in conditional.stderr
