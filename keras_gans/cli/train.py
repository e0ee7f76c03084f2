"""`keras-gans train JOB [flags]`: one of `keras_gans.jobs.JOBS`, its flags
generated from its config."""

import json
import os
import sys

from absl import flags

from keras_gans import export
from keras_gans.callbacks import run_backup
from keras_gans.cli.common import BAD_INPUT
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import parse
from keras_gans.cli.common import suggest
from keras_gans.jobs import JOBS
from keras_gans.jobs.plumbing import run as run_lib
from keras_gans.jobs.plumbing import settings

SUMMARY = f"Train a GAN: {', '.join(JOBS)}."


def config_class(job):
    """The config dataclass of a job module."""
    return type(job.DEFAULT)


BACKUP_FOLDER = "backup"


def plan_backup(config, overrides):
    """How a rerun of the same command goes on: `(overrides, message, finished)`.

    Every job can resume (a `ResumableConfig`; style from folders, not from
    TFDS) and backs up into `<output_dir>/backup` unless told otherwise, so
    running the command again continues from the last epoch; a folder whose
    run finished (its `summary.json`, no backup) is left alone unless
    `fresh`. Nothing is deleted here: `fresh` only tells the run not to
    restore the backup, which its first epoch then replaces. Multi-worker
    runs keep their explicit `--backup_dir` (each worker must name one).
    """
    resumable = isinstance(config, settings.ResumableConfig)
    if not resumable or getattr(config, "strategy", None) == "multi_worker":
        return overrides, None, False
    output_dir = config.output_dir_for(config.run_name)
    backup = overrides.get("backup_dir") or os.path.join(output_dir, BACKUP_FOLDER)
    overrides = {**overrides, "backup_dir": backup}
    if config.fresh:
        return overrides, None, False
    epoch = run_backup.backup_epoch(backup)
    if epoch:
        message = f"resuming {output_dir} from its backup after epoch {epoch} (--fresh starts over)"
        return overrides, message, False
    check_other_run(config, output_dir, explicit_name="name" in overrides)
    if os.path.isfile(os.path.join(output_dir, "summary.json")):
        message = (
            f"{output_dir} holds a finished run (summary.json): nothing to resume. Pass --fresh "
            "to train it again, or another --output_dir."
        )
        return overrides, message, True
    return overrides, None, False


def check_other_run(config, output_dir, explicit_name):
    """Refuses a run whose output folder or export name belongs to a run on
    other data folders: two folders named alike (`a/train`, `b/train`) get
    the same default name, and must not share a run folder or mix their
    exports under one model name."""
    folders = run_lib.data_folders(config)
    if not folders:
        return
    summary_path = os.path.join(output_dir, "summary.json")
    if os.path.isfile(summary_path):
        with open(summary_path) as f:
            theirs = json.load(f).get("data_folders")
        if theirs and theirs != folders:
            raise UsageError(
                f"{output_dir} holds the run of other data ({', '.join(theirs)}): pass "
                "another --output_dir (and --name) to keep both, or --fresh to train over it."
            )
    if explicit_name or not config.export or "name" not in type(config).__dataclass_fields__:
        return  # a chosen name, no export, or a job's fixed name (super_resolution)
    model_dir = os.path.join(os.path.expanduser(config.export_dir), config.run_name)
    if not export.versions(model_dir):
        return
    theirs = (export.read_asset(model_dir, export.TRAINING_ASSET) or {}).get("data_folders")
    if theirs and theirs != folders:
        raise UsageError(
            f"{model_dir} holds exports trained on other data ({', '.join(theirs)}): pass "
            "--name to name this model, or --name with the same name to add a version to it."
        )


def job_flags(name):
    """`define(flag_values)` of `keras-gans train <name>`: the job's config
    fields and `--dry_run`."""
    job = JOBS[name]
    config_type = config_class(job)

    def define(flag_values):
        settings.define_flags(config_type, job.PRESETS, flag_values=flag_values, skip=("verbose",))
        flags.DEFINE_bool(
            "dry_run",
            False,
            "Print the run's settings, resolved (what the data and this machine decide "
            "included), as JSON and exit.",
            flag_values=flag_values,
        )

    return define


def _usage():
    lines = ["usage: keras-gans train JOB [flags]", "", "jobs:"]
    lines += [f"  {name:<17} {job.ABOUT}" for name, job in JOBS.items()]
    lines += ["", "`keras-gans train JOB --help` lists the job's flags and defaults."]
    return "\n".join(lines)


def main(args):
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else BAD_INPUT
    name = args[0]
    if name not in JOBS:
        raise UsageError(f"unknown job {name!r}.{suggest(name, JOBS)} Jobs: {', '.join(JOBS)}.")
    job = JOBS[name]
    define = job_flags(name)
    parsed = parse(f"keras-gans train {name}", f"keras-gans train {name} [flags]", args[1:], define)
    if parsed is None:
        return 0
    flag_values, positional = parsed
    if positional:
        raise UsageError(f"unexpected arguments {positional}: `train` takes flags only.")
    overrides = settings.overrides_from_flags(config_class(job), flag_values)
    config, _ = job.configure(**overrides)
    overrides, message, finished = plan_backup(config, overrides)
    if flag_values.dry_run:
        # Resolved as the run would be: the data is read, nothing is written.
        print(json.dumps(job.resolve(**overrides).to_dict(), indent=1))
        if message:
            print(message, file=sys.stderr)
        return 0
    if message:
        print(message)
    if finished:
        return 0
    # Errors go to `keras_gans.cli.exit_status`: one line, exit 2 or 1.
    result = job.train(job.resolve(**overrides))
    run_lib.print_result(result)
    return 0
