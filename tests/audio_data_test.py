"""Own recordings: the audio folder loader and the log-mel features, on the
recorded drum hits of Debian's hydrogen-drumkits."""

import os

import keras
import numpy as np
import pytest
import soundfile
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import audio as audio_lib

KITS = "/usr/share/hydrogen/data/drumkits"
# 13 hits at 44.1 kHz (16-bit WAV, mono and stereo) and one 271-sample click.
KIT = os.path.join(KITS, "Audiophob")
# 16-bit stereo FLAC at 44.1 kHz: 3 bass drums, 6 snares, 3 toms, ...
FLAC_KIT = os.path.join(KITS, "ColomboAcousticDrumkit")
# 24-bit stereo WAV at 48 kHz: an agogo bell, a pitched hit.
BELL = os.path.join(KITS, "ForzeeStereo", "AgogoHigh-0.wav")


@pytest.fixture(scope="module")
def kits():
    if not all(os.path.exists(p) for p in (KIT, FLAC_KIT, BELL)):
        pytest.skip("apt-get install hydrogen-drumkits for the recorded drum hits")
    return KIT


def test_a_kit_loads_at_one_rate_and_length_and_names_the_click_it_skips(kits):
    folder = kg.data.load_audio_folder(kits, sample_rate=16000, clip_seconds=0.5)
    assert folder.audio.shape == (13, 8000) and folder.audio.dtype == np.float32
    assert folder.sample_rate == 16000 and folder.clip_seconds == 0.5
    assert folder.labels is None and folder.class_names == []
    ((path, reason),) = folder.skipped
    assert path.endswith("crunchtime.wav") and "samples of sound, fewer than 512" in reason
    peaks = np.abs(folder.audio).max(axis=1)
    assert (peaks <= 1).all() and (peaks > 0.05).all()
    # Every clip starts at its onset: the first sample is within 40 dB of the peak.
    assert (np.abs(folder.audio[:, 0]) >= audio_lib.ONSET_FRACTION * peaks * 0.99).all()


def test_resampling_keeps_the_sound(kits):
    native, rate = kg.data.read_audio(BELL)
    assert rate == 48000 and native.ndim == 1  # stereo, mixed to mono
    low, low_rate = kg.data.read_audio(BELL, sample_rate=16000)
    assert low_rate == 16000 and abs(len(low) * 3 - len(native)) <= 3
    # The bell's pitch survives: the spectra's peaks agree within a bin.
    n = 16000

    def peak_hz(x, r):
        spectrum = np.abs(np.fft.rfft(x[: r // 2], n=n))
        return np.argmax(spectrum) * r / n

    assert abs(peak_hz(native, 48000) - peak_hz(low, 16000)) <= 3


def test_tensorflow_reads_16_bit_wav_without_soundfile(kits, monkeypatch):
    path = os.path.join(kits, "124101__connersaw8__crash.wav")
    expected, rate = kg.data.read_audio(path)
    monkeypatch.setattr(audio_lib, "has_soundfile", lambda: False)
    by_tf, tf_rate = kg.data.read_audio(path)
    assert tf_rate == rate == 44100
    np.testing.assert_allclose(by_tf, expected, atol=1 / 32768)
    for other in (os.path.join(FLAC_KIT, "tom-low-1.flac"), BELL):  # FLAC; 24-bit WAV
        with pytest.raises(ValueError, match=r"keras_gans\[audio\]"):
            kg.data.read_audio(other)


def test_class_folders_give_labels_and_batches(kits, tmp_path):
    for kind, pattern in (("kick", "bassdrum"), ("snare", "snare"), ("tom", "tom-")):
        (tmp_path / kind).mkdir()
        for name in sorted(f for f in os.listdir(FLAC_KIT) if f.startswith(pattern))[:3]:
            os.symlink(os.path.join(FLAC_KIT, name), tmp_path / kind / name)
    folder = kg.data.load_audio_folder(tmp_path, sample_rate=8000, clip_seconds=0.25)
    assert folder.class_names == ["kick", "snare", "tom"]
    assert folder.labels.tolist() == [0] * 3 + [1] * 3 + [2] * 3
    ds = kg.data.audio_folder(tmp_path, batch_size=4, seed=0, folder=folder)
    clips, labels = next(iter(ds))
    assert clips.shape == (4, 2000) and labels.dtype == tf.int32
    assert sum(1 for _ in ds) == 2  # 9 clips, full batches only
    with pytest.raises(ValueError, match="fewer than one batch"):
        kg.data.audio_folder(tmp_path, batch_size=10, folder=folder)


def test_bad_folders_and_files_are_named(kits, tmp_path):
    with pytest.raises(kg.data.DataNotFoundError, match="does not exist"):
        kg.data.load_audio_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(kg.data.DataNotFoundError, match="holds no audio files"):
        kg.data.load_audio_folder(tmp_path / "empty")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    os.symlink(os.path.join(kits, "124101__connersaw8__crash.wav"), mixed / "crash.wav")
    soundfile.write(mixed / "silence.wav", np.zeros(8000, "float32"), 16000)
    (mixed / "broken.flac").write_bytes(b"fLaC but not really")
    folder = kg.data.load_audio_folder(mixed, sample_rate=16000)
    reasons = dict((os.path.basename(p), why) for p, why in folder.skipped)
    assert len(folder.audio) == 1 and sorted(reasons) == ["broken.flac", "silence.wav"]
    assert reasons["silence.wav"].startswith("silent")
    with pytest.raises(ValueError, match="2 unusable audio file"):
        kg.data.load_audio_folder(mixed, on_error="raise")
    with pytest.raises(ValueError, match="400 samples, fewer than 512"):
        kg.data.load_audio_folder(mixed, sample_rate=8000, clip_seconds=0.05)


def test_log_mel_features_put_a_tone_in_its_band():
    settings = kg.data.MelSettings(sample_rate=16000, num_mel_bins=40)
    t = np.arange(16000) / 16000
    tones = np.stack([np.sin(2 * np.pi * hz * t) for hz in (300, 3000)]).astype("float32")
    mel = kg.data.LogMelSpectrogram(settings)
    features = keras.ops.convert_to_numpy(mel(tones))
    assert features.shape == (2, settings.frames(16000), 40) == (2, 63, 40)
    low_band, high_band = np.argmax(features[:, 30], axis=-1)
    assert low_band < high_band
    assert features.min() >= np.log(settings.log_floor) - 1e-6
    # A layer of any model: config round trip and the same features.
    restored = kg.data.LogMelSpectrogram.from_config(mel.get_config())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(restored(tones)), features)
    with pytest.raises(ValueError, match="max_freq <= sample_rate / 2"):
        kg.data.MelSettings(sample_rate=16000, max_freq=9000)
