"""How clips move, measured the same way on generated and real clips.

No network is needed: each clip is reduced to its frames' ink (pixel
intensity) and the path of the ink's centre, and four numbers per clip say
what a viewer sees:

- `speed`: how far the centre moves per frame (px).
- `jerk`: how far its motion changes per frame (px; the second difference of
  the path): straight motion has none, bounces a little, frames out of
  order a lot.
- `ink_drift`: how much the amount of ink changes through the clip (its
  standard deviation over its mean): digits that keep their shape keep
  their ink, up to where they overlap.
- `frame_change`: the mean absolute change of a pixel from frame to frame
  (in [0, 1]).

With a clip network trained on real Moving MNIST
(`keras_gans.evaluation.classifier.clip_classifier`, packaged as
`moving_mnist_classifier`), five more (`NETWORK_MEASURES`):

- `recognised`: the share of frames in which the network names digits, and
  is sure of every class either way (each probability under 0.2 or over 0.8).
- `digits_kept`: the share of clips whose most common set of named digits
  holds in at least 7 of 8 frames (MoCoGAN's content consistency). The
  digits are named by the network's `tracked_digits` head where it has one
  (each frame read with its neighbours, so two digits crossing are not
  taken for a change of digit), else frame by frame.
- `in_order`: how sure the network is, on average, that a clip's frames are
  in their real order (not shuffled, not one frame held).
- `frame_fd`, `clip_fd`: Fréchet distances to the real clips of the
  network's frame features (every frame) and clip features. They compare
  runs of this package only: not published FVD, which needs an I3D network
  trained on Kinetics.

`motion_report` sets generated clips beside real ones, beside real clips cut
in two halves (the floor: how far real clips sit from real clips), and beside
three baselines that must look worse: a still clip (each clip's first frame,
repeated), real frames shuffled in time (the other half's), and real clips
whose digits change half-way (the other half's, each finished by the next
clip: `digits_kept` must fall).
"""

import numpy as np

from keras_gans.evaluation import metrics

__all__ = [
    "MEASURES",
    "NETWORK_MEASURES",
    "clip_measures",
    "motion_report",
    "network_measures",
    "shuffled_in_time",
    "spliced_clips",
    "still_clips",
]

MEASURES = ("speed", "jerk", "ink_drift", "frame_change")
NETWORK_MEASURES = ("recognised", "digits_kept", "in_order", "frame_fd", "clip_fd")
KEPT_SHARE = 7 / 8


def _ink(clips):
    """Grey ink in [0, 1], `(n, frames, h, w)`, from uint8 or [-1, 1] clips."""
    clips = np.asarray(clips)
    if clips.ndim != 5:
        raise ValueError(
            f"Expected clips of shape (n, frames, height, width, channels). Received shape "
            f"{clips.shape}."
        )
    if clips.dtype == np.uint8:
        ink = clips.astype(np.float32) / 255.0
    else:
        ink = (np.clip(clips.astype(np.float32), -1.0, 1.0) + 1.0) / 2.0
    return ink.mean(axis=-1)


def clip_measures(clips):
    """The four measures of each clip.

    Args:
        clips: `(n, frames, height, width, channels)`, uint8 or floats in
            [-1, 1], at least 3 frames.

    Returns:
        dict of measure name -> float array `(n,)`.
    """
    ink = _ink(clips)
    if ink.shape[1] < 3:
        raise ValueError(f"Motion needs at least 3 frames a clip. Received {ink.shape[1]}.")
    totals = ink.sum(axis=(2, 3))  # (n, frames)
    weights = ink / np.maximum(totals[..., None, None], 1e-6)
    rows = (weights.sum(axis=3) * np.arange(ink.shape[2])).sum(axis=-1)
    cols = (weights.sum(axis=2) * np.arange(ink.shape[3])).sum(axis=-1)
    path = np.stack([rows, cols], axis=-1)  # (n, frames, 2)
    velocity = np.diff(path, axis=1)
    return {
        "speed": np.linalg.norm(velocity, axis=-1).mean(axis=1),
        "jerk": np.linalg.norm(np.diff(velocity, axis=1), axis=-1).mean(axis=1),
        "ink_drift": totals.std(axis=1) / np.maximum(totals.mean(axis=1), 1e-6),
        "frame_change": np.abs(np.diff(ink, axis=1)).mean(axis=(1, 2, 3)),
    }


def network_measures(clips, classifier):
    """What a clip network (`ClipClassifier`) sees in `clips`: per clip
    `recognised`, `digits_kept` and `in_order` arrays `(n,)`, and the
    `frame_features` `(n * frames, d)` and clip `features` `(n, d)` the
    Fréchet distances compare."""
    found = classifier.predict(clips)
    probabilities = found["frame_digits"]  # (n, frames, classes)
    named = probabilities > 0.5
    sure = ((probabilities > 0.8) | (probabilities < 0.2)).all(axis=-1)
    tracked = found.get("tracked_digits", probabilities) > 0.5
    kept = []
    for clip in tracked:
        sets, counts = np.unique(clip, axis=0, return_counts=True)
        most = counts.argmax()
        kept.append(bool(sets[most].any()) and counts[most] >= KEPT_SHARE * len(clip))
    frame_features = found["frame_features"]
    return {
        "recognised": (sure & named.any(axis=-1)).mean(axis=1),
        "digits_kept": np.asarray(kept, np.float32),
        "in_order": found["in_order"],
        "frame_features": frame_features.reshape(-1, frame_features.shape[-1]),
        "features": found["features"],
    }


def still_clips(clips):
    """Each clip's first frame, held for all its frames: a baseline with no motion."""
    clips = np.asarray(clips)
    return np.repeat(clips[:, :1], clips.shape[1], axis=1)


def shuffled_in_time(clips, seed=0):
    """Each clip's frames in a random order: real frames, no real motion."""
    clips = np.asarray(clips)
    rng = np.random.default_rng(seed)
    return np.stack([clip[rng.permutation(len(clip))] for clip in clips])


def spliced_clips(clips):
    """Each clip's first half, then the next clip's second half: real
    frames whose things change half-way (a baseline for `digits_kept`)."""
    clips = np.asarray(clips)
    half = clips.shape[1] // 2
    return np.concatenate([clips[:, :half], np.roll(clips, -1, axis=0)[:, half:]], axis=1)


def motion_report(generated, real, seed=0, classifier=None):
    """The measures' means for generated clips and their yardsticks.

    Args:
        generated: clips `(n, frames, h, w, c)` of the model.
        real: real clips of the same shape (the more, the steadier the floor;
            `2n` sets both halves beside `n` generated clips).
        seed: int. Seed of the shuffled baseline.
        classifier: a `ClipClassifier`, or `None`. Adds its measures
            (`NETWORK_MEASURES`; the Fréchet distances to the `"real"` row,
            absent from that row).

    Returns:
        dict of row name -> dict of measure -> float, the rows: `"real"`,
        `"real (other half)"` (the second half of `real` against the first:
        the floor of each comparison), `"generated"`, `"still"` (each
        generated clip's first frame held), `"shuffled real"` and
        `"spliced real"` (the second half's clips, shuffled in time or
        finished by the next clip); and for
        `"generated"`, each measure's ratio to the real clips' as
        `"<measure>_ratio"`.
    """
    real = np.asarray(real)
    half = len(real) // 2
    rows = {
        "real": real[:half],
        "real (other half)": real[half:],
        "generated": generated,
        "still": still_clips(generated),
        # The other half, shuffled: its clips are not the ones the distances
        # compare it with, as the floor's are not.
        "shuffled real": shuffled_in_time(real[half:], seed),
        "spliced real": spliced_clips(real[half:]),
    }
    report = {
        name: {key: float(np.mean(value)) for key, value in clip_measures(clips).items()}
        for name, clips in rows.items()
    }
    for key in MEASURES:
        base = report["real"][key]
        for name in ("real (other half)", "generated"):
            report[name][f"{key}_ratio"] = report[name][key] / base if base else float("nan")
    if classifier is None:
        return report
    seen = {name: network_measures(clips, classifier) for name, clips in rows.items()}
    for name, view in seen.items():
        report[name].update(
            {key: float(np.mean(view[key])) for key in ("recognised", "digits_kept", "in_order")}
        )
        # A Fréchet distance needs two clips on each side.
        if name != "real" and min(len(seen["real"]["features"]), len(view["features"])) > 1:
            for key, features in (("frame_fd", "frame_features"), ("clip_fd", "features")):
                distance = metrics.frechet_distance(seen["real"][features], view[features])
                report[name][key] = float(distance)
    return report
