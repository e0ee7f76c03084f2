"""Alternates keras_gans and the PyTorch peer on this machine; prints ratios.

The peer is the founding document's PyTorch loop, `../shared/bench/peer_torch_gan.py`,
run with a Python that has torch (the project does not depend on torch):

    python -m venv /tmp/torch && /tmp/torch/bin/pip install torch==2.13.0 numpy
    python benchmarks/compare_with_peer.py --peer_python=/tmp/torch/bin/python

Each round runs, for every case, the peer then keras_gans (`throughput.py`,
the package's normal `fit` path), so a busy period of a shared machine hits both.
Reports the median and the best images/second of each side and their ratios
(on a shared machine the best run is the least disturbed one). The last line
is a JSON object.
"""

import json
import os
import re
import statistics
import subprocess
import sys

from absl import app
from absl import flags

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")

flags.DEFINE_string("peer_python", None, "Python interpreter with torch installed.")
flags.DEFINE_string(
    "peer_script", os.path.join(SHARED, "bench", "peer_torch_gan.py"), "The peer's training loop."
)
flags.DEFINE_string(
    "mnist_dir",
    os.path.join(SHARED, "data", "mnist"),
    "MNIST IDX directory (both sides read the same files).",
)
flags.DEFINE_integer("rounds", 3, "Alternating rounds.")
flags.DEFINE_list("cases", ["mlp:64", "dcgan:128"], "arch:batch_size pairs.")
flags.DEFINE_integer("mlp_steps", 2000, "Timed steps for the MLP (both sides).")
flags.DEFINE_integer("dcgan_steps", 200, "Timed steps for the DCGAN (both sides).")
flags.DEFINE_list(
    "ours_flags",
    [],
    "Extra flags for throughput.py, e.g. --ours_flags=--mixed_precision=mixed_bfloat16.",
)
FLAGS = flags.FLAGS


def run_peer(arch, batch_size, steps):
    out = subprocess.run(
        [FLAGS.peer_python, FLAGS.peer_script, arch, str(batch_size), str(steps)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, MNIST_DIR=FLAGS.mnist_dir),
    ).stdout
    return float(re.search(r"([\d.]+) img/s", out).group(1))


def run_ours(arch, batch_size, steps):
    out = subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "throughput.py"),
            f"--arch={arch}",
            f"--batch_size={batch_size}",
            f"--steps={steps}",
            f"--data_dir={FLAGS.mnist_dir}",
            *FLAGS.ours_flags,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["images_per_second"]


def main(argv):
    del argv
    if not FLAGS.peer_python:
        raise app.UsageError("--peer_python (a Python with torch) is required.")
    results = {case: {"peer": [], "keras_gans": []} for case in FLAGS.cases}
    for round_index in range(FLAGS.rounds):
        for case in FLAGS.cases:
            arch, batch = case.split(":")
            steps = FLAGS.mlp_steps if arch == "mlp" else FLAGS.dcgan_steps
            peer = run_peer(arch, int(batch), steps)
            ours = run_ours(arch, int(batch), steps)
            results[case]["peer"].append(peer)
            results[case]["keras_gans"].append(ours)
            print(
                f"round {round_index + 1} {case}: peer {peer:.0f} img/s, "
                f"keras_gans {ours:.0f} img/s, ratio {ours / peer:.2f}",
                flush=True,
            )
    summary = {}
    for case, r in results.items():
        peer, ours = statistics.median(r["peer"]), statistics.median(r["keras_gans"])
        peer_best, ours_best = max(r["peer"]), max(r["keras_gans"])
        summary[case] = {
            "peer_median": peer,
            "keras_gans_median": ours,
            "ratio_of_medians": round(ours / peer, 2),
            "peer_best": peer_best,
            "keras_gans_best": ours_best,
            "ratio_of_best": round(ours_best / peer_best, 2),
            "runs": r,
        }
        print(
            f"{case}: median peer {peer:.0f}, keras_gans {ours:.0f} img/s -> {ours / peer:.2f}x; "
            f"best peer {peer_best:.0f}, keras_gans {ours_best:.0f} img/s -> "
            f"{ours_best / peer_best:.2f}x"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    app.run(main)
