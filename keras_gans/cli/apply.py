"""`keras-gans apply EXPORT INPUTS...`: an image-to-image export (style
transfer, super-resolution, inpainting) on image files or folders, at full
resolution; or a vocoder export on recordings (each one's log-mel
spectrogram, vocoded back to a WAV file)."""

import os

import numpy as np
import tensorflow as tf
from absl import flags

from keras_gans import data
from keras_gans import export
from keras_gans import plotting
from keras_gans.cli.common import FAILED
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import load_export
from keras_gans.cli.common import parse
from keras_gans.data.audio import AUDIO_EXTENSIONS
from keras_gans.data.folders import files_with
from keras_gans.data.image_folder import list_images

SUMMARY = (
    "Apply a style, super-resolution or inpainting export to images, or a vocoder to recordings."
)
USAGE = "keras-gans apply EXPORT IMAGE_OR_FOLDER... [--out=DIR] [--masks=DIR]"

# The image-to-image contracts of `keras_gans.export`: what each
# serving_default takes (besides uint8 images) and returns.
KINDS = {
    "style": ("content", "stylized"),
    "super_resolution": ("image", "upscaled"),
    "inpainting": ("image", "inpainted"),
}


def define(flag_values):
    options = dict(flag_values=flag_values)
    flags.DEFINE_string(
        "out",
        "applied",
        "Folder for the outputs (PNG, or WAV for a vocoder; the inputs' names).",
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


def contract_of(serve):
    """The image-to-image contract (a key of `KINDS`) `serve` follows, or `None`."""
    outputs = set(serve.structured_outputs) if serve is not None else set()
    return next((kind for kind, (_, output) in KINDS.items() if output in outputs), None)


def image_export(path):
    """`(saved_model_dir, signature, kind)` of an image-to-image export."""
    path, serve = load_export(path)
    kind = contract_of(serve)
    if kind is not None:
        return path, serve, kind
    inputs = set(serve.structured_input_signature[1]) if serve is not None else set()
    raise UsageError(
        f"{path} is not an image-to-image export (its serving_default takes "
        f"{', '.join(sorted(inputs)) or 'nothing'}): `keras-gans generate` draws from noise "
        "generators."
    )


def input_files(names):
    """Image files from file and folder names, in order."""
    files = []
    for name in names:
        if os.path.isdir(name):
            files += list_images(name)
        elif os.path.isfile(name):
            files.append(name)
        else:
            raise UsageError(f"{name} does not exist: name image files or folders of images.")
    return files


def _read(path, channels):
    return tf.io.decode_image(
        tf.io.read_file(path), channels=channels, expand_animations=False
    ).numpy()


def mask_for(masks, path, shape):
    """The uint8 hole mask (255 = hole) of `path` from `--masks`."""
    if masks is None:
        raise UsageError("an inpainting export needs --masks (white = hole).")
    file = masks
    if os.path.isdir(masks):
        stem = os.path.splitext(os.path.basename(path))[0]
        found = [f for f in os.listdir(masks) if os.path.splitext(f)[0] == stem]
        if not found:
            raise UsageError(f"no mask named {stem}.* in {masks} for {path}.")
        file = os.path.join(masks, found[0])
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
    path, serve, kind = image_export(positional[0])
    files = input_files(positional[1:])
    if kind == "inpainting" and options.masks and not os.path.exists(options.masks):
        raise UsageError(f"--masks={options.masks} does not exist.")
    input_name, output_name = KINDS[kind]
    os.makedirs(options.out, exist_ok=True)
    failed = 0
    for file in files:
        try:
            image = _read(file, 3)
        except (tf.errors.OpError, ValueError) as e:
            print(f"skipped {file}: not a readable image ({str(e).splitlines()[0][:100]})")
            failed += 1
            continue
        feeds = {input_name: tf.constant(image[None])}
        if kind == "inpainting":
            feeds["mask"] = tf.constant(mask_for(options.masks, file, image.shape)[None])
        result = serve(**feeds)[output_name].numpy()[0]
        stem = os.path.splitext(os.path.basename(file))[0]
        out = os.path.join(options.out, f"{stem}.png")
        tf.io.write_file(out, tf.io.encode_png(result))
        if options.side_by_side:
            before = image
            if before.shape != result.shape:  # x4: show the input at the output's size
                before = tf.image.resize(image, result.shape[:2], "nearest").numpy()
            plotting.save_image_grid(
                np.stack([before.astype(np.uint8), result]),
                os.path.join(options.out, f"{stem}_before_after.png"),
                rows=1,
                cols=2,
                scale=1,
            )
        print(f"{file} -> {out} ({kind}, {image.shape[1]}x{image.shape[0]})")
    return FAILED if failed == len(files) else 0


def _vocoder_export(path):
    """`(saved_model_dir, signature, MelSettings)` of a vocoder export, else `None`."""
    directory, serve = load_export(path)
    if serve is None or "mel" not in serve.structured_input_signature[1]:
        return None
    settings = export.read_asset(directory, export.MEL_ASSET)
    if settings is None:
        raise UsageError(f"{directory} takes mel spectrograms but has no assets/mel.json.")
    return directory, serve, data.MelSettings.from_dict(settings)


def _vocode_files(path, serve, settings, names, options):
    """Each recording's log-mel spectrogram, vocoded to `<out>/<name>.wav`."""
    files = []
    for name in names:
        if os.path.isdir(name):
            files += files_with(name, AUDIO_EXTENSIONS)
        elif os.path.isfile(name):
            files.append(name)
        else:
            raise UsageError(f"{name} does not exist.")
    if not files:
        raise UsageError(f"no recordings ({', '.join(AUDIO_EXTENSIONS)}) in {', '.join(names)}.")
    mel = data.LogMelSpectrogram(settings)
    os.makedirs(options.out, exist_ok=True)
    failed = 0
    for file in files:
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
        vocoded = serve(mel=tf.constant(features))["audio"].numpy()[0]
        stem = os.path.splitext(os.path.basename(file))[0]
        out = data.write_wav(
            os.path.join(options.out, f"{stem}.wav"), vocoded, settings.sample_rate, 0
        )
        if options.side_by_side:
            both = np.asarray(mel(np.stack([audio, vocoded])))
            plotting.save_spectrogram_grid(
                both, os.path.join(options.out, f"{stem}_before_after.png"), rows=2
            )
        seconds = len(audio) / settings.sample_rate
        print(f"{file} -> {out} (vocoder, {seconds:.2f} s at {settings.sample_rate} Hz)")
    return FAILED if failed == len(files) else 0
