"""SpecGAN: the convolutional STFT against Keras's, Griffin-Lim on recorded
drum hits, a GAN with a decoder (sampling, `.keras` round trip, bad
decoders), and the LiteRT export (`keras-gans train audio` with the default specgan pair
is in audio_job_test)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.networks import specgan


@pytest.fixture(scope="module")
def hits(drum_kinds):
    return kg.data.load_audio_folder(drum_kinds, sample_rate=16000, clip_seconds=8192 / 16000)


def test_convolutional_stft_is_keras_stft_and_inverts(hits):
    audio = hits.audio.astype("float32")
    layer = kg.networks.AudioToSpectrogram(8192)
    real, imag = layer.stft(audio)
    keras_real, keras_imag = keras.ops.stft(audio, 256, 128, 256)
    np.testing.assert_allclose(real, keras_real, atol=1e-3)
    np.testing.assert_allclose(imag, keras_imag, atol=1e-3)
    np.testing.assert_allclose(layer.istft(real, imag), audio, atol=1e-5)


def test_spectrogram_images_and_their_shapes(hits):
    images = np.asarray(kg.networks.AudioToSpectrogram(8192)(hits.audio))
    assert images.shape == (6, 64, 128, 1) == (6, *kg.networks.spectrogram_shape(8192))
    assert images.min() >= -1 and images.max() <= 1
    # A hit is loud at its onset and fades: early frames are brighter.
    assert (images[:, :8].mean(axis=(1, 2, 3)) > images[:, -8:].mean(axis=(1, 2, 3))).all()
    silence = kg.networks.AudioToSpectrogram(8192)(np.zeros((1, 8192), "float32"))
    assert np.all(np.asarray(silence) == -1)
    assert kg.networks.spectrogram_shape(16384, 512) == (64, 256, 1)
    with pytest.raises(ValueError, match="multiple of its hop .128 samples.*try 8064 or 8192"):
        kg.networks.spectrogram_shape(8100)
    with pytest.raises(ValueError, match="power of 2"):
        kg.networks.spectrogram_shape(8192, 300)


def test_griffin_lim_brings_back_the_hits(hits):
    to_images = kg.networks.AudioToSpectrogram(8192)
    images = np.asarray(to_images(hits.audio))
    errors = {}
    for iterations in (1, 32):
        audio = np.asarray(kg.networks.SpectrogramToAudio(8192, iterations=iterations)(images))
        assert audio.shape == (6, 8192) and np.abs(audio).max() <= 1
        errors[iterations] = np.abs(np.asarray(to_images(audio)) - images).mean()
    # Phases found by 32 rounds fit the magnitudes far better than one round.
    assert errors[32] < 0.7 * errors[1] and errors[32] < 0.05
    again = kg.networks.SpectrogramToAudio(8192)(images)
    np.testing.assert_array_equal(again, kg.networks.SpectrogramToAudio(8192)(images))
    silent = kg.networks.SpectrogramToAudio(8192)(-np.ones((1, 64, 128, 1), "float32"))
    assert np.abs(np.asarray(silent)).max() == 0


def _tiny_specgan(num_classes=2, clip_samples=2048):
    shape = specgan.spectrogram_shape(clip_samples)
    gan = kg.ConditionalGAN(
        kg.networks.conditional_dcgan_generator(8, num_classes, shape, width=4),
        kg.networks.conditional_dcgan_discriminator(num_classes, shape, width=4),
        num_classes=num_classes,
        seed=0,
        decoder=kg.networks.SpectrogramToAudio(clip_samples, iterations=4),
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    return gan


def test_a_gan_with_a_decoder_trains_on_images_and_gives_sounds(tmp_path, drum_kinds):
    folder = kg.data.load_audio_folder(drum_kinds, sample_rate=8000, clip_seconds=2048 / 8000)
    gan = _tiny_specgan()
    images = kg.networks.AudioToSpectrogram(2048)
    dataset = kg.data.audio_folder(None, batch_size=3, seed=0, folder=folder).map(
        lambda audio, label: (images(audio), label)
    )
    history = gan.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    clips = gan.generate(labels=[0, 1, 1])
    assert clips.shape == (3, 2048) and np.abs(clips).max() <= 1
    assert gan.sampling_generator.output_shape == (None, 2048)
    drawn = gan(
        [kg.callbacks.fixed_noise(3, 8), np.array([0, 1, 1], "int32")], training=False
    )  # the networks' own output stays the spectrogram image
    assert tuple(drawn.shape) == (3, 16, 128, 1)
    gan.save(tmp_path / "specgan.keras")
    loaded = keras.saving.load_model(tmp_path / "specgan.keras")
    assert isinstance(loaded.decoder, kg.networks.SpectrogramToAudio)
    z = kg.callbacks.fixed_noise(2, 8)
    np.testing.assert_allclose(
        loaded.generate(z=z, labels=[0, 1]), gan.generate(z=z, labels=[0, 1]), atol=1e-5
    )
    dense = keras.layers.Dense(2)
    dense.build((None, 4))
    with pytest.raises(ValueError, match="without weights"):
        kg.GAN(
            kg.networks.dcgan_generator(8, (16, 16, 1), width=4),
            kg.networks.dcgan_discriminator((16, 16, 1), width=4),
            decoder=dense,
        )


@pytest.mark.slow
def test_specgan_export_serves_sounds_in_tf_and_litert(tmp_path):
    gan = _tiny_specgan(num_classes=3)
    z, label = kg.callbacks.fixed_noise(2, 8), np.array([0, 2], "int32")
    path, (lite_path,) = kg.export.export_generator(
        gan.sampling_generator, tmp_path, "specgan", tflite_files=("float32",)
    )
    serve = tf.saved_model.load(path).signatures["serving_default"]
    served = serve(z=tf.constant(z), label=tf.constant(label))["audio"].numpy()
    assert served.shape == (2, 2048) and np.abs(served).max() > 0
    np.testing.assert_allclose(served, gan.generate(z=z, labels=label), atol=1e-5)
    lite = kg.export.tflite_runner(lite_path)(z=z, label=label)["audio"]
    np.testing.assert_allclose(lite, served, atol=1e-4)
