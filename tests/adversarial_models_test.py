"""The shared Keras-contract test (`model_harness.run_model_test`) for every
adversarial model class, on real data."""

import os

import numpy as np
import pytest

import keras_gans as kg

from conftest import SHARED
from model_harness import run_model_test


def test_gan(real_batches, tmp_path):
    run_model_test(
        kg.GAN,
        dict(
            generator=kg.networks.dcgan_generator(16, filters=(16, 8)),
            discriminator=kg.networks.dcgan_discriminator(filters=(8, 16)),
            seed=1,
        ),
        real_batches[0],
        tmp_path,
        compile_kwargs=dict(r1_weight=0.5, augment="translation"),
    )


def test_conditional_gan(mnist_dir, tmp_path):
    images, labels = next(
        iter(kg.data.mnist("train", batch_size=16, data_dir=mnist_dir, seed=0, with_labels=True))
    )
    run_model_test(
        kg.ConditionalGAN,
        dict(
            generator=kg.networks.conditional_dcgan_generator(16, 10, filters=(16, 8)),
            discriminator=kg.networks.conditional_dcgan_discriminator(10, filters=(8, 16)),
            num_classes=10,
            seed=1,
        ),
        (images.numpy(), labels.numpy()),
        tmp_path,
        # One generator pass per step: the `.keras` file must keep it, or
        # training from the file draws other noise and the harness fails.
        compile_kwargs=dict(loss="hinge", reuse_fakes=True),
    )


@pytest.mark.slow
def test_style_transfer_gan(tmp_path):
    folder = os.path.join(SHARED, "style", "photo2monet")
    if not os.path.isdir(folder):
        pytest.skip("the shared photo2monet images are not available")
    content, style = next(
        iter(
            kg.data.unpaired_images(
                os.path.join(folder, "trainA"),
                os.path.join(folder, "trainB"),
                image_size=32,
                batch_size=2,
                seed=0,
            )
        )
    )
    run_model_test(
        kg.StyleTransferGAN,
        dict(
            generator=kg.networks.style_generator(filters=8, residual_blocks=1),
            discriminator=kg.networks.patchgan_discriminator(filters=(8, 16)),
            identity_weight=0.5,
            tv_weight=0.1,
            seed=1,
        ),
        (content.numpy(), style.numpy()),
        tmp_path,
        compile_kwargs=dict(r1_weight=1.0),
    )


def test_harness_catches_a_model_that_loses_its_optimizer_state(
    real_batches, tmp_path, monkeypatch
):
    # The harness must fail when a model does not restore its Adam moments.
    monkeypatch.setattr(kg.GAN, "load_own_variables", lambda self, store: None)
    with pytest.raises(AssertionError):
        run_model_test(
            kg.GAN,
            dict(
                generator=kg.networks.mlp_generator(8, hidden_units=(16,)),
                discriminator=kg.networks.mlp_discriminator(hidden_units=(16,)),
                seed=1,
            ),
            np.asarray(real_batches[0]),
            tmp_path,
        )


@pytest.mark.slow
def test_gan_with_resnet_networks_and_hinge_loss(tmp_path):
    folder = os.path.join(SHARED, "style", "photo2monet", "trainA")
    if not os.path.isdir(folder):
        pytest.skip("the shared photos are not available")
    images = kg.data.load_image_folder(folder, image_size=(16, 24)).images[:8]
    run_model_test(
        kg.GAN,
        dict(
            generator=kg.networks.resnet_generator(16, (16, 24, 3), width=8),
            discriminator=kg.networks.resnet_discriminator((16, 24, 3), width=8),
            seed=1,
        ),
        kg.data.to_float(images).numpy(),
        tmp_path,
        compile_kwargs=dict(loss="hinge"),
    )
