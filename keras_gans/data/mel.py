"""Log-mel spectrograms: the features every audio part of the package shares.

One `MelSettings` describes them (rate, FFT, hop, bands, range); the
`LogMelSpectrogram` layer computes them with Keras's own STFT and mel
filterbank (`keras.layers.MelSpectrogram`), and takes the natural log of the
magnitudes above a floor, as HiFi-GAN's features do. A vocoder's export keeps
its settings beside it (`MelSettings.to_dict`), so the mels fed to it are
made the way it was trained on.
"""

import dataclasses
from typing import Optional

import keras

from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_positive_int


@dataclasses.dataclass(frozen=True)
class MelSettings:
    """How a clip becomes a log-mel spectrogram.

    Args:
        sample_rate: int. Samples per second of the audio.
        fft_length: int. FFT (and window) size in samples.
        hop_length: int. Samples between frames: a clip of `n` samples has
            `n // hop_length + 1` frames (frames are centred).
        num_mel_bins: int. Mel bands.
        min_freq: float. Lowest band edge in Hz.
        max_freq: float or `None`. Highest band edge in Hz; `None`: half the
            sample rate.
        log_floor: float. Magnitudes below it are clamped before the log.
    """

    sample_rate: int = 16000
    fft_length: int = 1024
    hop_length: int = 256
    num_mel_bins: int = 80
    min_freq: float = 0.0
    max_freq: Optional[float] = None
    log_floor: float = 1e-5

    def __post_init__(self):
        for name in ("sample_rate", "fft_length", "hop_length", "num_mel_bins"):
            check_positive_int(name, getattr(self, name))
        top = self.max_freq or self.sample_rate / 2
        if not 0 <= self.min_freq < top <= self.sample_rate / 2:
            raise ValueError(
                f"Mel band edges must satisfy 0 <= min_freq < max_freq <= sample_rate / 2 "
                f"({self.sample_rate / 2:g} Hz). Received: min_freq={self.min_freq}, "
                f"max_freq={self.max_freq}."
            )

    def frames(self, samples):
        """Frames of a clip of `samples` samples."""
        return samples // self.hop_length + 1

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, config):
        """Settings from `to_dict`'s output; unknown keys are a clear error."""
        unknown = sorted(set(config) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ValueError(f"Unknown mel settings {unknown}.")
        return cls(**config)


@register_serializable
class LogMelSpectrogram(keras.layers.Layer):
    """Audio `[batch, samples]` -> log-mel spectrogram `[batch, frames, num_mel_bins]`.

    `log(max(|mel(STFT(audio))|, log_floor))`, computed by
    `keras.layers.MelSpectrogram` (Hann window, centred frames, HTK mel
    scale) in float32 whatever the layer's dtype policy.

    Args:
        settings: `MelSettings` or its dict. Defaults to `MelSettings()`.
        **kwargs: `keras.layers.Layer` arguments.

    Example:

        >>> mel = LogMelSpectrogram(MelSettings(sample_rate=16000))
        >>> mel(np.zeros((2, 16000), "float32")).shape
        TensorShape([2, 63, 80])
    """

    def __init__(self, settings=None, **kwargs):
        # float32 whatever the global policy: a bfloat16 policy would round
        # the audio before the STFT.
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        if isinstance(settings, dict):
            settings = MelSettings.from_dict(settings)
        self.settings = settings or MelSettings()
        s = self.settings
        self.mel = keras.layers.MelSpectrogram(
            fft_length=s.fft_length,
            sequence_stride=s.hop_length,
            sampling_rate=s.sample_rate,
            num_mel_bins=s.num_mel_bins,
            min_freq=s.min_freq,
            max_freq=s.max_freq,
            power_to_db=False,
            mag_exp=1.0,
            dtype="float32",
        )

    def call(self, audio):
        mel = self.mel(keras.ops.cast(audio, "float32"))
        mel = keras.ops.swapaxes(mel, -1, -2)
        return keras.ops.log(keras.ops.maximum(mel, self.settings.log_floor))

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None if samples is None else self.settings.frames(samples)
        return (*input_shape[:-1], frames, self.settings.num_mel_bins)

    def get_config(self):
        return {**super().get_config(), "settings": self.settings.to_dict()}
