"""WaveGAN: the builders, phase shuffle, training on recorded drum hits, and the
audio export contract in TensorFlow and the LiteRT interpreter at two clip
lengths."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.networks import wavegan


@pytest.fixture(scope="module")
def drums(drum_kinds):
    """Recorded hits of two kinds (kick, snare), decoded at 8 kHz."""
    return kg.data.load_audio_folder(drum_kinds, sample_rate=8000, clip_seconds=1.024)


@pytest.mark.parametrize("clip_samples, stages", [(8192, 5), (16384, 5), (2048, 4), (512, 3)])
def test_clip_lengths_set_the_depth(clip_samples, stages):
    assert wavegan.wavegan_stages(clip_samples) == stages
    g = kg.networks.wavegan_generator(8, clip_samples, width=2)
    d = kg.networks.wavegan_discriminator(clip_samples, width=2)
    clips = g(np.zeros((3, 8), "float32"))
    assert clips.shape == (3, clip_samples) and d(clips).shape == (3, 1)


def test_lengths_that_cannot_be_upsampled_are_a_clear_error():
    with pytest.raises(ValueError, match=r"clip_samples=22050; try 22016, 22144"):
        kg.networks.wavegan_generator(8, 22050)


def test_phase_shuffle_shifts_while_training_only():
    layer = wavegan.PhaseShuffle(radius=2, seed=3)
    x = np.arange(2 * 10 * 1, dtype="float32").reshape(2, 10, 1)
    np.testing.assert_array_equal(layer(x), x)
    shifts = set()
    for _ in range(30):
        y = keras.ops.convert_to_numpy(layer(x, training=True))
        (shift,) = {s for s in range(-2, 3) if np.array_equal(y[:, 3:7], x[:, 3 - s : 7 - s])}
        shifts.add(shift)
        if shift > 0:  # reflected at the start, never padded with zeros
            np.testing.assert_array_equal(y[:, :shift, 0], x[:, shift:0:-1, 0])
    assert shifts == {-2, -1, 0, 1, 2}
    restored = wavegan.PhaseShuffle.from_config(layer.get_config())
    assert (restored.radius, restored.seed) == (2, 3)


def test_conditional_wavegan_trains_on_recorded_drums(drums):
    assert drums.audio.shape == (6, 8192) and drums.class_names == ["kick", "snare"]
    gan = kg.ConditionalGAN(
        kg.networks.conditional_wavegan_generator(16, 2, 8192, width=4),
        kg.networks.conditional_wavegan_discriminator(2, 8192, width=4),
        num_classes=2,
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
        loss="wasserstein",
    )
    dataset = kg.data.audio_folder(None, batch_size=3, seed=0, folder=drums)
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    assert any(
        not np.allclose(a, w.numpy()) for a, w in zip(before, gan.generator.trainable_weights)
    )
    clips = gan.generate(4, labels=np.array([0, 1, 0, 1]))
    assert clips.shape == (4, 8192) and np.abs(clips).max() <= 1


@pytest.mark.slow
@pytest.mark.parametrize("clip_samples", [4096, 16384])
def test_audio_exports_serve_clips_in_tf_and_litert(tmp_path, clip_samples):
    generator = kg.networks.wavegan_generator(8, clip_samples, width=2)
    conditional = kg.networks.conditional_wavegan_generator(8, 3, clip_samples, width=2)
    z = kg.callbacks.fixed_noise(2, 8)
    for name, model, inputs in (
        ("noise", generator, {"z": z}),
        ("labels", conditional, {"z": z, "label": np.array([0, 2], "int32")}),
    ):
        path, (lite_path,) = kg.export.export_generator(
            model, tmp_path, name, tflite_files=("float32",)
        )
        serve = tf.saved_model.load(path).signatures["serving_default"]
        served = serve(**{k: tf.constant(v) for k, v in inputs.items()})["audio"].numpy()
        assert served.dtype == np.float32 and served.shape == (2, clip_samples)
        expected = model([inputs["z"], inputs["label"]] if "label" in inputs else inputs["z"])
        np.testing.assert_allclose(served, keras.ops.convert_to_numpy(expected), atol=1e-6)
        lite = kg.export.tflite_runner(lite_path)(**inputs)["audio"]
        np.testing.assert_allclose(lite, served, atol=1e-5)
