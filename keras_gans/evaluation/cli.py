r"""Command line: how good is this generator? Offline.

Run as `python -m keras_gans.evaluate` (or `python -m keras_gans.evaluation`):

    python -m keras_gans.evaluate saved_models/mnist_dcgan
    python -m keras_gans.evaluate samples.npy --reference mnist_test

SOURCE is a `.npy` file of images (N×28×28 or N×28×28×1; uint8, or floats in
[0, 1] or [-1, 1], detected) or an exported generator (a SavedModel directory
or a model directory with numbered versions, with the `z` -> `images`
signature). Prints a table, then as its last line a JSON object with the keys
fcd, kid, classifier_score, precision, recall, coverage (and more).
"""

import json
import os
import sys

from absl import app
from absl import flags

flags.DEFINE_integer(
    "num_samples",
    None,
    "Samples to draw from a generator (default 10000), or to take "
    "from a .npy file (default: all of it).",
    lower_bound=2,
)
flags.DEFINE_enum(
    "reference",
    "mnist_test",
    ["mnist_test", "mnist_train", "fashion_mnist_test", "fashion_mnist_train"],
    "Real images to compare with.",
)
flags.DEFINE_string("data_dir", None, "MNIST IDX directory or TFDS data dir for the reference.")
flags.DEFINE_string("classifier_dir", None, "Evaluation classifier (default: saved_models/).")
flags.DEFINE_integer("seed", 0, "Seed for the generator's noise and metric subsets.")
FLAGS = flags.FLAGS


def load_images(source, num_samples=None, seed=0):
    """Returns images from a `.npy` file or an exported generator.

    Raises:
        FileNotFoundError / ValueError: with a message naming the problem.
    """
    import numpy as np

    if not os.path.exists(source):
        raise FileNotFoundError(f"{source} does not exist.")
    if os.path.isfile(source):
        try:
            images = np.load(source, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise ValueError(
                f"Could not read {source} as a .npy array of images ({e}). Save "
                "samples with `numpy.save(path, images)`."
            ) from e
        return images[:num_samples] if num_samples else images

    import tensorflow as tf

    from keras_gans import export

    path, serve = export.load_serving(source)
    inputs = serve.structured_input_signature[1] if serve is not None else {}
    if "z" not in inputs or "images" not in serve.structured_outputs:
        raise ValueError(
            f"{path} has no `serving_default` signature taking `z` and returning `images`; "
            "export generators with keras_gans.export.saved_model."
        )
    latent_dim = inputs["z"].shape[-1]
    num_samples = num_samples or 10_000
    rng = np.random.default_rng(seed)
    chunks = []
    for start in range(0, num_samples, 1000):
        z = rng.standard_normal((min(1000, num_samples - start), latent_dim)).astype("float32")
        chunks.append(serve(z=tf.constant(z))["images"].numpy())
    return np.concatenate(chunks)


def main(argv):
    if len(argv) != 2:
        raise app.UsageError("Usage: python -m keras_gans.evaluate SOURCE [flags]")
    source = argv[1]
    from keras_gans.evaluation import evaluator as evaluator_lib

    try:
        images = load_images(source, FLAGS.num_samples, FLAGS.seed)
        evaluator = evaluator_lib.Evaluator(FLAGS.reference, FLAGS.data_dir, FLAGS.classifier_dir)
        results = evaluator.evaluate(images, seed=FLAGS.seed)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(evaluator_lib.format_table(results, title=f"keras_gans evaluation of {source}"))
    print(json.dumps(results))
    return 0


def run():
    """Entry point of `python -m keras_gans.evaluate`."""
    app.run(main)


if __name__ == "__main__":
    run()
