"""The old name of `keras_gans.jobs`, kept working with a warning.

A training job had four names (recipe, job, task, engine); it is a job now,
in the code, the command line and the docs. `keras_gans.recipes.mnist` and
`from keras_gans.recipes.plumbing import settings` still import the same
modules as `keras_gans.jobs`'s.
"""

import importlib
import sys
import warnings

from keras_gans import jobs

_MODULES = (
    "audio",
    "images",
    "inpainting",
    "mnist",
    "style",
    "super_resolution",
    "vocoder",
    "engines",
    "engines.editing",
    "engines.noise_to_image",
    "plumbing",
    "plumbing.run",
    "plumbing.settings",
)
for _name in _MODULES:
    sys.modules[f"{__name__}.{_name}"] = importlib.import_module(f"keras_gans.jobs.{_name}")

warnings.warn(
    "`keras_gans.recipes` is now `keras_gans.jobs`; the old name will be removed in a later "
    "release.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = []

# Names of modules that moved in the layout of version 0.2.
_MOVED = {"config": jobs.plumbing.settings}


def __getattr__(name):
    if name in _MOVED:
        module = _MOVED[name]
    elif hasattr(jobs, name) and not name.startswith("_"):
        module = getattr(jobs, name)
    else:
        raise AttributeError(f"module 'keras_gans.recipes' has no attribute '{name}'")
    new_name = getattr(module, "__name__", f"keras_gans.jobs.{name}")
    warnings.warn(
        f"`keras_gans.recipes.{name}` is now `{new_name}`; the old name will be removed in a "
        "later release.",
        DeprecationWarning,
        stacklevel=2,
    )
    return module
