r"""How well an export of Moving MNIST clips brings stills to life: the first
frames of real test clips, each handed to the export's `animate` signature.

Prints, over `--num` stills: the PSNR of the clip's first frame against the
still (and, as the yardstick, of the first frame the starting noise draws
before inversion), how the clips move (`keras_gans.evaluation.motion`,
against the real clips the stills came from) and the seconds per still; with
`--gif`, writes the stills beside their clips as one animated grid.

    python benchmarks/stills_brought_to_life.py saved_models/moving_mnist_64 \
        --data_dir=mnist_idx/ --gif=alive.gif   # MNIST IDX files, or unset for TFDS
"""

import time

import numpy as np
import tensorflow as tf
from absl import app
from absl import flags

import keras_gans as kg
from keras_gans import contracts
from keras_gans import export
from keras_gans.evaluation import motion

flags.DEFINE_string("data_dir", None, "MNIST IDX files or a TFDS directory.")
flags.DEFINE_integer("num", 64, "Stills (first frames of real test clips).")
flags.DEFINE_integer("seed", 0, "Seed of the clips and of the starting noise.")
flags.DEFINE_string("gif", None, "Also write the stills and their clips here, as a GIF grid.")
FLAGS = flags.FLAGS


def psnr(frames, stills):
    """Per-image PSNR (dB) of uint8 `frames` against uint8 `stills`."""
    error = np.mean((frames.astype(np.float64) - stills.astype(np.float64)) ** 2, axis=(1, 2, 3))
    return 10 * np.log10(255.0**2 / np.maximum(error, 1e-10))


def main(argv):
    if len(argv) != 2:
        raise app.UsageError("name one export of Moving MNIST clips")
    path = export.resolve_saved_model(argv[1])
    loaded = tf.saved_model.load(path)
    serve, animate = loaded.signatures["serving_default"], loaded.signatures["animate"]
    frames, size = serve.structured_outputs["video"].shape[1:3]
    # Twice as many real clips: the first half gives the stills, and is the
    # motion report's "real" row; the second, its floor.
    real = kg.data.moving_mnist(
        "test", 2 * FLAGS.num, frame_size=size, frames=frames, data_dir=FLAGS.data_dir,
        seed=FLAGS.seed,
    )  # fmt: skip
    real = kg.data.to_uint8(next(iter(real))).numpy()
    stills = real[: FLAGS.num, 0]
    start = np.random.default_rng(FLAGS.seed).standard_normal(
        (FLAGS.num, contracts.latent_dim(serve))
    )
    start = start.astype(np.float32)
    drawn = contracts.draw(serve, start)
    began = time.perf_counter()
    clips, _ = contracts.animate(animate, stills, start)
    seconds = (time.perf_counter() - began) / FLAGS.num
    report = motion.motion_report(clips, real)
    print(f"{FLAGS.num} stills, first frames of real test clips ({frames} frames of {size} px):")
    print(f"  PSNR of the first frame, before inversion: {psnr(drawn[:, 0], stills).mean():.2f} dB")
    print(f"  PSNR of the first frame, after inversion:  {psnr(clips[:, 0], stills).mean():.2f} dB")
    measured = report["generated"]
    print(
        "  motion against the real clips (ratio): "
        + ", ".join(f"{key} {measured[f'{key}_ratio']:.2f}" for key in motion.MEASURES)
    )
    print(f"  {seconds:.2f} s per still on this machine")
    if FLAGS.gif:
        held = np.repeat(stills[:8, None], frames, axis=1)
        pairs = np.stack([held, clips[:8]], axis=1).reshape(-1, *clips.shape[1:])
        kg.plotting.save_clip_grid(pairs, FLAGS.gif, rows=4)
        print(f"wrote {FLAGS.gif}: each still (held) beside its clip")


if __name__ == "__main__":
    app.run(main)
