"""The small-data pair: FastGAN's generator (skip-layer excitation) and the
Projected GAN discriminator (frozen ImageNet features, random frozen mixing,
trainable per-scale discriminators); in a GAN, a `.keras` file and the
own-images job."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.networks import efficientnet_lite
from keras_gans.networks import projected

from conftest import SHARED
from conftest import imagenet_weights_or_skip
from conftest import run_command
from conftest import train_tiny_images


def test_fastgan_generator_gates_fine_stages_with_coarse_ones(tmp_path):
    g = kg.networks.fastgan_generator(16, (64, 64, 3), width=8)
    assert g.output_shape == (None, 64, 64, 3)
    # 4x4 gates 32x32 and 8x8 gates 64x64: three halvings apart.
    assert g.get_layer("sle3").output.shape[1] == 32 and g.get_layer("sle4").output.shape[1] == 64
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    images = g(z).numpy()
    assert images.min() >= -1.0 and images.max() <= 1.0
    g.save(tmp_path / "g.keras")
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "g.keras")(z), images, atol=1e-6)
    assert kg.networks.fastgan_generator(8, (48, 80, 1), width=4).output_shape == (None, 48, 80, 1)
    with pytest.raises(ValueError, match="halve"):
        kg.networks.fastgan_generator(8, (6, 6, 3))


def test_only_the_small_discriminators_train():
    d = kg.networks.projected_discriminator((32, 32, 3), weights=None, width=8)
    assert d.output_shape == (None, 4)  # one score per scale
    trainable = {w.path.split("/")[0] for w in d.trainable_weights}
    assert trainable and all(name.startswith("d") for name in trainable), trainable
    frozen = {w.path.split("/")[0] for w in d.non_trainable_weights}
    assert {"ccm0", "csm3"} <= frozen and any("block" in n or "stem" in n for n in frozen)


def test_bad_arguments_name_the_fix():
    with pytest.raises(ValueError, match="feature_size"):
        kg.networks.projected_discriminator((32, 32, 3), feature_size=100, weights=None)
    with pytest.raises(ValueError, match="weights"):
        kg.networks.projected_discriminator((32, 32, 3), weights="random")
    with pytest.raises(ValueError, match="grey or RGB"):
        kg.networks.projected_discriminator((32, 32, 4), weights=None)


@pytest.mark.slow
def test_a_step_moves_the_discriminators_and_leaves_the_features_alone(real_batches, tmp_path):
    imagenet_weights_or_skip()
    d = kg.networks.projected_discriminator((28, 28, 1), width=8, projection_width=8)
    reference = efficientnet_lite.efficientnet_lite0((128, 128, 3), include_top=False)
    efficientnet_lite.load_imagenet_weights(reference)
    folded = efficientnet_lite.efficientnet_lite0((128, 128, 3), include_top=False, folded=True)
    efficientnet_lite.fold_batch_normalization(reference, folded)
    trunk = d.get_layer("features")
    # The frozen trunk holds the ImageNet weights, its batch normalizations
    # folded into the convolutions.
    for name in ("stem_conv", "block4_dw_conv", "block15_project_conv"):
        for found, expected in zip(
            trunk.get_layer(name).get_weights(), folded.get_layer(name).get_weights()
        ):
            np.testing.assert_array_equal(found, expected)
    gan = kg.GAN(kg.networks.dcgan_generator(16, (28, 28, 1), width=8), d, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="hinge",
        augment="translation,color,cutout",
    )
    # The feature network and the random projections (spectral normalization's
    # power-iteration vectors are non-trainable too, and do move).
    fixed = [w for w in d.non_trainable_weights if not w.path.startswith("d")]
    assert len(fixed) > 100  # the folded trunk: a kernel and a bias per convolution
    frozen = [w.numpy().copy() for w in fixed]
    trained = [w.numpy().copy() for w in d.trainable_weights]
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:2]), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    # The features do not drift.
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(frozen, fixed))
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(trained, d.trainable_weights))
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    images = real_batches[0][:4]
    np.testing.assert_allclose(loaded.discriminator(images), d(images), atol=1e-5)


@pytest.mark.slow
def test_own_images_job_trains_with_the_projected_discriminator(tmp_path):
    imagenet_weights_or_skip()
    photos = os.path.join(SHARED, "style", "photo2monet", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    # No --arch: a small colour folder gets the projected pair by default,
    # with the hinge loss; the width the user gave is kept.
    summary = train_tiny_images(photos, tmp_path / "run", "--image_size=32")
    config = summary["config"]
    assert (config["arch"], config["loss"], config["width"]) == ("projected", "hinge", 8)
    assert config["augment"] == "translation,color,cutout" and config["flip"] is True
    conditional = run_command(
        "train", "images", f"--data_dir={photos}", "--arch=projected", "--clusters=4"
    )
    assert conditional.returncode == 2 and "arch=dcgan" in conditional.stderr
    assert projected.FEATURE_TAPS[-1] == "block15_output"


@pytest.mark.slow
def test_fastgan_export_runs_in_litert(tmp_path):
    # The default generator of small colour folders ships to LiteRT like the
    # others (its nearest upsampling once lost the shape the converter needs).
    g = kg.networks.fastgan_generator(8, (64, 64, 3), width=8)
    path, (lite_path,) = kg.export.export_generator(
        g, str(tmp_path), "fastgan", tflite_files=("float32",)
    )
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    served = tf.saved_model.load(path).signatures["serving_default"](z=tf.constant(z))["images"]
    lite = kg.export.tflite_runner(lite_path)(z=z)["images"]
    assert lite.shape == (3, 64, 64, 3)
    assert np.abs(lite.astype(int) - served.numpy().astype(int)).max() <= 1
