"""Style transfer: networks, data, training on the real photos, export."""

import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import SHARED
from conftest import run_script

STYLE = os.path.join(SHARED, "style", "photo2monet")


@pytest.fixture(scope="module")
def style_dirs():
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photo2monet images are not available")
    return {split: os.path.join(STYLE, split) for split in ("trainA", "trainB", "testA", "testB")}


def tiny_style_gan(**kwargs):
    return kg.StyleTransferGAN(
        kg.networks.style_generator(filters=8, residual_blocks=1, input_skip=True),
        kg.networks.patchgan_discriminator(filters=(8, 16)),
        seed=0,
        **kwargs,
    )


@pytest.mark.parametrize("size", [(36, 52), (64, 64), (100, 28)])
def test_generator_keeps_any_size_divisible_by_4(size):
    for skip in (False, True):
        g = kg.networks.style_generator(filters=8, residual_blocks=2, input_skip=skip)
        out = g(np.zeros((2, *size, 3), "float32"))
        assert out.shape == (2, *size, 3)
        assert float(tf.reduce_max(tf.abs(out))) <= 1.0


def test_founding_generator_and_patchgan_shapes():
    g = kg.networks.style_generator()
    convs = [
        layer
        for layer in g.layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))
    ]
    assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [
        (64, (9, 9), (1, 1)),
        (128, (3, 3), (2, 2)),
        (256, (3, 3), (2, 2)),
        (128, (3, 3), (2, 2)),
        (64, (3, 3), (2, 2)),
        (3, (9, 9), (1, 1)),
    ]
    d = kg.networks.patchgan_discriminator()
    assert d(np.zeros((1, 256, 256, 3), "float32")).shape == (1, 32, 32, 1)
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.GroupNormalization)]
    # Instance norm: one group per channel.
    assert len(norms) == 3 and all(n.groups == n.output.shape[-1] for n in norms)
    with pytest.raises(ValueError, match="norm"):
        kg.networks.patchgan_discriminator(norm="layer")
    with pytest.raises(ValueError, match="residual_blocks"):
        kg.networks.style_generator(residual_blocks=-1)


def test_unpaired_pipeline_on_real_images(style_dirs):
    ds = kg.data.unpaired_images(
        style_dirs["trainA"], style_dirs["trainB"], image_size=48, batch_size=3, seed=0
    )
    content, style = next(iter(ds))
    assert content.shape == style.shape == (3, 48, 48, 3) and content.dtype == tf.float32
    assert float(tf.reduce_min(content)) >= -1 and float(tf.reduce_max(content)) <= 1
    # One epoch is one pass over the 151 photos: 50 full batches of 3.
    assert sum(1 for _ in ds) == len(kg.data.list_images(style_dirs["trainA"])) // 3


def test_corrupt_and_missing_images(style_dirs, tmp_path, caplog):
    content = tmp_path / "content"
    content.mkdir()
    for name in sorted(os.listdir(style_dirs["testA"]))[:4]:
        shutil.copy(os.path.join(style_dirs["testA"], name), content / name)
    (content / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    (content / "notes.txt").write_text("ignored: not an image extension")
    with caplog.at_level("WARNING", logger="keras_gans"):
        ds = kg.data.unpaired_images(str(content), style_dirs["testB"], image_size=32, batch_size=2)
    assert "broken.jpg" in caplog.text
    assert sum(1 for _ in ds) == 2  # the 4 good photos, in batches of 2
    with pytest.raises(ValueError, match="broken.jpg"):
        kg.data.unpaired_images(str(content), style_dirs["testB"], on_error="raise")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(kg.data.DataNotFoundError, match="holds no"):
        kg.data.unpaired_images(str(empty), style_dirs["testB"])
    with pytest.raises(kg.data.DataNotFoundError, match="does not exist"):
        kg.data.unpaired_images(str(tmp_path / "missing"), style_dirs["testB"])


@pytest.mark.slow
def test_training_steps_on_real_crops_update_both_networks(style_dirs, tmp_path):
    ds = kg.data.unpaired_images(
        style_dirs["trainA"], style_dirs["trainB"], image_size=32, batch_size=2, seed=0
    ).take(3)
    gan = tiny_style_gan(content_weight=2.0, identity_weight=0.5, tv_weight=0.1)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3))
    assert isinstance(gan.adversarial_loss, kg.losses.LeastSquaresLoss)  # LSGAN by default
    g0 = [w.numpy().copy() for w in gan.generator.trainable_weights]
    d0 = [w.numpy().copy() for w in gan.discriminator.trainable_weights]
    history = gan.fit(ds, epochs=1, verbose=0).history
    assert set(history) == {
        "d_loss",
        "g_loss",
        "adv_loss",
        "content_loss",
        "identity_loss",
        "tv_loss",
        "d_real",
        "d_fake",
    }
    assert all(np.isfinite(v[0]) for v in history.values())
    expected = (
        history["adv_loss"][0]
        + 2.0 * history["content_loss"][0]
        + 0.5 * history["identity_loss"][0]
        + 0.1 * history["tv_loss"][0]
    )
    assert history["g_loss"][0] == pytest.approx(expected, rel=1e-4)
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(g0, gan.generator.trainable_weights))
    assert any(
        not np.allclose(a, b.numpy()) for a, b in zip(d0, gan.discriminator.trainable_weights)
    )

    path = str(tmp_path / "style.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.content_weight == 2.0 and int(loaded.g_optimizer.iterations) == 3
    x = np.random.default_rng(0).uniform(-1, 1, (1, 32, 40, 3)).astype("float32")
    np.testing.assert_array_equal(loaded.stylize(x), gan.stylize(x))


@pytest.mark.slow
def test_xla_and_wasserstein_on_patches(style_dirs):
    ds = kg.data.unpaired_images(
        style_dirs["testA"], style_dirs["testB"], image_size=32, batch_size=2, seed=0
    ).take(2)
    gan = tiny_style_gan()
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3),
        d_optimizer=keras.optimizers.Adam(1e-3),
        loss="wasserstein",
        jit_compile=True,
    )
    history = gan.fit(ds, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in history.values())


def test_bad_batches_are_clear_errors():
    gan = tiny_style_gan()
    gan.compile()
    x = np.zeros((1, 2, 32, 32, 3), "float32")
    with pytest.raises(ValueError, match=r"\(content, style\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(x), epochs=1, verbose=0)
    gray = tf.data.Dataset.from_tensor_slices((np.zeros((1, 2, 32, 32, 1), "float32"),) * 2)
    with pytest.raises(ValueError, match="3\\)"):
        gan.fit(gray, epochs=1, verbose=0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "quantization,tolerance", [("float32", 1), ("float16", 2), ("dynamic_int8", 40)]
)
def test_export_round_trip_at_two_sizes(tmp_path, quantization, tolerance):
    generator = kg.networks.style_generator(filters=8, residual_blocks=1, input_skip=True)
    path = kg.export.style_saved_model(generator, str(tmp_path), "style_test")
    serve = tf.saved_model.load(path).signatures["serving_default"]
    spec = serve.structured_input_signature[1]["content"]
    assert spec.dtype == tf.uint8 and spec.shape.as_list() == [None, None, None, 3]
    lite = kg.export.tflite_runner(
        kg.export.tflite(generator, str(tmp_path), "style_test", quantization)
    )
    rng = np.random.default_rng(0)
    for height, width in ((37, 50), (64, 64)):  # 37x50 is padded to 40x52 inside
        content = rng.integers(0, 256, (2, height, width, 3), dtype=np.uint8)
        served = serve(content=tf.constant(content))["stylized"].numpy()
        assert served.dtype == np.uint8 and served.shape == content.shape
        padded = np.pad(
            content, ((0, 0), (0, (-height) % 4), (0, (-width) % 4), (0, 0)), mode="symmetric"
        )
        expected = kg.data.to_uint8(generator(kg.data.to_float(padded), training=False)).numpy()
        np.testing.assert_allclose(served, expected[:, :height, :width], atol=1)
        from_lite = lite(content=content)["stylized"]
        assert from_lite.shape == content.shape
        assert np.abs(from_lite.astype(int) - served.astype(int)).max() <= tolerance


@pytest.mark.slow
def test_style_example_and_stylize_end_to_end(style_dirs, tmp_path):
    result = run_script(
        "examples/style_transfer.py",
        f"--content_dir={style_dirs['trainA']}",
        f"--style_dir={style_dirs['trainB']}",
        f"--test_content_dir={style_dirs['testA']}",
        "--image_size=32",
        "--batch_size=2",
        "--epochs=2",
        "--steps_per_epoch=2",
        "--filters=8",
        "--residual_blocks=1",
        "--d_filters=8,16",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
        "--notflite",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("epoch_001.png", "epoch_002.png", "loss_curves.png", "gan.keras", "summary.json"):
        assert (tmp_path / "run" / name).is_file(), name
    model = tmp_path / "export" / "style_monet"
    assert (model / "1" / "saved_model.pb").is_file()

    photo = sorted(os.listdir(style_dirs["testA"]))[0]
    out = tmp_path / "stylized"
    result = run_script(
        "examples/stylize.py",
        f"--model={model}",
        f"--output_dir={out}",
        "--side_by_side",
        os.path.join(style_dirs["testA"], photo),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stylized = tf.io.decode_png(tf.io.read_file(str(out / (os.path.splitext(photo)[0] + ".png"))))
    assert stylized.shape == (256, 256, 3)
    assert (out / (os.path.splitext(photo)[0] + "_before_after.png")).is_file()


def test_missing_tfds_data_is_a_clear_error(tmp_path):
    # download=False: online, this would start a real download.
    with pytest.raises(kg.data.DataNotFoundError, match="cycle_gan/monet2photo.*--content_dir"):
        kg.data.cycle_gan(data_dir=str(tmp_path), download=False)


@pytest.mark.slow
def test_example_reports_an_empty_folder_without_a_traceback(style_dirs, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_script(
        "examples/style_transfer.py",
        f"--content_dir={style_dirs['trainA']}",
        f"--style_dir={empty}",
        f"--output_dir={tmp_path / 'run'}",
    )
    assert result.returncode == 2
    assert str(empty) in result.stderr and "Traceback" not in result.stderr
