"""A convolution's kernel gradient: TensorFlow's op against two rewrites.

The kernel gradient of a convolution is the product of its input's patches and
its output gradient; it is also a forward convolution of the input (batch and
channels swapped) with the output gradient as the kernel. This times the three
ways, in float32 and bfloat16, for the stride-2 4x4 convolutions of the default
discriminators (real and fake batches together), to see whether a custom
gradient could beat oneDNN's weight-gradient kernels, whose bfloat16 version is
slow on AVX512-BF16 (docs/results/speed.md, "Tried, not kept").

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
    """The three ways, as `tf.function`s of (inputs, output gradient)."""
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

    @tf.function
    def by_convolution(x, dy):
        # Stride 2 with a 4x4 kernel: kernel row 2a + p reads input row
        # 2(o + a) + p, so each of the 2x2 phases of the padded input
        # (space_to_depth) is a stride-1 convolution with the gradient.
        side, out_side = x.shape[1], dy.shape[1]
        top = max((out_side - 1) * STRIDE + KERNEL - side, 0) // 2
        bottom = (out_side - 1) * STRIDE + KERNEL - side - top
        padded = tf.pad(x, [[0, 0], [top, bottom], [top, bottom], [0, 0]])
        phases = tf.transpose(tf.nn.space_to_depth(padded, STRIDE), [3, 1, 2, 0])
        gradient = tf.nn.conv2d(phases, tf.transpose(dy, [1, 2, 0, 3]), 1, "VALID")
        taps = KERNEL // STRIDE
        gradient = tf.reshape(gradient, [STRIDE, STRIDE, in_channels, taps, taps, out_channels])
        return tf.reshape(tf.transpose(gradient, [3, 0, 4, 1, 2, 5]), shape)

    return by_op, by_patches, by_convolution


def main():
    for name, batch, side, in_channels, out_channels in CASES:
        out_side = -(-side // STRIDE)
        flops = 2 * batch * out_side**2 * KERNEL**2 * in_channels * out_channels
        ways = kernel_gradients(in_channels, out_channels)
        for dtype in ("float32", "bfloat16"):
            x = tf.cast(tf.random.normal([batch, side, side, in_channels]), dtype)
            dy = tf.cast(tf.random.normal([batch, out_side, out_side, out_channels]), dtype)
            expected = tf.cast(ways[0](x, dy), "float32")
            line = f"{name:26s} {dtype:8s}"
            for label, way in zip(("op", "patches", "convolution"), ways):
                difference = tf.abs(tf.cast(way(x, dy), "float32") - expected)
                error = float(tf.reduce_max(difference) / tf.reduce_max(tf.abs(expected)))
                seconds = median_seconds(way, x, dy)
                line += f"  {label} {seconds * 1e3:7.3f} ms ({flops / seconds / 1e9:5.1f} GFLOP/s"
                line += ")" if label == "op" else f", difference {error:.0e})"
            print(line, flush=True)


if __name__ == "__main__":
    main()
