r"""Trains an evaluation classifier and saves it with its accuracy and hash.

    python -m keras_gans.evaluation.train_classifier                      # MNIST
    python -m keras_gans.evaluation.train_classifier --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist
    python -m keras_gans.evaluation.train_classifier --data_dir=my_classes/ \
        --output_dir=my_classifier                     # any folder of class subfolders

Writes `<output_dir>/classifier.weights.h5` and `<output_dir>/metadata.json`
(default output_dir for MNIST-style data: `saved_models/<dataset>_classifier`).
MNIST and Fashion-MNIST come from the same `keras_gans.data.mnist` pipeline as
the GANs; a folder is read with `keras_gans.data.load_image_folder`, a tenth
of each class held out to measure the accuracy.
"""

import os
import sys
import time

from absl import app
from absl import flags

flags.DEFINE_enum(
    "dataset",
    None,
    ["mnist", "fashion_mnist", "folder"],
    "Data set. Unset: folder when --data_dir holds one subfolder of images per class, else mnist.",
)
flags.DEFINE_string(
    "data_dir", None, "A folder of class subfolders, or an IDX / TFDS directory for MNIST."
)
flags.DEFINE_string(
    "output_dir", None, "Default: saved_models/<dataset>_classifier (required for folders)."
)
flags.DEFINE_string(
    "image_size", None, "Folders: N or HxW. Unset: chosen from the data (at most 64)."
)
flags.DEFINE_integer(
    "epochs", None, "Training epochs. Unset: 4 for MNIST-style data, 20 for folders."
)
flags.DEFINE_integer("batch_size", 128, "Batch size.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate (cosine-decayed to 0).")
flags.DEFINE_integer("seed", 0, "Seed.")
flags.DEFINE_float("min_accuracy", 0.0, "Fail (exit 1, nothing saved) below this test accuracy.")
FLAGS = flags.FLAGS

MNIST_EPOCHS = 4
FOLDER_EPOCHS = 20
TEST_FRACTION = 0.1


def train(
    dataset="mnist",
    data_dir=None,
    output_dir=None,
    epochs=MNIST_EPOCHS,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    min_accuracy=0.0,
    verbose="auto",
):
    """Trains, tests and saves the MNIST or Fashion-MNIST classifier.

    Returns:
        Its metadata dict.
    """
    from keras_gans import data
    from keras_gans.evaluation import classifier as classifier_lib

    train_ds = data.mnist(
        "train", batch_size, dataset=dataset, data_dir=data_dir, seed=seed, with_labels=True
    )
    test_ds = data.mnist(
        "test", 500, dataset=dataset, data_dir=data_dir, with_labels=True, drop_remainder=False
    )
    metadata = {"dataset": dataset, "num_classes": 10}
    directory = output_dir or classifier_lib.default_classifier_dir(dataset)
    settings = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    return _fit_and_save(
        (28, 28, 1), train_ds, test_ds, directory, metadata, settings, min_accuracy, verbose
    )


def train_on_folder(
    data_dir,
    output_dir,
    image_size=None,
    epochs=FOLDER_EPOCHS,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    min_accuracy=0.0,
    verbose="auto",
):
    """Trains, tests and saves a classifier of a folder with one subfolder per class.

    A tenth of each class (at least one image) is held out for the test
    accuracy; training batches are randomly flipped and shifted. The metadata
    records the class names, the input size and a fingerprint of the files
    (names and sizes), so evaluations can say which data taught the features.

    Returns:
        Its metadata dict.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from keras_gans import data
    from keras_gans.data.image_folder import fingerprint_files

    folder = data.load_image_folder(data_dir, image_size=image_size)
    if not folder.class_names or len(folder.class_names) < 2:
        raise ValueError(
            f"{data_dir} needs one subfolder of images per class (at least two) to train a "
            "classifier."
        )
    rng = np.random.default_rng(seed)
    test = np.zeros(len(folder.images), bool)
    for label in range(len(folder.class_names)):
        members = np.flatnonzero(folder.labels == label)
        if not len(members):
            raise ValueError(
                f"No readable image in the class folder {folder.class_names[label]!r} of "
                f"{data_dir}."
            )
        held_out = max(1, int(round(TEST_FRACTION * len(members))))
        test[rng.choice(members, held_out, replace=False)] = True

    # User folders are often a few hundred images: flips and small shifts keep
    # the classifier from memorizing them.
    augment = keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="reflect", seed=seed),
        ]
    )

    def batches(mask, train):
        ds = tf.data.Dataset.from_tensor_slices((folder.images[mask], folder.labels[mask]))
        if train:
            ds = ds.shuffle(int(mask.sum()), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size).map(lambda x, y: (data.to_float(x), y))
        if train:
            ds = ds.map(lambda x, y: (augment(x, training=True), y))
        return ds.prefetch(tf.data.AUTOTUNE)

    metadata = {
        "dataset": "folder",
        "data_dir": os.path.abspath(data_dir),
        "data_fingerprint": fingerprint_files(folder.paths),
        "class_names": folder.class_names,
        "num_classes": len(folder.class_names),
        "num_images": len(folder.images),
        "num_test_images": int(test.sum()),
    }
    settings = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    return _fit_and_save(
        folder.image_shape,
        batches(~test, True),
        batches(test, False),
        output_dir,
        metadata,
        settings,
        min_accuracy,
        verbose,
    )


def _fit_and_save(
    input_shape, train_ds, test_ds, directory, metadata, settings, min_accuracy, verbose
):
    """Trains with `settings` (epochs, batch_size, learning_rate, seed), tests, saves."""
    import keras
    import tensorflow as tf

    from keras_gans.evaluation import classifier as classifier_lib

    epochs, learning_rate = settings["epochs"], settings["learning_rate"]
    keras.utils.set_random_seed(settings["seed"])
    model = classifier_lib.image_classifier(input_shape, num_classes=metadata["num_classes"])
    steps = int(train_ds.cardinality()) * epochs
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(learning_rate, max(steps, 1))
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(train_ds, epochs=epochs, verbose=verbose, shuffle=False)  # shuffled by train_ds
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(test_ds, verbose=0)
    if accuracy < min_accuracy:
        raise ValueError(
            f"Test accuracy {accuracy:.4f} is below --min_accuracy={min_accuracy}; "
            "nothing was saved."
        )
    metadata = {
        **metadata,
        "test_accuracy": round(float(accuracy), 5),
        "epochs": epochs,
        "batch_size": settings["batch_size"],
        "seed": settings["seed"],
        "train_seconds": round(seconds, 1),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }
    return classifier_lib.save_classifier(model, directory, metadata)


def holds_class_folders(directory):
    """Whether `directory` is a folder of class subfolders of images."""
    from keras_gans.data import find_images

    try:
        return bool(directory) and bool(find_images(directory)[2])
    except (FileNotFoundError, ValueError):
        return False


def main(argv):
    del argv
    dataset = FLAGS.dataset or ("folder" if holds_class_folders(FLAGS.data_dir) else "mnist")
    try:
        if dataset == "folder":
            if not FLAGS.data_dir or not FLAGS.output_dir:
                raise ValueError("Pass --data_dir (one subfolder per class) and --output_dir.")
            from keras_gans.recipes.images import parse_image_size

            metadata = train_on_folder(
                FLAGS.data_dir,
                FLAGS.output_dir,
                parse_image_size(FLAGS.image_size),
                FLAGS.epochs or FOLDER_EPOCHS,
                FLAGS.batch_size,
                FLAGS.learning_rate,
                FLAGS.seed,
                FLAGS.min_accuracy,
            )
        else:
            metadata = train(
                dataset,
                FLAGS.data_dir,
                FLAGS.output_dir,
                FLAGS.epochs or MNIST_EPOCHS,
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
