"""`keras-gans evaluate SOURCE`: how good is this generator? Offline.

SOURCE is an export of clips (`keras-gans train video`: scored by their motion
against Moving MNIST made as it was trained, `keras_gans.evaluation.motion`),
an export of texts or a `.txt` of texts (`keras-gans train text`: scored
against the held-out texts of `--reference`, poems5, poems7 or a folder of
`.txt` files; for an export, by default the texts it was trained on), a
`.npy` file of images ((n, h, w) or (n, h, w, c); uint8, or floats
in [0, 1] or [-1, 1], detected), a folder of images, or an exported generator
(a SavedModel directory or a model directory with numbered versions, with the
`z` -> `images` signature). REFERENCE is a named split, a folder of images or a
`.npy` file; for the last two pass the classifier trained on such images
(`keras-gans train-classifier --data_dir=...`). Prints a table, then as its
last line a JSON object with the keys fcd, kid, classifier_score, precision,
recall, density, manifold_coverage, coverage, num_samples, extractor (and more).
"""

import json
import os

import numpy as np
from absl import flags

from keras_gans import contracts
from keras_gans import export
from keras_gans import plotting
from keras_gans import presets
from keras_gans.cli.common import UsageError
from keras_gans.cli.common import only_argument
from keras_gans.cli.common import parse
from keras_gans.data.image_folder import load_image_folder
from keras_gans.data.image_folder import parse_image_size
from keras_gans.data.image_folder import split_folder
from keras_gans.data.text import split_lines
from keras_gans.data.transforms import to_model_range
from keras_gans.evaluation import classifier
from keras_gans.evaluation import evaluator as evaluator_lib
from keras_gans.evaluation import memorization
from keras_gans.evaluation.sources import is_saved_model
from keras_gans.evaluation.sources import load_samples
from keras_gans.jobs import text as text_job
from keras_gans.jobs import video

SUMMARY = "Score images, clips, texts or a generator offline: FCD, KID, precision/recall, BLEU."
USAGE = "keras-gans evaluate SOURCE [--reference=mnist_test|poems5|DIR] [--classifier_dir=DIR]"


def define(flag_values):
    flags.DEFINE_integer(
        "num_samples",
        None,
        "Samples to draw from a generator (default 10000; 256 clips from an export of "
        "clips, 1000 texts from one of texts), or to take from a .npy or .txt file "
        "(default: all of it).",
        lower_bound=2,
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "reference",
        "mnist_test",
        "Real images to compare with: mnist_test, mnist_train, fashion_mnist_test, "
        "fashion_mnist_train, a folder of images or a .npy file. Texts: poems5, poems7 or a "
        "folder of .txt files (held-out tenth). Unset for an export (with --extractor unset "
        "too): what its training summary names (an MNIST or Fashion-MNIST export: its test "
        "set; a folder's: the run's --reference, else the folder it was trained on; a text "
        "export: its own data), printed first.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "data_dir",
        None,
        "MNIST IDX directory or TFDS data dir for the reference (poems: the unpacked "
        "chinese-poetry package).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "classifier_dir",
        None,
        "Evaluation classifier. Unset: $KERAS_GANS_CLASSIFIER_DIR, else the packaged one.",
        flag_values=flag_values,
    )
    flags.DEFINE_enum(
        "extractor",
        "classifier",
        list(evaluator_lib.EXTRACTORS),
        "Features: a project classifier (--classifier_dir); InceptionV3 (FID; needs "
        "--inception_weights or the file Keras caches); or efficientnet_lite0, ImageNet "
        "features for any colour images (not FID).",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "image_size",
        None,
        "efficientnet_lite0: the size both image sets are compared at. Unset: the samples' "
        "own size (a generator, .npy or .keras source), else 224.",
        lower_bound=8,
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "imagenet_weights",
        None,
        "efficientnet_lite0: its weights file. Unset: $KERAS_GANS_EFFICIENTNET_LITE0_WEIGHTS, "
        "else the installed package's.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "train_dir",
        None,
        "The folder the generator was trained on, when --reference holds held-out images: "
        "adds how much closer samples sit to the training images than held-out ones do.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "pairs_figure",
        None,
        "With --train_dir: a PNG of the samples closest to a training image beside it (and "
        "the closest held-out images beside theirs, for scale).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "inception_weights",
        None,
        "The no-top InceptionV3 weights file (never downloaded).",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "seed", 0, "Seed for the generator's noise and metric subsets.", flag_values=flag_values
    )
    flags.DEFINE_string(
        "cache_dir",
        None,
        "Where the reference's features are cached (default: $KERAS_GANS_CACHE_DIR or "
        "~/.cache/keras_gans); none: no cache.",
        flag_values=flag_values,
    )


def _save_pairs(evaluator, images, train, path, count=8):
    """The samples nearest a training image beside it; held-out images likewise."""
    found = evaluator.memorization_details
    closest = np.argsort(found["sample_distances"])[:count]
    held = np.argsort(found["heldout_distances"])[: len(closest)]
    shape = evaluator.extractor.input_shape
    train = to_model_range(train, shape)
    plotting.save_comparison_figure(
        [
            ("sample", to_model_range(images, shape)[closest]),
            ("its nearest training image", train[found["sample_neighbours"][closest]]),
            ("held-out image", evaluator.reference_images()[held]),
            ("its nearest training image", train[found["heldout_neighbours"][held]]),
        ],
        path,
        title="nearest training images: samples, and held-out images for scale",
    )


def reference_from_training(path, options):
    """Sets `--reference`, `--extractor` (and `--classifier_dir`, `--data_dir`)
    to what the export's training summary says it learned, and prints the
    choice: an MNIST or Fashion-MNIST export against its test set with its
    classifier; a folder export against the run's `--reference` if it had
    one, else against the images its run held out (found again from its
    settings), else its whole training folder (ImageNet features for colour
    images). Left as they are when the summary names none of these.

    Returns:
        `(held-out images, training images)` when the run held images out,
        else `None`.
    """
    settings = (export.read_asset(path, export.TRAINING_ASSET) or {}).get("settings") or {}
    reference, why, held_out = None, None, None
    if settings.get("dataset") in ("mnist", "fashion_mnist") and "image_size" not in settings:
        reference = f"{settings['dataset']}_test"
        why = f"it learned {settings['dataset']}: its test set, with the packaged classifier"
        options.data_dir = options.data_dir or _existing(settings.get("data_dir"))
        options.extractor = "classifier"
    elif _existing(settings.get("reference")) or settings.get("reference") in (
        evaluator_lib.REFERENCES
    ):
        reference = settings["reference"]
        why = "the reference its training run was scored against"
        options.classifier_dir = options.classifier_dir or _existing(settings.get("classifier_dir"))
        options.extractor = _folder_extractor(settings, reference, options.classifier_dir)
    elif _existing(settings.get("data_dir")) and settings.get("holdout"):
        folder = load_image_folder(
            settings["data_dir"],
            image_size=parse_image_size(settings["image_size"]),
            channels=settings["channels"],
            fit=settings.get("fit", "crop"),
        )
        training, held = split_folder(folder, settings["data_dir"], settings["holdout"])
        if held is not None:
            reference = f"{settings['data_dir']} (held out: {len(held.images)} images)"
            why = f"the images its run kept out of training (--holdout={settings['holdout']:g})"
            if len(held.images) >= memorization.MIN_HELDOUT:
                why += f"; memorization against the {len(training.images)} it trained on"
            else:
                why += f"; too few ({len(held.images)}) to measure memorization against"
            held_out = held.images, training.images
            options.extractor = _folder_extractor(settings, reference, options.classifier_dir)
    elif _existing(settings.get("data_dir")):
        reference = settings["data_dir"]
        why = (
            "the folder it was trained on (the run kept no held-out images, so this measures "
            "fit, not generalization: pass --reference=HELD_OUT_DIR for that)"
        )
        options.extractor = _folder_extractor(settings, reference, options.classifier_dir)
    if reference is None:
        return held_out
    options.reference = reference
    print(f"--reference={reference} --extractor={options.extractor}: {why}")
    return held_out


def _existing(path):
    return path if isinstance(path, str) and os.path.exists(path) else None


def _folder_extractor(settings, reference, classifier_dir):
    """The run's choice of features for its reference: a classifier for a
    named reference or one it was given, else ImageNet features (grey
    images repeated to RGB)."""
    chosen = settings.get("extractor") or "auto"
    if chosen != "auto":
        return chosen
    named = reference in evaluator_lib.REFERENCES
    return "classifier" if named or classifier_dir else "efficientnet_lite0"


def evaluate_clips(path, serve, options):
    """The motion report of an export of clips against Moving MNIST test
    clips made with the settings it was trained on (its training asset)."""
    settings = (export.read_asset(path, export.TRAINING_ASSET) or {}).get("settings", {})
    if settings.get("data_dir"):
        raise UsageError(
            f"{path} was trained on a folder of clips ({settings['data_dir']}): its motion "
            "scores are in that run's summary.json; evaluate compares with Moving MNIST only."
        )
    count = options.num_samples or 256
    z = np.random.default_rng(options.seed).standard_normal((count, contracts.latent_dim(serve)))
    _, frames, size, _, _ = serve.structured_outputs["video"].shape
    geometry = {k: settings[k] for k in ("num_digits", "speed", "dataset") if k in settings}
    config = video.DEFAULT.replace(
        frames=frames,
        frame_size=size,
        seed=options.seed,
        mnist_dir=options.data_dir or settings.get("mnist_dir"),
        **geometry,
    )
    source = video.MovingMnistSource(config)
    labels = None
    if contracts.is_conditional(serve):
        if export.class_names(path) != source.class_names:
            raise UsageError(
                f"{path} draws clips of classes that are not Moving MNIST's sets of "
                f"{config.num_digits} digits: its motion can be scored only unconditionally."
            )
        labels = source.score_labels(count)
    if not options.classifier_dir:
        extractor = source.clip_classifier()
    else:  # a clip network of the user's own, instead of the packaged one
        extractor = classifier.load_classifier(options.classifier_dir)
        if not isinstance(extractor, classifier.ClipClassifier):
            raise UsageError(
                f"--classifier_dir={options.classifier_dir} judges "
                f"{extractor.metadata.get('input', 'images')}, not clips: pass a clip network "
                "(keras-gans train-classifier --dataset=moving_mnist), or leave it unset for "
                "the packaged one."
            )
    report, lines = source.motion_scores(serve, z, labels, extractor)
    print(f"keras_gans evaluation of {path}")
    print("\n".join(lines))
    print(json.dumps({"num_samples": count, "evaluator": "keras_gans.evaluation.motion", **report}))
    return 0


TEXT_SAMPLES = 1000  # texts drawn from a text export unless --num_samples says


def text_reference(options, settings):
    """The `TextSet` whose held-out texts `--reference` names: poems5,
    poems7, a folder of .txt files, or (left at its default) the texts of
    the export's training `settings`."""
    reference = options.reference
    config = text_job.DEFAULT.replace(
        **{k: settings[k] for k in ("unit", "length", "poems_dir") if settings.get(k)}
    )
    if reference in text_job.DATASETS:
        config = config.replace(dataset=reference, poems_dir=options.data_dir or config.poems_dir)
    elif os.path.isdir(reference):
        config = config.replace(data_dir=reference)
    elif reference == "mnist_test" and settings:  # the default: what the export learned
        config = config.replace(dataset=settings["dataset"], data_dir=settings.get("data_dir"))
    else:
        choices = ", ".join(text_job.DATASETS)
        raise UsageError(
            f"--reference={reference}: texts are scored against {choices} or a folder of "
            ".txt files."
        )
    return text_job.load_texts(config)


def read_text_samples(path, poems):
    """The texts of a .txt file: one a line, or for `poems` one a block of
    lines (as `keras-gans generate` writes them) or a line, without their
    punctuation."""
    with open(path, encoding="utf-8") as f:
        content = f.read()
    if not poems:
        return [line.strip() for line in content.splitlines() if line.strip()]
    blocks = [block for block in content.split("\n\n") if block.strip()]
    return ["".join(split_lines("".join(block.split()))) for block in blocks]


def evaluate_texts(source, options, serve=None):
    """Scores texts, drawn from a text export (`serve`) or read from a .txt
    `source`, against the held-out texts of `--reference`."""
    settings = text_job.training_settings(source) if serve is not None else {}
    if serve is None and options.reference == "mnist_test":
        raise UsageError(
            f"name the texts to compare {source} with: --reference=poems5, poems7 or a folder "
            "of .txt files."
        )
    texts = text_reference(options, settings)
    if serve is not None:
        count = options.num_samples or TEXT_SAMPLES
        z = np.random.default_rng(options.seed).standard_normal(
            (count, contracts.latent_dim(serve))
        )
        samples, _ = contracts.write_text(serve, z.astype("float32"))
    else:
        samples = read_text_samples(source, texts.lines is not None)[: options.num_samples]
        if len(samples) < 2:
            raise UsageError(f"{source} holds {len(samples)} texts: self-BLEU needs 2 or more.")
    scores = text_job.score_texts(samples, texts)
    print(f"keras_gans evaluation of {source}")
    print("\n".join(text_job.score_lines(scores, texts.source)))
    print(json.dumps({**scores, "evaluator": "keras_gans.evaluation.text", "data": texts.source}))
    return 0


def main(args):
    parsed = parse("keras-gans evaluate", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    source = only_argument(positional, "source", USAGE)
    if source.lower().endswith(".txt") and os.path.isfile(source):
        return evaluate_texts(source, options)
    if not os.path.exists(source) and source in presets.PRESETS:
        source = presets.path(source)
    held_out = None  # (held-out images, training images) of an export's run, if it kept some
    if os.path.isdir(source) and is_saved_model(source):
        path, serve = export.load_serving(source)
        if serve is not None and contracts.draws_clips(serve):
            return evaluate_clips(path, serve, options)
        if contracts.of_signature(serve) is contracts.TEXT:
            return evaluate_texts(path, options, serve)
        if not options["reference"].present and not options["extractor"].present:
            held_out = reference_from_training(path, options)
    if options.pairs_figure and not options.train_dir:
        raise UsageError("--pairs_figure needs --train_dir (the images the generator saw).")
    cache_dir = options.cache_dir or "default"
    folder_source = os.path.isdir(source) and not is_saved_model(source)
    images = labels = None
    image_size, channels = options.image_size or 224, 3
    if options.extractor == "efficientnet_lite0" and not folder_source:
        # Compare at the samples' own size and channels (see imagenet.py).
        images, labels = load_samples(source, options.num_samples, options.seed)
        image_size = options.image_size or np.shape(images)[1]
        channels = np.shape(images)[-1] if np.ndim(images) == 4 else 1
    evaluator = evaluator_lib.Evaluator(
        options.reference,
        options.data_dir,
        options.classifier_dir,
        cache_dir=None if cache_dir.lower() == "none" else cache_dir,
        extractor=options.extractor,
        inception_weights=options.inception_weights,
        image_size=image_size,
        channels=channels,
        imagenet_weights=options.imagenet_weights,
        reference_images=None if held_out is None else held_out[0],
    )
    shape = evaluator.extractor.input_shape
    read_folder = getattr(evaluator.extractor, "read_folder", None)
    if images is None:
        images, labels = load_samples(source, options.num_samples, options.seed, shape, read_folder)
    train = None
    if options.train_dir:
        train = load_samples(options.train_dir, image_shape=shape, read_folder=read_folder)[0]
    elif held_out is not None and len(held_out[0]) >= memorization.MIN_HELDOUT:
        train = held_out[1]  # the images it trained on: is it copying them?
    results = evaluator.evaluate(images, seed=options.seed, labels=labels, train_images=train)
    if folder_source and len(shape) == 3:
        height, width, _ = shape
        results["input_resize"] = f"folder read at {height}x{width} (center crop, antialiased)"
    if options.pairs_figure:
        _save_pairs(evaluator, images, train, options.pairs_figure)
        results["pairs_figure"] = options.pairs_figure
    print(evaluator_lib.format_table(results, title=f"keras_gans evaluation of {source}"))
    print(json.dumps(results))
    return 0
