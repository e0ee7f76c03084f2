"""The style-transfer recipe behind `examples/style_transfer.py`.

`train(...)` trains a `StyleTransferGAN` on unpaired (content, style) images,
draws a "content | style | generated" figure every epoch from fixed test
photos at full size, plots the losses and exports the generator for TF
Serving and LiteRT.
"""

import dataclasses
import json
import os
import time

import keras
import numpy as np

from keras_gans import callbacks as callbacks_module
from keras_gans import data
from keras_gans import export
from keras_gans import plotting
from keras_gans.models import style as style_models
from keras_gans.recipes.mnist import save_atomically
from keras_gans.style_transfer import StyleTransferGAN

# Why these values: see the README's style-transfer section. They train the
# founding document's two networks in about 11 minutes on a 2-core CPU.
DEFAULTS = {
    "image_size": 64,
    "batch_size": 4,
    "epochs": 90,
    "steps_per_epoch": None,
    "filters": 32,
    "residual_blocks": 4,
    "d_filters": (32, 64, 128, 256),
    "norm": "instance",
    "d_norm": None,
    "input_skip": True,
    "content_weight": 1.0,
    "identity_weight": 0.0,
    "tv_weight": 0.2,
    "loss": "least_squares",
    "learning_rate": 2e-4,
    "g_learning_rate": None,
    "d_learning_rate": None,
    "beta_1": 0.5,
    "seed": 0,
    "figure_size": 256,
    "figure_images": 4,
    "max_minutes": None,
    "export_dir": "saved_models",
    "export": True,
    "tflite": True,
    "verbose": "auto",
}


@dataclasses.dataclass
class StyleResult:
    """What `train` produced (see `keras_gans.recipes.mnist.TrainResult`)."""

    gan: StyleTransferGAN
    history: dict
    figures: list
    loss_curves: str
    keras_path: str
    export_path: str
    tflite_paths: list
    train_seconds: float
    config: dict


class StopAfterMinutes(keras.callbacks.Callback):
    """Ends training after the epoch during which `minutes` have passed."""

    def __init__(self, minutes):
        super().__init__()
        self.seconds = 60.0 * minutes
        self.stopped_at = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self._start >= self.seconds:
            self.model.stop_training = True
            self.stopped_at = epoch + 1


class StyleFigure(keras.callbacks.Callback):
    """Writes a "content | style | generated" figure every epoch."""

    def __init__(self, content, style, output_dir, every_n_epochs=1):
        super().__init__()
        self.content = content
        self.style = style
        self.output_dir = output_dir
        self.every_n_epochs = every_n_epochs
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        generated = self.model.stylize(data.to_float(self.content).numpy())
        path = os.path.join(self.output_dir, f"epoch_{epoch + 1:03d}.png")
        plotting.save_style_figure(self.content, self.style, generated, path,
                                   title=f"epoch {epoch + 1}")
        self.paths.append(path)


def resolve_config(**overrides):
    config = dict(DEFAULTS)
    config.update({k: v for k, v in overrides.items() if v is not None})
    return config


def build_gan(config):
    generator = style_models.style_generator(
        filters=config["filters"], residual_blocks=config["residual_blocks"],
        norm=config["norm"], input_skip=config["input_skip"],
    )
    discriminator = style_models.patchgan_discriminator(
        filters=tuple(config["d_filters"]), norm=config["d_norm"] or config["norm"]
    )
    gan = StyleTransferGAN(
        generator, discriminator, content_weight=config["content_weight"],
        identity_weight=config["identity_weight"], tv_weight=config["tv_weight"],
        seed=config["seed"],
    )
    g_lr = config["g_learning_rate"] or config["learning_rate"]
    # A 4x faster discriminator (TTUR): at equal rates the generator fools it
    # with faint high-frequency patterns instead of changing the painting style.
    d_lr = config["d_learning_rate"] or 4 * config["learning_rate"]
    gan.compile(
        g_optimizer=keras.optimizers.Adam(g_lr, beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(d_lr, beta_1=config["beta_1"]),
        loss=config["loss"],
    )
    return gan


def figure_images(content_dir, style_dir, count, size):
    """Fixed uint8 content photos and style examples for the figures."""
    content, _ = data.load_folder(content_dir, limit=count)
    style, _ = data.load_folder(style_dir, limit=count)
    style = (style * count)[:count]
    return (np.stack([data.center_square(image, size) for image in content]),
            np.stack([data.center_square(image, size) for image in style]))


def train(content_dir=None, style_dir=None, test_content_dir=None, name=None,
          output_dir=None, **overrides):
    """Trains, draws, plots and exports a style-transfer GAN.

    Args:
        content_dir: str. Folder of content photos. With `style_dir`
            `None` too, TFDS `cycle_gan/monet2photo` is used.
        style_dir: str. Folder of style images (paintings).
        test_content_dir: str. Photos for the per-epoch figures (not
            trained on). Defaults to the first images of `content_dir`.
        name: str. Style name: exports go to `style_<name>`. Defaults to
            the style folder's parent name minus `photo2` (e.g. `monet` for
            `.../photo2monet/trainB`), or `monet` for TFDS.
        output_dir: str. Defaults to `runs/style_<name>`.
        **overrides: keys of `DEFAULTS`.

    Returns:
        A `StyleResult`.
    """
    config = resolve_config(**overrides)
    if (content_dir is None) != (style_dir is None):
        raise ValueError("Pass both `content_dir` and `style_dir`, or neither (TFDS).")
    name = name or _style_name(style_dir)
    output_dir = output_dir or os.path.join("runs", f"style_{name}")
    os.makedirs(output_dir, exist_ok=True)
    keras.utils.set_random_seed(config["seed"])

    if content_dir is None:
        dataset = data.cycle_gan("monet2photo", image_size=config["image_size"],
                                 batch_size=config["batch_size"], seed=config["seed"])
        fixed = data.cycle_gan("monet2photo", split="test", image_size=config["figure_size"],
                               batch_size=config["figure_images"], mode="resize", flip=False,
                               shuffle=False)
        content, style = (data.to_uint8(x).numpy() for x in next(iter(fixed)))
    else:
        dataset = data.unpaired_images(
            content_dir, style_dir, image_size=config["image_size"],
            batch_size=config["batch_size"], seed=config["seed"],
        )
        content, style = figure_images(test_content_dir or content_dir, style_dir,
                                       config["figure_images"], config["figure_size"])
    gan = build_gan(config)

    figure = StyleFigure(content, style, output_dir)
    steps_log = callbacks_module.LossHistory(
        keys=("d_loss", "g_loss", "adv_loss", "content_loss"), every_n_steps=25)
    fit_callbacks = [callbacks_module.StopOnNonFiniteLoss(), figure, steps_log]
    stopper = None
    if config["max_minutes"]:
        stopper = StopAfterMinutes(config["max_minutes"])
        fit_callbacks.append(stopper)
    start = time.perf_counter()
    history = gan.fit(dataset, epochs=config["epochs"], steps_per_epoch=config["steps_per_epoch"],
                      callbacks=fit_callbacks, verbose=config["verbose"])
    train_seconds = time.perf_counter() - start

    loss_curves = plotting.plot_loss_curves(
        steps_log.history if steps_log.history["step"] else history.history,
        os.path.join(output_dir, "loss_curves.png"),
        keys=("d_loss", "adv_loss", "content_loss"), title=f"style_{name}",
    )
    keras_path = save_atomically(gan, os.path.join(output_dir, "gan.keras"))
    export_path, tflite_paths = None, []
    if config["export"]:
        export_path = export.style_saved_model(gan.generator, config["export_dir"], f"style_{name}")
        if config["tflite"]:
            tflite_paths = [export.tflite(gan.generator, config["export_dir"], f"style_{name}", q)
                            for q in export.TFLITE_VARIANTS]
    summary = {
        "config": {**config, "content_dir": content_dir, "style_dir": style_dir, "name": name},
        "history": history.history,
        "epochs_run": len(history.history.get("g_loss", [])),
        "stopped_by_time_limit": bool(stopper and stopper.stopped_at),
        "train_seconds": train_seconds,
        "export_path": export_path,
        "tflite_paths": tflite_paths,
    }
    with open(os.path.join(output_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=str)
    return StyleResult(gan, history.history, list(figure.paths), loss_curves, keras_path,
                       export_path, tflite_paths, train_seconds, config)


def _style_name(style_dir):
    if style_dir is None:
        return "monet"
    parent = os.path.basename(os.path.dirname(os.path.abspath(style_dir)))
    name = parent.split("2", 1)[1] if "2" in parent else os.path.basename(os.path.abspath(style_dir))
    return "".join(c for c in name if c.isalnum() or c in "_-.") or "style"
