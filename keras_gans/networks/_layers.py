"""Layer helpers shared by the model builders."""

import keras
import tensorflow as tf
from keras import layers

from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int


def maybe_spectral_norm(layer, spectral_norm):
    """`layer` wrapped in `keras.layers.SpectralNormalization` if asked."""
    if not spectral_norm:
        return layer
    return layers.SpectralNormalization(layer, name=f"{layer.name}_sn")


def noise_and_label(latent_dim, num_classes, embedding_dim):
    """A class-conditional generator's inputs, `z (batch, latent_dim)` and
    `label (batch,)` int32, and the noise concatenated with the label's
    learned embedding: `(z, label, x)`."""
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("num_classes", num_classes)
    check_positive_int("embedding_dim", embedding_dim)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(label)
    return z, label, layers.Concatenate(name="z_and_label")([z, embedded])


def projection_score(features, label, num_classes, spectral_norm=False):
    """A projection discriminator's score from its features `h` (Miyato &
    Koyama, 2018): `w . h + b + embed(label) . h`, float32 `(batch, 1)`."""
    dense = layers.Dense(1, name="score", dtype="float32")
    unconditional = maybe_spectral_norm(dense, spectral_norm)(features)
    embedded = layers.Embedding(num_classes, features.shape[-1], name="label_embedding")(label)
    projection = layers.Dot(axes=1, name="projection", dtype="float32")([embedded, features])
    return layers.Add(name="conditional_score", dtype="float32")([unconditional, projection])


@register_serializable
class FusedBatchNormalization(layers.BatchNormalization):
    """`keras.layers.BatchNormalization` that trains through TensorFlow's
    fused kernel: one op forward and one backward, where Keras 3 runs
    a cast to float32, two reductions, the normalization, a cast back, and
    their gradients.

    Keras 3 dropped the fused path that tf.keras had. Under mixed precision
    the unfused layer also undoes bfloat16: every activation it sees is cast
    to float32 and back, forward and backward. The fused kernel reads and
    writes the compute dtype and keeps its statistics in float32 (as the
    Keras layer does), so the numbers agree to float rounding (tested).

    The fused path serves training calls on channels-last inputs of rank 2
    (as `(batch, 1, 1, features)`) or 4 without a mask, renorm or
    synchronized statistics; everything else, inference included (so
    exports are unchanged), runs the Keras layer. Same arguments and config
    as `keras.layers.BatchNormalization`.
    """

    def _fusable(self, inputs, training, mask):
        rank = len(inputs.shape)
        return (
            bool(training)
            and self.trainable
            and mask is None
            and not self.renorm
            and not self.synchronized
            and rank in (2, 4)
            and self.axis in (-1, rank - 1)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fusable(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        features = inputs.shape[-1]
        x = tf.reshape(inputs, (-1, 1, 1, features)) if len(inputs.shape) == 2 else inputs
        # gamma and beta are float32 under any policy (not autocast).
        scale = self.gamma.value if self.scale else tf.ones((features,))
        offset = self.beta.value if self.center else tf.zeros((features,))
        y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            tf.cast(x, self.compute_dtype), scale, offset, epsilon=self.epsilon, is_training=True
        )
        # The kernel returns the unbiased (n - 1) batch variance; the moving
        # average, as in Keras, takes the biased one it normalized with.
        count = tf.cast(tf.size(x) // features, "float32")
        variance = variance * (count - 1.0) / tf.maximum(count, 2.0)
        momentum = self.momentum
        self.moving_mean.assign(self.moving_mean * momentum + mean * (1.0 - momentum))
        self.moving_variance.assign(self.moving_variance * momentum + variance * (1.0 - momentum))
        return tf.reshape(y, tf.shape(inputs)) if len(inputs.shape) == 2 else y


@register_serializable
class GlobalSumPooling2D(layers.Layer):
    """Sums `(batch, h, w, c)` over positions: SNGAN's discriminator pooling."""

    def call(self, inputs):
        return keras.ops.sum(inputs, axis=(1, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


@register_serializable
class GatedLinearUnit(layers.Layer):
    """GLU over channels (Dauphin et al., 2017): the first half of the
    channels times the sigmoid of the second half (FastGAN's activation)."""

    def call(self, inputs):
        value, gate = keras.ops.split(inputs, 2, axis=-1)
        return value * keras.ops.sigmoid(gate)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // 2)


@register_serializable
class PadToMultiple(layers.Layer):
    """Pads height and width up to multiples of `multiple` (zeros, bottom right).

    Lets a network that halves its input `n` times take any size: pad here,
    run, and crop back with `CropLike`.

    Args:
        multiple: int. The multiple (e.g. `2**n`).
    """

    def __init__(self, multiple, **kwargs):
        super().__init__(**kwargs)
        self.multiple = multiple

    def call(self, inputs):
        shape = tf.shape(inputs)
        batch, height, width = shape[0], shape[1], shape[2]
        pad_h = (-height) % self.multiple
        pad_w = (-width) % self.multiple
        # Zeros rather than mirrored edges: mirroring fails on images smaller
        # than the padding.
        padded = tf.pad(inputs, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]])
        # A Pad with computed paddings loses even the channel count, which
        # the LiteRT converter needs to lower the next convolution; this
        # reshape (a no-op) restores it.
        channels = inputs.shape[-1]
        return tf.reshape(padded, tf.stack([batch, height + pad_h, width + pad_w, channels]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], None, None, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "multiple": self.multiple}


@register_serializable
class CropLike(layers.Layer):
    """Crops `inputs[0]` to the height and width of `inputs[1]` (top left)."""

    def call(self, inputs):
        images, reference = inputs
        shape = tf.shape(reference)
        return images[:, : shape[1], : shape[2], :]

    def compute_output_shape(self, input_shape):
        images, reference = input_shape
        return (images[0], reference[1], reference[2], images[-1])


@register_serializable
class PixelShuffle(layers.Layer):
    """Depth to space: `(b, h, w, c·f²)` -> `(b, h·f, w·f, c)` (Shi et al., 2016)."""

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return tf.nn.depth_to_space(inputs, self.factor)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        f = self.factor
        return (b, None if h is None else h * f, None if w is None else w * f, c // (f * f))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _split_mask(inputs):
    """`(b, h, w, c+1)` image and hole mask -> (image, mask)."""
    return inputs[..., :-1], inputs[..., -1:]


@register_serializable
class ZeroHoles(layers.Layer):
    """`[image, mask]` channels -> `[image with the holes zeroed, known]`.

    `mask` is 1 in the holes; `known` is its complement, so that zero
    padding added later reads as unknown too. Whatever the pixels under a
    hole hold, the network never sees them.
    """

    def call(self, inputs):
        image, mask = _split_mask(inputs)
        known = 1.0 - mask
        return keras.ops.concatenate([image * known, known], axis=-1)


@register_serializable
class KnownChannel(layers.Layer):
    """`[image, known]` -> `known`: the last channel."""

    def call(self, inputs):
        return inputs[..., -1:]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 1)


def _box_sum_3x3(images):
    """Sums of each pixel's 3x3 neighbourhood inside the image.

    Divided by the neighbour count (the same sum of ones) this is
    `tf.nn.avg_pool2d(images, 3, 1, "SAME")`, an order of magnitude faster
    on CPUs as padding and shifted adds.
    """
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]])
    rows = padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]
    return rows[:, :, :-2] + rows[:, :, 1:-1] + rows[:, :, 2:]


@register_serializable
class PyramidFill(layers.Layer):
    """`[image, known]` -> the image with its unknown pixels filled smoothly.

    A multigrid membrane fill: known-weighted averages are pooled `levels`
    times (push-pull, Gortler et al., 1996); from the coarsest level up,
    each level starts from the bilinear upscale of the coarser one where
    its pixels are unknown and relaxes the unknown pixels `iterations`
    times toward the mean of their 3×3 neighbourhood (Jacobi steps of
    Laplace's equation), so a hole takes the colours of its own border and
    blends them smoothly, like diffusion-based inpainting. The known pixels
    stay. Height and width must be multiples of `2**levels`.

    Args:
        levels: int. Pooling steps.
        iterations: int. Relaxation steps per level. Defaults to `24`.
    """

    def __init__(self, levels, iterations=24, **kwargs):
        super().__init__(**kwargs)
        self.levels = levels
        self.iterations = iterations

    def call(self, inputs):
        image, known = _split_mask(inputs)
        values, weights = [image * known], [known]
        for _ in range(self.levels):
            values.append(tf.nn.avg_pool2d(values[-1], 2, 2, "VALID"))
            weights.append(tf.nn.avg_pool2d(weights[-1], 2, 2, "VALID"))
        fill = values[-1] / tf.maximum(weights[-1], 1e-6)
        for value, weight in zip(values[-2::-1], weights[-2::-1]):
            fill = tf.image.resize(fill, tf.shape(value)[1:3], "bilinear")
            # How many of each pixel's 3x3 neighbours lie inside the image.
            neighbours = _box_sum_3x3(tf.ones_like(weight[:1]))

            def relax(fill, value=value, weight=weight, neighbours=neighbours):
                # The averages are premultiplied: `value` is the known share.
                return _box_sum_3x3(value + (1.0 - weight) * fill) / neighbours

            # A loop, not `iterations` unrolled copies: the graph that tf.function
            # traces and XLA compiles stays small (every level's relaxations
            # were most of the inpainting train step's ops).
            _, fill = tf.while_loop(
                lambda i, _: i < self.iterations,
                lambda i, fill: (i + 1, relax(fill)),
                (tf.constant(0), fill),
            )
            fill = value + (1.0 - weight) * fill
        return fill

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] - 1)

    def get_config(self):
        return {**super().get_config(), "levels": self.levels, "iterations": self.iterations}


def _nearer_known(at, values, shift, from_left):
    """One doubling step of `RowInterpolation`'s scan: each pixel takes the
    known column `at` (and its value) found `shift` columns to its left (or
    right) when that one is nearer."""
    sentinel = -1e9 if from_left else 1e9
    padding = [[0, 0], [0, 0], [shift, 0] if from_left else [0, shift], [0, 0]]
    width = tf.shape(at)[2]
    start = 0 if from_left else shift
    other_at = tf.pad(at, padding, constant_values=sentinel)[:, :, start : start + width]
    other = tf.pad(values, padding)[:, :, start : start + width]
    nearer = other_at > at if from_left else other_at < at
    return tf.where(nearer, other_at, at), tf.where(nearer, other, values)


@register_serializable
class RowInterpolation(layers.Layer):
    """`[image, known]` -> each row's unknown pixels linearly interpolated
    between the nearest known pixels left and right of them.

    Beyond a row's last known pixel the row keeps that pixel's value; a row
    with no known pixel is 0. The nearest known pixels are found by a
    doubling scan (12 shifted comparisons: gaps up to 4,096 pixels), with
    built-in LiteRT ops only. The known pixels stay.
    """

    steps = 12

    def call(self, inputs):
        image, known = _split_mask(inputs)
        width = tf.shape(image)[2]
        columns = tf.cast(tf.range(width), image.dtype)[None, None, :, None]
        is_known = known > 0.5
        # Far sentinels: every real column beats them.
        left_at = tf.where(is_known, columns, -1e9)
        right_at = tf.where(is_known, columns, 1e9)
        left, right = image, image
        for step in range(self.steps):
            left_at, left = _nearer_known(left_at, left, 2**step, from_left=True)
            right_at, right = _nearer_known(right_at, right, 2**step, from_left=False)
        has_left, has_right = left_at >= 0, right_at < 1e8
        share = (columns - left_at) / tf.maximum(right_at - left_at, 1.0)
        between = left + tf.where(tf.logical_and(has_left, has_right), share, 0.0) * (right - left)
        return tf.where(has_left, between, tf.where(has_right, right, tf.zeros_like(image)))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] - 1)


@register_serializable
class BlendRowFill(layers.Layer):
    """`[fill, row_fill, known]` -> `(1 - weight) * fill + weight * row_fill`,
    and `fill` alone on rows without a known pixel (where `row_fill` knows
    nothing)."""

    def __init__(self, weight, **kwargs):
        super().__init__(**kwargs)
        self.weight = weight

    def call(self, inputs):
        fill, row_fill, known = inputs
        has_known = keras.ops.max(known[..., -1:], axis=2, keepdims=True)
        weight = self.weight * has_known
        return (1.0 - weight) * fill + weight * row_fill

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


@register_serializable
class KeepKnownPixels(layers.Layer):
    """`[inputs, generated]` -> `generated` in the holes, the input elsewhere."""

    def call(self, inputs):
        known, generated = inputs
        image, mask = _split_mask(known)
        generated = keras.ops.cast(generated, image.dtype)
        return mask * generated + (1.0 - mask) * image

    def compute_output_shape(self, input_shape):
        known, _ = input_shape
        return (*known[:-1], known[-1] - 1)


@register_serializable
class BilinearUpscale(layers.Layer):
    """Bilinear upscaling by an integer `factor`, for inputs of any size.

    (`keras.layers.UpSampling2D`'s bilinear mode needs the height and width
    known when the graph is built.)
    """

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        size = tf.shape(inputs)[1:3] * self.factor
        return tf.cast(tf.image.resize(inputs, size, "bilinear"), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        f = self.factor
        return (b, None if h is None else h * f, None if w is None else w * f, c)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@register_serializable
class RandomQuadrant(layers.Layer):
    """Crops one random quadrant, the same one, out of each input.

    FastGAN's discriminator decodes a quadrant of its finer features and
    compares it with that quadrant of the image. The quadrant is drawn once
    per call from the layer's own seed; inference calls take the top-left
    one, so that scoring is deterministic.

    Args:
        seed: int or `None`. Seed of the quadrant draws.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if training:
            index = keras.random.randint((), 0, 4, seed=self.seed_generator)
        else:
            index = tf.constant(0, "int32")
        row, col = index // 2, index % 2
        crops = []
        for x in inputs:
            half_h, half_w = x.shape[1] // 2, x.shape[2] // 2
            crops.append(
                tf.slice(x, tf.stack([0, row * half_h, col * half_w, 0]), [-1, half_h, half_w, -1])
            )
        return crops

    def compute_output_shape(self, input_shape):
        return [(s[0], s[1] // 2, s[2] // 2, s[3]) for s in input_shape]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@register_serializable
class ReconstructionError(layers.Layer):
    """`weight` times the mean squared error of each example, in float32.

    Inputs: a flat list `[reconstruction, target, reconstruction, target,
    ...]`; the errors of the pairs are summed.

    Args:
        weight: float. Factor on the summed errors.
    """

    def __init__(self, weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.weight = float(weight)

    def call(self, inputs):
        total = 0.0
        for reconstruction, target in zip(inputs[::2], inputs[1::2]):
            difference = tf.cast(reconstruction, "float32") - tf.cast(target, "float32")
            total += tf.reduce_mean(tf.square(difference), axis=[1, 2, 3])
        return self.weight * total

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0],)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
