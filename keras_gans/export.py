"""Export trained generators in the layout TensorFlow Serving loads.

A TF Serving model base path holds one numbered subdirectory per version:
`<export_dir>/<name>/<version>/saved_model.pb`. Serving picks the highest
version; `saved_model` writes each version to a temporary directory first and
renames it into place, so a failed export never leaves a half-written version
for a server to load and never touches the versions already there.

A version's LiteRT files live inside it, in `litert/`, converted before the
rename: a version appears with all of them or not at all. The files beside the
versions, `<export_dir>/<name>.tflite` (and `_float16`, `_int8`), are copies of
the latest version's, each replaced atomically.
"""

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
import warnings

import keras
import tensorflow as tf

from keras_gans import contracts
from keras_gans import presets
from keras_gans.utils import files
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

__all__ = [
    "AUDIO_ASSET",
    "MEL_ASSET",
    "CLASS_NAMES_ASSET",
    "TRAINING_ASSET",
    "CONTRACTS",
    "SAMPLE_SIGNATURE",
    "SERVING_SIGNATURE",
    "TFLITE_VARIANTS",
    "check_model_name",
    "class_names",
    "export_generator",
    "float32_copy",
    "litert_paths",
    "load_serving",
    "read_asset",
    "resolve_saved_model",
    "saved_model",
    "serving_function",
    "style_saved_model",
    "tflite",
    "tflite_path",
    "tflite_runner",
    "versions",
]

SERVING_SIGNATURE = contracts.SERVING_SIGNATURE
SAMPLE_SIGNATURE = contracts.SAMPLE_SIGNATURE
CLASS_NAMES_ASSET = "class_names.json"  # a conditional export's class names, label order
AUDIO_ASSET = "audio.json"  # a sound generator's sample rate and clip length
MEL_ASSET = "mel.json"  # a vocoder's mel settings (`MelSettings.to_dict()`)
TRAINING_ASSET = "training.json"  # the training run an export came from (`keras-gans info`)
LITERT_DIR = "litert"  # a version's LiteRT files: `<version>/litert/<name>[_float16|_int8].tflite`
_VERSION = re.compile(r"^\d+$")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
MAX_NAME_LENGTH = 100


def versions(model_dir):
    """Returns the sorted integer versions present in a model base path."""
    if not os.path.isdir(model_dir):
        return []
    return sorted(
        int(entry)
        for entry in os.listdir(model_dir)
        if _VERSION.match(entry)
        and os.path.isfile(os.path.join(model_dir, entry, "saved_model.pb"))
    )


def resolve_saved_model(path):
    """Returns the SavedModel directory for `path`.

    `path` may be a SavedModel directory itself, a TF Serving model base
    path (`<export_dir>/<name>`), in which case its latest version is used,
    or the name of a trained generator that comes with the package
    (`keras_gans.presets`), when no such path exists.
    """
    path = os.path.expanduser(str(path))
    if os.path.isfile(os.path.join(path, "saved_model.pb")):
        return path
    found = versions(path)
    if found:
        return os.path.join(path, str(found[-1]))
    if not os.path.exists(path) and path in presets.PRESETS:
        return presets.path(path)
    raise FileNotFoundError(
        f"{path} is neither a SavedModel directory (no saved_model.pb), a "
        "model directory with numbered versions (e.g. saved_models/mnist_dcgan/1/) "
        f"nor a preset ({', '.join(presets.names())}). Train and export one with "
        "`keras-gans train mnist`."
    )


def load_serving(path):
    """Loads an exported generator's `serving_default` signature.

    Args:
        path: a SavedModel directory or a model directory with numbered
            versions (see `resolve_saved_model`).

    Returns:
        `(saved_model_dir, signature)`; the signature is `None` when the
        SavedModel has no `serving_default`.
    """
    path = resolve_saved_model(path)
    return path, tf.saved_model.load(path).signatures.get(SERVING_SIGNATURE)


def read_asset(path, name):
    """The JSON file `name` from an export's `assets/`, or `None`.

    Args:
        path: a SavedModel directory or a model directory with numbered
            versions (see `resolve_saved_model`).
        name: e.g. `CLASS_NAMES_ASSET` or `TRAINING_ASSET`.
    """
    file = os.path.join(resolve_saved_model(path), "assets", name)
    if not os.path.isfile(file):
        return None
    with open(file, encoding="utf-8") as f:
        return json.load(f)


def class_names(path):
    """The class names a conditional export holds in `assets/`, or `None`.

    Args:
        path: a SavedModel directory or a model directory with numbered
            versions (see `resolve_saved_model`).
    """
    return read_asset(path, CLASS_NAMES_ASSET)


def float32_copy(model):
    """`model`, or a twin computing in float32 when it computes in 16 bits.

    Networks trained under a mixed-precision policy (`mixed_bfloat16`,
    `mixed_float16`) compute in 16 bits, which LiteRT's built-in ops cannot
    convert and CPUs without bfloat16 units run slowly. Their variables are
    float32, so a float32 twin built from the same config carries the very
    same weights: that is what the exports hold, on every machine alike.
    """
    if not any(layer.compute_dtype in ("bfloat16", "float16") for layer in _layers(model)):
        return model
    config = _float32_policies(keras.saving.serialize_keras_object(model))
    # Layers whose config names no policy take the global one.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        twin = keras.saving.deserialize_keras_object(config)
    finally:
        keras.config.set_dtype_policy(previous)
    twin.set_weights(model.get_weights())
    return twin


def _layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _layers(layer)


def _float32_policies(config):
    """`config` with every mixed dtype policy replaced by float32."""
    if isinstance(config, list):
        return [_float32_policies(item) for item in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "DTypePolicy" and str(
        config.get("config", {}).get("name", "")
    ).startswith("mixed_"):
        return {**config, "config": {**config["config"], "name": "float32"}}
    return {key: _float32_policies(value) for key, value in config.items()}


def _archive(generator, contract="auto"):
    """`(ExportArchive, Contract)`: the archive of `generator` under
    `contract` (a name, a `keras_gans.contracts.Contract`, or `"auto"`: the
    one that fits), and that contract."""
    chosen = contracts.for_generator(generator, contract)
    archive = keras.export.ExportArchive()
    # The endpoints capture the generator's variables; `archive.track()`
    # would store every variable a second time (twice the file size).
    for name, (function, signature) in chosen.endpoints(float32_copy(generator)).items():
        archive.add_endpoint(name, function, input_signature=signature)
    return archive, chosen


def check_model_name(name):
    """Checks that `name` can name a model's folder and files; returns it.

    A model name becomes `<export_dir>/<name>/` and `<export_dir>/<name>.tflite`,
    so it must stay inside the folder it is joined to, on every system: 1 to
    100 letters, digits, `'_'`, `'.'` or `'-'`, not starting with `'.'` (which
    rules out `.` and `..`, and hidden files a user would not see).

    Args:
        name: str. The model name, e.g. a training run's name.

    Returns:
        `name`.

    Raises:
        ValueError: when `name` is not such a name.

    Example:

        >>> keras_gans.export.check_model_name("mnist_dcgan")
        'mnist_dcgan'
        >>> keras_gans.export.check_model_name("..")
        Traceback (most recent call last):
        ValueError: `name` must be a model name of 1 to 100 letters, ...
    """
    # `fullmatch`, not `match(...$)`: `$` also matches before a final newline.
    if (
        not isinstance(name, str)
        or not _NAME.fullmatch(name)
        or name.startswith(".")
        or len(name) > MAX_NAME_LENGTH
    ):
        raise ValueError(
            f"`name` must be a model name of 1 to {MAX_NAME_LENGTH} letters, digits, '_', "
            "'.' or '-', not starting with '.': it names a folder and files inside "
            f"`export_dir`. Received: name={name!r}"
        )
    return name


def saved_model(generator, export_dir, name, version=None):
    """Exports a noise-to-image generator as a TF Serving SavedModel.

    Signatures:

    - `serving_default`: input `z` float32 `[batch, latent_dim]`, output
      `images` uint8 `[batch, height, width, channels]`.
    - `sample`: inputs `num_samples` int32 scalar and `seed` int32 scalar,
      output `images` uint8: draws its own standard-normal noise, so clients
      need not know the latent size. The same seed gives the same images.

    A class-conditional generator (inputs `[z, label]`) gets instead:

    - `serving_default`: inputs `z` float32 `[batch, latent_dim]` and `label`
      int32 `[batch]`, output `images` uint8. A label outside
      `[0, num_classes)` fails the request with "label must be in [0, N)".
    - `sample`: inputs `label` int32 `[batch]` and `seed` int32 scalar.

    Args:
        generator: `keras.Model`. Maps `(batch, latent_dim)` noise (and, if
            conditional, `(batch,)` int labels) to images in `[-1, 1]` (e.g.
            `gan.sampling_generator`).
        export_dir: str. Base directory, e.g. `"saved_models"`.
        name: str. Model name, the TF Serving `model_name`.
        version: int or `None`. Version number; defaults to one more than the
            highest version already in `<export_dir>/<name>/` (or `1`). An
            existing version is never overwritten.

    Returns:
        The path of the written version directory.

    Example:

        >>> path = keras_gans.export.saved_model(gan.generator, "saved_models",
        ...                                      "mnist_dcgan")
        >>> served = tf.saved_model.load(path)
        >>> served.signatures["serving_default"](z=tf.zeros([1, 100]))["images"]
    """
    check_model_name(name)
    archive, _ = _archive(generator, "noise")
    return _write_version(archive, export_dir, name, version)


def _write_version(
    archive,
    export_dir,
    name,
    version,
    assets=None,
    quantizations=(),
    litert_signature=SERVING_SIGNATURE,
):
    """Writes `archive` as `<export_dir>/<name>/<version>/`, atomically, with
    the LiteRT files of `quantizations` (of its signature
    `litert_signature`) in its `litert/` folder."""
    check_model_name(name)
    model_dir = os.path.join(os.path.expanduser(str(export_dir)), name)
    if version is not None:
        check_positive_int("version", version)
        # Before the export's work, not only at the rename.
        _check_free(os.path.join(model_dir, str(version)))
    os.makedirs(model_dir, exist_ok=True)
    # A unique name: concurrent exports of one model never share a staging folder.
    staging = tempfile.mkdtemp(prefix=".tmp-export-", dir=model_dir)
    try:
        archive.write_out(staging, verbose=False)
        for filename, text in (assets or {}).items():
            os.makedirs(os.path.join(staging, "assets"), exist_ok=True)
            with open(os.path.join(staging, "assets", filename), "w", encoding="utf-8") as f:
                f.write(text)
        # Converted before the rename, so the version never shows without them.
        folder = os.path.join(staging, LITERT_DIR)
        _write_litert(staging, folder, name, quantizations, litert_signature)
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide it from a server
        return _move_into_place(staging, model_dir, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_free(target):
    if os.path.lexists(target):
        raise FileExistsError(
            f"{target} already exists; TF Serving versions are immutable. "
            "Pick another `version` or leave it unset to use the next one."
        )


def _next_version(model_dir):
    """One more than any numbered entry of `model_dir`, SavedModel or not:
    a numbered folder a user made is skipped, never written into."""
    numbers = [int(entry) for entry in os.listdir(model_dir) if _VERSION.match(entry)]
    return max(numbers, default=0) + 1


def _move_into_place(staging, model_dir, version):
    """Renames `staging` to `model_dir/<version>` (default: the next free
    one); returns the version's path."""
    number = 0
    while True:
        # Past the number just tried too: it was taken, listed yet or not.
        number = version or max(number + 1, _next_version(model_dir))
        target = os.path.join(model_dir, str(number))
        try:
            # A rename never replaces a folder that has files in it, so an
            # export that took the same number first keeps it.
            os.rename(staging, target)
            return target
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            if version is not None:
                _check_free(target)
                raise
            # Another export took the number between the listing and the rename: take the next one.


# The contracts' names, for `export_generator(contract=...)`.
CONTRACTS = tuple(contracts.CONTRACTS)


def serving_function(generator, contract="auto"):
    """The `serving_default` of `contract` as an in-memory function.

    Called like the exported signature (keyword inputs, a dict of outputs:
    uint8 images, float32 audio), it lets a job draw and score the model it is about to
    export, or a test compare an export with its source.

    Args:
        generator: `keras.Model` (run as a float32 copy, as exported).
        contract: a contract's name (see `keras_gans.contracts`), or
            `"auto"`. Defaults to `"auto"`.
    """
    chosen = contracts.for_generator(generator, contract)
    serve, signature = chosen.endpoints(float32_copy(generator))[SERVING_SIGNATURE]
    return tf.function(serve, input_signature=signature)


def style_saved_model(generator, export_dir, name, version=None):
    """Deprecated: `export_generator(generator, export_dir, name, contract="style",
    tflite_files=False)` writes the same SavedModel.

    Returns:
        The path of the written version directory.
    """
    warnings.warn(
        "`keras_gans.export.style_saved_model` is deprecated: use "
        "`keras_gans.export.export_generator(generator, export_dir, name, "
        'contract="style", tflite_files=False)`, which writes the same SavedModel.',
        DeprecationWarning,
        stacklevel=2,
    )
    path, _ = export_generator(
        generator, export_dir, name, tflite_files=False, version=version, contract="style"
    )
    return path


# quantization -> file name suffix
TFLITE_VARIANTS = {"float32": "", "float16": "_float16", "dynamic_int8": "_int8"}


def tflite_path(export_dir, name, quantization="float32"):
    """`<export_dir>/<name>.tflite` (float32) or `<name>_float16/_int8.tflite`:
    the copy of the latest version's LiteRT file (see `litert_paths`)."""
    return os.path.join(os.path.expanduser(str(export_dir)), _litert_filename(name, quantization))


def _litert_filename(name, quantization):
    check_model_name(name)
    check_choice("quantization", quantization, tuple(TFLITE_VARIANTS))
    return f"{name}{TFLITE_VARIANTS[quantization]}.tflite"


def litert_paths(path, name=None):
    """The LiteRT files an export version holds, by quantization.

    `export_generator` writes them in the version itself,
    `<export_dir>/<name>/<version>/litert/<name>[_float16|_int8].tflite`, so
    they always match that version's SavedModel (the files beside the
    versions, `tflite_path`, follow the latest export).

    Args:
        path: a SavedModel directory or a model directory with numbered
            versions (see `resolve_saved_model`; its latest version).
        name: str or `None`. The model name the files carry; defaults to the
            name of the folder that holds the version.

    Returns:
        A dict of quantization (`"float32"`, `"float16"`, `"dynamic_int8"`)
        -> path, of the files present: empty for a version exported without
        LiteRT files, or by a keras_gans that wrote them only beside the
        versions.

    Example:

        >>> files = keras_gans.export.litert_paths("saved_models/mnist_dcgan/2")
        >>> run = keras_gans.export.tflite_runner(files["float32"])
    """
    version_dir = resolve_saved_model(path)
    if name is None:
        name = os.path.basename(os.path.dirname(os.path.abspath(version_dir)))
    found = {}
    for quantization in TFLITE_VARIANTS:
        file = os.path.join(version_dir, LITERT_DIR, _litert_filename(name, quantization))
        if os.path.isfile(file):
            found[quantization] = file
    return found


def tflite(generator, export_dir, name, quantization="float32", contract="auto"):
    """Converts a noise-to-image generator to a LiteRT (TFLite) flatbuffer.

    The file has one signature, `serving_default`, with the SavedModel's
    contract: input `z` float32 `[batch, latent_dim]`, output `images` uint8
    (or, for a style generator, `content` uint8 of any size to `stylized`
    uint8). It uses built-in LiteRT ops only (no Flex delegate needed).

    Args:
        generator: `keras.Model`. Noise `(batch, latent_dim)` to images in
            `[-1, 1]`.
        export_dir: str. Directory of the `.tflite` files.
        name: str. Model name: the float32 file is `<name>.tflite`.
        quantization: `"float32"` (no quantization), `"float16"` (weights
            stored as float16, half the size) or `"dynamic_int8"`
            (dynamic-range quantization: int8 weights, a quarter of the size,
            activations quantized on the fly). Defaults to `"float32"`.
        contract: the signature, as in `export_generator`. Defaults to
            `"auto"`.

    Returns:
        The path of the written file, `tflite_path(export_dir, name,
        quantization)` (written to a temporary file of its own first, so an
        existing file is replaced only by a complete one).

    Example:

        >>> for q in ("float32", "float16", "dynamic_int8"):
        ...     keras_gans.export.tflite(gan.generator, "saved_models", "mnist_dcgan", q)
    """
    path = tflite_path(export_dir, name, quantization)  # checks both before tracing
    with tempfile.TemporaryDirectory() as staging:
        archive, chosen = _archive(generator, contract)
        archive.write_out(staging, verbose=False)
        folder = os.path.join(staging, LITERT_DIR)
        (lite,) = _write_litert(staging, folder, name, [quantization], chosen.litert_signature)
        return _publish([(lite, path)])[0]


def _convert(saved_model_dir, quantization, signature=SERVING_SIGNATURE):
    """The flatbuffer of `saved_model_dir`'s `signature` (only: no `sample`)."""
    converter = tf.lite.TFLiteConverter.from_saved_model(
        saved_model_dir, signature_keys=[signature]
    )
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def _write_litert(saved_model_dir, folder, name, quantizations, signature=SERVING_SIGNATURE):
    """Converts `saved_model_dir`'s `signature` to
    `folder/<name>[_float16|_int8].tflite`; returns the paths."""
    paths = []
    for quantization in quantizations:
        path = os.path.join(folder, _litert_filename(name, quantization))
        flatbuffer = _convert(saved_model_dir, quantization, signature)
        os.makedirs(folder, exist_ok=True)
        with open(path, "wb") as f:
            f.write(flatbuffer)
        paths.append(path)
    return paths


def _publish(pairs):
    """Copies each `(source, target)` file over `target`; returns the targets.

    Every copy goes to a temporary file beside its target first; only then
    are they moved over the targets, one `os.replace` after another. A
    failure while copying leaves every target as it was and no temporary
    file behind, and a reader sees old and new files together only for the
    time of the renames.
    """
    with contextlib.ExitStack() as stack:
        # The stack exits last-in first-out: entered reversed, it replaces in order.
        temporaries = [stack.enter_context(files.atomic_path(target)) for _, target in pairs[::-1]]
        for (source, _), tmp in zip(pairs, temporaries[::-1]):
            _copy(source, tmp)
    return [target for _, target in pairs]


def _copy(source, target):
    with open(source, "rb") as read, open(target, "wb") as write:
        shutil.copyfileobj(read, write)
        write.flush()
        os.fsync(write.fileno())  # durable before the rename makes it the file
    # The source's permissions: a temporary file's 0600 would hide it from other users.
    shutil.copymode(source, target)


def export_generator(
    generator, export_dir, name, tflite_files=True, version=None, assets=None, contract="auto"
):
    """Exports any generator kind: the SavedModel and, by default, LiteRT files.

    Each contract is a `serving_default` signature; the LiteRT files
    (`float32`, `float16`, `dynamic_int8`) keep it:

    - `"noise"`: `z` float32 -> `images` uint8, plus `sample` (see
      `saved_model`); `(z, label)` for a class-conditional generator. A
      generator of sounds `(batch, samples)` serves `audio` float32
      `[b, samples]` in [-1, 1] instead; one of clips serves `video` uint8
      `[b, frames, H, W, C]`, and also `animate(image, z)`: a clip that
      starts from a still (the noise inverted to draw it first).
    - `"style"`: `content` uint8 `[b, h, w, 3]` -> `stylized` uint8, any size
      with mirrored padding to a multiple of 4 inside the graph, cropped back.
    - `"super_resolution"`: `image` uint8 `[b, h, w, 3]` -> `upscaled` uint8
      `[b, s·h, s·w, 3]`.
    - `"inpainting"`: `image` uint8 `[b, h, w, 3]` and `mask` uint8
      `[b, h, w, 1]` (255 = hole; pixels under it are ignored) ->
      `inpainted` uint8 `[b, h, w, 3]`, equal to `image` outside the holes.
    - `"vocoder"`: `mel` float32 `[b, frames, bins]` (log-mel spectrograms
      made as `keras_gans.data.LogMelSpectrogram` makes them, with the
      settings in the export's `assets/mel.json`) -> `audio` float32
      `[b, (frames - 1) * hop_length]` in [-1, 1], any number of frames.
    - `"text"`: `z` float32 `[b, latent_dim]` -> `text` string `[b]` and
      `ids` int32 `[b, length]` (0 after a text's end), from a
      `keras_gans.networks.character_generator` built with its
      `vocabulary`; also `write(z, temperature)` and `sample(num_samples,
      seed)`. Strings are not LiteRT built-in ops: its LiteRT files hold
      the signature `ids(z) -> ids`, and the characters of ids 2, 3, ...
      are the vocabulary (ids 0 and 1: the end, an unknown character),
      all of them in the export's `assets/vocabulary.json`, by id.

    Args:
        generator: `keras.Model`, e.g. `gan.sampling_generator`.
        export_dir: str. Base directory, e.g. `"saved_models"`.
        name: str. Model name (see `check_model_name`):
            `<export_dir>/<name>/<version>/`, with the version's LiteRT files
            in its `litert/<name>[_float16|_int8].tflite`, and their copies
            `<export_dir>/<name>[_float16|_int8].tflite`.
        tflite_files: bool, or a tuple of quantizations (`"float32"`,
            `"float16"`, `"dynamic_int8"`): the LiteRT files to write; `True`
            writes all three, `False` none. Defaults to `True`.
        version: int or `None`. See `saved_model`.
        assets: dict of file name -> text, written to the SavedModel's
            `assets/` folder (e.g. `class_names.json`), or `None`.
        contract: one of the contracts above (`keras_gans.contracts`), or
            `"auto"`: the one contract whose shapes the generator fits (a
            generator that fits none or several is an error naming them).
            Defaults to `"auto"`.

    Returns:
        `(saved_model_path, tflite_paths)`: the version's directory and the
        LiteRT files beside the versions, now copies of this version's
        (`litert_paths(saved_model_path)` gives the version's own). When
        `version` is older than one already there, the files beside the
        versions stay the newest version's, as TF Serving serves that one,
        and `tflite_paths` are the version's own.

    The version appears only once its SavedModel and LiteRT files are
    complete (a failure before leaves the export directory as it was), and
    the files beside the versions are replaced only once every copy is ready.
    """
    check_model_name(name)
    if isinstance(tflite_files, bool):
        quantizations = tuple(TFLITE_VARIANTS) if tflite_files else ()
    else:
        quantizations = tuple(tflite_files)
        for quantization in quantizations:
            check_choice("tflite_files", quantization, tuple(TFLITE_VARIANTS))
    # The conversions read the staged SavedModel: a second one would cost
    # about as much as a conversion.
    archive, chosen = _archive(generator, contract)
    if chosen.assets is not None:
        assets = {**chosen.assets(generator), **(assets or {})}
    path = _write_version(
        archive, export_dir, name, version, assets, quantizations, chosen.litert_signature
    )
    lite = [os.path.join(path, LITERT_DIR, _litert_filename(name, q)) for q in quantizations]
    model_dir = os.path.dirname(path)
    if int(os.path.basename(path)) < versions(model_dir)[-1]:
        return path, lite
    stable = [tflite_path(export_dir, name, q) for q in quantizations]
    return path, _publish(list(zip(lite, stable)))


def tflite_runner(path, signature=SERVING_SIGNATURE):
    """Returns a callable running a `.tflite` signature in the LiteRT interpreter.

    Uses `ai_edge_litert` (the LiteRT runtime, `pip install ai-edge-litert`)
    when installed, else TensorFlow's bundled `tf.lite.Interpreter`.

    Example:

        >>> run = keras_gans.export.tflite_runner("saved_models/mnist_dcgan.tflite")
        >>> run(z=np.zeros((4, 100), "float32"))["images"].shape
        (4, 28, 28, 1)
    """
    try:
        # Optional: the LiteRT runtime, when installed, is what devices run.
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=str(path))
    # The signature runner resizes its inputs to each call's shapes.
    return interpreter.get_signature_runner(signature)
