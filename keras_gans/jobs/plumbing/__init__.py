"""What every job stands on: typed settings (`settings`) and the run around `fit` (`run`)."""

from keras_gans.jobs.plumbing import run
from keras_gans.jobs.plumbing import settings

__all__ = ["run", "settings"]
