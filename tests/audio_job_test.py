"""`keras-gans train audio` end to end on recorded drum hits: sounds and
spectrograms per epoch, the export in TF and LiteRT, self-conditioning on
spectrograms, and bad input."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import run_command

KIT = "/usr/share/hydrogen/data/drumkits/ColomboAcousticDrumkit"
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


@pytest.fixture(scope="module")
def drum_kinds(tmp_path_factory):
    if not os.path.isdir(KIT):
        pytest.skip("apt-get install hydrogen-drumkits for the recorded drum hits")
    root = tmp_path_factory.mktemp("kinds")
    for kind, prefix in (("kick", "bassdrum"), ("snare", "snare")):
        (root / kind).mkdir()
        for name in sorted(f for f in os.listdir(KIT) if f.startswith(prefix))[:3]:
            os.symlink(os.path.join(KIT, name), root / kind / name)
    return root


@pytest.mark.slow
def test_conditional_drums_train_sound_and_export(tmp_path, drum_kinds):
    export_dir = tmp_path / "export"
    result = run_command(
        "train",
        "audio",
        f"--data_dir={drum_kinds}",
        "--conditional",
        *TINY_AUDIO_RUN,
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={export_dir}",
        "--name=drums",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "6 clips of 2048 samples (0.26 s at 8000 Hz), 2 classes" in result.stdout
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["class_names"] == ["kick", "snare"] and summary["num_clips"] == 6
    # The sounds of the epoch: 2 classes x 4 columns, one after another.
    wav = tf.audio.decode_wav(tf.io.read_file(str(tmp_path / "run" / "samples_epoch_001.wav")))
    assert int(wav.sample_rate) == 8000
    assert wav.audio.shape == (8 * (2048 + int(0.15 * 8000)), 1)
    assert (tmp_path / "run" / "samples_epoch_001.png").stat().st_size > 1000
    version = export_dir / "drums" / "1"
    audio_asset = json.loads((version / "assets" / "audio.json").read_text())
    assert audio_asset == {"sample_rate": 8000, "clip_samples": 2048}
    serve = tf.saved_model.load(str(version)).signatures["serving_default"]
    z = kg.callbacks.fixed_noise(2, 8)
    label = np.array([1, 0], "int32")
    served = serve(z=tf.constant(z), label=tf.constant(label))["audio"].numpy()
    assert served.shape == (2, 2048) and served.dtype == np.float32
    lite = kg.export.tflite_runner(export_dir / "drums.tflite")(z=z, label=label)["audio"]
    np.testing.assert_allclose(lite, served, atol=1e-5)


@pytest.mark.slow
def test_self_conditioning_clusters_spectrograms(tmp_path, drum_kinds):
    result = run_command(
        "train",
        "audio",
        f"--data_dir={drum_kinds}",
        "--clusters=2",
        *TINY_AUDIO_RUN,
        f"--output_dir={tmp_path / 'run'}",
        "--noexport",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert sum(summary["cluster_sizes"]) == 6 and len(summary["cluster_sizes"]) == 2


def test_bad_audio_settings_are_one_line(tmp_path, drum_kinds):
    result = run_command("train", "audio", f"--data_dir={drum_kinds}", "--clip_samples=22050")
    assert result.returncode == 2 and "try 22016, 22144" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_command("train", "audio", f"--data_dir={empty}", "--max_minutes=0.1")
    assert result.returncode == 2 and "holds no audio files" in result.stderr
    assert "Traceback" not in result.stderr
