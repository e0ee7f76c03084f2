r"""Train an inpainting GAN on real images, score it against OpenCV's Telea
inpainting and a mean fill, and export it.

    python examples/inpainting.py \
        --data_dir='../shared/data/style/*/train*' \
        --test_dir='../shared/data/style/*/testA' \
        --output_dir=runs/inpainting --export_dir=saved_models

Every flag is a field of `keras_gans.jobs.inpainting.InpaintingConfig`.
Trains on holes cut on the fly (random rectangles and free-form strokes) from
random crops, for at most --max_minutes. Writes to --output_dir:
epoch_NNN.png and comparison.png ("masked | OpenCV Telea | GAN | original"),
loss_curves.png, gan.keras, summary.json (with the scores); exports
<export_dir>/inpainting/<version>/ (image uint8 [b, h, w, 3] and mask uint8
[b, h, w, 1], 255 = hole -> inpainted uint8 [b, h, w, 3]) and its LiteRT
files; prints PSNR, SSIM and L1 inside square holes of --hole_sizes on the
--test_dir images at full size, for the export, Telea and a mean fill.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "inpainting", *sys.argv[1:]]))
