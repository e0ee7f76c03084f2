r"""Train a style-transfer GAN on unpaired photos and paintings, then export it.

    python examples/style_transfer.py \
        --content_dir=../shared/data/style/photo2monet/trainA \
        --style_dir=../shared/data/style/photo2monet/trainB \
        --test_content_dir=../shared/data/style/photo2monet/testA

Every flag is a field of `keras_gans.jobs.style.StyleConfig`. Without
--content_dir/--style_dir it uses TFDS cycle_gan/monet2photo (which needs a
prepared TFDS directory when offline). Writes to --output_dir (default
runs/style_<name>): epoch_NNN.png ("content | style | generated"),
loss_curves.png, gan.keras, summary.json; exports the generator to
<export_dir>/style_<name>/<version>/ (content uint8 -> stylized uint8, any
size) and <export_dir>/style_<name>[_float16|_int8].tflite.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "style", *sys.argv[1:]]))
