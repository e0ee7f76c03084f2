"""Vocos on real recorded speech (Debian's festival): its inverse STFT
against TensorFlow's, clip lengths for any number of frames, the mel loss
falling, the `.keras` round trip, the export in TF and LiteRT, and
`keras-gans train vocoder` (Vocos is its default)."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from vocoder_test import SEGMENT
from vocoder_test import SETTINGS
from vocoder_test import recordings  # noqa: F401 (a fixture)
from vocoder_test import speech  # noqa: F401 (a fixture)

import keras_gans as kg

from conftest import run_command


def tiny_vocos():
    return kg.networks.vocos_generator(
        num_mel_bins=SETTINGS.num_mel_bins,
        fft_length=SETTINGS.fft_length,
        hop_length=SETTINGS.hop_length,
        dim=16,
        blocks=2,
    )


def test_spectrum_to_audio_is_the_inverse_stft(recordings):  # noqa: F811
    audio = recordings.audio[0][None, : 16 * SETTINGS.hop_length].astype("float32")
    real, imag = keras.ops.stft(audio, 256, 64, 256)
    real, imag = np.asarray(real), np.asarray(imag)
    magnitude = np.sqrt(real**2 + imag**2)
    # Log-magnitude and a phase direction scaled by 3: the length is ignored.
    frames = np.concatenate([np.log(magnitude + 1e-12), 3 * real, 3 * imag], axis=-1)
    layer = kg.networks.SpectrumToAudio(256, 64)
    back = np.asarray(layer(frames))
    assert back.shape == audio.shape
    np.testing.assert_allclose(back, audio, atol=1e-4)
    expected = keras.ops.istft((real, imag), 256, 64, 256, length=audio.shape[1])
    np.testing.assert_allclose(back, expected, atol=1e-4)
    with pytest.raises(ValueError, match="at least `hop_length`"):
        kg.networks.SpectrumToAudio(256, 512)


def test_vocos_gives_back_the_clip_length_and_learns_the_mel(recordings):  # noqa: F811
    generator = tiny_vocos()
    mel = kg.data.LogMelSpectrogram(SETTINGS)
    for samples in (SEGMENT, 4 * SEGMENT):
        audio = generator(mel(recordings.audio[0][None, :samples]))
        assert audio.shape == (1, samples) and audio.dtype == "float32"
    vocoder = kg.Vocoder(
        generator,
        kg.networks.hifigan_discriminator(
            clip_samples=SEGMENT, period_width=2, scale_width=2, periods=(2, 3), scales=2
        ),
        mel_settings=SETTINGS,
        adversarial=False,
        seed=0,
    )
    vocoder.compile(
        g_optimizer=keras.optimizers.AdamW(2e-3, beta_1=0.8, beta_2=0.99),
        d_optimizer=keras.optimizers.AdamW(2e-3, beta_1=0.8, beta_2=0.99),
    )
    batches = kg.data.recording_segments(recordings, SEGMENT, batch_size=8, seed=0)
    history = vocoder.fit(batches, steps_per_epoch=40, epochs=2, verbose=0).history
    assert history["mel_loss"][-1] < 0.75 * history["mel_loss"][0]


@pytest.mark.slow
def test_vocos_export_and_round_trip(recordings, tmp_path):  # noqa: F811
    generator = tiny_vocos()
    generator.save(tmp_path / "vocos.keras")
    loaded = keras.saving.load_model(tmp_path / "vocos.keras")
    path, (lite_path,) = kg.export.export_generator(
        generator, str(tmp_path), "vocos", tflite_files=("float32",)
    )
    serve = tf.saved_model.load(path).signatures["serving_default"]
    run = kg.export.tflite_runner(lite_path)
    mel = kg.data.LogMelSpectrogram(SETTINGS)
    for samples in (SEGMENT, 3 * SEGMENT):
        frames = np.asarray(mel(np.stack([a[:samples] for a in recordings.audio[:2]])))
        expected = np.asarray(generator(frames))
        np.testing.assert_allclose(loaded(frames), expected, atol=1e-6)
        served = serve(mel=tf.constant(frames))["audio"].numpy()
        assert served.shape == (2, samples)
        np.testing.assert_allclose(served, expected, atol=1e-5)
        np.testing.assert_allclose(run(mel=frames)["audio"], expected, atol=1e-4)


@pytest.mark.slow
def test_train_vocoder_default_is_vocos_on_its_losses(speech, tmp_path):  # noqa: F811
    result = run_command(
        "train",
        "vocoder",
        f"--data_dir={speech}",
        "--sample_rate=8000",
        "--fft_length=256",
        "--hop_length=64",
        "--num_mel_bins=20",
        "--segment_samples=1024",
        "--period_width=2",
        "--scale_width=2",
        "--batch_size=2",
        "--epochs=1",
        "--steps_per_epoch=2",
        "--notflite",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["config"]["arch"] == "vocos"
    assert not summary["config"]["adversarial"] and summary["config"]["stft_weight"] == 15
    assert summary["history"]["stft_loss"][-1] > 0
    assert not {"adv_loss", "d_loss", "d_real"} & set(summary["history"])  # no discriminators
    assert summary["config"]["channels"] == 256  # Vocos's width when unset
    assert summary["config"]["mixed_precision"] == "float32"  # auto: bfloat16 diverged
    serve = tf.saved_model.load(str(tmp_path / "export" / speech.name / "1"))
    served = serve.signatures["serving_default"](mel=tf.zeros([1, 17, 20]))["audio"]
    assert served.shape == (1, 16 * 64)
