"""FCD against training wall-clock time, for several MNIST recipes.

Trains each recipe with `keras_gans.recipes.mnist.train`, evaluates the
generator (10,000 samples, the evaluation classifier's FCD, KID, coverage)
at regular points, and records the training seconds at each point; time
spent evaluating and drawing grids is not counted. Writes one CSV row per
evaluation and a plot of FCD vs seconds (log scale) with the evaluator's
real-vs-real floor.

    python benchmarks/time_to_quality.py                       # all recipes
    python benchmarks/time_to_quality.py --recipes=dcgan,dcgan_stabilized \\
        --minutes=10 --output_dir=benchmarks/results

Recipes (see README, "Quality per CPU-minute"):

- `founding`: the founding document's MLP recipe.
- `mlp`: the project's MLP defaults.
- `dcgan`: the DCGAN defaults (`python examples/mnist.py`).
- `dcgan_stabilized`: DCGAN with the stabilizers kept after measuring
  them one at a time (`--recipes=dcgan_ema,dcgan_sn,...` runs those).
"""

import csv
import json
import os
import sys
import time

from absl import app
from absl import flags

flags.DEFINE_list("recipes", ["founding", "mlp", "dcgan", "dcgan_stabilized"],
                  "Recipes to run, in order.")
flags.DEFINE_float("minutes", 10.0, "Training budget per recipe (training time only).")
flags.DEFINE_integer("eval_every_steps", 469,
                     "Training steps between evaluations (469 = half an epoch at batch 64).")
flags.DEFINE_integer("eval_samples", 10_000, "Generated samples per evaluation.")
flags.DEFINE_string("output_dir", "benchmarks/results", "Where the CSV and plot go.")
flags.DEFINE_string("name", "time_to_quality", "File name stem of the CSV and plot.")
flags.DEFINE_string("data_dir", None, "MNIST IDX directory (default: TFDS).")
flags.DEFINE_integer("seed", 0, "Seed of every recipe.")
FLAGS = flags.FLAGS

# Overrides of `keras_gans.recipes.mnist.train` per recipe.
RECIPES = {
    "founding": {"preset": "founding"},
    "mlp": {"arch": "mlp"},
    "dcgan": {},
    "dcgan_ema": {"ema": 0.999},
    "dcgan_sn": {"spectral_norm": True},
    "dcgan_r1": {"r1_weight": 0.1},
    "dcgan_diffaugment": {"augment": "translation,cutout,color"},
    "dcgan_label_smoothing": {"label_smoothing": 0.1},
    "dcgan_ttur": {"g_learning_rate": 1e-4, "d_learning_rate": 4e-4},
    "dcgan_stabilized": {"ema": 0.999},
    "conditional": {"conditional": True},
}


class TrainingClock:
    """Training seconds, excluding what callbacks do between epochs.

    Put it first in the callback list: its `on_epoch_end` runs before the
    evaluation, and its `on_epoch_begin` after the previous epoch's
    callbacks, so the gap between the two is not counted. Stops training
    once `budget_seconds` of training time have passed.
    """

    def __init__(self, budget_seconds):
        import keras

        class _Clock(keras.callbacks.Callback):
            def on_train_begin(cb, logs=None):
                self.start = time.perf_counter()
                self.paused = 0.0
                self.last_end = None

            def on_epoch_begin(cb, epoch, logs=None):
                if self.last_end is not None:
                    self.paused += time.perf_counter() - self.last_end

            def on_epoch_end(cb, epoch, logs=None):
                self.last_end = time.perf_counter()
                self.seconds.append(self.last_end - self.start - self.paused)
                if self.seconds[-1] >= budget_seconds:
                    cb.model.stop_training = True

        self.callback = _Clock()
        self.seconds = []


def run_recipe(name, output_dir):
    from keras_gans.recipes import mnist

    overrides = dict(RECIPES[name])
    preset = overrides.pop("preset", "default")
    config = mnist.resolve_config(preset, **overrides)
    clock = TrainingClock(60.0 * FLAGS.minutes)
    steps = FLAGS.eval_every_steps
    if config["steps_per_execution"] > 1:
        steps = max(config["steps_per_execution"],
                    steps // config["steps_per_execution"] * config["steps_per_execution"])
    # Epochs of `steps` steps, as many as the budget could need; the clock
    # stops training when the budget is spent.
    result = mnist.train(
        preset=preset,
        callbacks=[clock.callback],
        steps_per_epoch=steps,
        epochs=10_000,
        evaluate_every=1,
        eval_samples=FLAGS.eval_samples,
        export=False,
        tflite=False,
        seed=FLAGS.seed,
        data_dir=FLAGS.data_dir,
        output_dir=os.path.join(output_dir, f"run_{name}"),
        verbose=2,
        **overrides,
    )
    rows = []
    for seconds, evaluation in zip(clock.seconds, result.evaluations):
        rows.append({
            "recipe": name,
            "train_seconds": round(seconds, 1),
            "steps": evaluation["epoch"] * steps,
            "images_seen": evaluation["epoch"] * steps * config["batch_size"],
            "fcd": round(evaluation["fcd"], 3),
            "kid": round(evaluation["kid"], 4),
            "precision": round(evaluation["precision"], 3),
            "recall": round(evaluation["recall"], 3),
            "coverage": evaluation["coverage"],
            "label_accuracy": evaluation.get("label_accuracy", ""),
        })
    return rows


def floor_fcd(data_dir):
    """The evaluator's own floor: real training images vs the test set."""
    from keras_gans import data
    from keras_gans import evaluation

    evaluator = evaluation.Evaluator(data_dir=data_dir)
    images, _ = data.load_arrays("train", data_dir=data_dir)
    return evaluator.evaluate(data.to_float(images[:FLAGS.eval_samples]).numpy())["fcd"]


def plot(rows, floor, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for recipe in dict.fromkeys(r["recipe"] for r in rows):
        points = [r for r in rows if r["recipe"] == recipe]
        ax.plot([p["train_seconds"] / 60 for p in points], [p["fcd"] for p in points],
                marker="o", markersize=3, label=recipe)
    ax.axhline(floor, color="black", linestyle=":", label=f"real vs real floor ({floor:.2f})")
    ax.axhline(3 * floor, color="grey", linestyle="--", label=f"3x floor ({3 * floor:.2f})")
    ax.set_yscale("log")
    ax.set_xlabel("training time (minutes, 2 CPU cores)")
    ax.set_ylabel("FCD (10,000 samples, lower is better)")
    ax.set_title("MNIST: quality per CPU-minute")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    unknown = [r for r in FLAGS.recipes if r not in RECIPES]
    if unknown:
        print(f"error: unknown recipes {unknown}; choose from {sorted(RECIPES)}", file=sys.stderr)
        return 1
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    csv_path = os.path.join(FLAGS.output_dir, f"{FLAGS.name}.csv")
    rows = []
    if os.path.exists(csv_path):
        # Re-running some recipes replaces only their rows.
        with open(csv_path) as f:
            rows = [r for r in csv.DictReader(f) if r["recipe"] not in FLAGS.recipes]
        for r in rows:
            for key in ("train_seconds", "fcd"):
                r[key] = float(r[key])
    for name in FLAGS.recipes:
        started = time.perf_counter()
        new = run_recipe(name, FLAGS.output_dir)
        rows.extend(new)
        best = min(new, key=lambda r: r["fcd"])
        print(json.dumps({"recipe": name, "final": new[-1], "best_fcd": best["fcd"],
                          "best_at_seconds": best["train_seconds"],
                          "wall_seconds": round(time.perf_counter() - started)}), flush=True)
        _write(rows, csv_path)
    floor = floor_fcd(FLAGS.data_dir)
    plot_path = os.path.join(FLAGS.output_dir, f"{FLAGS.name}.png")
    plot(rows, floor, plot_path)
    print(f"floor FCD {floor:.3f}; wrote {csv_path} and {plot_path}")
    return 0


def _write(rows, path):
    fields = ["recipe", "train_seconds", "steps", "images_seen", "fcd", "kid", "precision",
              "recall", "coverage", "label_accuracy"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(app.run(main))
