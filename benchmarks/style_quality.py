r"""How well does a style generator keep the photo and take on the style?

    python benchmarks/style_quality.py --model saved_models/style_monet \
        --content_dir=../shared/data/style/photo2monet/testA \
        --style_dir=../shared/data/style/photo2monet/testB

Stylizes every content image at full size and prints, with a final JSON line:

- `ssim`: mean SSIM (luminance structure, 0-1) between each output and its
  photo: how much of the photo's structure is kept (1.0 = unchanged).
- `style_fd_photos` / `style_fd_outputs`: Fréchet distance between
  colour/texture statistics of the photos (or of the outputs) and of the
  style images. Lower for the outputs than for the photos means the outputs
  moved towards the style. The statistics per image (12 numbers): mean and
  standard deviation of Y, U, V; mean and std of saturation; mean and std of
  the Sobel gradient magnitude at full and half resolution (texture).
"""

import json

from absl import app
from absl import flags

flags.DEFINE_string("model", "saved_models/style_monet", "Exported style generator.")
flags.DEFINE_string("content_dir", None, "Test photos.")
flags.DEFINE_string("style_dir", None, "Test style images.")
FLAGS = flags.FLAGS


def colour_texture_statistics(images):
    """(n, 12) float64 statistics of uint8 RGB images (any sizes)."""
    import numpy as np
    import tensorflow as tf

    rows = []
    for image in images:
        x = tf.convert_to_tensor(image, tf.float32)[None] / 255.0
        yuv = tf.image.rgb_to_yuv(x)
        hsv = tf.image.rgb_to_hsv(x)
        gray = tf.image.rgb_to_grayscale(x)
        features = []
        for channel in range(3):
            features += [tf.reduce_mean(yuv[..., channel]), tf.math.reduce_std(yuv[..., channel])]
        features += [tf.reduce_mean(hsv[..., 1]), tf.math.reduce_std(hsv[..., 1])]
        for scale in (1, 2):
            g = gray if scale == 1 else tf.image.resize(gray, tf.shape(gray)[1:3] // 2)
            magnitude = tf.norm(tf.image.sobel_edges(g), axis=-1)
            features += [tf.reduce_mean(magnitude), tf.math.reduce_std(magnitude)]
        rows.append([float(f) for f in features])
    return np.asarray(rows, np.float64)


def evaluate(model_path, content_dir, style_dir):
    import numpy as np
    import tensorflow as tf

    from keras_gans import data
    from keras_gans import export
    from keras_gans.evaluation import metrics

    _, serve = export.load_serving(model_path)
    photos, _ = data.load_folder(content_dir)
    styles, _ = data.load_folder(style_dir)
    outputs = [serve(content=tf.constant(p[None]))["stylized"].numpy()[0] for p in photos]
    ssim = float(
        np.mean(
            [
                tf.image.ssim(tf.constant(p), tf.constant(o), max_val=255).numpy()
                for p, o in zip(photos, outputs)
            ]
        )
    )
    style_stats = colour_texture_statistics(styles)
    return (
        {
            "ssim": ssim,
            "style_fd_photos": metrics.frechet_distance(
                colour_texture_statistics(photos), style_stats
            ),
            "style_fd_outputs": metrics.frechet_distance(
                colour_texture_statistics(outputs), style_stats
            ),
            "num_content": len(photos),
            "num_style": len(styles),
        },
        photos,
        outputs,
    )


def main(argv):
    del argv
    results, _, _ = evaluate(FLAGS.model, FLAGS.content_dir, FLAGS.style_dir)
    print(f"mean SSIM output vs photo:          {results['ssim']:.3f}")
    print(f"style FD, photos  vs style images:  {results['style_fd_photos']:.4f}")
    print(f"style FD, outputs vs style images:  {results['style_fd_outputs']:.4f}")
    print(json.dumps(results))


if __name__ == "__main__":
    app.run(main)
