"""Vocos: a vocoder that predicts the spectrum, not the samples (Siuzdenko, 2023).

HiFi-GAN upsamples mel frames to samples with transposed convolutions, so
most of its work runs at the sample rate. Vocos stays at the frame rate: a
stack of ConvNeXt blocks (depthwise convolution, layer normalization, a
pointwise MLP, a residual) maps each mel frame to the complex STFT frame of
the waveform, a magnitude and a phase per bin, and an inverse STFT makes the
samples. The same adversarial training applies (`keras_gans.models.Vocoder`
with HiFi-GAN's discriminators); a step is cheaper, so a CPU makes more of
them.

The inverse STFT is the fixed transposed convolution of
`keras_gans.utils.fourier`, so the export converts to LiteRT. The phase
is predicted as a 2-D direction (two numbers normalized to a unit vector)
rather than an angle, which needs no sine or cosine op.
"""

import keras
from keras import layers

from keras_gans.utils import fourier
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

MAX_LOG_MAGNITUDE = 4.6  # Vocos clips magnitudes at 100


@register_serializable
class SpectrumToAudio(layers.Layer):
    """STFT frames `[b, f, 3 * bins]` (log-magnitude, phase x, phase y) ->
    waveforms `[b, (f - 1) * hop_length]`.

    The magnitude is `exp(min(log-magnitude, 4.6))`; the phase is the
    direction of `(x, y)`. The frames are centred, as
    `keras_gans.data.LogMelSpectrogram`'s, so `f` frames of a clip of `n`
    samples (a multiple of the hop) give back `n` samples.

    Args:
        fft_length: int. FFT and Hann window size, even.
        hop_length: int. Samples per frame, at most `fft_length`.
        **kwargs: `keras.layers.Layer` arguments.
    """

    def __init__(self, fft_length=1024, hop_length=256, **kwargs):
        # float32 whatever the policy: bfloat16 would round the phases.
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        check_positive_int("fft_length", fft_length)
        check_positive_int("hop_length", hop_length)
        if fft_length % 2 or hop_length > fft_length:
            raise ValueError(
                "`fft_length` must be even and at least `hop_length`. Received: "
                f"fft_length={fft_length}, hop_length={hop_length}."
            )
        self.fft_length = fft_length
        self.hop_length = hop_length
        self.bins = fft_length // 2 + 1
        _, self._synthesis = fourier.fourier_kernels(fft_length)

    def call(self, frames):
        frames = keras.ops.cast(frames, "float32")
        log_magnitude, x, y = keras.ops.split(frames, 3, axis=-1)
        magnitude = keras.ops.exp(keras.ops.minimum(log_magnitude, MAX_LOG_MAGNITUDE))
        length = keras.ops.sqrt(x**2 + y**2 + 1e-12)
        real, imag = magnitude * x / length, magnitude * y / length
        return fourier.istft(real, imag, self._synthesis, self.hop_length)

    def compute_output_shape(self, input_shape):
        frames = input_shape[1]
        return (input_shape[0], None if frames is None else (frames - 1) * self.hop_length)

    def get_config(self):
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "hop_length": self.hop_length,
        }


def vocos_generator(
    num_mel_bins=80,
    fft_length=1024,
    hop_length=256,
    dim=256,
    blocks=8,
    kernel_size=7,
    name="vocos_generator",
):
    """Builds a Vocos generator: log-mel frames -> waveform.

    A 7-wide convolution embeds the mel frames in `dim` channels; `blocks`
    ConvNeXt blocks follow (depthwise `kernel_size` convolution, layer
    normalization, dense `3 * dim` with GELU, dense `dim`, residual); a
    dense layer gives each frame's STFT (`SpectrumToAudio`).

    Args:
        num_mel_bins: int. Mel bands of the input. Defaults to `80`.
        fft_length: int. FFT size of the synthesized STFT (the mel
            features' own in the paper). Defaults to `1024`.
        hop_length: int. Samples per mel frame. Defaults to `256`.
        dim: int. Channels of the ConvNeXt blocks (the paper: 512).
            Defaults to `256`.
        blocks: int. ConvNeXt blocks (the paper: 8). Defaults to `8`.
        kernel_size: int. Depthwise convolution width in frames. Defaults
            to `7`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model` from `mel (batch, frames, num_mel_bins)`
        float32 to `audio (batch, (frames - 1) * hop_length)` float32, any
        number of frames: the contract of `hifigan_generator`.

    Example:

        >>> generator = vocos_generator(num_mel_bins=80, hop_length=256)
        >>> generator(np.zeros((2, 33, 80), "float32")).shape
        TensorShape([2, 8192])
    """
    for arg, value in (("num_mel_bins", num_mel_bins), ("dim", dim), ("blocks", blocks)):
        check_positive_int(arg, value)
    check_positive_int("kernel_size", kernel_size)
    synthesis = SpectrumToAudio(fft_length, hop_length, name="audio")
    mel = keras.Input((None, num_mel_bins), name="mel")
    x = layers.Conv1D(dim, 7, padding="same", name="embed")(mel)
    x = layers.LayerNormalization(epsilon=1e-6, name="embed_norm")(x)
    for i in range(blocks):
        h = layers.DepthwiseConv1D(kernel_size, padding="same", name=f"block_{i}_depthwise")(x)
        h = layers.LayerNormalization(epsilon=1e-6, name=f"block_{i}_norm")(h)
        h = layers.Dense(3 * dim, activation="gelu", name=f"block_{i}_expand")(h)
        # Small last layers: each block starts near the identity (Vocos's layer scale).
        h = layers.Dense(
            dim,
            kernel_initializer=keras.initializers.RandomNormal(stddev=0.02 / blocks),
            name=f"block_{i}_project",
        )(h)
        x = layers.Add(name=f"block_{i}_residual")([x, h])
    x = layers.LayerNormalization(epsilon=1e-6, name="head_norm")(x)
    frames = layers.Dense(3 * synthesis.bins, dtype="float32", name="spectrum")(x)
    return keras.Model(mel, synthesis(frames), name=name)
