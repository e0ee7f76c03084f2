"""Scores for image restoration (super-resolution, inpainting) against the
non-learned baselines: bicubic upscaling, OpenCV's Telea inpainting and a
mean fill.

Every score compares uint8 outputs with the original images: PSNR (dB,
higher is better), SSIM (Wang et al., 2004; 11×11 Gaussian window, 0–1,
higher is better) and, for holes, the mean absolute error in 8-bit grey
levels (lower is better). Super-resolution is scored on the whole RGB
image; inpainting inside the hole only, the only pixels that change.
"""

import numpy as np
import tensorflow as tf

from keras_gans.data import degradations


def psnr(images, references):
    """PSNR in dB of uint8 images against references (same shapes), per image."""
    return tf.image.psnr(tf.constant(images), tf.constant(references), max_val=255).numpy()


def ssim(images, references):
    """SSIM of uint8 images against references (same shapes), per image."""
    return tf.image.ssim(tf.constant(images), tf.constant(references), max_val=255).numpy()


def _summary(values):
    return {name: float(np.mean(v)) for name, v in values.items()}


def score_super_resolution(upscale, images, factor=4):
    """Scores an upscaler and bicubic upscaling on real images at full size.

    Each image is cropped to multiples of `factor` (`modcrop`), downscaled
    (bicubic, antialiased, 8-bit), upscaled back by `upscale` and by
    bicubic interpolation, and both are compared with the original.

    Args:
        upscale: callable from a uint8 `(1, h, w, 3)` batch to uint8
            `(1, factor·h, factor·w, 3)` (e.g. an export's signature).
        images: list of uint8 `(H, W, 3)` arrays, any sizes.
        factor: int. Defaults to `4`.

    Returns:
        `{"bicubic": {"psnr", "ssim"}, "model": {"psnr", "ssim"},
        "num_images": n}`, means over the images.
    """
    scores = {"bicubic": {"psnr": [], "ssim": []}, "model": {"psnr": [], "ssim": []}}
    for image in images:
        original = degradations.modcrop(np.asarray(image), factor)[None]
        small = degradations.downscale(original, factor)
        outputs = {
            "bicubic": degradations.bicubic_upscale(small, factor).numpy(),
            "model": np.asarray(upscale(small.numpy())),
        }
        for method, output in outputs.items():
            if output.shape != original.shape:
                raise ValueError(
                    f"The upscaler returned shape {output.shape} for a {small.shape} input; "
                    f"expected {original.shape} (x{factor})."
                )
            scores[method]["psnr"].append(psnr(output, original)[0])
            scores[method]["ssim"].append(ssim(output, original)[0])
    return {
        **{method: _summary(values) for method, values in scores.items()},
        "num_images": len(images),
    }


def square_hole(height, width, size, rng):
    """A uint8 `(height, width, 1)` mask with a `size`×`size` hole (255)
    at a random place inside the image."""
    mask = np.zeros((height, width, 1), np.uint8)
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    mask[top : top + size, left : left + size] = 255
    return mask, (top, left)


def require_opencv():
    """The `cv2` module, or an `ImportError` naming the extra that installs it."""
    try:
        # Optional: only the inpainting baseline needs OpenCV.
        import cv2
    except ImportError as e:
        raise ImportError(
            "The inpainting baseline (OpenCV's Telea) needs OpenCV: pip install "
            "'keras_gans[editing]' (or opencv-python-headless)."
        ) from e
    return cv2


def telea_inpaint(image, mask, radius=3):
    """OpenCV's Telea inpainting (Telea, 2004) of a uint8 RGB image.

    Raises:
        ImportError: OpenCV is missing; the message says how to install it.
    """
    cv2 = require_opencv()
    return cv2.inpaint(np.ascontiguousarray(image), mask[..., 0], radius, cv2.INPAINT_TELEA)


def mean_fill(image, mask):
    """Fills the hole with the mean colour of the known pixels."""
    known = mask[..., 0] == 0
    filled = image.copy()
    filled[~known] = np.round(image[known].mean(axis=0)).astype(np.uint8)
    return filled


def score_inpainting(inpaint, images, hole_sizes=(32, 48, 64, 96, 128), seed=0):
    """Scores an inpainter, Telea and a mean fill inside square holes.

    Every image gets one hole of each size at a seeded random place; each
    method fills it and is scored on the hole's pixels only: PSNR, SSIM
    (the hole is the SSIM window's whole image) and L1 in grey levels.

    Args:
        inpaint: callable `(image uint8 (1, h, w, 3), mask uint8 (1, h, w, 1),
            255 = hole) -> uint8 (1, h, w, 3)` (e.g. an export's signature).
        images: list of uint8 `(H, W, 3)` arrays at least as large as the
            largest hole.
        hole_sizes: sizes of the square holes, in pixels.
        seed: int. Places of the holes.

    Returns:
        `{hole_size: {method: {"psnr", "ssim", "l1"}}}` for the methods
        `"mean"`, `"telea"` and `"model"`, means over the images, plus
        `"num_images"`.
    """
    rng = np.random.default_rng(seed)
    methods = ("mean", "telea", "model")
    results = {"num_images": len(images)}
    for size in hole_sizes:
        values = {m: {"psnr": [], "ssim": [], "l1": []} for m in methods}
        for image in images:
            image = np.asarray(image)
            height, width = image.shape[:2]
            if size > min(height, width):
                raise ValueError(
                    f"A {size}x{size} hole does not fit in a {height}x{width} image; "
                    "use smaller hole sizes or larger images."
                )
            mask, (top, left) = square_hole(height, width, size, rng)
            outputs = {
                "mean": mean_fill(image, mask),
                "telea": telea_inpaint(image, mask),
                "model": np.asarray(inpaint(image[None], mask[None]))[0],
            }
            original = image[top : top + size, left : left + size][None]
            for method, output in outputs.items():
                hole = output[top : top + size, left : left + size][None]
                values[method]["psnr"].append(psnr(hole, original)[0])
                values[method]["ssim"].append(ssim(hole, original)[0])
                values[method]["l1"].append(
                    np.abs(hole.astype(np.float32) - original.astype(np.float32)).mean()
                )
        results[size] = {method: _summary(v) for method, v in values.items()}
    return results
