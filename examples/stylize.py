r"""Apply an exported style generator to image files.

    python examples/stylize.py --model saved_models/style_monet \
        --output_dir stylized/ photo1.jpg photo2.png

--model is a SavedModel version directory or a model directory with numbered
versions (the latest is used). Images of any size are stylized at full
resolution; each output keeps the input's name, as PNG. --side_by_side also
writes <name>_before_after.png.
"""

import os
import sys

from absl import app
from absl import flags

flags.DEFINE_string("model", "saved_models/style_monet", "Exported style generator.")
flags.DEFINE_string("output_dir", "stylized", "Where the stylized PNGs go.")
flags.DEFINE_bool("side_by_side", False, "Also write a before/after picture per image.")
FLAGS = flags.FLAGS


def main(argv):
    paths = argv[1:]
    if not paths:
        raise app.UsageError("Name one or more image files to stylize.")
    import numpy as np
    import tensorflow as tf

    from keras_gans import export
    from keras_gans import plotting

    try:
        model_path, serve = export.load_serving(FLAGS.model)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if serve is None or "content" not in serve.structured_input_signature[1]:
        print(
            f"error: {model_path} is not a style generator (its serving_default "
            "takes no `content`); export one with examples/style_transfer.py.",
            file=sys.stderr,
        )
        return 1
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    failed = 0
    for path in paths:
        try:
            image = tf.io.decode_image(
                tf.io.read_file(path), channels=3, expand_animations=False
            ).numpy()
        except (tf.errors.OpError, ValueError) as e:
            print(
                f"skipped {path}: not a readable image ({str(e).splitlines()[0][:100]})",
                file=sys.stderr,
            )
            failed += 1
            continue
        stylized = serve(content=tf.constant(image[None]))["stylized"].numpy()[0]
        stem = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(FLAGS.output_dir, f"{stem}.png")
        tf.io.write_file(out, tf.io.encode_png(stylized))
        if FLAGS.side_by_side:
            plotting.save_image_grid(
                np.stack([image, stylized]),
                os.path.join(FLAGS.output_dir, f"{stem}_before_after.png"),
                rows=1,
                cols=2,
                scale=1,
            )
        print(f"{path} -> {out} ({image.shape[1]}x{image.shape[0]})")
    return 1 if failed == len(paths) else 0


if __name__ == "__main__":
    app.run(main)
