r"""Train a GAN on MNIST, draw samples, plot losses, export for TF Serving.

    python examples/mnist.py                      # DCGAN, project defaults
    python examples/mnist.py --arch=mlp           # MLP, project defaults
    python examples/mnist.py --preset=founding    # the founding document's recipe

Every flag is a field of `keras_gans.recipes.mnist.MnistConfig`; flags left
unset take the preset's value for the chosen --arch (see the README's "Why
these defaults"). Writes to --output_dir: samples_epoch_NNN.png (8x8 grid
from fixed noise), loss_curves.png, gan.keras, summary.json (and tensorboard/
with --tensorboard). Exports the generator to <export_dir>/mnist_<arch>/<version>/.
"""

import sys

from absl import app
from absl import flags

from keras_gans.recipes import common
from keras_gans.recipes import config
from keras_gans.recipes import mnist

config.define_flags(mnist.MnistConfig, mnist.PRESETS, skip=("verbose",))


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    try:
        result = mnist.train(**config.overrides_from_flags(mnist.MnistConfig, flags.FLAGS))
    except common.USER_ERRORS as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    common.print_result(result)
    return 0


if __name__ == "__main__":
    app.run(main)
