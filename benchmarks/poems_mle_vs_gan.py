r"""Maximum likelihood against a text GAN on five-character quatrains, for the
same CPU-minutes, over a temperature sweep (Caccia et al., 2020).

Trains the character generator by maximum likelihood, keeping the weights
of its best loss on validation poems (a twentieth of the training poems,
never fitted): early stopping, or the baseline would be an overfitted one.
It stops after `--patience` validations without a better loss, or at
`--minutes`. Its best weights start the GAN (`TextGAN`), which trains
adversarially for the rest of `--minutes` (the minutes of maximum
likelihood up to those weights count as the GAN's too), so neither model
gets more than `--minutes`. Then each model writes `--samples` poems at every temperature of
`--temperatures`, scored against the real held-out poems
(`keras_gans.evaluation.text`): BLEU-2/4 (quality), self-BLEU-2/4 on the
first `--self_bleu_samples` (diversity: lower is more varied), Caccia et
al.'s forward and reverse language-model scores (nats per character), the
share in form, the share of lines copied from the training poems and the
rhyme rate, beside the real poems' own figures (the floor: training poems,
drawn at random, scored as samples against the held-out ones), and each model's held-out
cross-entropy per character. Writes `results.json`, the quality-diversity
figure `curve.png` and sample poems, each with its nearest training poem,
to `--out`.

    python benchmarks/poems_mle_vs_gan.py --minutes=30 --out=poems_run/
"""

import json
import os
import time

import keras
import numpy as np
from absl import app
from absl import flags

import keras_gans as kg
from keras_gans.evaluation import text as text_scores
from keras_gans.jobs import text as text_job

flags.DEFINE_float("minutes", 30.0, "CPU-minutes per model (the GAN's include its pretraining).")
flags.DEFINE_integer("patience", 4, "Validations with no better loss that stop maximum likelihood.")
flags.DEFINE_integer("units", 256, "GRU units.")
flags.DEFINE_integer("embedding_dim", 64, "Character embedding size.")
flags.DEFINE_integer("latent_dim", 32, "Noise size (at least 20).")
flags.DEFINE_integer("batch_size", 64, "Poems a step.")
flags.DEFINE_float("learning_rate", 3e-3, "Adam learning rate of maximum likelihood.")
flags.DEFINE_float("gan_learning_rate", 3e-4, "Adam learning rate of both GAN networks.")
flags.DEFINE_integer("validate_every", 250, "Maximum-likelihood steps between validations.")
flags.DEFINE_string("temperatures", "0.6,0.7,0.8,0.9,1.0", "Sampling temperatures to sweep.")
flags.DEFINE_integer("samples", 1000, "Poems drawn per model and temperature.")
flags.DEFINE_integer("self_bleu_samples", 300, "Of those, the ones self-BLEU compares.")
flags.DEFINE_integer("seed", 0, "Seed of weights, noise and batches.")
flags.DEFINE_string("data_dir", None, "The unpacked npm chinese-poetry package (unset: found).")
flags.DEFINE_list("replot", None, "Only draw curve.png in --out from these results.json files.")
flags.DEFINE_string("out", "poems_run", "Folder for results.json, curve.png and samples.")
FLAGS = flags.FLAGS

CHUNK = 50  # steps between looks at the clock


class Stop(Exception):
    """Raised by `train_for`'s `on_the_way` to stop training early."""


def train_for(model, stream, seconds, on_the_way=None):
    """Fits `model` on `stream` in chunks until `seconds` pass, or
    `on_the_way(elapsed)`, called after each chunk, raises `Stop`.
    Returns `(steps, seconds)`."""
    start, steps = time.perf_counter(), 0
    iterator = iter(stream.repeat())
    while time.perf_counter() - start < seconds:
        for _ in range(CHUNK):
            model.train_on_batch(next(iterator))
        steps += CHUNK
        if on_the_way is not None:
            try:
                on_the_way(time.perf_counter() - start)
            except Stop:
                break
    return steps, time.perf_counter() - start


def held_out_loss(generator, texts, vocabulary, seed=0):
    """Cross-entropy per character (nats) of `texts` under `generator`."""
    scorer = kg.models.MaximumLikelihoodText(generator, seed=seed)
    scorer.compile(optimizer="adam")
    stream = kg.data.text_dataset(texts, vocabulary, 20, 256, shuffle=False)
    return float(scorer.evaluate(stream, verbose=0))


def draw(generator, temperature, count, seed):
    decoder = generator.get_layer("decoder")
    decoder.temperature = temperature
    z = np.random.default_rng(seed).standard_normal((count, generator.input_shape[-1]))
    ids = [
        keras.ops.convert_to_numpy(generator(z[i : i + 250].astype("float32"))).argmax(-1)
        for i in range(0, count, 250)
    ]
    decoder.temperature = 1.0
    return np.concatenate(ids).astype("int32")


def scores(poems_drawn, poems, reference_model):
    few = poems_drawn[: FLAGS.self_bleu_samples]
    return {
        "bleu2": text_scores.bleu(poems_drawn, poems.test, 2),
        "bleu4": text_scores.bleu(poems_drawn, poems.test, 4),
        "self_bleu2": text_scores.self_bleu(few, 2),
        "self_bleu4": text_scores.self_bleu(few, 4),
        **text_scores.language_model_scores(
            poems_drawn, poems.test, poems.vocabulary, 20, reference_model, seed=FLAGS.seed
        ),
        "in_form": text_scores.in_form(poems_drawn, 20),
        "copied_lines": text_scores.copied_lines(poems_drawn, poems.train, 5),
        "rhyme": text_scores.rhyme_rate(poems_drawn, 5),
    }


def main(argv):
    del argv
    os.makedirs(FLAGS.out, exist_ok=True)
    if FLAGS.replot:
        return replot(FLAGS.replot, os.path.join(FLAGS.out, "curve.png"))
    poems = kg.data.load_poems("5x4", FLAGS.data_dir)
    size = len(poems.vocabulary) + 2
    keras.utils.set_random_seed(FLAGS.seed)
    print(f"{poems.source}: {len(poems.train)} training, {len(poems.test)} held-out poems; "
          f"{size - 2} characters")  # fmt: skip

    def generator():
        return kg.networks.character_generator(
            size, 20, FLAGS.latent_dim, FLAGS.units, FLAGS.embedding_dim, seed=FLAGS.seed
        )

    fitted, validation = kg.data.validation_split(poems.train)
    stream = kg.data.text_dataset(fitted, poems.vocabulary, 20, FLAGS.batch_size, seed=FLAGS.seed)
    seconds = 60 * FLAGS.minutes
    mle_generator = generator()
    mle = kg.models.MaximumLikelihoodText(mle_generator, seed=FLAGS.seed)
    mle.compile(optimizer=keras.optimizers.Adam(FLAGS.learning_rate))
    # Early stopping, as any maximum-likelihood model is trained: the
    # weights of the best validation loss are the model, and start the GAN.
    best = {"nats": float("inf")}
    curve = []
    validator = kg.models.MaximumLikelihoodText(mle_generator, seed=0)
    validator.compile(optimizer="adam")
    validation_stream = kg.data.text_dataset(validation, poems.vocabulary, 20, 256, shuffle=False)

    def validate(elapsed):
        step = int(mle.optimizer.iterations)
        if step % FLAGS.validate_every >= CHUNK:
            return
        nats = float(validator.evaluate(validation_stream, verbose=0))
        curve.append((step, round(elapsed / 60, 2), nats))
        if nats < best["nats"]:
            best.update(nats=nats, step=step, seconds=elapsed, weights=mle_generator.get_weights())
        elif len(curve) - 1 - [c[0] for c in curve].index(best["step"]) >= FLAGS.patience:
            raise Stop

    mle_steps, mle_seconds = train_for(mle, stream, seconds, validate)
    mle_generator.set_weights(best["weights"])
    print(f"maximum likelihood: {mle_steps} steps in {mle_seconds / 60:.1f} min; the best "
          f"validation loss, {best['nats']:.3f} nats, at step {best['step']} "
          f"({best['seconds'] / 60:.1f} min)")  # fmt: skip

    gan_generator = generator()
    gan_generator.set_weights(best["weights"])
    discriminator = kg.networks.text_discriminator(size, 20)
    gan = kg.models.TextGAN(gan_generator, discriminator, seed=FLAGS.seed)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(FLAGS.gan_learning_rate, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(FLAGS.gan_learning_rate, beta_1=0.5),
    )
    gan_curve = []
    gan_validator = kg.models.MaximumLikelihoodText(gan_generator, seed=0)
    gan_validator.compile(optimizer="adam")

    def validate_gan(elapsed):
        step = int(gan.g_optimizer.iterations)
        if step % FLAGS.validate_every < CHUNK:
            nats = float(gan_validator.evaluate(validation_stream, verbose=0))
            gan_curve.append((step, round((best["seconds"] + elapsed) / 60, 2), nats))

    gan_steps, gan_seconds = train_for(gan, stream, seconds - best["seconds"], validate_gan)
    print(f"GAN: {best['step']} pretraining steps, then {gan_steps} adversarial "
          f"steps in {gan_seconds / 60:.1f} min")  # fmt: skip

    # The floor: real poems the references do not hold (training poems)
    # scored as samples against the held-out ones.
    reference_model = text_scores.LanguageModel(poems.test, poems.vocabulary, 20, seed=FLAGS.seed)
    # Poems drawn at random: in file order, neighbours share an author.
    rng = np.random.default_rng(FLAGS.seed)
    drawn_real = [poems.train[i] for i in rng.permutation(len(poems.train))[: FLAGS.samples]]
    real = scores(drawn_real, poems, reference_model)
    # Lines copied: of held-out poems (training poems are all copies).
    real["copied_lines"] = text_scores.copied_lines(poems.test[: FLAGS.samples], poems.train, 5)
    results = {
        "data": poems.source,
        "held_out": len(poems.test),
        "settings": {k: FLAGS[k].value for k in ("units", "embedding_dim", "latent_dim",
                                                   "batch_size", "minutes", "patience",
                                                   "learning_rate", "gan_learning_rate", "seed")},
        "real": real,
        "mle": {"steps": mle_steps, "minutes": mle_seconds / 60, "best_step": best["step"],
                "best_minutes": best["seconds"] / 60, "validation_curve": curve,
                "held_out_nats": held_out_loss(mle_generator, poems.test, poems.vocabulary)},
        "gan": {"pretraining_steps": best["step"], "adversarial_steps": gan_steps,
                "minutes": (best["seconds"] + gan_seconds) / 60, "validation_curve": gan_curve,
                "held_out_nats": held_out_loss(gan_generator, poems.test, poems.vocabulary)},
    }  # fmt: skip
    temperatures = [float(t) for t in FLAGS.temperatures.split(",")]
    shown = []
    for name, model_generator in (("mle", mle_generator), ("gan", gan_generator)):
        results[name]["sweep"] = {}
        for temperature in temperatures:
            ids = draw(model_generator, temperature, FLAGS.samples, FLAGS.seed + 1)
            drawn = kg.data.decode_texts(ids, poems.vocabulary)
            results[name]["sweep"][str(temperature)] = scores(drawn, poems, reference_model)
            print(name, temperature, results[name]["sweep"][str(temperature)])
            if temperature == temperatures[len(temperatures) // 2]:
                for poem, near in text_job.nearest_texts(drawn[:4], poems.train):
                    shown.append((name, temperature, poem, near))
    with open(os.path.join(FLAGS.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    with open(os.path.join(FLAGS.out, "samples.txt"), "w", encoding="utf-8") as f:
        for name, temperature, poem, near in shown:
            f.write(f"{name} at T={temperature}:\n{kg.data.format_poem(poem, 5)}\n")
            f.write(f"nearest training poem:\n{kg.data.format_poem(near, 5)}\n\n")
    plot([results], temperatures, os.path.join(FLAGS.out, "curve.png"))
    print(json.dumps(results, indent=1, ensure_ascii=False))


def plot(runs, temperatures, path):
    """Both panels for `runs` (a list of `results.json` dicts, one a seed:
    solid, dashed, dotted lines)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, (bleu_ax, lm_ax) = plt.subplots(1, 2, figsize=(10, 4))
    axes = (
        (bleu_ax, lambda s: 1 - s["self_bleu4"], lambda s: s["bleu4"],
         "diversity: 1 - self-BLEU-4", "quality: BLEU-4 against held-out poems"),
        (lm_ax, lambda s: s["reverse"], lambda s: s["forward"],
         "reverse LM score (nats/char; lower: covers real text)",
         "forward LM score (nats/char; lower: reads as real)"),
    )  # fmt: skip
    for ax, x_of, y_of, x_label, y_label in axes:
        for index, results in enumerate(runs):
            style = ("-", "--", ":")[index % 3]
            seed = results["settings"]["seed"]
            for name, label, color in (("mle", "maximum likelihood", "C0"), ("gan", "GAN", "C1")):
                sweep = results[name]["sweep"]
                x = [x_of(sweep[str(t)]) for t in temperatures]
                y = [y_of(sweep[str(t)]) for t in temperatures]
                ax.plot(x, y, "o" + style, color=color, label=f"{label}, seed {seed}")
                for t, xi, yi in zip(temperatures, x, y):
                    ax.annotate(f"{t:g}", (xi, yi), fontsize=7)
            real = results["real"]
            ax.plot([x_of(real)], [y_of(real)], "k*", label=f"real poems, seed {seed}")
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.legend(fontsize=7)
    fig.suptitle("Five-character quatrains: each point a sampling temperature", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def replot(paths, out):
    """`--replot`: one figure of several runs' `results.json`."""
    runs = []
    for path in paths:
        with open(path) as f:
            runs.append(json.load(f))
    temperatures = [float(t) for t in runs[0]["mle"]["sweep"]]
    plot(runs, temperatures, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    app.run(main)
