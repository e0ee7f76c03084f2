"""Self-conditioning: clusters without labels, the cluster choice inside the
noise, `SelfConditionedGAN` training, saving and export."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from model_harness import run_model_test


def test_kmeans_recovers_separated_blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 0], [10, 0], [0, 10]], np.float32)
    truth = np.repeat([0, 1, 2], [50, 80, 120])
    x = centers[truth] + rng.normal(0, 0.5, (len(truth), 2))
    labels, found, inertia = kg.clustering.kmeans(x, 3, seed=1)
    # The same partition, whatever the cluster numbering.
    assert len({(t, c) for t, c in zip(truth, labels)}) == 3
    assert sorted(np.bincount(labels)) == [50, 80, 120]
    assert inertia < 0.6
    with pytest.raises(ValueError, match="larger than the 250 points"):
        kg.clustering.kmeans(x, 300)


def test_pixel_clusters_of_real_digits_follow_the_digits(mnist_dir):
    images, digits = kg.data.load_arrays("train", data_dir=mnist_dir)
    images, digits = images[:3000], digits[:3000]
    clusters = kg.clustering.cluster_images(images, k=20, seed=0)
    assert clusters.labels.shape == (3000,) and clusters.counts.sum() == 3000
    np.testing.assert_allclose(clusters.probabilities.sum(), 1.0)
    # Each cluster is mostly one digit (chance would be about 0.11).
    purity = sum(np.bincount(digits[clusters.labels == c]).max() for c in range(20)) / 3000
    assert purity > 0.6


def test_noise_picks_clusters_at_their_frequencies():
    probabilities = [0.5, 0.1, 0.3, 0.1]
    choice = kg.models.gan.NoiseToCluster(probabilities)
    z = np.random.default_rng(0).standard_normal((200_000, 4)).astype("float32")
    labels = keras.ops.convert_to_numpy(choice(z))
    np.testing.assert_allclose(np.bincount(labels) / len(z), probabilities, atol=0.005)
    np.testing.assert_array_equal(choice.labels(z), labels)
    assert kg.models.gan.NoiseToCluster([1.0]).labels(z[:5]).tolist() == [0] * 5
    restored = kg.models.gan.NoiseToCluster.from_config(choice.get_config())
    np.testing.assert_array_equal(restored.labels(z[:100]), labels[:100])
    with pytest.raises(ValueError, match="probabilities"):
        kg.models.gan.NoiseToCluster([0.5, -0.1])


def tiny_self_conditioned(num_clusters=5, seed=1):
    probabilities = np.arange(1, num_clusters + 1) / np.arange(1, num_clusters + 1).sum()
    return kg.SelfConditionedGAN(
        kg.networks.conditional_dcgan_generator(16, num_clusters, filters=(16, 8)),
        kg.networks.conditional_dcgan_discriminator(num_clusters, filters=(8, 16)),
        cluster_probabilities=probabilities.tolist(),
        seed=seed,
    )


@pytest.mark.slow
def test_keras_contract(real_batches, tmp_path):
    images = real_batches[0]
    clusters = kg.clustering.cluster_images(images, k=5, pca_dim=10)
    gan = tiny_self_conditioned()
    run_model_test(
        kg.SelfConditionedGAN,
        dict(
            generator=gan.generator,
            discriminator=gan.discriminator,
            cluster_probabilities=clusters.probabilities.tolist(),
            seed=1,
        ),
        (images, clusters.labels),
        tmp_path,
    )


@pytest.mark.slow
def test_samples_export_and_evaluation_are_unconditional(real_batches, tmp_path, mnist_dir):
    gan = tiny_self_conditioned()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    labels = np.arange(len(real_batches[0])) % 5
    gan.fit(tf.data.Dataset.from_tensors((real_batches[0], labels)), epochs=1, verbose=0)

    z = kg.callbacks.fixed_noise(64, 16, seed=3)
    picked = gan.cluster_choice.labels(z)
    images = gan.generate(z=z)
    assert images.shape == (64, 28, 28, 1)
    # The sampler is the conditional generator at the clusters the noise picks.
    np.testing.assert_allclose(images, gan.generate(z=z, labels=picked), atol=1e-5)
    assert len(gan.sampling_generator.inputs) == 1

    path, lite_paths = kg.export.export_generator(
        gan.sampling_generator, str(tmp_path), "sc", tflite_files=("float32",)
    )
    serve = tf.saved_model.load(path).signatures["serving_default"]
    assert list(serve.structured_input_signature[1]) == ["z"]
    served = serve(z=tf.constant(z))["images"].numpy()
    expected = kg.data.to_uint8(images).numpy()
    assert served.dtype == np.uint8 and np.abs(served.astype(int) - expected).max() <= 1
    lite = kg.export.tflite_runner(lite_paths[0])(z=z)["images"]
    assert np.abs(lite.astype(int) - served.astype(int)).max() <= 1

    evaluator = kg.evaluation.Evaluator(data_dir=mnist_dir)
    results = kg.evaluation.evaluate_gan(evaluator, gan, kg.callbacks.fixed_noise(200, 16))
    assert "label_accuracy" not in results and results["num_samples"] == 200


def test_mnist_pipeline_takes_cluster_labels(mnist_dir):
    images, _ = kg.data.load_arrays("train", data_dir=mnist_dir)
    labels = np.arange(len(images)) % 7
    batch_images, batch_labels = next(
        iter(kg.data.mnist("train", batch_size=64, data_dir=mnist_dir, labels=labels, seed=0))
    )
    assert batch_images.shape == (64, 28, 28, 1) and set(batch_labels.numpy()) <= set(range(7))
    # Labels follow their images through the shuffle.
    index = [
        int(np.flatnonzero((images == (kg.data.to_uint8(x).numpy())).all(axis=(1, 2, 3)))[0])
        for x in batch_images[:4]
    ]
    np.testing.assert_array_equal(labels[index], batch_labels.numpy()[:4])
    with pytest.raises(ValueError, match="60000 integers"):
        kg.data.mnist("train", data_dir=mnist_dir, labels=labels[:10])
