"""What every job does around `fit`: the run's files, the exports, the result.

A job builds its data and its GAN, and a `Run` does the rest: `fit` with
the NaN guard, the loss log, the time limit and the backup, then `finish`:
loss curves, the `.keras` file, the SavedModel and LiteRT exports (chief
only), `summary.json`, and only then the removal of the backup, so a crash at
any point before the results are on disk is resumed, not lost. Every file is
written atomically. `print_result` is what `keras-gans train` prints after a
run.
"""

import dataclasses
import json
import os
import time

import keras

from keras_gans import export
from keras_gans import plotting
from keras_gans.augment import PROBABILITY_METRIC as AUGMENT_PROBABILITY
from keras_gans.callbacks import LossHistory
from keras_gans.callbacks import StopAfterMinutes
from keras_gans.callbacks import StopOnNonFiniteLoss
from keras_gans.callbacks import run_backup
from keras_gans.callbacks.evaluate_generator import summary_line
from keras_gans.utils import files
from keras_gans.utils.saving import save_atomically


@dataclasses.dataclass
class TrainResult:
    """What a job's `train` produced.

    Attributes:
        gan: the trained model.
        config: the settings the run used (a job's config dataclass).
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
        scores: dict of an image-editing run's scores against its baseline,
            or `None`.
        report: list of str: the scores as the lines of a table.
        extra_export_paths: dict of summary key -> SavedModel version
            directory of the run's other exports (`Run.finish`'s
            `extra_exports`, e.g. CycleGAN's reverse generator).
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
    scores: dict = None
    report: list = dataclasses.field(default_factory=list)
    extra_export_paths: dict = dataclasses.field(default_factory=dict)


class Run:
    """One job's run: its settings, name, folder, clock and loss log.

    A job makes a `Run` from its `Resolved` settings, calls `fit` with its
    own callbacks and `finish` with what it produced. Making it checks what
    the run's end would otherwise find too late: the export's name and that
    the output and export folders can be written.

    Args:
        resolved: the run's `Resolved` settings: the config (its `run_name`
            names the export, its `output_dir` takes the files) and who
            chose what, which `summary.json` records.
        started: float. `time.perf_counter()` when the job began. Defaults
            to now.
        chief: bool. Only the chief exports (multi-worker runs).
        loss_keys: metrics `LossHistory` records every few steps.
        plot_keys: metrics on the loss-curve plot.
        every_n_steps: int. `LossHistory` window; 25+ steps, since single-step
            GAN losses are too noisy to read.
        guarded_keys: metrics whose first NaN or infinity stops the run
            (`StopOnNonFiniteLoss`).
    """

    def __init__(
        self,
        resolved,
        started=None,
        chief=True,
        loss_keys=("d_loss", "g_loss", "d_real", "d_fake"),
        plot_keys=("d_loss", "g_loss"),
        every_n_steps=25,
        guarded_keys=("d_loss", "g_loss"),
    ):
        config = self.config = resolved.config
        self.guarded_keys = guarded_keys
        self.name = config.run_name
        self.output_dir = output_dir = config.output_dir
        self.started = time.perf_counter() if started is None else started
        self.chief = chief
        self.plot_keys = plot_keys
        self.steps_log = LossHistory(
            keys=loss_keys, every_n_steps=every_n_steps, levels=(AUGMENT_PROBABILITY,)
        )
        self.fit_seconds = None
        record = resolved.to_dict()
        self.summary = {k: record[k] for k in ("job", "chosen_by_user", "chosen_by_job", "notes")}
        self.backup = None
        if config.export and chief:
            export.check_model_name(self.name)
            check_writable(config.export_dir, "export_dir")
        check_writable(output_dir, "output_dir")
        os.makedirs(output_dir, exist_ok=True)

    def fit(self, gan, dataset, callbacks, steps_per_epoch=None, backup=None, **fit_options):
        """`gan.fit` for `config.epochs`, timed, with the run's callbacks
        (and `fit_options`, e.g. `validation_data`, or `epochs` to end
        sooner: a resumed run that had stopped early).

        Callbacks run in this order: the NaN guard, `callbacks`, the loss
        log, the `max_minutes` limit and `backup` (a `RunBackup`, last: it
        saves what the others reached, and restores the loss log too).
        """
        epochs = fit_options.pop("epochs", self.config.epochs)
        stopper = StopAfterMinutes(self.config.max_minutes) if self.config.max_minutes else None
        all_callbacks = [StopOnNonFiniteLoss(self.guarded_keys), *callbacks, self.steps_log]
        all_callbacks += [stopper] if stopper else []
        if backup is not None:
            check_apart(backup.backup_dir, self.output_dir)
            backup.state.setdefault("loss_log", self.steps_log)
            all_callbacks.append(backup)
            self.backup = backup
        began = time.perf_counter()
        history = gan.fit(
            dataset,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch or self.config.steps_per_epoch,
            callbacks=all_callbacks,
            verbose=self.config.verbose,
            **fit_options,
        )
        self.fit_seconds = time.perf_counter() - began
        # A resumed run's earlier epochs count too (the loss log's, restored).
        epochs = self.steps_log.epochs
        self.summary.update(
            epochs_run=max((len(v) for v in epochs.values()), default=len(history.epoch)),
            stopped_by_time_limit=bool(stopper and stopper.stopped_at),
        )
        return history

    def finish(
        self,
        gan,
        history,
        images=(),
        evaluations=(),
        summary=None,
        assets=None,
        contract="auto",
        extra_exports=None,
        score=None,
    ):
        """Writes the loss curves, `gan.keras`, the exports (chief only; with
        `assets`, a dict of file name -> text, in the SavedModel's `assets/`;
        `contract` as in `export.export_generator`) and `summary.json`, then
        removes the backup; returns the run's `TrainResult`.

        `extra_exports` (a dict of summary key -> `(generator, name,
        contract)`) are the run's other generators, exported after the main
        one with the same assets: each version directory goes into the
        summary under its key and into `extra_export_paths`, before the
        backup is removed, so a crash in them is resumed too.

        `score` (`result -> dict`, or `None`) scores what ships once the
        exports are written (see `shipped_signature`); it may add pictures to
        `result.images` and lines to `result.report`. Its dict becomes
        `result.scores` and `summary.json`'s `"scores"`: the summary is
        written once, after it, and before the backup is removed."""
        config, steps = self.config, self.steps_log.history
        loss_curves = plotting.plot_loss_curves(
            steps if steps["step"] else history.history,
            os.path.join(self.output_dir, "loss_curves.png"),
            keys=self.plot_keys,
            title=f"{self.name}: {config.loss} loss",
            right_keys=(AUGMENT_PROBABILITY,),
        )
        keras_path = save_atomically(gan, os.path.join(self.output_dir, "gan.keras"))
        export_path, tflite_paths, extra_paths = None, [], {}
        if config.export and self.chief:
            # Where the export came from, for `keras-gans info`.
            training = {
                "run": self.name,
                "output_dir": os.path.abspath(self.output_dir),
                "data_folders": data_folders(config),
                "settings": {k: v for k, v in config.to_dict().items() if k != "verbose"},
                "epochs_run": self.summary.get("epochs_run"),
                "last_evaluation": evaluations[-1] if evaluations else None,
            }
            assets = {
                **(assets or {}),
                export.TRAINING_ASSET: json.dumps(training, indent=1, default=str),
            }
            export_path, tflite_paths = export.export_generator(
                gan.sampling_generator,
                config.export_dir,
                self.name,
                tflite_files=config.tflite,
                assets=assets,
                contract=contract,
            )
            for key, (generator, name, extra_contract) in (extra_exports or {}).items():
                extra_paths[key], extra_tflite = export.export_generator(
                    generator,
                    config.export_dir,
                    name,
                    tflite_files=config.tflite,
                    assets=assets,
                    contract=extra_contract,
                )
                tflite_paths = [*tflite_paths, *extra_tflite]
        result = TrainResult(
            gan=gan,
            config=config,
            history=self.steps_log.epochs or history.history,
            steps_history=steps,
            images=list(images),
            loss_curves=loss_curves,
            keras_path=keras_path,
            export_path=export_path,
            tflite_paths=tflite_paths,
            train_seconds=self.fit_seconds,
            total_seconds=time.perf_counter() - self.started,
            evaluations=list(evaluations),
            output_dir=self.output_dir,
            extra_export_paths=extra_paths,
        )
        self.summary.update(extra_paths)
        if score is not None:
            result.scores = score(result)
            result.total_seconds = time.perf_counter() - self.started
        scores = {"scores": result.scores} if result.scores is not None else {}
        write_summary(result, {**self.summary, **(summary or {}), **scores})
        if self.backup is not None:
            # Last, on every worker (each has its own): until here a crash
            # resumes from the backup.
            run_backup.remove_backup(self.backup.backup_dir)
        return result


def check_apart(backup_dir, output_dir):
    """Refuses a backup folder that is, or holds, the run's output folder:
    the run's pictures would make it a folder of other files."""
    backup, output = os.path.realpath(backup_dir), os.path.realpath(output_dir)
    if output == backup or output.startswith(backup + os.sep):
        raise ValueError(
            f"backup_dir={backup_dir} would hold the run's own files (output_dir="
            f"{output_dir}): name a folder of its own, e.g. {os.path.join(output_dir, 'backup')}."
        )


def check_writable(path, what):
    """Fails now, not after training, when `path` (a folder, existing or
    to be made) cannot be written."""
    path = os.path.abspath(os.path.expanduser(str(path)))
    existing = path
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise NotADirectoryError(f"{what}={path}: {existing} is a file, not a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(
            f"{what}={path} cannot be written ({existing} is read-only for this user): "
            f"pass another --{what}."
        )


# Settings a resumed run may change: how long it trains, what it prints, how
# it is scored and where its results go; not what it trains on or how.
RESUMABLE_CHANGES = (
    "epochs",
    "max_minutes",
    "verbose",
    "export",
    "tflite",
    "export_dir",
    "name",
    "output_dir",
    "backup_dir",
    "fresh",
    "tensorboard",
    # The data's fingerprint is compared instead of its folders' paths.
    "data_dir",
    "content_dir",
    "style_dir",
    "test_dir",
    "poems_dir",
    "test_content_dir",
    "test_images",
    "test_recordings",
    "figure_images",
    # How it is scored or exported (paths as given would differ between
    # working folders).
    "score_samples",
    "temperature",
    "reference",
    "reference_dir",
    "classifier_dir",
    "extractor",
    "evaluate_every",
    "eval_samples",
    "export_best",
    "score_clips",
)


def run_identity(config, data_fingerprint=None):
    """What makes a backup this run's (`RunBackup`'s `identity`): the
    settings that shape training (all but `RESUMABLE_CHANGES`) and the
    fingerprint of the data."""
    settings = {k: v for k, v in config.to_dict().items() if k not in RESUMABLE_CHANGES}
    return {"settings": settings, "data": data_fingerprint}


def shipped_signature(result, generator, contract):
    """The `serving_default` to score after a run: the export's when there is
    one (what ships), else `generator`'s in memory under `contract`."""
    if result.export_path:
        return export.load_serving(result.export_path)[1]
    return export.serving_function(generator, contract)


def data_folders(config):
    """The absolute paths of the folders `config` trains on (sorted; empty
    for a named data set such as MNIST): what tells two runs of the same
    name apart in `summary.json` and an export's training asset."""
    folders = []
    for name in config.data_folder_settings:
        value = getattr(config, name, None)
        if value:
            folders += [value] if isinstance(value, str) else list(value)
    return sorted(os.path.realpath(os.path.expanduser(folder)) for folder in folders)


def write_summary(result, extra=None):
    """Writes `<output_dir>/summary.json`: settings, histories, timings, exports."""
    config = {k: v for k, v in result.config.to_dict().items() if k != "verbose"}
    summary = {
        "config": config,
        **(extra or {}),
        "output_dir": result.output_dir,
        "data_folders": data_folders(result.config),
        "history": result.history,
        "steps_history": result.steps_history,
        "evaluations": result.evaluations,
        "train_seconds": result.train_seconds,
        "total_seconds": result.total_seconds,
        "export_path": result.export_path,
        "tflite_paths": result.tflite_paths,
    }
    return files.write_json(os.path.join(result.output_dir, "summary.json"), summary)


def print_result(result):
    """The lines an example script prints after training."""
    print(f"trained in {result.train_seconds:.0f} s ({result.total_seconds:.0f} s in all)")
    print(f"samples:     {result.images[-1] if result.images else '-'}")
    print(f"loss curves: {result.loss_curves}")
    if result.evaluations:
        last = result.evaluations[-1]
        print(
            f"quality:     {summary_line(last, labels=False)} (epoch {last['epoch']}, "
            f"{last['num_samples']} samples, {last['extractor']})"
        )
        if "label_accuracy" in last:
            print(
                f"labels:      {100 * last['label_accuracy']:.2f}% of samples classified "
                "as the class they were drawn for"
            )
    for line in result.report:
        print(line)
    print(f"keras model: {result.keras_path}")
    if result.export_path:
        print(f"SavedModel:  {result.export_path}")
    for path in result.tflite_paths:
        print(f"TFLite:      {path}")
