"""The MNIST job's step at one step per compiled call against several.

Builds the job's network pair twice in one process, one compiled with one
step per call and one with `--steps_per_execution`, and trains both on the
job's own input pipeline with the job's per-step callbacks (NaN guard, loss
log, time limit), alternating rounds, so that a shared VM's slow spells hit
both alike. Prints each round and, last, a JSON object with the medians and
the median of the per-round ratios, in wall time and in the process's CPU
time (docs/results/speed.md).

    python benchmarks/steps_per_call.py --steps_per_execution=25
"""

import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import roofline  # noqa: E402  (the jobs' builders, and --mnist_dir)
from absl import app  # noqa: E402
from absl import flags  # noqa: E402

from keras_gans.callbacks import LossHistory  # noqa: E402
from keras_gans.callbacks import StopAfterMinutes  # noqa: E402
from keras_gans.callbacks import StopOnNonFiniteLoss  # noqa: E402
from keras_gans.utils import precision  # noqa: E402

flags.DEFINE_integer("steps_per_execution", 25, "Steps per call of the variant.")
flags.DEFINE_integer("pairs", 8, "Alternating rounds; each trains both models once.")
flags.DEFINE_integer("round_steps", 150, "Steps per round.")
flags.DEFINE_string("dtype_policy", None, "Dtype policy. Unset: the job's `auto` on this machine.")
FLAGS = flags.FLAGS


def build(steps_per_execution, policy):
    config, dataset, build_gan = roofline.job("mnist")
    keras.utils.set_random_seed(0)
    with precision.dtype_policy(policy or config.resolved_mixed_precision()):
        gan = build_gan()
    gan.steps_per_execution = steps_per_execution
    gan.train_function = None  # rebuilt for the new number of steps per call
    return gan, dataset


def job_callbacks():
    """The per-step callbacks of `keras_gans.jobs.plumbing.run.Run.fit`."""
    return [StopOnNonFiniteLoss(), LossHistory(every_n_steps=25), StopAfterMinutes(1000)]


def timed_round(gan, dataset, steps):
    """Milliseconds per step of one `fit`, by the wall clock and by CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=job_callbacks())
    return (time.perf_counter() - wall) / steps * 1e3, (time.process_time() - cpu) / steps * 1e3


def main(argv):
    del argv
    steps = FLAGS.round_steps
    models = {
        1: build(1, FLAGS.dtype_policy),
        FLAGS.steps_per_execution: build(FLAGS.steps_per_execution, FLAGS.dtype_policy),
    }
    for gan, dataset in models.values():
        timed_round(gan, dataset, steps)  # tracing and oneDNN's kernel choice
    times = {k: [] for k in models}
    for round_index in range(FLAGS.pairs):
        order = list(models) if round_index % 2 == 0 else list(models)[::-1]
        for k in order:
            times[k].append(timed_round(*models[k], steps))
        print(
            f"round {round_index + 1}: "
            + ", ".join(f"{k} per call {times[k][-1][0]:.1f} ms" for k in models),
            flush=True,
        )
    one, many = (np.array(times[k]) for k in models)
    print(
        json.dumps(
            {
                "steps_per_execution": FLAGS.steps_per_execution,
                "ms_per_step_wall": {
                    k: float(np.median(np.array(v)[:, 0])) for k, v in times.items()
                },
                "ms_per_step_cpu": {
                    k: float(np.median(np.array(v)[:, 1])) for k, v in times.items()
                },
                "speed_up_wall": float(np.median(one[:, 0] / many[:, 0])),
                "speed_up_cpu": float(np.median(one[:, 1] / many[:, 1])),
            }
        )
    )


if __name__ == "__main__":
    app.run(main)
