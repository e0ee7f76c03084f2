"""The latent space of a generator: truncation toward the mean, spherical
interpolation, and SeFa's closed-form directions read from real generators."""

import os

import numpy as np
import pytest

import keras_gans as kg


def test_truncation_pulls_latents_toward_the_mean():
    z = np.random.default_rng(0).standard_normal((500, 16))
    np.testing.assert_allclose(kg.latent.truncate(z, 1.0), z, rtol=1e-6)
    np.testing.assert_allclose(kg.latent.truncate(z, 0.0), 0.0)
    half = kg.latent.truncate(z, 0.5)
    np.testing.assert_allclose(
        np.linalg.norm(half, axis=1), 0.5 * np.linalg.norm(z, axis=1), rtol=1e-5
    )
    mean = np.full(16, 2.0)
    np.testing.assert_allclose(kg.latent.truncate(z, 0.0, mean)[3], mean)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        kg.latent.truncate(z, 1.5)


def test_spherical_interpolation_keeps_a_gaussian_latents_norm():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal((2, 512))
    path = kg.latent.interpolate(start, end, 9)
    assert path.shape == (9, 512)
    np.testing.assert_allclose(path[0], start, rtol=1e-5)
    np.testing.assert_allclose(path[-1], end, rtol=1e-5)
    norms = np.linalg.norm(path, axis=1)
    # Along the arc the norm stays near sqrt(512) = 22.6; the straight
    # line's midpoint falls to about sqrt(256) = 16.
    assert norms.min() > 0.97 * min(norms[0], norms[-1])
    assert np.linalg.norm((start + end) / 2) < 0.8 * norms[4]
    units = path / norms[:, None]
    angles = np.arccos(np.clip((units[1:] * units[:-1]).sum(axis=1), -1, 1))
    np.testing.assert_allclose(angles, angles.mean(), rtol=1e-3)  # even steps along the arc
    np.testing.assert_allclose(kg.latent.slerp(start, 2 * start, 0.5), 1.5 * start, rtol=1e-5)
    with pytest.raises(ValueError, match="at least 2"):
        kg.latent.interpolate(start, end, 1)


@pytest.mark.parametrize("conditional", [False, True])
def test_directions_are_what_the_first_layer_stretches_most(conditional):
    if conditional:
        generator = kg.networks.conditional_dcgan_generator(32, 10, (28, 28, 1), width=8)
    else:
        generator = kg.networks.dcgan_generator(32, (28, 28, 1), width=8)
    found = kg.latent.directions(generator, count=5)
    assert found.directions.shape == (5, 32) and found.strengths.shape == (5,)
    np.testing.assert_allclose(found.directions @ found.directions.T, np.eye(5), atol=1e-5)
    assert (np.diff(found.strengths) <= 0).all()
    kernel = generator.get_layer(found.layer).kernel.numpy()[:32]
    # Each direction's stretch is its strength; no random direction is stretched more.
    stretch = np.linalg.norm(found.directions @ kernel, axis=1) ** 2
    np.testing.assert_allclose(stretch, found.strengths, rtol=1e-4)
    random = np.random.default_rng(0).standard_normal((2000, 32))
    random /= np.linalg.norm(random, axis=1, keepdims=True)
    assert (np.linalg.norm(random @ kernel, axis=1) ** 2).max() <= found.strengths[0] * (1 + 1e-5)
    everything = kg.latent.directions(generator)
    assert everything.directions.shape == (32, 32)


def test_a_generator_without_a_dense_projection_of_its_noise_is_a_clear_error():
    text = kg.networks.character_generator(30, 8, latent_dim=8, units=8, embedding_dim=4)
    with pytest.raises(ValueError, match="dense projection of its noise"):
        kg.latent.directions(text)


def _exported(tmp_path, generator):
    return kg.export.export_generator(generator, str(tmp_path), "g", tflite_files=False)[0]


@pytest.mark.parametrize("conditional", [False, True])
def test_an_export_gives_the_directions_and_images_of_its_keras_generator(tmp_path, conditional):
    if conditional:
        generator = kg.networks.conditional_dcgan_generator(16, 3, (28, 28, 1), width=8)
    else:
        generator = kg.networks.dcgan_generator(16, (28, 28, 1), width=8)
    exported = kg.latent.ExportedGenerator(_exported(tmp_path, generator))
    assert exported.latent_dim == 16 and exported.image_shape == (28, 28, 1)
    assert exported.num_classes == (3 if conditional else None)
    ours, theirs = kg.latent.directions(exported, 4), kg.latent.directions(generator, 4)
    # Eigenvectors are defined up to sign.
    signs = np.sign((ours.directions * theirs.directions).sum(axis=1))
    np.testing.assert_allclose(ours.directions * signs[:, None], theirs.directions, atol=1e-4)
    z = np.random.default_rng(0).standard_normal((3, 16)).astype("float32")
    labels = np.array([0, 1, 2]) if conditional else None
    inputs = [z, labels] if conditional else z
    np.testing.assert_allclose(exported(z, labels), generator(inputs), atol=1e-5)


@pytest.mark.parametrize("preset", ["mnist_dcgan", "fashion_mnist_conditional"])
def test_projection_recovers_the_latent_behind_a_generated_image(preset):
    generator = kg.latent.ExportedGenerator(preset)
    z_true = np.random.default_rng(5).standard_normal((2, 100)).astype("float32")
    labels_true = np.array([2, 7]) if generator.conditional else None
    known = kg.data.transforms.to_uint8(generator(z_true, labels_true)).numpy()
    found = kg.latent.project(preset, known, candidates=300, verbose=0)
    assert found.latents.shape == (2, 100) and found.images.shape == (2, 28, 28, 1)
    assert found.perceptual_distance is None and found.distance == "pixels"
    if generator.conditional:
        assert found.labels.tolist() == [2, 7]
    # Refining takes the pixel error far below the closest random sample's.
    # A class searched over comes back exactly; the self-conditioned MNIST
    # generator picks its cluster by the band z[0] falls in, which gradients
    # cannot cross, so a start in a neighbouring cluster ends close, not equal.
    assert (found.pixel_error < 0.25 * found.start_pixel_error).all(), found
    exact = 1e-3 if generator.conditional else 0.05
    assert (found.pixel_error < exact).all(), found.pixel_error
    # The latent found draws the image it reports.
    redrawn = generator(found.latents, found.labels).numpy()
    np.testing.assert_allclose(redrawn, found.images, atol=1e-5)


def test_projection_checks_its_images_and_labels(tmp_path):
    generator = kg.networks.conditional_dcgan_generator(8, 3, (28, 28, 1), width=8)
    path = _exported(tmp_path, generator)
    known = kg.data.transforms.to_uint8(generator([np.zeros((2, 8)), np.array([0, 1])])).numpy()
    fixed = kg.latent.project(path, known[:1], labels=[0], steps=2, candidates=5, verbose=0)
    assert fixed.labels.tolist() == [0] and fixed.start_labels.tolist() == [0]
    with pytest.raises(ValueError, match=r"one class in \[0, 3\) per image"):
        kg.latent.project(path, known, labels=[3, 0], steps=1, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(28, 28, 1\); received images of shape"):
        kg.latent.project(path, np.zeros((1, 32, 32, 3), np.uint8), steps=1, verbose=0)
    with pytest.raises(ValueError, match="`labels` apply to a conditional generator"):
        kg.latent.project("mnist_dcgan", known, labels=[0, 1], steps=1, verbose=0)


def test_projection_asks_for_an_export_with_pixels():
    committed = os.path.join(os.path.dirname(__file__), "..", "saved_models", "mnist_dcgan")
    with pytest.raises(ValueError, match="no `pixels` signature"):
        kg.latent.project(committed, np.zeros((1, 28, 28, 1), np.uint8), steps=1, verbose=0)


def test_generate_with_truncation_draws_the_noise_pulled_toward_its_mean():
    gan = kg.ConditionalGAN(
        kg.networks.conditional_dcgan_generator(8, 3, (28, 28, 1), width=8),
        kg.networks.conditional_dcgan_discriminator(3, (28, 28, 1), width=8),
        num_classes=3,
    )
    z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    labels = [0, 1, 2, 0]
    half = gan.generate(z=z, labels=labels, truncation=0.5)
    np.testing.assert_allclose(half, gan.generate(z=0.5 * z, labels=labels), atol=1e-6)
    mean = gan.generate(z=z, labels=labels, truncation=0.0)
    np.testing.assert_allclose(mean, gan.generate(z=0 * z, labels=labels), atol=1e-6)
    with pytest.raises(ValueError, match=r"truncation.*\[0, 1\]"):
        gan.generate(z=z, labels=labels, truncation=2.0)
