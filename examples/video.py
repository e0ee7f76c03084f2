r"""Train a clip GAN on Moving MNIST (made from the MNIST digits), watch it, export it.

    python examples/video.py                                   # 64x64, 16 frames, 30 minutes
    python examples/video.py --frame_size=32 --max_minutes=10  # a quick run
    python examples/video.py --mnist_dir=path/to/idx_files     # MNIST's IDX files, offline

Every flag is a field of `keras_gans.jobs.video.VideoConfig`. Writes to
--output_dir (default runs/moving_mnist_<frame_size>): samples_epoch_NNN.gif
(a 4x4 grid of clips from fixed noise), loss_curves.png, gan.keras,
summary.json; exports <export_dir>/<name>/<version>/ with serving_default
(z float32 [b, latent_dim]) -> video uint8 [b, frames, H, W, 1], and
<export_dir>/<name>[_float16|_int8].tflite. `keras-gans generate EXPORT
--out=clips.gif` draws from it.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "video", *sys.argv[1:]]))
