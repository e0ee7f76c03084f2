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

from absl import app
from absl import flags

flags.DEFINE_string("model", "saved_models/mnist_dcgan", "Exported generator.")
flags.DEFINE_integer("num", 64, "Number of images.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Noise seed; the same seed draws the same images.")
flags.DEFINE_string("out", "grid.png", "Output PNG path.")
flags.DEFINE_integer("label", None, "Conditional exports: draw only this class.")
flags.DEFINE_integer(
    "num_classes",
    None,
    "Conditional exports: classes, one grid row each (at most 10 rows). Default: the "
    "export's assets/class_names.json, else 10.",
)
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import numpy as np
    import tensorflow as tf

    from keras_gans import export
    from keras_gans import plotting

    try:
        path, serve = export.load_serving(FLAGS.model)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    inputs = serve.structured_input_signature[1]
    latent_dim = inputs["z"].shape[-1]
    rng = np.random.default_rng(FLAGS.seed)
    if "label" not in inputs:
        z = rng.standard_normal((FLAGS.num, latent_dim))
        images = serve(z=tf.constant(z, tf.float32))["images"].numpy()
        rows = None
    else:
        if FLAGS.label is None:
            # One row per class, the same noise down each column.
            rows = min(10, FLAGS.num_classes or _num_classes(path))
            cols = 10
            z = np.tile(rng.standard_normal((cols, latent_dim)), (rows, 1))
            labels = np.repeat(np.arange(rows), cols)
        else:
            z = rng.standard_normal((FLAGS.num, latent_dim))
            labels = np.full(FLAGS.num, FLAGS.label)
            rows = None
        try:
            images = serve(z=tf.constant(z, tf.float32), label=tf.constant(labels, tf.int32))[
                "images"
            ].numpy()
        except tf.errors.InvalidArgumentError as e:
            lines = e.message.splitlines()
            reason = next((line for line in lines if "label must be" in line), lines[0])
            print(f"error: {reason.strip()}", file=sys.stderr)
            return 1
    plotting.save_image_grid(images, FLAGS.out, rows=rows)
    print(f"wrote {len(images)} images from {path} to {FLAGS.out}")
    return 0


def _num_classes(path):
    """Classes of a conditional export: its class names asset, else 10."""
    from keras_gans import export

    names = export.class_names(path)
    return len(names) if names else 10


if __name__ == "__main__":
    app.run(main)
