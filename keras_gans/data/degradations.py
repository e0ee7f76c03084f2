"""Degradations: training pairs made from real images.

A degradation maps a real image to `(input, target)`: the damaged image a
generator learns to repair, and the image itself. `"downscale"` makes
super-resolution pairs (bicubic with antialiasing, as MATLAB's `imresize`
and `tf.image.resize(..., "bicubic", antialias=True)`); `"mask"` makes
inpainting pairs (random rectangles and free-form strokes; the mask is a
fourth input channel, 1 in the holes).
"""

import numpy as np
import tensorflow as tf

from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_fraction
from keras_gans.utils.validation import check_int_at_least
from keras_gans.utils.validation import check_positive_int

MASK_KINDS = ("mixed", "rectangles", "strokes")


def modcrop(image, factor):
    """Crops `(h, w, c)` (or `(b, h, w, c)`) down to multiples of `factor`.

    Raises:
        ValueError: the image is smaller than `factor`.
    """
    height, width = image.shape[-3], image.shape[-2]
    if height < factor or width < factor:
        raise ValueError(
            f"An image of {height}x{width} px is smaller than the scale factor {factor}: "
            f"super-resolution needs at least {factor}x{factor} px to downscale."
        )
    return image[..., : height - height % factor, : width - width % factor, :]


def downscale(images, factor):
    """Bicubic downscale with antialiasing, rounded to 8-bit levels.

    Args:
        images: uint8 `(h, w, c)` or `(b, h, w, c)` whose sides are
            multiples of `factor` (see `modcrop`).
        factor: int.

    Returns:
        uint8 images `factor` times smaller.
    """
    images = tf.convert_to_tensor(images)
    height, width = images.shape[-3], images.shape[-2]
    small = tf.image.resize(
        tf.cast(images, tf.float32), [height // factor, width // factor], "bicubic", antialias=True
    )
    return tf.cast(tf.clip_by_value(tf.round(small), 0, 255), tf.uint8)


def bicubic_upscale(images, factor):
    """Bicubic upscale of uint8 images: the baseline super-resolution
    papers report. Returns uint8."""
    images = tf.convert_to_tensor(images)
    height, width = images.shape[-3], images.shape[-2]
    large = tf.image.resize(
        tf.cast(images, tf.float32), [height * factor, width * factor], "bicubic"
    )
    return tf.cast(tf.clip_by_value(tf.round(large), 0, 255), tf.uint8)


class Downscale:
    """Super-resolution pairs: `image -> (image downscaled by factor, image)`.

    Works on float images in [-1, 1] of static size; the small image is
    rounded to 8-bit levels, as a stored or served image would be.

    Args:
        factor: int. Defaults to `4`.
    """

    name = "downscale"

    def __init__(self, factor=4):
        self.factor = check_int_at_least("factor", factor, 2)

    def check_size(self, image_size):
        if image_size < self.factor or image_size % self.factor:
            raise ValueError(
                f"`image_size`={image_size} must be a multiple of the scale factor "
                f"{self.factor} (and at least {self.factor})."
            )

    def __call__(self, image, index):
        size = image.shape[0] // self.factor
        small = tf.image.resize(image, [size, size], "bicubic", antialias=True)
        small = tf.round((tf.clip_by_value(small, -1.0, 1.0) + 1.0) * 127.5) / 127.5 - 1.0
        return small, image


def random_masks(count, height, width, kind="mixed", max_coverage=0.5, seed=0):
    """Random hole masks: rectangles and free-form brush strokes.

    Rectangles have sides from 10% to 50% of the image's; strokes are
    random walks of 3 to 8 segments drawn with a round brush 4% to 12% of
    the image's shorter side wide (as in DeepFill v2's free-form masks).
    Each mask covers between 5% and `max_coverage` of the image.

    Args:
        count: int. Number of masks.
        height, width: int. Mask size.
        kind: `"mixed"` (half rectangles, half strokes), `"rectangles"` or
            `"strokes"`. Defaults to `"mixed"`.
        max_coverage: float. Largest share of holes. Defaults to `0.5`.
        seed: int. Defaults to `0`.

    Returns:
        float32 `(count, height, width, 1)`, 1 in the holes, 0 elsewhere.
    """
    check_positive_int("count", count)
    check_choice("kind", kind, MASK_KINDS)
    check_fraction("max_coverage", max_coverage)
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    side = min(height, width)
    masks = np.zeros((count, height, width), np.float32)
    for i in range(count):
        while True:
            draw_strokes = kind == "strokes" or (kind == "mixed" and i % 2)
            mask = np.zeros((height, width), bool)
            if draw_strokes:
                for _ in range(rng.integers(1, 4)):
                    radius = rng.uniform(0.02, 0.06) * side
                    y, x = rng.uniform(0, height), rng.uniform(0, width)
                    for _ in range(rng.integers(3, 9)):
                        angle = rng.uniform(0, 2 * np.pi)
                        length = rng.uniform(0.1, 0.3) * side
                        y2 = np.clip(y + length * np.sin(angle), 0, height)
                        x2 = np.clip(x + length * np.cos(angle), 0, width)
                        mask |= _near_segment(ys, xs, (y, x), (y2, x2), radius)
                        y, x = y2, x2
            else:
                for _ in range(rng.integers(1, 3)):
                    h = int(rng.uniform(0.1, 0.5) * height)
                    w = int(rng.uniform(0.1, 0.5) * width)
                    top, left = rng.integers(0, height - h + 1), rng.integers(0, width - w + 1)
                    mask[top : top + h, left : left + w] = True
            if 0.05 <= mask.mean() <= max_coverage:
                masks[i] = mask
                break
    return masks[..., None]


def _near_segment(ys, xs, start, end, radius):
    """Pixels within `radius` of the segment `start`-`end`."""
    (y1, x1), (y2, x2) = start, end
    dy, dx = y2 - y1, x2 - x1
    length2 = dy * dy + dx * dx
    t = 0.0 if length2 == 0 else np.clip(((ys - y1) * dy + (xs - x1) * dx) / length2, 0, 1)
    return (ys - y1 - t * dy) ** 2 + (xs - x1 - t * dx) ** 2 <= radius * radius


class Mask:
    """Inpainting pairs: `image -> (image with holes + mask channel, image)`.

    Masks come from a bank of `bank_size` random masks (`random_masks`),
    each used in one of its eight flips and rotations, so the stream of
    masks is seeded and costs nothing per step.

    Args:
        kind: `"mixed"`, `"rectangles"` or `"strokes"`. Defaults to
            `"mixed"`.
        max_coverage: float. Defaults to `0.5`.
        bank_size: int. Defaults to `512`.
        seed: int. Defaults to `0`.
    """

    name = "mask"

    def __init__(self, kind="mixed", max_coverage=0.5, bank_size=512, seed=0):
        self.kind = check_choice("kind", kind, MASK_KINDS)
        self.max_coverage = check_fraction("max_coverage", max_coverage)
        self.bank_size = check_positive_int("bank_size", bank_size)
        self.seed = seed
        self.bank = None

    def check_size(self, image_size):
        check_int_at_least("image_size", image_size, 8)
        self.bank = tf.constant(
            random_masks(
                self.bank_size, image_size, image_size, self.kind, self.max_coverage, self.seed
            )
        )

    def __call__(self, image, index):
        mask = self.bank[index % self.bank_size]
        variant = (index // self.bank_size) % 8
        mask = tf.image.rot90(mask, tf.cast(variant % 4, tf.int32))
        mask = tf.cond(variant >= 4, lambda: tf.image.flip_left_right(mask), lambda: mask)
        return tf.concat([image * (1.0 - mask), mask], axis=-1), image


DEGRADATIONS = {"downscale": Downscale, "mask": Mask}


def get(degradation):
    """A degradation from its name (`"downscale"`, `"mask"`) or itself."""
    if isinstance(degradation, str):
        check_choice("degradation", degradation, tuple(DEGRADATIONS))
        return DEGRADATIONS[degradation]()
    if not callable(degradation) or not hasattr(degradation, "check_size"):
        raise ValueError(
            f"`degradation` must be one of {tuple(DEGRADATIONS)} or a degradation object "
            f"(e.g. `Downscale(factor=2)`). Received: degradation={degradation!r}"
        )
    return degradation
