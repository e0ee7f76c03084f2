"""What an evaluation scores: images from files, folders, exports and `.keras` GANs."""

import os
import zipfile

import keras
import numpy as np

from keras_gans import contracts
from keras_gans import data
from keras_gans import export
from keras_gans import models  # noqa: F401  (registers the model classes for loading)
from keras_gans.evaluation.evaluator import DEFAULT_NUM_SAMPLES
from keras_gans.evaluation.evaluator import balanced_labels


def load_images(source, num_samples=None, seed=0, image_shape=None, read_folder=None):
    """Returns the images of `load_samples` (without the labels)."""
    return load_samples(source, num_samples, seed, image_shape, read_folder)[0]


def load_samples(source, num_samples=None, seed=0, image_shape=None, read_folder=None):
    """Images (and, from conditional generators, the labels they were drawn for).

    `source` is a `.npy` file, a folder (read by `read_folder`, the
    extractor's own reader, e.g. of recordings; else as images at
    `image_shape`, the extractor's size), a `.keras` GAN or an exported
    generator (of images or sounds). Conditional generators draw every class
    equally often.

    Returns:
        `(images, labels or None)`.

    Raises:
        FileNotFoundError / ValueError: with a message naming the problem.
    """
    if not os.path.exists(source):
        raise FileNotFoundError(f"{source} does not exist.")
    if source.endswith(".keras"):
        return _sample_keras_gan(source, num_samples or DEFAULT_NUM_SAMPLES, seed)
    if os.path.isdir(source) and is_saved_model(source):
        return _sample_export(source, num_samples or DEFAULT_NUM_SAMPLES, seed)
    if os.path.isfile(source):
        try:
            images = np.load(source, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise ValueError(
                f"Could not read {source} as a .npy array of images ({e}). Save "
                "samples with `numpy.save(path, images)`."
            ) from e
        _check_array(source, images, image_shape)
    elif read_folder is not None:
        images = read_folder(source)
    else:
        height, width, channels = image_shape or (28, 28, 1)
        images = data.load_image_folder(
            source, image_size=(height, width), channels=channels, labels=None
        ).images
    return (images[:num_samples] if num_samples else images), None


def _check_array(source, array, image_shape=None):
    """A `ValueError` naming `source` when its array can be neither images
    nor clips (with the extractor's `image_shape`: not what it takes)."""
    if not isinstance(array, np.ndarray):  # an .npz archive
        array.close()
        raise ValueError(f"{source} is not a .npy array: save samples with `numpy.save`.")
    images = "images (n, height, width) or (n, height, width, channels)"
    if image_shape is None:
        fits, expected = 2 <= array.ndim <= 4, f"{images}, or clips (n, samples)"
    elif len(image_shape) == 1:
        fits, expected = array.ndim == 2, f"clips (n, {image_shape[0]})"
    else:
        fits, expected = array.ndim in (3, 4), images
    if not fits or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"{source} holds an array of shape {array.shape} and dtype {array.dtype}; "
            f"expected {expected}, uint8 or floats."
        )


def _sample_keras_gan(path, num_samples, seed):
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a whole .keras file (not a readable zip archive: cut short or "
            "damaged?). Save the GAN again with `gan.save(path)`, or evaluate its export."
        )
    try:
        gan = keras.saving.load_model(path)
    except (ValueError, OSError, TypeError) as e:
        raise ValueError(f"Could not load {path} as a keras_gans model ({e}).") from e
    if not hasattr(gan, "generate"):
        raise ValueError(f"{path} holds a {type(gan).__name__}, not a keras_gans GAN.")
    noise = np.random.default_rng(seed).standard_normal((num_samples, gan.latent_dim))
    noise = noise.astype("float32")
    if getattr(gan, "balanced_sampling", False):
        labels = balanced_labels(num_samples, gan.num_classes)
        return gan.generate(z=noise, labels=labels), labels
    return gan.generate(z=noise), None


def _sample_export(source, num_samples, seed):
    path, serve = export.load_serving(source)
    if contracts.of_signature(serve) is not contracts.NOISE:
        raise ValueError(
            f"{path} has no `serving_default` signature drawing images or sounds from noise; "
            "export generators with keras_gans.export.export_generator."
        )
    labels = None
    if contracts.is_conditional(serve):
        names = export.class_names(path)
        if not names:
            raise ValueError(
                f"{path} is conditional but holds no assets/{export.CLASS_NAMES_ASSET} to say "
                "how many classes it draws; evaluate its .keras file instead."
            )
        labels = balanced_labels(num_samples, len(names))
    latent_dim = contracts.latent_dim(serve)
    rng = np.random.default_rng(seed)
    chunks = []
    for start in range(0, num_samples, 1000):
        z = rng.standard_normal((min(1000, num_samples - start), latent_dim)).astype("float32")
        chunk_labels = None if labels is None else labels[start : start + len(z)]
        chunks.append(contracts.draw(serve, z, chunk_labels))
    return np.concatenate(chunks), labels


def is_saved_model(directory):
    """A SavedModel, or a model directory of numbered SavedModel versions."""
    return os.path.isfile(os.path.join(directory, "saved_model.pb")) or bool(
        export.versions(directory)
    )
