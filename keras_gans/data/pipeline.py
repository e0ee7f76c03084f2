"""The last stage shared by every keras_gans input pipeline."""

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
