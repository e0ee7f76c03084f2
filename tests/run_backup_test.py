"""`RunBackup`: a backup folder keras_gans owns, commits whole, resumes only
its own run, carries the callbacks' state, and is removed file by file."""

import json
import os

import keras
import numpy as np
import pytest

from keras_gans.callbacks import run_backup
from keras_gans.callbacks.run_backup import RunBackup
from keras_gans.utils import files

X, Y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")


def model():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    return m


class Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt


class Counter(run_backup.BacksUpAttributes, keras.callbacks.Callback):
    """A callback with state: the epochs it has seen, and an array."""

    backed_up = ("seen",)

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(epoch)


def fit(backup_dir, epochs, *callbacks, identity=None, fresh=False, state=None):
    backup = RunBackup(backup_dir, identity or {"settings": {"lr": 1}}, state, fresh=fresh)
    m = model()
    m.fit(X, Y, epochs=epochs, verbose=0, callbacks=[*callbacks, backup])
    return m, backup


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="holds files keras_gans did not write.*notes.txt"):
        RunBackup(str(tmp_path))
    assert os.listdir(tmp_path) == ["notes.txt"]
    assert not run_backup.remove_backup(str(tmp_path))  # not ours: nothing deleted
    assert (tmp_path / "notes.txt").read_text() == "mine"
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        RunBackup(str(tmp_path / "file"))


def test_resume_restores_the_epoch_and_the_callbacks_state(tmp_path):
    backup_dir = str(tmp_path / "backup")
    counter = Counter()
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 4, counter, Interrupt(2), state={"counter": counter})
    assert run_backup.backup_epoch(backup_dir) == 2
    # Only keras_gans's files: the marker, the commit point, one weights file.
    names = sorted(os.listdir(backup_dir))
    assert names[:2] == [run_backup.MARKER_FILE, "training_metadata.json"]
    assert len(names) == 3 and names[2].startswith("weights-00002-")

    resumed = Counter()
    _, backup = fit(backup_dir, 4, resumed, state={"counter": resumed})
    assert backup.resume_epoch == 2
    assert resumed.seen == [0, 1, 2, 3]  # restored [0, 1], then epochs 2 and 3
    # The end of `fit` leaves the backup: the run's results are not saved yet.
    assert run_backup.backup_epoch(backup_dir) == 4
    assert run_backup.remove_backup(backup_dir) and not os.path.exists(backup_dir)


def test_another_runs_backup_is_refused_with_the_way_out_and_fresh_ignores_it(tmp_path):
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 3, Interrupt(1), identity={"settings": {"lr": 1}, "data": "a"})
    with pytest.raises(ValueError) as error:
        RunBackup(backup_dir, {"settings": {"lr": 2}, "data": "b"})
    message = str(error.value)
    assert "belongs to another run" in message and "lr=2 (the backup's: 1)" in message
    assert "the training data" in message and "--fresh" in message
    before = sorted(os.listdir(backup_dir))
    backup = RunBackup(backup_dir, {"settings": {"lr": 2}, "data": "b"}, fresh=True)
    assert backup.resume_epoch == 0
    assert sorted(os.listdir(backup_dir)) == before  # fresh deletes nothing by itself


def test_a_save_that_fails_before_its_commit_leaves_the_previous_backup(tmp_path, monkeypatch):
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 4, Interrupt(2))
    committed = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_json", fail)  # the commit of epoch 3 fails
    with pytest.raises(OSError, match="disk full"):
        fit(backup_dir, 4)
    monkeypatch.undo()
    assert json.loads((tmp_path / "backup" / "training_metadata.json").read_text()) == committed
    assert os.path.isfile(os.path.join(backup_dir, committed["weights"]))
    _, backup = fit(backup_dir, 4)
    assert backup.resume_epoch == 2


def test_removal_keeps_what_a_user_put_in_the_backup_folder(tmp_path):
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 3, Interrupt(1))
    (tmp_path / "backup" / "mine.txt").write_text("mine")
    assert not run_backup.remove_backup(backup_dir)
    assert os.listdir(backup_dir) == ["mine.txt"]


def test_a_damaged_backup_is_a_clear_error_naming_fresh(tmp_path):
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 3, Interrupt(1))
    weights = os.path.join(backup_dir, run_backup.read_metadata(backup_dir)["weights"])
    with open(weights, "rb") as f:
        data = f.read()
    with open(weights, "wb") as f:
        f.write(data[: len(data) // 2])  # a disk fault: committed files are whole when written
    with pytest.raises(ValueError, match="cannot be read.*--fresh"):
        fit(backup_dir, 3)


def test_a_backup_of_an_older_keras_gans_is_taken_over_not_refused(tmp_path, capsys):
    # What Keras's own BackupAndRestore wrote for keras_gans up to 2b69a83.
    old = tmp_path / "backup"
    old.mkdir()
    (old / "latest.weights.h5").write_bytes(b"old weights")
    (old / "training_metadata.json").write_text('{"epoch": 2, "batch": -1}')
    _, backup = fit(str(old), 2)
    assert backup.resume_epoch == 0 and "older keras_gans" in capsys.readouterr().out
    assert run_backup.remove_backup(str(old)) and not old.exists()


def test_a_backup_missing_its_state_file_is_not_resumed(tmp_path):
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        fit(backup_dir, 3, Counter(), Interrupt(1), state={"counter": Counter()})
    # Counter's state is JSON; give the backup an arrays file, then lose it.
    metadata = run_backup.read_metadata(backup_dir)
    metadata["arrays"] = "state-00001-gone.npz"
    files.write_json(os.path.join(backup_dir, run_backup.METADATA_FILE), metadata)
    assert run_backup.read_metadata(backup_dir) is None
    assert run_backup.backup_epoch(backup_dir) == 0


def test_a_backup_folder_holding_the_output_folder_is_refused(tmp_path):
    from keras_gans.jobs.plumbing import run as run_lib

    with pytest.raises(ValueError, match="would hold the run's own files"):
        run_lib.check_apart(str(tmp_path), str(tmp_path))
    with pytest.raises(ValueError, match="would hold the run's own files"):
        run_lib.check_apart(str(tmp_path), str(tmp_path / "run"))
    run_lib.check_apart(str(tmp_path / "run" / "backup"), str(tmp_path / "run"))
