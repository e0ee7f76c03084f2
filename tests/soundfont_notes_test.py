"""Instrument notes rendered from Debian's General MIDI soundfont
(`benchmarks/notes_by_soundfont.py`), read back by the audio folder loader."""

import os

import numpy as np
import pytest

import keras_gans as kg

from conftest import REPO
from conftest import run_python

SOUNDFONT = "/usr/share/sounds/sf2/TimGM6mb.sf2"
SCRIPT = os.path.join(REPO, "benchmarks", "notes_by_soundfont.py")


@pytest.fixture(scope="module")
def synthesizer():
    pytest.importorskip("tinysoundfont", reason="pip install --no-deps tinysoundfont")
    if not os.path.exists(SOUNDFONT):
        pytest.skip("apt-get install timgm6mb-soundfont for the recorded instrument samples")


def _render(out, *flags):
    done = run_python(SCRIPT, f"--out={out}", "--lowest=67", "--highest=69", *flags)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_notes_by_instrument_load_as_classes_at_their_pitch(synthesizer, tmp_path):
    out = tmp_path / "notes"
    printed = _render(out, "--instruments=piano,flute", "--velocities=100")
    assert "6 notes in 2 instrument folders" in printed
    folder = kg.data.load_audio_folder(out, sample_rate=16000, clip_seconds=0.5)
    assert folder.class_names == ["flute", "piano"]
    assert folder.labels.tolist() == [0, 0, 0, 1, 1, 1] and not folder.skipped
    # MIDI 69 is A4: the piano's spectrum peaks at 440 Hz (2 Hz bins).
    piano_a4 = folder.audio[5]
    spectrum = np.abs(np.fft.rfft(piano_a4 * np.hanning(len(piano_a4))))
    assert abs(np.argmax(spectrum) * 16000 / len(piano_a4) - 440) <= 4
    # Different pitches of one instrument are different sounds.
    assert np.abs(folder.audio[3] - folder.audio[5]).mean() > 0.01


def test_notes_by_pitch_and_clear_errors(synthesizer, tmp_path):
    _render(tmp_path / "pitches", "--by=pitch", "--instruments=violin")
    assert sorted(os.listdir(tmp_path / "pitches")) == ["pitch_067", "pitch_068", "pitch_069"]
    assert len(os.listdir(tmp_path / "pitches" / "pitch_068")) == 2  # two velocities
    done = run_python(SCRIPT, f"--out={tmp_path / 'x'}", "--instruments=kazoo")
    assert done.returncode != 0 and "Unknown instruments ['kazoo']" in done.stderr
    done = run_python(SCRIPT, f"--out={tmp_path / 'pitches'}")
    assert done.returncode != 0 and "exists; choose a new folder" in done.stderr
