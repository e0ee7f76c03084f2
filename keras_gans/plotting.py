"""Image grids and loss curves, as matplotlib figures and PNG files.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so
plotting needs no display and never touches pyplot's global state or the
user's backend (a notebook keeps its own).
"""

import math
import os

import numpy as np
from matplotlib.figure import Figure

from keras_gans.data.video import write_gif
from keras_gans.data.video import write_mp4

__all__ = [
    "clip_grid",
    "comparison_figure",
    "image_grid",
    "image_grid_figure",
    "loss_curves_figure",
    "plot_loss_curves",
    "save_clip_grid",
    "save_comparison_figure",
    "save_figure",
    "save_image_grid",
    "save_spectrogram_grid",
    "save_style_figure",
    "spectrogram_images",
    "style_figure",
    "to_display_uint8",
]


def to_display_uint8(images):
    """Returns images as uint8 `(n, h, w, c)`, from uint8 or floats in [-1, 1]."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (n, height, width[, channels]). "
            f"Received shape {images.shape}."
        )
    if images.dtype == np.uint8:
        return images
    images = np.clip(images.astype(np.float32), -1.0, 1.0)
    return np.round((images + 1.0) * 127.5).astype(np.uint8)


def image_grid(images, rows=None, cols=None, padding=2, pad_value=0):
    """Tiles images into one uint8 array `(H, W, C)`.

    Args:
        images: array `(n, h, w[, c])`, uint8 or floats in `[-1, 1]`.
        rows: int. Defaults to `ceil(sqrt(n))`.
        cols: int. Defaults to `ceil(n / rows)`.
        padding: int. Pixels between tiles. Defaults to `2`.
        pad_value: int. Colour of the padding. Defaults to `0`.
    """
    images = to_display_uint8(images)
    n, h, w, c = images.shape
    rows = rows or max(1, math.ceil(math.sqrt(n)))
    cols = cols or max(1, math.ceil(n / rows))
    grid = np.full(
        (rows * (h + padding) + padding, cols * (w + padding) + padding, c), pad_value, np.uint8
    )
    for i in range(min(n, rows * cols)):
        r, k = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + k * (w + padding)
        grid[top : top + h, left : left + w] = images[i]
    return grid


def save_image_grid(images, path, rows=None, cols=None, title=None, scale=3):
    """Writes `image_grid(images, rows, cols)` to a PNG file.

    Args:
        images: array `(n, h, w[, c])`, uint8 or floats in `[-1, 1]`.
        path: str. Output `.png` path; parent directories are created.
        rows, cols: int. Grid size; see `image_grid`.
        title: str. Optional title above the grid.
        scale: int. Output pixels per image pixel. Defaults to `3`.

    Returns:
        `path`.
    """
    return save_figure(image_grid_figure(images, rows, cols, title, scale), path)


def image_grid_figure(images, rows=None, cols=None, title=None, scale=3, cmap="gray"):
    """A `Figure` showing `image_grid(images, rows, cols)` at `scale` pixels
    per image pixel, with an optional title (`cmap` colours one-channel
    images)."""
    grid = image_grid(images, rows, cols)
    height, width = grid.shape[:2]
    extra = 0.3 if title else 0.0
    dpi = 100
    fig = Figure(figsize=(width * scale / dpi, height * scale / dpi + extra), dpi=dpi)
    ax = fig.add_axes([0, 0, 1, height * scale / dpi / (height * scale / dpi + extra)])
    ax.imshow(
        grid.squeeze(-1) if grid.shape[-1] == 1 else grid,
        cmap=cmap,
        vmin=0,
        vmax=255,
        interpolation="nearest",
    )
    ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10, y=0.995)
    return fig


# Dynamic range shown in a spectrogram: 80 dB of magnitude, as natural log.
SPECTROGRAM_RANGE = 80 / 20 * math.log(10)


def spectrogram_images(log_mels):
    """Log-mel spectrograms `(n, frames, bins)` as uint8 pictures `(n, bins,
    frames, 1)`: low frequencies at the bottom, the top 80 dB of the whole
    set mapped to 0-255 (so quiet and loud clips stay comparable)."""
    log_mels = np.asarray(log_mels, np.float32)
    if log_mels.ndim != 3:
        raise ValueError(
            f"Expected log-mel spectrograms (n, frames, bins). Received shape {log_mels.shape}."
        )
    top = float(log_mels.max())
    scaled = (log_mels - (top - SPECTROGRAM_RANGE)) / SPECTROGRAM_RANGE
    pictures = np.clip(np.round(scaled * 255), 0, 255).astype(np.uint8)
    return np.transpose(pictures, (0, 2, 1))[:, ::-1, :, None]


def save_spectrogram_grid(log_mels, path, rows=None, title=None, scale=2):
    """Writes a grid of log-mel spectrograms `(n, frames, bins)` to a PNG
    file, in the magma colour map (see `spectrogram_images`).

    Returns:
        `path`.
    """
    pictures = spectrogram_images(log_mels)
    return save_figure(image_grid_figure(pictures, rows, None, title, scale, cmap="magma"), path)


def plot_loss_curves(history, path, keys=("d_loss", "g_loss"), title=None, right_keys=()):
    """Plots loss curves from a `History`, a dict, or `LossHistory.history`.

    Args:
        history: `keras.callbacks.History`, or dict of name -> list of values.
            When the dict has a `"step"` list (as `LossHistory` records),
            it is the x axis; otherwise values are per epoch.
        path: str. Output `.png` path; parent directories are created.
        keys: names to plot; missing ones are skipped. Defaults to
            `("d_loss", "g_loss")`.
        title: str. Optional title.
        right_keys: values in [0, 1] drawn dashed against a right-hand axis
            (ADA's `"augment_p"`); missing ones are skipped.

    Returns:
        `path`.
    """
    return save_figure(loss_curves_figure(history, keys, title, right_keys), path)


def loss_curves_figure(history, keys=("d_loss", "g_loss"), title=None, right_keys=()):
    """A `Figure` of loss curves; arguments as in `plot_loss_curves`."""
    values = getattr(history, "history", history)
    steps = values.get("step")
    fig = Figure(figsize=(6, 3.5), dpi=100)
    ax = fig.subplots()
    for key in keys:
        series = values.get(key)
        if not series:
            continue
        x = steps if steps else range(1, len(series) + 1)
        ax.plot(x, series, linewidth=1.2, label=key)
    ax.set_xlabel("training step" if steps else "epoch")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    lines = ax.get_lines()
    # A level never recorded (all NaN: a run without ADA) gets no axis.
    right = [key for key in right_keys if values.get(key) and np.isfinite(values[key]).any()]
    if right:
        twin = ax.twinx()
        for key in right:
            series = values[key]
            x = steps if steps else range(1, len(series) + 1)
            twin.plot(x, series, color="black", linestyle="--", linewidth=1.0, label=key)
        twin.set_ylim(0, 1)
        twin.set_ylabel(", ".join(right))
        lines = lines + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def save_style_figure(content, style, generated, path, title=None):
    """Writes one row per example: content | style | generated.

    Args:
        content, style, generated: arrays `(n, h, w, 3)`, uint8 or floats in
            `[-1, 1]` (sizes may differ between the three).
        path: str. Output `.png` path.
        title: str. Optional title.

    Returns:
        `path`.
    """
    return save_figure(style_figure(content, style, generated, title), path)


def style_figure(content, style, generated, title=None):
    """A `Figure` with one row per example: content | style | generated."""
    return comparison_figure(
        [("content", content), ("style", style), ("generated", generated)], title
    )


def save_comparison_figure(columns, path, title=None):
    """Writes one row per example and one column per `(label, images)`.

    Args:
        columns: list of `(label, images)`; images `(n, h, w, c)`, uint8 or
            floats in `[-1, 1]`, the same `n` in every column (sizes may
            differ between columns: each is drawn at the same width).
        path: str. Output `.png` path.
        title: str. Optional title.

    Returns:
        `path`.
    """
    return save_figure(comparison_figure(columns, title), path)


def comparison_figure(columns, title=None):
    """A `Figure` with one row per example and one column per `(label, images)`."""
    columns = [(label, to_display_uint8(images)) for label, images in columns]
    rows, cols = len(columns[0][1]), len(columns)
    height = 2.5 * rows + (0.5 if title else 0)
    fig = Figure(figsize=(2.5 * cols, height), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for r in range(rows):
        for c, (label, images) in enumerate(columns):
            ax = axes[r][c]
            ax.imshow(
                images[r], interpolation="nearest", cmap="gray" if images.shape[-1] == 1 else None
            )
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(label, fontsize=11)
    if title:
        fig.suptitle(title, fontsize=11)
    # tight_layout ignores the suptitle: keep the top half inch for it.
    fig.tight_layout(rect=(0, 0, 1, 1 - (0.5 / height if title else 0)))
    return fig


def clip_grid(clips, rows=None, cols=None, padding=2):
    """Tiles clips into one uint8 clip `(frames, H, W, C)`: frame `t` is the
    `image_grid` of every clip's frame `t`.

    Args:
        clips: array `(n, frames, h, w[, c])`, uint8 or floats in `[-1, 1]`.
        rows, cols, padding: as `image_grid`.
    """
    clips = np.asarray(clips)
    if clips.ndim not in (4, 5):
        raise ValueError(
            f"Expected clips of shape (n, frames, height, width[, channels]). Received shape "
            f"{clips.shape}."
        )
    return np.stack([image_grid(clips[:, t], rows, cols, padding) for t in range(clips.shape[1])])


def save_clip_grid(clips, path, rows=None, cols=None, fps=8, scale=2):
    """Writes `clip_grid(clips, rows, cols)` as a looping animated GIF, or
    an MP4 when `path` ends in `.mp4` (`keras_gans.data.write_mp4`).

    Args:
        clips: array `(n, frames, h, w[, c])`, uint8 or floats in `[-1, 1]`.
        path: str. Output `.gif` or `.mp4` path, written atomically; parent
            folders are created.
        rows, cols: int. Grid size; see `image_grid`.
        fps: int. Frames per second. Defaults to `8`.
        scale: int. Output pixels per clip pixel. Defaults to `2`.

    Returns:
        `path`.
    """
    grid = clip_grid(clips, rows, cols)
    write = write_mp4 if str(path).lower().endswith(".mp4") else write_gif
    return write(path, grid.repeat(scale, axis=1).repeat(scale, axis=2), fps)


def save_figure(fig, path, dpi=None):
    """Writes `fig` to `path` (PNG by extension), creating parent folders.

    Returns:
        `path`.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path
