"""Your own recordings: a folder of sounds as a GAN's training data.

A flat folder gives clips; a folder with one subfolder per class (drum kinds,
instruments, pitches) gives `(clips, labels)`. Every file is decoded, mixed
to mono, resampled to one rate and cut or padded to one length once, up
front, and kept in memory as float32 (a thousand one-second clips at 16 kHz
are 64 MB), so an unreadable or silent file is named before training starts.

WAV, FLAC, OGG and AIFF files are read by `soundfile` (libsndfile, in
`pip install 'keras_gans[audio]'`); without it, 16-bit PCM WAV files are
read by TensorFlow and other files are skipped with a message that says so.
Resampling uses SciPy's polyphase filter (`scipy.signal.resample_poly`).
"""

import dataclasses
import importlib.util
import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data import folders
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.pipeline import BatchOrder
from keras_gans.data.pipeline import gather_batches
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".aiff", ".aif")
INSTALL_HINT = "pip install 'keras_gans[audio]' (soundfile and scipy)"
# A clip whose peak stays under this (-80 dBFS) is silence, not a sound.
SILENCE_PEAK = 1e-4
# Leading samples quieter than this fraction of the clip's peak (-40 dB) are
# cut, so a clip starts at its sound (drum hits recorded with a pause).
ONSET_FRACTION = 0.01
# A sound shorter than half an analysis frame (the mel features' FFT is 1,024
# samples) has next to no spectrum to learn from; a 54-ms clap still counts.
MIN_SAMPLES = 512


@dataclasses.dataclass
class AudioFolder:
    """A folder of recordings, decoded into memory.

    Attributes:
        audio: float32 `(n, clip_samples)` in [-1, 1], mono.
        labels: int32 `(n,)`, or `None` for a flat folder.
        class_names: list of str: the subfolder of each label (empty when
            flat).
        paths: list of str: the file each clip came from.
        skipped: list of `(path, reason)`: the files left out (unreadable,
            silent or too short).
        sample_rate: int. Samples per second of every clip.
    """

    audio: np.ndarray
    labels: np.ndarray
    class_names: list
    paths: list
    skipped: list
    sample_rate: int

    @property
    def clip_samples(self):
        return int(self.audio.shape[1])

    @property
    def clip_seconds(self):
        return self.clip_samples / self.sample_rate


def has_soundfile():
    """True when `soundfile` (WAV, FLAC, OGG, AIFF) is installed."""
    return importlib.util.find_spec("soundfile") is not None


def read_audio(path, sample_rate=None):
    """One recording as mono float32 samples in [-1, 1].

    Args:
        path: str. A WAV file (any sample rate, 16-bit PCM without
            `soundfile`), or FLAC / OGG / AIFF with `soundfile` installed.
        sample_rate: int or `None`. Resample to this rate; `None` keeps the
            file's.

    Returns:
        `(samples, sample_rate)`: a float32 `(n,)` array and its rate.

    Raises:
        ValueError: the file cannot be decoded (the message says why, and
            what to install when the decoder is missing).
    """
    if has_soundfile():
        import soundfile  # the optional decoder: imported only where installed

        try:
            samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError) as e:
            raise ValueError(str(e).splitlines()[0][:160]) from e
    elif str(path).lower().endswith(".wav"):
        try:
            decoded = tf.audio.decode_wav(tf.io.read_file(str(path)))
        except tf.errors.OpError as e:
            raise ValueError(
                f"TensorFlow reads 16-bit PCM WAV only ({e.message.splitlines()[0][:100]}); "
                f"{INSTALL_HINT} reads any WAV."
            ) from e
        samples, rate = decoded.audio.numpy(), int(decoded.sample_rate)
    else:
        raise ValueError(f"reading {path.rsplit('.', 1)[-1]} files needs {INSTALL_HINT}")
    samples = samples.mean(axis=1)  # mono: the channels' mean
    if sample_rate is not None and rate != sample_rate:
        samples = resample(samples, rate, sample_rate)
    return samples.astype(np.float32), sample_rate or rate


def resample(samples, rate, sample_rate):
    """`samples` at `rate` resampled to `sample_rate` (SciPy's polyphase filter)."""
    if importlib.util.find_spec("scipy") is None:
        raise ValueError(f"resampling {rate} Hz to {sample_rate} Hz needs {INSTALL_HINT}")
    from scipy import signal  # optional: only files at another rate need it

    common = math.gcd(int(rate), int(sample_rate))
    return signal.resample_poly(samples, sample_rate // common, rate // common)


def fit_clip(samples, clip_samples, trim_start=True):
    """`samples` cut or zero-padded to `clip_samples`, starting at the sound's onset.

    Returns:
        `(clip, reason)`: the float32 clip, or `None` and why it was left out.
    """
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak < SILENCE_PEAK:
        return None, f"silent (peak {20 * math.log10(max(peak, 1e-12)):.0f} dBFS)"
    if trim_start:
        samples = samples[int(np.argmax(np.abs(samples) >= ONSET_FRACTION * peak)) :]
    if len(samples) < MIN_SAMPLES:
        return None, f"{len(samples)} samples of sound, fewer than {MIN_SAMPLES}"
    clip = np.zeros(clip_samples, np.float32)
    clip[: min(len(samples), clip_samples)] = samples[:clip_samples]
    return np.clip(clip, -1.0, 1.0), None


def load_audio_folder(
    directory,
    sample_rate=16000,
    clip_seconds=1.0,
    labels="inferred",
    trim_start=True,
    on_error="skip",
):
    """Decodes a folder of recordings into memory, all at one rate and length.

    Args:
        directory: str. A folder of recordings, or of one subfolder per class.
        sample_rate: int. Samples per second to resample every file to.
            Defaults to 16,000.
        clip_seconds: float. Clip length: longer files are cut, shorter
            ones padded with silence. Defaults to 1.0.
        labels: `"inferred"` (class subfolders give labels) or `None`.
        trim_start: bool. Start each clip at its onset (the first sample at
            -40 dB of the clip's peak) rather than at the file's start.
        on_error: `"skip"` (warn, naming each file left out) or `"raise"`.

    Returns:
        An `AudioFolder`.

    Raises:
        DataNotFoundError: the folder is missing, holds no recordings, or
            none of them could be used.
        ValueError: with `on_error="raise"`, naming every unusable file.
    """
    check_positive_int("sample_rate", sample_rate)
    check_choice("on_error", on_error, ("skip", "raise"))
    if not clip_seconds or clip_seconds <= 0:
        raise ValueError(f"`clip_seconds` must be positive. Received: {clip_seconds!r}")
    clip_samples = int(round(clip_seconds * sample_rate))
    if clip_samples < MIN_SAMPLES:
        raise ValueError(
            f"A clip of {clip_seconds} s at {sample_rate} Hz is {clip_samples} samples, "
            f"fewer than {MIN_SAMPLES}. Use a longer `clip_seconds`."
        )
    paths, label_array, class_names = folders.find_files(
        directory, AUDIO_EXTENSIONS, "audio", labels
    )
    clips, kept, skipped = _decode_files(
        directory,
        paths,
        sample_rate,
        lambda samples: fit_clip(samples, clip_samples, trim_start),
        on_error,
    )
    if label_array is not None:
        label_array = label_array[kept]
        missing = sorted(set(range(len(class_names))) - set(label_array.tolist()))
        if missing:
            raise DataNotFoundError(
                f"Class folder(s) {[class_names[i] for i in missing]} of {directory} have no "
                "usable recordings left (see the warning above). Remove them or add sounds."
            )
    return AudioFolder(
        audio=np.stack(clips),
        labels=label_array,
        class_names=class_names,
        paths=[paths[i] for i in kept],
        skipped=skipped,
        sample_rate=int(sample_rate),
    )


def _decode_files(directory, paths, sample_rate, prepare, on_error):
    """Reads `paths` at `sample_rate` and applies `prepare(samples) -> (array
    or None, reason)`; returns `(arrays, kept indices, skipped (path,
    reason) pairs)`, warning about (or, with `on_error="raise"`, raising
    on) the files left out."""
    arrays, kept, skipped = [], [], []
    progress = keras.utils.Progbar(len(paths), unit_name="file") if len(paths) >= 200 else None
    for index, path in enumerate(paths):
        try:
            samples, _ = read_audio(path, sample_rate)
            array, reason = prepare(samples)
        except ValueError as e:
            array, reason = None, str(e)
        if array is None:
            skipped.append((path, reason))
        else:
            arrays.append(array)
            kept.append(index)
        if progress is not None:
            progress.update(index + 1)
    folders.report_skipped(skipped, "audio", on_error)
    if not arrays:
        raise DataNotFoundError(
            f"None of the {len(paths)} audio files in {directory} could be used "
            f"(first: {skipped[0][0]}: {skipped[0][1]})."
        )
    return arrays, kept, skipped


@dataclasses.dataclass
class Recordings:
    """Whole recordings of a folder, decoded into memory at one rate.

    Attributes:
        audio: list of float32 `(samples,)` arrays in [-1, 1], mono, of any
            lengths.
        paths: list of str: the file each came from.
        skipped: list of `(path, reason)`: the files left out.
        sample_rate: int.
    """

    audio: list
    paths: list
    skipped: list
    sample_rate: int

    @property
    def seconds(self):
        """Total duration in seconds."""
        return sum(len(a) for a in self.audio) / self.sample_rate


def load_recordings(directory, sample_rate=16000, min_samples=MIN_SAMPLES, on_error="skip"):
    """Decodes every recording of a folder (and its subfolders) whole: mono,
    at `sample_rate`, not cut or padded. What a vocoder trains on and is
    scored on.

    Args:
        directory: str. A folder of recordings (subfolders are searched too).
        sample_rate: int. Samples per second to resample every file to.
        min_samples: int. Recordings shorter than this (after resampling)
            are skipped. Defaults to 512.
        on_error: `"skip"` (warn, naming each file left out) or `"raise"`.

    Returns:
        A `Recordings`.
    """
    check_positive_int("sample_rate", sample_rate)
    check_positive_int("min_samples", min_samples)
    check_choice("on_error", on_error, ("skip", "raise"))
    paths, _, _ = folders.find_files(directory, AUDIO_EXTENSIONS, "audio", None)

    def prepare(samples):
        if len(samples) < min_samples:
            return None, f"{len(samples)} samples, fewer than {min_samples}"
        if np.max(np.abs(samples)) < SILENCE_PEAK:
            return None, "silent"
        return np.clip(samples, -1.0, 1.0).astype(np.float32), None

    audio, kept, skipped = _decode_files(directory, paths, sample_rate, prepare, on_error)
    return Recordings(audio, [paths[i] for i in kept], skipped, int(sample_rate))


def recording_segments(
    recordings, segment_samples, batch_size=16, seed=None, first_epoch=None, steps_per_epoch=None
):
    """An endless `tf.data.Dataset` of random segments of whole recordings.

    Each element is float32 `(batch_size, segment_samples)`: for every
    example a recording drawn at random (short ones as often as long ones) and a random
    offset in it; recordings shorter than a segment are padded with silence
    at the end. What `keras_gans.models.Vocoder` trains on.

    Args:
        recordings: `Recordings` (from `load_recordings`) or a list of 1-D
            float arrays.
        segment_samples: int. Samples per segment.
        batch_size: int. Defaults to `16`.
        seed: int or `None`. Seed of the draws.
        first_epoch, steps_per_epoch: int or `None`. Both given: the stream
            starts at epoch `first_epoch`, `steps_per_epoch` batches an
            epoch, and example `j` of epoch `e` is drawn with a seed made
            from `(seed, e, j)` alone: a run resumed from its backup at epoch
            `e` sees the segments an uninterrupted one saw.

    Returns:
        A `tf.data.Dataset`.
    """
    check_positive_int("segment_samples", segment_samples)
    check_positive_int("batch_size", batch_size)
    audio = getattr(recordings, "audio", recordings)
    if not len(audio):
        raise ValueError("`recordings` is empty: load a folder with `load_recordings` first.")
    padded = [np.pad(a, (0, max(segment_samples - len(a), 0))) for a in audio]
    lengths = np.array([len(a) for a in padded], np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    joined = tf.constant(np.concatenate(padded).astype(np.float32))
    starts, spans = tf.constant(starts), tf.constant(lengths - segment_samples + 1)
    positions = tf.range(segment_samples, dtype=tf.int64)

    def segment(seeds):
        index = tf.random.stateless_uniform([], seeds, 0, len(padded), dtype=tf.int64)
        offset = tf.random.stateless_uniform([], seeds[::-1], 0, spans[index], dtype=tf.int64)
        return tf.gather(joined, starts[index] + offset + positions)

    if first_epoch is not None:
        check_positive_int("steps_per_epoch", steps_per_epoch)
        base_seed = tf.constant(0 if seed is None else int(seed), tf.int64)
        examples = steps_per_epoch * batch_size

        def one_epoch(epoch):
            epoch_seed = tf.stack([base_seed, epoch])
            return tf.data.Dataset.range(examples).map(
                lambda j: tf.random.experimental.stateless_fold_in(epoch_seed, j)
            )

        seeds = tf.data.Dataset.range(first_epoch, 2**62).flat_map(one_epoch)
    else:
        # Pairs of random integers seed each draw: reproducible for a `seed`.
        seeds = tf.data.Dataset.random(seed=seed).batch(2)
    return (
        seeds.map(segment, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


GAP_SECONDS = 0.15  # silence between the clips of a written file


def write_wav(path, clips, sample_rate, gap_seconds=GAP_SECONDS):
    """Writes clips `(n, samples)` (or one clip) in [-1, 1] one after another,
    each followed by a short silence, as one 16-bit mono WAV file
    (TensorFlow's encoder).

    Returns:
        `path`.
    """
    clips = np.clip(np.asarray(clips, np.float32), -1.0, 1.0)
    clips = clips[None] if clips.ndim == 1 else clips
    gap = np.zeros((clips.shape[0], int(gap_seconds * sample_rate)), np.float32)
    sequence = np.concatenate([clips, gap], axis=1).reshape(-1, 1)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tf.io.write_file(str(path), tf.audio.encode_wav(sequence, sample_rate))
    return path


def audio_folder(
    directory,
    batch_size=32,
    sample_rate=16000,
    clip_seconds=1.0,
    labels="inferred",
    shuffle=True,
    seed=None,
    on_error="skip",
    drop_remainder=True,
    folder=None,
    first_epoch=None,
    steps_per_epoch=None,
):
    """A `tf.data.Dataset` of clip batches (and labels) from a folder of recordings.

    Clips are float32 `[batch, samples]` in [-1, 1]; a folder of class
    subfolders yields `(clips, labels)` with int32 labels numbered in the
    sorted order of the subfolder names.

    Args:
        directory: str. A folder of recordings, or of one subfolder per class.
        batch_size: int. Defaults to `32`.
        sample_rate, clip_seconds, labels, on_error: see `load_audio_folder`.
        shuffle: bool. Reshuffle every epoch. Defaults to `True`.
        seed: int or `None`. Seed of the shuffle.
        drop_remainder: bool. Defaults to `True` (every batch full).
        folder: `AudioFolder` or `None`. Already loaded clips.
        first_epoch, steps_per_epoch: int or `None`. An endless, resumable
            stream (see `keras_gans.data.pipeline.index_batches`).

    Returns:
        A `tf.data.Dataset`.

    Example:

        >>> ds = keras_gans.data.audio_folder("drums/", batch_size=16, clip_seconds=0.5)
        >>> next(iter(ds))[0].shape
        TensorShape([16, 8000])
    """
    check_positive_int("batch_size", batch_size)
    if folder is None:
        folder = load_audio_folder(directory, sample_rate, clip_seconds, labels, on_error=on_error)
    order = BatchOrder(batch_size, drop_remainder, shuffle, seed, first_epoch, steps_per_epoch)
    return gather_batches(
        folder.audio, folder.labels, order, source=(directory, "usable", "recordings")
    )
