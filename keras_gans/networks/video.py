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
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

__all__ = ["video_discriminator", "video_generator"]


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


def video_generator(
    latent_dim=64,
    frames=16,
    frame_shape=(64, 64, 1),
    motion_dim=16,
    width=32,
    name="video_generator",
):
    """Builds a MoCoGAN-style clip generator: noise -> clips in [-1, 1].

    `z` is the clip's content code, held for every frame. A dense layer
    turns it into one input per frame for a GRU whose outputs are the
    frames' motion codes; `dcgan_generator` draws each frame from
    `[z, motion_t]`.

    Args:
        latent_dim: int. Size of the noise (the content code). Defaults to `64`.
        frames: int. Frames per clip. Defaults to `16`.
        frame_shape: tuple `(height, width, channels)` of a frame; height and
            width must halve at least once (`dcgan_generator`). Defaults to
            `(64, 64, 1)`.
        motion_dim: int. Size of the motion codes. Defaults to `16`.
        width: int. The frame generator's width (`dcgan_generator`'s).
            Defaults to `32`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, latent_dim)` to
        `(batch, frames, *frame_shape)`.

    Example:

        >>> g = keras_gans.networks.video_generator(frames=8, frame_shape=(32, 32, 1))
        >>> g.output_shape
        (None, 8, 32, 32, 1)
    """
    check_positive_int("frames", frames)
    check_positive_int("motion_dim", motion_dim)
    z = keras.Input((check_positive_int("latent_dim", latent_dim),), name="z")
    steps = layers.Dense(frames * motion_dim, name="motion_inputs")(z)
    steps = layers.Reshape((frames, motion_dim))(steps)
    # Unrolled: a clip's few frames make a loop-free graph, which LiteRT converts.
    motion = layers.GRU(motion_dim, return_sequences=True, unroll=True, name="motion")(steps)
    content = layers.RepeatVector(frames, name="content")(z)
    codes = layers.Concatenate(name="frame_codes")([content, motion])
    frame_generator = dcgan.dcgan_generator(
        latent_dim + motion_dim, frame_shape, width=width, name="frame_generator"
    )
    images = frame_generator(FoldFrames(name="fold_frames")(codes))
    clips = UnfoldFrames(frames, name="unfold_frames", dtype="float32")(images)
    return keras.Model(z, clips, name=name)


def video_discriminator(
    frames=16,
    frame_shape=(64, 64, 1),
    width=32,
    sampled_frames=4,
    spectral_norm=False,
    seed=None,
    name="video_discriminator",
):
    """Builds a two-path clip discriminator: clips -> scores.

    The image path is `dcgan_discriminator` on `sampled_frames` frames of
    each clip (`SampleFrames`); the clip path is three stride-2 3-D
    convolutions (kernel 3 in time, 4 in space) and a dense score.

    Args:
        frames: int. Frames per clip. Defaults to `16`.
        frame_shape: tuple `(height, width, channels)`. Defaults to `(64, 64, 1)`.
        width: int. Channels of both paths' first convolution. Defaults to `32`.
        sampled_frames: int. Frames the image path scores per clip, at most
            `frames`. Defaults to `4`.
        spectral_norm: bool. Spectral normalization in both paths.
        seed: int or `None`. Seed of the frame sampling.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `(batch, frames, *frame_shape)` to
        float32 `(batch, 2 * sampled_frames)`: the sampled frames' scores,
        then the clip's score repeated as often.
    """
    check_positive_int("sampled_frames", sampled_frames)
    if sampled_frames > frames:
        raise ValueError(f"`sampled_frames` ({sampled_frames}) cannot exceed `frames` ({frames}).")
    clips = keras.Input((check_positive_int("frames", frames), *frame_shape), name="clips")
    sampled = SampleFrames(sampled_frames, seed=seed, name="sample_frames")(clips)
    frame_discriminator = dcgan.dcgan_discriminator(
        frame_shape, width=width, spectral_norm=spectral_norm, name="frame_discriminator"
    )
    frame_scores = frame_discriminator(FoldFrames(name="fold_frames")(sampled))
    # float32 from the scores on: the default policy would round them to bfloat16.
    frame_scores = UnfoldFrames(sampled_frames, name="unfold_scores", dtype="float32")(frame_scores)
    frame_scores = layers.Reshape((sampled_frames,), name="frame_scores", dtype="float32")(
        frame_scores
    )

    x = clips
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
    dense = layers.Dense(1, name="clip_score", dtype="float32")
    clip_score = maybe_spectral_norm(dense, spectral_norm)(x)
    clip_scores = layers.Reshape((sampled_frames,), name="clip_scores", dtype="float32")(
        layers.RepeatVector(sampled_frames, dtype="float32")(clip_score)
    )
    scores = layers.Concatenate(name="scores", dtype="float32")([frame_scores, clip_scores])
    return keras.Model(clips, scores, name=name)
