"""A sweep of bad inputs and faults across every `keras-gans` command, in
this process (`run_command`).

Each case checks the command line's contract: exit status 2 for bad input
(1 for a run that failed), exactly one `error:` line on stderr naming the
problem (no traceback), and the user's folders as they were: every file
byte-identical, nothing new where the command had nothing to write. Real
data throughout: MNIST, photos from the shared style data, and tiny exports
made once for the module.
"""

import glob
import json
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import classifier as classifier_lib

from conftest import REPO
from conftest import SHARED
from conftest import TINY_IMAGES_RUN
from conftest import run_command

PHOTOS = os.path.join(SHARED, "style", "photo2monet", "testA")
# `keras-gans train mnist` with a tiny MLP pair and no evaluation: seconds.
TINY_MNIST = (
    "train",
    "mnist",
    "--arch=mlp",
    "--g_hidden=16",
    "--d_hidden=16",
    "--latent_dim=8",
    "--batch_size=8",
    "--evaluate_every=0",
    "--data_dir={mnist}",
)
# Every training case writes only inside the case's own folder.
IN_WORKSPACE = ("--output_dir={w}/out", "--export_dir={w}/exports")
TINY_IMAGES = ("train", "images", "--data_dir={w}/photos", *TINY_IMAGES_RUN, *IN_WORKSPACE)
# Where a command writes when it is not told (the tests run from the repository).
REPO_DEFAULTS = ("grid.png", "runs", "saved_models")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """The reference-feature cache of each test in its own folder."""
    monkeypatch.setenv("KERAS_GANS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def exports(tmp_path_factory, mnist_dir):
    """Tiny real exports, made once: `exp` (MNIST noise generator, from a
    `train mnist` run that also left `gan.keras`), `cexp` (a conditional
    generator of 3 classes) and `sexp` (a style network)."""
    if not os.path.isdir(PHOTOS):
        pytest.skip("the shared photos are not available")
    root = tmp_path_factory.mktemp("exports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KERAS_GANS_CACHE_DIR", str(root / "cache"))
        trained = run_command(
            *[arg.format(mnist=mnist_dir) for arg in TINY_MNIST],
            "--epochs=1",
            "--steps_per_epoch=2",
            "--notflite",
            f"--output_dir={root / 'run'}",
            f"--export_dir={root / 'models'}",
        )
    assert trained.returncode == 0, trained.stderr[-3000:]
    keras.utils.set_random_seed(0)
    conditional = kg.networks.conditional_dcgan_generator(
        latent_dim=8, num_classes=3, filters=(8, 4)
    )
    kg.export.export_generator(conditional, str(root / "models"), "cond", tflite_files=False)
    style = kg.networks.style_generator(filters=2, residual_blocks=0)
    kg.export.export_generator(
        style, str(root / "models"), "style", tflite_files=False, contract="style"
    )
    return {
        "exp": str(root / "models" / "mnist_mlp"),
        "cexp": str(root / "models" / "cond"),
        "sexp": str(root / "models" / "style"),
        "keras": str(root / "run" / "gan.keras"),
        "models": root / "models",
    }


def snapshot(folder):
    """Every file under `folder`, hidden ones too (relative path -> bytes),
    and every folder and link (-> None)."""
    found = {}
    for root, folders, names in os.walk(folder):
        for name in folders + names:
            path = os.path.join(root, name)
            with_bytes = os.path.isfile(path) and not os.path.islink(path)
            found[os.path.relpath(path, folder)] = open(path, "rb").read() if with_bytes else None
    return found


def repo_defaults():
    return {
        name: sorted(os.listdir(os.path.join(REPO, name)))
        if os.path.isdir(os.path.join(REPO, name))
        else os.path.exists(os.path.join(REPO, name))
        for name in REPO_DEFAULTS
    }


def user_folders(w, keras_path):
    """A user's things, in `w`: real photos (and one as PNG), an empty
    folder, a folder of notes, a file, folders holding the user's own files,
    a truncated `.keras` file and a `.npy` that is not images."""
    photos = sorted(os.listdir(PHOTOS))[:4]  # one batch of TINY_IMAGES_RUN
    (w / "photos").mkdir(parents=True)
    for i, name in enumerate(photos):
        shutil.copy(os.path.join(PHOTOS, name), w / "photos" / f"p{i}.jpg")
    (w / "pngs").mkdir()
    png = tf.io.encode_png(tf.io.decode_jpeg(tf.io.read_file(os.path.join(PHOTOS, photos[0]))))
    (w / "pngs" / "photo.png").write_bytes(png.numpy())
    (w / "empty").mkdir()
    (w / "notes").mkdir()
    (w / "notes" / "notes.txt").write_text("not an image\n")
    (w / "afile").write_text("a user's file\n")
    (w / "backup_user").mkdir()
    (w / "backup_user" / "mine.txt").write_text("the user's, not a backup\n")
    (w / "out_with_backup" / "backup").mkdir(parents=True)
    (w / "out_with_backup" / "backup" / "mine.txt").write_text("the user's backup folder\n")
    (w / "notexp").mkdir()
    (w / "notexp" / "readme.txt").write_text("no model here\n")
    (w / "applied").mkdir()
    (w / "applied" / "p0.png").write_bytes(b"the user's own p0.png")
    whole = open(keras_path, "rb").read()
    (w / "truncated.keras").write_bytes(whole[: len(whole) // 2])
    np.save(w / "wrong.npy", np.linspace(0, 1, 35, dtype=np.float32).reshape(5, 7))


def interrupted_backup(w, paths):
    """`<w>/resume`: a tiny MNIST run stopped by Ctrl-C as its second epoch
    began, so its backup (after epoch 1) waits to be resumed."""

    class CtrlC(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    out = w / "resume"
    with pytest.raises(KeyboardInterrupt):
        kg.jobs.mnist.train(
            arch="mlp",
            g_hidden=(16,),
            d_hidden=(16,),
            latent_dim=8,
            batch_size=8,
            evaluate_every=0,
            epochs=2,
            steps_per_epoch=2,
            export=False,
            data_dir=paths["mnist"],
            output_dir=str(out),
            backup_dir=str(out / "backup"),
            callbacks=[CtrlC()],
            verbose=0,
        )
    metadata = json.loads((out / "backup" / "training_metadata.json").read_text())
    assert metadata["epoch"] == 1


def one_difference(line):
    """The refusal names the one setting that changed, nothing else."""
    differences = line.split("belongs to another run: ")[1].split(". Run it")[0]
    assert ";" not in differences, line


def case(name, args, code=2, phrases=(), allow_new=(), prepare=None, check=None, marks=()):
    """One bad input: `keras-gans *args` ends with `code` and one `error:`
    line holding every phrase; new files only under `allow_new` (paths in
    the user's folder). `{w}` in args and phrases is the user's folder,
    `{mnist}` the MNIST files, `{exp}`/`{cexp}`/`{sexp}`/`{keras}` the
    module's exports."""
    about = dict(
        args=args, code=code, phrases=phrases, allow_new=allow_new, prepare=prepare, check=check
    )
    return pytest.param(about, id=name, marks=marks)


CASES = [
    # --- train ---
    case("train-unknown-job", ("train", "mnsit"), phrases=("unknown job 'mnsit'", "'mnist'")),
    case(
        "train-unknown-flag",
        (*TINY_MNIST, *IN_WORKSPACE, "--epoch=3"),
        phrases=("Unknown command line flag 'epoch'", "--help"),
    ),
    case(
        "train-zero-epochs",
        (*TINY_MNIST, *IN_WORKSPACE, "--epochs=0"),
        phrases=("`epochs` must be at least 1", "epochs=0"),
    ),
    case(
        "train-zero-minutes",
        (*TINY_MNIST, *IN_WORKSPACE, "--max_minutes=0"),
        phrases=("`max_minutes` must be greater than 0",),
    ),
    case(
        "train-five-eval-samples",
        (*TINY_MNIST, *IN_WORKSPACE, "--eval_samples=5"),
        phrases=("`eval_samples` must be at least 10",),
    ),
    case(
        "train-zero-batch",
        (*TINY_MNIST, *IN_WORKSPACE, "--batch_size=0"),
        phrases=("`batch_size` must be at least 1",),
    ),
    case(
        "train-negative-learning-rate",
        (*TINY_MNIST, *IN_WORKSPACE, "--learning_rate=-1"),
        phrases=("`learning_rate` must be greater than 0",),
    ),
    case(
        "train-mnist-has-no-name-flag",
        (*TINY_MNIST, *IN_WORKSPACE, "--name=x"),
        phrases=("Unknown command line flag 'name'",),
    ),
    case(
        "train-name-dotdot",
        (*TINY_IMAGES, "--name=.."),
        phrases=("`name` must be a model name", "name='..'"),
        allow_new=("out",),
    ),
    case(
        "train-name-with-slash",
        (*TINY_IMAGES, "--name=a/b"),
        phrases=("`name` must be a model name", "name='a/b'"),
        allow_new=("out",),
    ),
    case(
        "train-backup-dir-of-user-files",
        (*TINY_MNIST, *IN_WORKSPACE, "--backup_dir={w}/backup_user"),
        phrases=("backup_dir={w}/backup_user", "did not write (mine.txt)", "new or empty folder"),
    ),
    case(
        "train-output-dir-with-users-backup-folder",
        (*TINY_MNIST, "--output_dir={w}/out_with_backup", "--export_dir={w}/exports"),
        phrases=("backup_dir={w}/out_with_backup/backup", "did not write (mine.txt)"),
    ),
    case(
        "train-fresh-on-foreign-backup-dir",
        (*TINY_MNIST, *IN_WORKSPACE, "--fresh", "--backup_dir={w}/backup_user"),
        phrases=("backup_dir={w}/backup_user", "did not write"),
    ),
    case(
        "train-export-dir-is-a-file",
        (*TINY_MNIST, "--output_dir={w}/out", "--export_dir={w}/afile"),
        phrases=("export_dir={w}/afile", "is a file, not a folder"),
        allow_new=("out",),
    ),
    case(
        "train-refused-run-leaves-no-backup-marker",
        (*TINY_MNIST, "--output_dir={w}/out", "--export_dir={w}/afile"),
        phrases=("export_dir={w}/afile",),
    ),
    case(
        "train-output-dir-under-a-file",
        (*TINY_MNIST, "--output_dir={w}/afile/out", "--export_dir={w}/exports"),
        phrases=("output_dir", "{w}/afile is a file, not a folder"),
    ),
    case(
        "train-images-missing-data-dir",
        ("train", "images", "--data_dir={w}/missing", *TINY_IMAGES_RUN, *IN_WORKSPACE),
        phrases=("{w}/missing does not exist",),
    ),
    case(
        "train-images-empty-data-dir",
        ("train", "images", "--data_dir={w}/empty", *TINY_IMAGES_RUN, *IN_WORKSPACE),
        phrases=("{w}/empty holds no image files",),
    ),
    case(
        "train-images-data-dir-of-notes",
        ("train", "images", "--data_dir={w}/notes", *TINY_IMAGES_RUN, *IN_WORKSPACE),
        phrases=("{w}/notes holds no image files",),
    ),
    case(
        "train-audio-empty-data-dir",
        ("train", "audio", "--data_dir={w}/empty", *IN_WORKSPACE),
        phrases=("{w}/empty holds no audio files",),
    ),
    case(
        "train-mnist-missing-data-dir",
        (*TINY_MNIST[:-1], "--data_dir={w}/missing", *IN_WORKSPACE),
        phrases=("Could not load 'mnist' (looked in {w}/missing)", "is not a directory"),
        allow_new=("out",),
    ),
    case(
        "train-images-mnist-reference-on-colour",
        (*TINY_IMAGES, "--reference=mnist_test"),
        phrases=("`reference=mnist_test` scores 28x28 grey images", "16x16x3"),
    ),
    case(
        "train-resume-with-other-settings",
        (
            *TINY_MNIST,
            "--epochs=2",
            "--steps_per_epoch=2",
            "--noexport",
            "--output_dir={w}/resume",
            "--learning_rate=0.001",
        ),
        phrases=(
            "the backup in {w}/resume/backup (after epoch 1) belongs to another run",
            "learning_rate=0.001 (the backup's: ",
            "--fresh",
        ),
        prepare=interrupted_backup,
        check=one_difference,
    ),
    case(
        "train-diverged-run-fails",
        (
            *TINY_MNIST,
            "--epochs=1",
            "--steps_per_epoch=20",
            "--learning_rate=1e30",
            "--notflite",
            *IN_WORKSPACE,
        ),
        code=1,
        phrases=("became nan", "training diverged", "nothing was exported"),
        allow_new=("out",),
    ),
    # --- generate ---
    case(
        "generate-missing-export",
        ("generate", "{w}/nothing", "--out={w}/grid.png"),
        phrases=("{w}/nothing is neither a SavedModel directory",),
    ),
    case(
        "generate-folder-not-an-export",
        ("generate", "{w}/notexp", "--out={w}/grid.png"),
        phrases=("{w}/notexp is neither a SavedModel directory",),
    ),
    case(
        "generate-num-zero",
        ("generate", "{exp}", "--num=0", "--out={w}/grid.png"),
        phrases=("--num=0", "not a positive integer"),
    ),
    case(
        "generate-label-out-of-range",
        ("generate", "{cexp}", "--label=99", "--out={w}/grid.png"),
        phrases=("--label=99 is outside this export's classes", "0 to 2"),
    ),
    case(
        "generate-more-classes-than-the-export",
        ("generate", "{cexp}", "--num_classes=5", "--out={w}/grid.png"),
        phrases=("--num_classes=5 is outside this export's classes",),
    ),
    case(
        "generate-label-on-unconditional-export",
        ("generate", "{exp}", "--label=3", "--out={w}/grid.png"),
        phrases=("--label=3", "is not conditional", "leave --label out"),
    ),
    case(
        "generate-out-under-a-file",
        ("generate", "{exp}", "--out={w}/afile/grid.png"),
        phrases=("--out={w}/afile/grid.png", "{w}/afile is a file, not a folder"),
    ),
    case(
        "generate-existing-out-without-overwrite",
        ("generate", "{exp}", "--num=4", "--out={w}/pngs/photo.png"),
        phrases=("{w}/pngs/photo.png already exists", "--overwrite"),
    ),
    case(
        "generate-images-as-a-film",
        ("generate", "{exp}", "--num=4", "--out={w}/digits.mp4"),
        phrases=("--out={w}/digits.mp4", "only clips move", "images"),
    ),
    case(
        "generate-npy-out-under-a-file",
        ("generate", "{exp}", "--out={w}/afile/deeper/x.npy"),
        phrases=("{w}/afile is a file, not a folder",),
    ),
    case(
        "generate-given-a-style-export",
        ("generate", "{sexp}", "--out={w}/grid.png"),
        phrases=("not a noise generator", "keras-gans apply"),
    ),
    # --- apply ---
    case(
        "apply-missing-export",
        ("apply", "{w}/nothing", "{w}/photos", "--out={w}/applied_new"),
        phrases=("{w}/nothing is neither a SavedModel directory",),
    ),
    case(
        "apply-empty-input-folder",
        ("apply", "{sexp}", "{w}/empty", "--out={w}/applied_new"),
        phrases=("{w}/empty holds no image files",),
    ),
    case(
        "apply-out-is-the-input-folder",
        ("apply", "{sexp}", "{w}/pngs", "--out={w}/pngs", "--overwrite"),
        phrases=("{w}/pngs/photo.png", "one of the inputs", "another --out"),
    ),
    case(
        "apply-existing-output-without-overwrite",
        ("apply", "{sexp}", "{w}/photos", "--out={w}/applied"),
        phrases=("{w}/applied/p0.png", "--overwrite"),
    ),
    case(
        "apply-given-a-noise-export",
        ("apply", "{exp}", "{w}/photos", "--out={w}/applied_new"),
        phrases=("not an image-to-image export", "keras-gans generate"),
    ),
    # --- evaluate ---
    case(
        "evaluate-missing-source",
        ("evaluate", "{w}/nothing.npy", "--data_dir={mnist}"),
        phrases=("{w}/nothing.npy does not exist",),
    ),
    case(
        "evaluate-truncated-keras-file",
        ("evaluate", "{w}/truncated.keras", "--num_samples=20", "--data_dir={mnist}"),
        phrases=("{w}/truncated.keras is not a whole .keras file",),
    ),
    case(
        "evaluate-npy-not-images",
        ("evaluate", "{w}/wrong.npy", "--data_dir={mnist}"),
        phrases=("{w}/wrong.npy holds an array of shape (5, 7)", "expected images"),
    ),
    case(
        "evaluate-missing-reference",
        ("evaluate", "{exp}", "--reference={w}/nothing", "--num_samples=20"),
        phrases=("The reference {w}/nothing does not exist",),
    ),
    # --- train-classifier ---
    case(
        "train-classifier-missing-data-dir",
        ("train-classifier", "--data_dir={w}/missing", "--output_dir={w}/classifier"),
        phrases=("--data_dir={w}/missing does not exist", "one subfolder"),
    ),
    case(
        "train-classifier-images-without-class-folders",
        ("train-classifier", "--data_dir={w}/photos", "--output_dir={w}/classifier"),
        phrases=("{w}/photos holds images but no class subfolders",),
    ),
    case(
        "train-classifier-empty-folder",
        ("train-classifier", "--data_dir={w}/empty", "--output_dir={w}/classifier"),
        phrases=("--data_dir={w}/empty holds neither class subfolders",),
    ),
    # --- info ---
    case(
        "info-missing-export",
        ("info", "{w}/nothing"),
        phrases=("{w}/nothing is neither a SavedModel directory",),
    ),
    case(
        "info-folder-not-an-export",
        ("info", "{w}/notexp"),
        phrases=("{w}/notexp is neither a SavedModel directory",),
    ),
    case("info-given-a-file", ("info", "{w}/afile"), phrases=("{w}/afile is neither",)),
]


@pytest.mark.parametrize("about", CASES)
def test_bad_input_is_one_error_line_and_leaves_the_users_files(
    about, exports, mnist_dir, tmp_path
):
    w = tmp_path / "user"
    paths = {**exports, "w": str(w), "mnist": mnist_dir}
    user_folders(w, exports["keras"])
    try:
        if about["prepare"] is not None:
            about["prepare"](w, paths)
        before, models, defaults = snapshot(w), snapshot(exports["models"]), repo_defaults()

        result = run_command(*[arg.format(**paths) for arg in about["args"]])

        lines = [line for line in result.stderr.splitlines() if line.strip()]
        shown = (result.returncode, result.stdout[-2000:], result.stderr[-3000:])
        assert result.returncode == about["code"], shown
        assert "Traceback" not in result.stderr, shown
        assert len(lines) == 1 and lines[0].startswith("error: "), shown
        for phrase in about["phrases"]:
            assert phrase.format(**paths) in lines[0], (phrase.format(**paths), lines[0])
        if about["check"] is not None:
            about["check"](lines[0])
        after = snapshot(w)
    finally:
        if (w / "notes").exists():
            os.chmod(w / "notes", 0o700)
    changed = sorted(p for p, data in before.items() if after.get(p, b"gone") != data)
    assert not changed, changed  # not a byte of the user's files changed, none deleted
    allowed = about["allow_new"]
    new = sorted(
        p
        for p in set(after) - set(before)
        if not any(p == a or p.startswith(os.path.join(a, "")) for a in allowed)
    )
    assert not new, new
    assert snapshot(exports["models"]) == models  # the exports read, never written
    assert repo_defaults() == defaults  # nothing written in the repository


def test_a_damaged_reference_cache_is_recomputed_with_a_warning(
    mnist_dir, tmp_path, private_cache, monkeypatch, caplog
):
    """A cache file cut short: a warning, exit 0, the same scores as with a
    fresh cache, and a whole cache file again."""
    images, _ = kg.data.load_arrays("test", "mnist", mnist_dir)
    np.save(tmp_path / "reference.npy", images[:200])
    np.save(tmp_path / "samples.npy", images[200:300])
    args = (
        "evaluate",
        tmp_path / "samples.npy",
        f"--reference={tmp_path / 'reference.npy'}",
        f"--classifier_dir={classifier_lib.default_classifier_dir('mnist')}",
    )
    first = run_command(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    (cache,) = glob.glob(str(private_cache / "reference_*.npz"))
    whole = open(cache, "rb").read()
    with open(cache, "wb") as f:
        f.write(whole[: len(whole) // 2])
    inputs = (tmp_path / "samples.npy").read_bytes(), (tmp_path / "reference.npy").read_bytes()

    damaged = run_command(*args)
    assert damaged.returncode == 0, damaged.stderr[-3000:]
    assert "Traceback" not in damaged.stderr
    # Logged (under pytest the log goes to caplog, not to stderr).
    warning = f"The reference feature cache {cache} is unreadable (BadZipFile"
    assert warning in caplog.text and "recomputing" in caplog.text, caplog.text
    monkeypatch.setenv("KERAS_GANS_CACHE_DIR", str(tmp_path / "fresh_cache"))
    fresh = run_command(*args)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    result = json.loads(damaged.stdout.strip().splitlines()[-1])
    assert result == json.loads(fresh.stdout.strip().splitlines()[-1])
    assert result == json.loads(first.stdout.strip().splitlines()[-1])
    assert result["reference_cache"] == "written" and result["num_reference"] == 200
    with np.load(cache) as rewritten:  # a whole file again
        assert rewritten["features"].shape[0] == 200
    assert ((tmp_path / "samples.npy").read_bytes(), (tmp_path / "reference.npy").read_bytes()) == (
        inputs
    )
