r"""Train a GAN on MNIST, draw samples, plot losses, export for TF Serving.

    python examples/mnist.py                      # DCGAN, project defaults
    python examples/mnist.py --arch=mlp           # MLP, project defaults
    python examples/mnist.py --preset=founding    # the founding document's recipe

Flags left unset take the preset's value for the chosen --arch (see
keras_gans/recipes/mnist.py and the README's "Why these defaults").
Writes to --output_dir: samples_epoch_NNN.png (8x8 grid from fixed noise),
loss_curves.png, gan.keras, summary.json (and tensorboard/ with
--tensorboard). Exports the generator to <export_dir>/mnist_<arch>/<version>/.
"""

import sys

from absl import app
from absl import flags

flags.DEFINE_enum("preset", "default", ["default", "founding"],
                  "`default`: the project's recipe for --arch. `founding`: the "
                  "founding document's MLP recipe (BCE, Adam 1e-3, batch 64).")
flags.DEFINE_enum("arch", None, ["mlp", "dcgan"],
                  "Network pair. Default: dcgan (mlp with --preset=founding).")
flags.DEFINE_enum("loss", None,
                  ["minimax", "non_saturating", "least_squares", "wasserstein", "hinge"],
                  "Adversarial loss. Default: non_saturating.")
flags.DEFINE_integer("epochs", None, "Epochs. Default: dcgan 7, mlp 20, founding 5.")
flags.DEFINE_integer("steps_per_epoch", None, "Optional cap on steps per epoch.")
flags.DEFINE_integer("batch_size", None, "Batch size. Default: dcgan 32, mlp 64.")
flags.DEFINE_integer("latent_dim", None, "Noise size. Default: 100.")
flags.DEFINE_enum("optimizer", None, ["adam", "sgd"], "Optimizer. Default: adam.")
flags.DEFINE_float("learning_rate", None,
                   "Learning rate of both networks. Default: dcgan 4e-4, mlp 2e-4 (founding 1e-3).")
flags.DEFINE_float("g_learning_rate", None, "Generator learning rate (overrides).")
flags.DEFINE_float("d_learning_rate", None, "Discriminator learning rate (overrides).")
flags.DEFINE_float("beta_1", None, "Adam beta_1. Default: 0.5 (founding 0.9).")
flags.DEFINE_float("beta_2", None, "Adam beta_2. Default: 0.999.")
flags.DEFINE_float("momentum", None, "SGD momentum. Default: 0.0.")
flags.DEFINE_integer("d_steps", None, "Discriminator updates per generator update. Default: 1.")
flags.DEFINE_bool("conditional", None, "Class-conditional DCGAN: the generator takes "
                  "(noise, label) and the export (z, label int32) -> images. Default: false.")
flags.DEFINE_float("ema", None, "Sample and export from an exponential moving average of "
                   "the generator weights with this momentum, e.g. 0.999. Default: off.")
flags.DEFINE_bool("spectral_norm", None, "Spectral normalization in the discriminator. "
                  "Default: false.")
flags.DEFINE_float("r1_weight", None, "R1 gradient penalty gamma on real images. Default: 0.")
flags.DEFINE_string("augment", None, "DiffAugment policy for the discriminator's inputs, "
                    "e.g. translation,cutout,color. Default: none.")
flags.DEFINE_float("label_smoothing", None, "One-sided label smoothing of the real "
                   "target (cross-entropy losses), e.g. 0.1. Default: 0.")
flags.DEFINE_integer("seed", None, "Seed for weights, noise and shuffling. Default: 0.")
flags.DEFINE_string("data_dir", None,
                    "Directory of the four MNIST IDX files, or a TFDS data dir. "
                    "Default: tensorflow-datasets (TFDS_DATA_DIR).")
flags.DEFINE_enum("dataset", None, ["mnist", "fashion_mnist"], "Data set. Default: mnist.")
flags.DEFINE_string("output_dir", None, "Where grids, curves and gan.keras go. "
                    "Default: runs/mnist_<arch>.")
flags.DEFINE_string("export_dir", None, "SavedModel base directory. Default: saved_models.")
flags.DEFINE_bool("export", None, "Export the generator. Default: true.")
flags.DEFINE_bool("tflite", None, "Also write <export_dir>/mnist_<arch>.tflite (float32) and "
                  "_float16/_int8 variants. Default: true.")
flags.DEFINE_bool("tensorboard", None, "Log losses and sample grids for TensorBoard "
                  "under <output_dir>/tensorboard. Default: false.")
flags.DEFINE_integer("steps_per_execution", None,
                     "Training steps per compiled call. Default: dcgan 1, mlp 100.")
flags.DEFINE_enum("jit_compile", None, ["true", "false", "auto"],
                  "XLA-compile the train step. Default: dcgan auto (off on CPU), mlp true.")
flags.DEFINE_list("g_hidden", None, "Generator widths (mlp: hidden units; dcgan: filters).")
flags.DEFINE_list("d_hidden", None, "Discriminator widths (mlp: hidden units; dcgan: filters).")
flags.DEFINE_string("activation", None, "MLP hidden activation. Default: leaky_relu "
                    "(founding: relu).")
flags.DEFINE_float("d_dropout", None, "Discriminator dropout rate. Default: 0.0.")
flags.DEFINE_integer("evaluate_every", None,
                     "Evaluate FCD, KID, classifier score, precision/recall and class "
                     "coverage every N epochs (python -m keras_gans.evaluate's metrics). "
                     "Default: after the last epoch only; 0: never.")
flags.DEFINE_integer("eval_samples", None, "Samples per evaluation. Default: 10000.")
flags.DEFINE_bool("export_best", None, "Export the evaluated generator with the lowest FCD "
                  "instead of the last one. Default: false.")
flags.DEFINE_enum("strategy", None, ["auto", "one_device", "mirrored", "multi_worker"],
                  "tf.distribute strategy. auto: multi_worker when TF_CONFIG names several "
                  "workers, mirrored over several GPUs (or --num_cpu_replicas), else one "
                  "device. --batch_size is per replica. Default: auto.")
flags.DEFINE_integer("num_cpu_replicas", None,
                     "Split the CPU into N logical devices for MirroredStrategy (testing).")
flags.DEFINE_enum("mixed_precision", None, ["float32", "mixed_bfloat16", "mixed_float16"],
                  "Compute dtype: mixed_bfloat16 (CPUs with bf16 units, TPUs) or "
                  "mixed_float16 (GPUs; both optimizers get loss scaling). Variables, "
                  "images and losses stay float32. Default: float32.")
flags.DEFINE_string("backup_dir", None,
                    "Back up the training state every epoch (keras.callbacks.BackupAndRestore). "
                    "Run the same command again after a crash to resume; the result equals "
                    "an uninterrupted run. Default: no backups.")
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    from keras_gans.recipes import mnist

    overrides = {
        name: FLAGS[name].value
        for name in (
            "arch", "loss", "epochs", "steps_per_epoch", "batch_size", "latent_dim",
            "optimizer", "learning_rate", "g_learning_rate", "d_learning_rate",
            "beta_1", "beta_2", "momentum", "d_steps", "conditional", "ema", "spectral_norm",
            "r1_weight", "augment", "label_smoothing", "seed", "data_dir", "dataset",
            "output_dir", "export_dir", "export", "tflite", "tensorboard", "steps_per_execution",
            "jit_compile", "activation", "d_dropout", "evaluate_every", "eval_samples",
            "export_best", "strategy", "num_cpu_replicas", "mixed_precision", "backup_dir",
        )
    }
    for name in ("g_hidden", "d_hidden"):
        if FLAGS[name].value:
            overrides[name] = tuple(int(v) for v in FLAGS[name].value)
    try:
        result = mnist.train(preset=FLAGS.preset, **overrides)
    except (ValueError, FileNotFoundError, FloatingPointError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"trained in {result.train_seconds:.0f} s ({result.total_seconds:.0f} s in all)")
    print(f"samples:     {result.sample_grids[-1] if result.sample_grids else '-'}")
    print(f"loss curves: {result.loss_curves}")
    if result.evaluations:
        last = result.evaluations[-1]
        print(f"quality:     FCD {last['fcd']:.3f}, KID {last['kid']:.4f}, coverage "
              f"{last['coverage']:.2f} (epoch {last['epoch']}, {last['num_samples']} samples)")
        if "label_accuracy" in last:
            print(f"labels:      {100 * last['label_accuracy']:.2f}% of samples classified "
                  "as the digit they were drawn for")
    print(f"keras model: {result.keras_path}")
    if result.export_path:
        print(f"SavedModel:  {result.export_path}")
    for path in result.tflite_paths:
        print(f"TFLite:      {path}")
    return 0


if __name__ == "__main__":
    app.run(main)
