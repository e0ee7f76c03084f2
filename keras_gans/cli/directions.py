"""`keras-gans directions EXPORT`: the latent directions a generator is most sensitive to."""

import os

import numpy as np
from absl import flags

from keras_gans import contracts
from keras_gans import latent
from keras_gans import plotting
from keras_gans.cli import generate
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import only_argument
from keras_gans.cli.common import parse
from keras_gans.utils import files

SUMMARY = "Show a generator's closed-form latent directions (SeFa): a grid of steps along each."
USAGE = "keras-gans directions EXPORT [--count=5] [--step=3] [--out=directions.png]"


def define(flag_values):
    options = dict(flag_values=flag_values)
    flags.DEFINE_integer("count", 5, "Directions shown, one grid row each.", 1, **options)
    flags.DEFINE_float(
        "step",
        3.0,
        "The largest step along a direction (a latent is about sqrt(latent_dim) long).",
        **options,
    )
    flags.DEFINE_integer(
        "columns", 7, "Steps per row, evenly from -step to +step.", lower_bound=2, **options
    )
    flags.DEFINE_integer("seed", 0, "Seed of the latent the rows start from.", **options)
    flags.DEFINE_string(
        "latent",
        None,
        "Start from this latent instead (a .npy of [latent_dim], e.g. from keras-gans project).",
        **options,
    )
    flags.DEFINE_integer(
        "label", None, "Conditional exports: the class drawn. Default: 0.", **options
    )
    flags.DEFINE_string("out", "directions.png", "The grid, a .png.", **options)
    flags.DEFINE_bool("overwrite", False, "Replace --out if it exists.", **options)


def main(args):
    parsed = parse("keras-gans directions", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    generator = latent.ExportedGenerator(only_argument(positional, "export", USAGE))
    if not options.out.lower().endswith(".png"):
        raise UsageError(f"--out={options.out}: the grid is a .png.")
    if os.path.exists(options.out) and not options.overwrite:
        raise UsageError(
            f"{options.out} already exists: pass --overwrite to replace it, or another --out."
        )
    found = latent.directions(generator, count=options.count)
    count = len(found.directions)
    if options.latent is None:
        rng = np.random.default_rng(options.seed)
        start = rng.standard_normal(generator.latent_dim).astype(np.float32)
    else:
        given = generate.latents_from(options.latent, generator.serve)
        if len(given) != 1:
            raise UsageError(
                f"--latent={options.latent} holds {len(given)} latents; the grid starts from one."
            )
        start = given[0]
    steps = np.linspace(-options.step, options.step, options.columns, dtype=np.float32)
    z = start[None, None] + steps[None, :, None] * found.directions[:, None]
    z = z.reshape(-1, generator.latent_dim)
    labels = None
    if generator.conditional:
        labels = np.full(len(z), options.label or 0, np.int32)
    elif options.label is not None:
        raise UsageError(f"--label: {generator.path} is not conditional; leave it out.")
    images = contracts.draw(generator.serve, z, labels)
    if images.ndim != 4:
        raise UsageError(f"{generator.path} does not draw images: the grid shows images only.")
    with files.atomic_path(options.out, suffix=".png") as tmp:
        plotting.save_image_grid(images, tmp, rows=count, cols=options.columns)
    print(f"SeFa directions of {generator.path} (from its layer {found.layer}):")
    for k, strength in enumerate(found.strengths):
        print(f"  direction {k}: strength {strength:.3g}")
    print(
        f"wrote {options.out}: {count} rows (directions 0-{count - 1}), steps "
        f"{steps[0]:g} to {steps[-1]:g}"
    )
    return 0
