r"""Train a GAN on your own folder of images, draw samples, export it.

    python examples/images.py --data_dir=path/to/photos
    python examples/images.py --data_dir=path/to/classes --conditional   # a subfolder per class
    python examples/images.py --data_dir=photos --image_size=48x80 --max_minutes=20

Every flag is a field of `keras_gans.jobs.images.ImagesConfig`. The folder
holds JPEG, PNG, BMP or GIF files of any size (a flat folder), or one
subfolder of them per class. Writes to --output_dir (default runs/<name>):
samples_epoch_NNN.png, loss_curves.png, gan.keras, summary.json (with the
class names); exports <export_dir>/<name>/<version>/ with serving_default
(z float32 [b, latent_dim]) -> images uint8 [b, H, W, C] (with --conditional:
(z, label int32 [b])), and <export_dir>/<name>[_float16|_int8].tflite.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "images", *sys.argv[1:]]))
