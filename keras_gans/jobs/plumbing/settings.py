"""Typed job settings: each defined once, with its default and its help.

A job's settings are one frozen dataclass whose fields are made with
`setting(default, help, choices=...)`. Presets are `dataclasses.replace` of
the default. The example scripts' flags (`define_flags`), what a command line
changed (`overrides_from_flags`) and the command-line reference's flag tables
(`markdown_table`) are all generated from the dataclass, so a default or a
help text is written in one place.

Example:

```python
@dataclasses.dataclass(frozen=True)
class Config(JobConfig):
    epochs: int = setting(5, "Passes over the data.")

define_flags(Config, {"default": Config()})
```
"""

import dataclasses
import os
import re
import sys
import typing
from typing import Optional

from absl import flags

from keras_gans import losses
from keras_gans.utils import precision
from keras_gans.utils.precision import MIXED_PRECISION
from keras_gans.utils.validation import check_choice


def setting(default, help, choices=None, minimum=None, above=None):
    """A config field with its default, help text and allowed values.

    Args:
        default: the default value (immutable: tuples, not lists).
        help: str. One or two sentences for `--help` and the command-line reference.
        choices: tuple or `None`. The allowed values, checked when a config
            is made and offered by the flag.
        minimum: number or `None`. The smallest allowed value (`None`, an
            unset optional setting, is always allowed).
        above: number or `None`. Values must be greater than this.
    """
    metadata = {"help": help, "choices": choices, "minimum": minimum, "above": above}
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class JobConfig:
    """Base of the jobs' configs: checks choices and list-valued fields."""

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            choices = field.metadata.get("choices")
            if choices is not None and value is not None:
                check_choice(field.name, value, choices)
            _check_range(field, value)
            if _base_type(field.type) is tuple and isinstance(value, list):
                # Flags and JSON give lists; the config keeps tuples.
                object.__setattr__(self, field.name, tuple(value))

    def replace(self, **changes):
        """A copy with `changes`; unknown names are a clear error."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ValueError(
                f"Unknown settings {unknown} for {type(self).__name__}. Expected some of "
                f"{sorted(f.name for f in dataclasses.fields(self))}."
            )
        return dataclasses.replace(self, **changes)

    def with_overrides(self, **overrides):
        """A copy with the non-`None` `overrides` (a job's keyword
        arguments and a command line's flags, where `None` means unset)."""
        return self.replace(**{k: v for k, v in overrides.items() if v is not None})

    def chosen_settings(self, preset, overrides=None):
        """The names of the settings a user chose: the non-`None` `overrides`,
        and those whose values differ from `preset`'s (the preset this
        config started from)."""
        given = {k for k, v in (overrides or {}).items() if v is not None}
        return frozenset(given) | {
            f.name
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(preset, f.name)
        }

    def to_dict(self):
        """The settings as a JSON-friendly dict (tuples become lists)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in dataclasses.asdict(self).items()
        }


@dataclasses.dataclass(frozen=True)
class TrainingConfig(JobConfig):
    """The settings every GAN job shares, each defined here once.

    A job's config subclasses this and adds its own fields; its presets
    set the values (e.g. `MnistConfig(epochs=7, ...)`).
    """

    # The settings naming folders of the user's own training data (none for
    # a named data set such as MNIST): what tells two runs apart when their
    # folders share a name (`keras_gans.jobs.plumbing.run.data_folders`).
    data_folder_settings = ()

    loss: str = setting("non_saturating", "Adversarial loss.", tuple(losses.names()))
    epochs: int = setting(1, "Epochs (passes over the training images).", minimum=1)
    steps_per_epoch: Optional[int] = setting(
        None,
        "Steps per epoch (a sample grid each); noise-to-image epochs may run past the data. "
        "Unset: one pass over the data (image folders: at least 100 steps).",
        minimum=1,
    )
    batch_size: int = setting(32, "Batch size (per replica under a strategy).", minimum=1)
    learning_rate: float = setting(
        2e-4,
        "Learning rate of the generator, and of the discriminator times --d_learning_rate_factor.",
        above=0,
    )
    d_learning_rate_factor: float = setting(
        1.0, "Discriminator learning rate as a multiple of --learning_rate (TTUR).", above=0
    )
    g_learning_rate: Optional[float] = setting(
        None, "Generator learning rate. Unset: --learning_rate.", above=0
    )
    d_learning_rate: Optional[float] = setting(
        None,
        "Discriminator learning rate. Unset: --d_learning_rate_factor x --learning_rate.",
        above=0,
    )
    beta_1: float = setting(0.5, "Adam beta_1.")
    beta_2: float = setting(0.999, "Adam beta_2.")
    seed: int = setting(0, "Seed of weights, noise and shuffling.")
    mixed_precision: str = setting(
        "auto",
        "Compute dtype: auto (mixed_bfloat16 on a CPU with bfloat16 units, AVX512-BF16 or "
        "AMX, where the job's step gains from them: not the projected pair; else "
        "float32), mixed_bfloat16 (also TPUs) or mixed_float16 (GPUs, with loss scaling).",
        MIXED_PRECISION,
    )
    max_minutes: Optional[float] = setting(
        None,
        "Training budget: stop once this many minutes of training have passed (checked every "
        "step; epoch-end pictures and the evaluation still run). Unset: no limit.",
        above=0,
    )
    output_dir: Optional[str] = setting(
        None, "Where the run's pictures, gan.keras and summary.json go. Unset: runs/<run name>."
    )
    export_dir: str = setting("saved_models", "SavedModel base directory.")
    export: bool = setting(
        True, "Export the generator as a SavedModel, <export_dir>/<run name>/<version>/."
    )
    tflite: bool = setting(
        True, "Also write <export_dir>/<run name>.tflite and its _float16 and _int8 variants."
    )
    verbose: str = setting("auto", "Keras progress output: auto, 0, 1 or 2.")

    def output_dir_for(self, run_name):
        """`output_dir`, or its default `runs/<run_name>`: where a run's files go."""
        return self.output_dir or os.path.join("runs", run_name)

    @property
    def bfloat16_units(self):
        """The CPU features with which `mixed_precision="auto"` computes in
        bfloat16 (`keras_gans.utils.precision.resolve_mixed_precision`). A job
        whose bfloat16 step was measured no faster than float32 on some units
        (`benchmarks/roofline.py`) overrides this with the others, or none."""
        return precision.BFLOAT16_UNITS

    def resolved_mixed_precision(self):
        """The dtype policy this config trains in: `mixed_precision` with
        `"auto"` resolved for this machine and this job."""
        return precision.resolve_mixed_precision(self.mixed_precision, self.bfloat16_units)

    def learning_rates(self):
        """`(generator, discriminator)` learning rates, with the fallbacks of the
        `g_learning_rate` and `d_learning_rate` settings resolved."""
        return (
            self.g_learning_rate or self.learning_rate,
            self.d_learning_rate or self.d_learning_rate_factor * self.learning_rate,
        )


@dataclasses.dataclass(frozen=True)
class ResumableConfig(TrainingConfig):
    """The settings of a job that backs up every epoch and resumes
    (`keras_gans.callbacks.RunBackup`): `keras-gans train` backs up into
    `<output_dir>/backup` unless told otherwise, so the same command run
    again goes on from the last epoch."""

    backup_dir: Optional[str] = setting(
        None,
        "Back up every epoch into this folder (new, empty, or a keras_gans backup; never a "
        "folder of other files); run the same command again after a crash to resume to the "
        "result of an uninterrupted run. Removed once the run's results are saved.",
    )
    fresh: bool = setting(
        False,
        "Start over instead of resuming the backup (a rerun of the same command resumes; a "
        "finished run is left alone). Nothing is deleted: the first epoch's backup replaces "
        "the old one.",
    )


@dataclasses.dataclass(frozen=True)
class Resolved:
    """A job's settings, resolved once: every value its run uses, and who
    chose each (`resolve` makes it; `keras-gans train --dry_run` prints it).

    Nothing changes a `Resolved` afterwards: the run trains on `config` as
    it is here.

    Attributes:
        job: str. The job's name (`keras-gans train <job>`).
        config: the job's config, with nothing left to choose: the dtype
            policy, the output folder and what the data decided are values.
        explicit: frozenset of the setting names the user chose (keyword
            arguments, flags, or values differing from the preset's).
        chosen: frozenset of the setting names the job chose for the data
            or the machine (each differs from the preset's value, or
            replaced an `auto` / unset one).
        notes: tuple of str: what was read and chosen, and why; the run
            prints them before training.
        context: dict of what resolving read or made (a decoded folder, the
            distribution strategy), handed to the run so nothing is read
            twice. Not part of the record.
    """

    job: str
    config: JobConfig
    explicit: frozenset = frozenset()
    chosen: frozenset = frozenset()
    notes: tuple = ()
    context: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def to_dict(self):
        """The record as JSON-friendly data (what `--dry_run` prints)."""
        return {
            "job": self.job,
            "settings": self.config.to_dict(),
            "chosen_by_user": sorted(self.explicit),
            "chosen_by_job": sorted(self.chosen),
            "notes": list(self.notes),
        }


def resolve(job, config, explicit, changes=None, notes=(), context=None, forced=None):
    """The `Resolved` settings of a run of `job` on `config`.

    `changes` (name -> value) are what the job chose for its data; those in
    `explicit` are dropped, so a user's choice always stands. Then the
    machine's part: `mixed_precision="auto"` becomes the policy this job
    trains in here, and an unset `output_dir` becomes `runs/<run name>`.

    Args:
        job: str. The job's name.
        config: the job's config, with the user's overrides.
        explicit: the names of the settings the user chose.
        changes: dict of the job's choices for the data, or `None`.
        notes: lines saying what was read and chosen.
        context: dict for the run (see `Resolved.context`), or `None`.
        forced: dict of changes the run cannot do without, applied over the
            user's choice too (a worker's own output folder), or `None`.

    Returns:
        A `Resolved`.
    """
    explicit = frozenset(explicit)
    before = config
    changes = {k: v for k, v in (changes or {}).items() if k not in explicit}
    config = config.replace(**changes, **(forced or {}))
    config = config.replace(
        mixed_precision=config.resolved_mixed_precision(),
        output_dir=config.output_dir_for(config.run_name),
    )
    chosen = {
        f.name
        for f in dataclasses.fields(config)
        if getattr(config, f.name) != getattr(before, f.name)
    }
    return Resolved(job, config, explicit, frozenset(chosen), tuple(notes), dict(context or {}))


def _check_range(field, value):
    """A clear error for a number outside its setting's range."""
    minimum, above = field.metadata.get("minimum"), field.metadata.get("above")
    if value is None or isinstance(value, bool) or (minimum is None and above is None):
        return
    if minimum is not None and value < minimum:
        raise ValueError(
            f"`{field.name}` must be at least {minimum}. Received: {field.name}={value}"
        )
    if above is not None and value <= above:
        raise ValueError(
            f"`{field.name}` must be greater than {above}. Received: {field.name}={value}"
        )


def folder_name(path, fallback):
    """A model name from a folder's name (letters, digits, `_`, `.`, `-`),
    or `fallback` when nothing of it is left."""
    base = os.path.basename(os.path.normpath(os.path.abspath(path or fallback)))
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", base).strip("_.") or fallback


def choices_of(config_class, name):
    """The allowed values of the setting `name` of `config_class`."""
    fields = {field.name: field for field in dataclasses.fields(config_class)}
    return fields[name].metadata.get("choices")


def _base_type(annotation):
    """`int` for `int` and `Optional[int]`; `tuple` for `tuple[int, ...]`."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        return _base_type(args[0])
    return origin or annotation


def _holds_strings(annotation):
    """True for `tuple[str, ...]` (and `Optional` of it): a repeatable flag."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union:
        return _holds_strings(args[0])
    return typing.get_origin(annotation) is tuple and args[:1] == [str]


def _format(value):
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _preset_defaults(name, presets):
    """`"32 (mlp: 64; founding: 64)"`: the first preset's value, then others'."""
    values = [(preset, getattr(config, name)) for preset, config in presets.items()]
    first = values[0][1]
    others = [f"{preset}: {_format(value)}" for preset, value in values[1:] if value != first]
    return _format(first) + (f" ({'; '.join(others)})" if others else "")


def define_flags(config_class, presets, flag_values=None, skip=()):
    """Defines one absl flag per field of `config_class`.

    Each flag's default is the first preset's value and its help text says
    where other presets differ, so `--help` shows the real defaults.

    Args:
        config_class: a `JobConfig` dataclass.
        presets: dict of preset name -> config instance, the default first.
        flag_values: `absl.flags.FlagValues`. Defaults to `absl.flags.FLAGS`.
        skip: field names that get no flag.
    """
    flag_values = flags.FLAGS if flag_values is None else flag_values
    # absl lists in `--help` the flags of the module that defined them: make
    # that the calling script, not this module.
    caller = sys._getframe(1).f_globals.get("__name__")
    module_name = sys.argv[0] if caller == "__main__" else caller
    default = next(iter(presets.values()))
    for field in dataclasses.fields(config_class):
        if field.name in skip:
            continue
        value = getattr(default, field.name)
        help_text = field.metadata["help"]
        if any(getattr(config, field.name) is not None for config in presets.values()):
            help_text += f" Default: {_preset_defaults(field.name, presets)}."
        kind = _base_type(field.type)
        choices = field.metadata.get("choices")
        args = dict(
            name=field.name, help=help_text, flag_values=flag_values, module_name=module_name
        )
        if kind is bool:
            flags.DEFINE_bool(default=value, **args)
        elif kind is int:
            flags.DEFINE_integer(default=value, **args)
        elif kind is float:
            flags.DEFINE_float(default=value, **args)
        elif kind is tuple and _holds_strings(field.type):
            flags.DEFINE_multi_string(default=None if value is None else list(value), **args)
        elif kind is tuple:
            flags.DEFINE_list(default=None if value is None else [str(v) for v in value], **args)
        elif choices is not None:
            flags.DEFINE_enum(default=value, enum_values=list(choices), **args)
        else:
            flags.DEFINE_string(default=value, **args)


def overrides_from_flags(config_class, flag_values=None):
    """The settings a command line gave explicitly, as a dict.

    Flags left unset are left out, so a preset's own values stay in force.
    """
    flag_values = flags.FLAGS if flag_values is None else flag_values
    overrides = {}
    for field in dataclasses.fields(config_class):
        if field.name not in flag_values or not flag_values[field.name].present:
            continue
        value = flag_values[field.name].value
        if _holds_strings(field.type) and value is not None:
            value = tuple(value)
        elif _base_type(field.type) is tuple and value is not None:
            try:
                value = tuple(int(v) for v in value)
            except ValueError as e:
                raise ValueError(
                    f"`--{field.name}` takes comma-separated integers, e.g. 64,128. "
                    f"Received: {','.join(value)}"
                ) from e
        overrides[field.name] = value
    return overrides


def markdown_table(config_class, presets, skip=()):
    """A command-line reference table, `| flag | default | meaning |`: a row per field."""
    rows = ["| flag | default | meaning |", "| --- | --- | --- |"]
    for field in dataclasses.fields(config_class):
        if field.name in skip:
            continue
        meaning = field.metadata["help"].replace("|", "\\|")
        choices = field.metadata.get("choices")
        if choices is not None:
            meaning += " One of " + ", ".join(f"`{c}`" for c in choices) + "."
        rows.append(f"| `--{field.name}` | {_preset_defaults(field.name, presets)} | {meaning} |")
    return "\n".join(rows)


def resolved(resolve_job, config, overrides):
    """The `Resolved` settings a job's `train` runs on: `config` when it is
    one already (no `overrides` allowed), else `resolve_job(config,
    **overrides)`. Prints the record's notes: the run's first lines."""
    if isinstance(config, Resolved):
        given = sorted(k for k, v in overrides.items() if v is not None)
        if given:
            raise ValueError(
                f"Pass settings to `resolve`, not beside its result: received {given}."
            )
        record = config
    else:
        record = resolve_job(config, **overrides)
    for note in record.notes:
        print(note)
    return record
