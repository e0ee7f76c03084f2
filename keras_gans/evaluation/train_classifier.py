r"""Trains the evaluation classifier and saves it with its accuracy and hash.

    python -m keras_gans.evaluation.train_classifier                      # MNIST
    python -m keras_gans.evaluation.train_classifier --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist

Writes `<output_dir>/classifier.weights.h5` and `<output_dir>/metadata.json`
(default output_dir: `saved_models/<dataset>_classifier`). Uses the same
`keras_gans.data.mnist` pipeline as the GANs.
"""

import sys
import time

from absl import app
from absl import flags

flags.DEFINE_enum("dataset", "mnist", ["mnist", "fashion_mnist"], "Data set.")
flags.DEFINE_string("data_dir", None, "IDX directory or TFDS data dir (default: TFDS).")
flags.DEFINE_string("output_dir", None, "Default: saved_models/<dataset>_classifier.")
flags.DEFINE_integer("epochs", 4, "Training epochs.")
flags.DEFINE_integer("batch_size", 128, "Batch size.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate (cosine-decayed to 0).")
flags.DEFINE_integer("seed", 0, "Seed.")
flags.DEFINE_float("min_accuracy", 0.0, "Fail (exit 1, nothing saved) below this test accuracy.")
FLAGS = flags.FLAGS


def train(
    dataset="mnist",
    data_dir=None,
    output_dir=None,
    epochs=4,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    min_accuracy=0.0,
    verbose="auto",
):
    """Trains, tests and saves the classifier. Returns its metadata dict."""
    import keras
    import tensorflow as tf

    from keras_gans import data
    from keras_gans.evaluation import classifier as classifier_lib

    keras.utils.set_random_seed(seed)
    train_ds = data.mnist(
        "train", batch_size, dataset=dataset, data_dir=data_dir, seed=seed, with_labels=True
    )
    test_ds = data.mnist(
        "test", 500, dataset=dataset, data_dir=data_dir, with_labels=True, drop_remainder=False
    )
    model = classifier_lib.mnist_classifier()
    steps = int(train_ds.cardinality()) * epochs
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(learning_rate, steps)
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(train_ds, epochs=epochs, verbose=verbose)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(test_ds, verbose=0)
    if accuracy < min_accuracy:
        raise ValueError(
            f"Test accuracy {accuracy:.4f} is below --min_accuracy={min_accuracy}; "
            "nothing was saved."
        )
    metadata = {
        "dataset": dataset,
        "test_accuracy": round(float(accuracy), 5),
        "num_classes": 10,
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }
    directory = output_dir or classifier_lib.default_classifier_dir(dataset)
    return classifier_lib.save_classifier(model, directory, metadata)


def main(argv):
    del argv
    try:
        metadata = train(
            FLAGS.dataset,
            FLAGS.data_dir,
            FLAGS.output_dir,
            FLAGS.epochs,
            FLAGS.batch_size,
            FLAGS.learning_rate,
            FLAGS.seed,
            FLAGS.min_accuracy,
        )
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"test accuracy {metadata['test_accuracy']:.4f}, sha256 {metadata['sha256']}")
    return 0


if __name__ == "__main__":
    app.run(main)
