r"""`keras-gans`: one command for training, drawing, applying and measuring GANs.

    keras-gans train mnist|images|audio|vocoder|style|super-resolution|inpainting [flags]
    keras-gans generate EXPORT_OR_PRESET [--num=64] [--label=3] [--out=grid.png]
    keras-gans apply EXPORT IMAGES_OR_RECORDINGS... [--out=DIR]
    keras-gans evaluate SOURCE [--reference=mnist_test]
    keras-gans project EXPORT IMAGES... [--out=DIR]
    keras-gans directions EXPORT [--out=directions.png]
    keras-gans train-classifier --data_dir=DIR [--output_dir=DIR]
    keras-gans info EXPORT

`keras-gans COMMAND --help` lists a command's flags. The same runs as
`python -m keras_gans`, and in Python as `keras_gans.cli.main([...])`, which
returns the exit status (0 done, 1 the work failed, 2 bad input, 130
interrupted), after one `error:` line for anything but 0: never a traceback
for a user's mistake.
"""

import sys

from absl import flags

from keras_gans.cli import apply
from keras_gans.cli import directions
from keras_gans.cli import evaluate
from keras_gans.cli import generate
from keras_gans.cli import info
from keras_gans.cli import project
from keras_gans.cli import train
from keras_gans.cli import train_classifier
from keras_gans.cli.common import BAD_INPUT
from keras_gans.cli.common import exit_status
from keras_gans.cli.common import report
from keras_gans.cli.common import suggest

__all__ = ["COMMANDS", "main"]

# Command name -> module with `SUMMARY` and `main(args) -> exit status`.
COMMANDS = {
    "train": train,
    "generate": generate,
    "apply": apply,
    "evaluate": evaluate,
    "project": project,
    "directions": directions,
    "train-classifier": train_classifier,
    "info": info,
}


def _usage():
    lines = ["usage: keras-gans COMMAND [args] [flags]", "", "commands:"]
    lines += [f"  {name:<17} {module.SUMMARY}" for name, module in COMMANDS.items()]
    lines += ["", "`keras-gans COMMAND --help` lists a command's flags."]
    return "\n".join(lines)


def main(argv=None):
    """Runs one `keras-gans` command line; returns its exit status.

    Args:
        argv: the arguments after the program name. Defaults to
            `sys.argv[1:]`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    # Library code logs through absl; without a parsed global FLAGS absl
    # warns on every first log line.
    if not flags.FLAGS.is_parsed():
        flags.FLAGS.mark_as_parsed()
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if argv else BAD_INPUT
    name, args = argv[0], argv[1:]
    if name not in COMMANDS:
        return report(
            f"unknown command {name!r}.{suggest(name, COMMANDS)} Commands: "
            + ", ".join(COMMANDS)
            + "."
        )
    try:
        return COMMANDS[name].main(args)
    except (Exception, KeyboardInterrupt) as e:
        status = exit_status(e)
        if status is None:  # a bug, not an input or a failed run: its traceback helps
            raise
        return status


def run():
    """The `keras-gans` console script."""
    sys.exit(main())
