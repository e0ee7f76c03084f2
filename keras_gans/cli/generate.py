"""`keras-gans generate EXPORT`: images (sounds, clips, texts) from an exported noise generator."""

import importlib.util
import os
import re

import numpy as np
import tensorflow as tf
from absl import flags

from keras_gans import contracts
from keras_gans import data
from keras_gans import export
from keras_gans import latent
from keras_gans import plotting
from keras_gans.callbacks import text_samples
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import load_export
from keras_gans.cli.common import parse
from keras_gans.cli.common import report
from keras_gans.jobs import text as text_job
from keras_gans.utils import files

SUMMARY = "Draw images (sounds, clips, texts) from an exported generator: a grid, files or a .npy."
USAGE = (
    "keras-gans generate EXPORT_OR_PRESET [--num=64] [--label=N] [--temperature=T] "
    "[--out=grid.png|sounds.wav|clips.gif|clips.mp4|texts.txt|DIR|FILE.npy]"
)


def define(flag_values):
    options = dict(flag_values=flag_values)
    flags.DEFINE_string(
        "model",
        None,
        "The export (same as EXPORT): a SavedModel or model directory, or a preset's name "
        "(mnist_dcgan, fashion_mnist_conditional, drums_specgan).",
        **options,
    )
    flags.DEFINE_integer("num", 64, "Number of images.", lower_bound=1, **options)
    flags.DEFINE_integer("seed", 0, "Noise seed; the same seed draws the same images.", **options)
    flags.DEFINE_string(
        "out",
        "grid.png",
        "A .png (a grid; of spectrograms for sounds), a .npy (the arrays), a folder (one "
        "PNG, WAV or GIF each), for sounds a .wav (all of them, one after another), for "
        "clips a .gif or .mp4 (an animated grid; a .png name becomes .gif), for texts a "
        ".txt (a .png name becomes .txt; the texts are printed too).",
        **options,
    )
    flags.DEFINE_bool(
        "overwrite",
        False,
        "Replace files --out already holds (without it, an existing file is an error and "
        "nothing is written).",
        **options,
    )
    flags.DEFINE_integer("label", None, "Conditional exports: draw only this class.", **options)
    flags.DEFINE_integer(
        "num_classes",
        None,
        "Conditional exports: classes, one grid row each (at most 10 rows). Default: the "
        "export's assets/class_names.json, else 10.",
        **options,
    )
    flags.DEFINE_float(
        "temperature",
        None,
        "Text exports: the sampling temperature (below 1: likelier, less varied text). "
        "Unset: the export's own.",
        **options,
    )
    flags.DEFINE_bool(
        "interpolate",
        False,
        "Draw --num images along the great circle from --seed's noise to --end_seed's "
        "(spherical interpolation: the noise keeps a typical norm all the way); with "
        "--out=FILE.gif or .mp4, as an animation, one frame each.",
        **options,
    )
    flags.DEFINE_integer(
        "end_seed",
        None,
        "--interpolate: the seed of the last noise. Default: --seed + 1.",
        **options,
    )
    flags.DEFINE_string(
        "latent",
        None,
        "Draw from the latents in this .npy ([latent_dim] or [n, latent_dim], e.g. from "
        "keras-gans project) instead of random noise; --num is then their number.",
        **options,
    )
    flags.DEFINE_integer(
        "direction",
        None,
        "Move every latent --step along this SeFa direction (0: the one the generator is most "
        "sensitive to; `keras-gans directions EXPORT` shows them).",
        lower_bound=0,
        **options,
    )
    flags.DEFINE_float("step", 3.0, "--direction: how far to move.", **options)
    flags.DEFINE_float(
        "truncation",
        None,
        "Pull the noise toward its mean, z * PSI (0 < PSI <= 1; the truncation trick): "
        "likelier, less varied samples as PSI falls. Unset: 1, the noise as drawn.",
        **options,
    )


def noise_generator(path):
    """`(saved_model_dir, signature)` of a noise-to-image (or text) export,
    or a UsageError."""
    path, serve = load_export(path)
    contract = contracts.of_signature(serve)
    if contract not in (contracts.NOISE, contracts.TEXT):
        takes = ", ".join(sorted(serve.structured_input_signature[1])) if serve else "nothing"
        raise UsageError(
            f"{path} is not a noise generator (its serving_default takes {takes}, not noise): "
            "`keras-gans apply` runs image-to-image exports."
        )
    return path, serve


def draw(
    serve,
    path,
    num,
    seed=0,
    label=None,
    num_classes=None,
    interpolate=False,
    truncation=None,
    end_seed=None,
    z=None,
    direction=None,
):
    """`(images uint8 or audio float32, grid rows or None)` drawn from a noise
    export: `num` random latents, the path between two (`interpolate`), or
    the latents `z`; moved by `direction` (a vector added to each)."""
    latent_dim = contracts.latent_dim(serve)
    rows = None
    if z is not None:
        pass
    elif interpolate:
        if num < 2:
            raise UsageError("--interpolate draws the path between two latents: --num=2 or more.")
        end_seed = seed + 1 if end_seed is None else end_seed
        start = np.random.default_rng(seed).standard_normal(latent_dim)
        end = np.random.default_rng(end_seed).standard_normal(latent_dim)
        z = latent.interpolate(start, end, num)
        rows = 1
    else:
        z = np.random.default_rng(seed).standard_normal((num, latent_dim))
    if direction is not None:
        z = z + direction
    if truncation is not None:
        if not 0 < truncation <= 1:
            raise UsageError(f"--truncation={truncation}: PSI must be in (0, 1].")
        z = latent.truncate(z, truncation)
    conditional = contracts.is_conditional(serve)
    if label is not None and not conditional:
        raise UsageError(
            f"--label={label}: {path} is not conditional (its serving_default takes noise "
            "only, no label): leave --label out."
        )
    labels = None
    if conditional:
        if label is None and not interpolate:
            # One row per class, the same noise down each column.
            rows = min(10, num_classes or len(export.class_names(path) or range(10)))
            columns = min(10, len(z))
            z = np.tile(z[:columns], (rows, 1))
            labels = np.repeat(np.arange(rows), columns)
        else:
            labels = np.full(len(z), label or 0)
    try:
        return contracts.draw(serve, z, labels), rows
    except tf.errors.InvalidArgumentError as e:
        classes = re.search(r"label must be in \[0, (\d+)\)", e.message)
        if classes is None:
            raise
        last = int(classes.group(1)) - 1
        if label is None and num_classes is None:  # the grid's default 10 rows
            raise UsageError(
                f"{path} draws labels 0 to {last} and names no classes: pass "
                f"--num_classes={last + 1} (or --label)."
            ) from None
        given = f"--label={label}" if label is not None else f"--num_classes={num_classes}"
        raise UsageError(
            f"{given} is outside this export's classes: its labels are 0 to {last}."
        ) from None


def latents_from(path, serve):
    """The latents `[n, latent_dim]` in the .npy `path` (one `[latent_dim]`
    is one row)."""
    latent_dim = contracts.latent_dim(serve)
    try:
        z = np.asarray(np.load(path), np.float32)
    except (OSError, ValueError) as e:
        raise UsageError(f"--latent={path}: not a .npy file ({e}).") from None
    if z.ndim == 1:
        z = z[None]
    if z.ndim != 2 or z.shape[1] != latent_dim:
        raise UsageError(
            f"--latent={path} holds an array of shape {z.shape}; this export takes "
            f"[n, {latent_dim}]."
        )
    return z


def direction_of(path, index, step):
    """`step` times SeFa's direction `index` of the export `path`, or `None`."""
    if index is None:
        return None
    found = latent.directions(path)
    if index >= len(found.directions):
        raise UsageError(
            f"--direction={index}: the export's latent has {len(found.directions)} directions "
            f"(0 to {len(found.directions) - 1})."
        )
    return step * found.directions[index]


def check_out(out):
    """A `UsageError` now, before drawing, when a folder on the path of `out`
    is a file."""
    existing = os.path.dirname(os.path.abspath(out))
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UsageError(
            f"cannot write --out={out}: {existing} is a file, not a folder. Pass another --out."
        )


# By the drawn samples' rank: the file each gets in a folder, and what they are.
SAMPLES = {2: (".wav", "sounds"), 4: (".png", "images"), 5: (".gif", "clips")}


def output_files(out, count, suffix):
    """The files `write` makes for `count` samples of files ending in `suffix`."""
    if out.lower().endswith((".npy", ".png", ".wav", ".gif", ".mp4")):
        return [out]
    return [os.path.join(out, f"{i:05d}{suffix}") for i in range(count)]


def write(images, out, rows=None, sample_rate=None):
    """Writes `images` to `out`: a .png grid, a .npy, or a folder of PNGs;
    clips `(n, samples)` at `sample_rate` to a .wav, a spectrogram grid or a
    folder of WAVs. Each file is written whole or not at all."""
    if out.endswith(".npy"):
        with files.atomic_path(out, suffix=".npy") as tmp:
            np.save(tmp, images)
    elif np.ndim(images) == 2:
        write_sounds(images, out, rows, sample_rate)
    elif np.ndim(images) == 5:
        write_clips(images, out, rows)
    elif out.lower().endswith(".png"):
        with files.atomic_path(out, suffix=".png") as tmp:
            plotting.save_image_grid(images, tmp, rows=rows)
    else:
        os.makedirs(out, exist_ok=True)
        for i, image in enumerate(images):
            path = os.path.join(out, f"{i:05d}.png")
            files.write_bytes(path, tf.io.encode_png(image).numpy())


def write_clips(clips, out, rows):
    if out.lower().endswith((".gif", ".mp4")):
        plotting.save_clip_grid(clips, out, rows=rows)
    else:
        for i, clip in enumerate(clips):
            plotting.save_clip_grid(clip[None], os.path.join(out, f"{i:05d}.gif"), rows=1)


def write_sounds(clips, out, rows, sample_rate):
    if out.lower().endswith(".wav"):
        with files.atomic_path(out, suffix=".wav") as tmp:
            data.write_wav(tmp, clips, sample_rate)
    elif out.lower().endswith(".png"):
        mel = data.LogMelSpectrogram(data.MelSettings(sample_rate=sample_rate))
        with files.atomic_path(out, suffix=".png") as tmp:
            plotting.save_spectrogram_grid(np.asarray(mel(clips)), tmp, rows=rows)
    else:
        for i, clip in enumerate(clips):
            with files.atomic_path(os.path.join(out, f"{i:05d}.wav"), suffix=".wav") as tmp:
                data.write_wav(tmp, clip, sample_rate)


def main(args):
    parsed = parse("keras-gans generate", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    if len(positional) > 1 or (positional and options.model):
        raise UsageError("name one export: `keras-gans generate EXPORT`.")
    model = positional[0] if positional else options.model
    if not model:
        raise UsageError("name the export: `keras-gans generate EXPORT` (a SavedModel directory).")
    path, serve = noise_generator(model)
    check_out(options.out)
    if contracts.of_signature(serve) is contracts.TEXT:
        return write_texts(path, serve, options)
    if options.temperature is not None:
        raise UsageError(f"--temperature: {path} draws no text; leave it out.")
    z = None if options.latent is None else latents_from(options.latent, serve)
    if z is not None and options.interpolate:
        raise UsageError("--latent and --interpolate: pick one (the latents, or a path).")
    images, rows = draw(
        serve,
        path,
        options.num,
        options.seed,
        options.label,
        options.num_classes,
        options.interpolate,
        options.truncation,
        options.end_seed,
        z,
        direction_of(path, options.direction, options.step),
    )
    sample_rate = None
    if np.ndim(images) == 2:
        sample_rate = (export.read_asset(path, export.AUDIO_ASSET) or {}).get("sample_rate", 16000)
    out = options.out
    if np.ndim(images) == 5 and out.lower().endswith((".png", ".wav")):
        if out.lower().endswith(".wav"):
            raise UsageError(
                f"--out={out}: an export of clips writes .gif, .mp4, a folder or .npy."
            )
        out = out[: -len(".png")] + ".gif"  # clips move: an animated grid (the default's GIF)
    suffix, kind = SAMPLES[np.ndim(images)]
    moving = out.lower().endswith((".gif", ".mp4"))
    if moving and np.ndim(images) == 4 and options.interpolate:
        images, suffix, kind = images[None], ".gif", "frames"  # the path as one animation
    elif moving and np.ndim(images) != 5:
        raise UsageError(
            f"--out={out}: only clips move (and --interpolate's path of images); these are "
            f"{kind}: pass another --out."
        )
    if out.lower().endswith(".mp4") and importlib.util.find_spec("imageio_ffmpeg") is None:
        raise UsageError(
            f"--out={out}: MP4 needs ffmpeg: pip install 'keras_gans[video]', or pass a .gif."
        )
    planned = output_files(out, len(images), suffix)
    existing = [path for path in planned if os.path.exists(path)]
    if existing and not options.overwrite:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise UsageError(
            f"{existing[0]}{more} already exists: pass --overwrite to replace it, or another --out."
        )
    try:
        write(images, out, rows, sample_rate)
    except OSError as e:
        return report(f"cannot write {out}: {e}")
    count = images.shape[1] if kind == "frames" else len(images)
    print(f"wrote {count} {kind} from {path} to {out}")
    return 0


def write_texts(path, serve, options):
    """Draws `--num` texts from a text export at `--temperature`, prints
    them (as poems when it was trained on quatrains) and writes them to
    `--out` (a .txt; a .png name becomes .txt)."""
    image_flags = (options.label, options.truncation, options.latent, options.direction)
    if options.interpolate or any(flag is not None for flag in image_flags):
        raise UsageError(
            f"{path} writes text: --label, --interpolate, --truncation, --latent and "
            "--direction draw images only "
            "(--temperature trades variety for likelihood in text)."
        )
    out = options.out
    if out.lower().endswith(".png"):
        out = out[: -len(".png")] + ".txt"
    if not out.lower().endswith(".txt"):
        raise UsageError(f"--out={out}: an export of texts writes a .txt.")
    if os.path.exists(out) and not options.overwrite:
        raise UsageError(f"{out} already exists: pass --overwrite to replace it, or another --out.")
    if options.temperature is not None and not options.temperature > 0:
        raise UsageError(f"--temperature={options.temperature}: it must be above 0.")
    z = np.random.default_rng(options.seed).standard_normal(
        (options.num, contracts.latent_dim(serve))
    )
    # `write` (a temperature) is another signature: the SavedModel is loaded again only then.
    signatures = None if options.temperature is None else tf.saved_model.load(path).signatures
    texts, _ = contracts.write_text(serve, z.astype("float32"), options.temperature, signatures)
    written = text_samples.write_texts(texts, text_job.poem_line_length(path))
    print(written, end="")
    try:
        files.write_text(out, written)
    except OSError as e:
        return report(f"cannot write {out}: {e}")
    print(f"wrote {len(texts)} texts from {path} to {out}")
    return 0
