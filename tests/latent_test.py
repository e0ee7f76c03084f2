"""The latent space of a generator: truncation toward the mean, spherical
interpolation, and SeFa's closed-form directions read from real generators."""

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
