"""`RunBackup`: Keras's `BackupAndRestore` in a folder keras_gans owns.

Keras's own callback deletes its whole `backup_dir` with `rmtree` when
training ends, writes its weights and its epoch as two files (a kill between
them pairs one epoch's weights with another's number), and keeps nothing of
the callbacks' state. A run's backup here:

- lives in a folder marked as keras_gans's (`MARKER_FILE`): a folder that
  holds anything else is refused, never written into or deleted;
- commits each epoch with one atomic write of `training_metadata.json`, which
  names the weights file and the callbacks' state written before it, so a
  kill at any moment leaves the previous complete backup;
- records the run's identity (its settings and a fingerprint of its data):
  a rerun with other settings or other data is refused with the way out
  (the old settings, or `fresh=True`);
- carries the state of the callbacks that ask for it (evaluation history and
  best generator, loss log, the pictures written), so a resumed run ends as
  an uninterrupted one;
- is removed by `remove_backup`, file by file, only after the run's results
  are saved: the end of `fit` leaves it in place.
"""

import fnmatch
import glob
import json
import os
import uuid

import keras
import numpy as np

from keras_gans.utils import files
from keras_gans.utils import keras_internals

MARKER_FILE = ".keras_gans_backup"
METADATA_FILE = keras_internals.BACKUP_METADATA_FILE
# What this module writes in a backup folder, and all it ever deletes there
# (`atomic_path` temporaries start with "." and end in ".tmp...").
_OWN_PATTERNS = (
    MARKER_FILE,
    METADATA_FILE,
    "weights-*.weights.h5",
    "state-*.npz",
    f".{MARKER_FILE}.*.tmp*",
    f".{METADATA_FILE}.*.tmp*",
    ".weights-*.tmp*",
    ".state-*.tmp*",
)
# What Keras's own `BackupAndRestore` writes, as keras_gans runs before 0.x
# (2b69a83 and earlier) left it in `<output_dir>/backup`: a folder holding
# only these is taken over (it cannot be resumed: it records no identity).
_KERAS_BACKUP_FILES = (
    "latest.weights.h5",
    "latest.weights.h5.bkp",
    METADATA_FILE,
    f"{METADATA_FILE}.bkp",
)


def _is_ours(name):
    return any(fnmatch.fnmatch(name, p) for p in _OWN_PATTERNS + _KERAS_BACKUP_FILES)


def is_backup_folder(backup_dir):
    """True when `backup_dir` holds keras_gans's marker file."""
    return os.path.isfile(os.path.join(backup_dir, MARKER_FILE))


def read_metadata(backup_dir):
    """The committed metadata of a backup (`epoch`, `weights`, `identity`,
    ...), or `None` when there is none to resume."""
    path = os.path.join(backup_dir, METADATA_FILE)
    if not is_backup_folder(backup_dir) or not os.path.isfile(path):
        return None
    try:
        with open(path) as f:
            metadata = json.load(f)
    except ValueError as e:
        raise ValueError(
            f"the backup in {backup_dir} cannot be read ({path}: {e}): start over with "
            "--fresh (fresh=True)."
        ) from e
    needed = [metadata.get("weights") or "", metadata.get("arrays")]
    for name in needed:
        if name is not None and not os.path.isfile(os.path.join(backup_dir, name)):
            return None
    return metadata


def backup_epoch(backup_dir):
    """The epoch a run resumes at from `backup_dir` (0: nothing to resume)."""
    metadata = read_metadata(backup_dir) if backup_dir else None
    return int(metadata["epoch"]) if metadata else 0


def check_folder(backup_dir):
    """Refuses a `backup_dir` that is a file or holds files keras_gans did
    not write; writes nothing (the folder is claimed at the first backup).

    Raises:
        ValueError: `backup_dir` is a file, or a folder of other files.
    """
    if os.path.exists(backup_dir) and not os.path.isdir(backup_dir):
        raise ValueError(f"backup_dir={backup_dir} is a file: name a new or empty folder.")
    if os.path.isdir(backup_dir) and not is_backup_folder(backup_dir):
        others = sorted(name for name in os.listdir(backup_dir) if not _is_ours(name))
        if others:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise ValueError(
                f"backup_dir={backup_dir} holds files keras_gans did not write ({shown}): "
                "name a new or empty folder for the backup (keras_gans removes its backup "
                "when a run ends, so it never shares the folder)."
            )


def claim_folder(backup_dir):
    """Makes `backup_dir` keras_gans's backup folder (`check_folder` first):
    a new or empty folder gets the marker; a marked one is ours already."""
    check_folder(backup_dir)
    if not is_backup_folder(backup_dir):
        os.makedirs(backup_dir, exist_ok=True)
        files.write_json(os.path.join(backup_dir, MARKER_FILE), {"written_by": "keras_gans"})


def remove_backup(backup_dir):
    """Deletes what keras_gans wrote in `backup_dir`, then the folder if it
    is left empty. A folder without the marker is not touched.

    Returns:
        True when the folder is gone.
    """
    if not backup_dir or not is_backup_folder(backup_dir):
        return False
    ours = set()
    for pattern in _OWN_PATTERNS + _KERAS_BACKUP_FILES:
        ours.update(glob.glob(os.path.join(glob.escape(backup_dir), pattern)))
    # The commit point first (a crash midway leaves nothing to resume, not a
    # backup missing its parts), the marker last (the folder stays ours).
    metadata = os.path.join(backup_dir, METADATA_FILE)
    marker = os.path.join(backup_dir, MARKER_FILE)
    for path in [metadata, *sorted(ours - {metadata, marker}), marker]:
        if os.path.isfile(path):
            os.remove(path)
    try:
        os.rmdir(backup_dir)
    except OSError:  # someone put files there since: they stay
        return False
    return True


def identity_differences(saved, current):
    """What differs between a backup's identity and a run's, as readable
    phrases (empty when they agree)."""
    differences = []
    saved_settings, settings = saved.get("settings", {}), current.get("settings", {})
    for key in sorted(set(saved_settings) | set(settings)):
        if saved_settings.get(key) != settings.get(key):
            differences.append(
                f"{key}={settings.get(key)!r} (the backup's: {saved_settings.get(key)!r})"
            )
    if saved.get("data") != current.get("data"):
        differences.append("the training data (other files, or changed ones)")
    return differences


class BacksUpAttributes:
    """Mixin: a callback whose `backed_up` attributes (JSON values, e.g. the
    files it has written) are part of the run's backup (`RunBackup`)."""

    backed_up = ("paths",)

    def backup_state(self):
        return {name: getattr(self, name) for name in self.backed_up}

    def restore_state(self, state):
        for name in self.backed_up:
            setattr(self, name, state[name])


class RunBackup(keras.callbacks.BackupAndRestore):
    """Backs up a run every epoch into a folder keras_gans owns; resumes it.

    Put it last among the callbacks: it saves the state the others have
    reached at the end of each epoch, and restores theirs after their own
    `on_train_begin`.

    Args:
        backup_dir: str. The backup folder: new, empty, or a keras_gans
            backup (checked here, before training; made and marked at the
            first backup).
        identity: dict (JSON-friendly): what makes two runs the same run,
            e.g. `{"settings": {...}, "data": "<fingerprint>"}`. A backup
            with another identity is refused. Defaults to `{}`.
        state: dict of name -> callback with `backup_state()` (a dict of
            JSON values and NumPy arrays) and `restore_state(state)`.
            Defaults to `{}`.
        fresh: bool. Start over: the backup in the folder is neither checked
            nor restored, and the first epoch's backup replaces it. Defaults
            to `False`.

    Attributes:
        resume_epoch: int. The epoch training resumes at (0: from the start).

    Raises:
        ValueError: the folder holds other files, or the backup in it was
            made with another identity.
    """

    def __init__(self, backup_dir, identity=None, state=None, fresh=False):
        super().__init__(os.fspath(backup_dir), delete_checkpoint=False)
        check_folder(self.backup_dir)
        if os.path.isdir(self.backup_dir) and not is_backup_folder(self.backup_dir):
            if any(name in _KERAS_BACKUP_FILES for name in os.listdir(self.backup_dir)):
                print(
                    f"note: {self.backup_dir} holds a backup by an older keras_gans, which "
                    "records no settings to check and is not resumed: this run starts over "
                    "and replaces it."
                )
        # As the metadata file will hold it, so the two compare equal.
        self.identity = json.loads(json.dumps(identity or {}, default=files.json_default))
        self.state = dict(state or {})
        metadata = None if fresh else read_metadata(self.backup_dir)
        if metadata is not None:
            differences = identity_differences(metadata.get("identity", {}), self.identity)
            if differences:
                raise ValueError(
                    f"the backup in {self.backup_dir} (after epoch {metadata['epoch']}) belongs "
                    f"to another run: {'; '.join(differences)}. Run it with its own settings "
                    "and data to resume, or start over with --fresh (fresh=True)."
                )
        self._metadata = metadata
        self.resume_epoch = int(metadata["epoch"]) if metadata else 0

    def saved_state(self, name):
        """The JSON part of the state the backup holds for the callback
        `name` of `state` (`{}` when there is none, or no backup)."""
        if self._metadata is None:
            return {}
        return dict(self._metadata.get("state", {}).get(name, {}))

    def on_train_begin(self, logs=None):
        if self._metadata is None:
            return  # nothing to restore: never load a backup we were told to ignore
        self._weights_path = os.path.join(self.backup_dir, self._metadata["weights"])
        try:
            super().on_train_begin(logs)
            arrays = {}
            if self._metadata.get("arrays"):
                path = os.path.join(self.backup_dir, self._metadata["arrays"])
                with np.load(path, allow_pickle=False) as stored:
                    arrays = {key: stored[key] for key in stored.files}
        except Exception as e:  # noqa: BLE001  any damage: the same way out
            # A committed file is whole when written (atomic), so only damage
            # after the fact (a disk fault, a hand edit, changed networks)
            # lands here.
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ValueError(
                f"the backup in {self.backup_dir} cannot be read ({reason}): start over with "
                "--fresh (fresh=True)."
            ) from e
        for name, callback in self.state.items():
            saved = dict(self._metadata.get("state", {}).get(name, {}))
            prefix = f"{name}/"
            saved.update({k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)})
            if saved:
                callback.restore_state(saved)

    def _save_model(self):
        claim_folder(self.backup_dir)  # checked when made; written at the first backup
        tag = f"{self._current_epoch:05d}-{uuid.uuid4().hex[:8]}"
        weights = f"weights-{tag}.weights.h5"
        with files.atomic_path(os.path.join(self.backup_dir, weights), ".weights.h5") as tmp:
            self.model.save_weights(tmp)
        states, arrays = {}, {}
        for name, callback in self.state.items():
            states[name] = {}
            for key, value in callback.backup_state().items():
                if isinstance(value, np.ndarray):
                    arrays[f"{name}/{key}"] = value
                else:
                    states[name][key] = value
        arrays_file = None
        if arrays:
            arrays_file = f"state-{tag}.npz"
            with files.atomic_path(os.path.join(self.backup_dir, arrays_file), ".npz") as tmp:
                np.savez(tmp, **arrays)
        metadata = {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen,
            "weights": weights,
            "arrays": arrays_file,
            "identity": self.identity,
            "state": states,
        }
        # The commit point: before it the previous backup stands, after it this one.
        files.write_json(os.path.join(self.backup_dir, METADATA_FILE), metadata)
        self._metadata = metadata
        self._remove_superseded(keep={weights, arrays_file})

    def _remove_superseded(self, keep):
        for pattern in ("weights-*.weights.h5", "state-*.npz"):
            for path in glob.glob(os.path.join(glob.escape(self.backup_dir), pattern)):
                if os.path.basename(path) not in keep:
                    os.remove(path)
