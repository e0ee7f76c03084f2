"""`Evaluator`: every quality metric for a set of generated images at once."""

import hashlib
import json
import logging
import os
import zipfile
import zlib

import numpy as np

from keras_gans import data
from keras_gans.data.image_folder import find_images
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import classifier as classifier_lib
from keras_gans.evaluation import memorization as memorization_lib
from keras_gans.evaluation import metrics
from keras_gans.evaluation.imagenet import ImageNetExtractor
from keras_gans.evaluation.inception import InceptionExtractor
from keras_gans.utils.files import atomic_path
from keras_gans.utils.validation import check_choice

logger = logging.getLogger("keras_gans")

REFERENCES = {
    "mnist_test": ("mnist", "test"),
    "mnist_train": ("mnist", "train"),
    "fashion_mnist_test": ("fashion_mnist", "test"),
    "fashion_mnist_train": ("fashion_mnist", "train"),
}
EXTRACTORS = ("classifier", "inception", "efficientnet_lite0")
DEFAULT_NUM_SAMPLES = 10_000
SUMMARY_KEYS = ("fcd", "kid", "classifier_score", "precision", "recall", "coverage")


def input_resize(images_shape, input_shape):
    """How `to_model_range` brings images of `images_shape` to `input_shape`."""
    if len(input_shape) == 1:
        return "none"  # clips: the length must match
    size = tuple(images_shape[1:3])
    if size == tuple(input_shape[:2]):
        return "none"
    return f"bilinear {size[0]}x{size[1]} -> {input_shape[0]}x{input_shape[1]}"


class Evaluator:
    """Scores generated images against real ones, offline, with a classifier's features.

    The feature extractor is one of the project's own classifiers
    (hash-checked): its penultimate layer (`"features"`) for the Fréchet
    distance (FCD), KID, precision/recall and density/coverage, its softmax
    for the classifier score and class coverage. The committed MNIST and
    Fashion-MNIST classifiers serve the named references; a classifier
    trained on a folder of class subfolders
    (`python -m keras_gans.evaluation.train_classifier --data_dir=...`)
    serves images of any size and channel count.

    Args:
        reference: str. Real images to compare with: `"mnist_test"` (10,000
            images, the default), `"mnist_train"` (60,000), the
            `fashion_mnist_*` equivalents, a folder of images (flat or class
            subfolders), or a `.npy` file of images.
        data_dir: str. MNIST IDX directory or TFDS data dir for a named
            reference.
        classifier_dir: str. For a named reference, defaults to
            `$KERAS_GANS_CLASSIFIER_DIR`, else the packaged classifier of its
            data set (`keras_gans/assets/<dataset>_classifier`); required for
            a folder or `.npy` reference.
        batch_size: int. Classifier batch size. Defaults to `500`.
        cache_dir: str or `None`. Where the reference's features are cached
            (see `reference_statistics`); `None` turns the cache off.
            Defaults to `$KERAS_GANS_CACHE_DIR` or `~/.cache/keras_gans`.
        extractor: str. `"classifier"` (a project classifier, above),
            `"inception"` (InceptionV3 from a local weights file: FID) or
            `"efficientnet_lite0"` (ImageNet features, offline with
            `keras_gans[imagenet]`; see `keras_gans.evaluation.imagenet`).
            Defaults to `"classifier"`.
        inception_weights: str. The InceptionV3 weights file.
        image_size: int. `"efficientnet_lite0"`: the size both image sets
            are compared at (use the generator's). Defaults to `224`.
        channels: int. `"efficientnet_lite0"`: 3, or 1 for grey images
            (repeated to RGB). Defaults to `3`.
        imagenet_weights: str. `"efficientnet_lite0"`: its weights file, if
            not the installed package's.
        reference_images: uint8 array `(n, h, w, c)` or `None`: the real
            images themselves (e.g. the share of a folder a run held out),
            instead of reading `reference`, which then only names them in
            results. Their features are not cached.

    Example:

        >>> evaluator = keras_gans.evaluation.Evaluator()
        >>> results = evaluator.evaluate(gan.generate(10_000))
        >>> results["fcd"], results["coverage"], results["extractor"]
    """

    def __init__(
        self,
        reference="mnist_test",
        data_dir=None,
        classifier_dir=None,
        batch_size=500,
        cache_dir="default",
        extractor="classifier",
        inception_weights=None,
        image_size=224,
        channels=3,
        imagenet_weights=None,
        reference_images=None,
    ):
        check_choice("extractor", extractor, EXTRACTORS)
        self.reference = str(reference)
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.cache_dir = default_cache_dir() if cache_dir == "default" else cache_dir
        self.cache_status = None
        self._given = None if reference_images is None else np.asarray(reference_images)
        if self._given is not None:
            self.cache_dir = None
            if extractor == "classifier" and classifier_dir is None:
                raise ValueError("Scoring with `extractor='classifier'` needs `classifier_dir`.")
        elif self.reference in REFERENCES:
            dataset = REFERENCES[self.reference][0]
            classifier_dir = classifier_dir or classifier_lib.default_classifier_dir(dataset)
        elif not (os.path.isdir(self.reference) or self.reference.endswith(".npy")):
            if os.sep in self.reference or self.reference.startswith((".", "~")):
                raise FileNotFoundError(
                    f"The reference {self.reference} does not exist: pass a folder of "
                    "images, a .npy file, or one of " + ", ".join(REFERENCES) + "."
                )
            check_choice("reference", reference, tuple(REFERENCES))  # names the choices
        elif classifier_dir is None and extractor == "classifier":
            raise ValueError(
                f"Evaluating against {self.reference} needs `classifier_dir`: a classifier "
                "trained on images like these (python -m keras_gans.evaluation."
                "train_classifier --data_dir=<class folders> --output_dir=<dir>)."
            )
        elif not os.path.exists(self.reference):
            raise FileNotFoundError(f"The reference {self.reference} does not exist.")
        if extractor == "inception":
            self.extractor = InceptionExtractor(inception_weights)
        elif extractor == "efficientnet_lite0":
            self.extractor = ImageNetExtractor(image_size, channels, imagenet_weights)
        else:
            self.extractor = classifier_lib.load_classifier(classifier_dir)
            if isinstance(self.extractor, classifier_lib.ClipClassifier):
                raise ValueError(
                    f"{classifier_dir} holds a clip network: it judges clips "
                    "(keras_gans.evaluation.motion), not images. Pass an image classifier."
                )
        self.classifier = self.extractor  # the name before other extractors existed
        self._reference = None
        self.memorization_details = None

    def features(self, images):
        """Returns `(features, probabilities or None)` float64 for any accepted images."""
        features, probs = self.extractor.predict(self.extractor.prepare(images), self.batch_size)
        return features.astype(np.float64), None if probs is None else probs.astype(np.float64)

    def reference_images(self):
        """The real reference images as the extractor takes them (in [-1, 1])."""
        return self.extractor.prepare(self._stored_reference())

    def _stored_reference(self):
        """The reference images as stored: uint8 arrays, or a `.npy` file's values."""
        if self._given is not None:
            return self._given
        if self.reference in REFERENCES:
            dataset, split = REFERENCES[self.reference]
            return data.load_arrays(split, dataset, self.data_dir)[0]
        if self.reference.endswith(".npy"):
            return np.load(self.reference, allow_pickle=False)
        if hasattr(self.extractor, "read_folder"):
            return self.extractor.read_folder(self.reference)
        height, width, channels = self.extractor.input_shape
        return data.load_image_folder(
            self.reference, image_size=(height, width), channels=channels
        ).images

    def reference_statistics(self):
        """Features and Gaussian statistics of the reference, computed once.

        With a `cache_dir`, they are stored in a file with the extractor's
        name and a fingerprint of the reference data, read back by later
        evaluations, and rebuilt when either differs (a stale cache).
        """
        if self._reference is not None:
            return self._reference
        path = self._cache_path()
        cached, load = None, self._stored_reference
        if path:  # the fingerprint reads every file: only for a cache
            fingerprint, load = self._reference_source()
            cached = _read_cache(path, self.extractor.name, fingerprint)
        if cached is not None:
            features, self.cache_status = cached, "read"
        else:
            features, _ = self.features(load())
            if path:
                _write_cache(path, features, self.extractor.name, fingerprint, self.reference)
            self.cache_status = "written" if path else "off"
        self._reference = {"features": features, "stats": metrics.feature_statistics(features)}
        return self._reference

    def _reference_source(self):
        """`(fingerprint, load)`: what the reference data is, and how to read it."""
        if self.reference in REFERENCES:
            images = self._stored_reference()
            return hashlib.sha256(images.tobytes()).hexdigest(), lambda: images
        if self.reference.endswith(".npy"):
            return classifier_lib.sha256_of(self.reference), self._stored_reference
        if hasattr(self.extractor, "folder_files"):
            paths = self.extractor.folder_files(self.reference)
        else:
            paths = find_images(self.reference, labels=None)[0]
        return fingerprint_files(paths), self._stored_reference

    def _cache_path(self):
        if not self.cache_dir:
            return None
        where = self.reference if self.reference in REFERENCES else os.path.abspath(self.reference)
        key = hashlib.sha256(f"{where}|{self.extractor.input_shape}".encode()).hexdigest()
        return os.path.join(self.cache_dir, f"reference_{key[:16]}.npz")

    def evaluate(
        self,
        images,
        kid_subset_size=1000,
        kid_subsets=100,
        k=3,
        seed=0,
        labels=None,
        train_images=None,
    ):
        """Computes every metric for `images`.

        Args:
            labels: optional int array, the class each image was drawn for
                (conditional generators). Adds `label_accuracy`: how often the
                classifier agrees with the requested class.
            train_images: optional images the generator was trained on, when
                the reference holds real images it was *not* trained on. Adds
                `memorization` (see `keras_gans.evaluation.memorization`): how
                much closer samples sit to the training images than the
                held-out reference images do. The per-sample distances and
                nearest training images stay in `self.memorization_details`.

        Returns:
            dict with `fcd`, `kid`, `kid_std`, `classifier_score`,
            `classifier_score_std`, `precision`, `recall`, `density` and
            `manifold_coverage` (Naeem et al. 2020; k = 5), `coverage`,
            `class_counts`, `num_samples`, `num_reference`, `reference`.
            FCD depends on the number of samples (it is biased upwards for
            small N): compare only numbers computed with the same N.
        """
        features, probs = self.features(images)  # checks the images' shape first
        resize = input_resize(np.shape(images), self.extractor.input_shape)
        ref = self.reference_statistics()
        ref_features = ref["features"]
        fcd = metrics.frechet_distance_from_statistics(
            *metrics.feature_statistics(features), *ref["stats"]
        )
        kid, kid_std = metrics.kernel_inception_distance(
            features, ref_features, kid_subset_size, kid_subsets, seed
        )
        # Precision/recall compare equal-sized sets: the k-NN radii shrink as
        # a set grows, so a larger reference would inflate precision.
        rng = np.random.default_rng(seed)
        n = min(len(features), len(ref_features))
        real_subset = ref_features[rng.choice(len(ref_features), n, replace=False)]
        fake_subset = features[rng.choice(len(features), n, replace=False)]
        precision, recall = metrics.precision_recall(real_subset, fake_subset, k=k)
        density, manifold_coverage = metrics.density_coverage(real_subset, fake_subset)
        results = {
            "fd": fcd,  # the Fréchet distance, named for any extractor
            "fcd": fcd,
            "kid": kid,
            "kid_std": kid_std,
            "precision": precision,
            "recall": recall,
            "density": density,
            "manifold_coverage": manifold_coverage,
            "num_samples": int(len(features)),
            "num_reference": int(len(ref_features)),
            "reference": self.reference,
            "extractor": self.extractor.name,
            "input_resize": resize,
            "reference_cache": self.cache_status,
            **getattr(self.extractor, "provenance", {}),
        }
        if probs is not None:  # a classifier: scores on its predicted classes
            results.update(_class_metrics(probs, labels))
        if train_images is not None:
            train_features, _ = self.features(train_images)
            found = memorization_lib.memorization(features, train_features, ref_features)
            self.memorization_details = found
            results["memorization"] = {
                key: value for key, value in found.items() if not isinstance(value, np.ndarray)
            }
        return results


def _class_metrics(probs, labels):
    """Classifier score, class coverage and counts, and label accuracy."""
    score, score_std = metrics.classifier_score(probs, splits=min(10, len(probs)))
    predicted = probs.argmax(axis=1)
    coverage, counts = metrics.class_coverage(predicted, probs.shape[1])
    results = {
        "classifier_score": score,
        "classifier_score_std": score_std,
        "coverage": coverage,
        "class_counts": counts.tolist(),
    }
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.shape != predicted.shape:
            raise ValueError(f"Got {labels.shape[0]} labels for {predicted.shape[0]} images.")
        results["label_accuracy"] = float(np.mean(predicted == labels))
    return results


def format_table(results, title=None):
    """Renders `Evaluator.evaluate` results as a readable text table."""
    classifier = "class_counts" in results
    distance = "FCD" if classifier else "FD"
    rows = [
        (f"{distance} (lower is better)", f"{results['fcd']:.3f}"),
        ("KID (lower is better)", f"{results['kid']:.5f} ± {results['kid_std']:.5f}"),
    ]
    if classifier:
        rows.append(
            (
                f"classifier score (max {len(results['class_counts'])})",
                f"{results['classifier_score']:.3f} ± {results['classifier_score_std']:.3f}",
            )
        )
    rows += [
        ("precision (k=3)", f"{results['precision']:.3f}"),
        ("recall (k=3)", f"{results['recall']:.3f}"),
        ("density / manifold coverage (k=5)", _density_coverage(results)),
    ]
    if classifier:
        rows += [
            ("class coverage", f"{results['coverage']:.2f}"),
            ("class counts", " ".join(str(c) for c in results["class_counts"])),
        ]
    if "label_accuracy" in results:
        rows.append(("label accuracy", f"{results['label_accuracy']:.4f}"))
    if "memorization" in results:
        found = results["memorization"]
        rows += [
            (
                "closer to training than held-out",
                f"{found['memorized_share']:.3f} (expected {found['expected_share']:.2f} "
                f"without copying; {found['num_heldout']} held-out, {found['num_train']} train)",
            ),
            ("nearest-training distance ratio", f"{found['distance_ratio']:.3f} (1: as novel)"),
        ]
    rows += [
        (
            "samples / reference",
            f"{results['num_samples']} / {results['num_reference']} ({results['reference']})",
        ),
        ("features", results.get("extractor", "classifier")),
        ("input resize", results.get("input_resize", "none")),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [title] if title else []
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return os.linesep.join(lines)


def _density_coverage(results):
    if "density" not in results:  # results saved before these metrics existed
        return "–"
    return f"{results['density']:.3f} / {results['manifold_coverage']:.3f}"


def evaluate_gan(evaluator, gan, noise, seed=0):
    """Evaluates `gan.generate(z=noise)` with `evaluator`.

    A `ConditionalGAN` draws every class equally often (a
    `SelfConditionedGAN` samples as an unconditional GAN), so the metrics
    compare like with like, and the results add `label_accuracy`: how often
    a sample shows the class it was drawn for.
    """
    labels = None
    if getattr(gan, "balanced_sampling", False):
        labels = balanced_labels(len(noise), gan.num_classes)
        images = gan.generate(z=noise, labels=labels)
    else:
        images = gan.generate(z=noise)
    return evaluator.evaluate(images, seed=seed, labels=labels)


def default_cache_dir():
    """`$KERAS_GANS_CACHE_DIR`, else `~/.cache/keras_gans`."""
    return os.environ.get("KERAS_GANS_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_gans"
    )


def _read_cache(path, extractor, fingerprint):
    """The cached reference features, or `None` when missing, stale or unreadable.

    A file cut short or damaged (a full disk, a copy that stopped) is logged
    and treated as missing: the features are recomputed and the file
    rewritten, so a bad cache never stops an evaluation.
    """
    if not os.path.isfile(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as cache:
            about = json.loads(str(cache["about"]))
            if about.get("extractor") != extractor or about.get("fingerprint") != fingerprint:
                return None
            features = cache["features"].astype(np.float64)
    # What numpy's zip and array readers raise on a truncated or garbled file.
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error) as e:
        logger.warning(
            "The reference feature cache %s is unreadable (%s: %s); recomputing.",
            path,
            type(e).__name__,
            e,
        )
        return None
    if features.ndim != 2 or not len(features):
        logger.warning("The reference feature cache %s holds no features; recomputing.", path)
        return None
    return features


def _write_cache(path, features, extractor, fingerprint, reference):
    """Stores the features under a unique temporary name, then moves them
    over `path`: a reader never sees half a file, and two evaluations at
    once never write to one temporary file."""
    about = {"extractor": extractor, "fingerprint": fingerprint, "reference": reference}
    with atomic_path(path, suffix=".npz") as tmp:  # np.savez appends .npz to other names
        np.savez(tmp, features=features.astype(np.float32), about=json.dumps(about))


def balanced_labels(num_samples, num_classes):
    """Labels `0, 1, ..., num_classes - 1, 0, 1, ...`: every class equally often."""
    return np.arange(num_samples) % num_classes
