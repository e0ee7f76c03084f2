"""FCD against training wall-clock time, for several MNIST recipes.

Trains each recipe with `keras_gans.jobs.mnist.train` for a fixed budget
of training time, evaluates the generator (10,000 samples, the evaluation
classifier's FCD, KID, coverage) at 15, 30, 60, 90, 120 s and then every
minute, and records the training seconds and steps at each point; time spent
evaluating and drawing grids is not counted. Writes one CSV row per
evaluation and a plot of FCD vs seconds (log scale) with the evaluator's
real-vs-real floor.

    python benchmarks/time_to_quality.py                       # all recipes
    python benchmarks/time_to_quality.py --recipes=dcgan,dcgan_ema --minutes=3 \\
        --name=ablation                                          # compare stabilizers

Recipes (see docs/results/quality.md):

- `founding`: the founding document's MLP recipe.
- `mlp`: the project's MLP defaults.
- `dcgan`: the DCGAN defaults (`python examples/mnist.py`: self-conditioned
  on 50 pixel clusters, bfloat16 where the CPU has bf16 units).
- `dcgan_plain`: the default before self-conditioning (a plain unconditional
  DCGAN, float32); `dcgan_plain_bf16`, `dcgan_sc10`, `dcgan_sc30`,
  `dcgan_sc30_float32`, `dcgan_sc50`: one lever changed at a time.
- `dcgan_stabilized`: DCGAN with the stabilizers that did best when
  measured one at a time (`--recipes=dcgan_ema,dcgan_sn,...` runs those):
  label smoothing and an EMA of the generator; the CSV also gets the same
  run's raw (not averaged) weights as `dcgan_stabilized_without_ema`.
- `founding_*`: the founding recipe with one stabilizer each.
- `conditional`: the class-conditional DCGAN (adds label accuracy).
"""

import csv
import json
import os
import sys
import time

from absl import app
from absl import flags

flags.DEFINE_list(
    "recipes", ["founding", "mlp", "dcgan", "dcgan_stabilized"], "Recipes to run, in order."
)
flags.DEFINE_float("minutes", 10.0, "Training budget per recipe (training time only).")
flags.DEFINE_integer(
    "eval_every_steps", 469, "Training steps between evaluations (469 = half an epoch at batch 64)."
)
flags.DEFINE_integer("eval_samples", 10_000, "Generated samples per evaluation.")
flags.DEFINE_string("output_dir", "benchmarks/results", "Where the CSV and plot go.")
flags.DEFINE_string("runs_dir", "runs/time_to_quality", "Where each run's grids and model go.")
flags.DEFINE_string("name", "time_to_quality", "File name stem of the CSV and plot.")
flags.DEFINE_string("title", "MNIST: quality per CPU-minute", "Plot title.")
flags.DEFINE_string("data_dir", None, "MNIST IDX directory (default: TFDS).")
flags.DEFINE_integer("seed", 0, "Seed of every recipe.")
FLAGS = flags.FLAGS

# Overrides of `keras_gans.jobs.mnist.train` per recipe.
RECIPES = {
    "founding": {"preset": "founding"},
    "mlp": {"arch": "mlp"},
    "dcgan": {},
    # The default before self-conditioning: a plain unconditional DCGAN.
    "dcgan_plain": {"clusters": 0, "mixed_precision": "float32"},
    "dcgan_plain_bf16": {"clusters": 0},
    "dcgan_sc10": {"clusters": 10},
    "dcgan_sc30": {"clusters": 30},
    "dcgan_sc30_float32": {"clusters": 30, "mixed_precision": "float32"},
    "dcgan_sc50": {"clusters": 50},
    "dcgan_ema": {"ema": 0.999},
    "dcgan_sn": {"spectral_norm": True},
    "dcgan_r1": {"r1_weight": 1.0},
    "dcgan_diffaugment": {"augment": "translation,cutout,color"},
    "dcgan_label_smoothing": {"label_smoothing": 0.1},
    "dcgan_ttur": {"g_learning_rate": 1e-4, "d_learning_rate": 4e-4},
    "dcgan_lr4e-4": {"learning_rate": 4e-4},
    "dcgan_batch32": {"batch_size": 32},
    "dcgan_batch32_lr4e-4": {"batch_size": 32, "learning_rate": 4e-4},
    "dcgan_stabilized": {"label_smoothing": 0.1, "ema": 0.999},
    # The founding recipe collapses: which stabilizer rescues it?
    "founding_ema": {"preset": "founding", "ema": 0.999},
    "founding_sn": {"preset": "founding", "spectral_norm": True},
    "founding_r1": {"preset": "founding", "r1_weight": 1.0},
    "founding_diffaugment": {"preset": "founding", "augment": "translation,cutout,color"},
    "founding_label_smoothing": {"preset": "founding", "label_smoothing": 0.1},
    "founding_ttur": {"preset": "founding", "g_learning_rate": 1e-3, "d_learning_rate": 2.5e-4},
    "founding_adam_0.5": {"preset": "founding", "beta_1": 0.5},
    "conditional": {"conditional": True},
}


# Training steps between checks of the clock: short enough to evaluate near
# the scheduled times, long enough that epoch-end work stays negligible.
CHUNK_STEPS = {"dcgan": 250, "mlp": 1000}


def evaluation_times(budget_seconds):
    """Training seconds at which to evaluate: dense early (the log plot's
    left side), then every minute, and at the end of the budget."""
    times = [t for t in (15, 30, 60, 90, 120) if t < budget_seconds]
    times += list(range(180, int(budget_seconds), 60))
    return times + [budget_seconds]


class TimedEvaluation:
    """Evaluates at scheduled training times; stops at the budget.

    Training time excludes what happens between epochs (this evaluation,
    sample grids), so the time axis is the cost of training alone.
    """

    def __init__(self, evaluator, budget_seconds, num_samples, seed=0):
        import keras

        from keras_gans.callbacks import fixed_noise

        owner = self
        self.rows = []
        self.schedule = evaluation_times(budget_seconds)

        class _Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                owner.noise = fixed_noise(num_samples, self.model.latent_dim, seed)
                owner.start, owner.paused, owner.last_end = time.perf_counter(), 0.0, None

            def on_epoch_begin(self, epoch, logs=None):
                if owner.last_end is not None:
                    owner.paused += time.perf_counter() - owner.last_end

            def on_epoch_end(self, epoch, logs=None):
                owner.last_end = time.perf_counter()
                seconds = owner.last_end - owner.start - owner.paused
                if owner.schedule and seconds >= owner.schedule[0]:
                    while owner.schedule and seconds >= owner.schedule[0]:
                        owner.schedule.pop(0)
                    owner.steps = int(self.model.g_optimizer.iterations)
                    owner.rows.append(owner.evaluate(self.model, seconds))
                    if self.model.uses_ema:
                        # The raw weights follow the same training run: the
                        # same curve without the average, for free.
                        owner.rows.append(owner.evaluate(self.model, seconds, raw=True))
                if not owner.schedule:
                    self.model.stop_training = True

        self.callback = _Callback()
        self.evaluator = evaluator
        self.seed = seed

    def evaluate(self, gan, seconds, raw=False):
        from keras_gans import evaluation

        if raw:  # the training weights of an EMA run (unconditional recipes)
            inputs = self.noise
            if hasattr(gan, "cluster_choice"):  # self-conditioned: the clusters z picks
                inputs = [self.noise, gan.cluster_choice.labels(self.noise)]
            images = gan.generator.predict(inputs, batch_size=256, verbose=0)
            results = self.evaluator.evaluate(images, seed=self.seed)
        else:
            results = evaluation.evaluate_gan(self.evaluator, gan, self.noise, seed=self.seed)
        row = {
            "weights": "raw" if raw else "ema" if gan.uses_ema else "raw",
            "train_seconds": round(seconds, 1),
            "steps": self.steps,
            "fcd": round(results["fcd"], 3),
            "kid": round(results["kid"], 4),
            "precision": round(results["precision"], 3),
            "recall": round(results["recall"], 3),
            "coverage": results["coverage"],
            "label_accuracy": round(results.get("label_accuracy", float("nan")), 4),
        }
        print(
            f"  {row['train_seconds']:7.1f} s  FCD {row['fcd']:8.3f}  coverage "
            f"{row['coverage']:.1f}  ({row['weights']} weights, {row['steps']} steps)",
            flush=True,
        )
        return row


def run_recipe(name, output_dir):
    from keras_gans import evaluation
    from keras_gans.jobs import mnist

    config = mnist.configure(**RECIPES[name])[0]
    chunk = CHUNK_STEPS[config.arch]
    timed = TimedEvaluation(
        evaluation.Evaluator(data_dir=FLAGS.data_dir),
        60.0 * FLAGS.minutes,
        FLAGS.eval_samples,
        seed=0,
    )
    mnist.train(
        config,
        callbacks=[timed.callback],
        steps_per_epoch=chunk,
        epochs=1_000_000,  # the budget stops training
        max_minutes=None,
        evaluate_every=0,
        export=False,
        tflite=False,
        seed=FLAGS.seed,
        data_dir=FLAGS.data_dir,
        output_dir=os.path.join(output_dir, name),
        verbose=0,
    )
    return [
        {"recipe": _row_name(name, row), **row, "images_seen": row["steps"] * config.batch_size}
        for row in timed.rows
    ]


def _row_name(recipe, row):
    if row["weights"] == "raw" and RECIPES[recipe].get("ema"):
        return f"{recipe}_without_ema"
    return recipe


def floor_fcd(data_dir):
    """The evaluator's own floor: real training images vs the test set."""
    from keras_gans import data
    from keras_gans import evaluation

    evaluator = evaluation.Evaluator(data_dir=data_dir)
    images, _ = data.load_arrays("train", data_dir=data_dir)
    return evaluator.evaluate(data.to_float(images[: FLAGS.eval_samples]).numpy())["fcd"]


def plot(rows, floor, path):
    from matplotlib.figure import Figure

    from keras_gans import plotting

    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    for recipe in dict.fromkeys(r["recipe"] for r in rows):
        points = [r for r in rows if r["recipe"] == recipe]
        ax.plot(
            [p["train_seconds"] / 60 for p in points],
            [p["fcd"] for p in points],
            marker="o",
            markersize=3,
            label=recipe,
        )
    ax.axhline(floor, color="black", linestyle=":", label=f"real vs real floor ({floor:.2f})")
    ax.axhline(3 * floor, color="grey", linestyle="--", label=f"3x floor ({3 * floor:.2f})")
    ax.set_yscale("log")
    ax.set_xlabel("training time (minutes, 2 CPU cores)")
    ax.set_ylabel("FCD (10,000 samples, lower is better)")
    ax.set_title(FLAGS.title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plotting.save_figure(fig, path, dpi=120)


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
            rows = [
                r
                for r in csv.DictReader(f)
                if r["recipe"].replace("_without_ema", "") not in FLAGS.recipes
            ]
        for r in rows:
            for key in ("train_seconds", "fcd"):
                r[key] = float(r[key])
    for name in FLAGS.recipes:
        started = time.perf_counter()
        new = run_recipe(name, FLAGS.runs_dir)
        rows.extend(new)
        new = [r for r in new if r["recipe"] == name] or new
        best = min(new, key=lambda r: r["fcd"])
        print(
            json.dumps(
                {
                    "recipe": name,
                    "final": new[-1],
                    "best_fcd": best["fcd"],
                    "best_coverage": best["coverage"],
                    "best_at_seconds": best["train_seconds"],
                    "wall_seconds": round(time.perf_counter() - started),
                }
            ),
            flush=True,
        )
        _write(rows, csv_path)
    floor = floor_fcd(FLAGS.data_dir)
    plot_path = os.path.join(FLAGS.output_dir, f"{FLAGS.name}.png")
    plot(rows, floor, plot_path)
    print(f"floor FCD {floor:.3f}; wrote {csv_path} and {plot_path}")
    return 0


def _write(rows, path):
    fields = [
        "recipe",
        "weights",
        "train_seconds",
        "steps",
        "images_seen",
        "fcd",
        "kid",
        "precision",
        "recall",
        "coverage",
        "label_accuracy",
    ]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(app.run(main))
