"""FusedBatchNormalization trains through TensorFlow's fused kernel and agrees
with keras.layers.BatchNormalization to float rounding."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.networks._layers import FusedBatchNormalization
from keras_gans.utils import precision


def _step(layer, x):
    """Output and gradients (input, gamma, beta) of one training call."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        # A loss that weights every output differently, so that each
        # gradient term (through the mean and the variance) matters.
        weights = tf.reshape(tf.range(tf.size(y), dtype="float32"), y.shape) / 1e3
        loss = tf.reduce_sum(tf.cast(y, "float32") * weights)
    grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
    return [tf.cast(t, "float32").numpy() for t in (y, *grads)]


@pytest.mark.parametrize(
    "policy, shape, tolerance",
    [
        ("float32", (8, 5, 5, 6), 1e-4),
        ("float32", (16, 12), 1e-4),
        ("mixed_bfloat16", (8, 5, 5, 6), 3e-2),
    ],
)
def test_fused_agrees_with_keras(policy, shape, tolerance):
    x = tf.random.stateless_normal(shape, seed=(1, 2)) * 3 + 1
    with precision.dtype_policy(policy):
        fused = FusedBatchNormalization(momentum=0.9, beta_initializer="ones")
        plain = keras.layers.BatchNormalization(momentum=0.9, beta_initializer="ones")
    x = tf.cast(x, fused.compute_dtype)
    for got, expected in zip(_step(fused, x), _step(plain, x)):
        scale = np.abs(expected).max()
        np.testing.assert_allclose(got, expected, atol=tolerance * scale, rtol=tolerance)
    # The moving statistics follow the batch's mean and biased variance.
    for a, b in zip(fused.non_trainable_weights, plain.non_trainable_weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)
    assert abs(fused.moving_mean.numpy().mean() - 0.1) < 0.1  # moved 0.1 of the way to ~1
    # Inference runs the Keras layer's code (on moving statistics equal to rounding).
    np.testing.assert_allclose(
        tf.cast(fused(x, training=False), "float32").numpy(),
        tf.cast(plain(x, training=False), "float32").numpy(),
        rtol=tolerance,
        atol=tolerance,
    )


def test_training_runs_one_fused_op_in_the_compute_dtype():
    with precision.dtype_policy("mixed_bfloat16"):
        layer = FusedBatchNormalization()
    x = tf.zeros((4, 3, 3, 2), "bfloat16")
    graph = tf.function(lambda x: layer(x, training=True)).get_concrete_function(x).graph
    ops = [op.type for op in graph.get_operations()]
    assert "FusedBatchNormV3" in ops and "Mean" not in ops
    fused = next(op for op in graph.get_operations() if op.type == "FusedBatchNormV3")
    assert fused.inputs[0].dtype == tf.bfloat16 and fused.outputs[0].dtype == tf.bfloat16


def test_config_round_trip_and_fallbacks():
    layer = FusedBatchNormalization(momentum=0.8, epsilon=1e-4, center=False, name="bn")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert isinstance(restored, FusedBatchNormalization)
    assert restored.get_config() == layer.get_config()
    # A rank-3 input is not fused; the Keras layer trains it.
    x = tf.random.stateless_normal((4, 7, 3), seed=(3, 4))
    y = restored(x, training=True)
    np.testing.assert_allclose(tf.reduce_mean(y, axis=(0, 1)).numpy(), 0, atol=1e-5)
