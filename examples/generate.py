r"""Draw a grid of digits from an exported generator (no training needed).

    python examples/generate.py --model saved_models/mnist_dcgan --num 64 --out grid.png

--model is a SavedModel version directory (saved_models/mnist_dcgan/1) or a
model directory holding numbered versions (the latest is used). For a
class-conditional export (examples/mnist.py --conditional) the grid has one
row per class, or only --label's class:

    python examples/generate.py --model saved_models/mnist_dcgan_conditional --out digits.png
    python examples/generate.py --model saved_models/mnist_dcgan_conditional --label 7
"""

import sys

from keras_gans.cli import main

# The committed demo export, drawn when no --model is named.
DEFAULT_MODEL = "saved_models/mnist_dcgan"

if __name__ == "__main__":
    args = sys.argv[1:]
    if not any(arg == "--model" or arg.startswith("--model=") for arg in args):
        args.append(f"--model={DEFAULT_MODEL}")
    sys.exit(main(["generate", *args]))
