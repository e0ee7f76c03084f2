r"""How much SeFa's closed-form directions change a trained generator's
images, against random directions of the same length (`kg.latent.directions`).

Loads a run's `gan.keras`, finds the generator's `--count` strongest
directions, and moves `--samples` latents a step of `--step` along each,
and along `--random` random unit directions. The change is measured in the
packaged MNIST classifier's feature space (the evaluator's 128 features):
the mean distance between an image's features before and after the step.
Prints the ratio of each SeFa direction's change to the random directions'
mean, and how often the step changes the classifier's label; writes a
grid (`--out`): a row per direction, columns at steps from `-step` to
`+step`, the middle column the latent itself.

    keras-gans train mnist --output_dir=runs/mnist_dcgan
    python benchmarks/latent_directions.py --model=runs/mnist_dcgan/gan.keras --out=directions.png
"""

import json

import keras
import numpy as np
from absl import app
from absl import flags

import keras_gans as kg
from keras_gans.evaluation import classifier

flags.DEFINE_string("model", None, "A run's gan.keras.", required=True)
flags.DEFINE_integer("count", 5, "SeFa directions to measure and draw.")
flags.DEFINE_integer("random", 20, "Random unit directions to compare with.")
flags.DEFINE_integer("samples", 256, "Latents moved along each direction.")
flags.DEFINE_float("step", 3.0, "Length of the step along each direction.")
flags.DEFINE_integer("columns", 7, "Columns of the grid, from -step to +step.")
flags.DEFINE_integer("seed", 0, "Seed of the latents and the random directions.")
flags.DEFINE_string("out", "directions.png", "The grid.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    gan = keras.saving.load_model(FLAGS.model)
    # The sampler of a self-conditioned GAN wraps its conditional generator.
    generator = gan.generator
    found = kg.latent.directions(generator, FLAGS.count)
    latent_dim = generator.inputs[0].shape[-1]
    rng = np.random.default_rng(FLAGS.seed)
    z = rng.standard_normal((FLAGS.samples, latent_dim)).astype("float32")
    # A conditional generator keeps each image's class while its noise moves.
    num_classes = getattr(gan, "num_classes", None)
    classes = None if not num_classes else rng.integers(0, num_classes, FLAGS.samples)
    random = rng.standard_normal((FLAGS.random, latent_dim))
    random = (random / np.linalg.norm(random, axis=1, keepdims=True)).astype("float32")
    judge = classifier.load_classifier(classifier.packaged_classifier_dir("mnist"))

    def generate(latents, classes):
        if classes is None:
            return gan.generate(z=latents)
        return gan.generate(z=latents, labels=classes)

    def features(latents):
        images = generate(latents, classes)
        found_features, probabilities = judge.predict(judge.prepare(images))
        return found_features, probabilities.argmax(-1)

    before, judged = features(z)

    def change(direction):
        after, moved = features(z + FLAGS.step * direction)
        return float(np.linalg.norm(after - before, axis=1).mean()), float((moved != judged).mean())

    random_changes = [change(direction) for direction in random]
    random_mean = float(np.mean([c for c, _ in random_changes]))
    results = {
        "model": FLAGS.model,
        "layer": found.layer,
        "samples": FLAGS.samples,
        "step": FLAGS.step,
        "extractor": judge.name,
        "random": {
            "feature_change": random_mean,
            "label_changed": float(np.mean([f for _, f in random_changes])),
        },
        "sefa": [],
    }
    for index, direction in enumerate(found.directions):
        moved, flipped = change(direction)
        results["sefa"].append(
            {
                "direction": index,
                "strength": float(found.strengths[index]),
                "feature_change": moved,
                "ratio_to_random": moved / random_mean,
                "label_changed": flipped,
            }
        )
    steps = np.linspace(-FLAGS.step, FLAGS.step, FLAGS.columns)
    rows = [z[:1] + s * direction for direction in found.directions for s in steps]
    row_labels = None if classes is None else np.full(len(rows), classes[0])
    grid = generate(np.concatenate(rows).astype("float32"), row_labels)
    kg.plotting.save_image_grid(grid, FLAGS.out, rows=len(found.directions))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    app.run(main)
