r"""Renders instrument notes from a General MIDI soundfont, one folder per class.

`apt-get install timgm6mb-soundfont` installs TimGM6mb (5.7 MB, GPL-2): a
General MIDI soundfont of recorded instrument samples, looped and enveloped
by the synthesizer. `pip install --no-deps tinysoundfont` installs the
synthesizer (its own dependency, PyAudio, is only for playing live and needs
PortAudio's headers to build). This writes one 16-bit mono WAV per note,
`<out>/<class>/<instrument>_p<pitch>_v<velocity>.wav`, the classes being the
instruments (`--by=instrument`, as NSynth's families) or the pitches
(`--by=pitch`, as GANSynth conditioned), for
`keras-gans train audio --data_dir=<out> --conditional` and the audio
classifier.

These are recorded samples played back at other pitches, not performances:
each instrument is a few recordings stretched across its range, so scores
on them say how well a model learns those timbres, not real players.

    python benchmarks/notes_by_soundfont.py --out=/tmp/notes
    python benchmarks/notes_by_soundfont.py --out=/tmp/pitches --by=pitch --instruments=piano
"""

import os

import numpy as np
from absl import app
from absl import flags

import keras_gans as kg

# Class name -> General MIDI program (0-based): one per instrument family.
INSTRUMENTS = {
    "piano": 0,
    "vibraphone": 11,
    "organ": 19,
    "guitar": 24,
    "bass": 32,
    "violin": 40,
    "trumpet": 56,
    "flute": 73,
}
flags.DEFINE_string("soundfont", "/usr/share/sounds/sf2/TimGM6mb.sf2", "A General MIDI .sf2 file.")
flags.DEFINE_string("out", None, "Folder to create (must not exist yet).")
flags.DEFINE_list("instruments", list(INSTRUMENTS), f"Of {', '.join(INSTRUMENTS)}.")
flags.DEFINE_integer("lowest", 48, "Lowest MIDI pitch (48 = C3).")
flags.DEFINE_integer("highest", 72, "Highest MIDI pitch (72 = C5).")
flags.DEFINE_list("velocities", ["75", "110"], "MIDI velocities of each note.")
flags.DEFINE_enum("by", "instrument", ["instrument", "pitch"], "What a class folder holds.")
flags.DEFINE_integer("sample_rate", 16000, "Samples per second of the WAV files.")
flags.DEFINE_float("held", 0.75, "Seconds the key is held.")
flags.DEFINE_float("seconds", 1.0, "Seconds per file (the release rings on after the key).")
FLAGS = flags.FLAGS


def render_note(synth, soundfont, program, pitch, velocity, sample_rate, held, seconds):
    """One note of `program` (General MIDI, bank 0) from the loaded `soundfont`
    id, mono float32 in [-1, 1]: `held` seconds pressed, then released,
    `seconds` in all, from a silent synthesizer."""
    synth.program_select(0, soundfont, 0, program)
    synth.noteon(0, pitch, velocity)
    pressed = np.frombuffer(synth.generate(int(held * sample_rate)), np.float32)
    synth.noteoff(0, pitch)
    released = np.frombuffer(synth.generate(int((seconds - held) * sample_rate)), np.float32)
    synth.sounds_off()  # the next note starts from silence
    stereo = np.concatenate([pressed, released]).reshape(-1, 2)
    return stereo.mean(axis=1)


def main(_):
    if not FLAGS.out:
        raise app.UsageError("Pass --out=<folder to create>.")
    if os.path.exists(FLAGS.out):
        raise app.UsageError(f"{FLAGS.out} exists; choose a new folder.")
    unknown = sorted(set(FLAGS.instruments) - set(INSTRUMENTS))
    if unknown:
        raise app.UsageError(
            f"Unknown instruments {unknown}; choose from {', '.join(INSTRUMENTS)}."
        )
    if not os.path.exists(FLAGS.soundfont):
        raise app.UsageError(
            f"No soundfont at {FLAGS.soundfont}: apt-get install timgm6mb-soundfont, "
            "or pass --soundfont=<a General MIDI .sf2 file>."
        )
    try:
        import tinysoundfont
    except ImportError as error:
        raise app.UsageError("pip install --no-deps tinysoundfont (the synthesizer).") from error
    synth = tinysoundfont.Synth(samplerate=FLAGS.sample_rate)
    soundfont = synth.sfload(FLAGS.soundfont)
    written, silent = 0, []
    for instrument in FLAGS.instruments:
        program = INSTRUMENTS[instrument]
        for pitch in range(FLAGS.lowest, FLAGS.highest + 1):
            for velocity in map(int, FLAGS.velocities):
                audio = render_note(
                    synth,
                    soundfont,
                    program,
                    pitch,
                    velocity,
                    FLAGS.sample_rate,
                    FLAGS.held,
                    FLAGS.seconds,
                )
                name = f"{instrument}_p{pitch}_v{velocity}"
                if np.abs(audio).max() < 1e-3:  # a program with no sample at this pitch
                    silent.append(name)
                    continue
                label = instrument if FLAGS.by == "instrument" else f"pitch_{pitch:03d}"
                path = os.path.join(FLAGS.out, label, name + ".wav")
                kg.data.write_wav(path, audio, FLAGS.sample_rate, gap_seconds=0)
                written += 1
    if silent:
        print(f"silent, left out: {', '.join(silent)}")
    classes = len(os.listdir(FLAGS.out))
    print(
        f"{FLAGS.out}: {written} notes in {classes} {FLAGS.by} folders, "
        f"{FLAGS.seconds:g} s each at {FLAGS.sample_rate} Hz ({os.path.basename(FLAGS.soundfont)})"
    )


if __name__ == "__main__":
    app.run(main)
