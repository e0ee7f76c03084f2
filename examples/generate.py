r"""Draw a grid of digits from an exported generator (no training needed).

    python examples/generate.py --model saved_models/mnist_dcgan --num 64 --out grid.png

--model is a SavedModel version directory (saved_models/mnist_dcgan/1) or a
model directory holding numbered versions (the latest is used).
"""

import sys

from absl import app
from absl import flags

flags.DEFINE_string("model", "saved_models/mnist_dcgan", "Exported generator.")
flags.DEFINE_integer("num", 64, "Number of images.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Noise seed; the same seed draws the same images.")
flags.DEFINE_string("out", "grid.png", "Output PNG path.")
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
    latent_dim = serve.structured_input_signature[1]["z"].shape[-1]
    z = np.random.default_rng(FLAGS.seed).standard_normal((FLAGS.num, latent_dim))
    images = serve(z=tf.constant(z, tf.float32))["images"].numpy()
    plotting.save_image_grid(images, FLAGS.out)
    print(f"wrote {FLAGS.num} images from {path} to {FLAGS.out}")
    return 0


if __name__ == "__main__":
    app.run(main)
