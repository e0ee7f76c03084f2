"""How well a vocoder turns held-out recordings' mel spectrograms back into sound.

Each held-out recording is cut to whole mel frames, turned into its log-mel
spectrogram, vocoded, and compared with the original:

- **multi-resolution STFT distance** (Yamamoto et al., 2020; the auxiliary
  loss of Parallel WaveGAN): at FFT sizes 512, 1,024 and 2,048 (hops of a
  quarter), spectral convergence `||S - Ŝ||_F / ||S||_F` plus the mean
  absolute difference of log magnitudes, averaged over the three; 0 is
  identical, lower is better. Magnitudes only: a waveform with another
  phase but the same spectrogram scores well.
- **mel L1**: mean absolute difference of the log-mel spectrograms, in the
  vocoder's own features.
- **PESQ** (ITU-T P.862.2, wideband, 16 kHz; 1.0-4.6, higher is better) and
  **STOI** (short-time objective intelligibility, 0-1) when the PyPI packages
  `pesq` and `pystoi` are installed (`pip install 'keras_gans[audio-eval]'`);
  left out, and said so, otherwise.

The baseline is Griffin-Lim from the same mel spectrogram: the mel bands
mapped back to linear frequencies by the filterbank's pseudo-inverse, then
`iterations` rounds of phase estimation (Griffin & Lim, 1984), TensorFlow's
own STFT and inverse STFT throughout. The real-time factor is seconds of
vocoding per second of audio on this machine (under 1: faster than real time).
"""

import importlib.util
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import losses
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings
from keras_gans.utils import fourier

RESOLUTIONS = losses.STFT_RESOLUTIONS  # (FFT size, hop)
GRIFFIN_LIM_ITERATIONS = 32


def multi_resolution_stft_distance(reference, estimate, resolutions=RESOLUTIONS):
    """Spectral convergence plus log-magnitude L1, averaged over resolutions.

    Args:
        reference: float array `(samples,)` or `(batch, samples)`.
        estimate: the same shape.
        resolutions: tuple of `(fft_length, hop_length)`.

    Returns:
        float.
    """
    reference, estimate = np.asarray(reference, np.float32), np.asarray(estimate, np.float32)
    if reference.shape != estimate.shape:
        raise ValueError(f"Compare waveforms of one shape: {reference.shape} vs {estimate.shape}.")
    total = 0.0
    for fft_length, hop in resolutions:
        real = losses.stft_magnitudes(reference, fft_length, hop)
        fake = losses.stft_magnitudes(estimate, fft_length, hop)
        convergence = tf.norm(real - fake) / tf.norm(real)
        log_distance = tf.reduce_mean(tf.abs(tf.math.log(real) - tf.math.log(fake)))
        total += float(convergence + log_distance)
    return total / len(resolutions)


def mel_distance(reference, estimate, settings):
    """Mean absolute difference of the log-mel spectrograms (`settings`)."""
    mel = LogMelSpectrogram(settings)
    reference, estimate = np.atleast_2d(reference), np.atleast_2d(estimate)
    return float(np.mean(np.abs(np.asarray(mel(reference)) - np.asarray(mel(estimate)))))


def _mel_pseudo_inverse(settings):
    """`(num_mel_bins, fft_length // 2 + 1)`: log-mel magnitudes back to
    linear ones (the least-squares inverse of Keras's filterbank)."""
    layer = LogMelSpectrogram(settings).mel
    matrix = layer.linear_to_mel_weight_matrix(
        num_mel_bins=settings.num_mel_bins,
        num_spectrogram_bins=settings.fft_length // 2 + 1,
        sampling_rate=settings.sample_rate,
        lower_edge_hertz=settings.min_freq,
        upper_edge_hertz=settings.max_freq or settings.sample_rate / 2,
    )
    return np.linalg.pinv(np.asarray(matrix, np.float64)).astype(np.float32)


def griffin_lim(log_mel, settings, iterations=GRIFFIN_LIM_ITERATIONS, seed=0):
    """Waveforms from log-mel spectrograms by Griffin-Lim phase estimation.

    Args:
        log_mel: float `(frames, bins)` or `(batch, frames, bins)`, as
            `LogMelSpectrogram(settings)` makes them.
        settings: `MelSettings`.
        iterations: int. Phase-estimation rounds. Defaults to `32`.
        seed: int. Seed of the initial random phases.

    Returns:
        float32 `(batch, (frames - 1) * hop_length)` (or `(samples,)` for
        one spectrogram): the length a vocoder gives.
    """
    log_mel = np.asarray(log_mel, np.float32)
    single = log_mel.ndim == 2
    log_mel = log_mel[None] if single else log_mel
    s = settings
    linear = np.maximum(np.exp(log_mel) @ _mel_pseudo_inverse(s), 0.0)
    samples = (log_mel.shape[1] - 1) * s.hop_length
    frames = dict(
        sequence_length=s.fft_length, sequence_stride=s.hop_length, fft_length=s.fft_length
    )

    def stft(audio):
        return keras.ops.stft(audio, window="hann", center=True, **frames)

    def istft(real, imag):
        return keras.ops.istft((real, imag), length=samples, window="hann", center=True, **frames)

    phase = np.random.default_rng(seed).uniform(-np.pi, np.pi, linear.shape)
    phase = (np.cos(phase).astype(np.float32), np.sin(phase).astype(np.float32))
    audio = fourier.griffin_lim(tf.constant(linear), phase, stft, istft, iterations)
    audio = np.clip(np.asarray(audio, np.float32), -1.0, 1.0)
    return audio[0] if single else audio


def speech_scores_available():
    """`(pesq installed, pystoi installed)`."""
    return tuple(importlib.util.find_spec(name) is not None for name in ("pesq", "pystoi"))


def _perceptual_scores(reference, estimate, sample_rate):
    """PESQ (wideband) and STOI where their packages are installed."""
    has_pesq, has_stoi = speech_scores_available()
    scores = {}
    if has_pesq and sample_rate == 16000:
        # Optional: PyPI `pesq` (the ITU-T P.862 reference code).
        from pesq import PesqError
        from pesq import pesq

        value = pesq(sample_rate, reference, estimate, "wb", on_error=PesqError.RETURN_VALUES)
        if value >= 0:  # negative: an error code (e.g. no speech found)
            scores["pesq"] = float(value)
    if has_stoi:
        # Optional: PyPI `pystoi`.
        from pystoi import stoi

        scores["stoi"] = float(stoi(reference, estimate, sample_rate, extended=False))
    return scores


def score_vocoder(vocode, recordings, settings, griffin_lim_iterations=GRIFFIN_LIM_ITERATIONS):
    """Scores `vocode` and Griffin-Lim on held-out recordings.

    Args:
        vocode: callable from a float32 log-mel spectrogram `(1, frames,
            bins)` to a waveform `(1, (frames - 1) * hop_length)` (the
            export's signature, or `Vocoder.vocode`).
        recordings: `keras_gans.data.Recordings` or a list of 1-D float
            arrays at `settings.sample_rate`.
        settings: `MelSettings` of the vocoder.
        griffin_lim_iterations: int. Defaults to `32`.

    Returns:
        A dict: `"vocoder"` and `"griffin_lim"`, each the mean
        `mrstft`, `mel_l1` (and `pesq`, `stoi` where installed) over the
        recordings; `"num_recordings"`, `"seconds"` of audio,
        `"real_time_factor"` of `vocode`, and `"missing"`: the scores left
        out for want of a package.
    """
    if isinstance(settings, dict):
        settings = MelSettings.from_dict(settings)
    audio = getattr(recordings, "audio", recordings)
    hop = settings.hop_length
    mel = LogMelSpectrogram(settings)
    per_method = {"vocoder": [], "griffin_lim": []}
    seconds = vocoding_seconds = 0.0
    vocode(np.zeros((1, 16, settings.num_mel_bins), np.float32))  # warm-up: not timed
    for recording in audio:
        length = len(recording) // hop * hop
        if length < settings.fft_length:
            continue
        real = np.asarray(recording[:length], np.float32)
        features = np.asarray(mel(real[None]))
        began = time.perf_counter()
        vocoded = np.asarray(vocode(features), np.float32).reshape(-1)
        vocoding_seconds += time.perf_counter() - began
        seconds += length / settings.sample_rate
        if vocoded.shape[0] != length:
            raise ValueError(
                f"The vocoder made {vocoded.shape[0]} samples of {features.shape[1]} mel frames; "
                f"expected {length} ((frames - 1) * hop_length)."
            )
        estimates = {
            "vocoder": vocoded,
            "griffin_lim": griffin_lim(features[0], settings, griffin_lim_iterations),
        }
        for method, estimate in estimates.items():
            per_method[method].append(
                {
                    "mrstft": multi_resolution_stft_distance(real, estimate),
                    "mel_l1": mel_distance(real, estimate, settings),
                    **_perceptual_scores(real, estimate, settings.sample_rate),
                }
            )
    if not per_method["vocoder"]:
        raise ValueError(
            f"No held-out recording is longer than one FFT ({settings.fft_length} samples): "
            "nothing to score."
        )
    has_pesq, has_stoi = speech_scores_available()
    missing = [name for name, there in (("pesq", has_pesq), ("stoi", has_stoi)) if not there]
    if has_pesq and settings.sample_rate != 16000:
        missing.append("pesq (wideband PESQ is defined at 16 kHz)")
    return {
        **{
            method: {
                key: float(np.mean([r[key] for r in rows if key in r]))
                for key in ("mrstft", "mel_l1", "pesq", "stoi")
                if any(key in r for r in rows)
            }
            for method, rows in per_method.items()
        },
        "num_recordings": len(per_method["vocoder"]),
        "seconds": seconds,
        "real_time_factor": vocoding_seconds / seconds,
        "missing": missing,
    }
