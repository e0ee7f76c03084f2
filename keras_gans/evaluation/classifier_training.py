"""Training the evaluation classifiers: MNIST-style data sets, or any folder of classes.

`python -m keras_gans.evaluation.train_classifier` is the command line;
these functions are the library behind it (importing them defines no flags).
"""

import os
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import data
from keras_gans.data import find_images
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import classifier as classifier_lib

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
    train_ds = data.mnist(
        "train", batch_size, dataset=dataset, data_dir=data_dir, seed=seed, with_labels=True
    )
    test_ds = data.mnist(
        "test", 500, dataset=dataset, data_dir=data_dir, with_labels=True, drop_remainder=False
    )
    metadata = {"dataset": dataset, "num_classes": 10}
    # Never into the installed package: a new classifier is the user's file.
    directory = output_dir or os.path.join("saved_models", f"{dataset}_classifier")
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
    try:
        return bool(directory) and bool(find_images(directory)[2])
    except (FileNotFoundError, ValueError):
        return False
