"""Clusters of unlabelled images, the pseudo-labels of self-conditioning.

Liu et al., CVPR 2020, "Diverse Image Generation via Self-Conditioned GANs":
a class-conditional GAN trained on cluster ids instead of labels covers
every cluster by construction, which is what a plain unconditional GAN fails
at when it drops a mode. `cluster_images` finds the clusters without labels
(PCA, then k-means++ with Lloyd iterations, in NumPy float32).
"""

import dataclasses

import numpy as np

from keras_gans.utils.validation import check_positive_int

__all__ = ["Clusters", "cluster_images", "kmeans", "pca"]


@dataclasses.dataclass
class Clusters:
    """k-means clusters of a set of images.

    Attributes:
        labels: int32 `(n,)`: each image's cluster.
        counts: int64 `(k,)`: images per cluster.
        centers: float32 `(k, d)`: cluster centres in the projected space.
        inertia: float: mean squared distance of an image to its centre.
    """

    labels: np.ndarray
    counts: np.ndarray
    centers: np.ndarray
    inertia: float

    @property
    def probabilities(self):
        """Each cluster's share of the images: how often to sample it."""
        return self.counts / self.counts.sum()


def pca(features, dim, seed=0, sample=10_000):
    """Projects `features (n, d)` on their top `dim` principal components.

    The components come from an SVD of at most `sample` rows (enough for a
    stable basis, and fast on 60,000 images).
    """
    features = np.asarray(features, np.float32).reshape(len(features), -1)
    if dim >= features.shape[1]:
        return features - features.mean(0)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(features), min(sample, len(features)), replace=False)
    mean = features[rows].mean(0)
    _, _, vt = np.linalg.svd(features[rows] - mean, full_matrices=False)
    return (features - mean) @ vt[:dim].T


def _sq_distances(x, centers):
    return (x * x).sum(1, keepdims=True) - 2.0 * x @ centers.T + (centers * centers).sum(1)[None]


def kmeans(x, k, seed=0, iterations=50, tolerance=1e-4):
    """k-means++ initialisation, then Lloyd iterations, on `x (n, d)`.

    Returns:
        `(labels int32 (n,), centers float32 (k, d), inertia)`.
    """
    x = np.asarray(x, np.float32)
    check_positive_int("k", k)
    if k > len(x):
        raise ValueError(f"`k`={k} is larger than the {len(x)} points to cluster.")
    rng = np.random.default_rng(seed)
    centers = [x[rng.integers(len(x))]]
    closest = _sq_distances(x, np.stack(centers))[:, 0]
    for _ in range(1, k):
        weights = np.maximum(closest, 0)
        centers.append(x[rng.choice(len(x), p=weights / weights.sum())])
        closest = np.minimum(closest, _sq_distances(x, centers[-1][None])[:, 0])
    centers = np.stack(centers)
    previous = np.inf
    for _ in range(iterations):
        distances = _sq_distances(x, centers)
        labels = distances.argmin(1)
        inertia = float(np.maximum(distances[np.arange(len(x)), labels], 0).mean())
        for c in range(k):
            members = x[labels == c]
            # An empty cluster restarts at the point farthest from its centre.
            centers[c] = members.mean(0) if len(members) else x[distances.min(1).argmax()]
        if np.isfinite(previous) and previous - inertia <= tolerance * previous:
            break
        previous = inertia
    return labels.astype(np.int32), centers.astype(np.float32), inertia


def cluster_images(images, k, pca_dim=50, seed=0):
    """Clusters images by their pixels: PCA to `pca_dim`, then k-means.

    Args:
        images: array `(n, h, w, c)` (any dtype; uint8 or floats).
        k: int. Number of clusters.
        pca_dim: int. Dimensions kept before k-means. Defaults to `50`.
        seed: int. Seed of the PCA sample and the k-means++ draws.

    Returns:
        A `Clusters`.

    Example:

        >>> images, _ = keras_gans.data.load_arrays("train")
        >>> clusters = keras_gans.clustering.cluster_images(images, k=30)
        >>> clusters.probabilities.sum()
        1.0
    """
    check_positive_int("pca_dim", pca_dim)
    features = pca(np.asarray(images, np.float32) / 255.0, pca_dim, seed=seed)
    labels, centers, inertia = kmeans(features, k, seed=seed)
    counts = np.bincount(labels, minlength=k).astype(np.int64)
    return Clusters(labels=labels, counts=counts, centers=centers, inertia=inertia)
