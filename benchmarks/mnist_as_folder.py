r"""Writes MNIST or Fashion-MNIST as a folder of PNG files, one subfolder per class
(or, with `--flat`, all in one folder, as a new user's unlabelled images would be).

The own-images results (docs/results/own-images.md) train `examples/images.py` on such a
folder, so the folder loader, not the MNIST pipeline, feeds the GAN, and the
project's classifiers can still score the samples. Subfolders are named
`<label>_<class>` so that their sorted order is the label order the
classifier was trained with.

    python benchmarks/mnist_as_folder.py --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist --out=/tmp/fashion_mnist
"""

import os

from absl import app
from absl import flags

flags.DEFINE_enum("dataset", "fashion_mnist", ["mnist", "fashion_mnist"], "Data set.")
flags.DEFINE_string("data_dir", None, "IDX or TFDS directory (see keras_gans.data.mnist).")
flags.DEFINE_enum("split", "train", ["train", "test"], "Split to write.")
flags.DEFINE_string("out", None, "Folder to create (must not exist yet).")
flags.DEFINE_bool("flat", False, "One folder of all the images, no class subfolders.")
FLAGS = flags.FLAGS

CLASS_NAMES = {
    "mnist": [str(digit) for digit in range(10)],
    "fashion_mnist": [
        "tshirt_top",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "shirt",
        "sneaker",
        "bag",
        "ankle_boot",
    ],
}


def write_folder(images, labels, names, out, flat=False):
    """Writes `images` (n, h, w, c) uint8 as `out/<label>_<name>/<i>.png`
    (`out/<i>.png` when `flat`)."""
    import tensorflow as tf

    folders = [
        out if flat else os.path.join(out, f"{label}_{name}") for label, name in enumerate(names)
    ]
    for folder in set(folders):
        os.makedirs(folder)
    for i, (image, label) in enumerate(zip(images, labels)):
        tf.io.write_file(os.path.join(folders[label], f"{i:05d}.png"), tf.io.encode_png(image))


def main(argv):
    del argv
    if not FLAGS.out:
        raise app.UsageError("Pass --out, the folder to create.")
    if os.path.exists(FLAGS.out):
        raise app.UsageError(f"{FLAGS.out} exists; pass a new folder.")
    from keras_gans import data

    images, labels = data.load_arrays(FLAGS.split, FLAGS.dataset, FLAGS.data_dir)
    write_folder(images, labels, CLASS_NAMES[FLAGS.dataset], FLAGS.out, FLAGS.flat)
    folders = 1 if FLAGS.flat else len(CLASS_NAMES[FLAGS.dataset])
    print(f"wrote {len(images)} PNG files in {folders} folder(s) to {FLAGS.out}")


if __name__ == "__main__":
    app.run(main)
