"""Keras callbacks for GAN training, one per module.

Sample grids (and sounds, texts), loss curves, early stopping, NaN guard,
time limit, style figures and evaluation during training, and the run's
backup.
"""

from keras_gans.callbacks.comparison_figure import ComparisonFigure
from keras_gans.callbacks.early_stopping import EarlyStopping
from keras_gans.callbacks.evaluate_generator import EvaluateGenerator
from keras_gans.callbacks.loss_history import LossHistory
from keras_gans.callbacks.run_backup import RunBackup
from keras_gans.callbacks.sample_grid import SampleGrid
from keras_gans.callbacks.sample_grid import fixed_noise
from keras_gans.callbacks.sound_samples import SoundSamples
from keras_gans.callbacks.stop_after_minutes import StopAfterMinutes
from keras_gans.callbacks.stop_on_non_finite_loss import NonFiniteLossError
from keras_gans.callbacks.stop_on_non_finite_loss import StopOnNonFiniteLoss
from keras_gans.callbacks.style_figure import StyleFigure
from keras_gans.callbacks.text_samples import TextSamples
from keras_gans.callbacks.vocoded_samples import VocodedSamples

__all__ = [
    "ComparisonFigure",
    "EarlyStopping",
    "EvaluateGenerator",
    "LossHistory",
    "NonFiniteLossError",
    "RunBackup",
    "SampleGrid",
    "SoundSamples",
    "StopAfterMinutes",
    "StopOnNonFiniteLoss",
    "StyleFigure",
    "TextSamples",
    "VocodedSamples",
    "fixed_noise",
]
