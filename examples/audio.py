r"""Train a WaveGAN on your own folder of recordings, listen to it, export it.

    python examples/audio.py --data_dir=path/to/sounds
    python examples/audio.py --data_dir=path/to/kinds --conditional   # a subfolder per class
    python examples/audio.py --data_dir=drums --clip_samples=8192 --max_minutes=20

Every flag is a field of `keras_gans.jobs.audio.AudioConfig`. The folder
holds WAV files (FLAC, OGG, AIFF with `pip install 'keras_gans[audio]'`) of any
sample rate and length, or one subfolder of them per class. Writes to
--output_dir (default runs/<name>): samples_epoch_NNN.png (spectrograms) and
samples_epoch_NNN.wav (the same sounds), loss_curves.png, gan.keras,
summary.json; exports <export_dir>/<name>/<version>/ with serving_default
(z float32 [b, latent_dim]) -> audio float32 [b, samples] (with --conditional:
(z, label int32 [b])), and <export_dir>/<name>[_float16|_int8].tflite.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "audio", *sys.argv[1:]]))
