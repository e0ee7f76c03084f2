"""Projection (GAN inversion) measured: real images found in a generator's latent space.

Two settings, each printing its numbers and writing a JSON and a figure
(rows: the real image, the closest of the random samples, the projection):

- `--task=mnist`: held-out MNIST test digits into the `mnist_dcgan` preset,
  on pixels alone. Is the reconstruction the same digit by the project's
  MNIST classifier, and how does its pixel error compare with the closest
  of `--candidates` random samples (the search's own first stage)?
- `--task=photos`: held-out photos into an own-images export, on pixels
  plus the ImageNet features' perceptual distance: does the projection beat
  the closest random sample on that distance?

    python benchmarks/projection.py --task=mnist --mnist_dir=DIR --num=100 \\
        --candidates=10000
    python benchmarks/projection.py --task=photos --export=saved_models/photos \\
        --photos=HELD_OUT_DIR --num=8
"""

import argparse
import json
import os
import time

import numpy as np
import profiling

import keras_gans as kg
from keras_gans.data.image_folder import decode_files
from keras_gans.data.image_folder import fit_images
from keras_gans.data.image_folder import to_channels
from keras_gans.evaluation import classifier as classifiers


def mnist(args):
    images, labels = kg.data.load_idx(args.mnist_dir, "test")
    pick = np.sort(np.random.default_rng(args.seed).choice(len(images), args.num, replace=False))
    images, labels = images[pick], labels[pick]
    start = time.time()
    found = kg.latent.project(
        args.export or "mnist_dcgan",
        images,
        steps=args.steps,
        candidates=args.candidates,
        starts=args.starts,
        seed=args.seed,
    )
    seconds = time.time() - start
    classifier = classifiers.load_classifier(classifiers.packaged_classifier_dir("mnist"))
    generator = kg.latent.ExportedGenerator(args.export or "mnist_dcgan")
    best_random = generator(found.start_latents).numpy()

    def digits(batch):
        return np.argmax(classifier.predict(batch)[1], axis=1)

    real = kg.data.transforms.to_float(images).numpy()
    ratio = found.pixel_error / found.start_pixel_error
    result = {
        "task": "mnist",
        "export": generator.path,
        "classifier": classifier.name,
        "num": args.num,
        "candidates": args.candidates,
        "starts": args.starts,
        "steps": args.steps,
        "distance": found.distance,
        "seconds": round(seconds, 1),
        "same_digit_as_label": float(np.mean(digits(found.images) == labels)),
        "same_digit_as_label_best_random": float(np.mean(digits(best_random) == labels)),
        "classifier_right_on_the_real_digits": float(np.mean(digits(real) == labels)),
        "pixel_error_mean": float(found.pixel_error.mean()),
        "best_random_pixel_error_mean": float(found.start_pixel_error.mean()),
        "ratio_of_means": float(found.pixel_error.mean() / found.start_pixel_error.mean()),
        "ratio_median": float(np.median(ratio)),
        "share_at_most_half": float(np.mean(ratio <= 0.5)),
        "digits_covered": sorted(set(labels.tolist())),
    }
    figure(args.figure, real[:10], best_random[:10], found.images[:10])
    return result


def photos(args):
    generator = kg.latent.ExportedGenerator(args.export)
    height, width, channels = generator.image_shape
    files = kg.data.find_images(args.photos, labels=None)[0][: args.num]
    decoded, _, _ = decode_files(files)
    loaded = [to_channels(image, channels) for image in decoded]
    images = fit_images(loaded, (height, width), "crop").astype(np.uint8)
    start = time.time()
    found = kg.latent.project(
        generator, images, steps=args.steps, candidates=args.candidates, starts=args.starts
    )
    seconds = time.time() - start
    best_random = generator(found.start_latents).numpy()
    result = {
        "task": "photos",
        "export": generator.path,
        "photos": [os.path.basename(file) for file in files],
        "num": len(files),
        "candidates": args.candidates,
        "starts": args.starts,
        "steps": args.steps,
        "distance": found.distance,
        "seconds": round(seconds, 1),
        "perceptual": found.perceptual_distance.tolist(),
        "best_random_perceptual": found.start_perceptual_distance.tolist(),
        "pixel_error": found.pixel_error.tolist(),
        "best_random_pixel_error": found.start_pixel_error.tolist(),
        "beats_best_random_perceptual": float(
            np.mean(found.perceptual_distance < found.start_perceptual_distance)
        ),
    }
    real = kg.data.transforms.to_float(images).numpy()
    figure(args.figure, real, best_random, found.images)
    return result


def figure(path, real, best_random, projected):
    if path:
        kg.plotting.save_comparison_figure(
            [
                ("held-out image", real),
                ("closest random sample", best_random),
                ("projection", projected),
            ],
            path,
        )
        print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("mnist", "photos"), default="mnist")
    parser.add_argument("--mnist_dir", help="MNIST's IDX files (--task=mnist).")
    parser.add_argument("--photos", help="Held-out photos (--task=photos).")
    parser.add_argument("--export", help="The export (default for mnist: the mnist_dcgan preset).")
    parser.add_argument("--num", type=int, default=100)
    parser.add_argument("--candidates", type=int, default=10000)
    parser.add_argument("--starts", type=int, default=8)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="Write the result here as JSON.")
    parser.add_argument("--figure", help="Write the first rows as a figure (.png).")
    args = parser.parse_args()
    result = mnist(args) if args.task == "mnist" else photos(args)
    result["machine"] = f"{profiling.cpu_name()} ({os.cpu_count()} cores)"
    print(json.dumps(result, indent=1))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
