r"""Command line: how good is this generator? Offline.

Run as `python -m keras_gans.evaluate`:

    python -m keras_gans.evaluate saved_models/mnist_dcgan
    python -m keras_gans.evaluate samples.npy --reference mnist_test

    python -m keras_gans.evaluate saved_models/photos --reference photos/ \
        --classifier_dir my_classifier

SOURCE is a `.npy` file of images ((n, h, w) or (n, h, w, c); uint8, or floats
in [0, 1] or [-1, 1], detected), a folder of images, or an exported generator
(a SavedModel directory or a model directory with numbered versions, with the
`z` -> `images` signature). REFERENCE is a named split, a folder of images or a
`.npy` file; for the last two pass the classifier trained on such images
(`python -m keras_gans.evaluation.train_classifier --data_dir=...`). Prints a
table, then as its last line a JSON object with the keys fcd, kid,
classifier_score, precision, recall, density, manifold_coverage, coverage,
num_samples, extractor (and more).
"""

import json
import os
import sys

from absl import app
from absl import flags

from keras_gans.evaluation import evaluator as evaluator_lib
from keras_gans.evaluation.sources import is_saved_model
from keras_gans.evaluation.sources import load_samples

flags.DEFINE_integer(
    "num_samples",
    None,
    "Samples to draw from a generator (default 10000), or to take "
    "from a .npy file (default: all of it).",
    lower_bound=2,
)
flags.DEFINE_string(
    "reference",
    "mnist_test",
    "Real images to compare with: mnist_test, mnist_train, fashion_mnist_test, "
    "fashion_mnist_train, a folder of images or a .npy file.",
)
flags.DEFINE_string("data_dir", None, "MNIST IDX directory or TFDS data dir for the reference.")
flags.DEFINE_string(
    "classifier_dir",
    None,
    "Evaluation classifier. Unset: $KERAS_GANS_CLASSIFIER_DIR, else the packaged one.",
)
flags.DEFINE_enum(
    "extractor",
    "classifier",
    ["classifier", "inception"],
    "Features: a project classifier (--classifier_dir), or InceptionV3 (FID; needs "
    "--inception_weights or the file Keras caches).",
)
flags.DEFINE_string(
    "inception_weights", None, "The no-top InceptionV3 weights file (never downloaded)."
)
flags.DEFINE_integer("seed", 0, "Seed for the generator's noise and metric subsets.")
flags.DEFINE_string(
    "cache_dir",
    None,
    "Where the reference's features are cached (default: $KERAS_GANS_CACHE_DIR or "
    "~/.cache/keras_gans); none: no cache.",
)
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) != 2:
        raise app.UsageError("Usage: python -m keras_gans.evaluate SOURCE [flags]")
    source = argv[1]
    try:
        cache_dir = FLAGS.cache_dir or "default"
        evaluator = evaluator_lib.Evaluator(
            FLAGS.reference,
            FLAGS.data_dir,
            FLAGS.classifier_dir,
            cache_dir=None if cache_dir.lower() == "none" else cache_dir,
            extractor=FLAGS.extractor,
            inception_weights=FLAGS.inception_weights,
        )
        images, labels = load_samples(
            source, FLAGS.num_samples, FLAGS.seed, evaluator.extractor.input_shape
        )
        results = evaluator.evaluate(images, seed=FLAGS.seed, labels=labels)
        if os.path.isdir(source) and not is_saved_model(source):
            height, width, _ = evaluator.extractor.input_shape
            results["input_resize"] = f"folder read at {height}x{width} (center crop, antialiased)"
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
