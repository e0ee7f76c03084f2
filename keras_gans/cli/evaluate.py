"""`keras-gans evaluate SOURCE`: how good is this generator? Offline.

SOURCE is a `.npy` file of images ((n, h, w) or (n, h, w, c); uint8, or floats
in [0, 1] or [-1, 1], detected), a folder of images, or an exported generator
(a SavedModel directory or a model directory with numbered versions, with the
`z` -> `images` signature). REFERENCE is a named split, a folder of images or a
`.npy` file; for the last two pass the classifier trained on such images
(`keras-gans train-classifier --data_dir=...`). Prints a table, then as its
last line a JSON object with the keys fcd, kid, classifier_score, precision,
recall, density, manifold_coverage, coverage, num_samples, extractor (and more).
"""

import json
import os

from absl import flags

from keras_gans.cli.common import only_argument
from keras_gans.cli.common import parse
from keras_gans.cli.common import report
from keras_gans.evaluation import evaluator as evaluator_lib
from keras_gans.evaluation.sources import is_saved_model
from keras_gans.evaluation.sources import load_samples

SUMMARY = "Score images or a generator offline: FCD, KID, precision/recall, coverage."
USAGE = "keras-gans evaluate SOURCE [--reference=mnist_test] [--classifier_dir=DIR]"


def define(flag_values):
    flags.DEFINE_integer(
        "num_samples",
        None,
        "Samples to draw from a generator (default 10000), or to take "
        "from a .npy file (default: all of it).",
        lower_bound=2,
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "reference",
        "mnist_test",
        "Real images to compare with: mnist_test, mnist_train, fashion_mnist_test, "
        "fashion_mnist_train, a folder of images or a .npy file.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "data_dir",
        None,
        "MNIST IDX directory or TFDS data dir for the reference.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "classifier_dir",
        None,
        "Evaluation classifier. Unset: $KERAS_GANS_CLASSIFIER_DIR, else the packaged one.",
        flag_values=flag_values,
    )
    flags.DEFINE_enum(
        "extractor",
        "classifier",
        ["classifier", "inception"],
        "Features: a project classifier (--classifier_dir), or InceptionV3 (FID; needs "
        "--inception_weights or the file Keras caches).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "inception_weights",
        None,
        "The no-top InceptionV3 weights file (never downloaded).",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "seed", 0, "Seed for the generator's noise and metric subsets.", flag_values=flag_values
    )
    flags.DEFINE_string(
        "cache_dir",
        None,
        "Where the reference's features are cached (default: $KERAS_GANS_CACHE_DIR or "
        "~/.cache/keras_gans); none: no cache.",
        flag_values=flag_values,
    )


def main(args):
    parsed = parse("keras-gans evaluate", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    source = only_argument(positional, "source", USAGE)
    try:
        cache_dir = options.cache_dir or "default"
        evaluator = evaluator_lib.Evaluator(
            options.reference,
            options.data_dir,
            options.classifier_dir,
            cache_dir=None if cache_dir.lower() == "none" else cache_dir,
            extractor=options.extractor,
            inception_weights=options.inception_weights,
        )
        images, labels = load_samples(
            source, options.num_samples, options.seed, evaluator.extractor.input_shape
        )
        results = evaluator.evaluate(images, seed=options.seed, labels=labels)
        if os.path.isdir(source) and not is_saved_model(source):
            height, width, _ = evaluator.extractor.input_shape
            results["input_resize"] = f"folder read at {height}x{width} (center crop, antialiased)"
    except (FileNotFoundError, ValueError) as e:
        return report(e)
    print(evaluator_lib.format_table(results, title=f"keras_gans evaluation of {source}"))
    print(json.dumps(results))
    return 0
