"""Class-conditional GAN: networks, training on labelled MNIST, export, bad labels."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def tiny_conditional_gan(seed=0, **compile_args):
    gan = kg.ConditionalGAN(
        kg.networks.conditional_dcgan_generator(latent_dim=8, filters=(16, 8)),
        kg.networks.conditional_dcgan_discriminator(filters=(8, 16)),
        num_classes=10,
        seed=seed,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        **compile_args,
    )
    return gan


@pytest.fixture(scope="module")
def labelled(mnist_dir):
    return (
        kg.data.mnist("train", batch_size=32, data_dir=mnist_dir, seed=0, with_labels=True)
        .take(4)
        .cache()
    )


def test_networks_take_noise_and_label():
    g = kg.networks.conditional_dcgan_generator(latent_dim=8, num_classes=7, filters=(16, 8))
    d = kg.networks.conditional_dcgan_discriminator(num_classes=7, filters=(8, 16))
    z = np.zeros((3, 8), "float32")
    images = g([z, np.array([0, 3, 6], "int32")])
    assert images.shape == (3, 28, 28, 1)
    assert d([images, tf.constant([0, 3, 6])]).shape == (3, 1)
    # The label changes the image and the score (projection discriminator).
    other = g([z, np.array([1, 4, 5], "int32")])
    assert float(tf.reduce_max(tf.abs(images - other))) > 0
    scores = [d([images, tf.fill([3], k)]).numpy() for k in (0, 1)]
    assert np.abs(scores[0] - scores[1]).max() > 0


def test_projection_score_is_w_h_plus_b_plus_the_label_embedding_dot_h():
    d = kg.networks.conditional_dcgan_discriminator(num_classes=5, filters=(8, 16))
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    labels = np.array([0, 2, 4, 2], "int32")
    features = keras.Model(d.inputs, d.get_layer("score").input)([images, labels]).numpy()
    w, b = d.get_layer("score").get_weights()
    (table,) = d.get_layer("label_embedding").get_weights()
    expected = features @ w + b + (table[labels] * features).sum(-1, keepdims=True)
    np.testing.assert_allclose(d([images, labels]).numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_trains_on_labelled_batches_and_round_trips(labelled, tmp_path):
    gan = tiny_conditional_gan()
    before = [w.numpy() for w in gan.generator.trainable_weights]
    history = gan.fit(labelled, epochs=1, verbose=0).history
    assert all(np.isfinite(history[k][-1]) for k in ("d_loss", "g_loss"))
    assert any(
        not np.array_equal(a, b.numpy()) for a, b in zip(before, gan.generator.trainable_weights)
    )

    z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    labels = [0, 1, 2, 9]
    path = str(tmp_path / "cgan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.ConditionalGAN) and loaded.num_classes == 10
    np.testing.assert_allclose(
        loaded.generate(z=z, labels=labels), gan.generate(z=z, labels=labels), atol=1e-6
    )
    loaded.fit(labelled, epochs=1, verbose=0)


def test_generate_defaults_to_every_class_and_checks_labels(labelled):
    gan = tiny_conditional_gan()
    assert gan.generate(12).shape == (12, 28, 28, 1)
    assert gan.generate(labels=np.array([[3], [4]])).shape == (2, 28, 28, 1)
    with pytest.raises(ValueError, match=r"in \[0, 10\).*\[-1, 10\]"):
        gan.generate(labels=[0, 10, -1])
    with pytest.raises(ValueError, match="integers"):
        gan.generate(labels=[0.5, 1.0])
    with pytest.raises(ValueError, match="3 labels for 2 samples"):
        gan.generate(z=np.zeros((2, 8), "float32"), labels=[1, 2, 3])


def test_unlabelled_data_is_a_clear_error(real_batches):
    gan = tiny_conditional_gan()
    with pytest.raises(ValueError, match=r"\(images, labels\).*with_labels=True"):
        gan.fit(tf.data.Dataset.from_tensor_slices(real_batches[:1]), epochs=1, verbose=0)


def test_needs_two_input_networks():
    with pytest.raises(ValueError, match=r"two inputs, \[z, label\]"):
        kg.ConditionalGAN(
            kg.networks.dcgan_generator(),
            kg.networks.conditional_dcgan_discriminator(),
            num_classes=10,
        )


@pytest.mark.slow
def test_export_serves_z_and_label(labelled, tmp_path):
    gan = tiny_conditional_gan(augment="translation", r1_weight=1.0)
    gan.fit(labelled, epochs=1, verbose=0)
    path = kg.export.saved_model(gan.sampling_generator, str(tmp_path), "cgan")
    served = tf.saved_model.load(path).signatures
    serving = served["serving_default"]
    assert set(serving.structured_input_signature[1]) == {"z", "label"}
    assert serving.structured_input_signature[1]["label"].dtype == tf.int32
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    labels = np.array([0, 5, 9], "int32")
    images = serving(z=tf.constant(z), label=tf.constant(labels))["images"]
    assert images.dtype == tf.uint8 and images.shape == (3, 28, 28, 1)
    expected = kg.data.to_uint8(gan.generate(z=z, labels=labels)).numpy()
    assert np.abs(images.numpy().astype(int) - expected.astype(int)).max() <= 1
    sampled = served["sample"](label=tf.constant(labels), seed=tf.constant(7))["images"]
    assert sampled.shape == (3, 28, 28, 1)

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label must be in \[0, 10\)"):
        serving(z=tf.constant(z[:2]), label=tf.constant([3, 10], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label must be in \[0, 10\)"):
        serving(z=tf.constant(z[:1]), label=tf.constant([-2], tf.int32))

    # LiteRT keeps the same two inputs.
    tflite = kg.export.tflite(gan.sampling_generator, str(tmp_path), "cgan")
    lite = kg.export.tflite_runner(tflite)(z=z, label=labels)["images"]
    assert np.abs(lite.astype(int) - images.numpy().astype(int)).max() <= 1


@pytest.mark.slow
def test_evaluator_measures_label_accuracy(mnist_dir):
    evaluator = kg.evaluation.Evaluator(data_dir=mnist_dir)
    images, labels = kg.data.load_arrays("test", data_dir=mnist_dir)
    images, labels = kg.data.to_float(images[:300]).numpy(), labels[:300]
    right = evaluator.evaluate(images, labels=labels)["label_accuracy"]
    wrong = evaluator.evaluate(images, labels=(labels + 1) % 10)["label_accuracy"]
    assert right > 0.98 and wrong < 0.02


def test_the_evaluation_command_samples_a_conditional_keras_file_class_balanced(tmp_path):
    from keras_gans.evaluation import sources

    gan = tiny_conditional_gan()
    gan.generate(z=np.zeros((1, 8), "float32"), labels=np.zeros(1, "int32"))  # built
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    images, labels = sources.load_samples(path, num_samples=25, seed=3)
    assert images.shape == (25, 28, 28, 1)
    np.testing.assert_array_equal(labels, np.arange(25) % 10)
    z = np.random.default_rng(3).standard_normal((25, 8)).astype("float32")
    np.testing.assert_allclose(images, gan.generate(z=z, labels=labels), atol=1e-5)
    with pytest.raises(ValueError, match="not a keras_gans GAN"):
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(str(tmp_path / "m.keras"))
        sources.load_samples(str(tmp_path / "m.keras"))
