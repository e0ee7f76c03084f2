"""`keras-gans project EXPORT IMAGE...`: find real images in a generator's latent space."""

import json
import os

import numpy as np
import tensorflow as tf
from absl import flags

from keras_gans import latent
from keras_gans import plotting
from keras_gans.cli.apply import _read
from keras_gans.cli.apply import input_files
from keras_gans.cli.apply import plan_outputs
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import parse
from keras_gans.data.image_folder import fit_images
from keras_gans.data.image_folder import to_channels
from keras_gans.data.transforms import to_uint8
from keras_gans.utils import files as file_utils

SUMMARY = "Find the latent whose image is closest to each real image (GAN inversion)."
USAGE = (
    "keras-gans project EXPORT IMAGE_OR_FOLDER... [--out=projected] [--steps=300] "
    "[--label=N] [--perceptual=auto|on|off]"
)
SUMMARY_FILE = "projection.json"


def define(flag_values):
    options = dict(flag_values=flag_values)
    flags.DEFINE_string(
        "out",
        "projected",
        "Output folder: per image <name>.png (the reconstruction), <name>_before_after.png "
        "and <name>.npy (the latent, float32 [latent_dim]); projection.json lists them with "
        "their classes and distances.",
        **options,
    )
    flags.DEFINE_integer("steps", 300, "Adam steps refining each start.", lower_bound=0, **options)
    flags.DEFINE_integer(
        "candidates",
        1000,
        "Random latents drawn to choose the starts from (each with every class, for a "
        "conditional export).",
        lower_bound=1,
        **options,
    )
    flags.DEFINE_integer(
        "starts", 8, "Closest random latents refined per image; the best is kept.", 1, **options
    )
    flags.DEFINE_float("learning_rate", 0.05, "Adam's step on the latent.", **options)
    flags.DEFINE_integer(
        "label", None, "Conditional exports: search this class only. Unset: every class.", **options
    )
    flags.DEFINE_enum(
        "perceptual",
        "auto",
        ["auto", "on", "off"],
        "Add the ImageNet features' perceptual distance to the pixels'. auto: on for "
        "colour images, off for grey ones.",
        **options,
    )
    flags.DEFINE_integer("seed", 0, "Seed of the random candidates.", **options)
    flags.DEFINE_bool("overwrite", False, "Replace outputs already in --out.", **options)


def main(args):
    parsed = parse("keras-gans project", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    if len(positional) < 2:
        raise UsageError(f"name an export and one or more images: `{USAGE}`.")
    generator = latent.ExportedGenerator(positional[0])
    height, width, channels = generator.image_shape
    names = input_files(positional[1:])
    plan = plan_outputs(names, options.out, ".png", True, options.overwrite)
    latents = [path[: -len(".png")] + ".npy" for path, _ in plan]
    summary_path = os.path.join(options.out, SUMMARY_FILE)
    taken = [p for p in [*latents, summary_path] if os.path.exists(p)]
    if taken and not options.overwrite:
        raise UsageError(
            f"{taken[0]} already exists: pass --overwrite to replace it, or another --out."
        )
    images, kept = [], []
    for index, name in enumerate(names):
        try:
            image = to_channels(_read(name, 0), channels)
        except (tf.errors.OpError, ValueError) as e:
            print(f"skipped {name}: not a readable image ({str(e).splitlines()[0][:100]})")
            continue
        images.append(fit_images([image], (height, width), "crop")[0].astype(np.uint8))
        kept.append(index)
    if not images:
        raise UsageError("none of the images could be read: nothing to project.")
    labels = None
    if options.label is not None:
        if not generator.conditional:
            raise UsageError(f"--label: {generator.path} is not conditional; leave it out.")
        labels = np.full(len(images), options.label)
    perceptual = {"auto": "auto", "on": True, "off": False}[options.perceptual]
    print(
        f"projecting {len(images)} image(s) into {generator.path} ({width}x{height}): "
        f"{options.candidates} random candidates, the {options.starts} closest refined for "
        f"{options.steps} steps"
    )
    found = latent.project(
        generator,
        np.stack(images),
        labels=labels,
        steps=options.steps,
        candidates=options.candidates,
        starts=options.starts,
        learning_rate=options.learning_rate,
        perceptual=perceptual,
        seed=options.seed,
    )
    os.makedirs(options.out, exist_ok=True)
    records = []
    for row, index in enumerate(kept):
        (reconstruction_path, pair_path), latent_path = plan[index], latents[index]
        reconstruction = found.images[row : row + 1]
        # The image itself, at the generator's size (a grid would pad it).
        file_utils.write_bytes(
            reconstruction_path, tf.io.encode_png(to_uint8(reconstruction[0])).numpy()
        )
        with file_utils.atomic_path(pair_path, suffix=".png") as tmp:
            plotting.save_comparison_figure(
                [("image", images[row][None]), ("projected", reconstruction)], tmp
            )
        with file_utils.atomic_path(latent_path, suffix=".npy") as tmp:
            np.save(tmp, found.latents[row])
        record = {
            "image": names[index],
            "latent": latent_path,
            "reconstruction": reconstruction_path,
            "label": None if found.labels is None else int(found.labels[row]),
            "pixel_error": float(found.pixel_error[row]),
            "best_random_pixel_error": float(found.start_pixel_error[row]),
        }
        if found.perceptual_distance is not None:
            record["perceptual_distance"] = float(found.perceptual_distance[row])
            record["best_random_perceptual_distance"] = float(found.start_perceptual_distance[row])
        records.append(record)
        label = "" if record["label"] is None else f", class {record['label']}"
        print(
            f"{names[index]} -> {latent_path}{label}: pixel error {record['pixel_error']:.4f} "
            f"(the closest random sample's {record['best_random_pixel_error']:.4f})"
        )
    summary = {"export": generator.path, "distance": found.distance, "images": records}
    file_utils.write_text(summary_path, json.dumps(summary, indent=1))
    print(f"wrote {len(records)} projections to {options.out} (listed in {summary_path})")
    return 0
