"""Builds the presets (`keras_gans/assets/presets/<name>/`) from training runs.

Each preset is its run's generator exported again (the SavedModel with the
`pixels` signature, no LiteRT files), with the run's assets: its training
summary, scores included, with this machine's paths replaced by the data's
public sources. The runs (commands in `keras_gans.presets.PRESETS` and in
the docs' "Using a trained generator" guide):

    keras-gans train mnist --output_dir=RUNS/mnist --seed=0
    keras-gans train mnist --dataset=fashion_mnist --conditional --output_dir=RUNS/fashion
    keras-gans train audio --data_dir=DRUMS --conditional --clip_samples=8192 \
        --max_minutes=10 --epochs=1000 --output_dir=RUNS/drums

Usage:

    python scripts/make_presets.py --runs=RUNS --exports=EXPORTS
"""

import argparse
import json
import os
import shutil
import tempfile

import keras

import keras_gans as kg

PRESET_DIR = os.path.join(os.path.dirname(kg.__file__), "assets", "presets")
# preset -> (run folder under --runs, the export's name under --exports, public data source)
RUNS = {
    "mnist_dcgan": ("mnist", "mnist_dcgan", "MNIST (TFDS `mnist`, or its four IDX files)"),
    "fashion_mnist_conditional": (
        "fashion",
        "mnist_dcgan_conditional",
        "Fashion-MNIST (TFDS `fashion_mnist`, or Debian's dataset-fashion-mnist IDX files)",
    ),
    "drums_specgan": (
        "drums",
        "drums",  # the run is named after its folder
        "Debian's hydrogen-drumkits, sorted into six kinds by benchmarks/drums_by_kind.py",
    ),
}
# Settings that name this machine's folders.
PATH_SETTINGS = (
    "data_dir",
    "output_dir",
    "export_dir",
    "backup_dir",
    "reference",
    "classifier_dir",
)


def public_training(training, source):
    """The training summary with this machine's paths replaced by `source`."""
    training = dict(training)
    training["output_dir"] = None
    training["data_folders"] = None
    training["data"] = source
    settings = dict(training.get("settings") or {})
    for key in PATH_SETTINGS:
        if isinstance(settings.get(key), str) and os.path.isabs(settings[key]):
            settings[key] = f"<{key}>"
    training["settings"] = settings
    last = dict(training.get("last_evaluation") or {})
    if isinstance(last.get("reference"), str) and os.path.isabs(last["reference"]):
        last["reference"] = source
    training["last_evaluation"] = last or None
    return training


def build(name, runs, exports):
    run, export_name, source = RUNS[name]
    run_dir = os.path.join(runs, run)
    gan = keras.saving.load_model(os.path.join(run_dir, "gan.keras"))
    old = kg.export.resolve_saved_model(os.path.join(exports, export_name))
    assets = {}
    for file in os.listdir(os.path.join(old, "assets")):
        with open(os.path.join(old, "assets", file), encoding="utf-8") as f:
            text = f.read()
        if file == kg.export.TRAINING_ASSET:
            text = json.dumps(public_training(json.loads(text), source), indent=1)
        assets[file] = text
    with tempfile.TemporaryDirectory() as staging:
        path, _ = kg.export.export_generator(
            gan.sampling_generator, staging, name, tflite_files=False, assets=assets
        )
        target = os.path.join(PRESET_DIR, name)
        if os.path.isdir(target):
            shutil.rmtree(target)  # the package's own preset, rebuilt
        shutil.copytree(path, target)
    size = sum(
        os.path.getsize(os.path.join(folder, file))
        for folder, _, files in os.walk(target)
        for file in files
    )
    print(f"{name}: {target} ({size / 1e6:.1f} MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", required=True, help="The folder of the three runs.")
    parser.add_argument("--exports", required=True, help="The runs' --export_dir.")
    parser.add_argument("--only", nargs="*", choices=sorted(RUNS), help="Build only these.")
    args = parser.parse_args()
    for name in args.only or sorted(RUNS):
        build(name, args.runs, args.exports)


if __name__ == "__main__":
    main()
