r"""Apply an exported style generator to image files.

    python examples/stylize.py --model saved_models/style_monet \
        --output_dir stylized/ photo1.jpg photo2.png

--model is a SavedModel version directory or a model directory with numbered
versions (the latest is used). Images of any size are stylized at full
resolution; each output keeps the input's name, as PNG. --side_by_side also
writes <name>_before_after.png.
"""

import sys

from keras_gans.cli import main


def apply_args(args, model="saved_models/style_monet", out="stylized"):
    """This script's flags as `keras-gans apply EXPORT IMAGES --out=DIR` arguments."""
    rest, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg in ("--model", "--output_dir") and i + 1 < len(args):
            arg, i = f"{arg}={args[i + 1]}", i + 1
        if arg.startswith("--model="):
            model = arg.partition("=")[2]
        elif arg.startswith("--output_dir="):
            out = arg.partition("=")[2]
        else:
            rest.append(arg)
        i += 1
    return ["apply", model, *rest, f"--out={out}"]


if __name__ == "__main__":
    sys.exit(main(apply_args(sys.argv[1:])))
