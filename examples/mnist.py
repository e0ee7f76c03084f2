r"""Train a GAN on MNIST, draw samples, plot losses, export for TF Serving.

    python examples/mnist.py                      # DCGAN, project defaults
    python examples/mnist.py --arch=mlp           # MLP, project defaults
    python examples/mnist.py --preset=founding    # the founding document's recipe

Every flag is a field of `keras_gans.jobs.mnist.MnistConfig`; flags left
unset take the preset's value for the chosen --arch (see the documentation's "Why
these defaults"). Writes to --output_dir: samples_epoch_NNN.png (8x8 grid
from fixed noise), loss_curves.png, gan.keras, summary.json (and tensorboard/
with --tensorboard). Exports the generator to <export_dir>/mnist_<arch>/<version>/.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "mnist", *sys.argv[1:]]))
