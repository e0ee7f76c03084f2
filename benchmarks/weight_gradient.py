"""A convolution's kernel gradient: TensorFlow's op against patches times gradient.

The kernel gradient of a convolution is the product of its input's patches and
its output gradient. This times both ways, in float32 and bfloat16, for the
stride-2 4x4 convolutions of the default discriminators (real and fake
batches together), to see whether a custom gradient could beat oneDNN's
weight-gradient kernels (docs/results/speed.md, "Tried, not kept").

    python benchmarks/weight_gradient.py
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

# name, batch, input height and width, input channels, output channels.
CASES = (
    ("MNIST D, second conv", 64, 14, 64, 128),
    ("MNIST D, first conv", 64, 28, 1, 64),
    ("peer D, second conv", 256, 14, 64, 128),
    ("own images D, third conv", 64, 16, 128, 256),
)
KERNEL, STRIDE = 4, 2


def median_seconds(fn, *args, calls=30, runs=5):
    for _ in range(3):
        fn(*args)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            result = fn(*args)
        result.numpy()
        times.append((time.perf_counter() - start) / calls)
    return sorted(times)[runs // 2]


def kernel_gradients(in_channels, out_channels):
    """The two ways, as `tf.function`s of (inputs, output gradient)."""
    strides = [1, STRIDE, STRIDE, 1]
    shape = [KERNEL, KERNEL, in_channels, out_channels]

    @tf.function
    def by_op(x, dy):
        return tf.raw_ops.Conv2DBackpropFilter(
            input=x, filter_sizes=shape, out_backprop=dy, strides=strides, padding="SAME"
        )

    @tf.function
    def by_patches(x, dy):
        patches = tf.image.extract_patches(x, [1, KERNEL, KERNEL, 1], strides, [1] * 4, "SAME")
        patches = tf.reshape(patches, [-1, KERNEL * KERNEL * in_channels])
        gradient = tf.matmul(patches, tf.reshape(dy, [-1, out_channels]), transpose_a=True)
        return tf.reshape(gradient, shape)

    return by_op, by_patches


def main():
    for name, batch, side, in_channels, out_channels in CASES:
        out_side = -(-side // STRIDE)
        flops = 2 * batch * out_side**2 * KERNEL**2 * in_channels * out_channels
        by_op, by_patches = kernel_gradients(in_channels, out_channels)
        for dtype in ("float32", "bfloat16"):
            x = tf.cast(tf.random.normal([batch, side, side, in_channels]), dtype)
            dy = tf.cast(tf.random.normal([batch, out_side, out_side, out_channels]), dtype)
            a, b = (tf.cast(f(x, dy), "float32") for f in (by_op, by_patches))
            error = float(tf.reduce_max(tf.abs(a - b)) / tf.reduce_max(tf.abs(a)))
            t_op, t_patches = (median_seconds(f, x, dy) for f in (by_op, by_patches))
            print(
                f"{name:26s} {dtype:8s} op {t_op * 1e3:7.3f} ms "
                f"({flops / t_op / 1e9:5.1f} GFLOP/s)  patches {t_patches * 1e3:7.3f} ms "
                f"({flops / t_patches / 1e9:5.1f})  {t_op / t_patches:4.2f}x  "
                f"relative difference {error:.1e}",
                flush=True,
            )


if __name__ == "__main__":
    main()
