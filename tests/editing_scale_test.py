"""The image-editing models on the shared adversarial core's scale options:
two replicas compute the one-device step, XLA compiles it, mixed precision
trains with float32 outputs (Pix2Pix for super-resolution and inpainting,
CycleGAN), on real photos and paintings."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import distribute

from conftest import SHARED

STYLE = os.path.join(SHARED, "style", "photo2monet")


@pytest.fixture(scope="module")
def style_dirs():
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photo2monet images are not available")
    return os.path.join(STYLE, "trainA"), os.path.join(STYLE, "trainB")


def batches(kind, style_dirs, count=2, batch_size=4):
    """`count` real batches of 32-px crops for `kind`, the same ones whatever
    ran before in this process: which crops are drawn depends on the global
    seed, and how well conditioned the steps are depends on the crops."""
    keras.utils.set_random_seed(0)
    photos, paintings = style_dirs
    if kind == "cycle_gan":
        ds = kg.data.unpaired_images(
            photos, paintings, image_size=32, batch_size=batch_size, seed=0
        )
    else:
        degradation = "downscale" if kind == "super_resolution" else "mask"
        ds = kg.data.degraded_images(
            photos, degradation, image_size=32, batch_size=batch_size, seed=0
        )
    data = [tuple(x.numpy() for x in batch) for batch in ds.take(count)]
    if kind == "cycle_gan":
        return data
    # The x4 generator starts as the bilinear upscale, which equals the target
    # exactly on 1-3% of pixels (flat, saturated sky). L1's gradient there is
    # sign(0) = 0, and XLA's or two replicas' reordered sums make it +-1: a
    # discontinuity, not a wrong step. Jittering the targets breaks the ties.
    rng = np.random.default_rng(0)
    return [(x, y + rng.uniform(-0.05, 0.05, y.shape).astype("float32")) for x, y in data]


def build(kind, pool_size=0):
    keras.utils.set_random_seed(0)
    if kind == "cycle_gan":
        return kg.CycleGAN(
            kg.networks.style_generator(filters=8, residual_blocks=1, name="g"),
            kg.networks.patchgan_discriminator(filters=(8, 16), name="d"),
            kg.networks.style_generator(filters=8, residual_blocks=1, name="f"),
            kg.networks.patchgan_discriminator(filters=(8, 16), name="d_reverse"),
            pool_size=pool_size,
            seed=1,
        )
    if kind == "super_resolution":
        generator = kg.networks.super_resolution_generator(filters=8, residual_blocks=1)
        channels = 3
    else:
        generator = kg.networks.inpainting_generator(filters=8, depth=3, max_filters=16)
        channels = 4
    discriminator = kg.networks.patchgan_discriminator(filters=(8, 16), input_channels=channels + 3)
    return kg.Pix2Pix(generator, discriminator, l1_weight=100.0, seed=1)


def train(kind, data, strategy=None, **compile_kwargs):
    """Weights and history after one epoch over `data` under `strategy`.

    Plain SGD: its steps are proportional to the gradients, where Adam's
    normalization would hide a wrongly scaled one.
    """
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        gan = build(kind)
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.05),
            d_optimizer=keras.optimizers.SGD(0.05),
            **compile_kwargs,
        )
    ds = tf.data.Dataset.from_tensor_slices(tuple(np.stack(parts) for parts in zip(*data)))
    history = gan.fit(ds, epochs=1, verbose=0).history
    return gan, {w.path: w.numpy() for w in gan.weights}, history


KINDS = ["super_resolution", "inpainting", "cycle_gan"]
_ONE_DEVICE_GRAPH_RUNS = {}


def one_device_graph_run(kind, style_dirs):
    """`(data, weights, history)`: real batches for `kind` and one epoch of
    `train` over them, computed once per kind, the reference of both the
    replica and the XLA comparison."""
    if kind not in _ONE_DEVICE_GRAPH_RUNS:
        data = batches(kind, style_dirs)
        _, weights, history = train(kind, data, jit_compile=False)
        _ONE_DEVICE_GRAPH_RUNS[kind] = data, weights, history
    return _ONE_DEVICE_GRAPH_RUNS[kind]


def initial_weights(kind):
    return {w.path: w.numpy() for w in build(kind).weights}


def assert_same_step(actual, expected, initial, atol, share):
    """Each weight tensor of `actual` is within `atol` plus `share` of the
    largest move the `expected` steps made in that tensor.

    Relative to the step, not absolute: an L1 gradient is a sum of signs, so
    float32 sums in another order that flip a near-zero residual move a
    zero-initialized bias by a step's 1-2% (seen on the x4 detail bias, which
    two SGD steps move by 0.6); per tensor, not per element, since an element
    that barely moved is a near-cancelling sum. A wrong or wrongly scaled
    gradient is off by a whole share of the step.
    """
    assert set(actual) == set(expected) and set(initial) <= set(expected)
    for path, value in expected.items():
        moved = float(np.abs(value - initial.get(path, value)).max())
        error = float(np.abs(actual[path] - value).max())
        assert error <= atol + share * moved, (
            f"{path}: off by {error:.3g} where the steps moved it by up to {moved:.3g}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_one_and_two_replicas_compute_the_same_step(kind, style_dirs):
    data, one, h1 = one_device_graph_run(kind, style_dirs)
    gan, two, h2 = train(kind, data, distribute.get_strategy("mirrored"))
    assert gan.distribute_strategy.num_replicas_in_sync == 2
    initial = initial_weights(kind)
    # Two replicas split each batch, so the CPU may run other kernels on
    # other shapes: the same step to float32 reordering, which ReLU kinks
    # and instance norm amplify. On this EPYC, inputs perturbed by 1e-7 move
    # CycleGAN's two-step weights by up to 2.4% of a step (eight crop
    # draws), and a CI machine's replicas were 3.1% off. The bugs this test
    # is for are further off: losses summed instead of averaged over
    # replicas double the step, a cycle weight of 9 for 10 is 34% off.
    assert_same_step(two, one, initial, atol=1e-4, share=0.1)
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-4, atol=1e-5, err_msg=key)
    # The steps moved the weights: the comparison is not between two inits.
    assert any(not np.allclose(initial[w.path], w.numpy()) for w in gan.generator.weights)


def test_cycle_gan_pool_under_two_replicas_is_a_clear_error(style_dirs):
    strategy = distribute.get_strategy("mirrored")
    with strategy.scope():
        gan = build("cycle_gan", pool_size=4)
        gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    with pytest.raises(ValueError, match="pool_size=0"):
        gan.fit(tf.data.Dataset.from_tensors(batches("cycle_gan", style_dirs, 1)[0]), verbose=0)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_xla_step_is_finite_and_matches_the_graph_step(kind, style_dirs):
    data, graph, _ = one_device_graph_run(kind, style_dirs)
    gan, xla, h_xla = train(kind, data, jit_compile=True)
    assert gan.jit_compile is True
    assert all(np.isfinite(v[-1]) for v in h_xla.values())
    # XLA fuses and reorders float arithmetic: close, not equal. How close
    # depends on the CPU: 0.15% of a step here (EPYC), but 13% of CycleGAN's
    # first-layer step on a CI machine, where two SGD steps through instance
    # norm amplify the reordering. A wrong step is further off: a cycle
    # weight of 9 instead of 10 is off by 34% of res_0_a's step, half the
    # identity weight by 47% of enc_0_norm's.
    assert_same_step(xla, graph, initial_weights(kind), atol=2e-4, share=0.25)


@pytest.fixture
def bfloat16_policy():
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    yield
    keras.config.set_dtype_policy(previous)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_mixed_bfloat16_trains_with_float32_weights_and_outputs(kind, style_dirs, bfloat16_policy):
    data = batches(kind, style_dirs)
    gan = build(kind)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    computing = {layer.compute_dtype for layer in gan.generator.layers}
    assert "bfloat16" in computing
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(tf.data.Dataset.from_tensors(data[0]).repeat(2), verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert any(
        not np.allclose(a, b.numpy()) for a, b in zip(before, gan.generator.trainable_weights)
    )
    assert all(w.dtype == "float32" for w in gan.weights)
    assert gan.generator.output.dtype == "float32"
    assert gan.discriminator.output.dtype == "float32"
