"""Labels figures that were saved as bare grids: row names at the left,
column groups above, a title. Reads each grid as it is in `docs/images/`
and writes `<name>_labelled.png` beside it (the grid's pixels unchanged).

    python scripts/label_figures.py
"""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

IMAGES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "images")

FIGURES = {
    "audio_vocos_30min.png": dict(
        crop_top=30,  # its own title, clipped at both ends
        title="One held-out sentence, log-mel spectrograms (time →, frequency ↑)",
        rows=[
            "recording",
            "Griffin-Lim",
            "Vocos + HiFi-GAN\ndiscriminators",
            "Vocos,\nmel loss only",
            "default (mel +\nSTFT), seed 0",
            "default, seed 1",
        ],
    ),
    "audio_drums_real_vs_specgan_20min.png": dict(
        title="Drum hits, log-mel spectrograms (time →, frequency ↑)",
        rows=["clap", "cymbal", "hihat", "kick", "snare", "tom"],
        columns=[("four recorded hits", 0.0, 0.5), ("four drawn by SpecGAN, 20 min", 0.5, 1.0)],
    ),
    "mnist_collapse_fixes.png": dict(
        crop_top=30,  # three "epoch 18" titles that do not say which run is which
        title="The founding recipe after 1 minute of training (each grid's epoch 18)",
        columns=[
            ("as written: collapsed", 0.0, 1 / 3),
            ("with an R1 penalty", 1 / 3, 2 / 3),
            ("with Adam beta_1 = 0.5", 2 / 3, 1.0),
        ],
    ),
    "video_recipes_32px_10min.png": dict(
        title="Frames 0, 5 and 10 of the last epoch's clips, 32 px, 10 minutes",
        rows=[
            "the default\n(non-saturating,\nlearning rate 2e-4)",
            "hinge loss with\nspectral norm",
        ],
    ),
    "images_landscapes_dcgan_vs_projected.jpg": dict(
        title="64x64 landscape samples after 10 minutes (an epoch is 100 steps)",
        columns=[
            ("the DCGAN, the default then", 0.0, 0.5),
            ("the projected pair, the default since", 0.5, 1.0),
        ],
    ),
    "images_landscapes_nearest_vs_bilinear.jpg": dict(
        title="64x64 landscapes after 10 minutes: the generator's upsampling",
        columns=[("nearest (the default)", 0.0, 0.5), ("bilinear (a trial, not kept)", 0.5, 1.0)],
    ),
    "images_landscapes_projected_60min.jpg": dict(
        title="64x64 landscapes from the projected pair (an epoch is 100 steps)",
        columns=[("600 steps", 0.0, 0.5), ("2,900 steps, one hour", 0.5, 1.0)],
    ),
    "images_large_folders_defaults.png": dict(
        title="After 10 minutes under the defaults for large folders",
        columns=[
            ("MNIST, flat", 0.0, 0.25),
            ("MNIST, a row per digit", 0.25, 0.5),
            ("Fashion-MNIST, flat", 0.5, 0.75),
            ("Fashion-MNIST, a row per kind", 0.75, 1.0),
        ],
    ),
    "images_ukiyoe_dcgan_vs_projected.jpg": dict(
        title="64x64 ukiyo-e samples after 10 minutes",
        columns=[
            ("the DCGAN, the default then", 0.0, 0.5),
            ("the projected pair, the default since", 0.5, 1.0),
        ],
    ),
    "images_ukiyoe_fastgan_vs_projected.jpg": dict(
        title="64x64 ukiyo-e samples after 10 minutes",
        columns=[
            ("the FastGAN pair", 0.0, 1 / 3),
            ("FastGAN, bilinear upsampling", 1 / 3, 2 / 3),
            ("the projected pair", 2 / 3, 1.0),
        ],
    ),
    "images_ukiyoe_projected_60min.jpg": dict(
        title="64x64 ukiyo-e samples from the projected pair",
        columns=[("600 steps", 0.0, 0.5), ("3,100 steps, one hour", 0.5, 1.0)],
    ),
    "images_ukiyoe_budget_10_30.jpg": dict(
        title="64x64 ukiyo-e samples (211 prints of photo2ukiyoe)",
        columns=[
            ("projected pair (default), 10 min", 0.0, 1 / 3),
            ("projected pair, 30 min", 1 / 3, 2 / 3),
            ("DCGAN, 30 min", 2 / 3, 1.0),
        ],
    ),
    "style_monet_before_after.jpg": dict(
        title="Held-out test photos and the default style generator's outputs",
        columns=[("photo", 0.0, 0.5), ("after (Monet style)", 0.5, 1.0)],
    ),
}


def label(name, title, rows=(), columns=(), crop_top=0):
    image = np.asarray(Image.open(os.path.join(IMAGES, name)).convert("RGB"))[crop_top:]
    height, width = image.shape[:2]
    left = 1.5 if rows else 0.2
    fig = plt.figure(figsize=(width / 100 + left + 0.2, height / 100 + 0.9), dpi=100)
    ax = fig.add_axes(
        [
            left / fig.get_figwidth(),
            0.1 / fig.get_figheight(),
            width / 100 / fig.get_figwidth(),
            height / 100 / fig.get_figheight(),
        ]
    )
    ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([(i + 0.5) * height / len(rows) for i in range(len(rows))] if rows else [])
    ax.set_yticklabels(rows, fontsize=9)
    ax.tick_params(length=0)
    for text, start, end in columns:
        ax.text((start + end) / 2 * width, -8, text, ha="center", va="bottom", fontsize=10)
        if start > 0:
            ax.axvline(start * width - 0.5, color="white", linewidth=2)
    fig.suptitle(title, fontsize=10, y=1 - 0.12 / fig.get_figheight(), va="top")
    stem, ending = os.path.splitext(name)
    # Photographs stay JPEG (a PNG of them is several times the size).
    out = os.path.join(
        IMAGES, stem + "_labelled" + (".jpg" if ending == ".jpg" and not rows else ".png")
    )
    fig.savefig(out, **({"pil_kwargs": {"quality": 90}} if out.endswith(".jpg") else {}))
    plt.close(fig)
    print(f"wrote {out}")


def main():
    for name, options in FIGURES.items():
        label(name, **options)


if __name__ == "__main__":
    main()
