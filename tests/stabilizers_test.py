"""Stabilizers: EMA, spectral norm, R1, DiffAugment, label smoothing."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import tiny_dcgan


def adam(**kwargs):
    return keras.optimizers.Adam(1e-3, beta_1=0.5, **kwargs)


def dataset(batches):
    return tf.data.Dataset.from_tensor_slices(batches)


def top_singular_value(kernel):
    matrix = np.reshape(np.asarray(kernel), (-1, np.shape(kernel)[-1]))
    return float(np.linalg.svd(matrix, compute_uv=False)[0])


# ------------------------------------------------------------------- EMA


def test_ema_weights_lag_the_raw_weights_and_drive_sampling(real_batches, tmp_path):
    gan = tiny_dcgan()
    gan.compile(g_optimizer=adam(use_ema=True, ema_momentum=0.9), d_optimizer=adam())
    start = [w.numpy() for w in gan.generator.trainable_weights]
    gan.fit(dataset(real_batches), epochs=1, verbose=0)

    raw = [w.numpy() for w in gan.generator.trainable_weights]
    averaged = [w.numpy() for w in gan.sampling_generator.trainable_weights]
    assert gan.uses_ema
    # The average trails the raw weights: nearer the start, not equal to them.
    moved_raw = sum(np.sum((r - s) ** 2) for r, s in zip(raw, start))
    moved_avg = sum(np.sum((a - s) ** 2) for a, s in zip(averaged, start))
    assert 0 < moved_avg < 0.9 * moved_raw
    assert all(not np.array_equal(r, a) for r, a in zip(raw, averaged))
    # Non-trainable state (batch-norm statistics) is the raw generator's.
    for r, a in zip(
        gan.generator.non_trainable_weights, gan.sampling_generator.non_trainable_weights
    ):
        np.testing.assert_array_equal(r.numpy(), a.numpy())

    z = np.random.default_rng(0).standard_normal((4, 16)).astype("float32")
    from_ema = gan.sampling_generator(z, training=False).numpy()
    np.testing.assert_allclose(gan.generate(z=z), from_ema, atol=1e-6)
    assert np.abs(gan.generator(z, training=False).numpy() - from_ema).max() > 1e-3

    # The averages are optimizer state: a `.keras` file brings them back.
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.generate(z=z), from_ema, atol=1e-6)


def test_without_ema_the_sampling_generator_is_the_generator():
    gan = tiny_dcgan()
    gan.compile(g_optimizer=adam(), d_optimizer=adam())
    assert not gan.uses_ema
    assert gan.sampling_generator is gan.generator


def test_ema_export_serves_the_averaged_weights(real_batches, tmp_path):
    gan = tiny_dcgan()
    gan.compile(g_optimizer=adam(use_ema=True, ema_momentum=0.9), d_optimizer=adam())
    gan.fit(dataset(real_batches[:4]), epochs=1, verbose=0)
    z = np.random.default_rng(1).standard_normal((4, 16)).astype("float32")
    path = kg.export.saved_model(gan.sampling_generator, str(tmp_path), "ema")
    served = tf.saved_model.load(path).signatures["serving_default"](z=tf.constant(z))
    expected = kg.data.to_uint8(gan.generate(z=z)).numpy()
    assert np.abs(served["images"].numpy().astype(int) - expected.astype(int)).max() <= 1


# --------------------------------------------------------- spectral norm


def test_spectral_norm_bounds_the_top_singular_value(real_batches):
    plain = kg.networks.dcgan_discriminator(filters=(8, 16))
    # Without the constraint, the initial kernels are far from norm 1.
    assert max(top_singular_value(w) for w in plain.weights if w.ndim >= 2) > 1.3

    gan = tiny_dcgan(spectral_norm=True)
    gan.compile(g_optimizer=adam(), d_optimizer=adam())
    gan.fit(dataset(np.concatenate([real_batches] * 3)), epochs=1, verbose=0)
    wrapped = [
        layer
        for layer in gan.discriminator.layers
        if isinstance(layer, keras.layers.SpectralNormalization)
    ]
    assert len(wrapped) == 3  # two convolutions and the score layer
    for layer in wrapped:
        # The optimizer's step after the last normalization moves it a little.
        assert top_singular_value(layer.layer.kernel) == pytest.approx(1.0, abs=0.05)


def test_spectral_norm_discriminators_save_and_load(tmp_path):
    for model in (
        kg.networks.dcgan_discriminator(filters=(8, 16), spectral_norm=True),
        kg.networks.mlp_discriminator(hidden_units=(32,), spectral_norm=True),
        kg.networks.conditional_dcgan_discriminator(filters=(8, 16), spectral_norm=True),
    ):
        path = str(tmp_path / f"{model.name}.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
        inputs = [np.zeros((2, 28, 28, 1), "float32")]
        if len(model.inputs) == 2:
            inputs.append(np.array([1, 2], "int32"))
        np.testing.assert_allclose(
            loaded(inputs if len(inputs) > 1 else inputs[0]).numpy(),
            model(inputs if len(inputs) > 1 else inputs[0]).numpy(),
            atol=1e-6,
        )


# -------------------------------------------------------------------- R1


def test_r1_penalty_is_the_squared_gradient_norm_on_real_images():
    # For a linear discriminator D(x) = w . x, grad_x D = w for every image.
    w = np.random.default_rng(0).standard_normal((12, 1)).astype("float32")
    inputs = keras.Input((12,))
    score = keras.layers.Dense(1, use_bias=False)(inputs)
    linear = keras.Model(inputs, score)
    linear.layers[-1].kernel.assign(w)
    real = np.random.default_rng(1).standard_normal((3, 12)).astype("float32")
    penalty = kg.losses.r1_penalty(linear, tf.constant(real)).numpy()
    np.testing.assert_allclose(penalty, np.full(3, np.sum(w**2)), rtol=1e-5)


def test_r1_flattens_the_discriminator_around_real_images(real_batches):
    def real_gradient_norm(gan):
        real = tf.constant(real_batches[0])
        return float(tf.reduce_mean(kg.losses.r1_penalty(gan.discriminator, real)))

    norms = {}
    for weight in (0.0, 10.0):
        keras.utils.set_random_seed(0)  # the same initial weights for both
        gan = tiny_dcgan(seed=3)
        gan.compile(g_optimizer=adam(), d_optimizer=adam(), r1_weight=weight)
        gan.fit(dataset(np.concatenate([real_batches] * 2)), epochs=1, verbose=0)
        norms[weight] = real_gradient_norm(gan)
    assert norms[10.0] < 0.5 * norms[0.0]


def test_r1_weight_must_be_non_negative():
    with pytest.raises(ValueError, match="r1_weight"):
        tiny_dcgan().compile(g_optimizer=adam(), d_optimizer=adam(), r1_weight=-1.0)


# ----------------------------------------------------------- DiffAugment


@pytest.mark.parametrize("shape", [(4, 28, 28, 1), (3, 32, 24, 3)])
def test_diff_augment_keeps_shapes_and_passes_gradients(shape):
    augment = kg.augment.DiffAugment(seed=0)
    images = tf.Variable(np.random.default_rng(0).uniform(-1, 1, shape).astype("float32"))
    with tf.GradientTape() as tape:
        out = augment(images, training=True)
        total = tf.reduce_sum(out * out)
    grads = tape.gradient(total, images)
    assert out.shape == shape and out.dtype == images.dtype
    assert grads is not None and float(tf.reduce_mean(tf.cast(grads != 0, "float32"))) > 0.3
    assert float(tf.reduce_mean(tf.abs(out - images))) > 0.05
    # Inference leaves images alone.
    np.testing.assert_array_equal(augment(images, training=False).numpy(), images.numpy())


def test_translation_shifts_each_image_as_a_whole():
    augment = kg.augment.DiffAugment("translation", seed=1)
    images = np.random.default_rng(0).uniform(0.5, 1.0, (6, 16, 16, 1)).astype("float32")
    out = augment(tf.constant(images), training=True).numpy()
    pad = 2  # 0.125 * 16
    shifted = 0
    for image, moved in zip(images, out):
        matches = [
            (dy, dx)
            for dy in range(-pad, pad + 1)
            for dx in range(-pad, pad + 1)
            if np.array_equal(
                np.pad(image, ((pad, pad), (pad, pad), (0, 0)))[
                    pad + dy : pad + dy + 16, pad + dx : pad + dx + 16
                ],
                moved,
            )
        ]
        assert len(matches) == 1
        shifted += matches[0] != (0, 0)
    assert shifted >= 3


def test_cutout_zeroes_one_square_per_image():
    augment = kg.augment.DiffAugment("cutout", seed=2)
    images = np.ones((8, 28, 28, 1), "float32")
    out = augment(tf.constant(images), training=True).numpy()
    zeroed = (out == 0).sum(axis=(1, 2, 3))
    assert zeroed.max() == 14 * 14 and zeroed.min() > 0
    assert set(np.unique(out)) <= {0.0, 1.0}


@pytest.mark.parametrize("augment", [kg.augment.DiffAugment(seed=3), "ada"])
def test_a_clips_frames_are_augmented_alike(augment):
    # Clips whose frames are all one picture stay so: one draw per clip.
    if augment == "ada":
        augment = kg.augment.AdaptiveAugment(initial_probability=0.5, seed=4)
    picture = np.random.default_rng(0).uniform(-1, 1, (6, 1, 16, 16, 2)).astype("float32")
    clips = tf.Variable(np.repeat(picture, 5, axis=1))
    with tf.GradientTape() as tape:
        out = augment(clips, training=True)
        total = tf.reduce_sum(out * out)
    assert out.shape == clips.shape and tape.gradient(total, clips) is not None
    out = out.numpy()
    np.testing.assert_allclose(out, np.repeat(out[:, :1], 5, axis=1), atol=1e-6)
    changed = np.abs(out - clips.numpy()).mean(axis=(1, 2, 3, 4)) > 0.01
    assert 1 <= changed.sum()  # some clips changed, each as a whole
    # Colour stays per frame and channel: a clip of two different frames is
    # not averaged across them.
    two = np.concatenate([np.full((1, 1, 8, 8, 1), -0.5), np.full((1, 1, 8, 8, 1), 0.5)], 1)
    coloured = kg.augment.DiffAugment("color", seed=5)(tf.constant(two, "float32"), training=True)
    first, second = coloured.numpy()[0, :, 0, 0, 0]
    assert second - first > 0.1


def test_gan_shows_real_and_generated_images_through_the_augmentation(real_batches):
    class Blank(keras.layers.Layer):
        def call(self, images, training=False):
            return images * 0.0

    gan = tiny_dcgan()
    gan.compile(g_optimizer=adam(), d_optimizer=adam(), augment=Blank())
    history = gan.fit(dataset(real_batches[:2]), epochs=1, verbose=0).history
    # Both sides went through the layer, so the discriminator saw the same
    # (blank) images and gave them the same score.
    assert history["d_real"][-1] == pytest.approx(history["d_fake"][-1], abs=1e-6)


@pytest.mark.slow
def test_diff_augment_and_r1_train_under_xla(real_batches):
    # Their `.keras` round trip is in adversarial_models_test (the harness).
    gan = tiny_dcgan()
    gan.compile(
        g_optimizer=adam(),
        d_optimizer=adam(),
        augment="translation,cutout,color",
        r1_weight=1.0,
        jit_compile=True,
    )
    before = [w.numpy().copy() for w in gan.discriminator.weights]
    history = gan.fit(dataset(real_batches[:4]), epochs=1, verbose=0).history
    assert all(np.isfinite(history[k][-1]) for k in ("d_loss", "g_loss"))
    assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, gan.discriminator.weights))
    assert gan.get_compile_config()["augment"]["config"]["policy"] == [
        "translation",
        "cutout",
        "color",
    ]


def test_unknown_augment_policy_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown DiffAugment policy.*rotate"):
        kg.augment.DiffAugment("translation,rotate")


# ------------------------------------------------------- label smoothing


def test_one_sided_label_smoothing_changes_only_the_real_target():
    real = tf.constant([[2.0], [-1.0]])
    fake = tf.constant([[0.5], [0.1]])
    smooth = kg.losses.NonSaturatingLoss(label_smoothing=0.1)
    plain = kg.losses.NonSaturatingLoss()

    def bce(logit, target):
        p = 1 / (1 + np.exp(-logit))
        return -(target * np.log(p) + (1 - target) * np.log(1 - p))

    expected = bce(np.array([2.0, -1.0]), 0.9) + bce(np.array([0.5, 0.1]), 0.0)
    np.testing.assert_allclose(smooth.discriminator_loss(real, fake).numpy(), expected, rtol=1e-5)
    # The generator's loss and the fake target are unchanged.
    np.testing.assert_allclose(
        smooth.generator_loss(fake).numpy(), plain.generator_loss(fake).numpy()
    )
    assert kg.losses.get(keras.saving.serialize_keras_object(smooth)).label_smoothing == 0.1
    with pytest.raises(ValueError, match="label_smoothing"):
        kg.losses.NonSaturatingLoss(label_smoothing=1.0)
