"""What every `keras-gans` command shares: parsing its flags into a fresh
`absl.flags.FlagValues` (so commands run in one process side by side, as the
tests run them), `--help`, and one-line errors with exit codes."""

import difflib
import sys

from absl import flags

from keras_gans import export

# Exit codes: 0 done, 1 the work failed (a diverged run), 2 bad input (a flag,
# a path, a kind of export): the line printed says what to fix.
OK, FAILED, BAD_INPUT = 0, 1, 2


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


def load_export(path):
    """`(saved_model_dir, serving_default or None)` of an export; a missing
    one is a `UsageError` naming the path."""
    try:
        return export.load_serving(path)
    except FileNotFoundError as e:
        raise UsageError(e) from None
