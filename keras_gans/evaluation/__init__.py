"""Offline evaluation of generated images.

FCD (Fréchet distance on the features of one of the project's own
classifiers: MNIST, Fashion-MNIST, or one trained on a folder of classes),
KID, classifier score, precision/recall, density/coverage and class
coverage; no download needed, and every result names its extractor.
For colour images of any kind, ImageNet features (`ImageNetExtractor`,
EfficientNet-Lite0 with `keras_gans[imagenet]`); and how close samples sit
to the training images against held-out ones (`memorization`). For
vocoders, held-out recordings against Griffin-Lim (`vocoding`). For clips,
how they move against real clips and two baselines, and what a clip network
trained on real Moving MNIST sees in them (`motion`, `ClipClassifier`). For
text, BLEU and self-BLEU, form, copied lines and rhyme (`text`).

The callback that runs an `Evaluator` during training is
`keras_gans.callbacks.EvaluateGenerator`; the command line is
`python -m keras_gans.evaluate`.
"""

from keras_gans.evaluation import memorization
from keras_gans.evaluation import motion
from keras_gans.evaluation import text
from keras_gans.evaluation import vocoding
from keras_gans.evaluation.classifier import Classifier
from keras_gans.evaluation.classifier import ClipClassifier
from keras_gans.evaluation.classifier import clip_classifier
from keras_gans.evaluation.classifier import image_classifier
from keras_gans.evaluation.classifier import load_classifier
from keras_gans.evaluation.classifier import mnist_classifier
from keras_gans.evaluation.evaluator import Evaluator
from keras_gans.evaluation.evaluator import evaluate_gan
from keras_gans.evaluation.imagenet import ImageNetExtractor
from keras_gans.evaluation.metrics import class_coverage
from keras_gans.evaluation.metrics import classifier_score
from keras_gans.evaluation.metrics import density_coverage
from keras_gans.evaluation.metrics import frechet_distance
from keras_gans.evaluation.metrics import frechet_distance_from_statistics
from keras_gans.evaluation.metrics import kernel_inception_distance
from keras_gans.evaluation.metrics import precision_recall

__all__ = [
    "Classifier",
    "ClipClassifier",
    "Evaluator",
    "ImageNetExtractor",
    "class_coverage",
    "classifier_score",
    "clip_classifier",
    "density_coverage",
    "evaluate_gan",
    "image_classifier",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "kernel_inception_distance",
    "load_classifier",
    "memorization",
    "motion",
    "text",
    "mnist_classifier",
    "precision_recall",
    "vocoding",
]
