"""Networks for clips: a MoCoGAN-style generator and a two-path discriminator.

The generator holds one content code for the whole clip and gives each frame
a motion code from a recurrent net (MoCoGAN, Tulyakov et al., 2018); one 2-D
DCGAN frame generator draws every frame from its `[content, motion]` code,
so the frames share their weights and only the motion codes move them.
Everything follows from the clip's noise `z`, so an export's
`serving_default(z)` is the whole clip.

The discriminator judges a clip twice (DVD-GAN's split, Clark et al.,
2019): an image path scores a few frames, sampled anew every step, for how
real each one looks; a clip path of 3-D convolutions scores the whole clip
for how it moves. Its output is both paths' scores side by side, `[batch,
2 * sampled_frames]` (the clip's repeated once per sampled frame), so the
adversarial losses, which average a sample's scores, weigh the two paths
alike.
"""

import keras
from keras import layers
from keras import ops

from keras_gans.networks import dcgan
from keras_gans.networks._layers import maybe_spectral_norm
from keras_gans.networks._layers import noise_and_label
from keras_gans.networks._layers import projection_score
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

__all__ = ["layered_video_generator", "video_discriminator", "video_generator"]


@register_serializable
class FoldFrames(layers.Layer):
    """`[batch, frames, ...] -> [batch * frames, ...]`: a clip's frames as a
    batch of images, for the 2-D networks."""

    def call(self, clips):
        return ops.reshape(clips, (-1, *clips.shape[2:]))

    def compute_output_shape(self, input_shape):
        batch, frames = input_shape[:2]
        return (None if batch is None else batch * frames, *input_shape[2:])


@register_serializable
class UnfoldFrames(layers.Layer):
    """`[batch * frames, ...] -> [batch, frames, ...]`: `FoldFrames` undone."""

    def __init__(self, frames, **kwargs):
        super().__init__(**kwargs)
        self.frames = check_positive_int("frames", frames)

    def call(self, images):
        return ops.reshape(images, (-1, self.frames, *images.shape[1:]))

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        return (None if batch is None else batch // self.frames, self.frames, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "frames": self.frames}


@register_serializable
class SampleFrames(layers.Layer):
    """`count` evenly spaced frames of each clip (`frames // count` apart),
    from a random first frame while training (one offset for the whole
    batch, so real and generated clips are sampled alike) and from frame 0
    otherwise."""

    def __init__(self, count, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.count = check_positive_int("count", count)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, clips, training=False):
        stride = clips.shape[1] // self.count
        start = 0
        if training and stride > 1:
            start = keras.random.randint((), 0, stride, seed=self.seed_generator)
        indices = start + stride * ops.arange(self.count)
        return ops.take(clips, indices, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.count, *input_shape[2:])

    def get_config(self):
        return {**super().get_config(), "count": self.count, "seed": self.seed}


@register_serializable
class RepeatPerFrame(layers.Layer):
    """`[batch, ...] -> [batch * count, ...]`: each clip's label once per
    frame, in `FoldFrames`' order."""

    def __init__(self, count, **kwargs):
        super().__init__(**kwargs)
        self.count = check_positive_int("count", count)

    def call(self, values):
        return ops.repeat(values, self.count, axis=0)

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        return (None if batch is None else batch * self.count, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "count": self.count}


def _clip_inputs(latent_dim, num_classes, embedding_dim):
    """The generator's inputs and the code they give: `(z, z)`, or with
    `num_classes` `([z, label], [z, embedded label])`."""
    if not num_classes:
        z = keras.Input((check_positive_int("latent_dim", latent_dim),), name="z")
        return z, z
    z, label, code = noise_and_label(latent_dim, num_classes, embedding_dim)
    return [z, label], code


def _motion_codes(code, frames, motion_dim):
    """`[batch, frames, motion_dim]`: a GRU's outputs over one input per
    frame, made from `code` by a dense layer (MoCoGAN's motion codes)."""
    steps = layers.Dense(frames * motion_dim, name="motion_inputs")(code)
    steps = layers.Reshape((frames, motion_dim))(steps)
    # Unrolled: a clip's few frames make a loop-free graph, which LiteRT converts.
    return layers.GRU(motion_dim, return_sequences=True, unroll=True, name="motion")(steps)


def video_generator(
    latent_dim=64,
    frames=16,
    frame_shape=(64, 64, 1),
    motion_dim=16,
    width=32,
    num_classes=None,
    embedding_dim=50,
    name="video_generator",
):
    """Builds a MoCoGAN-style clip generator: noise -> clips in [-1, 1].

    `z` is the clip's content code, held for every frame. A dense layer
    turns it into one input per frame for a GRU whose outputs are the
    frames' motion codes; `dcgan_generator` draws each frame from
    `[z, motion_t]`. With `num_classes`, the label's learned embedding
    joins `z` in the content code (as `conditional_dcgan_generator`'s).

    Args:
        latent_dim: int. Size of the noise (the content code). Defaults to `64`.
        frames: int. Frames per clip. Defaults to `16`.
        frame_shape: tuple `(height, width, channels)` of a frame; height and
            width must halve at least once (`dcgan_generator`). Defaults to
            `(64, 64, 1)`.
        motion_dim: int. Size of the motion codes. Defaults to `16`.
        width: int. The frame generator's width (`dcgan_generator`'s).
            Defaults to `32`.
        num_classes: int or `None`. Classes of a conditional generator,
            whose inputs are `[z, label (batch,) int32]`.
        embedding_dim: int. Size of the label embedding. Defaults to `50`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` (and the
        labels) to `(batch, frames, *frame_shape)`.

    Example:

        >>> g = keras_gans.networks.video_generator(frames=8, frame_shape=(32, 32, 1))
        >>> g.output_shape
        (None, 8, 32, 32, 1)
    """
    check_positive_int("frames", frames)
    check_positive_int("motion_dim", motion_dim)
    inputs, code = _clip_inputs(latent_dim, num_classes, embedding_dim)
    motion = _motion_codes(code, frames, motion_dim)
    content = layers.RepeatVector(frames, name="content")(code)
    codes = layers.Concatenate(name="frame_codes")([content, motion])
    frame_generator = dcgan.dcgan_generator(
        code.shape[-1] + motion_dim, frame_shape, width=width, name="frame_generator"
    )
    images = frame_generator(FoldFrames(name="fold_frames")(codes))
    clips = UnfoldFrames(frames, name="unfold_frames", dtype="float32")(images)
    return keras.Model(inputs, clips, name=name)


@register_serializable
class ComposeLayers(layers.Layer):
    """Moves each clip's layers, frame by frame, and lightens them together on black.

    Inputs `[layers, positions]`: the layers `[batch, K, S, S, C]` in [-1,
    1]; their top-left corners `[batch, frames, K, 2]` as fractions in [0,
    1] of the free distance `(H - S, W - S)` in frames of `frame_size` `(H,
    W)`. A layer is placed by bilinear weights, a band matrix per axis (a
    spatial transformer's translation), so its position gets gradients.
    Each pixel shows the lightest of the layers over it, on black (the
    "lighten" blend, Moving MNIST's own maximum): a layer's dark pixels hide
    nothing, so no layer can cover the others with a square.
    With `whole_pixels`, each layer lands on the nearest whole pixel, as
    Moving MNIST's digits do (a layer between pixels is a blurred one, which
    a discriminator can tell), while its position learns from the gradient
    of the bilinear placement (a straight-through estimate).
    Returns `[batch, frames, H, W, C]`, float32 whatever the policy: half
    precision would round a position to a quarter pixel.
    """

    def __init__(self, frame_size, whole_pixels=False, **kwargs):
        super().__init__(**kwargs)
        self.frame_size = tuple(frame_size)
        self.whole_pixels = bool(whole_pixels)

    def call(self, sprites, positions):
        height, width = self.frame_size
        size = sprites.shape[2]
        free = ops.convert_to_tensor([height - size, width - size], "float32")

        def band(side, offset):
            # weights[..., i, j]: how much layer row j lands on frame row i.
            rows = ops.arange(side, dtype="float32")[:, None] - ops.arange(size, dtype="float32")
            return ops.relu(1.0 - ops.abs(rows - offset[..., None, None]))

        def place(offsets, sprites):
            # Placed as ink above -1, so the frame around a layer is -1: nothing.
            rows = ops.einsum("btkis,bksrc->btkirc", band(height, offsets[..., 0]), sprites + 1.0)
            return ops.einsum("btkirc,btkjr->btkijc", rows, band(width, offsets[..., 1])) - 1.0

        offsets = positions * free
        if not self.whole_pixels:
            return ops.max(place(offsets, sprites), axis=2)
        # The layers' pixels learn from where they land; their positions,
        # from the bilinear placement (its value is taken back out).
        between = place(offsets, ops.stop_gradient(sprites))
        placed = place(ops.round(offsets), sprites) + between - ops.stop_gradient(between)
        return ops.max(placed, axis=2)

    def compute_output_shape(self, sprites_shape, positions_shape):
        return (sprites_shape[0], positions_shape[1], *self.frame_size, sprites_shape[-1])

    def get_config(self):
        config = super().get_config()
        return {**config, "frame_size": self.frame_size, "whole_pixels": self.whole_pixels}


def layered_video_generator(
    latent_dim=64,
    frames=16,
    frame_shape=(64, 64, 1),
    num_layers=2,
    layer_size=None,
    motion_dim=16,
    width=32,
    num_classes=None,
    embedding_dim=50,
    whole_pixels=False,
    layer_generator=None,
    name="layered_video_generator",
):
    """Builds a layered clip generator: noise -> clips of things that move.

    MoCoGAN's split of content and motion, taken literally: the clip's
    noise `z` gives `num_layers` codes, each drawn once by one shared DCGAN
    into a square layer, shown on black by the lighten blend
    (`ComposeLayers`); each layer's code also gives its motion codes (a GRU over inputs made
    from the code, as in `video_generator`), which say where it stands in each frame
    (`ComposeLayers`). What a layer shows is therefore held for the whole
    clip by construction; only where it stands changes. This suits clips
    of light objects moving on black (Moving MNIST, sprites, stars);
    things that change shape as they move (a walk, a face) need
    `video_generator`, whose frames are drawn one by one. With
    `num_classes`, the layers' codes are made from `z` and the label's
    learned embedding: the label says what the clip holds (for Moving
    MNIST, its set of digits), the network which layer draws what.

    With `layer_generator`, a trained image generator draws the layers,
    frozen, and the clip GAN learns only how they move (MoCoGAN-HD's
    premise, Tian et al., 2021: a good image generator is what you need):
    `z` is then the layers' own noises side by side.

    Args:
        latent_dim: int. Size of the noise. Defaults to `64`.
        frames: int. Frames per clip. Defaults to `16`.
        frame_shape: tuple `(height, width, channels)` of a frame. Defaults
            to `(64, 64, 1)`.
        num_layers: int. Moving layers per clip. Defaults to `2`.
        layer_size: int or `None`. Side of the square layers, at most the
            frame's shorter side. `None`: half of it.
        motion_dim: int. Size of the motion codes. Defaults to `16`.
        width: int. The DCGANs' width (`dcgan_generator`'s). Defaults to `32`.
        num_classes: int or `None`. Classes of a conditional generator,
            whose inputs are `[z, label (batch,) int32]`.
        embedding_dim: int. Size of the label embedding. Defaults to `50`.
        whole_pixels: bool. Place the layers on whole pixels, as Moving
            MNIST places its digits (`ComposeLayers`), rather than between
            them (blurred). Defaults to `False`.
        layer_generator: `keras.Model` or `None`. A trained generator from
            noise `(batch, n)` to images in [-1, 1] with the frames'
            channels, which draws the layers instead of a new DCGAN; it is
            frozen (`trainable = False`), `latent_dim` must be
            `num_layers * n`, and the images are resized to `layer_size`
            (`None`: kept at their size). Not with `num_classes`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` (and the
        labels) to `(batch, frames, *frame_shape)`.

    Example:

        >>> g = keras_gans.networks.layered_video_generator(frames=8, frame_shape=(32, 32, 1))
        >>> g.output_shape
        (None, 8, 32, 32, 1)
    """
    check_positive_int("frames", frames)
    check_positive_int("motion_dim", motion_dim)
    num_layers = check_positive_int("num_layers", num_layers)
    height, frame_width, channels = frame_shape
    if layer_generator is None:
        layer_size = min(height, frame_width) // 2 if layer_size is None else layer_size
        _check_layer_size(layer_size, height, frame_width)
        inputs, code = _clip_inputs(latent_dim, num_classes, embedding_dim)
        # One code per layer: what it shows and how it moves, independent of
        # the other layers' (one shared GRU would move them together).
        codes = layers.Dense(num_layers * latent_dim, name="layer_codes")(code)
        codes = FoldFrames(name="fold_layers")(layers.Reshape((num_layers, latent_dim))(codes))
        layer_generator = dcgan.dcgan_generator(
            latent_dim, (layer_size, layer_size, channels), width=width, name="layer_generator"
        )
        sprites = layer_generator(codes)
    else:
        inputs, codes, sprites = _frozen_layers(
            layer_generator, latent_dim, frame_shape, num_layers, layer_size, num_classes
        )
    sprites = UnfoldFrames(num_layers, name="unfold_layers", dtype="float32")(sprites)
    motion = _motion_codes(codes, frames, motion_dim)
    # A wide start spreads the layers over the frame, as real objects are,
    # rather than piling them in the middle for the discriminator to prise apart.
    positions = layers.Dense(
        2,
        activation="sigmoid",
        kernel_initializer=keras.initializers.RandomNormal(stddev=0.75),
        name="positions",
    )(motion)
    positions = UnfoldFrames(num_layers, name="unfold_positions", dtype="float32")(positions)
    positions = layers.Permute((2, 1, 3), name="frames_first")(positions)
    compose = ComposeLayers(
        (height, frame_width), whole_pixels=whole_pixels, name="compose", dtype="float32"
    )
    clips = compose(sprites, positions)
    return keras.Model(inputs, clips, name=name)


def _check_layer_size(layer_size, height, width):
    if not 8 <= check_positive_int("layer_size", layer_size) <= min(height, width):
        raise ValueError(
            f"`layer_size` must be between 8 and the frame's shorter side "
            f"({min(height, width)}). Received: layer_size={layer_size}."
        )


def _frozen_layers(layer_generator, latent_dim, frame_shape, num_layers, layer_size, num_classes):
    """`(z input, codes, layers)` of a `layered_video_generator` whose
    layers a trained, frozen image generator draws from the clip's noise,
    cut into one noise per layer."""
    if num_classes:
        raise ValueError(
            "A frozen `layer_generator` draws what its own noise says, not a class: build "
            "a conditional layered generator without one, or leave `num_classes` unset."
        )
    if len(layer_generator.inputs) != 1 or len(layer_generator.output_shape) != 4:
        raise ValueError(
            "`layer_generator` must take noise alone, `(batch, n)`, and draw images "
            f"`(batch, height, width, channels)`. Received one with inputs "
            f"{[tuple(x.shape) for x in layer_generator.inputs]} and output shape "
            f"{layer_generator.output_shape}."
        )
    noise_size = layer_generator.inputs[0].shape[-1]
    if latent_dim != num_layers * noise_size:
        raise ValueError(
            f"With a `layer_generator` of noise size {noise_size}, `latent_dim` is the "
            f"{num_layers} layers' noises side by side: {num_layers * noise_size}. "
            f"Received: latent_dim={latent_dim}."
        )
    height, width, channels = frame_shape
    drawn = layer_generator.output_shape[1:]
    if drawn[-1] != channels:
        raise ValueError(
            f"`layer_generator` draws images of {drawn[-1]} channels; the frames have {channels}."
        )
    layer_size = layer_size or min(drawn[:2])
    _check_layer_size(layer_size, height, width)
    layer_generator.trainable = False
    z = keras.Input((latent_dim,), name="z")
    codes = FoldFrames(name="fold_layers")(layers.Reshape((num_layers, noise_size))(z))
    sprites = layer_generator(codes, training=False)
    if tuple(drawn[:2]) != (layer_size, layer_size):
        sprites = layers.Resizing(layer_size, layer_size, name="layer_size")(sprites)
    return z, codes, sprites


def video_discriminator(
    frames=16,
    frame_shape=(64, 64, 1),
    width=32,
    sampled_frames=4,
    spectral_norm=False,
    clip_downsample=2,
    num_classes=None,
    seed=None,
    name="video_discriminator",
):
    """Builds a two-path clip discriminator: clips -> scores.

    The image path is `dcgan_discriminator` on `sampled_frames` frames of
    each clip (`SampleFrames`); the clip path averages the whole clip down
    by `clip_downsample` in space (DVD-GAN's temporal discriminator: the
    image path judges the detail), then three stride-2 3-D convolutions
    (kernel 3 in time, 4 in space) and a dense score. With `num_classes`,
    both paths are projection discriminators (`conditional_dcgan_discriminator`'s
    score): the clip's label decides which of their features count as real.

    Args:
        frames: int. Frames per clip. Defaults to `16`.
        frame_shape: tuple `(height, width, channels)`. Defaults to `(64, 64, 1)`.
        width: int. Channels of both paths' first convolution. Defaults to `32`.
        sampled_frames: int. Frames the image path scores per clip, at most
            `frames`. Defaults to `4`.
        spectral_norm: bool. Spectral normalization in both paths.
        clip_downsample: int. Factor by which the clip path shrinks the
            frames first; 1 keeps them. Defaults to `2`.
        num_classes: int or `None`. Classes of a conditional discriminator,
            whose inputs are `[clips, label (batch,) int32]`.
        seed: int or `None`. Seed of the frame sampling.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, frames, *frame_shape)` (and
        the labels) to float32 `(batch, 2 * sampled_frames)`: the sampled
        frames' scores, then the clip's score repeated as often.
    """
    check_positive_int("sampled_frames", sampled_frames)
    if sampled_frames > frames:
        raise ValueError(f"`sampled_frames` ({sampled_frames}) cannot exceed `frames` ({frames}).")
    clips = keras.Input((check_positive_int("frames", frames), *frame_shape), name="clips")
    sampled = FoldFrames(name="fold_frames")(
        SampleFrames(sampled_frames, seed=seed, name="sample_frames")(clips)
    )
    critic = dict(width=width, spectral_norm=spectral_norm, name="frame_discriminator")
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        frame_discriminator = dcgan.conditional_dcgan_discriminator(
            num_classes, frame_shape, **critic
        )
        frame_scores = frame_discriminator(
            [sampled, RepeatPerFrame(sampled_frames, name="label_per_frame")(label)]
        )
    else:
        frame_discriminator = dcgan.dcgan_discriminator(frame_shape, **critic)
        frame_scores = frame_discriminator(sampled)
    # float32 from the scores on: the default policy would round them to bfloat16.
    frame_scores = UnfoldFrames(sampled_frames, name="unfold_scores", dtype="float32")(frame_scores)
    frame_scores = layers.Reshape((sampled_frames,), name="frame_scores", dtype="float32")(
        frame_scores
    )

    x = clips
    if check_positive_int("clip_downsample", clip_downsample) > 1:
        factor = (1, clip_downsample, clip_downsample)
        x = layers.AveragePooling3D(factor, name="clip_downsample")(x)
    for stage in range(3):
        conv = layers.Conv3D(
            width * 2**stage,
            (3, 4, 4),
            strides=(2 if x.shape[1] > 1 else 1, 2, 2),
            padding="same",
            name=f"clip_conv{stage}",
        )
        x = layers.LeakyReLU(0.2)(maybe_spectral_norm(conv, spectral_norm)(x))
    x = layers.Flatten()(x)
    if num_classes:
        clip_score = projection_score(x, label, num_classes, spectral_norm)
    else:
        dense = layers.Dense(1, name="clip_score", dtype="float32")
        clip_score = maybe_spectral_norm(dense, spectral_norm)(x)
    clip_scores = layers.Reshape((sampled_frames,), name="clip_scores", dtype="float32")(
        layers.RepeatVector(sampled_frames, dtype="float32")(clip_score)
    )
    scores = layers.Concatenate(name="scores", dtype="float32")([frame_scores, clip_scores])
    return keras.Model([clips, label] if num_classes else clips, scores, name=name)
