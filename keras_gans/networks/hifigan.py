"""HiFi-GAN: a log-mel spectrogram in, its waveform out (Kong et al., 2020).

The generator upsamples the mel frames to samples with transposed
convolutions (their strides multiply to the hop length), each followed by a
multi-receptive-field fusion: the mean of residual stacks of dilated
convolutions with different kernel sizes, so every stage hears both short
and long patterns. Two discriminators judge the waveform: the multi-period
one folds it into `(samples / p, p)` images for the prime periods
2, 3, 5, 7, 11 (periodic structure: pitch), the multi-scale one reads it at
1×, ½× and ¼× rate (structure over time). Each sub-discriminator returns
its score map and the features of every hidden layer, for the feature-matching
loss of `keras_gans.models.Vocoder`.

The sizes here default to a small version of the paper's V3 (its
generator has 256 initial channels, its discriminators up to 1,024): a CPU
trains it in minutes. Weight normalization is left out: Keras has no
built-in wrapper for it, and the generator trains without it here.
"""

import keras
from keras import layers

from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

PERIODS = (2, 3, 5, 7, 11)
SCALES = 3
LEAK = 0.1  # HiFi-GAN's leaky ReLU slope


def _check_upsampling(hop_length, upsample_rates, upsample_kernel_sizes):
    product = 1
    for rate in upsample_rates:
        check_positive_int("upsample_rates", rate)
        product *= rate
    if product != hop_length:
        raise ValueError(
            f"The upsampling rates {tuple(upsample_rates)} multiply to {product}, but one mel "
            f"frame stands for hop_length={hop_length} samples: choose rates whose product is "
            f"{hop_length} (e.g. (8, 8, 4) for 256)."
        )
    if len(upsample_kernel_sizes) != len(upsample_rates):
        raise ValueError(
            f"Give one kernel size per upsampling rate: {len(upsample_rates)} rates, "
            f"{len(upsample_kernel_sizes)} kernel sizes."
        )


def hifigan_generator(
    num_mel_bins=80,
    hop_length=256,
    channels=128,
    upsample_rates=(8, 8, 4),
    upsample_kernel_sizes=(16, 16, 8),
    resblock_kernel_sizes=(3, 5, 7),
    resblock_dilations=((1, 2), (2, 6), (3, 12)),
    name="hifigan_generator",
):
    """Builds a HiFi-GAN generator: log-mel frames -> waveform.

    A spectrogram of `f` frames becomes `(f - 1) * hop_length` samples: the
    frames of `keras_gans.data.LogMelSpectrogram` are centred, so a clip of
    `n` samples (a multiple of the hop) has `n / hop_length + 1` frames and
    comes back as `n` samples.

    Args:
        num_mel_bins: int. Mel bands of the input. Defaults to `80`.
        hop_length: int. Samples per mel frame. Defaults to `256`.
        channels: int. Channels before the first upsampling, halved at each
            (the paper's V3: 256, V1: 512). Defaults to `128`.
        upsample_rates: tuple of ints multiplying to `hop_length`.
            Defaults to `(8, 8, 4)`.
        upsample_kernel_sizes: tuple of ints, one per rate (twice the rate
            in the paper). Defaults to `(16, 16, 8)`.
        resblock_kernel_sizes: tuple of ints. Kernel of each residual stack
            of a fusion block. Defaults to `(3, 5, 7)`.
        resblock_dilations: tuple of tuples. Dilations of each stack's
            convolutions. Defaults to `((1, 2), (2, 6), (3, 12))` (V3).
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `mel (batch, frames, num_mel_bins)`
        float32 to `audio (batch, (frames - 1) * hop_length)` float32 in
        [-1, 1]; any number of frames.

    Example:

        >>> generator = hifigan_generator(num_mel_bins=80, hop_length=256)
        >>> generator(np.zeros((2, 33, 80), "float32")).shape
        TensorShape([2, 8192])
    """
    check_positive_int("num_mel_bins", num_mel_bins)
    check_positive_int("hop_length", hop_length)
    check_positive_int("channels", channels)
    _check_upsampling(hop_length, upsample_rates, upsample_kernel_sizes)
    if len(resblock_kernel_sizes) != len(resblock_dilations):
        raise ValueError(
            f"Give one dilation tuple per residual kernel size: {len(resblock_kernel_sizes)} "
            f"kernel sizes, {len(resblock_dilations)} dilation tuples."
        )
    mel = keras.Input((None, num_mel_bins), name="mel")
    x = layers.Conv1D(channels, 7, padding="same", name="conv_pre")(mel)
    for i, (rate, kernel) in enumerate(zip(upsample_rates, upsample_kernel_sizes)):
        filters = max(channels // 2 ** (i + 1), 1)
        x = layers.LeakyReLU(LEAK, name=f"up_{i}_act")(x)
        x = layers.Conv1DTranspose(filters, kernel, strides=rate, padding="same", name=f"up_{i}")(x)
        stacks = []
        for j, (size, dilations) in enumerate(zip(resblock_kernel_sizes, resblock_dilations)):
            h = x
            for k, dilation in enumerate(dilations):
                block = f"mrf_{i}_{j}_{k}"
                y = layers.LeakyReLU(LEAK, name=f"{block}_act")(h)
                y = layers.Conv1D(
                    filters, size, dilation_rate=dilation, padding="same", name=block
                )(y)
                h = layers.Add(name=f"{block}_residual")([h, y])
            stacks.append(h)
        x = stacks[0] if len(stacks) == 1 else layers.Average(name=f"mrf_{i}")(stacks)
    x = layers.LeakyReLU(0.01, name="conv_post_act")(x)
    # float32 output under mixed precision: waveforms and losses stay float32.
    x = layers.Conv1D(1, 7, padding="same", activation="tanh", dtype="float32", name="conv_post")(x)
    # The last frame is the centred padding's: drop its hop of samples.
    x = layers.Cropping1D((0, hop_length), dtype="float32", name="drop_padding_frame")(x)
    audio = layers.Reshape((-1,), dtype="float32", name="audio")(x)
    return keras.Model(mel, audio, name=name)


@register_serializable
class PeriodFold(layers.Layer):
    """Waveforms `(batch, samples)` -> `(batch, ceil(samples / p), p, 1)`,
    reflect-padded at the end to a multiple of the period `p`."""

    def __init__(self, period, **kwargs):
        super().__init__(**kwargs)
        self.period = check_positive_int("period", period)

    def call(self, audio):
        samples = audio.shape[-1]
        pad = -samples % self.period
        if pad:
            audio = keras.ops.pad(audio, [[0, 0], [0, pad]], mode="reflect")
        return keras.ops.reshape(audio, (-1, (samples + pad) // self.period, self.period, 1))

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        return (input_shape[0], -(-samples // self.period), self.period, 1)

    def get_config(self):
        return {**super().get_config(), "period": self.period}


def _period_discriminator(audio, period, width):
    """One sub-discriminator of the multi-period one: `(score, features)`."""
    name = f"period_{period}"
    x = PeriodFold(period, name=f"{name}_fold")(audio)
    features = []
    for i, filters in enumerate((width, 4 * width, 16 * width, 32 * width)):
        x = layers.Conv2D(filters, (5, 1), strides=(3, 1), padding="same", name=f"{name}_{i}")(x)
        x = layers.LeakyReLU(LEAK, name=f"{name}_{i}_act")(x)
        features.append(x)
    x = layers.Conv2D(32 * width, (5, 1), padding="same", name=f"{name}_4")(x)
    x = layers.LeakyReLU(LEAK, name=f"{name}_4_act")(x)
    features.append(x)
    score = layers.Conv2D(1, (3, 1), padding="same", dtype="float32", name=f"{name}_score")(x)
    return layers.Flatten(dtype="float32", name=f"{name}_scores")(score), features


def _scale_discriminator(audio, scale, width):
    """One sub-discriminator of the multi-scale one, on audio average-pooled
    `scale` times: `(score, features)`."""
    name = f"scale_{scale}"
    x = layers.Reshape((audio.shape[-1], 1), name=f"{name}_waveform")(audio)
    for i in range(scale):
        x = layers.AveragePooling1D(4, strides=2, padding="same", name=f"{name}_pool_{i}")(x)
    # (filters, kernel, stride): the paper's x64 downsampling in five layers
    # (it has seven, strides 1, 2, 2, 4, 4, 1, 1), shorter kernels and no
    # grouped convolutions (TensorFlow's CPU kernel for those took
    # 56 s for one step of one sub-discriminator here, against 0.1-0.2 s
    # for the plain ones).
    plan = [
        (width, 15, 1),
        (2 * width, 15, 4),
        (4 * width, 15, 4),
        (8 * width, 15, 4),
        (8 * width, 5, 1),
    ]
    features = []
    for i, (filters, kernel, stride) in enumerate(plan):
        x = layers.Conv1D(filters, kernel, strides=stride, padding="same", name=f"{name}_{i}")(x)
        x = layers.LeakyReLU(LEAK, name=f"{name}_{i}_act")(x)
        features.append(x)
    score = layers.Conv1D(1, 3, padding="same", dtype="float32", name=f"{name}_score")(x)
    return layers.Flatten(dtype="float32", name=f"{name}_scores")(score), features


def hifigan_discriminator(
    clip_samples=8192,
    period_width=8,
    scale_width=16,
    periods=PERIODS,
    scales=SCALES,
    name="hifigan_discriminator",
):
    """Builds HiFi-GAN's discriminators as one model: waveform -> scores and features.

    The multi-period discriminator (one 2-D sub-discriminator per period in
    `periods`) and the multi-scale one (`scales` 1-D sub-discriminators on
    the waveform average-pooled 0, 1, 2 ... times) in one Functional model,
    so that one optimizer updates them all.

    Args:
        clip_samples: int. Samples of the training segments. Defaults to
            `8192`.
        period_width: int. Channels of the period discriminators' first
            layer (×4, ×16, ×32 after it; the paper: 32). Defaults to `8`.
        scale_width: int. Channels of the scale discriminators' first layer
            (up to ×8 after it; the paper: 128 up to 1,024, grouped).
            Defaults to `16`.
        periods: tuple of ints. Defaults to `(2, 3, 5, 7, 11)`.
        scales: int. Scale discriminators. Defaults to `3`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `audio (batch, clip_samples)` to a dict:
        `"scores"`, one float32 `(batch, positions)` tensor per
        sub-discriminator (raw scores), and `"features"`, the activations of
        every hidden layer of every sub-discriminator, in a fixed order.
    """
    check_positive_int("clip_samples", clip_samples)
    check_positive_int("period_width", period_width)
    check_positive_int("scale_width", scale_width)
    check_positive_int("scales", scales)
    if not periods or not all(isinstance(p, int) and p >= 2 for p in periods):
        raise ValueError(
            f"`periods` takes integers of 2 or more (HiFi-GAN: {PERIODS}). Received: {periods}"
        )
    audio = keras.Input((clip_samples,), name="audio")
    scores, features = [], []
    for period in periods:
        score, feature = _period_discriminator(audio, period, period_width)
        scores.append(score)
        features += feature
    for scale in range(scales):
        score, feature = _scale_discriminator(audio, scale, scale_width)
        scores.append(score)
        features += feature
    return keras.Model(audio, {"scores": scores, "features": features}, name=name)
