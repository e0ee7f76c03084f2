r"""`keras-gans train-classifier`: an evaluation classifier, saved with its
accuracy and hash.

    keras-gans train-classifier --output_dir=my_mnist_classifier          # MNIST
    keras-gans train-classifier --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist
    keras-gans train-classifier --data_dir=my_classes/ --output_dir=my_classifier
    keras-gans train-classifier --data_dir=drum_kinds/ --output_dir=drum_classifier \
        --clip_samples=8192                        # a folder of recordings per class
    keras-gans train-classifier --dataset=moving_mnist   # the clip network of the video job

Writes `<output_dir>/classifier.<hash>.weights.h5` and `<output_dir>/metadata.json`
(default output_dir for MNIST-style data: `saved_models/<dataset>_classifier`
under the current directory; the evaluator reads it with `--classifier_dir` or
`$KERAS_GANS_CLASSIFIER_DIR`, else the classifier packaged in
`keras_gans/assets/`). MNIST and Fashion-MNIST come from the same
`keras_gans.data.mnist` pipeline as the GANs; a folder is read with
`keras_gans.data.load_image_folder`, a tenth of each class held out to measure
the accuracy.
"""

import os

from absl import flags

from keras_gans.cli.common import UsageError
from keras_gans.cli.common import parse
from keras_gans.cli.common import report
from keras_gans.data.image_folder import list_images
from keras_gans.data.image_folder import parse_image_size
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.evaluation.classifier_training import CLIP_FRAME_SIZE
from keras_gans.evaluation.classifier_training import CLIP_STEPS
from keras_gans.evaluation.classifier_training import FOLDER_EPOCHS
from keras_gans.evaluation.classifier_training import MNIST_EPOCHS
from keras_gans.evaluation.classifier_training import TRACKING_STEPS
from keras_gans.evaluation.classifier_training import holds_class_folders
from keras_gans.evaluation.classifier_training import train
from keras_gans.evaluation.classifier_training import train_on_audio_folder
from keras_gans.evaluation.classifier_training import train_on_folder
from keras_gans.evaluation.classifier_training import train_on_moving_mnist

SUMMARY = "Train an evaluation classifier on MNIST-style data or class folders."
USAGE = "keras-gans train-classifier [--data_dir=DIR] [--output_dir=DIR] [flags]"


def define(flag_values):
    flags.DEFINE_enum(
        "dataset",
        None,
        ["mnist", "fashion_mnist", "folder", "audio", "moving_mnist"],
        "Data set. Unset: folder (or audio) when --data_dir holds one subfolder of images "
        "(or recordings) per class, else mnist. moving_mnist: the clip network that judges "
        "generated clips, on Moving MNIST made from the MNIST digits in --data_dir.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "data_dir",
        None,
        "A folder of class subfolders, or an IDX / TFDS directory for MNIST.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "output_dir",
        None,
        "Default: ./saved_models/<dataset>_classifier (required for folders).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "image_size",
        None,
        "Folders: N or HxW. Unset: chosen from the data (at most 64).",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "sample_rate", 16000, "Audio: samples per second.", flag_values=flag_values
    )
    flags.DEFINE_integer(
        "clip_samples",
        16384,
        "Audio: samples per clip, as the GAN's --clip_samples.",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "epochs",
        None,
        "Training epochs. Unset: 4 for MNIST-style data, 20 for folders.",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "frame_size",
        CLIP_FRAME_SIZE,
        "moving_mnist: side of the frames the clip network reads (64: the digits at MNIST's "
        "own 28 px; 32: quicker, the digits at 14 px).",
        lower_bound=8,
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "steps",
        CLIP_STEPS,
        "moving_mnist: training steps (clip batches).",
        lower_bound=1,
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "tracking_steps",
        TRACKING_STEPS,
        "moving_mnist: steps of the second stage, which teaches the head that names each "
        "frame's digits with its neighbours (the rest frozen).",
        lower_bound=1,
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "start_from",
        None,
        "moving_mnist: a clip network's folder whose weights to start from: only the second "
        "stage runs, and the new network's frame and clip features are that one's.",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "batch_size",
        None,
        "Batch size. Unset: 128 (32 clips for moving_mnist).",
        lower_bound=1,
        flag_values=flag_values,
    )
    flags.DEFINE_float(
        "learning_rate", 1e-3, "Adam learning rate (cosine-decayed to 0).", flag_values=flag_values
    )
    flags.DEFINE_integer("seed", 0, "Seed.", flag_values=flag_values)
    flags.DEFINE_float(
        "min_accuracy",
        0.0,
        "Fail (nothing saved) below this test accuracy.",
        flag_values=flag_values,
    )


def _one_line(error):
    """An error's first line, with the `Cause:` line of a longer message."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    cause = next((line for line in lines[1:] if line.startswith("Cause:")), None)
    return lines[0] + (f" ({cause})" if cause else "")


def _holds_images(directory):
    try:
        return bool(list_images(directory))
    except FileNotFoundError:
        return False


def main(args):
    parsed = parse("keras-gans train-classifier", USAGE, args, define)
    if parsed is None:
        return 0
    options, positional = parsed
    if positional:
        raise UsageError(f"unexpected arguments {positional}: train-classifier takes flags only.")
    if options.data_dir and not os.path.exists(options.data_dir):
        raise UsageError(
            f"--data_dir={options.data_dir} does not exist: pass a folder with one subfolder of "
            "images (or recordings) per class, or a directory of the MNIST IDX files."
        )
    dataset = options.dataset
    if dataset is None:
        dataset = "mnist"
        if holds_class_folders(options.data_dir):
            dataset = "folder"
        elif holds_class_folders(options.data_dir, "audio"):
            dataset = "audio"
    try:
        if dataset != "folder" and options.data_dir and _holds_images(options.data_dir):
            raise ValueError(
                f"{options.data_dir} holds images but no class subfolders: an evaluation "
                "classifier learns classes. Put each class's images in its own subfolder "
                "(<data_dir>/<class name>/*.png) and pass that folder."
            )
        if dataset in ("folder", "audio") and not (options.data_dir and options.output_dir):
            raise ValueError("Pass --data_dir (one subfolder per class) and --output_dir.")
        batch_size = options.batch_size
        if batch_size is None:
            batch_size = 32 if dataset == "moving_mnist" else 128
        if dataset == "moving_mnist":
            metadata = train_on_moving_mnist(
                options.output_dir,
                options.data_dir,
                frame_size=options.frame_size,
                steps=options.steps,
                batch_size=batch_size,
                learning_rate=options.learning_rate,
                seed=options.seed,
                min_accuracy=options.min_accuracy,
                tracking_steps=options.tracking_steps,
                start_from=options.start_from,
            )
        elif dataset == "audio":
            metadata = train_on_audio_folder(
                options.data_dir,
                options.output_dir,
                options.sample_rate,
                options.clip_samples,
                options.epochs or FOLDER_EPOCHS,
                batch_size,
                options.learning_rate,
                options.seed,
                options.min_accuracy,
            )
        elif dataset == "folder":
            metadata = train_on_folder(
                options.data_dir,
                options.output_dir,
                parse_image_size(options.image_size),
                options.epochs or FOLDER_EPOCHS,
                batch_size,
                options.learning_rate,
                options.seed,
                options.min_accuracy,
            )
        else:
            metadata = train(
                dataset,
                options.data_dir,
                options.output_dir,
                options.epochs or MNIST_EPOCHS,
                batch_size,
                options.learning_rate,
                options.seed,
                options.min_accuracy,
            )
    except DataNotFoundError as e:
        if options.dataset is None and options.data_dir:  # chosen for lack of class folders
            return report(
                f"--data_dir={options.data_dir} holds neither class subfolders (one per class, "
                "of images or recordings) nor the MNIST data (its four IDX files, or a TFDS "
                "mnist/): put each class's examples in its own subfolder, or pass --dataset."
            )
        return report(_one_line(e))
    except (ValueError, FileNotFoundError) as e:
        return report(_one_line(e))
    order = metadata.get("in_order_accuracy")
    also = f", clips in order told apart {order:.4f}" if order is not None else ""
    print(f"test accuracy {metadata['test_accuracy']:.4f}{also}, sha256 {metadata['sha256']}")
    return 0
