"""What a job module declares: the protocol `keras-gans train` runs.

A job is a module (`keras_gans.jobs.mnist`, ...) with a name, a line saying
what it trains, its typed config and presets, and three functions that
split a run in the order it happens:

1. `configure(config=None, **overrides)` -> `(config, explicit)`: the preset
   the overrides name with the overrides applied, and the names the user
   chose. Reads nothing: `keras-gans train` plans the backup from it.
2. `resolve(config=None, **overrides)` -> `Resolved`: the settings resolved
   once, reading what the data and the machine decide (a folder's size,
   the dtype policy); `--dry_run` prints it.
3. `train(config=None, callbacks=(), **overrides)` -> `TrainResult`: the
   run, on a `Resolved` (or resolving `config` and `overrides` first).

`tests/architecture_test.py` checks every job in `keras_gans.jobs.JOBS`
against `Job`.
"""

import typing

from keras_gans.jobs.plumbing.settings import JobConfig


@typing.runtime_checkable
class Job(typing.Protocol):
    """A job module (see the module's docstring)."""

    NAME: str
    ABOUT: str
    DEFAULT: JobConfig
    PRESETS: dict

    def configure(self, config=None, **overrides): ...

    def resolve(self, config=None, **overrides): ...

    def train(self, config=None, callbacks=(), **overrides): ...


def configure(preset, config, overrides):
    """`(config, explicit)` for a job whose preset for `overrides` is
    `preset`: `config` (or `preset`) with the non-`None` overrides, and the
    names of the settings the user chose (`JobConfig.chosen_settings`)."""
    config = (config or preset).with_overrides(**overrides)
    return config, config.chosen_settings(preset, overrides)


def configurator(preset):
    """The `configure` of a job with one preset, `preset`."""

    def configure_job(config=None, **overrides):
        """`(config, explicit)`: `config` (or the job's `DEFAULT`) with the
        non-`None` overrides, and the names of the settings the user chose."""
        return configure(preset, config, overrides)

    return configure_job
