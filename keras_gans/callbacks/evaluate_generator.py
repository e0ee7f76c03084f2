"""`EvaluateGenerator`: measure sample quality during training."""

import logging

import keras
import numpy as np

from keras_gans.callbacks.sample_grid import fixed_noise
from keras_gans.evaluation import evaluator

logger = logging.getLogger("keras_gans")


class EvaluateGenerator(keras.callbacks.Callback):
    """Evaluates the generator every few epochs and at the end of training.

    The end of training counts too: a run stopped early (e.g. by
    `StopAfterMinutes`) or whose last epoch is not a multiple of
    `every_n_epochs` is evaluated once more, so the last result always
    describes the generator training ended with.

    Adds `fcd`, `kid`, `classifier_score`, `precision`, `recall` and
    `coverage` to the epoch logs, so they appear in the `History`, the
    progress bar and TensorBoard (when its callback comes after this one).
    Warns when class coverage drops (mode collapse). With `keep_best=True`
    it remembers the generator weights with the lowest FCD; `restore_best`
    puts them back (the MNIST job does this before exporting).

    Args:
        evaluator: `Evaluator`. Defaults to `Evaluator()` (MNIST test set).
        every_n_epochs: int, or `None` to evaluate only at the end of
            training. Defaults to `1`.
        num_samples: int. Generated samples per evaluation. Defaults to
            `10000` (FCD depends on N; keep it fixed across runs you compare).
        seed: int. Seed of the fixed noise. Defaults to `0`.
        keep_best: bool. Remember the best generator weights. Defaults to
            `True`.
        verbose: int. `1` prints one line per evaluation. Defaults to `1`.

    Attributes:
        history: list of result dicts, one per evaluation (with `epoch`).
        best: the best result dict so far, or `None`.
    """

    def __init__(
        self,
        evaluator=None,
        every_n_epochs=1,
        num_samples=10_000,
        seed=0,
        keep_best=True,
        verbose=1,
    ):
        super().__init__()
        if every_n_epochs is not None and every_n_epochs < 1:
            raise ValueError(f"`every_n_epochs` must be >= 1. Received: {every_n_epochs}")
        self.evaluator = evaluator
        self.every_n_epochs = every_n_epochs
        self.num_samples = num_samples
        self.seed = seed
        self.keep_best = keep_best
        self.verbose = verbose
        self.history = []
        self.best = None
        self._best_weights = None
        self._noise = None

    def on_train_begin(self, logs=None):
        if self.evaluator is None:
            self.evaluator = _evaluator_lib().Evaluator()
        self._noise = fixed_noise(self.num_samples, self.model.latent_dim, self.seed)
        self._epochs_done = None

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done = epoch + 1
        if self.every_n_epochs is not None and not (epoch + 1) % self.every_n_epochs:
            self._evaluate(epoch, logs)

    def on_train_end(self, logs=None):
        last = self.history[-1]["epoch"] if self.history else None
        if self._epochs_done is not None and last != self._epochs_done:
            self._evaluate(self._epochs_done - 1, None)

    def _evaluate(self, epoch, logs):
        results = _evaluator_lib().evaluate_gan(
            self.evaluator, self.model, self._noise, seed=self.seed
        )
        results["epoch"] = epoch + 1
        previous = self.history[-1] if self.history else None
        self.history.append(results)
        if logs is not None:
            for key in _evaluator_lib().SUMMARY_KEYS + ("label_accuracy",):
                if key in results:
                    logs[key] = results[key]
        if self.verbose:
            print(f"\nepoch {epoch + 1}: {summary_line(results)}", flush=True)
        # Class coverage exists only for a classifier's features.
        if (
            "coverage" in results
            and results["coverage"] < 1.0
            and (previous is None or results["coverage"] < previous["coverage"])
        ):
            logger.warning(
                "Class coverage fell to %.2f at epoch %d (class counts %s): the generator is "
                "dropping classes, a sign of mode collapse. Try a lower learning rate, "
                "Adam beta_1=0.5, or another loss.",
                results["coverage"],
                epoch + 1,
                results["class_counts"],
            )
        if self.keep_best and (self.best is None or results["fcd"] < self.best["fcd"]):
            self.best = results
            self._best_weights = [np.array(w) for w in self.model.sampling_generator.get_weights()]

    def backup_state(self):
        """What a run's backup keeps (`RunBackup`): the evaluations so far,
        the best one and its generator weights."""
        state = {"history": self.history, "best": self.best, "epochs_done": self._epochs_done}
        for i, weights in enumerate(self._best_weights or ()):
            state[f"best_weights_{i}"] = weights
        return state

    def restore_state(self, state):
        """Puts back what `backup_state` returned, in a resumed run."""
        self.history = list(state.get("history") or [])
        self.best = state.get("best")
        self._epochs_done = state.get("epochs_done")
        count = sum(key.startswith("best_weights_") for key in state)
        self._best_weights = [state[f"best_weights_{i}"] for i in range(count)] or None

    def restore_best(self):
        """Loads the best generator weights seen; returns the best results."""
        if self._best_weights is None:
            raise ValueError("No evaluation has run yet, so there is no best generator.")
        self.model.set_sampling_weights(self._best_weights)
        return self.best


def _evaluator_lib():
    # Imported on use: `keras_gans.evaluation` re-exports this callback.
    return evaluator


def summary_line(results, labels=True):
    """The metrics of one evaluation on one line, those its extractor gives
    (FCD and class coverage for a classifier's features, FD otherwise)."""
    classes = "coverage" in results
    parts = [f"{'FCD' if classes else 'FD'} {results['fcd']:.3f}", f"KID {results['kid']:.4f}"]
    if "classifier_score" in results:
        parts.append(f"classifier score {results['classifier_score']:.2f}")
    parts += [f"precision {results['precision']:.3f}", f"recall {results['recall']:.3f}"]
    if classes:
        parts.append(f"coverage {results['coverage']:.2f}")
    if labels and "label_accuracy" in results:
        parts.append(f"label accuracy {results['label_accuracy']:.4f}")
    return ", ".join(parts)
