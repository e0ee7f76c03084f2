"""The metrics against closed forms and known cases (no classifier needed)."""

import numpy as np
import pytest

import keras_gans as kg
from keras_gans import evaluation as ev


def test_frechet_distance_matches_the_closed_form_for_gaussians():
    rng = np.random.default_rng(0)
    mu1, mu2 = np.array([0.0, 1.0, -1.0]), np.array([0.5, 1.0, 1.0])
    sd1, sd2 = np.array([1.0, 2.0, 0.5]), np.array([1.5, 1.0, 0.5])
    x = mu1 + sd1 * rng.standard_normal((200_000, 3))
    y = mu2 + sd2 * rng.standard_normal((200_000, 3))
    # Diagonal covariances commute: Tr(S1 + S2 - 2 sqrt(S1 S2)) = sum (sd1 - sd2)^2.
    exact = np.sum((mu1 - mu2) ** 2) + np.sum((sd1 - sd2) ** 2)
    assert ev.frechet_distance(x, y) == pytest.approx(exact, rel=0.02)


def test_frechet_distance_from_statistics_with_non_commuting_covariances():
    s1 = np.array([[2.0, 0.8], [0.8, 1.0]])
    s2 = np.array([[1.0, -0.3], [-0.3, 3.0]])
    mu1, mu2 = np.array([1.0, 2.0]), np.array([0.0, 0.0])
    # Independent route: S1 S2 has real positive eigenvalues; sum their roots.
    tr_sqrt = np.sqrt(np.linalg.eigvals(s1 @ s2).real).sum()
    exact = 5.0 + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt
    assert ev.frechet_distance_from_statistics(mu1, s1, mu2, s2) == pytest.approx(exact, rel=1e-10)
    assert ev.frechet_distance_from_statistics(mu1, s1, mu1, s1) == pytest.approx(0.0, abs=1e-9)
    assert ev.frechet_distance_from_statistics(mu2, s2, mu1, s1) == pytest.approx(exact, rel=1e-10)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2000, 16)), rng.standard_normal((2000, 16))
    shifted = rng.standard_normal((2000, 16)) + 0.5
    same, same_std = ev.kernel_inception_distance(a, b, subset_size=500, num_subsets=50)
    diff, diff_std = ev.kernel_inception_distance(a, shifted, subset_size=500, num_subsets=50)
    assert abs(same) < 3 * same_std + 1e-3
    assert diff > 10 * diff_std and diff > 50 * abs(same)
    # Unbiased: small subsets average to 0 as well, where the Fréchet distance
    # of the same small samples is clearly above 0.
    small, small_std = ev.kernel_inception_distance(a, b, subset_size=50, num_subsets=200)
    assert abs(small) < 3 * small_std / np.sqrt(200) + 1e-3
    assert ev.frechet_distance(a[:50], b[:50]) > 1.0


def test_classifier_score_bounds():
    confident_uniform = np.eye(10)[np.arange(1000) % 10]
    assert ev.classifier_score(confident_uniform)[0] == pytest.approx(10.0, rel=1e-6)
    collapsed = np.eye(10)[np.zeros(1000, int)]
    assert ev.classifier_score(collapsed)[0] == pytest.approx(1.0, rel=1e-6)
    unsure = np.full((1000, 10), 0.1)
    assert ev.classifier_score(unsure)[0] == pytest.approx(1.0, rel=1e-6)


def test_precision_and_recall():
    rng = np.random.default_rng(2)
    real = rng.standard_normal((1500, 8))
    same = rng.standard_normal((1500, 8))
    narrow = 0.2 * rng.standard_normal((1500, 8))  # realistic but not diverse
    far = rng.standard_normal((1500, 8)) + 6.0
    p, r = ev.precision_recall(real, same, k=3)
    assert p > 0.6 and r > 0.6
    p, r = ev.precision_recall(real, narrow, k=3)
    assert p > 0.95 and r < 0.3
    p, r = ev.precision_recall(real, far, k=3)
    assert p < 0.05 and r < 0.05


def test_density_and_manifold_coverage():
    rng = np.random.default_rng(3)
    real = rng.standard_normal((1500, 8))
    same = rng.standard_normal((1500, 8))
    density, coverage = ev.density_coverage(real, same, k=5)
    assert 0.85 < density < 1.15 and coverage > 0.9
    # A collapse onto a few modes: samples sit where data is, but cover little.
    collapsed = real[:5][rng.integers(0, 5, 1500)] + 0.01 * rng.standard_normal((1500, 8))
    density, coverage = ev.density_coverage(real, collapsed, k=5)
    assert coverage < 0.02
    # Outliers far from the data add no density and cover nothing.
    density, coverage = ev.density_coverage(real, rng.standard_normal((1500, 8)) + 6.0, k=5)
    assert density < 0.01 and coverage < 0.01
    # By hand: real points on a line with k = 1 balls of radius 1.
    line = np.arange(5.0)[:, None]
    density, coverage = ev.density_coverage(line, np.array([[0.5], [0.6], [10.0]]), k=1)
    # 0.5 and 0.6 each lie in the balls of 0 and 1; 10 in none.
    assert density == pytest.approx(4 / 3) and coverage == pytest.approx(2 / 5)


def test_coverage_on_collapsed_and_healthy_sets():
    assert ev.class_coverage(np.full(1000, 3))[0] == pytest.approx(0.1)
    assert ev.class_coverage(np.arange(1000) % 10)[0] == 1.0
    nine = np.arange(1000) % 9  # class 9 never drawn
    coverage, counts = ev.class_coverage(nine)
    assert coverage == pytest.approx(0.9) and counts[9] == 0
    # Half the expected share (50 of 1000) still counts; less does not.
    labels = np.concatenate([np.repeat(np.arange(9), 105), np.full(55, 9)])
    assert ev.class_coverage(labels)[0] == 1.0
    labels = np.concatenate([np.repeat(np.arange(9), 106), np.full(46, 9)])
    assert ev.class_coverage(labels)[0] == pytest.approx(0.9)


def test_image_range_detection_and_errors():
    u8 = np.array([0, 255], np.uint8).reshape(2, 1, 1).repeat(28, 1).repeat(28, 2)
    np.testing.assert_allclose(kg.data.to_model_range(u8)[:, 0, 0, 0], [-1, 1])
    np.testing.assert_allclose(kg.data.to_model_range(u8 / 255.0)[:, 0, 0, 0], [-1, 1])
    signed = u8 / 127.5 - 1
    np.testing.assert_allclose(kg.data.to_model_range(signed[..., None])[:, 0, 0, 0], [-1, 1])
    with pytest.raises(ValueError, match="28, 28"):
        kg.data.to_model_range(np.zeros((4, 32, 32, 3)))
    with pytest.raises(ValueError, match=r"\[0, 1\] or \[-1, 1\]"):
        kg.data.to_model_range(np.full((4, 28, 28), 3.0))
    with pytest.raises(ValueError, match="NaN"):
        kg.data.to_model_range(np.full((4, 28, 28), np.nan))
    with pytest.raises(ValueError, match="2-D"):
        ev.frechet_distance(np.zeros(5), np.zeros(5))
