"""`keras-gans apply EXPORT INPUTS...`: an image-to-image export (style
transfer, super-resolution, inpainting) on image files or folders, at full
resolution; a vocoder export on recordings (each one's log-mel
spectrogram, vocoded back to a WAV file); or a clip export on stills, each
brought to life as an animated GIF that starts from it (`<name>.gif`).

Outputs are named after their inputs, `<out>/<name>.png` (a vocoder:
`<name>.wav`), with `<name>_before_after.png` beside them for
`--side_by_side`. Inputs whose names differ only in their extension keep it
in the name (`photo.jpg`, `photo.png` -> `photo_jpg.png`, `photo_png.png`),
and the same name from two folders gets `_2`, `_3`, ... in the order given.
Every output path is planned before anything runs: a run that would write
over one of its inputs is refused, and so is one that would replace a file
already in `--out` unless `--overwrite` is passed. Each file is written to a
temporary name and moved into place, so an interrupted run never leaves a
half-written file.
"""

import collections
import os

import numpy as np
import tensorflow as tf
from absl import flags

from keras_gans import contracts
from keras_gans import data
from keras_gans import export
from keras_gans import plotting
from keras_gans.cli.common import FAILED
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import load_export
from keras_gans.cli.common import parse
from keras_gans.data.audio import AUDIO_EXTENSIONS
from keras_gans.data.folders import files_with
from keras_gans.data.image_folder import IMAGE_EXTENSIONS
from keras_gans.data.image_folder import fit_images
from keras_gans.data.image_folder import to_channels
from keras_gans.utils.files import atomic_path
from keras_gans.utils.files import write_bytes

SUMMARY = (
    "Apply a style, super-resolution or inpainting export to images, a vocoder to recordings, "
    "or a clip export to stills."
)
USAGE = "keras-gans apply EXPORT IMAGE_OR_FOLDER... [--out=DIR] [--masks=DIR] [--overwrite]"
BEFORE_AFTER = "_before_after.png"


def define(flag_values):
    options = dict(flag_values=flag_values)
    flags.DEFINE_string(
        "out",
        "applied",
        "Folder for the outputs: <name>.png (a vocoder: <name>.wav; clips: <name>.gif) for "
        "each input <name>.*; "
        "inputs that differ only in extension keep it (photo.jpg, photo.png -> photo_jpg.png, "
        "photo_png.png), one name from two folders gets _2, _3.",
        **options,
    )
    flags.DEFINE_bool(
        "overwrite",
        False,
        "Replace outputs already in --out (a rerun). Without it a run that would replace a "
        "file is refused before any work; the inputs are never overwritten.",
        **options,
    )
    flags.DEFINE_string(
        "masks",
        None,
        "Inpainting: a folder of masks named like the images (any image format, white = "
        "hole), or one mask file for every image.",
        **options,
    )
    flags.DEFINE_bool(
        "side_by_side",
        False,
        "Also write <name>_before_after.png (a vocoder: the two spectrograms).",
        **options,
    )


def image_export(path):
    """`(saved_model_dir, signature, kind)` of an image-to-image export."""
    path, serve = load_export(path)
    contract = contracts.of_signature(serve)
    if contract is not None and contract.takes_kind == "image":
        return path, serve, contract.name
    inputs = set(serve.structured_input_signature[1]) if serve is not None else set()
    raise UsageError(
        f"{path} is not an image-to-image export (its serving_default takes "
        f"{', '.join(sorted(inputs)) or 'nothing'}): `keras-gans generate` draws from noise "
        "generators."
    )


def input_files(names, extensions=IMAGE_EXTENSIONS, kind="image"):
    """The files of file and folder names, in order, each once.

    Raises:
        UsageError: a name does not exist, or names a folder without such
            files (not recursive).
    """
    files, seen = [], set()
    for name in names:
        if os.path.isdir(name):
            found = files_with(name, extensions)
            if not found:
                raise UsageError(
                    f"{name} holds no {kind} files ({'/'.join(extensions)}): name {kind} files "
                    f"or folders of them."
                )
        elif os.path.isfile(name):
            found = [name]
        else:
            raise UsageError(f"{name} does not exist: name {kind} files or folders of them.")
        for file in found:
            # A file named twice (itself and its folder) would be written twice.
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def output_names(files, extension, side_by_side=False):
    """Distinct output file names for `files`, in order.

    `<stem><extension>`; inputs whose stems match but extensions differ get
    `<stem>_<ext><extension>`; names still taken (one file name in two
    folders, or a `_before_after` name) get `_2`, `_3`, ... in order.
    Names are compared case-insensitively, as macOS and Windows do.

    Returns:
        A list of `(name, before_after_name or None)`.
    """
    parts = [os.path.splitext(os.path.basename(file)) for file in files]
    endings = collections.defaultdict(set)
    for stem, ending in parts:
        endings[stem.lower()].add(ending.lower())
    taken, names = set(), []
    for stem, ending in parts:
        base = stem
        if len(endings[stem.lower()]) > 1 and ending:
            base = f"{stem}_{ending[1:].lower()}"
        candidate, number = base, 2
        while True:
            wanted = [candidate + extension] + ([candidate + BEFORE_AFTER] if side_by_side else [])
            if not any(name.lower() in taken for name in wanted):
                break
            candidate, number = f"{base}_{number}", number + 1
        taken.update(name.lower() for name in wanted)
        names.append((wanted[0], wanted[1] if side_by_side else None))
    return names


def plan_outputs(files, out, extension, side_by_side, overwrite, inputs=()):
    """Every output path of a run, checked before anything runs.

    Args:
        files: the input files, in order.
        out: str. The output folder.
        extension: str. The outputs' ending, `".png"` or `".wav"`.
        side_by_side: bool. Plan the `_before_after.png` files too.
        overwrite: bool. Allow replacing files already there.
        inputs: more files the run reads (masks), never overwritten.

    Returns:
        A list of `(output_path, before_after_path or None)`, one per file.

    Raises:
        UsageError: `out` is a file; an output would replace an input (even
            with `overwrite`) or a folder; or an output exists and
            `overwrite` is off.
    """
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"--out={out} is a file: name a folder for the outputs.")
    plan = [
        (os.path.join(out, name), None if extra is None else os.path.join(out, extra))
        for name, extra in output_names(files, extension, side_by_side)
    ]
    # Compared by device and inode, which sees through symbolic links,
    # relative names and case-insensitive file systems.
    read = {_identity(path) for path in [*files, *inputs]} - {None}
    existing = []
    for path in (path for pair in plan for path in pair if path is not None):
        if _identity(path) in read:
            raise UsageError(
                f"{path} is one of the inputs and apply never overwrites its inputs: pass "
                "another --out."
            )
        if os.path.isdir(path):
            raise UsageError(f"{path} is a folder where an output goes: pass another --out.")
        if os.path.lexists(path):
            existing.append(path)
    if existing and not overwrite:
        more = f" (and {len(existing) - 1} more outputs)" if len(existing) > 1 else ""
        raise UsageError(
            f"{existing[0]}{more} already exists: pass --overwrite to replace it, or another --out."
        )
    return plan


def _identity(path):
    """`(device, inode)` of an existing file, else `None`."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _read(path, channels):
    return tf.io.decode_image(
        tf.io.read_file(path), channels=channels, expand_animations=False
    ).numpy()


def mask_file(masks, path):
    """The `--masks` file of the image `path`: `masks` itself when it is a
    file, else the file of `masks` with the image's stem."""
    if masks is None:
        raise UsageError("an inpainting export needs --masks (white = hole).")
    if not os.path.isdir(masks):
        return masks
    stem = os.path.splitext(os.path.basename(path))[0]
    found = sorted(f for f in os.listdir(masks) if os.path.splitext(f)[0] == stem)
    if not found:
        raise UsageError(f"no mask named {stem}.* in {masks} for {path}.")
    return os.path.join(masks, found[0])


def mask_for(masks, path, shape):
    """The uint8 hole mask (255 = hole) of `path` from `--masks`."""
    file = mask_file(masks, path)
    mask = _read(file, 1)
    if mask.shape[:2] != shape[:2]:
        raise UsageError(
            f"{file} is {mask.shape[1]}x{mask.shape[0]}, its image {shape[1]}x{shape[0]}."
        )
    return np.where(mask > 127, 255, 0).astype(np.uint8)


def main(args):
    parsed = parse("keras-gans apply", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    if len(positional) < 2:
        raise UsageError(f"name an export and at least one image: `{USAGE}`.")
    vocoder = _vocoder_export(positional[0])
    if vocoder is not None:
        return _vocode_files(*vocoder, positional[1:], options)
    animation = _animation_export(positional[0])
    if animation is not None:
        return _animate_files(*animation, positional[1:], options)
    path, serve, kind = image_export(positional[0])
    files = input_files(positional[1:])
    masks = []
    if kind == "inpainting":
        if options.masks and not os.path.exists(options.masks):
            raise UsageError(f"--masks={options.masks} does not exist.")
        masks = [mask_file(options.masks, file) for file in files]
    plan = plan_outputs(
        files, options.out, ".png", options.side_by_side, options.overwrite, inputs=masks
    )
    failed = 0
    for file, (out, before_after) in zip(files, plan):
        try:
            image = _read(file, 3)
        except (tf.errors.OpError, ValueError) as e:
            print(f"skipped {file}: not a readable image ({str(e).splitlines()[0][:100]})")
            failed += 1
            continue
        mask = None
        if kind == "inpainting":
            mask = mask_for(options.masks, file, image.shape)[None]
        result = contracts.transform(serve, kind, image[None], mask)[0]
        write_bytes(out, tf.io.encode_png(result).numpy())
        if before_after is not None:
            before = image
            if before.shape != result.shape:  # x4: show the input at the output's size
                before = tf.image.resize(image, result.shape[:2], "nearest").numpy()
            pair = np.stack([before.astype(np.uint8), result])
            # The ".png" ending: matplotlib picks the format by it.
            with atomic_path(before_after, suffix=".png") as tmp:
                plotting.save_image_grid(pair, tmp, rows=1, cols=2, scale=1)
        print(f"{file} -> {out} ({kind}, {image.shape[1]}x{image.shape[0]})")
    return FAILED if failed == len(files) else 0


def _vocoder_export(path):
    """`(saved_model_dir, signature, MelSettings)` of a vocoder export, else `None`."""
    directory, serve = load_export(path)
    contract = contracts.of_signature(serve)
    if contract is None or contract.takes_kind != "mel":
        return None
    settings = export.read_asset(directory, export.MEL_ASSET)
    if settings is None:
        raise UsageError(f"{directory} takes mel spectrograms but has no assets/mel.json.")
    return directory, serve, data.MelSettings.from_dict(settings)


def _vocode_files(path, serve, settings, names, options):
    """Each recording's log-mel spectrogram, vocoded to `<out>/<name>.wav`."""
    files = input_files(names, AUDIO_EXTENSIONS, "audio")
    plan = plan_outputs(files, options.out, ".wav", options.side_by_side, options.overwrite)
    mel = data.LogMelSpectrogram(settings)
    failed = 0
    for file, (out, before_after) in zip(files, plan):
        try:
            audio, _ = data.read_audio(file, settings.sample_rate)
        except ValueError as e:
            print(f"skipped {file}: {e}")
            failed += 1
            continue
        audio = audio[: len(audio) // settings.hop_length * settings.hop_length]
        if len(audio) < settings.fft_length:
            print(f"skipped {file}: shorter than one FFT ({settings.fft_length} samples)")
            failed += 1
            continue
        features = np.asarray(mel(audio[None]))
        vocoded = contracts.transform(serve, "vocoder", features)[0]
        with atomic_path(out, suffix=".wav") as tmp:
            data.write_wav(tmp, vocoded, settings.sample_rate, 0)
        if before_after is not None:
            both = np.asarray(mel(np.stack([audio, vocoded])))
            with atomic_path(before_after, suffix=".png") as tmp:
                plotting.save_spectrogram_grid(both, tmp, rows=2)
        seconds = len(audio) / settings.sample_rate
        print(f"{file} -> {out} (vocoder, {seconds:.2f} s at {settings.sample_rate} Hz)")
    return FAILED if failed == len(files) else 0


def _animation_export(path):
    """`(saved_model_dir, animate signature, frame shape, latent size)` of a
    clip export, else `None`."""
    directory, serve = load_export(path)
    if serve is None or not contracts.draws_clips(serve):
        return None
    if contracts.is_conditional(serve):
        raise UsageError(
            f"{directory} draws clips of given classes: a conditional export has no "
            f"`{contracts.ANIMATE_SIGNATURE}` signature yet. Bring stills to life with an "
            "unconditional one (keras-gans train video without --conditional)."
        )
    animate = tf.saved_model.load(directory).signatures.get(contracts.ANIMATE_SIGNATURE)
    if animate is None:
        raise UsageError(
            f"{directory} draws clips but has no `{contracts.ANIMATE_SIGNATURE}` signature (it "
            "was exported before clips could start from a still): export it again."
        )
    frame_shape = tuple(serve.structured_outputs["video"].shape[2:])
    return directory, animate, frame_shape, contracts.latent_dim(serve)


def _animate_files(path, animate, frame_shape, latent_dim, names, options):
    """Each still, center-cropped to the frames' shape, brought to life:
    `<out>/<name>.gif`, starting from it."""
    files = input_files(names)
    plan = plan_outputs(files, options.out, ".gif", options.side_by_side, options.overwrite)
    height, width, channels = frame_shape
    failed = 0
    for index, (file, (out, before_after)) in enumerate(zip(files, plan)):
        try:
            # As decoded, then to the clips' channels: TensorFlow decodes a
            # GIF or BMP only in its own.
            image = to_channels(_read(file, 0), channels)
        except (tf.errors.OpError, ValueError) as e:
            print(f"skipped {file}: not a readable image ({str(e).splitlines()[0][:100]})")
            failed += 1
            continue
        still = fit_images([image], (height, width), "crop")[0].astype(np.uint8)
        z = np.random.default_rng(index).standard_normal((1, latent_dim)).astype(np.float32)
        clip = contracts.animate(animate, still[None], z)[0][0]
        data.write_gif(out, clip)
        if before_after is not None:
            pair = np.stack([still, clip[0]])
            with atomic_path(before_after, suffix=".png") as tmp:
                plotting.save_image_grid(pair, tmp, rows=1, cols=2, scale=1)
        print(f"{file} -> {out} (a clip of {clip.shape[0]} frames from it, {width}x{height})")
    return FAILED if failed == len(files) else 0
