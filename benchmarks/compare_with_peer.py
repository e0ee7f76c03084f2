"""Alternates keras_gans and the PyTorch peer on this machine; prints ratios.

The peer is the founding document's PyTorch loop, `../shared/bench/peer_torch_gan.py`,
run with a Python that has torch (the project does not depend on torch):

    python -m venv /tmp/torch && /tmp/torch/bin/pip install torch==2.13.0 numpy
    python benchmarks/compare_with_peer.py --peer_python=/tmp/torch/bin/python

Each round runs, for every case, the peer in each of `--peer_modes` then
keras_gans (`throughput.py`, the package's normal `fit` path), so a busy
period of a shared machine hits all of them. The peer's modes: `eager`, as
the founding document wrote it (float32); `bf16`, its forward passes under
`torch.autocast("cpu", dtype=torch.bfloat16)` (PyTorch's own mixed precision,
on CPUs with bfloat16 units); `compile` and `compile_bf16`, the same with both
networks wrapped in `torch.compile` (`peer_compiled.py`).
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
flags.DEFINE_list(
    "peer_modes",
    ["eager"],
    "The peer's settings: eager (as written, float32), bf16 (autocast), compile, compile_bf16.",
)
flags.DEFINE_list("cases", ["mlp:64", "dcgan:128"], "arch:batch_size pairs.")
flags.DEFINE_integer("mlp_steps", 2000, "Timed steps for the MLP (both sides).")
flags.DEFINE_integer("dcgan_steps", 200, "Timed steps for the DCGAN (both sides).")
flags.DEFINE_list(
    "ours_flags",
    [],
    "Extra flags for throughput.py, e.g. --ours_flags=--mixed_precision=mixed_bfloat16.",
)
FLAGS = flags.FLAGS


PEER_MODES = ("eager", "bf16", "compile", "compile_bf16")


def run_peer(arch, batch_size, steps, mode="eager"):
    command = [FLAGS.peer_python, FLAGS.peer_script, arch, str(batch_size), str(steps)]
    if mode.startswith("compile"):
        command.insert(1, os.path.join(HERE, "peer_compiled.py"))
    env = dict(os.environ, MNIST_DIR=FLAGS.mnist_dir)
    if mode.endswith("bf16"):
        env["PEER_AUTOCAST"] = "bf16"
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
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
    unknown = sorted(set(FLAGS.peer_modes) - set(PEER_MODES))
    if unknown:
        raise app.UsageError(f"Unknown --peer_modes {unknown}; use one of {', '.join(PEER_MODES)}.")
    sides = [f"peer_{mode}" for mode in FLAGS.peer_modes] + ["keras_gans"]
    results = {case: {side: [] for side in sides} for case in FLAGS.cases}
    for round_index in range(FLAGS.rounds):
        for case in FLAGS.cases:
            arch, batch = case.split(":")
            steps = FLAGS.mlp_steps if arch == "mlp" else FLAGS.dcgan_steps
            for mode in FLAGS.peer_modes:
                results[case][f"peer_{mode}"].append(run_peer(arch, int(batch), steps, mode))
            results[case]["keras_gans"].append(run_ours(arch, int(batch), steps))
            ours = results[case]["keras_gans"][-1]
            print(
                f"round {round_index + 1} {case}: "
                + ", ".join(f"{side} {results[case][side][-1]:.0f}" for side in sides)
                + " img/s; keras_gans / "
                + ", ".join(f"{side} {ours / results[case][side][-1]:.2f}" for side in sides[:-1]),
                flush=True,
            )
    summary = {}
    for case, r in results.items():
        medians = {side: statistics.median(runs) for side, runs in r.items()}
        bests = {side: max(runs) for side, runs in r.items()}
        ours, ours_best = medians["keras_gans"], bests["keras_gans"]
        summary[case] = {
            "medians": medians,
            "bests": bests,
            "ratio_of_medians": {s: round(ours / medians[s], 2) for s in sides[:-1]},
            "ratio_of_bests": {s: round(ours_best / bests[s], 2) for s in sides[:-1]},
            "runs": r,
        }
        for side in sides[:-1]:
            print(
                f"{case}: median {side} {medians[side]:.0f}, keras_gans {ours:.0f} img/s -> "
                f"{ours / medians[side]:.2f}x; best {bests[side]:.0f} vs {ours_best:.0f} -> "
                f"{ours_best / bests[side]:.2f}x"
            )
    print(json.dumps(summary))


if __name__ == "__main__":
    app.run(main)
