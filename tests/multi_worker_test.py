"""Two real worker processes on 127.0.0.1 with MultiWorkerMirroredStrategy.

Keeps keras_gans's fixes for Keras 3.15 under multi-worker (see GAN._metric_results
and GAN._maybe_symbolic_build) covered, so a Keras upgrade that changes the
behaviour shows up here.
"""

import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_identically_and_only_the_chief_exports(mnist_dir, tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    args = [
        sys.executable,
        os.path.join(REPO, "examples", "mnist.py"),
        "--strategy=multi_worker",
        "--arch=mlp",
        "--g_hidden=32",
        "--d_hidden=32",
        "--latent_dim=16",
        "--epochs=2",
        "--steps_per_epoch=3",
        "--batch_size=8",
        f"--data_dir={mnist_dir}",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={tmp_path / 'export'}",
        "--evaluate_every=0",
        "--notflite",
    ]
    processes = []
    for index in range(2):
        tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env = dict(os.environ, TF_CONFIG=json.dumps(tf_config), TF_CPP_MIN_LOG_LEVEL="3")
        processes.append(
            subprocess.Popen(
                args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        )
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=300)[0])
        finally:
            process.kill()
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output[-3000:]

    chief_dir, worker_dir = tmp_path / "run", tmp_path / "run" / "worker_1"
    chief = json.loads((chief_dir / "summary.json").read_text())
    other = json.loads((worker_dir / "summary.json").read_text())
    assert chief["chief"] and not other["chief"]
    assert chief["replicas"] == other["replicas"] == 2
    assert chief["history"] == other["history"]  # metrics reduced across workers

    gans = [keras.saving.load_model(str(d / "gan.keras")) for d in (chief_dir, worker_dir)]
    for a, b in zip(gans[0].generator.weights, gans[1].generator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(gans[0].g_optimizer.iterations) == int(gans[1].g_optimizer.iterations) == 6

    # Only the chief exported: one version, and it is the chief's generator.
    assert sorted(os.listdir(tmp_path / "export" / "mnist_mlp")) == ["1"]
    assert "SavedModel:" in outputs[0] and "SavedModel:" not in outputs[1]
