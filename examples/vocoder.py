r"""Train a vocoder on your own recordings, listen to it, export it.

    python examples/vocoder.py --data_dir=path/to/recordings --test_dir=path/to/held_out
    python examples/vocoder.py --data_dir=speech/train --test_dir=speech/test --adversarial

Every flag is a field of `keras_gans.jobs.vocoder.VocoderConfig`. The
folders hold WAV files (FLAC, OGG, AIFF with `pip install 'keras_gans[audio]'`)
of any sample rate and length: speech, music, whole recordings. Writes to
--output_dir (default runs/<folder>): vocoded_epoch_NNN.png (held-out
spectrograms beside their vocoded copies) and vocoded_epoch_NNN.wav (the same,
to listen to), loss_curves.png, gan.keras, summary.json and, with --test_dir,
scores.txt (against Griffin-Lim); exports <export_dir>/<name>/<version>/ with
serving_default(mel float32 [b, frames, n_mels]) -> audio float32 [b, samples]
and its mel settings in assets/mel.json, and <export_dir>/<name>[_float16|_int8].tflite.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "vocoder", *sys.argv[1:]]))
