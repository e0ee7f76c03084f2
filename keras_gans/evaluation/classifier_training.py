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
from keras_gans.data.audio import AUDIO_EXTENSIONS
from keras_gans.data.folders import find_files
from keras_gans.data.image_folder import IMAGE_EXTENSIONS
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import classifier as classifier_lib

MNIST_EPOCHS = 4
FOLDER_EPOCHS = 20
CLIP_STEPS = 12000
TRACKING_STEPS = 6000  # the packaged network's head
TRACKING_FRAMES = 16  # the clips the video job makes and scores
CLIP_FRAME_SIZE = 64  # the packaged clip network's
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
    keras.utils.set_random_seed(seed)
    network = classifier_lib.image_classifier((28, 28, 1), num_classes=10)
    return _fit_and_save(
        network, train_ds, test_ds, directory, metadata, settings, min_accuracy, verbose
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
    (names and contents), so evaluations can say which data taught the features.

    Returns:
        Its metadata dict.
    """
    folder = data.load_image_folder(data_dir, image_size=image_size)
    if not folder.class_names or len(folder.class_names) < 2:
        raise ValueError(
            f"{data_dir} needs one subfolder of images per class (at least two) to train a "
            "classifier."
        )
    test = held_out_mask(folder, data_dir, seed)

    # User folders are often a few hundred images: flips and small shifts keep
    # the classifier from memorizing them.
    augment = keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="reflect", seed=seed),
        ]
    )

    metadata = {"dataset": "folder", **_folder_metadata(folder, data_dir, test, "images")}
    settings = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    keras.utils.set_random_seed(seed)
    network = classifier_lib.image_classifier(folder.image_shape, len(folder.class_names))
    train_ds, test_ds = _split_batches(
        folder.images,
        folder.labels,
        test,
        batch_size,
        seed,
        prepare=lambda x, y: (data.to_float(x), y),
        augment=lambda x, y: (augment(x, training=True), y),
    )
    return _fit_and_save(
        network, train_ds, test_ds, output_dir, metadata, settings, min_accuracy, verbose
    )


def train_on_moving_mnist(
    output_dir=None,
    data_dir=None,
    dataset="mnist",
    frame_size=CLIP_FRAME_SIZE,
    frames=8,
    num_digits=2,
    steps=CLIP_STEPS,
    batch_size=32,
    learning_rate=1e-3,
    seed=0,
    min_accuracy=0.0,
    verbose="auto",
    tracking_steps=TRACKING_STEPS,
    start_from=None,
):
    """Trains, tests and saves the clip network (`classifier.clip_classifier`)
    on Moving MNIST made from the training digits (`keras_gans.data.moving_mnist`).

    Half the training clips are shown as they are, a quarter with their
    frames shuffled and a quarter as one of their frames held for the whole
    clip, and
    the network learns to name every frame's and clip's digits and to tell
    the clips in their real order from the others. It is tested on 1,000
    clips of the test digits, taught the same way.

    Then, everything else frozen, its `tracked_digits` head learns to name
    each frame's digits from the frame and its neighbours, on clips of
    `TRACKING_FRAMES` frames: a third as they are, a third cut at a random
    frame and finished by another clip (whose digits the frames after the
    cut must be given), a third shuffled.

    Args:
        start_from: a clip network's folder, or `None`. Take every weight
            but the tracking head's from it and skip the first stage (the
            new network's frame and clip features are that one's).

    Returns:
        Its metadata dict; `test_accuracy` is the share of test frames whose
        digits it names exactly, `in_order_accuracy` and
        `clip_digits_accuracy` the clips' shares, `tracked_digits_accuracy`
        the share of test frames the tracking head names exactly (clips as
        they are) and `tracked_splice_accuracy` (clips cut and finished by
        another).
    """
    geometry = dict(num_digits=num_digits, frame_size=frame_size, frames=frames, dataset=dataset)

    def taught(step, batch):
        clips, digits = batch
        size = tf.shape(clips)[0]
        key = tf.stack([tf.cast(seed, tf.int64), step])
        shown = tf.random.stateless_uniform([size], key, maxval=4, dtype=tf.int32)
        order = tf.argsort(tf.random.stateless_uniform([size, frames], key + 1), axis=1)
        held = tf.random.stateless_uniform([size, 1], key + 2, maxval=frames, dtype=tf.int32)
        still = tf.repeat(tf.gather(clips, held, batch_dims=1), frames, axis=1)
        shown_as = shown[:, None, None, None, None]
        clips = tf.where(shown_as == 2, tf.gather(clips, order, batch_dims=1), clips)
        clips = tf.where(shown_as == 3, still, clips)
        present = tf.reduce_max(tf.one_hot(digits, 10), axis=1)
        return clips, {
            "frame_digits": tf.repeat(present[:, None], frames, axis=1),
            "in_order": tf.cast(shown < 2, tf.float32)[:, None],
            "clip_digits": present,
        }

    def tracked(step, batch):
        clips, digits = batch
        size = tf.shape(clips)[0]
        key = tf.stack([tf.cast(seed, tf.int64), step])
        shown = tf.random.stateless_uniform([size, 1], key, maxval=3, dtype=tf.int32)
        cut = tf.random.stateless_uniform(
            [size, 1], key + 1, minval=2, maxval=TRACKING_FRAMES - 1, dtype=tf.int32
        )
        after = (tf.range(TRACKING_FRAMES)[None] >= cut) & (shown == 1)
        present = tf.reduce_max(tf.one_hot(digits, 10), axis=1)
        clips = tf.where(after[..., None, None, None], tf.roll(clips, 1, axis=0), clips)
        order = tf.argsort(tf.random.stateless_uniform([size, TRACKING_FRAMES], key + 2), axis=1)
        clips = tf.where(
            (shown == 2)[..., None, None, None], tf.gather(clips, order, batch_dims=1), clips
        )
        other = tf.roll(present, 1, axis=0)
        return clips, {
            "tracked_digits": tf.where(after[..., None], other[:, None], present[:, None])
        }

    def stream(split, size, teach=taught, **options):
        options = {**geometry, **options}
        clips = data.moving_mnist(
            split, size, data_dir=data_dir, seed=seed, with_labels=True, **options
        )
        return clips.enumerate().map(teach, num_parallel_calls=tf.data.AUTOTUNE)

    def trained(outputs, teach, steps, frames):
        model = keras.Model(network.input, {key: network.output[key] for key in outputs})
        binary = keras.losses.BinaryCrossentropy(from_logits=True)
        model.compile(
            optimizer=keras.optimizers.Adam(
                keras.optimizers.schedules.CosineDecay(learning_rate, steps)
            ),
            loss={key: binary for key in outputs},
        )
        start = time.perf_counter()
        model.fit(
            stream("train", batch_size, teach, frames=frames, first_epoch=0).prefetch(
                tf.data.AUTOTUNE
            ),
            epochs=1,
            steps_per_epoch=steps,
            verbose=verbose,
        )
        return time.perf_counter() - start

    def tested(teach, frames):
        clips, truth = zip(
            *stream("test", 100, teach, frames=frames, shuffle=False).take(10).as_numpy_iterator()
        )
        return classifier_lib.predict_clips(network, np.concatenate(clips), 100), truth

    keras.utils.set_random_seed(seed)
    network = classifier_lib.clip_classifier(frame_size)
    settings = dict(steps=steps, batch_size=batch_size, seed=seed, tracking_steps=tracking_steps)
    if start_from is None:
        seconds = trained(("frame_digits", "in_order", "clip_digits"), taught, steps, frames)
    else:
        earlier = classifier_lib.load_classifier(start_from)
        for layer in earlier.model.layers:
            if layer.weights:
                network.get_layer(layer.name).set_weights(layer.get_weights())
        seconds = earlier.metadata.get("train_seconds", 0.0)
        settings.update(
            steps=earlier.metadata.get("steps"), started_from=earlier.metadata.get("sha256")
        )
    for layer in network.layers:
        layer.trainable = layer.name.startswith("track")
    seconds += trained(("tracked_digits",), tracked, tracking_steps, TRACKING_FRAMES)
    found, truth = tested(taught, frames)
    truth = {key: np.concatenate([t[key] for t in truth]) for key in truth[0]}
    named = {key: (found[key] > 0) == (truth[key] > 0.5) for key in truth}
    found, truth = tested(tracked, TRACKING_FRAMES)
    truth = np.concatenate([t["tracked_digits"] for t in truth])
    spliced = (truth != truth[:, :1]).any(axis=(1, 2))
    tracked_named = ((found["tracked_digits"] > 0) == (truth > 0.5)).all(axis=-1)
    metadata = {
        **geometry,
        "dataset": f"moving_{dataset}",
        "input": "clips",
        "in_order_accuracy": round(float(named["in_order"].mean()), 5),
        "clip_digits_accuracy": round(float(named["clip_digits"].all(axis=-1).mean()), 5),
        "tracked_digits_accuracy": round(float(tracked_named[~spliced].mean()), 5),
        "tracked_splice_accuracy": round(float(tracked_named[spliced].mean()), 5),
    }
    accuracy = float(named["frame_digits"].all(axis=-1).mean())
    metadata = _tested(metadata, accuracy, min_accuracy, settings, seconds)
    directory = output_dir or os.path.join("saved_models", f"moving_{dataset}_classifier")
    return classifier_lib.save_classifier(network, directory, metadata)


def _split_batches(examples, labels, test, batch_size, seed, prepare=None, augment=None):
    """`(train, test)` datasets of a held-out split; `prepare` maps every
    batch, `augment` the training batches (both take and give `(x, y)`)."""

    def batches(mask, train):
        ds = tf.data.Dataset.from_tensor_slices((examples[mask], labels[mask]))
        if train:
            ds = ds.shuffle(int(mask.sum()), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size)
        if prepare is not None:
            ds = ds.map(prepare)
        if train and augment is not None:
            ds = ds.map(augment)
        return ds.prefetch(tf.data.AUTOTUNE)

    return batches(~test, True), batches(test, False)


def _folder_metadata(folder, data_dir, test, noun):
    """Which folder taught a classifier: its path, fingerprint, classes, sizes."""
    return {
        "data_dir": os.path.abspath(data_dir),
        "data_fingerprint": fingerprint_files(folder.paths),
        "class_names": folder.class_names,
        "num_classes": len(folder.class_names),
        f"num_{noun}": len(folder.labels),
        f"num_test_{noun}": int(test.sum()),
    }


def held_out_mask(folder, data_dir, seed):
    """A tenth of each class of `folder` (at least one example), chosen at
    random: a boolean mask over its examples."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(folder.labels), bool)
    for label in range(len(folder.class_names)):
        members = np.flatnonzero(folder.labels == label)
        if not len(members):
            raise ValueError(
                f"No readable file in the class folder {folder.class_names[label]!r} of {data_dir}."
            )
        held_out = max(1, int(round(TEST_FRACTION * len(members))))
        test[rng.choice(members, held_out, replace=False)] = True
    return test


def train_on_audio_folder(
    data_dir,
    output_dir,
    sample_rate=16000,
    clip_samples=16384,
    epochs=FOLDER_EPOCHS,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    min_accuracy=0.0,
    verbose="auto",
):
    """Trains, tests and saves a classifier of a folder of recordings, one
    subfolder per class (`keras_gans.evaluation.classifier.audio_classifier`).

    The clips are read as the audio GAN reads them (`load_audio_folder`: the
    rate, the length, cut at the onset). A tenth of each class is held out
    for the test accuracy; training clips get a random gain (-6 to 0 dB) and
    start up to 2% of the clip late, so samples that are a little quieter or
    later than the recordings are still recognised.

    Returns:
        Its metadata dict.
    """
    folder = data.load_audio_folder(
        data_dir, sample_rate=sample_rate, clip_seconds=clip_samples / sample_rate
    )
    if len(folder.class_names) < 2:
        raise ValueError(
            f"{data_dir} needs one subfolder of recordings per class (at least two) to train "
            "a classifier."
        )
    test = held_out_mask(folder, data_dir, seed)
    max_delay = max(1, clip_samples // 50)

    def augment(clips, labels):
        gain = tf.random.uniform([tf.shape(clips)[0], 1], 0.5, 1.0, seed=seed)
        delay = tf.random.uniform([], 0, max_delay, tf.int32, seed=seed + 1)
        delayed = tf.pad(clips, [[0, 0], [delay, 0]])[:, :clip_samples]
        return delayed * gain, labels

    metadata = {
        "dataset": "audio_folder",
        "input": "audio",
        "sample_rate": sample_rate,
        "clip_samples": clip_samples,
        **_folder_metadata(folder, data_dir, test, "clips"),
    }
    settings = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    keras.utils.set_random_seed(seed)
    network = classifier_lib.audio_classifier(clip_samples, sample_rate, len(folder.class_names))
    train_ds, test_ds = _split_batches(
        folder.audio, folder.labels, test, batch_size, seed, augment=augment
    )
    return _fit_and_save(
        network, train_ds, test_ds, output_dir, metadata, settings, min_accuracy, verbose
    )


def _fit_and_save(model, train_ds, test_ds, directory, metadata, settings, min_accuracy, verbose):
    """Trains with `settings` (epochs, batch_size, learning_rate, seed), tests, saves."""
    epochs, learning_rate = settings["epochs"], settings["learning_rate"]
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
    recorded = dict(epochs=epochs, batch_size=settings["batch_size"], seed=settings["seed"])
    metadata = _tested(metadata, accuracy, min_accuracy, recorded, seconds)
    return classifier_lib.save_classifier(model, directory, metadata)


def _tested(metadata, accuracy, min_accuracy, settings, seconds):
    """`metadata` with the test accuracy, the training `settings`, its time
    and the library versions; a `ValueError` (nothing saved) below
    `min_accuracy`."""
    if accuracy < min_accuracy:
        raise ValueError(
            f"Test accuracy {accuracy:.4f} is below --min_accuracy={min_accuracy}; "
            "nothing was saved."
        )
    return {
        **metadata,
        "test_accuracy": round(float(accuracy), 5),
        **settings,
        "train_seconds": round(seconds, 1),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }


def holds_class_folders(directory, kind="image"):
    """Whether `directory` is a folder of class subfolders of images (or,
    with `kind="audio"`, of recordings)."""
    extensions = AUDIO_EXTENSIONS if kind == "audio" else IMAGE_EXTENSIONS
    try:
        return bool(directory) and bool(find_files(directory, extensions, kind)[2])
    except (FileNotFoundError, ValueError):
        return False
