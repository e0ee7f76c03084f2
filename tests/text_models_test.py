"""The character generator and its maximum-likelihood training: sampling
from the noise at a temperature, relaxed characters for adversarial
training, the masked next-character loss, learning real poems, and the
`.keras` round trip that resumes training exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models.text import next_character_loss


def tiny_generator(vocabulary_size=50, length=6, **kwargs):
    return kg.networks.character_generator(
        vocabulary_size, length, latent_dim=8, units=16, embedding_dim=8, **kwargs
    )


def noise(n, latent_dim=8, seed=0):
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_characters_are_drawn_from_the_softmax_at_the_temperature(temperature):
    generator = tiny_generator(3, 2, temperature=temperature)
    decoder = generator.get_layer("decoder")
    # Logits that ignore the state: every character is drawn from p.
    p = np.array([0.5, 0.3, 0.2])
    decoder.logits.kernel.assign(np.zeros_like(decoder.logits.kernel))
    decoder.logits.bias.assign(np.log(p))
    drawn = generator(noise(6000), training=False).numpy()
    assert set(np.unique(drawn)) == {0.0, 1.0} and (drawn.sum(-1) == 1).all()
    expected = p ** (1 / temperature) / (p ** (1 / temperature)).sum()
    np.testing.assert_allclose(drawn[:, 0].mean(0), expected, atol=0.025)
    np.testing.assert_allclose(drawn[:, 1].mean(0), expected, atol=0.025)


def test_the_noise_decides_the_text_and_training_relaxes_it():
    generator = tiny_generator()
    z = noise(4)
    first, again = generator(z).numpy(), generator(z).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, generator(noise(4, seed=1)).numpy())
    z = tf.Variable(z)
    with tf.GradientTape() as tape:
        relaxed = generator(z, training=True)
        score = tf.reduce_sum(relaxed * tf.range(50, dtype="float32"))
    # One-hot forward (what a discriminator sees), relaxed gradients backward.
    np.testing.assert_allclose(relaxed.numpy().max(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(relaxed.numpy().sum(-1), 1.0, atol=1e-5)
    gradients = tape.gradient(score, [z, *generator.trainable_variables])
    assert all(g is not None for g in gradients)
    assert float(tf.reduce_max(tf.abs(gradients[0]))) > 0
    with pytest.raises(ValueError, match="at least `length`"):
        kg.networks.character_generator(50, 20, latent_dim=8)
    with pytest.raises(ValueError, match="above 0"):
        tiny_generator(temperature=0.0)


def test_the_loss_counts_each_text_up_to_its_end():
    logits = tf.math.log(tf.constant([[[0.1, 0.2, 0.7]] * 4] * 2))
    ids = tf.constant([[2, 2, 0, 0], [1, 0, 0, 0]])
    # Text 1: 2, 2, end (padding after it ignored); text 2: 1, end.
    counted = -np.log([0.7, 0.7, 0.1, 0.2, 0.1])
    assert float(next_character_loss(logits, ids)) == pytest.approx(counted.mean(), rel=1e-5)


@pytest.mark.slow
def test_maximum_likelihood_learns_real_poems_and_resumes_from_its_file(poems, tmp_path):
    vocabulary_size = len(poems.vocabulary) + 2
    generator = kg.networks.character_generator(
        vocabulary_size, 20, latent_dim=24, units=32, embedding_dim=32
    )
    model = kg.models.MaximumLikelihoodText(generator, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(5e-3))

    def stream(texts, **options):
        return kg.data.text_dataset(texts, poems.vocabulary, 20, **options)

    held_out = stream(poems.test[:512], batch_size=256, shuffle=False)
    before = model.evaluate(held_out, verbose=0)
    assert before == pytest.approx(np.log(vocabulary_size), abs=0.1)  # uniform at the start
    model.fit(stream(poems.train, batch_size=64, seed=0), epochs=1, steps_per_epoch=40, verbose=0)
    after = model.evaluate(held_out, verbose=0)
    assert after < before - 1.0, (before, after)  # 8.7 -> 7.3 nats a character
    texts = kg.data.decode_texts(model.generate(z=noise(8, 24)), poems.vocabulary)
    assert all(len(text) == 20 for text in texts)
    # The file holds the weights, the optimizer and the noise state: the
    # loaded model trains on exactly as the one in memory.
    model.save(tmp_path / "mle.keras")
    loaded = keras.saving.load_model(tmp_path / "mle.keras")
    more = stream(poems.train, batch_size=64, seed=1, first_epoch=0, steps_per_epoch=3)
    ours = model.fit(more, epochs=1, steps_per_epoch=3, verbose=0).history["loss"]
    theirs = loaded.fit(more, epochs=1, steps_per_epoch=3, verbose=0).history["loss"]
    assert ours == theirs and int(loaded.optimizer.iterations) == 43


@pytest.mark.slow
def test_a_text_gan_starts_from_the_pretrained_generator_and_trains_both(poems, tmp_path):
    size = len(poems.vocabulary) + 2
    generator = kg.networks.character_generator(size, 20, latent_dim=24, units=32)
    pretrained = kg.models.MaximumLikelihoodText(generator, seed=0)
    pretrained.compile(optimizer=keras.optimizers.Adam(3e-3))
    poem_stream = kg.data.text_dataset(poems.train, poems.vocabulary, 20, batch_size=32, seed=0)
    pretrained.fit(poem_stream, epochs=1, steps_per_epoch=5, verbose=0)
    start = [w.numpy() for w in generator.weights]
    discriminator = kg.networks.text_discriminator(size, 20, embedding_dim=16, filters=(32, 32))
    gan = kg.models.TextGAN(generator, discriminator, seed=1)  # the pretrained generator
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-4), d_optimizer=keras.optimizers.Adam(1e-4))
    assert gan.adversarial_loss.name == "relativistic"
    before = [w.numpy() for w in discriminator.weights]
    history = gan.fit(poem_stream, epochs=1, steps_per_epoch=3, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    moved = [not np.allclose(a, w.numpy()) for a, w in zip(start, generator.weights)]
    assert all(moved), [w.path for w, m in zip(generator.weights, moved) if not m]
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, discriminator.weights))
    texts = kg.data.decode_texts(gan.generate(z=noise(4, 24)), poems.vocabulary)
    assert [len(t) for t in texts] == [20] * 4
    gan.save(tmp_path / "text_gan.keras")
    loaded = keras.saving.load_model(tmp_path / "text_gan.keras")
    np.testing.assert_array_equal(loaded.generate(z=noise(4, 24)), gan.generate(z=noise(4, 24)))
    with pytest.raises(ValueError, match=r"int character ids \(batch, 20\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(np.zeros((4, 20), "float32")).batch(2))
