import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import tiny_dcgan


@pytest.fixture
def policy(request):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy(previous)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"], indirect=True)
@pytest.mark.parametrize("loss", ["non_saturating", "wasserstein"])
def test_mixed_precision_trains_with_float32_outputs_and_losses(
    policy, loss, real_batches, tmp_path
):
    gan = tiny_dcgan()
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.SGD(1e-2), loss=loss
    )
    assert gan.generator.get_layer("up_0").compute_dtype == policy.split("_")[1]
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:3]), epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert any(
        not np.allclose(a, b.numpy()) for a, b in zip(before, gan.generator.trainable_weights)
    )
    assert all(w.dtype == "float32" for w in gan.weights)
    assert gan.generator.output.dtype == "float32" and gan.discriminator.output.dtype == "float32"
    # float16 needs loss scaling, for both optimizers; bfloat16 has float32's range.
    scaled = policy == "mixed_float16"
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) == scaled

    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.generator.get_layer("up_0").compute_dtype == policy.split("_")[1]
    z = kg.callbacks.fixed_noise(4, 16)
    np.testing.assert_array_equal(loaded.generate(z=z), gan.generate(z=z))

    export_path = kg.export.saved_model(gan.generator, str(tmp_path), "g")
    served = tf.saved_model.load(export_path).signatures["serving_default"](z=tf.constant(z))[
        "images"
    ]
    expected = kg.data.to_uint8(gan.generator(z, training=False)).numpy()
    assert np.abs(served.numpy().astype(int) - expected.astype(int)).max() <= 1


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_mlp_output_stays_float32(policy):
    generator = kg.networks.mlp_generator(8)
    assert generator.get_layer("dense_0").compute_dtype == "bfloat16"
    assert generator.output.dtype == "float32"


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_16_bit_generators_export_as_float32_twins(policy, tmp_path):
    # LiteRT's built-in ops cannot convert bfloat16 compute; exports hold a
    # float32 twin with the very same weights.
    generator = kg.networks.conditional_dcgan_generator(16, 5, filters=(16, 8))
    assert generator.get_layer("up_0").compute_dtype == "bfloat16"
    twin = kg.export.float32_copy(generator)
    assert {layer.compute_dtype for layer in twin.layers} == {"float32"}
    for a, b in zip(generator.weights, twin.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    path, lite_paths = kg.export.export_generator(
        generator, str(tmp_path), "g", tflite_files=("float32", "float16")
    )
    z = kg.callbacks.fixed_noise(4, 16)
    labels = np.array([0, 1, 2, 4], "int32")
    served = (
        tf.saved_model.load(path)
        .signatures["serving_default"](z=tf.constant(z), label=tf.constant(labels))["images"]
        .numpy()
    )
    expected = kg.data.to_uint8(twin([z, labels])).numpy()
    np.testing.assert_array_equal(served, expected)
    for lite_path in lite_paths:
        lite = kg.export.tflite_runner(lite_path)(z=z, label=labels)["images"]
        assert np.abs(lite.astype(int) - served.astype(int)).max() <= 1


def test_auto_precision_follows_the_units_each_job_gains_on(tmp_path):
    from keras_gans.jobs import images
    from keras_gans.jobs import inpainting
    from keras_gans.jobs import super_resolution
    from keras_gans.jobs import vocoder
    from keras_gans.utils import precision

    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor : 0\nflags : fpu avx2 avx512f avx512_bf16\n")
    assert precision.native_bfloat16_cpu(str(cpuinfo))
    assert not precision.native_bfloat16_cpu(str(cpuinfo), units=("amx_bf16",))
    # Where the bfloat16 step lost on both kinds of units (benchmarks/roofline.py),
    # `auto` means float32; elsewhere either unit will do.
    hifigan = vocoder.DEFAULT.replace(arch="hifigan")
    assert hifigan.bfloat16_units == precision.BFLOAT16_UNITS
    assert vocoder.DEFAULT.bfloat16_units == ()  # Vocos: bfloat16 diverged
    assert inpainting.DEFAULT.bfloat16_units == precision.BFLOAT16_UNITS
    assert images.DEFAULT.replace(arch="projected").bfloat16_units == ()
    assert images.DEFAULT.replace(arch="projected").resolved_mixed_precision() == "float32"
    assert images.DEFAULT.replace(arch="dcgan").bfloat16_units == precision.BFLOAT16_UNITS
    assert super_resolution.DEFAULT.bfloat16_units == precision.BFLOAT16_UNITS
    no_gpu = not tf.config.list_physical_devices("GPU")
    for config in (hifigan, images.DEFAULT.replace(arch="projected")):
        expected = no_gpu and precision.native_bfloat16_cpu(units=config.bfloat16_units)
        assert config.resolved_mixed_precision() == ("mixed_bfloat16" if expected else "float32")
    assert hifigan.replace(mixed_precision="mixed_bfloat16").resolved_mixed_precision() == (
        "mixed_bfloat16"
    )
