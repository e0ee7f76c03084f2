"""Trained generators that come with the package: draw without training.

A preset is an export like any other (a SavedModel with its training
summary in `assets/training.json`), shipped inside the wheel. Wherever an
export's path is taken (`keras-gans generate`, `evaluate`, `info`,
`keras_gans.export.load_serving`, `keras_gans.latent`), a preset's name is
taken too, as keras-hub's `from_preset` takes a name or a path: a path that
exists wins, so a folder of your own called `mnist_dcgan` is never shadowed.

Example:

    >>> keras_gans.presets.names()
    ['drums_specgan', 'fashion_mnist_conditional', 'mnist_dcgan']
    >>> path, serve = keras_gans.export.load_serving("mnist_dcgan")
"""

import importlib.resources
import os

__all__ = ["PRESETS", "describe", "names", "path"]

# name -> what it draws and how it was trained (the command is in its
# assets/training.json; the scores in its `last_evaluation`).
PRESETS = {
    "mnist_dcgan": (
        "MNIST digits, 28x28 grey: `keras-gans train mnist`, the default self-conditioned "
        "DCGAN (8.5 minutes on a 2-core CPU)."
    ),
    "fashion_mnist_conditional": (
        "Fashion-MNIST clothes, 28x28 grey, one of 10 classes by `label`: "
        "`keras-gans train mnist --dataset=fashion_mnist --conditional`."
    ),
    "drums_specgan": (
        "Drum hits, 0.51 s at 16 kHz, one of 6 kinds by `label` (clap, cymbal, hihat, kick, "
        "snare, tom): `keras-gans train audio --conditional` on Debian's hydrogen-drumkits."
    ),
}


def names():
    """The presets' names, sorted."""
    return sorted(PRESETS)


def describe(name):
    """What the preset `name` draws, in a sentence."""
    _check_name(name)
    return PRESETS[name]


def path(name):
    """The SavedModel directory of the preset `name`, inside the installed
    package.

    Raises:
        ValueError: `name` is not a preset (the message lists them).
        FileNotFoundError: the package was installed without its presets.
    """
    _check_name(name)
    directory = str(importlib.resources.files("keras_gans") / "assets" / "presets" / name)
    if not os.path.isfile(os.path.join(directory, "saved_model.pb")):
        raise FileNotFoundError(
            f"The preset {name!r} is missing from this installation ({directory}): "
            "reinstall keras_gans from its wheel or source tree."
        )
    return directory


def _check_name(name):
    if name not in PRESETS:
        raise ValueError(f"No preset is called {name!r}. The presets: {', '.join(names())}.")
