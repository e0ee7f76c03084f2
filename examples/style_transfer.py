r"""Train a style-transfer GAN on unpaired photos and paintings, then export it.

    python examples/style_transfer.py \
        --content_dir=../shared/data/style/photo2monet/trainA \
        --style_dir=../shared/data/style/photo2monet/trainB \
        --test_content_dir=../shared/data/style/photo2monet/testA

Without --content_dir/--style_dir it uses TFDS cycle_gan/monet2photo (which
needs a prepared TFDS directory when offline). Writes to --output_dir
(default runs/style_<name>): epoch_NNN.png ("content | style | generated"),
loss_curves.png, gan.keras, summary.json; exports the generator to
<export_dir>/style_<name>/<version>/ (content uint8 -> stylized uint8, any
size) and <export_dir>/style_<name>[_float16|_int8].tflite.
"""

import sys

from absl import app
from absl import flags

flags.DEFINE_string("content_dir", None, "Folder of content photos (JPEG/PNG, any size).")
flags.DEFINE_string("style_dir", None, "Folder of style images. Default (with no "
                    "--content_dir either): TFDS cycle_gan/monet2photo.")
flags.DEFINE_string("test_content_dir", None, "Photos for the per-epoch figures. "
                    "Default: the first images of --content_dir.")
flags.DEFINE_string("name", None, "Style name for exports (style_<name>). Default: from "
                    "--style_dir (photo2monet/trainB -> monet).")
flags.DEFINE_integer("image_size", None, "Training crop size. Default: 64.")
flags.DEFINE_integer("epochs", None, "Epochs (passes over the content photos). Default: 90.")
flags.DEFINE_integer("steps_per_epoch", None, "Optional cap on steps per epoch.")
flags.DEFINE_integer("batch_size", None, "Batch size. Default: 4.")
flags.DEFINE_float("content_weight", None, "Weight of the content (MSE) loss. Default: 1.0.")
flags.DEFINE_float("identity_weight", None, "Weight of the identity loss. Default: 0.")
flags.DEFINE_float("tv_weight", None, "Weight of the total-variation loss. Default: 0.2.")
flags.DEFINE_integer("filters", None, "Generator width. Default: 32.")
flags.DEFINE_integer("residual_blocks", None, "Generator residual blocks. Default: 4.")
flags.DEFINE_list("d_filters", None, "PatchGAN widths. Default: 32,64,128,256.")
flags.DEFINE_bool("input_skip", None, "Generator learns a change of the photo. Default: true.")
flags.DEFINE_float("learning_rate", None, "Adam learning rate of both networks unless overridden. Default: 2e-4.")
flags.DEFINE_float("g_learning_rate", None, "Generator learning rate. Default: --learning_rate.")
flags.DEFINE_float("d_learning_rate", None, "Discriminator learning rate. Default: 4 x --learning_rate.")
flags.DEFINE_enum("norm", None, ["instance", "batch", "none"],
                  "Normalization in both networks. Default: instance.")
flags.DEFINE_enum("d_norm", None, ["instance", "batch", "none"],
                  "Normalization in the discriminator (overrides --norm there).")
flags.DEFINE_float("beta_1", None, "Adam beta_1. Default: 0.5.")
flags.DEFINE_integer("seed", None, "Seed. Default: 0.")
flags.DEFINE_float("max_minutes", None, "Stop after the epoch that passes this many minutes.")
flags.DEFINE_string("output_dir", None, "Default: runs/style_<name>.")
flags.DEFINE_string("export_dir", None, "Default: saved_models.")
flags.DEFINE_bool("export", None, "Export the generator. Default: true.")
flags.DEFINE_bool("tflite", None, "Also write the LiteRT files. Default: true.")
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    from keras_gans.recipes import style

    overrides = {
        key: FLAGS[key].value
        for key in ("image_size", "epochs", "steps_per_epoch", "batch_size", "content_weight",
                    "identity_weight", "tv_weight", "filters", "residual_blocks", "input_skip",
                    "learning_rate", "g_learning_rate", "d_learning_rate", "norm", "d_norm",
                    "beta_1", "seed", "max_minutes", "export_dir", "export", "tflite")
    }
    if FLAGS.d_filters:
        overrides["d_filters"] = tuple(int(v) for v in FLAGS.d_filters)
    try:
        result = style.train(FLAGS.content_dir, FLAGS.style_dir, FLAGS.test_content_dir,
                             FLAGS.name, FLAGS.output_dir, **overrides)
    except (ValueError, FileNotFoundError, FloatingPointError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"trained in {result.train_seconds:.0f} s")
    print(f"figures:     {result.figures[-1] if result.figures else '-'}")
    print(f"loss curves: {result.loss_curves}")
    print(f"keras model: {result.keras_path}")
    if result.export_path:
        print(f"SavedModel:  {result.export_path}")
    for path in result.tflite_paths:
        print(f"TFLite:      {path}")
    return 0


if __name__ == "__main__":
    app.run(main)
