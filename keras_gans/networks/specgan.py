"""SpecGAN: short sounds drawn as spectrogram images (Donahue et al., 2019).

An image GAN learns log-magnitude spectrograms, `(frames, bins, 1)` in
[-1, 1], made from the recordings by `AudioToSpectrogram`; the sounds users
hear come from `SpectrogramToAudio`, which estimates the phase the
magnitudes lack by Griffin-Lim. The GAN takes it as its `decoder`, so
sampling, evaluation and exports give waveforms while both networks work
on spectrograms, where the image DCGAN's convolutions see a drum's decay and
its pitch as shapes.

Both layers compute their short-time Fourier transforms as fixed
convolutions (`keras_gans.utils.fourier`), so the export converts to
LiteRT.
"""

import math

import keras
import numpy as np

from keras_gans.utils import fourier
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int

# Log-magnitude range mapped to [-1, 1]: from about 88 dB under a full-scale
# sine's peak (64 with a 256-point Hann window) to just under it; recorded
# drum hits reach 3.4 and fade into the floor.
LOG_MAGNITUDE_RANGE = (-6.0, 4.0)
GRIFFIN_LIM_ITERATIONS = 32


def spectrogram_shape(clip_samples, fft_length=256):
    """`(frames, bins, 1)` of a clip's spectrogram image: one frame per hop of
    `fft_length // 2` samples and `fft_length // 2` bins (the last frame and
    the Nyquist bin are left out, so both sides halve evenly).

    Raises:
        ValueError: when `fft_length` is not a power of 2 of at least 16, or
            `clip_samples` is not a multiple of the hop.
    """
    check_positive_int("clip_samples", clip_samples)
    check_positive_int("fft_length", fft_length)
    if fft_length < 16 or fft_length & (fft_length - 1):
        raise ValueError(
            f"`fft_length` must be a power of 2 of at least 16. Received: fft_length={fft_length}."
        )
    hop = fft_length // 2
    if clip_samples % hop:
        raise ValueError(
            f"SpecGAN needs a clip length that is a multiple of its hop ({hop} samples for "
            f"fft_length={fft_length}). Received: clip_samples={clip_samples}; try "
            f"{clip_samples // hop * hop or hop} or {(clip_samples // hop + 1) * hop}."
        )
    return (clip_samples // hop, fft_length // 2, 1)


class _ShortTimeFourier(keras.layers.Layer):
    """The Hann-windowed STFT and its inverse, hop `fft_length // 2`, as the
    fixed convolutions of `keras_gans.utils.fourier`."""

    def __init__(self, clip_samples, fft_length=256, log_range=LOG_MAGNITUDE_RANGE, **kwargs):
        # float32 whatever the policy: bfloat16 would round the phases.
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.frames, self.bins, _ = spectrogram_shape(clip_samples, fft_length)
        self.clip_samples = clip_samples
        self.fft_length = fft_length
        self.hop = fft_length // 2
        self.log_range = tuple(float(v) for v in log_range)
        if not self.log_range[0] < self.log_range[1]:
            raise ValueError(f"`log_range` must be (low, high), low < high. Received {log_range}.")
        self._analysis, self._synthesis = fourier.fourier_kernels(fft_length)

    def stft(self, audio):
        """`[b, samples]` -> `(real, imag)`, each `[b, frames + 1, bins + 1]`."""
        return fourier.stft(audio, self._analysis, self.hop)

    def istft(self, real, imag):
        """Inverse of `stft`: `[b, frames + 1, bins + 1]` twice -> `[b, samples]`."""
        return fourier.istft(real, imag, self._synthesis, self.hop)

    def get_config(self):
        return {
            **super().get_config(),
            "clip_samples": self.clip_samples,
            "fft_length": self.fft_length,
            "log_range": self.log_range,
        }


@register_serializable
class AudioToSpectrogram(_ShortTimeFourier):
    """Clips `[batch, samples]` -> log-magnitude spectrogram images in [-1, 1].

    `log |STFT|`, Hann window of `fft_length`, hop `fft_length // 2`, mapped
    linearly from `log_range` to [-1, 1] and clipped; shape `(frames, bins,
    1)` (see `spectrogram_shape`), time down the rows, frequency across.

    Args:
        clip_samples: int. Samples per clip, a multiple of the hop.
        fft_length: int. FFT and window size, a power of 2. Defaults to `256`
            (SpecGAN's: 16 ms at 16 kHz).
        log_range: `(low, high)`: the natural-log magnitudes that map to -1
            and 1. Defaults to `LOG_MAGNITUDE_RANGE`.
        **kwargs: `keras.layers.Layer` arguments.

    Example:

        >>> layer = AudioToSpectrogram(8192)
        >>> layer(np.zeros((2, 8192), "float32")).shape
        TensorShape([2, 64, 128, 1])
    """

    def call(self, audio):
        real, imag = self.stft(keras.ops.cast(audio, "float32"))
        magnitude = keras.ops.sqrt(real**2 + imag**2)[:, : self.frames, : self.bins]
        low, high = self.log_range
        log = keras.ops.log(keras.ops.maximum(magnitude, math.exp(low)))
        images = keras.ops.clip(2.0 * (log - low) / (high - low) - 1.0, -1.0, 1.0)
        return images[..., None]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.frames, self.bins, 1)


@register_serializable
class SpectrogramToAudio(_ShortTimeFourier):
    """Spectrogram images in [-1, 1] -> clips `[batch, samples]` in [-1, 1].

    The inverse of `AudioToSpectrogram`'s magnitudes, with the phase
    estimated by Griffin-Lim (Griffin & Lim, 1984): `iterations` rounds of
    inverse STFT and STFT, each keeping the new phases and the given
    magnitudes, from fixed pseudo-random phases (drawn from `seed`, so the
    same image always gives the same sound). The left-out Nyquist bin is
    silent and the left-out last frame repeats the one before it.

    Args:
        clip_samples: int. Samples per clip.
        fft_length: int. As in `AudioToSpectrogram`.
        log_range: As in `AudioToSpectrogram`.
        iterations: int. Griffin-Lim rounds. Defaults to `32`.
        seed: int. Seed of the initial phases. Defaults to `0`.
        **kwargs: `keras.layers.Layer` arguments.
    """

    def __init__(
        self,
        clip_samples,
        fft_length=256,
        log_range=LOG_MAGNITUDE_RANGE,
        iterations=GRIFFIN_LIM_ITERATIONS,
        seed=0,
        **kwargs,
    ):
        super().__init__(clip_samples, fft_length, log_range, **kwargs)
        check_positive_int("iterations", iterations)
        self.iterations = iterations
        self.seed = seed
        phase = np.random.default_rng(seed).uniform(-np.pi, np.pi, (self.frames + 1, self.bins + 1))
        self._phase = (np.cos(phase).astype(np.float32), np.sin(phase).astype(np.float32))

    def call(self, images):
        low, high = self.log_range
        log = low + (keras.ops.cast(images[..., 0], "float32") + 1.0) * (0.5 * (high - low))
        # The floor maps back to silence, not to a faint hiss.
        magnitude = keras.ops.maximum(keras.ops.exp(log) - math.exp(low), 0.0)
        magnitude = keras.ops.concatenate([magnitude, magnitude[:, -1:]], axis=1)
        magnitude = keras.ops.pad(magnitude, [[0, 0], [0, 0], [0, 1]])
        audio = fourier.griffin_lim(magnitude, self._phase, self.stft, self.istft, self.iterations)
        return keras.ops.clip(audio, -1.0, 1.0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.clip_samples)

    def get_config(self):
        return {**super().get_config(), "iterations": self.iterations, "seed": self.seed}
