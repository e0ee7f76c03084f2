"""What every `keras-gans` command shares: parsing its flags into a fresh
`absl.flags.FlagValues` (so commands run in one process side by side, as the
tests run them), `--help`, and one-line errors with exit codes."""

import difflib
import sys

import tensorflow as tf
from absl import flags

from keras_gans import export

# Exit codes: 0 done, 1 the work failed (a diverged run), 2 bad input (a flag,
# a path, a kind of export): the line printed says what to fix (`exit_status`).
OK, FAILED, BAD_INPUT = 0, 1, 2
# A run stopped with Ctrl-C, as shells report SIGINT.
INTERRUPTED = 130


class UsageError(Exception):
    """Bad input on the command line: printed as one `error:` line, exit 2."""


def suggest(word, choices):
    """`" Did you mean 'x'?"` for the nearest of `choices`, or `""`."""
    nearest = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" Did you mean {nearest[0]!r}?" if nearest else ""


def parse(prog, usage, args, define):
    """Parses `args` with the flags `define(flag_values)` declares.

    Returns:
        `(flag_values, positional_args)`, or `None` after printing the help
        for `--help` / `-h`.

    Raises:
        UsageError: an unknown flag (with the nearest known one) or a bad
            value.
    """
    flag_values = flags.FlagValues()
    define(flag_values)
    if any(arg in ("--help", "-h", "--helpfull", "-?") for arg in args):
        print(f"usage: {usage}\n")
        print(flag_values.get_help(include_special_flags=False) or "(no flags)")
        return None
    try:
        positional = flag_values([prog, *args])[1:]
    except flags.Error as e:
        raise UsageError(f"{e} (`{prog} --help` lists the flags)") from None
    return flag_values, positional


def only_argument(positional, what, usage):
    """The one positional argument, or a `UsageError` naming what it should be."""
    if len(positional) != 1:
        raise UsageError(f"name one {what}: `{usage}`.")
    return positional[0]


def report(error, code=BAD_INPUT):
    """Prints `error` as one line on stderr; returns `code`."""
    print(f"error: {error}", file=sys.stderr)
    return code


# Exceptions that mean the input was wrong (a flag, a path, a missing extra,
# a folder that is not ours to write): exit 2. `PermissionError` and
# `FileExistsError` are `OSError`s too, so this check comes first.
BAD_INPUT_ERRORS = (
    UsageError,
    ValueError,
    FileNotFoundError,
    FileExistsError,
    NotADirectoryError,
    IsADirectoryError,
    PermissionError,
    ImportError,
)
# Exceptions that mean the work itself failed (a diverged run, a full disk, a
# TensorFlow runtime error): exit 1.
FAILED_ERRORS = (FloatingPointError, RuntimeError, OSError, tf.errors.OpError)


def exit_status(error):
    """The command line's contract for an exception raised by a command:
    one `error:` line on stderr and the exit status (2 bad input, 1 a failed
    run, 130 interrupted), or `None` for an exception that is a bug (its
    traceback is what a bug report needs)."""
    if isinstance(error, KeyboardInterrupt):
        print(
            "interrupted: files already written are intact; a training run resumes from "
            "its backup when the same command runs again.",
            file=sys.stderr,
        )
        return INTERRUPTED
    if isinstance(error, tf.errors.OpError):
        return report(_first_line(error), FAILED)
    if isinstance(error, BAD_INPUT_ERRORS):
        return report(_first_line(error), BAD_INPUT)
    if isinstance(error, FAILED_ERRORS):
        return report(_first_line(error), FAILED)
    return None


def _first_line(error):
    """An exception's message as one line: a TensorFlow error's first line
    (the rest is its graph's stack), any other's lines joined."""
    if isinstance(error, OSError) and getattr(error, "filename", None) and error.strerror:
        return f"{error.strerror}: {error.filename}"
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if isinstance(error, tf.errors.OpError):
        lines = lines[:1]
    return " ".join(lines) or type(error).__name__


def load_export(path):
    """`(saved_model_dir, serving_default or None)` of an export; a missing
    one is a `UsageError` naming the path."""
    try:
        return export.load_serving(path)
    except FileNotFoundError as e:
        raise UsageError(e) from None
