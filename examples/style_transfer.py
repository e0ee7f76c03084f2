r"""Train a style-transfer GAN on unpaired photos and paintings, then export it.

    python examples/style_transfer.py \
        --content_dir=../shared/data/style/photo2monet/trainA \
        --style_dir=../shared/data/style/photo2monet/trainB \
        --test_content_dir=../shared/data/style/photo2monet/testA

Every flag is a field of `keras_gans.recipes.style.StyleConfig`. Without
--content_dir/--style_dir it uses TFDS cycle_gan/monet2photo (which needs a
prepared TFDS directory when offline). Writes to --output_dir (default
runs/style_<name>): epoch_NNN.png ("content | style | generated"),
loss_curves.png, gan.keras, summary.json; exports the generator to
<export_dir>/style_<name>/<version>/ (content uint8 -> stylized uint8, any
size) and <export_dir>/style_<name>[_float16|_int8].tflite.
"""

import sys

from absl import app
from absl import flags

from keras_gans.recipes import common
from keras_gans.recipes import config
from keras_gans.recipes import style

config.define_flags(style.StyleConfig, style.PRESETS, skip=("verbose",))


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    try:
        result = style.train(**config.overrides_from_flags(style.StyleConfig, flags.FLAGS))
    except common.USER_ERRORS as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    common.print_result(result)
    return 0


if __name__ == "__main__":
    app.run(main)
