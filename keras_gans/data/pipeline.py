"""The last stage shared by every keras_gans input pipeline."""

import dataclasses
from typing import Optional

import tensorflow as tf


def prefetch(dataset):
    """`dataset.prefetch(AUTOTUNE)`, with tf.data's autotuning thread turned off.

    That thread sleeps for exponentially growing periods (10.24 s, 20.48 s,
    ...), and destroying an iterator waits for it to wake up. Keras destroys
    the iterator at the end of every `fit` call, so short fits ended with up
    to several seconds of idle time: on 2 cores a 13-second DCGAN `fit`
    returned after exactly 20.48 s in about half of the runs. AUTOTUNE
    parallelism and buffer sizes still apply (fixed at their defaults); the
    step time was the same with and without the thread.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(tf.data.AUTOTUNE).with_options(options)


@dataclasses.dataclass(frozen=True)
class BatchOrder:
    """Which in-memory examples go into which batch (see `index_batches`).

    Attributes:
        batch_size: int. Examples per batch.
        drop_remainder: bool. Drop the last, smaller batch of a pass.
        shuffle: bool. Shuffle the examples (each pass anew).
        seed: int or `None`. Seed of the shuffles and the batches' keys.
        first_epoch: int or `None`. Start a resumable stream at this epoch.
        steps_per_epoch: int or `None`. Batches per epoch of that stream.
    """

    batch_size: int
    drop_remainder: bool = True
    shuffle: bool = True
    seed: Optional[int] = None
    first_epoch: Optional[int] = None
    steps_per_epoch: Optional[int] = None


def index_batches(num_examples, order):
    """Batches of example indices for in-memory data sets, each with its key.

    With `first_epoch=None`: one epoch, reshuffled on every iteration.
    Otherwise an endless stream from `first_epoch` on, whose epoch `e` is a
    stateless shuffle of `(seed, e)` cut to `steps_per_epoch` batches: a run
    resumed at epoch `e` (from its backup) sees the same batches as an
    uninterrupted one. Gathering whole batches by index costs far less per
    step than shuffling and batching single examples.

    Args:
        num_examples: int. How many examples there are.
        order: a `BatchOrder`.

    Returns:
        A dataset of `(key, indices)`: `key` is int64 `[2]`, the seed of the
        batch's random transforms: `[epoch, step]` in the resumable stream
        (the same in a resumed run), a random draw (from `seed`, new each
        pass) without `first_epoch`.
    """
    batch_size, drop_remainder = order.batch_size, order.drop_remainder
    shuffle, seed = order.shuffle, order.seed
    first_epoch, steps_per_epoch = order.first_epoch, order.steps_per_epoch
    if first_epoch is None:
        indices = tf.data.Dataset.range(num_examples)
        if shuffle:
            indices = indices.shuffle(num_examples, seed=seed, reshuffle_each_iteration=True)
        batches = indices.batch(batch_size, drop_remainder=drop_remainder)
        # A fresh draw per batch and per pass (as the shuffle): without it
        # every pass would flip each position alike.
        draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        return tf.data.Dataset.zip((draws.batch(2), batches))

    base_seed = 0 if seed is None else int(seed)

    def one_epoch(epoch):
        epoch_seed = tf.stack([tf.constant(base_seed, tf.int64), epoch])

        def one_pass(repeat):
            order = tf.range(num_examples, dtype=tf.int64)
            if shuffle:
                # Stateless: pass r of epoch e depends on (seed, e, r) only.
                seed = tf.cond(
                    repeat > 0,
                    lambda: tf.random.experimental.stateless_fold_in(epoch_seed, repeat),
                    lambda: epoch_seed,
                )
                order = tf.random.experimental.stateless_shuffle(order, seed=seed)
            return tf.data.Dataset.from_tensor_slices(order).batch(
                batch_size, drop_remainder=drop_remainder
            )

        if steps_per_epoch:
            # An epoch longer than the data takes further passes of its own,
            # so that epoch e starts where a resumed run starts it.
            batches = tf.data.Dataset.range(2**62).flat_map(one_pass).take(steps_per_epoch)
        else:
            batches = one_pass(tf.constant(0, tf.int64))
        return batches.enumerate().map(lambda step, batch: (tf.stack([epoch, step]), batch))

    return tf.data.Dataset.range(first_epoch, 2**62).flat_map(one_epoch)


def gather_batches(examples, labels, order, transform=None, source=None):
    """Batches of in-memory `examples` (and `labels`), gathered by index.

    Args:
        examples: array of examples, first axis the example.
        labels: int array or `None`. With labels, batches are `(x, labels)`.
        order: a `BatchOrder`.
        transform: `(batch, key) -> batch` or `None`, applied to each
            gathered batch of examples (e.g. to floats, random flips); `key`
            is the batch's int64 `[epoch, step]` (see `index_batches`), to
            seed its stateless random ops.
        source: `(folder, adjective, noun)` naming where the examples came
            from, e.g. `("photos/", "readable", "images")`, for the error
            when there are fewer than one batch of them; or `None`.

    Raises:
        ValueError: with `drop_remainder`, fewer examples than `batch_size`.
    """
    batch_size = order.batch_size
    if order.drop_remainder and len(examples) < batch_size:
        folder, adjective, noun = source or ("The data", None, "examples")
        counted = " ".join(w for w in (str(len(examples)), adjective, noun) if w)
        raise ValueError(
            f"{folder} has {counted}, fewer than one batch "
            f"(batch_size={batch_size}). Use a smaller --batch_size or add {noun}."
        )
    examples = tf.constant(examples)
    labels = None if labels is None else tf.constant(labels)
    indices = index_batches(len(examples), order)

    def gather(key, batch_indices):
        batch = tf.gather(examples, batch_indices)
        if transform is not None:
            batch = transform(batch, key)
        if labels is None:
            return batch
        return batch, tf.gather(labels, batch_indices)

    return prefetch(indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE))
