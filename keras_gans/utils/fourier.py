"""Short-time Fourier transforms as fixed convolutions, for layers that
must convert to LiteRT, which has no inverse FFT among its built-in ops: the
forward transform is a strided convolution with the Hann-windowed DFT basis,
the inverse its transposed convolution divided by the overlap-added squared
window. Frames are centred as `keras.ops.stft(..., center=True)` makes them.
`griffin_lim` is the phase-estimation loop that both the SpecGAN decoder (on
these convolutions) and the vocoder's baseline (on TensorFlow's FFT) run.
"""

import keras
import numpy as np


def hann_window(fft_length):
    """The periodic Hann window, float64 `(fft_length,)`."""
    return np.sin(np.pi * np.arange(fft_length) / fft_length) ** 2


def fourier_kernels(fft_length):
    """`(analysis, synthesis)` kernels, float32 `(fft_length, 1, fft_length + 2)`:
    the real parts of the `fft_length // 2 + 1` bins, then the imaginary ones."""
    n = np.arange(fft_length)[:, None]
    k = np.arange(fft_length // 2 + 1)[None, :]
    window = hann_window(fft_length)[:, None]
    angle = 2 * np.pi * n * k / fft_length
    # The inverse real DFT counts each bin but DC and Nyquist twice.
    scale = np.where((k == 0) | (k == fft_length // 2), 1.0, 2.0) / fft_length
    analysis = np.concatenate([window * np.cos(angle), -window * np.sin(angle)], 1)
    synthesis = np.concatenate([window * scale * np.cos(angle), -window * scale * np.sin(angle)], 1)
    return analysis[:, None, :].astype(np.float32), synthesis[:, None, :].astype(np.float32)


def stft(audio, analysis, hop_length):
    """`[b, samples]` -> `(real, imag)`, each `[b, samples // hop + 1, bins]`."""
    half = analysis.shape[0] // 2
    padded = keras.ops.pad(audio, [[0, 0], [half, half]], mode="reflect")
    spectrum = keras.ops.conv(padded[..., None], analysis, strides=hop_length, padding="valid")
    bins = analysis.shape[-1] // 2
    return spectrum[..., :bins], spectrum[..., bins:]


def istft(real, imag, synthesis, hop_length):
    """Inverse of `stft` for any number of frames `f`: `[b, (f - 1) * hop]`."""
    fft_length = synthesis.shape[0]
    spectrum = keras.ops.concatenate([real, imag], axis=-1)
    frames = keras.ops.conv_transpose(spectrum, synthesis, strides=hop_length, padding="valid")
    squared = (hann_window(fft_length) ** 2).astype(np.float32)[:, None, None]
    ones = keras.ops.ones_like(real[:1, :, :1])
    envelope = keras.ops.conv_transpose(ones, squared, strides=hop_length, padding="valid")
    half = fft_length // 2
    audio = frames[:, half:-half, 0] / keras.ops.maximum(envelope[:, half:-half, 0], 1e-8)
    return audio


def griffin_lim(magnitude, phase, stft, istft, iterations):
    """Griffin & Lim's (1984) phase estimation: a waveform whose STFT
    magnitudes come close to `magnitude`.

    Args:
        magnitude: float `[b, frames, bins]`, linear STFT magnitudes.
        phase: `(cos, sin)` of the starting phases, each broadcastable to
            `magnitude` (fixed ones make the result deterministic).
        stft: callable, `audio -> (real, imag)`.
        istft: callable, `(real, imag) -> audio`, its inverse.
        iterations: int. Rounds of projecting onto consistent spectrograms.

    Returns:
        The waveform `istft` gives for `magnitude` with the estimated phases.
    """

    def round_(_, phasors):
        cos, sin = phasors
        real, imag = stft(istft(magnitude * cos, magnitude * sin))
        # Unit phasors without atan2, which LiteRT lacks; 0/eps keeps silence silent.
        norm = keras.ops.sqrt(real**2 + imag**2) + 1e-8
        return real / norm, imag / norm

    # A loop, not `iterations` copies of the rounds: an exported graph holds
    # the transforms' matrices once (32 unrolled rounds made a 36 MB SavedModel).
    cos, sin = (
        keras.ops.broadcast_to(phase[0], keras.ops.shape(magnitude)),
        keras.ops.broadcast_to(phase[1], keras.ops.shape(magnitude)),
    )
    cos, sin = keras.ops.fori_loop(0, iterations, round_, (cos, sin))
    return istft(magnitude * cos, magnitude * sin)
