r"""Held-out recordings beside their Griffin-Lim and vocoded copies, to look at and listen to.

For one held-out recording (the `--index`-th of `--test_dir`, cut to
`--seconds`), writes `<out>.png`: its log-mel spectrogram, then Griffin-Lim's
and each export's waveform of that spectrogram, one row each, and
`<out>_<label>.wav` for each row; prints the multi-resolution STFT distance of
each against the recording. The exports are `keras-gans train vocoder`
SavedModels (their mel settings are read from `assets/mel.json`); where the
export's float32 LiteRT file lies beside it (`<export>.tflite`), it prints
the largest difference between the LiteRT interpreter's waveform and the
SavedModel's, and the real-time factor of each on this machine.

    python benchmarks/vocoder_compare.py --test_dir=/tmp/speech/test \
        --export=gan=saved_models/vocoder --export=mel_only=saved_models/vocoder_mel_only \
        --out=docs/audio/vocoder
"""

import os
import time

import numpy as np
from absl import app
from absl import flags

from keras_gans import data
from keras_gans import export
from keras_gans import plotting
from keras_gans.evaluation import vocoding

flags.DEFINE_string("test_dir", None, "Held-out recordings.")
flags.DEFINE_multi_string("export", [], "label=path of a vocoder export; repeat.")
flags.DEFINE_integer("index", 0, "Which held-out recording (sorted by path).")
flags.DEFINE_float("seconds", 3.0, "Seconds of it to draw.")
flags.DEFINE_string("out", None, "Path stem of the figure and WAV files.")
FLAGS = flags.FLAGS


def main(_):
    if not (FLAGS.test_dir and FLAGS.export and FLAGS.out):
        raise app.UsageError("Pass --test_dir, at least one --export=label=path and --out.")
    exports = [spec.split("=", 1) for spec in FLAGS.export]
    settings = data.MelSettings.from_dict(export.read_asset(exports[0][1], export.MEL_ASSET))
    recordings = data.load_recordings(FLAGS.test_dir, settings.sample_rate)
    recording = recordings.audio[FLAGS.index]
    samples = min(len(recording), int(FLAGS.seconds * settings.sample_rate))
    real = recording[: samples // settings.hop_length * settings.hop_length]
    mel = np.asarray(data.LogMelSpectrogram(settings)(real[None]))
    rows = [("recording", real), ("griffin_lim", vocoding.griffin_lim(mel[0], settings))]
    seconds = len(real) / settings.sample_rate
    for label, path in exports:
        _, serve = export.load_serving(path)
        audio = serve(mel=mel)["audio"].numpy()[0]
        rows.append((label, audio))
        lite_path = os.path.normpath(path) + ".tflite"
        if os.path.exists(lite_path):
            lite = export.tflite_runner(lite_path)
            began = time.perf_counter()
            lite_audio = lite(mel=mel)["audio"][0]
            lite_rtf = (time.perf_counter() - began) / seconds
            began = time.perf_counter()
            serve(mel=mel)
            saved_rtf = (time.perf_counter() - began) / seconds
            print(
                f"{label}: LiteRT vs SavedModel max |difference| "
                f"{np.abs(lite_audio - audio).max():.2e}; real-time factor SavedModel "
                f"{saved_rtf:.3f}, LiteRT {lite_rtf:.3f} ({seconds:.1f} s of audio)"
            )
    os.makedirs(os.path.dirname(os.path.abspath(FLAGS.out)), exist_ok=True)
    for label, audio in rows:
        data.write_wav(f"{FLAGS.out}_{label}.wav", audio, settings.sample_rate, gap_seconds=0)
        distance = vocoding.multi_resolution_stft_distance(real, audio)
        print(f"{label:<14} MR-STFT {distance:.3f}")
    mels = np.asarray(data.LogMelSpectrogram(settings)(np.stack([a for _, a in rows])))
    title = " | ".join(label for label, _ in rows)
    path = plotting.save_spectrogram_grid(mels, FLAGS.out + ".png", rows=len(rows), title=title)
    source = os.path.basename(recordings.paths[FLAGS.index])
    print(f"wrote {path} and {len(rows)} WAV files ({source})")


if __name__ == "__main__":
    app.run(main)
