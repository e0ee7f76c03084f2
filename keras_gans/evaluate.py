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

if __name__ == "__main__":
    # The command lives in keras_gans.cli; this module name stays a way to run it.
    import sys

    from keras_gans.cli import main

    sys.exit(main(["evaluate", *sys.argv[1:]]))
