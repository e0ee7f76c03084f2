"""SeFa's closed-form latent directions (Shen & Zhou, 2021).

The latent directions that the generator's first projection of the noise
stretches most: the top eigenvectors of `W Wᵀ` for its kernel `W`. No data,
no other network; each direction is a unit vector in the latent space, the
first the one the generator is most sensitive to.
"""

import dataclasses
import os

import keras
import numpy as np

from keras_gans.latent.generators import ExportedGenerator

__all__ = ["Directions", "directions", "noise_kernel"]


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

    Args:
        generator: a Keras generator, an `ExportedGenerator`, or an
            export's path or a preset's name.

    Raises:
        ValueError: the generator's first layer with weights is not a dense
            projection of `z` (e.g. a recurrent text decoder): SeFa has
            no matrix to read.
    """
    if isinstance(generator, (str, os.PathLike)):
        generator = ExportedGenerator(generator)
    if isinstance(generator, ExportedGenerator):
        return generator.noise_kernel()
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
        generator: a generator whose first layer with weights is a dense
            projection of the noise (the DCGAN, ResNet, MLP, FastGAN,
            SpecGAN and MoCoGAN generators here): a Keras model, an
            `ExportedGenerator`, or an export's path or a preset's name.
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
