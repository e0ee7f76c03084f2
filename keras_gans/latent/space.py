"""Paths through a generator's latent space: truncation and interpolation.

- `truncate`: latents pulled toward the mean latent (`mean + psi * (z -
  mean)`, the truncation trick of BigGAN and StyleGAN, applied to the
  noise): fewer, likelier samples as `psi` falls below 1.
- `interpolate`: latents along the great circle between two (spherical
  interpolation): a standard normal latent's norm stays near `sqrt(d)`
  all the way, where a straight line would pass through lower-norm latents
  the generator rarely saw.
"""

import numpy as np

__all__ = ["interpolate", "slerp", "truncate"]


def truncate(z, psi, mean=None):
    """`mean + psi * (z - mean)`: latents pulled toward the mean latent.

    Args:
        z: array `(n, latent_dim)`.
        psi: float in `[0, 1]`. `1` leaves `z` as it is, `0` gives the mean
            latent for every row.
        mean: array `(latent_dim,)` or `None` (the standard normal's mean,
            0, that keras_gans' generators draw from).

    Returns:
        float32 array of `z`'s shape.
    """
    if not 0 <= psi <= 1:
        raise ValueError(f"`psi` must be in [0, 1]. Received: psi={psi}")
    z = np.asarray(z, np.float32)
    mean = np.zeros(z.shape[-1], np.float32) if mean is None else np.asarray(mean, np.float32)
    return (mean + psi * (z - mean)).astype(np.float32)


def slerp(start, end, t):
    """The point a share `t` of the way from `start` to `end` along the
    great circle between them, with the norm interpolated linearly (for
    latents of different norms); a straight line where they are parallel.

    Args:
        start, end: arrays `(latent_dim,)`.
        t: float or array `(k,)` in `[0, 1]`.

    Returns:
        float32 `(latent_dim,)`, or `(k, latent_dim)` for an array `t`.
    """
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    t = np.asarray(t, np.float64)
    norms = np.linalg.norm(start), np.linalg.norm(end)
    if min(norms) == 0:
        raise ValueError("slerp needs two non-zero latents.")
    unit_start, unit_end = start / norms[0], end / norms[1]
    angle = np.arccos(np.clip(unit_start @ unit_end, -1.0, 1.0))
    weights = t[..., None]
    if angle < 1e-6:  # parallel: the straight line is the arc
        direction = unit_start + weights * (unit_end - unit_start)
    else:
        direction = (
            np.sin((1 - weights) * angle) * unit_start + np.sin(weights * angle) * unit_end
        ) / np.sin(angle)
    norm = (1 - weights) * norms[0] + weights * norms[1]
    return (direction * norm).astype(np.float32)


def interpolate(start, end, steps):
    """`steps` latents from `start` to `end` (both included) along the
    great circle (`slerp`): float32 `(steps, latent_dim)`."""
    if int(steps) < 2:
        raise ValueError(f"`steps` must be at least 2 (the two ends). Received: steps={steps}")
    return slerp(start, end, np.linspace(0.0, 1.0, int(steps)))
