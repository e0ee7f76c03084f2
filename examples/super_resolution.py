r"""Train a x4 super-resolution GAN on real images, score it against bicubic
upscaling, and export it.

    python examples/super_resolution.py \
        --data_dir='../shared/data/style/*/train*' \
        --test_dir='../shared/data/style/*/testA' \
        --output_dir=runs/super_resolution --export_dir=saved_models

Every flag is a field of
`keras_gans.jobs.super_resolution.SuperResolutionConfig`. Trains on
pairs made on the fly (bicubic, antialiased x4 downscales of random crops),
for at most --max_minutes. Writes to --output_dir: epoch_NNN.png and
comparison.png ("bicubic | GAN | original" crops of test images),
loss_curves.png, gan.keras, summary.json (with the scores); exports
<export_dir>/super_resolution/<version>/ (image uint8 [b, h, w, 3] ->
upscaled uint8 [b, 4h, 4w, 3]) and its LiteRT files; prints PSNR and SSIM of
the export and of bicubic upscaling on the --test_dir images at full size.
"""

import sys

from keras_gans.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "super-resolution", *sys.argv[1:]]))
