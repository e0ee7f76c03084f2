"""A run killed mid-way and started again with the same command ends with the
weights of an uninterrupted run: the command backs up into <output_dir>/backup
by default and a rerun resumes from it."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def command(mnist_dir, out):
    return [
        sys.executable,
        os.path.join(REPO, "examples", "mnist.py"),
        "--arch=mlp",
        "--g_hidden=32",
        "--d_hidden=32",
        "--latent_dim=16",
        "--epochs=6",
        "--steps_per_epoch=20",
        "--steps_per_execution=1",
        "--batch_size=16",
        f"--data_dir={mnist_dir}",
        f"--output_dir={out}",
        "--evaluate_every=0",
        "--noexport",
    ]


def run(args, **kwargs):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.Popen(
        args,
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def test_killed_run_resumes_to_the_uninterrupted_result(mnist_dir, tmp_path):
    reference = run(command(mnist_dir, tmp_path / "ref"))
    assert reference.wait(timeout=300) == 0, reference.stdout.read()[-3000:]

    args = command(mnist_dir, tmp_path / "run")
    victim = run(args)
    metadata = tmp_path / "run" / "backup" / "training_metadata.json"
    deadline = time.time() + 240
    while time.time() < deadline and victim.poll() is None:
        if metadata.is_file():
            try:
                if json.loads(metadata.read_text())["epoch"] >= 2:
                    break
            except ValueError:  # caught mid-write
                pass
        time.sleep(0.02)
    assert victim.poll() is None, "the run finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    assert not (tmp_path / "run" / "gan.keras").exists()
    resumed_from = json.loads(metadata.read_text())["epoch"]
    assert 2 <= resumed_from < 6

    resumed = run(args)
    output = resumed.communicate(timeout=300)[0]
    assert resumed.returncode == 0, output[-3000:]
    assert f"resuming {tmp_path / 'run'} from its backup after epoch {resumed_from}" in output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert len(summary["history"]["g_loss"]) == 6 - resumed_from  # only the remaining epochs ran
    assert not (tmp_path / "run" / "backup").exists()  # removed after a complete run

    ref = keras.saving.load_model(str(tmp_path / "ref" / "gan.keras"))
    got = keras.saving.load_model(str(tmp_path / "run" / "gan.keras"))
    assert int(got.g_optimizer.iterations) == int(ref.g_optimizer.iterations) == 120
    for a, b in zip(
        ref.generator.weights + ref.discriminator.weights,
        got.generator.weights + got.discriminator.weights,
    ):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-6, err_msg=a.path)
