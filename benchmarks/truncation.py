"""The truncation trick measured: precision, recall, density and coverage over PSI.

Each export draws `--num` samples at each PSI (the same noise, pulled toward
the mean, `keras_gans.latent.truncate`), scored by `keras_gans.evaluation.Evaluator`
against the 10,000 MNIST test digits with the project's MNIST classifier's
features (precision / recall: Kynkäänniemi et al. 2019, k = 3; density /
coverage: Naeem et al. 2020). Prints a table and writes a JSON and a figure.

    python benchmarks/truncation.py --exports=mnist_dcgan,saved_models/mnist_seed1 \\
        --labels="seed 0 (the preset),seed 1" --data_dir=MNIST_IDX_DIR \\
        --out=truncation.json --figure=truncation.png
"""

import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import profiling  # noqa: E402

import keras_gans as kg  # noqa: E402

# "coverage" is the evaluator's class coverage; "manifold_coverage" Naeem et al.'s.
KEYS = ("precision", "recall", "density", "manifold_coverage", "fcd", "coverage")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", default="mnist_dcgan", help="Comma-separated exports.")
    parser.add_argument("--psi", default="0.3,0.5,0.7,0.85,1.0")
    parser.add_argument("--num", type=int, default=10000)
    parser.add_argument("--data_dir", help="MNIST's IDX files (else TFDS).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--labels", help="Comma-separated names of the exports in the figure.")
    parser.add_argument("--out")
    parser.add_argument("--figure")
    parser.add_argument("--replot", help="Draw --figure from this JSON instead of measuring.")
    args = parser.parse_args()
    names = dict(zip(args.exports.split(","), (args.labels or args.exports).split(",")))
    if args.replot:
        with open(args.replot, encoding="utf-8") as f:
            figure(json.load(f)["rows"], args.figure, names)
        return
    evaluator = kg.evaluation.Evaluator("mnist_test", data_dir=args.data_dir)
    psis = [float(p) for p in args.psi.split(",")]
    rows = []
    for name in args.exports.split(","):
        generator = kg.latent.ExportedGenerator(name)
        z = np.random.default_rng(args.seed).standard_normal((args.num, generator.latent_dim))
        for psi in psis:
            images = kg.contracts.draw(generator.serve, kg.latent.truncate(z, psi))
            scores = evaluator.evaluate(images, seed=args.seed)
            row = {"export": name, "psi": psi, **{k: float(scores[k]) for k in KEYS}}
            extractor = scores["extractor"]
            rows.append(row)
            print(f"{name} psi={psi}: " + ", ".join(f"{k} {row[k]:.3f}" for k in KEYS), flush=True)
    result = {
        "extractor": extractor,
        "num": args.num,
        "reference": "mnist_test (10,000)",
        "machine": f"{profiling.cpu_name()} ({os.cpu_count()} cores)",
        "rows": rows,
    }
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    if args.figure:
        figure(rows, args.figure, names)


def figure(rows, path, names):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name in dict.fromkeys(row["export"] for row in rows):
        mine = [row for row in rows if row["export"] == name]
        psi = [row["psi"] for row in mine]
        for key, style in (("precision", "-o"), ("recall", "--s")):
            label = f"{key}, {names.get(name, name)}"
            axes[0].plot(psi, [row[key] for row in mine], style, label=label)
        for key, style in (("density", "-o"), ("manifold_coverage", "--s")):
            label = f"{key.replace('manifold_', '')}, {names.get(name, name)}"
            axes[1].plot(psi, [row[key] for row in mine], style, label=label)
    for ax, title in zip(axes, ("precision and recall", "density and coverage")):
        ax.set_xlabel("truncation PSI (1 = the noise as drawn)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
