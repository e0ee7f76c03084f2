r"""Step time of the image-editing jobs' Pix2Pix with one generator pass per
step against two (the behaviour before 0.3), alternated in one run.

Builds the default networks of `keras-gans train super-resolution` and
`inpainting` (their recipes' `build_gan`, the machine's default precision),
trains them on real degraded photos, and times `--steps` steps per round
with `reuses_generator_pass` on and off in turn; prints the medians and
their ratio, then one JSON line.

    python benchmarks/pix2pix_step.py --data_dir='../shared/data/style/photo2monet/trainA'
"""

import json
import statistics

import keras
import profiling
from absl import app
from absl import flags

from keras_gans import data
from keras_gans.jobs import inpainting
from keras_gans.jobs import super_resolution
from keras_gans.jobs.engines import editing
from keras_gans.utils import precision

flags.DEFINE_string("data_dir", None, "A folder of photos.")
flags.DEFINE_integer("steps", 20, "Timed steps per round.")
flags.DEFINE_integer("rounds", 3, "Rounds of each setting, alternated.")
FLAGS = flags.FLAGS

JOBS = {
    "super-resolution": (super_resolution.DEFAULT, super_resolution.SuperResolution),
    "inpainting": (inpainting.DEFAULT, inpainting.Inpainting),
}


def main(argv):
    del argv
    if not FLAGS.data_dir:
        raise app.UsageError("Pass --data_dir, a folder of photos.")
    policy = precision.resolve_mixed_precision("auto")
    found = {"precision": policy}
    for name, (default, job_class) in JOBS.items():
        config = default.replace(data_dir=FLAGS.data_dir, mixed_precision=policy)
        job = job_class(config)
        batches = data.degraded_images(
            FLAGS.data_dir,
            job.degradation(),
            image_size=config.image_size,
            batch_size=config.batch_size,
            repeat=True,
            seed=0,
        )
        times = {True: [], False: []}
        with precision.dtype_policy(policy):
            keras.utils.set_random_seed(0)
            gan = editing.build_gan(config, job)
        for _ in range(FLAGS.rounds):
            for one_pass in (True, False):
                gan.reuses_generator_pass = one_pass
                gan.make_train_function(force=True)
                times[one_pass].append(profiling.timed_steps(gan, batches, FLAGS.steps, rounds=1))
        one, two = statistics.median(times[True]), statistics.median(times[False])
        print(
            f"{name}: {one:.3f} s/step with one generator pass, {two:.3f} s with two "
            f"({two / one:.2f}x; batch {config.batch_size} at {config.image_size} px, {policy})"
        )
        found[name] = {"one_pass_s": one, "two_passes_s": two, "speedup": two / one}
    print(json.dumps(found))


if __name__ == "__main__":
    app.run(main)
