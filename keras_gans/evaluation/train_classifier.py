r"""Trains an evaluation classifier and saves it with its accuracy and hash.

    python -m keras_gans.evaluation.train_classifier                      # MNIST
    python -m keras_gans.evaluation.train_classifier --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist
    python -m keras_gans.evaluation.train_classifier --data_dir=my_classes/ \
        --output_dir=my_classifier                     # any folder of class subfolders

Writes `<output_dir>/classifier.weights.h5` and `<output_dir>/metadata.json`
(default output_dir for MNIST-style data: `saved_models/<dataset>_classifier`
under the current directory; the evaluator reads it with `--classifier_dir` or
`$KERAS_GANS_CLASSIFIER_DIR`, else the classifier packaged in
`keras_gans/assets/`).
MNIST and Fashion-MNIST come from the same `keras_gans.data.mnist` pipeline as
the GANs; a folder is read with `keras_gans.data.load_image_folder`, a tenth
of each class held out to measure the accuracy.
"""

import sys

from absl import app
from absl import flags

from keras_gans.data.image_folder import list_images
from keras_gans.data.image_folder import parse_image_size
from keras_gans.evaluation.classifier_training import FOLDER_EPOCHS
from keras_gans.evaluation.classifier_training import MNIST_EPOCHS
from keras_gans.evaluation.classifier_training import holds_class_folders
from keras_gans.evaluation.classifier_training import train
from keras_gans.evaluation.classifier_training import train_on_folder

flags.DEFINE_enum(
    "dataset",
    None,
    ["mnist", "fashion_mnist", "folder"],
    "Data set. Unset: folder when --data_dir holds one subfolder of images per class, else mnist.",
)
flags.DEFINE_string(
    "data_dir", None, "A folder of class subfolders, or an IDX / TFDS directory for MNIST."
)
flags.DEFINE_string(
    "output_dir", None, "Default: ./saved_models/<dataset>_classifier (required for folders)."
)
flags.DEFINE_string(
    "image_size", None, "Folders: N or HxW. Unset: chosen from the data (at most 64)."
)
flags.DEFINE_integer(
    "epochs", None, "Training epochs. Unset: 4 for MNIST-style data, 20 for folders."
)
flags.DEFINE_integer("batch_size", 128, "Batch size.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate (cosine-decayed to 0).")
flags.DEFINE_integer("seed", 0, "Seed.")
flags.DEFINE_float("min_accuracy", 0.0, "Fail (exit 1, nothing saved) below this test accuracy.")
FLAGS = flags.FLAGS


def _holds_images(directory):
    try:
        return bool(list_images(directory))
    except FileNotFoundError:
        return False


def main(argv):
    del argv
    dataset = FLAGS.dataset or ("folder" if holds_class_folders(FLAGS.data_dir) else "mnist")
    try:
        if dataset != "folder" and FLAGS.data_dir and _holds_images(FLAGS.data_dir):
            raise ValueError(
                f"{FLAGS.data_dir} holds images but no class subfolders: an evaluation "
                "classifier learns classes. Put each class's images in its own subfolder "
                "(<data_dir>/<class name>/*.png) and pass that folder."
            )
        if dataset == "folder":
            if not FLAGS.data_dir or not FLAGS.output_dir:
                raise ValueError("Pass --data_dir (one subfolder per class) and --output_dir.")
            metadata = train_on_folder(
                FLAGS.data_dir,
                FLAGS.output_dir,
                parse_image_size(FLAGS.image_size),
                FLAGS.epochs or FOLDER_EPOCHS,
                FLAGS.batch_size,
                FLAGS.learning_rate,
                FLAGS.seed,
                FLAGS.min_accuracy,
            )
        else:
            metadata = train(
                dataset,
                FLAGS.data_dir,
                FLAGS.output_dir,
                FLAGS.epochs or MNIST_EPOCHS,
                FLAGS.batch_size,
                FLAGS.learning_rate,
                FLAGS.seed,
                FLAGS.min_accuracy,
            )
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"test accuracy {metadata['test_accuracy']:.4f}, sha256 {metadata['sha256']}")
    return 0


if __name__ == "__main__":
    app.run(main)
