"""Conversions between stored pixels (uint8) and model pixels ([-1, 1])."""

import numpy as np
import tensorflow as tf

__all__ = ["to_float", "to_model_range", "to_uint8"]


def to_float(images):
    """Scales uint8 pixels `[0, 255]` to float32 `[-1, 1]` (a tanh range)."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """Maps float pixels in `[-1, 1]` back to uint8 `[0, 255]`, rounding.

    Values outside `[-1, 1]` are clipped, so any generator output is safe.
    """
    images = tf.cast(images, tf.float32)
    images = tf.round((tf.clip_by_value(images, -1.0, 1.0) + 1.0) * 127.5)
    return tf.cast(images, tf.uint8)


def to_model_range(images, input_shape=(28, 28, 1)):
    """Returns float32 images in [-1, 1] at `input_shape` = (h, w, c).

    Accepts `(n, h, w)` (grey) or `(n, h, w, c)`; uint8 pixels, or floats in
    [0, 1] or in [-1, 1]. Floats with no negative value are read as [0, 1]
    (a generator with a tanh output always produces some negative pixels).
    Images of another height and width are resized (bilinear, antialiased);
    the channel count must match.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    height, width, channels = input_shape
    if images.ndim != 4 or images.shape[-1] != channels:
        raise ValueError(
            f"Expected images of shape (n, {height}, {width}, {channels})"
            + (f" or (n, {height}, {width})" if channels == 1 else "")
            + f" (other heights and widths are resized). Received shape {images.shape}."
        )
    if len(images) < 2:
        raise ValueError(f"Need at least 2 images to evaluate; received {len(images)}.")
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 127.5 - 1.0
    elif not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"Images must be uint8 or floats in [0, 1] or [-1, 1]; received dtype {images.dtype}."
        )
    else:
        images = images.astype(np.float32)
        if not np.isfinite(images).all():
            raise ValueError("Images contain NaN or infinite values.")
        low, high = float(images.min()), float(images.max())
        if low >= 0.0 and high <= 1.0:
            images = images * 2.0 - 1.0
        elif not (low >= -1.0 and high <= 1.0):
            raise ValueError(
                "Float images must lie in [0, 1] or [-1, 1]; received values in "
                f"[{low:.3g}, {high:.3g}]."
            )
    if images.shape[1:3] != (height, width):
        images = np.concatenate(
            [
                tf.image.resize(images[i : i + 1000], (height, width), antialias=True).numpy()
                for i in range(0, len(images), 1000)
            ]
        )
    return images
