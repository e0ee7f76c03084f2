"""Training throughput (images/second) of keras_gans on real MNIST batches.

By default it builds exactly the networks of the PyTorch peer
(`../shared/bench/peer_torch_gan.py`): the founding document's MLP pair, or
the peer's DCGAN pair, with the package's builders, the non-saturating BCE
loss and Adam, and trains them with `GAN.fit` (the package's normal path).
The first `--warmup_steps` are excluded (graph tracing, XLA compilation,
oneDNN kernel selection). The last line printed is a JSON object.

    python benchmarks/throughput.py --arch=mlp --batch_size=64
    python benchmarks/throughput.py --arch=dcgan --batch_size=128
"""

import json
import os
import resource
import time

from absl import app
from absl import flags

from keras_gans.jobs import mnist as recipe
from keras_gans.jobs.plumbing import settings
from keras_gans.utils import precision

flags.DEFINE_enum(
    "arch", "mlp", list(settings.choices_of(recipe.MnistConfig, "arch")), "Network pair."
)
flags.DEFINE_integer("batch_size", 64, "Training batch size.")
flags.DEFINE_integer("steps", 400, "Timed training steps (after warm-up).")
flags.DEFINE_integer("warmup_steps", 50, "Untimed steps run first.")
flags.DEFINE_integer("repeats", 1, "Timed repetitions; the best is reported.")
flags.DEFINE_enum(
    "networks",
    "peer",
    ["peer", "recipe"],
    "`peer`: the PyTorch peer's shapes. `recipe`: the networks that "
    "examples/mnist.py trains by default for --arch.",
)
flags.DEFINE_integer(
    "steps_per_execution",
    None,
    "Training steps per compiled call. Defaults to the recipe's default for "
    "--arch (see keras_gans.jobs.mnist).",
)
flags.DEFINE_enum(
    "jit_compile",
    None,
    list(precision.JIT_COMPILE),
    "XLA. Defaults to the recipe's default for --arch.",
)
flags.DEFINE_string(
    "data_dir", None, "MNIST IDX directory or TFDS data dir (default: TFDS / TFDS_DATA_DIR)."
)
flags.DEFINE_enum(
    "mixed_precision",
    "float32",
    list(precision.MIXED_PRECISION),
    "Keras dtype policy of the networks.",
)
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import keras

    import keras_gans as kg

    from peer_networks import peer_networks

    keras.config.set_dtype_policy(FLAGS.mixed_precision)
    defaults = recipe.preset_config(arch=FLAGS.arch)
    steps_per_execution = FLAGS.steps_per_execution or defaults.steps_per_execution
    jit_compile = precision.parse_jit_compile(FLAGS.jit_compile or defaults.jit_compile)
    if FLAGS.networks == "peer":
        generator, discriminator = peer_networks(FLAGS.arch)
        lr, beta_1 = (1e-3, 0.9) if FLAGS.arch == "mlp" else (2e-4, 0.5)
    else:
        generator, discriminator = recipe.build_networks(defaults)
        lr, beta_1 = defaults.learning_rate, defaults.beta_1

    gan = kg.GAN(generator, discriminator, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1),
        d_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1),
        loss="non_saturating",
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    dataset = kg.data.mnist(
        "train", batch_size=FLAGS.batch_size, data_dir=FLAGS.data_dir, seed=0
    ).repeat()
    warmup = max(FLAGS.warmup_steps, steps_per_execution)
    warmup -= warmup % steps_per_execution
    steps = max(FLAGS.steps - FLAGS.steps % steps_per_execution, steps_per_execution)
    gan.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0)
    best, best_cpu = 0.0, None
    images = steps * FLAGS.batch_size
    for _ in range(FLAGS.repeats):
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
        seconds = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_start
        if images / seconds > best:
            best, best_cpu = images / seconds, cpu
        # CPU seconds per 1000 images do not depend on how many cores a
        # shared machine lends at the moment; wall-clock images/s does.
        print(
            f"keras_gans {FLAGS.arch} B={FLAGS.batch_size}: {images / seconds:.0f} img/s, "
            f"{1000 * cpu / images:.3f} CPU-s per 1k images",
            flush=True,
        )
    print(
        json.dumps(
            {
                "arch": FLAGS.arch,
                "batch_size": FLAGS.batch_size,
                "images_per_second": round(best, 1),
                "cpu_seconds_per_1k_images": round(1000 * best_cpu / images, 4),
                "networks": FLAGS.networks,
                "mixed_precision": FLAGS.mixed_precision,
                "steps_per_execution": steps_per_execution,
                "jit_compile": jit_compile,
                "steps": steps,
                "cpu_count": os.cpu_count(),
            }
        )
    )


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    app.run(main)
