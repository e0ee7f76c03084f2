"""Writing files so that a crash, a Ctrl-C or a second run at the same time
never leaves a half-written file where a good one was.

Every file keras_gans replaces goes through `atomic_path` (or its
shorthands): the new content is written to a temporary file with a unique
name in the same folder, then moved over the old file with `os.replace`,
which is atomic on POSIX and Windows. Two concurrent runs never share a
temporary name, and a failed write leaves the old file untouched and no
temporary file behind.
"""

import contextlib
import json
import os
import tempfile

__all__ = ["atomic_path", "json_default", "write_bytes", "write_json", "write_text"]


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yields a unique temporary path beside `path`; on success moves it
    over `path`, on an exception removes it.

    Args:
        path: str. The file to write (its folder is created).
        suffix: str. The temporary file's ending, for writers that insist on
            one (e.g. `".keras"`, `".npz"`). Defaults to `""`.

    Example:

        >>> with atomic_path("gan.keras", suffix=".keras") as tmp:
        ...     model.save(tmp)
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{os.path.basename(path)}.", suffix=f".tmp{suffix}", dir=folder
    )
    os.close(fd)
    try:
        yield tmp
        # mkstemp makes the file private (0600): give it the mode the file
        # it replaces had, or the one a plain `open` would have given.
        os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def _read_umask():
    # The only way to read it is to set it: done once, at import, before any
    # thread of ours could create a file in between.
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _mode_of(path):
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def write_bytes(path, data):
    """Writes `data` (bytes) to `path` atomically; returns `path`."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return path


def write_text(path, text):
    """Writes `text` (UTF-8) to `path` atomically; returns `path`."""
    return write_bytes(path, text.encode("utf-8"))


def json_default(value):
    """`json.dumps`'s fallback: NumPy arrays and scalars as lists and numbers,
    anything else as its `str`."""
    return value.tolist() if hasattr(value, "tolist") else str(value)


def write_json(path, value, **dumps_kwargs):
    """Writes `value` as indented JSON to `path` atomically; returns `path`."""
    options = {"indent": 1, "default": json_default, **dumps_kwargs}
    return write_text(path, json.dumps(value, **options))
