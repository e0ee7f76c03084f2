"""Image editing: pix2pix networks, degradations on real photos, training,
restoration scores, exports and the two example scripts."""

import json
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import degradations
from keras_gans.evaluation import restoration
from keras_gans.jobs import inpainting

from conftest import SHARED
from conftest import run_script
from model_harness import CallCounter
from model_harness import run_model_test

STYLE = os.path.join(SHARED, "style", "photo2monet")


@pytest.fixture(scope="module")
def photos():
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photo2monet images are not available")
    return kg.data.load_folder(os.path.join(STYLE, "testA"), limit=6)[0]


def tiny_pix2pix(task, seed=0, l1_weight=100.0):
    if task == "super_resolution":
        generator = kg.networks.super_resolution_generator(filters=8, residual_blocks=1)
        channels = 3
    elif task == "inpainting":
        generator = kg.networks.inpainting_generator(filters=8, depth=3, max_filters=16)
        channels = 4
    else:
        generator = kg.networks.unet_generator(filters=8, depth=3, max_filters=16)
        channels = 3
    discriminator = kg.networks.patchgan_discriminator(filters=(8, 16), input_channels=channels + 3)
    return kg.Pix2Pix(generator, discriminator, l1_weight=l1_weight, seed=seed)


# ------------------------------------------------------------------ networks


@pytest.mark.parametrize("size", [(37, 50), (64, 64), (5, 9)])
def test_unet_and_patchgan_take_odd_sizes(size):
    unet = kg.networks.unet_generator(filters=8, depth=4, max_filters=32)
    images = np.random.default_rng(0).uniform(-1, 1, (2, *size, 3)).astype("float32")
    out = unet(images).numpy()
    assert out.shape == (2, *size, 3) and np.abs(out).max() <= 1.0
    scores = kg.networks.patchgan_discriminator(filters=(8, 16), input_channels=6)(
        np.concatenate([images, out], axis=-1)
    )
    assert scores.shape == (2, -(-size[0] // 2), -(-size[1] // 2), 1)


def test_super_resolution_generator_upscales_any_size_and_starts_bilinear():
    generator = kg.networks.super_resolution_generator(scale=4, filters=8, residual_blocks=1)
    small = np.random.default_rng(0).uniform(-1, 1, (1, 7, 11, 3)).astype("float32")
    out = generator(small).numpy()
    assert out.shape == (1, 28, 44, 3)
    # The detail branch starts at zero: the untrained network is bilinear.
    np.testing.assert_allclose(out, tf.image.resize(small, (28, 44), "bilinear"), atol=1e-6)
    with pytest.raises(ValueError, match="scale"):
        kg.networks.super_resolution_generator(scale=3)


def test_inpainting_generator_changes_only_the_holes_and_ignores_their_pixels():
    generator = kg.networks.inpainting_generator(filters=8, depth=3, max_filters=16)
    rng = np.random.default_rng(0)
    image = rng.uniform(-1, 1, (2, 20, 30, 3)).astype("float32")
    mask = np.zeros((2, 20, 30, 1), "float32")
    mask[:, 5:15, 10:20] = 1
    out = generator(np.concatenate([image, mask], -1)).numpy()
    np.testing.assert_array_equal(out[:, :5], image[:, :5])  # outside: the input
    assert not np.allclose(out[:, 5:15, 10:20], image[:, 5:15, 10:20])
    # What the hole held does not matter.
    other = image.copy()
    other[:, 5:15, 10:20] = rng.uniform(-1, 1, (2, 10, 10, 3))
    np.testing.assert_allclose(generator(np.concatenate([other, mask], -1)).numpy(), out, atol=1e-6)


def test_fills_are_the_average_pool_membrane_and_row_interpolation(photos):
    from keras_gans.networks._layers import PyramidFill
    from keras_gans.networks._layers import RowInterpolation
    from keras_gans.networks._layers import _box_sum_3x3

    images = (np.stack(photos[:2])[:, :64, :128] / 127.5 - 1.0).astype("float32")
    # The shifted sums over the neighbour count are avg_pool2d's "SAME" means.
    means = _box_sum_3x3(images) / _box_sum_3x3(tf.ones_like(images[:1, ..., :1]))
    np.testing.assert_allclose(means, tf.nn.avg_pool2d(images, 3, 1, "SAME"), atol=1e-6)
    known = np.ones((2, 64, 128, 1), "float32")
    known[:, 10:50, 30:100] = 0
    known[1, 20:22] = 0  # two rows with no known pixel
    known[1, 40:45, 90:] = 0  # holes that reach the right edge
    known[1, 40:42, :7] = 0  # and the left one
    inputs = tf.concat([images * known, known], axis=-1)
    rows = RowInterpolation()(inputs).numpy()
    xs = np.arange(128)
    for b in range(2):
        for y in [*range(5, 64, 3), 40, 41]:
            keep = known[b, y, :, 0] == 1
            if keep.any():
                expected = np.interp(xs, xs[keep], images[b, y, keep, 0])
                np.testing.assert_allclose(rows[b, y, :, 0], expected, atol=1e-5, err_msg=y)
    assert np.all(rows[1, 20:22] == 0)  # nothing to interpolate from
    membrane = PyramidFill(4)(inputs).numpy()
    np.testing.assert_array_equal(membrane[known[..., 0] == 1], images[known[..., 0] == 1])
    # The membrane is smooth: each hole pixel is near the mean of its neighbours.
    hole = known[0, 11:49, 31:99, 0] == 0
    laplace = (
        membrane[0, 11:49, 31:99] - tf.nn.avg_pool2d(membrane[:1], 3, 1, "SAME")[0, 11:49, 31:99]
    )
    assert np.abs(laplace.numpy()[hole]).max() < 1e-2
    # The generator's base falls back to the membrane on rows without a known pixel.
    generator = kg.networks.inpainting_generator(filters=8, depth=4, max_filters=16)
    base = keras.Model(generator.input, generator.get_layer("base_fill").output)
    out = base(tf.concat([images, 1 - known], axis=-1)).numpy()
    np.testing.assert_allclose(out[1, 20:22], membrane[1, 20:22], atol=1e-5)
    np.testing.assert_allclose(out[0, 30], (membrane[0, 30] + rows[0, 30]) / 2, atol=1e-5)


@pytest.mark.slow
def test_the_row_fill_makes_the_untrained_generator_a_better_inpainter(photos):
    # Photos are layered horizontally: mixing in row-by-row interpolation
    # fills holes closer to the truth than the 2-D membrane alone.
    scores = {}
    for row_weight in (0.0, 0.5):
        generator = kg.networks.inpainting_generator(filters=8, depth=4, row_weight=row_weight)
        serve = kg.export.serving_function(generator, "inpainting")
        scores[row_weight] = restoration.score_inpainting(
            inpainting.Inpainting(inpainting.DEFAULT).inpainter(serve), photos, hole_sizes=(64, 96)
        )
    for size in (64, 96):
        with_rows, membrane = scores[0.5][size]["model"], scores[0.0][size]["model"]
        assert with_rows["l1"] < membrane["l1"] and with_rows["psnr"] > membrane["psnr"], size
        assert membrane["l1"] < scores[0.0][size]["mean"]["l1"]


def test_pix2pix_rejects_a_discriminator_that_cannot_see_the_input():
    with pytest.raises(ValueError, match="input_channels=6"):
        kg.Pix2Pix(
            kg.networks.unet_generator(filters=8, depth=3),
            kg.networks.patchgan_discriminator(filters=(8,)),
        )


# -------------------------------------------------------------- degradations


def test_downscale_pairs_from_real_photos(photos):
    ds = kg.data.degraded_images(
        os.path.join(STYLE, "testA"), "downscale", image_size=64, batch_size=3, seed=0
    )
    small, large = next(iter(ds))
    assert small.shape == (3, 16, 16, 3) and large.shape == (3, 64, 64, 3)
    # The input is the antialiased bicubic downscale of the target, in 8-bit levels.
    expected = tf.image.resize(large, (16, 16), "bicubic", antialias=True)
    np.testing.assert_allclose(small, tf.clip_by_value(expected, -1, 1), atol=1 / 127.5 + 1e-6)
    levels = (small.numpy() + 1) * 127.5
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-3)
    # Antialiasing: the downscale is smoother than nearest-neighbour sampling.
    assert tf.image.total_variation(small).numpy().mean() < (
        tf.image.total_variation(large[:, ::4, ::4]).numpy().mean()
    )
    # uint8 helpers for full-size images.
    image = degradations.modcrop(photos[0][:255, :254], 4)
    assert image.shape == (252, 252, 3)
    assert degradations.downscale(image, 4).shape == (63, 63, 3)
    assert degradations.bicubic_upscale(degradations.downscale(image, 4), 4).shape == image.shape


def test_image_smaller_than_the_scale_factor_is_a_clear_error(photos, tmp_path):
    with pytest.raises(ValueError, match="smaller than the scale factor 4"):
        degradations.modcrop(photos[0][:3, :3], 4)
    with pytest.raises(ValueError, match="multiple of the scale factor"):
        kg.data.degraded_images(os.path.join(STYLE, "testA"), "downscale", image_size=30)
    with pytest.raises(ValueError, match="smaller than the scale factor"):
        restoration.score_super_resolution(lambda x: x, [photos[0][:2, :2]])


def test_mask_pairs_cover_what_they_promise_on_real_photos():
    ds = kg.data.degraded_images(
        os.path.join(STYLE, "testA"), "mask", image_size=64, batch_size=8, seed=0
    )
    inputs, targets = next(iter(ds))
    assert inputs.shape == (8, 64, 64, 4) and targets.shape == (8, 64, 64, 3)
    mask = inputs[..., 3:].numpy()
    assert set(np.unique(mask)) == {0.0, 1.0}
    coverage = mask.mean(axis=(1, 2, 3))
    assert coverage.min() >= 0.05 and coverage.max() <= 0.5
    # The image is zero (mid grey) in the holes and the target elsewhere.
    assert not np.any(inputs[..., :3].numpy() * mask)
    np.testing.assert_allclose(inputs[..., :3] * (1 - mask), targets * (1 - mask))
    masks = degradations.random_masks(20, 48, 40, kind="strokes", max_coverage=0.3, seed=1)
    assert masks.shape == (20, 48, 40, 1)
    assert 0.05 <= masks.mean(axis=(1, 2, 3)).min() and masks.mean(axis=(1, 2, 3)).max() <= 0.3


def test_paired_folders_crop_both_images_alike(tmp_path):
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photos are not available")
    inputs, targets = tmp_path / "grey", tmp_path / "colour"
    inputs.mkdir()
    targets.mkdir()
    for path in kg.data.list_images(os.path.join(STYLE, "testA"))[:4]:
        image = tf.io.decode_jpeg(tf.io.read_file(path))
        name = os.path.splitext(os.path.basename(path))[0]
        grey = tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(image))
        tf.io.write_file(str(inputs / f"{name}.png"), tf.io.encode_png(grey))
        tf.io.write_file(str(targets / f"{name}.png"), tf.io.encode_png(image))
    ds = kg.data.paired_images(str(inputs), str(targets), image_size=64, batch_size=2, seed=3)
    for source, target in ds.take(2):
        assert source.shape == target.shape == (2, 64, 64, 3)
        # Same crop and flip: the input is the target in grey.
        grey = tf.image.rgb_to_grayscale((target + 1) * 127.5)
        np.testing.assert_allclose((source[..., :1] + 1) * 127.5, grey, atol=1.5)
    os.remove(targets / os.listdir(targets)[0])
    with pytest.raises(ValueError, match="4 images and .* has 3"):
        kg.data.paired_images(str(inputs), str(targets))


# ----------------------------------------------------------------- training


@pytest.mark.parametrize("d_steps, passes", [(1, 1), (2, 3)])
def test_pix2pix_runs_its_generator_once_per_step(photos, d_steps, passes):
    inputs = keras.Input((16, 16, 3))
    counted = CallCounter()(inputs)
    outputs = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(counted)
    gan = kg.Pix2Pix(
        keras.Model(inputs, outputs),
        kg.networks.patchgan_discriminator(filters=(8,), input_channels=6),
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3),
        d_optimizer=keras.optimizers.Adam(1e-3),
        d_steps=d_steps,
        run_eagerly=True,
    )
    real = kg.data.to_float(tf.image.resize(np.stack(photos[:2]), (16, 16)))
    before = [
        w.numpy().copy()
        for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights
    ]
    CallCounter.calls = 0
    history = gan.fit(tf.data.Dataset.from_tensors((real, real)), epochs=1, verbose=0)
    # One pass feeds both updates (with one discriminator update per step);
    # both networks still learn.
    assert CallCounter.calls == passes and np.isfinite(history.history["g_loss"][0])
    after = gan.generator.trainable_weights + gan.discriminator.trainable_weights
    assert all(not np.allclose(a, b.numpy()) for a, b in zip(before, after))


@pytest.mark.slow
@pytest.mark.parametrize("task", ["super_resolution", "inpainting"])
def test_pix2pix_keras_contract_on_real_pairs(task, tmp_path):
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photos are not available")
    degradation = "downscale" if task == "super_resolution" else "mask"
    batch = next(
        iter(
            kg.data.degraded_images(
                os.path.join(STYLE, "testA"), degradation, image_size=32, batch_size=2, seed=0
            )
        )
    )
    model = tiny_pix2pix(task)
    run_model_test(
        kg.Pix2Pix,
        dict(generator=model.generator, discriminator=model.discriminator, l1_weight=50.0, seed=1),
        tuple(x.numpy() for x in batch),
        tmp_path,
    )


@pytest.mark.slow
def test_l1_term_pulls_outputs_toward_targets():
    ds = kg.data.degraded_images(
        os.path.join(STYLE, "testA"), "mask", image_size=32, batch_size=4, seed=0
    )
    inputs, targets = next(iter(ds))
    distances = {}
    for l1_weight in (0.0, 100.0):
        keras.utils.set_random_seed(0)
        gan = kg.Pix2Pix(
            kg.networks.unet_generator(input_channels=4, filters=8, depth=3),
            kg.networks.patchgan_discriminator(filters=(8, 16), input_channels=7),
            l1_weight=l1_weight,
            seed=0,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
            d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        )
        gan.fit(tf.data.Dataset.from_tensors((inputs, targets)).repeat(40), verbose=0)
        distances[l1_weight] = float(tf.reduce_mean(tf.abs(gan.translate(inputs) - targets)))
    # Without L1 the adversarial loss alone leaves the outputs far from the
    # targets; with it they come close.
    assert distances[100.0] < 0.6 * distances[0.0], distances


def test_pix2pix_rejects_mismatched_batches():
    gan = tiny_pix2pix("super_resolution")
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    small = np.zeros((2, 10, 10, 3), "float32")
    with pytest.raises(ValueError, match="whole multiple"):
        gan.fit(small, np.zeros((2, 25, 25, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\(batch, height, width, 3\)"):
        gan.fit(small, np.zeros((2, 40, 40, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match="`\\(inputs, targets\\)` batches"):
        gan.fit(small, verbose=0)


# ------------------------------------------------------------------- scores


def test_restoration_scores_rank_an_oracle_above_the_baselines(photos):
    scores = restoration.score_super_resolution(
        lambda small: degradations.bicubic_upscale(small, 4).numpy(), photos[:3]
    )
    assert scores["model"] == scores["bicubic"] and scores["num_images"] == 3
    assert 15 < scores["bicubic"]["psnr"] < 35 and 0.2 < scores["bicubic"]["ssim"] < 0.95

    def oracle(image, mask):
        return image  # the score's images still hold the hole's pixels

    holes = restoration.score_inpainting(oracle, photos[:3], hole_sizes=(32, 64))
    for size in (32, 64):
        assert holes[size]["model"]["l1"] == 0 and holes[size]["model"]["ssim"] == 1
        assert holes[size]["telea"]["l1"] < holes[size]["mean"]["l1"]
    with pytest.raises(ValueError, match="does not fit"):
        restoration.score_inpainting(oracle, [photos[0][:40, :40]], hole_sizes=(64,))


# ------------------------------------------------------------------ exports


@pytest.mark.slow
@pytest.mark.parametrize("task", ["super_resolution", "inpainting"])
def test_exports_match_the_model_in_tf_and_litert_at_two_sizes(task, tmp_path):
    gan = tiny_pix2pix(task, seed=2)
    generator = gan.generator
    # Train a little so that the detail branch is not zero.
    for weight in generator.trainable_weights:
        weight.assign(weight + tf.random.stateless_normal(weight.shape, [1, 2]) * 0.05)
    # The quantized files are converted from the same SavedModel (export_test
    # checks each variant): one conversion suffices here.
    path, lite_paths = kg.export.export_generator(
        generator, str(tmp_path), task, contract=task, tflite_files=("float32",)
    )
    assert path == str(tmp_path / task / "1") and len(lite_paths) == 1
    _, serve = kg.export.load_serving(path)
    lite = kg.export.tflite_runner(lite_paths[0])
    rng = np.random.default_rng(0)
    for height, width in ((16, 24), (37, 21)):
        image = rng.integers(0, 256, (2, height, width, 3)).astype("uint8")
        image_float = image / 127.5 - 1.0
        if task == "super_resolution":
            inputs = dict(image=image)
            expected = generator(image_float.astype("float32"))
            key, shape = "upscaled", (2, 4 * height, 4 * width, 3)
        else:
            mask = np.zeros((2, height, width, 1), "uint8")
            mask[:, 4:12, 5:15] = 255
            inputs = dict(image=image, mask=mask)
            expected = generator(np.concatenate([image_float, mask / 255.0], -1).astype("float32"))
            key, shape = "inpainted", (2, height, width, 3)
        expected = kg.data.to_uint8(expected).numpy().astype(int)
        served = serve(**{k: tf.constant(v) for k, v in inputs.items()})[key].numpy()
        assert served.shape == shape and served.dtype == np.uint8
        assert np.abs(served.astype(int) - expected).max() <= 1
        assert np.abs(lite(**inputs)[key].astype(int) - served).max() <= 1
        if task == "inpainting":
            known = mask[..., 0] == 0
            np.testing.assert_array_equal(served[known], image[known])
    if task == "inpainting":
        with pytest.raises(tf.errors.InvalidArgumentError, match="mask must be uint8"):
            serve(image=tf.zeros([1, 16, 16, 3], tf.uint8), mask=tf.zeros([1, 8, 16, 1], tf.uint8))


# ----------------------------------------------------------------- examples


@pytest.mark.slow
@pytest.mark.parametrize("script", ["super_resolution", "inpainting"])
def test_editing_example_trains_scores_and_exports(script, tmp_path):
    if not os.path.isdir(STYLE):
        pytest.skip("the shared photos are not available")
    test_dir = tmp_path / "test"
    shutil.copytree(os.path.join(STYLE, "testA"), test_dir)
    args = [
        f"--data_dir={os.path.join(STYLE, 'train*')}",
        f"--test_dir={test_dir}",
        "--test_images=3",
        "--image_size=32",
        "--batch_size=2",
        "--epochs=2",
        "--steps_per_epoch=2",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
        "--notflite",
    ]
    if script == "super_resolution":
        args += ["--filters=8", "--residual_blocks=1", "--crop_size=64"]
    else:
        args += ["--filters=8", "--depth=3", "--max_filters=16", "--hole_sizes=16,64"]
    result = run_script(os.path.join("examples", f"{script}.py"), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    scores = summary["scores"]
    assert scores["num_images"] == 3
    if script == "super_resolution":
        assert "bicubic" in result.stdout and 0 < scores["model"]["ssim"] <= 1
    else:
        assert "OpenCV Telea" in result.stdout and set(scores["64"]) == {"mean", "telea", "model"}
    for name in ("epoch_001.png", "epoch_002.png", "comparison.png", "loss_curves.png"):
        assert (tmp_path / "run" / name).stat().st_size > 1000, name
    assert os.path.isfile(tmp_path / "export" / script / "1" / "saved_model.pb")
    # The export's contract, at a size it never saw.
    _, serve = kg.export.load_serving(str(tmp_path / "export" / script))
    image = tf.zeros([1, 20, 28, 3], tf.uint8)
    if script == "super_resolution":
        assert serve(image=image)["upscaled"].shape == (1, 80, 112, 3)
    else:
        out = serve(image=image, mask=tf.fill([1, 20, 28, 1], tf.constant(255, tf.uint8)))
        assert out["inpainted"].shape == (1, 20, 28, 3)


@pytest.mark.slow
def test_editing_example_without_data_is_one_clear_line(tmp_path):
    result = run_script(os.path.join("examples", "super_resolution.py"), f"--output_dir={tmp_path}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: Pass --data_dir")
