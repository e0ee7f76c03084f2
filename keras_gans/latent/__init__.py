"""A trained generator's latent space: truncation, interpolation,
directions and projection.

- `truncate`, `interpolate` (`slerp`): paths through the noise
  (`keras_gans.latent.space`).
- `directions`: SeFa's closed-form directions, read from the generator's
  first projection of the noise (`keras_gans.latent.directions`).
- `project`: the latent (and class) whose image is closest to a real
  image (`keras_gans.latent.projection`).

Each takes a Keras generator, or an export's path or a preset's name
(`ExportedGenerator`).

Example:

    >>> found = keras_gans.latent.directions("mnist_dcgan")
    >>> z = keras_gans.latent.truncate(np.random.randn(8, 100), psi=0.7)
    >>> projection = keras_gans.latent.project("mnist_dcgan", digits)
    >>> edited = keras_gans.latent.ExportedGenerator("mnist_dcgan")(
    ...     projection.latents + 3.0 * found.directions[0])
"""

from keras_gans.latent.directions import Directions
from keras_gans.latent.directions import directions
from keras_gans.latent.directions import noise_kernel
from keras_gans.latent.generators import ExportedGenerator
from keras_gans.latent.projection import PerceptualDistance
from keras_gans.latent.projection import Projection
from keras_gans.latent.projection import project
from keras_gans.latent.space import interpolate
from keras_gans.latent.space import slerp
from keras_gans.latent.space import truncate

__all__ = [
    "Directions",
    "ExportedGenerator",
    "PerceptualDistance",
    "Projection",
    "directions",
    "interpolate",
    "noise_kernel",
    "project",
    "slerp",
    "truncate",
]
