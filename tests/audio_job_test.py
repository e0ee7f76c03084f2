"""`keras-gans train audio` end to end on recorded drum hits: sounds and
spectrograms per epoch, resume after a kill, the export, its scores with a
classifier of the hits, self-conditioning on spectrograms, and bad input."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import assert_same_weights
from conftest import kill_and_resume
from conftest import run_command

TINY_AUDIO_RUN = (
    "--sample_rate=8000",
    "--clip_samples=2048",
    "--width=2",
    "--latent_dim=8",
    "--batch_size=3",
    "--epochs=1",
    "--steps_per_epoch=2",
    "--d_steps=1",
)
EPOCHS = 2  # the drums run: killed after epoch 1, resumed for the last


def drums_args(drum_kinds, drum_classifier, out, exports):
    return [
        "train",
        "audio",
        f"--data_dir={drum_kinds}",
        "--conditional",
        *(flag for flag in TINY_AUDIO_RUN if flag not in ("--d_steps=1", "--epochs=1")),
        f"--epochs={EPOCHS}",
        f"--output_dir={out}",
        f"--export_dir={exports}",
        "--name=drums",
        # LiteRT files of conditional sounds: wavegan_test and specgan_test.
        "--notflite",
        f"--reference={drum_kinds}",
        f"--classifier_dir={drum_classifier}",
        "--evaluate_every=1",
        "--eval_samples=20",
        "--export_best",
    ]


@pytest.mark.slow
def test_conditional_drums_train_sound_export_score_and_resume_after_a_kill(
    tmp_path, drum_kinds, drum_classifier
):
    # Killed after epoch 1 of 2 and rerun: the same weights and scores as the
    # uninterrupted run; every end-to-end check below is on the resumed run.
    ref_dir, run_dir, export_dir, result = kill_and_resume(
        lambda out, exports: drums_args(drum_kinds, drum_classifier, out, exports), tmp_path, EPOCHS
    )
    assert_same_weights(run_dir, ref_dir, steps=2 * EPOCHS)
    ref_summary = json.loads((ref_dir / "summary.json").read_text())
    summary = json.loads((run_dir / "summary.json").read_text())
    ref_scores = [(e["epoch"], round(e["fcd"], 3)) for e in ref_summary["evaluations"]]
    assert [(e["epoch"], round(e["fcd"], 3)) for e in summary["evaluations"]] == ref_scores
    assert "6 clips of 2048 samples (0.26 s at 8000 Hz), 2 classes" in result.stdout
    assert summary["class_names"] == ["kick", "snare"] and summary["num_clips"] == 6
    # The default pair with its own recipe, not WaveGAN's WGAN-GP with five critic updates.
    config = summary["config"]
    assert (config["arch"], config["loss"], config["d_steps"]) == ("specgan", "non_saturating", 1)
    assert config["ema"] == 0.999
    assert len(summary["evaluations"]) == EPOCHS
    for during in summary["evaluations"]:
        assert during["num_samples"] == 20 and "label_accuracy" in during
    # The sounds of each epoch (the killed run's too): 2 classes x 4 columns, one after another.
    assert (run_dir / "samples_epoch_001.wav").is_file()
    wav = tf.audio.decode_wav(tf.io.read_file(str(run_dir / f"samples_epoch_{EPOCHS:03d}.wav")))
    assert int(wav.sample_rate) == 8000
    assert wav.audio.shape == (8 * (2048 + int(0.15 * 8000)), 1)
    assert (run_dir / f"samples_epoch_{EPOCHS:03d}.png").stat().st_size > 1000
    version = export_dir / "drums" / "1"
    audio_asset = json.loads((version / "assets" / "audio.json").read_text())
    assert audio_asset == {"sample_rate": 8000, "clip_samples": 2048}
    serve = tf.saved_model.load(str(version)).signatures["serving_default"]
    z = kg.callbacks.fixed_noise(2, 8)
    label = np.array([1, 0], "int32")
    served = serve(z=tf.constant(z), label=tf.constant(label))["audio"].numpy()
    assert served.shape == (2, 2048) and served.dtype == np.float32
    described = run_command("info", version)
    assert "sounds: 2048 samples at 8000 Hz (0.26 s)" in described.stdout
    # keras-gans generate: the sounds of every class, to listen to and to look at.
    for out in ("drums.wav", "drums.png", "drums"):
        drawn = run_command("generate", version, "--num=3", f"--out={tmp_path / out}")
        assert drawn.returncode == 0 and "wrote 6 sounds" in drawn.stdout, drawn.stderr[-2000:]
    heard = tf.audio.decode_wav(tf.io.read_file(str(tmp_path / "drums.wav")))
    assert int(heard.sample_rate) == 8000 and heard.audio.shape[0] == 6 * (2048 + 1200)
    assert len(os.listdir(tmp_path / "drums")) == 6  # 2 classes x 3 columns
    # keras-gans evaluate: the export drawn class by class and scored.
    scored = run_command(
        "evaluate",
        export_dir / "drums",
        f"--reference={drum_kinds}",
        f"--classifier_dir={drum_classifier}",
        "--num_samples=40",
        "--cache_dir=none",
    )
    assert scored.returncode == 0, scored.stderr[-3000:]
    found = json.loads(scored.stdout.strip().splitlines()[-1])
    assert found["num_samples"] == 40 and sum(found["class_counts"]) == 40
    assert 0 <= found["label_accuracy"] <= 1 and found["fcd"] > 0


@pytest.mark.slow
def test_self_conditioning_clusters_spectrograms(tmp_path, drum_kinds):
    result = run_command(
        "train",
        "audio",
        f"--data_dir={drum_kinds}",
        "--arch=wavegan",
        "--clusters=2",
        *TINY_AUDIO_RUN,
        f"--output_dir={tmp_path / 'run'}",
        "--noexport",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert sum(summary["cluster_sizes"]) == 6 and len(summary["cluster_sizes"]) == 2
    # WaveGAN's own recipe where the user left it unset; --d_steps=1 was chosen, so it stays.
    config = summary["config"]
    assert (config["arch"], config["loss"], config["ema"]) == ("wavegan", "wasserstein", None)
    assert config["d_steps"] == 1 and "arch=wavegan: loss=wasserstein" in result.stdout


def test_bad_audio_settings_are_one_line(tmp_path, drum_kinds):
    result = run_command("train", "audio", f"--data_dir={drum_kinds}", "--clip_samples=22050")
    assert result.returncode == 2 and "try 22016 or 22144" in result.stderr
    result = run_command(
        "train", "audio", f"--data_dir={drum_kinds}", "--arch=wavegan", "--clip_samples=22050"
    )
    assert result.returncode == 2 and "try 22016, 22144" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_command("train", "audio", f"--data_dir={empty}", "--max_minutes=0.1")
    assert result.returncode == 2 and "holds no audio files" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_an_audio_classifier_scores_sounds_with_provenance(tmp_path, drum_kinds, drum_classifier):
    classifier_dir = drum_classifier
    metadata = json.loads((classifier_dir / "metadata.json").read_text())
    assert metadata["input"] == "audio" and metadata["class_names"] == ["kick", "snare"]
    assert (metadata["sample_rate"], metadata["clip_samples"]) == (8000, 2048)
    classifier = kg.evaluation.load_classifier(classifier_dir)
    assert classifier.input_shape == (2048,) and classifier.is_audio
    with pytest.raises(ValueError, match=r"clips of shape \(n, 2048\)"):
        classifier.prepare(np.zeros((2, 4096), "float32"))
    # The recordings scored against themselves: every feature distance is 0.
    evaluator = kg.evaluation.Evaluator(
        str(drum_kinds), classifier_dir=str(classifier_dir), cache_dir=None
    )
    results = evaluator.evaluate(evaluator.reference_images(), kid_subset_size=6)
    assert results["fcd"] < 1e-6 and results["num_reference"] == 6
    assert results["extractor"] == f"classifier:audio_folder:{metadata['sha256'][:12]}"
    # A job whose clips the classifier cannot read is refused before training.
    mismatched = run_command(
        "train",
        "audio",
        f"--data_dir={drum_kinds}",
        *TINY_AUDIO_RUN,
        "--clip_samples=4096",
        f"--reference={drum_kinds}",
        f"--classifier_dir={classifier_dir}",
        "--noexport",
        f"--output_dir={tmp_path / 'mismatched'}",
    )
    assert mismatched.returncode == 2 and "takes 2048 samples at 8000 Hz" in mismatched.stderr
