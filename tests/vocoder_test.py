"""The HiFi-GAN vocoder on real recorded speech (Debian's festival, one voice of
recorded diphones): networks, the model's steps, whole recordings and their
segments, the scores against Griffin-Lim, the export in TF and LiteRT, and
`keras-gans train vocoder` end to end, killed and resumed."""

import json
import os
import shutil
import subprocess

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import vocoding

from conftest import assert_same_weights
from conftest import kill_and_resume
from conftest import run_command

SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
)
# A small mel setup so that tiny models train in seconds: 8 kHz, hop 64.
SETTINGS = kg.data.MelSettings(sample_rate=8000, fft_length=256, hop_length=64, num_mel_bins=20)
SEGMENT = 1024


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """A folder of five sentences of real (diphone) speech, 16 kHz WAV."""
    if shutil.which("text2wave") is None:
        pytest.skip("apt-get install festival festvox-kallpc16k for recorded speech")
    root = tmp_path_factory.mktemp("speech")
    for i, text in enumerate(SENTENCES):
        path = root / f"sentence_{i}.wav"
        subprocess.run(["text2wave", "-o", str(path)], input=text.encode(), check=True)
    return root


def tiny_generator(**kwargs):
    return kg.networks.hifigan_generator(
        num_mel_bins=SETTINGS.num_mel_bins,
        hop_length=SETTINGS.hop_length,
        channels=16,
        upsample_rates=(4, 4, 4),
        upsample_kernel_sizes=(8, 8, 8),
        resblock_kernel_sizes=(3,),
        resblock_dilations=((1, 3),),
        **kwargs,
    )


def tiny_vocoder(adversarial=True, seed=0, stft_weight=0.0):
    vocoder = kg.Vocoder(
        tiny_generator(),
        kg.networks.hifigan_discriminator(
            clip_samples=SEGMENT, period_width=2, scale_width=2, periods=(2, 3), scales=2
        ),
        mel_settings=SETTINGS,
        adversarial=adversarial,
        seed=seed,
        stft_weight=stft_weight,
    )
    vocoder.compile(
        g_optimizer=keras.optimizers.AdamW(2e-3, beta_1=0.8, beta_2=0.99),
        d_optimizer=keras.optimizers.AdamW(2e-3, beta_1=0.8, beta_2=0.99),
    )
    return vocoder


@pytest.fixture(scope="module")
def recordings(speech):
    return kg.data.load_recordings(speech, sample_rate=SETTINGS.sample_rate)


def test_load_recordings_keeps_whole_files_and_names_the_bad_ones(speech, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(speech, folder)
    kg.data.write_wav(str(folder / "silent.wav"), np.zeros(4000), 8000)
    (folder / "broken.wav").write_bytes(b"RIFF not really")
    loaded = kg.data.load_recordings(folder, sample_rate=8000)
    assert len(loaded.audio) == len(SENTENCES)
    assert sorted(os.path.basename(p) for p, _ in loaded.skipped) == ["broken.wav", "silent.wav"]
    # Whole sentences at the asked rate: 1.5-4 s each, not cut to one length.
    lengths = sorted(len(a) / 8000 for a in loaded.audio)
    assert 1.0 < lengths[0] < lengths[-1] < 5.0
    assert loaded.sample_rate == 8000 and loaded.seconds == pytest.approx(sum(lengths))


def test_segments_are_slices_of_the_recordings_and_reproducible(recordings):
    first = next(iter(kg.data.recording_segments(recordings, SEGMENT, batch_size=6, seed=3)))
    again = next(iter(kg.data.recording_segments(recordings, SEGMENT, batch_size=6, seed=3)))
    other = next(iter(kg.data.recording_segments(recordings, SEGMENT, batch_size=6, seed=4)))
    assert first.shape == (6, SEGMENT) and first.dtype == tf.float32
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    joined = [np.asarray(a) for a in recordings.audio]
    for segment in np.asarray(first):
        # Each segment is a contiguous run of one recording.
        assert any(
            np.any(np.all(np.lib.stride_tricks.sliding_window_view(a, SEGMENT) == segment, axis=1))
            for a in joined
        )
    short = kg.data.recording_segments([np.ones(100, np.float32)], 256, batch_size=2)
    padded = np.asarray(next(iter(short)))
    assert padded.shape == (2, 256) and padded[:, :100].min() == 1 and padded[:, 100:].max() == 0


def test_generator_gives_back_the_clip_length_for_any_frames(recordings):
    generator = tiny_generator()
    mel = kg.data.LogMelSpectrogram(SETTINGS)
    for samples in (SEGMENT, 4 * SEGMENT):
        frames = mel(recordings.audio[0][None, :samples])
        assert frames.shape[1] == samples // SETTINGS.hop_length + 1
        audio = generator(frames)
        assert audio.shape == (1, samples) and audio.dtype == "float32"


def test_bad_network_settings_are_clear_errors():
    with pytest.raises(ValueError, match=r"multiply to 64, but one mel frame stands for hop_len"):
        kg.networks.hifigan_generator(hop_length=256, upsample_rates=(8, 8))
    with pytest.raises(ValueError, match="one kernel size per upsampling rate"):
        kg.networks.hifigan_generator(upsample_rates=(8, 8, 4), upsample_kernel_sizes=(16, 16))
    with pytest.raises(ValueError, match=r"num_mel_bins=20"):
        kg.Vocoder(
            kg.networks.hifigan_generator(num_mel_bins=80, hop_length=64, upsample_rates=(4, 4, 4)),
            kg.networks.hifigan_discriminator(clip_samples=SEGMENT),
            mel_settings=SETTINGS,
        )
    with pytest.raises(ValueError, match=r"hifigan_generator\(hop_length=64\)"):
        kg.Vocoder(
            kg.networks.hifigan_generator(num_mel_bins=20, channels=16),  # hop 256
            kg.networks.hifigan_discriminator(clip_samples=SEGMENT),
            mel_settings=SETTINGS,
        )
    with pytest.raises(ValueError, match="multiple of hop_length=64"):
        kg.Vocoder(tiny_generator(), kg.networks.hifigan_discriminator(clip_samples=1000), SETTINGS)
    with pytest.raises(ValueError, match=r"integers of 2 or more \(HiFi-GAN: \(2, 3, 5, 7, 11\)\)"):
        kg.networks.hifigan_discriminator(SEGMENT, periods=(2, 1))
    vocoder = kg.Vocoder(tiny_generator(), kg.networks.hifigan_discriminator(SEGMENT), SETTINGS)
    with pytest.raises(ValueError, match="least_squares"):
        vocoder.compile(loss="wasserstein")
    with pytest.raises(ValueError, match="no `augment`"):
        vocoder.compile(augment="translation")


def test_discriminator_judges_every_period_and_scale():
    discriminator = kg.networks.hifigan_discriminator(
        clip_samples=SEGMENT, period_width=2, scale_width=2
    )
    outputs = discriminator(np.zeros((3, SEGMENT), "float32"))
    assert len(outputs["scores"]) == 5 + 3  # periods 2, 3, 5, 7, 11 and three scales
    assert len(outputs["features"]) == 5 * 5 + 3 * 5
    assert all(s.shape[0] == 3 and s.dtype == "float32" for s in outputs["scores"])


def test_adversarial_step_trains_both_and_mel_only_leaves_the_discriminator(recordings):
    batches = kg.data.recording_segments(recordings, SEGMENT, batch_size=4, seed=0)
    for adversarial in (True, False):
        vocoder = tiny_vocoder(adversarial)
        g_before = [np.array(w) for w in vocoder.generator.weights]
        d_before = [np.array(w) for w in vocoder.discriminator.weights]
        history = vocoder.fit(batches, steps_per_epoch=2, epochs=1, verbose=0).history
        assert all(np.isfinite(v[-1]) for v in history.values())
        g_moved = any(
            not np.array_equal(a, np.array(b)) for a, b in zip(g_before, vocoder.generator.weights)
        )
        d_moved = any(
            not np.array_equal(a, np.array(b))
            for a, b in zip(d_before, vocoder.discriminator.weights)
        )
        assert g_moved and d_moved == adversarial
        if adversarial:
            assert history["adv_loss"][-1] != 0 and history["d_loss"][-1] > 0
        else:  # nothing of the discriminators is logged or shown
            assert not {"adv_loss", "feature_loss", "d_loss", "d_real", "d_fake"} & set(history)
        assert history["mel_loss"][-1] > 0


def test_stft_loss_is_the_scored_distance_and_joins_the_generator_loss(recordings):
    def clips_at(start):
        return np.stack([a[start(a) : start(a) + SEGMENT] for a in recordings.audio[:2]])

    noise = np.random.default_rng(0).normal(0, 0.01, (2, SEGMENT)).astype("float32")
    clips = clips_at(lambda a: len(a) // 2 - SEGMENT // 2)  # speech
    noisy = clips + noise
    loss = np.asarray(kg.losses.multi_resolution_stft_loss(clips, noisy))
    # Per example, on speech the loss is the distance the held-out scores report.
    for i in (0, 1):
        distance = vocoding.multi_resolution_stft_distance(clips[i], noisy[i])
        assert loss[i] == pytest.approx(distance, rel=1e-5)
    # On the leading near-silence the spectral convergence's floor bounds it.
    quiet = clips_at(lambda a: 0)
    quiet_loss = np.asarray(kg.losses.multi_resolution_stft_loss(quiet, quiet + noise))
    unbounded = vocoding.multi_resolution_stft_distance(quiet[0], quiet[0] + noise[0])
    assert np.isfinite(quiet_loss).all() and quiet_loss[0] < 0.7 * unbounded
    assert (
        loss.min() > 0.1
        and np.asarray(kg.losses.multi_resolution_stft_loss(clips, clips)).max() == 0
    )
    vocoder = tiny_vocoder(adversarial=False, stft_weight=3.0)
    assert kg.Vocoder.from_config(vocoder.get_config()).stft_weight == 3.0
    batches = kg.data.recording_segments(recordings, SEGMENT, batch_size=4, seed=0)
    history = vocoder.fit(batches, steps_per_epoch=2, epochs=1, verbose=0).history
    mel, stft = history["mel_loss"][-1], history["stft_loss"][-1]
    assert stft > 0 and history["g_loss"][-1] == pytest.approx(45.0 * mel + 3.0 * stft, rel=1e-4)
    assert "stft_loss" not in tiny_vocoder().fit(batches, steps_per_epoch=1, verbose=0).history


def test_mel_loss_falls_on_real_speech(recordings):
    vocoder = tiny_vocoder(adversarial=False)
    batches = kg.data.recording_segments(recordings, SEGMENT, batch_size=8, seed=0)
    history = vocoder.fit(batches, steps_per_epoch=40, epochs=2, verbose=0).history
    assert history["mel_loss"][-1] < 0.75 * history["mel_loss"][0]


def test_vocoder_file_round_trip(recordings, tmp_path):
    vocoder = tiny_vocoder()
    vocoder.fit(
        kg.data.recording_segments(recordings, SEGMENT, batch_size=2), steps_per_epoch=1, verbose=0
    )
    path = str(tmp_path / "vocoder.keras")
    vocoder.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.Vocoder) and loaded.mel_settings == SETTINGS
    mel = np.asarray(vocoder.mel(recordings.audio[1][None, :2048]))
    np.testing.assert_allclose(loaded.vocode(mel), vocoder.vocode(mel), atol=1e-6)


def test_scores_rank_griffin_lim_above_noise_and_a_copy_at_zero(recordings):
    real = recordings.audio[0][: 40 * SETTINGS.hop_length]
    assert vocoding.multi_resolution_stft_distance(real, real) == 0.0
    noise = np.random.default_rng(0).normal(0, 0.05, real.shape).astype("float32")
    mel = kg.data.LogMelSpectrogram(SETTINGS)(real[None])
    rebuilt = vocoding.griffin_lim(np.asarray(mel)[0], SETTINGS, iterations=16)
    assert rebuilt.shape == real.shape
    assert vocoding.multi_resolution_stft_distance(
        real, rebuilt
    ) < 0.5 * vocoding.multi_resolution_stft_distance(real, noise)
    assert vocoding.mel_distance(real, rebuilt, SETTINGS) < 0.5 * vocoding.mel_distance(
        real, noise, SETTINGS
    )
    # Phase estimation is what Griffin-Lim adds: its rounds beat the random
    # phases it starts from.
    random_phase = vocoding.griffin_lim(np.asarray(mel)[0], SETTINGS, iterations=0)
    assert vocoding.mel_distance(real, rebuilt, SETTINGS) < 0.3 * vocoding.mel_distance(
        real, random_phase, SETTINGS
    )
    # Scored against Griffin-Lim, Griffin-Lim itself ties with it.
    scores = vocoding.score_vocoder(
        lambda m: vocoding.griffin_lim(m, SETTINGS, 8), recordings.audio[:2], SETTINGS, 8
    )
    assert scores["num_recordings"] == 2 and scores["real_time_factor"] > 0
    assert scores["vocoder"]["mrstft"] == pytest.approx(scores["griffin_lim"]["mrstft"])
    with pytest.raises(ValueError, match="expected"):
        vocoding.score_vocoder(lambda m: np.zeros((1, 10)), recordings.audio[:1], SETTINGS)


def test_griffin_lim_uses_the_mel_layers_stft():
    # With the true phase, the inverse STFT that Griffin-Lim runs gives the
    # signal back: its window, centring and hop are the mel layer's.
    audio = np.random.default_rng(0).normal(0, 0.1, (1, 40 * SETTINGS.hop_length))
    stft = dict(
        sequence_length=SETTINGS.fft_length,
        sequence_stride=SETTINGS.hop_length,
        fft_length=SETTINGS.fft_length,
        window="hann",
        center=True,
    )
    real, imag = keras.ops.stft(audio.astype("float32"), **stft)
    back = np.asarray(keras.ops.istft((real, imag), length=audio.shape[1], **stft))
    # Exact but for the half-windows at the ends (where TensorFlow's inverse
    # does not undo the reflected padding).
    inner = slice(SETTINGS.fft_length, -SETTINGS.fft_length)
    np.testing.assert_allclose(back[:, inner], audio[:, inner], atol=1e-5)
    shifted = np.roll(audio, SETTINGS.hop_length // 2, axis=1)
    assert np.abs(back[:, inner] - shifted[:, inner]).max() > 0.01


def test_a_bfloat16_step_keeps_the_mel_features_in_float32(recordings):
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        vocoder = tiny_vocoder()
    finally:
        keras.config.set_dtype_policy(policy)
    assert vocoder.mel.compute_dtype == "float32"
    clip = recordings.audio[0][None, :SEGMENT]
    np.testing.assert_array_equal(
        vocoder.mel(clip), kg.data.LogMelSpectrogram(SETTINGS, dtype="float32")(clip)
    )
    batches = kg.data.recording_segments(recordings, SEGMENT, batch_size=2, seed=0)
    history = vocoder.fit(batches, steps_per_epoch=2, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert vocoder.vocode(np.asarray(vocoder.mel(clip))).dtype == np.float32


@pytest.mark.slow
def test_vocoder_export_in_tf_and_litert_at_two_lengths(recordings, tmp_path):
    generator = tiny_generator()
    path, tflite_paths = kg.export.export_generator(
        generator, str(tmp_path), "voice", tflite_files=("float32",)
    )
    serve = tf.saved_model.load(path).signatures["serving_default"]
    run = kg.export.tflite_runner(tflite_paths[0])
    mel = kg.data.LogMelSpectrogram(SETTINGS)
    for samples in (SEGMENT, 3 * SEGMENT):
        frames = np.asarray(mel(np.stack([a[:samples] for a in recordings.audio[:2]])))
        expected = np.asarray(generator(frames))
        served = serve(mel=tf.constant(frames))["audio"].numpy()
        assert served.shape == (2, samples)
        np.testing.assert_allclose(served, expected, atol=1e-5)
        np.testing.assert_allclose(run(mel=frames)["audio"], expected, atol=1e-4)


def vocoder_args(recordings, epochs):
    """`keras-gans train vocoder` on `recordings` with HiFi-GAN's recipe (its
    generator and discriminators, no STFT loss), tiny; a function of the run
    and export folders, for `kill_and_resume`."""

    def args(out, exports):
        return [
            "train",
            "vocoder",
            f"--data_dir={recordings}",
            "--arch=hifigan",
            "--adversarial",
            "--stft_weight=0",
            f"--test_dir={recordings}",
            "--test_recordings=2",
            "--sample_rate=8000",
            "--fft_length=256",
            "--hop_length=64",
            "--num_mel_bins=20",
            "--segment_samples=1024",
            "--upsample_rates=4,4,4",
            "--channels=16",
            "--period_width=2",
            "--scale_width=2",
            # Two of HiFi-GAN's eight discriminators: each costs seconds of tracing.
            "--periods=3",
            "--scales=1",
            "--batch_size=2",
            f"--epochs={epochs}",
            "--steps_per_epoch=2",
            "--notflite",
            f"--output_dir={out}",
            f"--export_dir={exports}",
        ]

    return args


@pytest.mark.slow
def test_train_vocoder_end_to_end_and_resume_after_a_kill(speech, tmp_path):
    # Killed after epoch 1 of 2 and rerun: the same weights, scores and files
    # as the uninterrupted run, which is itself checked end to end.
    ref, run, exports, _ = kill_and_resume(vocoder_args(speech, 2), tmp_path, 2)
    assert_same_weights(run, ref, steps=4)
    summary = json.loads((run / "summary.json").read_text())
    ref_summary = json.loads((ref / "summary.json").read_text())
    assert summary["scores"]["vocoder"]["mrstft"] == pytest.approx(
        ref_summary["scores"]["vocoder"]["mrstft"], abs=1e-4
    )
    assert (summary["config"]["periods"], summary["config"]["scales"]) == ([3], 1)
    judged = keras.saving.load_model(str(run / "gan.keras")).discriminator(tf.zeros([1, 1024]))
    assert len(judged["scores"]) == 2  # the period 3 and one scale
    for epoch in (1, 2):  # the killed run's epoch too
        assert (run / f"vocoded_epoch_{epoch:03d}.wav").is_file()
    for name in ("vocoded_epoch_002.png", "scores.txt", "gan.keras"):
        assert (run / name).exists(), name
    scores = (run / "scores.txt").read_text()
    assert "on 2 held-out recordings" in scores and "Griffin-Lim" in scores
    assert summary["history"]["adv_loss"][-1] != 0 and "stft_loss" not in summary["history"]
    assert set(summary["scores"]["vocoder"]) >= {"mrstft", "mel_l1"}
    has_pesq, has_stoi = vocoding.speech_scores_available()
    assert ("stoi" in summary["scores"]["vocoder"]) == has_stoi
    # Wideband PESQ is defined at 16 kHz only: at 8 kHz it is left out, and said so.
    assert "pesq" not in summary["scores"]["vocoder"]
    assert any(m.startswith("pesq") for m in summary["scores"]["missing"])
    export = exports / speech.name / "1"  # named after the data folder
    assert json.loads((export / "assets" / "mel.json").read_text())["hop_length"] == 64
    applied = run_command(
        "apply", str(export), str(speech / "sentence_0.wav"), f"--out={tmp_path / 'voc'}"
    )
    assert applied.returncode == 0, applied.stderr[-2000:]
    wav = tf.audio.decode_wav(tf.io.read_file(str(tmp_path / "voc" / "sentence_0.wav")))
    original, _ = kg.data.read_audio(str(speech / "sentence_0.wav"), 8000)
    assert int(wav.sample_rate) == 8000
    assert wav.audio.shape[0] == len(original) // 64 * 64
    info = run_command("info", str(export))
    assert "a vocoder export" in info.stdout
    assert "mel spectrograms: 20 bands, FFT 256, hop 64 at 8000 Hz" in info.stdout
    bad = run_command("train", "vocoder", f"--data_dir={speech}", "--segment_samples=1000")
    assert bad.returncode == 2 and "multiple of --hop_length=256" in bad.stderr
