"""Does the generator copy its training images? Measured against held-out ones.

A generator that has learned the data's distribution draws new images: each
lies about as far from its nearest training image as a real image the
generator never saw (a held-out one) does. A generator that memorizes draws
near-copies, much closer. So the yardstick is the held-out images' own
nearest-training-image distances, in the same feature space:

- `memorized_share`: the share of samples closer to the training set than
  all but `quantile` of the held-out images are (below the held-out
  distances' `quantile`-quantile). About `quantile` (5%) when the generator
  does not copy; towards 1 when it does.
- `distance_ratio`: the samples' median nearest-training distance over the
  held-out images' (about 1: as novel as real images; far below 1: copies;
  above 1: samples unlike any training image, e.g. artefacts).
"""

import numpy as np

from keras_gans.evaluation import metrics

__all__ = ["MIN_HELDOUT", "memorization", "nearest_training_images"]

# A 5% quantile of fewer distances than this is mostly noise.
MIN_HELDOUT = 20


def nearest_training_images(features, train_features, chunk=1000):
    """`(distances, indices)`: each row's nearest training row (Euclidean)."""
    features = np.asarray(features, np.float64)
    train = np.asarray(train_features, np.float64)
    distances = np.empty(len(features))
    indices = np.empty(len(features), np.int64)
    for start in range(0, len(features), chunk):
        d = metrics.pairwise_sq_distances(features[start : start + chunk], train)
        indices[start : start + chunk] = d.argmin(axis=1)
        distances[start : start + chunk] = np.sqrt(d.min(axis=1))
    return distances, indices


def memorization(sample_features, train_features, heldout_features, quantile=0.05):
    """How close samples sit to the training images, against held-out images.

    Args:
        sample_features: `(n, d)` features of generated images.
        train_features: `(m, d)` features of the training images.
        heldout_features: `(h, d)` features of real images not trained on
            (at least `MIN_HELDOUT`), in the same feature space.
        quantile: float. The held-out distances' quantile below which a
            sample counts as memorized. Defaults to `0.05`.

    Returns:
        dict with `memorized_share`, `expected_share` (= `quantile`),
        `distance_ratio`, `sample_median_distance`,
        `heldout_median_distance`, `threshold`, `num_samples`,
        `num_heldout`, `num_train`, and per image the `sample_distances` /
        `heldout_distances` and `sample_neighbours` / `heldout_neighbours`
        (the index of the nearest training image).

    Raises:
        ValueError: fewer than `MIN_HELDOUT` held-out images, or feature
            sizes that differ.
    """
    heldout = np.asarray(heldout_features, np.float64)
    if len(heldout) < MIN_HELDOUT:
        raise ValueError(
            f"A memorization figure needs at least {MIN_HELDOUT} held-out real images (their "
            f"distances to the training set are the yardstick); received {len(heldout)}. Hold "
            "out more images of the folder, or skip the memorization figure."
        )
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"`quantile` must be in (0, 1). Received: quantile={quantile}")
    sizes = {np.shape(x)[-1] for x in (sample_features, train_features, heldout)}
    if len(sizes) != 1:
        raise ValueError(f"Features of different sizes: {sorted(sizes)}; use one extractor.")
    heldout_distances, heldout_neighbours = nearest_training_images(heldout, train_features)
    distances, neighbours = nearest_training_images(sample_features, train_features)
    threshold = float(np.quantile(heldout_distances, quantile))
    return {
        "memorized_share": float((distances < threshold).mean()),
        "expected_share": quantile,
        "distance_ratio": float(np.median(distances) / np.median(heldout_distances)),
        "sample_median_distance": float(np.median(distances)),
        "heldout_median_distance": float(np.median(heldout_distances)),
        "threshold": threshold,
        "num_samples": int(len(distances)),
        "num_heldout": int(len(heldout)),
        "num_train": int(len(train_features)),
        "sample_distances": distances,
        "sample_neighbours": neighbours,
        "heldout_distances": heldout_distances,
        "heldout_neighbours": heldout_neighbours,
    }
