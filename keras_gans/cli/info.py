"""`keras-gans info EXPORT`: what an export is and where it came from."""

import json

from keras_gans import contracts
from keras_gans import export
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import load_export
from keras_gans.cli.common import only_argument
from keras_gans.cli.common import parse

SUMMARY = "Describe an export: its contract, shapes, classes and training run."
USAGE = "keras-gans info EXPORT"


def define(flag_values):
    """`info` takes no flags."""


def describe(path):
    """A JSON-friendly description of the export at `path`."""
    directory, serve = load_export(path)
    if serve is None:
        raise UsageError(f"{directory} has no serving_default signature: not a keras_gans export.")

    def spec(tensor):
        return {"dtype": tensor.dtype.name, "shape": tensor.shape.as_list()}

    inputs = serve.structured_input_signature[1]
    outputs = serve.structured_outputs
    contract = contracts.of_signature(serve)
    kind = contract.name if contract is not None else "unknown"
    vocabulary = export.read_asset(directory, contracts.VOCABULARY_ASSET)
    return {
        "path": directory,
        "versions": export.versions(path),  # none when `path` is one version
        "contract": kind,
        "inputs": {name: spec(t) for name, t in inputs.items()},
        "outputs": {name: spec(t) for name, t in outputs.items()},
        "class_names": export.class_names(directory),
        "audio": export.read_asset(directory, export.AUDIO_ASSET),
        "mel": export.read_asset(directory, export.MEL_ASSET),
        # Characters of a text export, ids 0 and 1 (the end, unknown) aside.
        "characters": len(vocabulary) - 2 if vocabulary else None,
        "training": export.read_asset(directory, export.TRAINING_ASSET),
    }


def main(args):
    parsed = parse("keras-gans info", USAGE, args, define)
    if parsed is None:
        return 0
    _, positional = parsed
    about = describe(only_argument(positional, "export", USAGE))
    print(f"{about['path']}: a {about['contract']} export")
    for side in ("inputs", "outputs"):
        for name, spec in about[side].items():
            print(f"  {side[:-1]:<6} {name}: {spec['dtype']} {spec['shape']}")
    if about["class_names"]:
        print(f"  classes: {', '.join(map(str, about['class_names']))}")
    if about["audio"]:
        samples, rate = about["audio"]["clip_samples"], about["audio"]["sample_rate"]
        print(f"  sounds: {samples} samples at {rate} Hz ({samples / rate:.2f} s)")
    if about["mel"]:
        mel = about["mel"]
        print(
            f"  mel spectrograms: {mel['num_mel_bins']} bands, FFT {mel['fft_length']}, hop "
            f"{mel['hop_length']} at {mel['sample_rate']} Hz (keras_gans.data.LogMelSpectrogram)"
        )
    if about["characters"]:
        print(f"  characters: {about['characters']} (by id in assets/vocabulary.json)")
    training = about["training"]
    if training:
        # A preset names its data's public source instead of a folder of this machine.
        where = training.get("output_dir") or training.get("data")
        print(f"  trained by run {training['run']} ({where}), {training['epochs_run']} epochs")
        last = training.get("last_evaluation")
        if last:
            distance = last.get("fd", last.get("fcd"))
            extra = ""
            if last.get("label_accuracy") is not None:
                extra = f", label accuracy {last['label_accuracy']:.3f}"
            print(
                f"  last evaluation: FD {distance:.3f}{extra} (epoch {last['epoch']}, "
                f"{last['num_samples']} samples, {last.get('extractor', 'classifier')})"
            )
    print(json.dumps(about, default=str))
    return 0
