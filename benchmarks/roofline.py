r"""The roofline of every default job: FLOPs per training step, achieved
GFLOP/s in float32 and bfloat16, the machine's matmul peak measured in the
same run, the share of the peak, and where the time goes.

For each job it builds the job's default network pair with the recipe's own
builders (the same settings `keras-gans train <job>` uses), takes one real
batch from the job's data and trains on it repeatedly (so the input
pipeline costs nothing here: this measures the step), through `fit` with the
recipe's `steps_per_execution`:

- FLOPs per step: counted from the graph of one traced `train_step`
  (`benchmarks/profiling.py`'s `train_step_flops`: matrix products and
  convolutions with their gradients, from static shapes; elementwise work
  is not counted);
- seconds per step: in each precision, the median of `--rounds` rounds of
  `--steps` steps (after a warm-up round), the precisions alternating and
  each round in a fresh process (as a user's job runs), each timed from its
  first step's start to its last step's end (`profiling.timed_steps`);
- the peak: TensorFlow's best 2048² matmul GFLOP/s in each precision, the
  best of samples taken before the jobs and after each;
- the top kernels by time (TensorFlow's profiler) in each precision (the
  table shows the last's), and with `--onednn` the share of oneDNN's time spent in
  bfloat16 kernels (from `ONEDNN_VERBOSE=1` in a child process).

    python benchmarks/roofline.py                      # every job
    python benchmarks/roofline.py --jobs=mnist,style --onednn

Prints a line per job as it is measured, then a Markdown table and, last,
one JSON line.
"""

import ctypes
import functools
import json
import os
import subprocess
import sys

import numpy as np
from absl import app
from absl import flags

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared")
STYLE = os.path.join(SHARED, "data", "style")
DRUMKITS = "/usr/share/hydrogen/data/drumkits"

WARM_MARKER = "-- warm --"
# Flags a child process gets from its parent.
CHILD_SETTINGS = (
    "images_dir", "content_dir", "style_dir", "audio_dir", "mnist_dir",
    "video_image_generator",
    "precisions", "steps", "top", "onednn",
)  # fmt: skip
PEAK_DTYPES = {"float32": "float32", "mixed_bfloat16": "bfloat16"}
HEAVY_PRIMITIVES = ("convolution", "matmul", "inner_product", "gemm_api")
JOBS = (
    "mnist",
    "images_dcgan",
    "images_resnet",
    "images_projected",
    "style",
    "cycle_gan",
    "super_resolution",
    "inpainting",
    "audio",
    "vocoder",
    "video",
    "text",
)
flags.DEFINE_list(
    "jobs",
    list(JOBS),
    f"Jobs to measure, of {', '.join(JOBS)}; or peer_dcgan: the PyTorch peer's DCGAN shapes "
    "at batch 128 (benchmarks/throughput.py's), for the bfloat16 gain of that step.",
)
flags.DEFINE_list(
    "precisions", ["float32", "mixed_bfloat16"], "Policies to time each job in (float32 first)."
)
flags.DEFINE_integer("steps", 20, "Timed steps per round (rounded up to whole executions).")
flags.DEFINE_integer(
    "rounds", 3, "Rounds alternating the precisions, each in a fresh process; medians reported."
)
flags.DEFINE_integer("top", 6, "Kernels listed per job.")
flags.DEFINE_bool("onednn", False, "Also report the share of oneDNN time in bfloat16 kernels.")
flags.DEFINE_string("images_dir", os.path.join(STYLE, "photo2ukiyoe", "trainB"), "Own images.")
flags.DEFINE_string("content_dir", os.path.join(STYLE, "photo2monet", "trainA"), "Photos.")
flags.DEFINE_string("style_dir", os.path.join(STYLE, "photo2monet", "trainB"), "Paintings.")
flags.DEFINE_string("audio_dir", DRUMKITS, "Recordings (audio and vocoder jobs).")
flags.DEFINE_string("mnist_dir", os.path.join(SHARED, "data", "mnist"), "MNIST IDX files.")
flags.DEFINE_string(
    "video_image_generator",
    None,
    "The video job's image GAN (a default video run's <output_dir>/image_gan/gan.keras, or any "
    "run's gan.keras): the default moves the digits of one trained first.",
)
flags.DEFINE_string("json_out", None, "Also write the results here, after every job.")
flags.DEFINE_string("_onednn_child", None, "Internal: run one job's steps for oneDNN's log.")
flags.DEFINE_string("_measure_child", None, "Internal: measure one job, print its row as JSON.")
flags.DEFINE_string("_policy", None, "Internal: the policy of --_measure_child.")
flags.DEFINE_bool(
    "_profile", False, "Internal: --_measure_child also counts the FLOPs and lists the kernels."
)
FLAGS = flags.FLAGS


def _mnist():
    from keras_gans import clustering
    from keras_gans.jobs import mnist
    from keras_gans.jobs.engines import noise_to_image

    config = mnist.DCGAN.replace(data_dir=FLAGS.mnist_dir)
    source = mnist.MnistSource(config)
    # The job's self-conditioning: the cluster labels' values do not change
    # the step's cost, so random ones stand in for k-means.
    rng = np.random.default_rng(0)
    labels = rng.integers(0, config.clusters, mnist.TRAIN_EXAMPLES).astype("int32")
    counts = np.bincount(labels, minlength=config.clusters)
    clusters = clustering.Clusters(labels, counts, np.zeros((config.clusters, 1)), 0.0)
    dataset = source.dataset(config.batch_size, labels=labels)
    return (
        config,
        dataset,
        lambda: noise_to_image.build_gan(source, config.steps_per_execution, clusters),
    )


def _images(arch):
    from keras_gans import data
    from keras_gans.jobs import images
    from keras_gans.jobs.engines import noise_to_image

    config = images.DEFAULT.replace(data_dir=FLAGS.images_dir, arch=arch, image_size="64")
    folder = data.load_image_folder(FLAGS.images_dir, image_size=(64, 64), channels=3)
    chosen, _ = images.choose_settings(config, folder, {"arch", "image_size"})
    config = config.replace(**chosen)
    source = images.ImageFolderSource(config, folder)
    return config, source.dataset(config.batch_size), lambda: noise_to_image.build_gan(source)


def _style(preset):
    from keras_gans import data
    from keras_gans.jobs import style

    config = style.PRESETS[preset]
    dataset = data.unpaired_images(
        FLAGS.content_dir, FLAGS.style_dir, image_size=config.image_size,
        batch_size=config.batch_size, seed=0,
    )  # fmt: skip
    return config, dataset, lambda: style.build_gan(config)


def _editing(module, task_class):
    from keras_gans import data
    from keras_gans.jobs.engines import editing

    config = module.DEFAULT.replace(data_dir=FLAGS.content_dir)
    task = task_class(config)
    dataset = data.degraded_images(
        FLAGS.content_dir, task.degradation(), image_size=config.image_size,
        batch_size=config.batch_size, repeat=True, seed=0,
    )  # fmt: skip
    return config, dataset, lambda: editing.build_gan(config, task)


def _audio():
    from keras_gans.jobs import audio
    from keras_gans.jobs.engines import noise_to_image

    config = audio.DEFAULT.replace(data_dir=FLAGS.audio_dir)
    config = config.replace(**audio.arch_settings(config))
    folder = audio.load_folder(config)
    source = audio.AudioFolderSource(config, folder)
    return config, source.dataset(config.batch_size), lambda: noise_to_image.build_gan(source)


def _vocoder():
    from keras_gans import data
    from keras_gans.jobs import vocoder

    config = vocoder.DEFAULT.replace(data_dir=FLAGS.audio_dir)
    recordings = data.load_recordings(FLAGS.audio_dir, config.sample_rate)
    dataset = data.recording_segments(recordings, config.segment_samples, config.batch_size, seed=0)
    return config, dataset, lambda: vocoder.build_vocoder(config)


def _video():
    from keras_gans.jobs import video
    from keras_gans.jobs.engines import noise_to_image

    # An unset --video_image_generator keeps the default's choice.
    config = video.DEFAULT.with_overrides(
        mnist_dir=FLAGS.mnist_dir, image_generator=FLAGS.video_image_generator
    )
    config = video.resolve(config).config
    if config.image_generator == "train":
        # The default trains its image GAN first; its step is the motion's.
        raise app.UsageError(
            "The video job's default moves the digits of an image GAN it trains first: "
            "pass --video_image_generator=RUN/image_gan/gan.keras of a default video run."
        )
    source = video.MovingMnistSource(config)
    return config, source.dataset(config.batch_size), lambda: noise_to_image.build_gan(source)


def _text():
    from keras_gans import data
    from keras_gans.jobs import text

    resolved = text.resolve(text.DEFAULT)
    config, texts, fitted = resolved.config, resolved.context["texts"], resolved.context["fitted"]
    dataset = data.text_dataset(fitted, texts.vocabulary, texts.length, config.batch_size, seed=0)

    def build():
        return text.build_gan(text.build_generator(config, texts), config, texts)

    return config, dataset, build


def _peer_dcgan():
    import keras

    import keras_gans as kg
    from keras_gans.jobs import mnist

    from peer_networks import peer_networks

    def build():
        gan = kg.GAN(*peer_networks("dcgan"), seed=0)
        gan.compile(
            g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            loss="non_saturating",
        )
        return gan

    dataset = kg.data.mnist("train", batch_size=128, data_dir=FLAGS.mnist_dir, seed=0)
    return mnist.DCGAN, dataset, build


def job(name):
    """`(config, dataset, build)` of a job: its settings, its real data and a
    function building its compiled model (call under a dtype policy)."""
    from keras_gans.jobs import inpainting
    from keras_gans.jobs import super_resolution

    if name.startswith("images_"):
        return _images(name.split("_", 1)[1])
    builders = {
        "mnist": _mnist,
        "style": lambda: _style("default"),
        "cycle_gan": lambda: _style("cycle_gan"),
        "super_resolution": lambda: _editing(super_resolution, super_resolution.SuperResolution),
        "inpainting": lambda: _editing(inpainting, inpainting.Inpainting),
        "audio": _audio,
        "vocoder": _vocoder,
        "video": _video,
        "text": _text,
        "peer_dcgan": _peer_dcgan,
    }
    return builders[name]()


def _one_batch(dataset):
    import tensorflow as tf

    from keras_gans.data import pipeline

    batch = next(iter(dataset))
    return batch, pipeline.prefetch(tf.data.Dataset.from_tensors(batch).repeat())


def _batch_size(batch):
    import tensorflow as tf

    return int(tf.nest.flatten(batch)[0].shape[0])


def measure_policy(name, policy, profile=False):
    """One job in one policy, in this process: the time per step of one
    round after a warm-up round; with `profile`, also the FLOPs per step
    and the top kernels."""
    import keras
    import profiling

    from keras_gans.utils import precision

    config, dataset, build = job(name)
    batch, repeated = _one_batch(dataset)
    keras.utils.set_random_seed(0)
    with precision.dtype_policy(policy):
        model = build()
    execution = int(getattr(model, "steps_per_execution", 1) or 1)
    steps = -(-FLAGS.steps // execution) * execution
    found = {
        "job": name,
        "batch_size": _batch_size(batch),
        "default_precision": config.resolved_mixed_precision(),
        "seconds_per_step": profiling.timed_steps(model, repeated, steps, rounds=1),
    }
    if profile:
        counted = profiling.train_step_flops(model, batch)
        found["uncounted_ops"] = counted.pop("uncounted")
        found["flops"] = sum(counted.values())
        fit = functools.partial(model.fit, repeated, epochs=1, steps_per_epoch=steps, verbose=0)
        found["top_kernels"] = profiling.op_profile(fit, top=FLAGS.top)
    return found


def measure(name, policies):
    """One job's row: `--rounds` rounds alternating the policies, each in a
    fresh process (as a user's job runs), so that a shared VM's noise hits
    every policy alike; the median of each policy's rounds, and its top
    kernels from the last. Shares of the peak come later (`share_of_peak`)."""
    row, times = {}, {policy: [] for policy in policies}
    for round_index in range(FLAGS.rounds):
        for policy in policies:
            last = round_index == FLAGS.rounds - 1
            out = _child(f"--_measure_child={name}", f"--_policy={policy}", f"--_profile={last}")
            found = json.loads(out.strip().splitlines()[-1])
            times[policy].append(found.pop("seconds_per_step"))
            if last:
                row.setdefault("top_kernels_by_policy", {})[policy] = found.pop("top_kernels")
            row.update(found)
    for policy in policies:
        seconds = float(np.median(times[policy]))
        gflops = row["flops"] / seconds / 1e9
        row[policy] = {
            "seconds_per_step": seconds,
            "rounds_seconds_per_step": times[policy],
            "examples_per_second": row["batch_size"] / seconds,
            "gflops": gflops,
        }
    row["top_kernels"] = row["top_kernels_by_policy"][policies[-1]]
    if FLAGS.onednn and "mixed_bfloat16" in policies:
        row["onednn_bf16_share"] = onednn_share(name)
    return row


def _child(*child_flags, env=None):
    """Runs this script again with `child_flags` and this run's settings; its stdout."""
    settings = []
    for name in CHILD_SETTINGS:
        value = getattr(FLAGS, name)
        if value is None:
            continue
        settings.append(f"--{name}={','.join(value) if isinstance(value, list) else value}")
    return subprocess.run(
        [sys.executable, os.path.abspath(__file__), *child_flags, *settings],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {})),
    ).stdout


def onednn_share(name):
    """The share of oneDNN's convolution and matmul time spent in bfloat16
    kernels, for a few bfloat16 steps of `name` in a child process."""
    import profiling

    out = _child(f"--_onednn_child={name}", env={"ONEDNN_VERBOSE": "1"})
    kernels = profiling.onednn_kernels(out.split(WARM_MARKER, 1)[-1])
    heavy = {k: ms for k, ms in kernels.items() if k[0] in HEAVY_PRIMITIVES}
    total = sum(heavy.values())
    if not total:
        return None
    return sum(ms for (_, _, dtype), ms in heavy.items() if dtype == "bf16") / total


def _onednn_child(name):
    from keras_gans.utils import precision

    config, dataset, build = job(name)
    _, repeated = _one_batch(dataset)
    with precision.dtype_policy("mixed_bfloat16"):
        model = build()
    model.fit(repeated, epochs=1, steps_per_epoch=2, verbose=0)
    # oneDNN prints through C's stdio: flush it, so that only the warm
    # steps' kernels follow the marker.
    ctypes.CDLL(None).fflush(None)
    os.write(1, f"{WARM_MARKER}\n".encode())
    model.fit(repeated, epochs=1, steps_per_epoch=4, verbose=0)
    ctypes.CDLL(None).fflush(None)


def main(argv):
    del argv
    if FLAGS._onednn_child:
        return _onednn_child(FLAGS._onednn_child)
    if FLAGS._measure_child:
        print(json.dumps(measure_policy(FLAGS._measure_child, FLAGS._policy, FLAGS._profile)))
        return
    unknown = sorted(set(FLAGS.jobs) - {*JOBS, "peer_dcgan"})
    if unknown:
        raise app.UsageError(f"Unknown jobs {unknown}; choose from {', '.join(JOBS)}.")
    import profiling

    from keras_gans.utils import precision

    features = profiling.cpu_features()
    policies = list(FLAGS.precisions)
    if not precision.native_bfloat16_cpu():
        print("note: this CPU has no bfloat16 units; timing float32 only.")
        policies = [p for p in policies if p == "float32"]
    FLAGS.precisions = policies
    cpu = f"{profiling.cpu_name()} ({os.cpu_count()} cores; {', '.join(features)})"
    print(cpu)
    # The peak is the best matmul seen in the run: measured before the jobs
    # and after each (a shared VM's bfloat16 units were seen to vary 2.5x
    # within minutes), so that no share rests on one unlucky sample.
    samples = {p: [] for p in policies}

    def sample_peaks():
        for p in policies:
            samples[p].append(profiling.matmul_peak(PEAK_DTYPES[p]))

    sample_peaks()
    rows = []
    for name in FLAGS.jobs:
        rows.append(measure(name, policies))
        sample_peaks()
        times = ", ".join(f"{p} {rows[-1][p]['seconds_per_step'] * 1e3:.0f} ms" for p in policies)
        print(f"measured {name}: {times}", flush=True)
        if FLAGS.json_out:  # each job as it ends: a late failure keeps the others
            _write(FLAGS.json_out, _results(cpu, samples, rows))
    results = _results(cpu, samples, rows)
    spread = ", ".join(f"{p} {min(samples[p]):.0f}-{max(samples[p]):.0f}" for p in policies)
    rates = ", ".join(f"{p} {g:.0f} GFLOP/s" for p, g in results["peaks_gflops"].items())
    print(
        f"matmul peak (2048², TensorFlow; best of {len(samples[policies[0]])}): {rates} "
        f"(range {spread})"
    )
    _print_table(rows, policies)
    print(json.dumps(results))


def _results(cpu, samples, rows):
    """The run's results, with each job's share of the best peak seen."""
    peaks = {p: max(found) for p, found in samples.items()}
    for row in rows:
        for p, peak in peaks.items():
            row[p]["share_of_peak"] = row[p]["gflops"] / peak
    return {"cpu": cpu, "peaks_gflops": peaks, "peak_samples_gflops": samples, "jobs": rows}


def _write(path, results):
    with open(path, "w") as f:
        json.dump(results, f, indent=1)


def _print_table(rows, policies):
    header = ["job (batch; its default here)", "GFLOP/step"]
    for p in policies:
        header += [f"{p} ms/step", "GFLOP/s", "of peak"]
    header += ["bf16 speed-up"] * (len(policies) == 2) + ["top kernels (share of kernel time)"]
    header += ["oneDNN time in bf16 kernels"] * FLAGS.onednn
    print("| " + " | ".join(header) + " |\n|" + " --- |" * len(header))
    for row in rows:
        cells = [
            f"{row['job']} (batch {row['batch_size']}; {row['default_precision']})",
            f"{row['flops'] / 1e9:.2f}",
        ]
        for p in policies:
            r = row[p]
            cells += [
                f"{r['seconds_per_step'] * 1e3:.0f}",
                f"{r['gflops']:.0f}",
                f"{r['share_of_peak']:.0%}",
            ]
        if len(policies) == 2:
            a, b = (row[p]["seconds_per_step"] for p in policies)
            cells.append(f"{a / b:.2f}x")
        total = sum(seconds for _, seconds in row["top_kernels"])
        cells.append(", ".join(f"{k} {s / total:.0%}" for k, s in row["top_kernels"][:4]))
        if FLAGS.onednn:
            share = row.get("onednn_bf16_share")
            cells.append("" if share is None else f"{share:.0%}")
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    app.run(main)
