"""A trained generator's latent space: truncation, interpolation, directions.

- `truncate`: latents pulled toward the mean latent (`mean + psi * (z -
  mean)`, the truncation trick of BigGAN and StyleGAN, applied to the
  noise): fewer, likelier samples as `psi` falls below 1.
- `interpolate`: latents along the great circle between two (spherical
  interpolation): a standard normal latent's norm stays near `sqrt(d)`
  all the way, where a straight line would pass through lower-norm latents
  the generator rarely saw.
- `directions`: SeFa's closed-form directions (Shen & Zhou, 2021): the
  latent directions that the generator's first projection of the noise
  stretches most, the top eigenvectors of `W Wᵀ` for its kernel `W`. No
  data, no other network; each direction is a unit vector in the latent
  space, the first the one the generator is most sensitive to.

Example:

    >>> found = keras_gans.latent.directions(gan.generator)
    >>> z = keras_gans.latent.truncate(np.random.randn(8, 100), psi=0.7)
    >>> edited = gan.generator(z + 3.0 * found.directions[0])
"""

import dataclasses

import keras
import numpy as np

__all__ = ["Directions", "directions", "interpolate", "noise_kernel", "slerp", "truncate"]


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


@dataclasses.dataclass
class Directions:
    """SeFa's directions of one generator.

    Attributes:
        directions: float32 `(count, latent_dim)`, orthonormal rows, the
            first the direction the generator's first layer stretches most.
        strengths: float32 `(count,)`: how much each is stretched (the
            eigenvalues of `W Wᵀ`, largest first).
        layer: str. The layer whose kernel gave them.
    """

    directions: np.ndarray
    strengths: np.ndarray
    layer: str


def noise_kernel(generator):
    """`(layer name, kernel (latent_dim, units))`: the generator's first
    dense projection of the noise `z`, its first `latent_dim` rows (a
    conditional generator concatenates the label's embedding after `z`).

    Raises:
        ValueError: the generator's first layer with weights is not a dense
            projection of `z` (e.g. a recurrent text decoder): SeFa has
            no matrix to read.
    """
    latent_dim = generator.inputs[0].shape[-1]
    for layer in _layers(generator):
        kernel = getattr(layer, "kernel", None)
        if kernel is None:
            continue
        if isinstance(layer, keras.layers.Dense) and kernel.shape[0] >= latent_dim:
            return layer.name, np.asarray(keras.ops.convert_to_numpy(kernel))[:latent_dim]
        break
    raise ValueError(
        f"Generator {generator.name!r} does not start with a dense projection of its noise "
        "(e.g. keras_gans.networks.dcgan_generator's): closed-form directions read that "
        "layer's kernel."
    )


def _layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _layers(layer)
        else:
            yield layer


def directions(generator, count=None):
    """SeFa's closed-form latent directions of `generator` (see the module).

    Args:
        generator: a Keras generator whose first layer with weights is a
            dense projection of the noise (the DCGAN, ResNet, MLP, FastGAN,
            SpecGAN and MoCoGAN generators here).
        count: int or `None`. How many directions (`None`: all
            `latent_dim`).

    Returns:
        A `Directions`.
    """
    name, kernel = noise_kernel(generator)
    strengths, vectors = np.linalg.eigh(kernel.astype(np.float64) @ kernel.T.astype(np.float64))
    order = np.argsort(strengths)[::-1][: count or len(strengths)]
    return Directions(
        directions=vectors[:, order].T.astype(np.float32),
        strengths=strengths[order].astype(np.float32),
        layer=name,
    )
