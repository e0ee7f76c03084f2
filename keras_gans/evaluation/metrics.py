"""Sample-quality metrics on classifier features and predictions.

All functions take NumPy arrays and compute in float64, since the Fréchet
distance subtracts large, nearly equal traces and KID averages many small
kernel differences.
"""

import numpy as np


def _as_features(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(
            f"`{name}` must be a 2-D array (num_samples >= 2, feature_dim). "
            f"Received shape {x.shape}."
        )
    return x


def feature_statistics(features):
    """Returns the mean and covariance (float64) of `(n, d)` features."""
    features = _as_features(features, "features")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between two Gaussians `N(mu1, sigma1)`, `N(mu2, sigma2)`.

    `||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))`.
    The trace of the matrix square root is computed as the sum of square
    roots of the eigenvalues of the symmetric matrix
    `sigma1^(1/2) sigma2 sigma1^(1/2)`, which has the same spectrum as
    `sigma1 sigma2` and needs no complex arithmetic (no SciPy either).
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(
            f"Statistics have different shapes: {mu1.shape} vs {mu2.shape}, "
            f"{sigma1.shape} vs {sigma2.shape}."
        )
    evals, evecs = np.linalg.eigh((sigma1 + sigma1.T) / 2)
    sqrt1 = (evecs * np.sqrt(np.clip(evals, 0, None))) @ evecs.T
    middle = sqrt1 @ sigma2 @ sqrt1
    middle_evals = np.linalg.eigvalsh((middle + middle.T) / 2)
    tr_covmean = np.sqrt(np.clip(middle_evals, 0, None)).sum()
    diff = mu1 - mu2
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean
    return float(max(value, 0.0))


def frechet_distance(features1, features2):
    """Fréchet distance between Gaussians fitted to two feature sets.

    On the evaluation classifier's features this is the FCD (Fréchet
    Classifier Distance; the FID recipe with an MNIST classifier in place of
    Inception). It is biased upwards at small sample sizes: always compare
    values computed with the same number of samples.
    """
    return frechet_distance_from_statistics(
        *feature_statistics(features1), *feature_statistics(features2)
    )


def _polynomial_kernel(x, y):
    d = x.shape[1]
    return (x @ y.T / d + 1.0) ** 3


def kernel_inception_distance(features1, features2, subset_size=1000, num_subsets=100, seed=0):
    """KID: unbiased squared MMD with a cubic polynomial kernel.

    `k(x, y) = (x . y / d + 1)^3` (Bińkowski et al., 2018), averaged over
    `num_subsets` random subsets of `subset_size` samples from each set.
    Unbiased, so it is close to 0 (and can be slightly negative) for two
    samples of one distribution, at any sample size.

    Returns:
        `(mean, std)` over the subsets.
    """
    x = _as_features(features1, "features1")
    y = _as_features(features2, "features2")
    m = min(subset_size, len(x), len(y))
    if m < 2:
        raise ValueError("KID needs at least 2 samples in each set.")
    rng = np.random.default_rng(seed)
    values = np.empty(num_subsets)
    for i in range(num_subsets):
        a = x[rng.choice(len(x), m, replace=False)]
        b = y[rng.choice(len(y), m, replace=False)]
        kxx, kyy, kxy = _polynomial_kernel(a, a), _polynomial_kernel(b, b), _polynomial_kernel(a, b)
        values[i] = (
            (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean()
        )
    return float(values.mean()), float(values.std())


def classifier_score(probabilities, splits=10):
    """The Inception-score analogue on the evaluation classifier.

    `exp(E_x KL(p(y|x) || p(y)))`, computed on each of `splits` chunks.
    Between 1 (every sample the same class distribution) and the number of
    classes (confident predictions spread evenly over all classes).

    Returns:
        `(mean, std)` over the splits.
    """
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2 or len(p) < splits:
        raise ValueError(
            f"`probabilities` must be (num_samples >= splits, num_classes). "
            f"Received shape {p.shape} with splits={splits}."
        )
    scores = []
    for chunk in np.array_split(p, splits):
        marginal = chunk.mean(axis=0, keepdims=True)
        kl = (chunk * (np.log(chunk + 1e-12) - np.log(marginal + 1e-12))).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def pairwise_sq_distances(a, b):
    """Squared Euclidean distances between the rows of `a` and of `b`, `(len(a), len(b))`."""
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T, 0.0)


def _kth_neighbour_radii(x, k, chunk):
    radii = np.empty(len(x))
    for start in range(0, len(x), chunk):
        d = pairwise_sq_distances(x[start : start + chunk], x)
        # Index k, not k - 1: each point is its own nearest neighbour.
        radii[start : start + chunk] = np.partition(d, k, axis=1)[:, k]
    return radii


def _fraction_inside(queries, centres, radii, chunk):
    inside = np.zeros(len(queries), bool)
    for start in range(0, len(queries), chunk):
        d = pairwise_sq_distances(queries[start : start + chunk], centres)
        inside[start : start + chunk] = (d <= radii[None, :]).any(axis=1)
    return float(inside.mean())


def precision_recall(real_features, fake_features, k=3, chunk=1000):
    """Improved precision and recall (Kynkäänniemi et al., 2019).

    Each set's manifold is the union of balls around its samples, with
    radius the distance to the sample's `k`-th nearest neighbour in the same
    set. Precision: fraction of generated samples inside the real manifold
    (are samples realistic?). Recall: fraction of real samples inside the
    generated manifold (is the data's variety covered?).

    Returns:
        `(precision, recall)`.
    """
    real = _as_features(real_features, "real_features")
    fake = _as_features(fake_features, "fake_features")
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"precision/recall with k={k} needs more than {k} samples per set.")
    real_radii = _kth_neighbour_radii(real, k, chunk)
    fake_radii = _kth_neighbour_radii(fake, k, chunk)
    precision = _fraction_inside(fake, real, real_radii, chunk)
    recall = _fraction_inside(real, fake, fake_radii, chunk)
    return precision, recall


def density_coverage(real_features, fake_features, k=5, chunk=1000):
    """Density and coverage (Naeem et al., 2020).

    Each real sample has a ball of radius the distance to its `k`-th nearest
    real neighbour. Density: how many real balls hold a generated sample, on
    average, divided by `k` (about 1 when the two sets match, above 1 when
    samples crowd where the data is dense). Coverage (here
    `manifold_coverage`, to keep it apart from class coverage): the fraction
    of real balls that hold at least one generated sample. Unlike recall,
    neither inflates when a generator scatters a few outliers.

    Returns:
        `(density, coverage)`.
    """
    real = _as_features(real_features, "real_features")
    fake = _as_features(fake_features, "fake_features")
    if len(real) <= k:
        raise ValueError(f"density/coverage with k={k} needs more than {k} real samples.")
    radii = _kth_neighbour_radii(real, k, chunk)
    hits = np.zeros(len(fake))
    nearest_fake = np.full(len(real), np.inf)
    for start in range(0, len(fake), chunk):
        d = pairwise_sq_distances(fake[start : start + chunk], real)
        hits[start : start + chunk] = (d <= radii[None, :]).sum(axis=1)
        nearest_fake = np.minimum(nearest_fake, d.min(axis=0))
    density = float(hits.sum() / (k * len(fake)))
    coverage = float((nearest_fake <= radii).mean())
    return density, coverage


def class_coverage(predicted_labels, num_classes=10, min_share=0.5):
    """Fraction of classes that get at least `min_share` of their expected count.

    With `n` samples, a class is covered when at least
    `min_share * n / num_classes` samples are classified as it. 1.0 for a
    healthy generator; `1 / num_classes` for a full collapse onto one class.

    Returns:
        `(coverage, counts)` where `counts` is the per-class histogram.
    """
    labels = np.asarray(predicted_labels).astype(np.int64).ravel()
    counts = np.bincount(labels, minlength=num_classes)[:num_classes]
    expected = len(labels) / num_classes
    return float((counts >= min_share * expected).mean()), counts
