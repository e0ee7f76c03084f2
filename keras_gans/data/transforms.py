"""Conversions between stored pixels (uint8) and model pixels ([-1, 1])."""

import tensorflow as tf


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
