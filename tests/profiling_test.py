"""FLOPs counted from traced training steps, matmul peaks, op profiles and
oneDNN's kernel log (`benchmarks/profiling.py`: measurement code that only the
benchmarks use, kept out of the package)."""

import math
import os
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "benchmarks"))
import profiling  # noqa: E402


def test_matmul_flops_are_two_per_multiply_add():
    @tf.function
    def product(a, b):
        return tf.matmul(a, b, transpose_a=True)

    graph = product.get_concrete_function(
        tf.TensorSpec((16, 8)), tf.TensorSpec((16, 4))
    ).graph  # fmt: skip
    assert profiling.graph_flops(graph) == {"MatMul": 2 * 8 * 16 * 4, "uncounted": 0}


def test_convolution_and_its_gradients_cost_one_forward_pass_each():
    conv = keras.layers.Conv2D(6, 3, strides=2, padding="same")
    conv.build((2, 8, 8, 5))

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(conv(x) ** 2)
        return tape.gradient(y, [x, conv.kernel])

    flops = profiling.graph_flops(step.get_concrete_function(tf.TensorSpec((2, 8, 8, 5))).graph)
    forward = 2 * (2 * 4 * 4 * 6) * (3 * 3 * 5)
    assert flops == {
        "Conv2D": forward,
        "Conv2DBackpropInput": forward,
        "Conv2DBackpropFilter": forward,
        "uncounted": 0,
    }


def test_only_the_gradients_a_step_uses_are_counted():
    # The gradient function of a convolution emits both gradients; asking for
    # the kernel's alone leaves the input's unused, and TensorFlow prunes it.
    conv = keras.layers.Conv2D(6, 3)
    conv.build((2, 8, 8, 5))
    update = tf.Variable(tf.zeros_like(conv.kernel))

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(conv(x) ** 2)
        update.assign(tape.gradient(y, conv.kernel))

    flops = profiling.graph_flops(step.get_concrete_function(tf.TensorSpec((2, 8, 8, 5))).graph)
    assert set(flops) == {"Conv2D", "Conv2DBackpropFilter", "uncounted"}


def test_a_gan_step_counts_each_network_pass_it_runs():
    latent, hidden, pixels, critic = 8, 16, 12, 10
    shape = (2, 3, 2)  # 12 pixels
    generator = kg.networks.mlp_generator(latent, image_shape=shape, hidden_units=(hidden,))
    discriminator = kg.networks.mlp_discriminator(image_shape=shape, hidden_units=(critic,))
    gan = kg.GAN(generator, discriminator, seed=0)
    gan.compile(g_optimizer="adam", d_optimizer="adam", loss="non_saturating")
    batch = tf.random.uniform((4, *shape), -1, 1)
    gan.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=1, verbose=0)
    flops = profiling.train_step_flops(gan, batch)

    b = 4

    def dense(n, a, c):
        return 2 * n * a * c

    g_forward = dense(b, latent, hidden) + dense(b, hidden, pixels)
    # The discriminator's step: fakes, then real and fake together (2b),
    # every weight gradient, and input gradients below the first layer only.
    d_step = (
        g_forward
        + 2 * (dense(2 * b, pixels, critic) + dense(2 * b, critic, 1))
        + dense(2 * b, critic, 1)
    )
    # The generator's: its own pass and gradients (not for z), and the
    # discriminator's forward and input gradients (not its weights).
    g_step = (
        2 * g_forward
        + dense(b, hidden, pixels)
        + 2 * (dense(b, pixels, critic) + dense(b, critic, 1))
    )
    assert flops.pop("uncounted") == 0
    assert sum(flops.values()) == d_step + g_step


def test_matmul_peak_is_a_rate():
    peak = profiling.matmul_peak("float32", size=256, seconds=0.2)
    assert math.isfinite(peak) and peak > 0.1


def test_op_profile_names_the_kernels_that_ran():
    a = tf.random.normal((256, 256))

    @tf.function
    def work():
        x = a
        for _ in range(4):
            x = tf.matmul(x, a)
        return x

    work()
    kernels = profiling.op_profile(lambda: [work().numpy() for _ in range(3)], top=3)
    assert len(kernels) <= 4
    assert any("MatMul" in name for name, _ in kernels)
    assert all(seconds >= 0 for _, seconds in kernels)


@pytest.mark.slow
def test_onednn_kernels_reads_the_verbose_log_of_a_real_run():
    code = (
        "import tensorflow as tf; x = tf.random.normal((2, 16, 16, 8)); "
        "print(tf.nn.conv2d(x, tf.random.normal((3, 3, 8, 16)), 1, 'SAME').shape)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, ONEDNN_VERBOSE="1", TF_CPP_MIN_LOG_LEVEL="3"),
    ).stdout
    kernels = profiling.onednn_kernels(out)
    if not kernels:
        pytest.skip("this TensorFlow build does not run convolutions through oneDNN")
    assert all(ms >= 0 for ms in kernels.values())
    assert ("convolution", "f32") in {(primitive, data_type) for primitive, _, data_type in kernels}


def test_onednn_kernels_ignores_other_lines():
    log = "\n".join(
        [
            "onednn_verbose,v1,info,oneDNN v3.7.3",
            "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core_bf16,"
            "forward_training,src:bf16::blocked:acdb::f0 wei:bf16:a:blocked:AcdB16a2b::f0,,"
            "alg:convolution_direct,mb32_ic1oc64,0.5",
            "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core_bf16,"
            "forward_training,src:bf16::blocked:acdb::f0,,alg:convolution_direct,mb32_ic1oc64,0.25",
            # AMX kernels do not name the data type: the descriptors do.
            "onednn_verbose,v1,primitive,exec,cpu,convolution,brgconv_bwd_w:avx10_1_512_amx,"
            "backward_weights,src:f32::blocked:acdb::f0 wei:f32::blocked:abcd::f0,,"
            "alg:convolution_direct,mb4_ic8oc16,0.125",
            "something else",
        ]
    )
    assert profiling.onednn_kernels(log) == {
        ("convolution", "brg_conv_fwd:avx512_core_bf16", "bf16"): 0.75,
        ("convolution", "brgconv_bwd_w:avx10_1_512_amx", "f32"): 0.125,
    }


def test_cpu_features_are_a_known_subset():
    assert set(profiling.cpu_features()) <= {"avx2", "avx512f", "avx512_bf16", "amx_bf16"}
    assert isinstance(profiling.cpu_name(), str)
    np.testing.assert_equal(len(profiling.cpu_name()) > 0, True)


def test_timed_steps_times_the_steps_of_fit():
    generator = kg.networks.mlp_generator(8, image_shape=(2, 3, 2), hidden_units=(16,))
    discriminator = kg.networks.mlp_discriminator(image_shape=(2, 3, 2), hidden_units=(8,))
    gan = kg.GAN(generator, discriminator, seed=0)
    gan.compile(
        g_optimizer="adam", d_optimizer="adam", loss="non_saturating", steps_per_execution=2
    )
    batches = tf.data.Dataset.from_tensors(tf.zeros((4, 2, 3, 2))).repeat()
    began = time.perf_counter()
    seconds = profiling.timed_steps(gan, batches, steps=4, rounds=2)
    wall = time.perf_counter() - began
    # Three fits of four steps (a warm-up and two timed): the steps are within them.
    assert 0 < seconds and 2 * 4 * seconds < wall
    assert int(gan.g_optimizer.iterations) == 12
