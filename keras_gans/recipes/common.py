"""What every recipe does around `fit`: the result, the run's files, the exports.

A recipe builds its data and its GAN, runs `fit` with its callbacks, and
hands the rest to `finish_run`: loss curves, the `.keras` file (written
atomically), the SavedModel and LiteRT exports (chief only), and
`summary.json`. `print_result` is what the example scripts print.
"""

import contextlib
import dataclasses
import json
import os
import time

import keras

from keras_gans import export
from keras_gans import plotting
from keras_gans.saving import save_atomically
from keras_gans.validation import check_choice

MIXED_PRECISION = ("float32", "mixed_bfloat16", "mixed_float16")
JIT_COMPILE = ("true", "false", "auto")


@dataclasses.dataclass
class TrainResult:
    """What a recipe's `train` produced.

    Attributes:
        gan: the trained model.
        config: the settings the run used (a recipe config dataclass).
        history: dict of per-epoch metrics from `fit`.
        steps_history: dict of losses every few steps (`LossHistory`).
        images: PNG paths of the per-epoch pictures (sample grids or style
            figures), in order.
        loss_curves: PNG path of the loss curves.
        keras_path: path of the saved `.keras` model.
        export_path: SavedModel version directory, or `None` if not exported.
        tflite_paths: the `.tflite` files written (float32, float16, int8).
        train_seconds: wall-clock seconds spent in `fit`.
        total_seconds: wall-clock seconds of the whole job.
        evaluations: list of `EvaluateGenerator` result dicts (may be empty).
        output_dir: where the run's files went.
    """

    gan: keras.Model
    config: object
    history: dict
    steps_history: dict
    images: list
    loss_curves: str
    keras_path: str
    export_path: str
    tflite_paths: list
    train_seconds: float
    total_seconds: float
    evaluations: list = dataclasses.field(default_factory=list)
    output_dir: str = None


def parse_jit_compile(value):
    """Maps `"true"|"false"|"auto"` (or bools) to `compile(jit_compile=)`."""
    if isinstance(value, bool) or value == "auto":
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    if text == "auto":
        return "auto"
    check_choice("jit_compile", value, JIT_COMPILE)


@contextlib.contextmanager
def dtype_policy(name):
    """Builds networks under a Keras dtype policy, then restores the old one.

    Layers keep the policy they were built with, so training and export run
    in `name` while the rest of the process is unaffected.
    """
    check_choice("mixed_precision", name, MIXED_PRECISION)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


class Timer:
    """Seconds since the job began, and since `fit` began."""

    def __init__(self):
        self.start = time.perf_counter()
        self.fit_seconds = None

    @contextlib.contextmanager
    def fit(self):
        began = time.perf_counter()
        try:
            yield
        finally:
            self.fit_seconds = time.perf_counter() - began

    @property
    def total_seconds(self):
        return time.perf_counter() - self.start


def finish_run(
    gan,
    config,
    name,
    output_dir,
    history,
    steps_log,
    timer,
    loss_keys=("d_loss", "g_loss"),
    images=(),
    evaluations=(),
    chief=True,
    summary=None,
):
    """Writes a finished run's files and exports; returns its `TrainResult`.

    Args:
        gan: the trained model; `gan.sampling_generator` is exported.
        config: the run's settings; `config.export`, `config.tflite` and
            `config.export_dir` decide the exports.
        name: str. The run's name: the export's model name.
        output_dir: str. Where `loss_curves.png`, `gan.keras` and
            `summary.json` go.
        history: the `keras.callbacks.History` of `fit`.
        steps_log: the run's `LossHistory` callback.
        timer: the run's `Timer`.
        loss_keys: metrics on the loss-curve plot.
        images: PNG paths the run's picture callback wrote.
        evaluations: `EvaluateGenerator` results.
        chief: bool. Only the chief exports (multi-worker runs).
        summary: dict of recipe-specific entries for `summary.json`.
    """
    loss_curves = plotting.plot_loss_curves(
        steps_log.history if steps_log.history["step"] else history.history,
        os.path.join(output_dir, "loss_curves.png"),
        keys=loss_keys,
        title=f"{name}: {config.loss} loss",
    )
    keras_path = save_atomically(gan, os.path.join(output_dir, "gan.keras"))
    export_path, tflite_paths = None, []
    if config.export and chief:
        export_path, tflite_paths = export.export_generator(
            gan.sampling_generator, config.export_dir, name, tflite_files=config.tflite
        )
    result = TrainResult(
        gan=gan,
        config=config,
        history=history.history,
        steps_history=steps_log.history,
        images=list(images),
        loss_curves=loss_curves,
        keras_path=keras_path,
        export_path=export_path,
        tflite_paths=tflite_paths,
        train_seconds=timer.fit_seconds,
        total_seconds=timer.total_seconds,
        evaluations=list(evaluations),
        output_dir=output_dir,
    )
    write_summary(result, summary)
    return result


def write_summary(result, extra=None):
    """Writes `<output_dir>/summary.json`: settings, histories, timings, exports."""
    config = {k: v for k, v in result.config.to_dict().items() if k != "verbose"}
    summary = {
        "config": config,
        **(extra or {}),
        "output_dir": result.output_dir,
        "history": result.history,
        "steps_history": result.steps_history,
        "evaluations": result.evaluations,
        "train_seconds": result.train_seconds,
        "total_seconds": result.total_seconds,
        "export_path": result.export_path,
        "tflite_paths": result.tflite_paths,
    }
    path = os.path.join(result.output_dir, "summary.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=1, default=str)
    return path


def print_result(result):
    """The lines an example script prints after training."""
    print(f"trained in {result.train_seconds:.0f} s ({result.total_seconds:.0f} s in all)")
    print(f"samples:     {result.images[-1] if result.images else '-'}")
    print(f"loss curves: {result.loss_curves}")
    if result.evaluations:
        last = result.evaluations[-1]
        print(
            f"quality:     FCD {last['fcd']:.3f}, KID {last['kid']:.4f}, coverage "
            f"{last['coverage']:.2f} (epoch {last['epoch']}, {last['num_samples']} samples)"
        )
        if "label_accuracy" in last:
            print(
                f"labels:      {100 * last['label_accuracy']:.2f}% of samples classified "
                "as the class they were drawn for"
            )
    print(f"keras model: {result.keras_path}")
    if result.export_path:
        print(f"SavedModel:  {result.export_path}")
    for path in result.tflite_paths:
        print(f"TFLite:      {path}")


# Errors a recipe reports as one line: bad settings or data, a diverged run.
USER_ERRORS = (ValueError, FileNotFoundError, FloatingPointError, RuntimeError)
