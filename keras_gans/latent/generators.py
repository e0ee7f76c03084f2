"""A trained generator as the latent tools take it: a Keras model, an
export, or a preset's name."""

import os

import keras
import tensorflow as tf

from keras_gans import contracts
from keras_gans import export

__all__ = ["ExportedGenerator", "as_generator"]


class ExportedGenerator:
    """A noise export (or preset) as a function from latents to images.

    Images come from the export's `pixels` signature: the generator's output
    in [-1, 1] before it is rounded to uint8, so gradients reach the latent
    (projection). The SeFa kernel is read from the export's variables.

    Args:
        path: an export (a SavedModel or a model directory with numbered
            versions) or a preset's name (`keras_gans.presets`).

    Attributes:
        path: str. The SavedModel directory.
        latent_dim: int.
        conditional: bool. Whether it takes a class `label` as well.
        num_classes: int or `None`. A conditional export's classes.

    Raises:
        FileNotFoundError: no such export or preset.
        ValueError: the export does not draw from noise.
    """

    def __init__(self, path):
        self.path = export.resolve_saved_model(path)
        self._loaded = tf.saved_model.load(self.path)  # keeps the variables alive
        signatures = self._loaded.signatures
        self.serve = signatures.get(contracts.SERVING_SIGNATURE)
        if self.serve is None or not contracts.NOISE.matches(self.serve):
            raise ValueError(
                f"{self.path} does not draw from noise (its serving_default is not "
                f"`{contracts.NOISE.signature}`): the latent tools take noise generators."
            )
        self.pixels = signatures.get(contracts.PIXELS_SIGNATURE)
        self.latent_dim = contracts.latent_dim(self.serve)
        self.conditional = contracts.is_conditional(self.serve)
        self.num_classes = None
        if self.conditional:
            names = export.class_names(self.path)
            self.num_classes = len(names) if names else self._embedding_rows()

    def _embedding_rows(self):
        for variable in self.serve.variables:
            if variable.name.split("/")[-1].startswith("embeddings") and variable.shape.rank == 2:
                return int(variable.shape[0])
        return None

    @property
    def image_shape(self):
        """`(height, width, channels)` of the images it draws."""
        return tuple(self._pixels().structured_outputs["pixels"].shape[1:])

    def _pixels(self):
        output = contracts.NOISE.output_key(self.serve)
        if output != "images":
            raise ValueError(
                f"{self.path} draws {'sounds' if output == 'audio' else 'clips'}, not images: "
                "projection takes image generators."
            )
        if self.pixels is None:
            raise ValueError(
                f"{self.path} has no `pixels` signature (the images before rounding, which "
                "projection differentiates), which exports of image generators made after "
                "keras_gans 0.2.0 have. Export the run's gan.keras again with "
                "keras_gans.export.export_generator(gan.sampling_generator, ...)."
            )
        return self.pixels

    def __call__(self, z, labels=None):
        """Images float32 `[b, H, W, C]` in [-1, 1] for latents `z` (and int
        `labels` for a conditional export), differentiable in `z`."""
        feeds = {"z": tf.cast(z, tf.float32)}
        if self.conditional:
            if labels is None:
                raise ValueError(f"{self.path} is conditional: pass `labels` with `z`.")
            feeds["label"] = tf.cast(labels, tf.int32)
        return self._pixels()(**feeds)["pixels"]

    def noise_kernel(self):
        """`(variable name, kernel (latent_dim, units))`: the first dense
        projection of the noise among the export's variables (its first
        `latent_dim` rows)."""
        for variable in self.serve.variables:
            name = variable.name.rsplit(":", 1)[0]
            if name.endswith("kernel") and variable.shape.rank == 2:
                if variable.shape[0] >= self.latent_dim:
                    return name.rsplit("/", 1)[0], variable.numpy()[: self.latent_dim]
                break
        raise ValueError(
            f"{self.path} does not start with a dense projection of its noise: "
            "closed-form directions read that layer's kernel."
        )


def as_generator(generator):
    """`generator` as `(function(z, labels) -> images, latent_dim,
    num_classes or None)`: a Keras generator (`z` or `[z, label]` in), an
    `ExportedGenerator`, or an export path or preset name (loaded)."""
    if isinstance(generator, (str, os.PathLike)):
        generator = ExportedGenerator(generator)
    if isinstance(generator, ExportedGenerator):
        return generator, generator.latent_dim, generator.num_classes
    if not isinstance(generator, keras.Model):
        raise TypeError(
            "Expected a Keras generator, an export's path or a preset's name. "
            f"Received: {type(generator).__name__}"
        )
    latent_dim = generator.inputs[0].shape[-1]
    if len(generator.inputs) == 1:
        return (lambda z, labels=None: generator(z, training=False)), latent_dim, None
    num_classes = contracts.num_classes(generator)

    def conditional(z, labels):
        return generator([z, tf.cast(labels, tf.int32)], training=False)

    return conditional, latent_dim, num_classes
