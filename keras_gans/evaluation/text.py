"""Scores of generated text against real text, offline and in characters.

- `bleu`: how much of each sample's n-grams the real held-out texts hold
  (SeqGAN's and Texygen's BLEU: each sample's sentence BLEU against every
  reference, averaged; NLTK's `sentence_bleu` with its smoothing method 1,
  computed here with each n-gram's largest reference count found once).
- `self_bleu`: the same, each sample against the other samples: high when
  the samples repeat each other (Zhu et al., 2018, Texygen).
- `in_form`: the share of samples of the exact length, with no character
  outside the vocabulary.
- `copied_lines`: the share of the samples' lines found verbatim among the
  training texts' lines (memorization).
- `rhyme_rate`: the share of quatrains whose second and fourth lines end on
  the same Mandarin final (pinyin, from `pypinyin`), leading medials `i`,
  `u`, `ü` set aside (`ang`, `iang` and `uang` rhyme). Modern Mandarin
  only approximates the Tang rhymes, so compare the samples' rate with the
  real held-out poems', never with a number from elsewhere.
- `language_model_scores`: Caccia et al.'s (2020) two axes. Forward: the
  cross-entropy of the samples under a small language model fitted to
  real texts (quality: lower reads more like them). Reverse: the
  cross-entropy of real held-out texts under one fitted to the samples
  (coverage: high when the samples miss much of what real text does).
  Both in nats per character, both models the same `CharacterDecoder` fitted
  by maximum likelihood with early stopping on a twentieth of their texts.
"""

import collections
import math

import keras

from keras_gans.data.text import lines_of
from keras_gans.data.text import text_dataset
from keras_gans.data.text import validation_split
from keras_gans.models.text import MaximumLikelihoodText
from keras_gans.networks.text import character_generator

__all__ = [
    "LanguageModel",
    "bleu",
    "copied_lines",
    "in_form",
    "language_model_scores",
    "rhyme_rate",
    "self_bleu",
]

SMOOTHING_EPSILON = 0.1  # NLTK's SmoothingFunction().method1


def _ngrams(text, n):
    return [tuple(text[i : i + n]) for i in range(len(text) - n + 1)]


class _References:
    """The references' largest count of every n-gram, and their lengths,
    found once for every sample scored against them."""

    def __init__(self, references, max_n):
        self.max_counts = [collections.Counter() for _ in range(max_n + 1)]
        for reference in references:
            for n in range(1, max_n + 1):
                for gram, count in collections.Counter(_ngrams(reference, n)).items():
                    if count > self.max_counts[n][gram]:
                        self.max_counts[n][gram] = count
        self.lengths = sorted({len(reference) for reference in references})

    def closest_length(self, length):
        return min(self.lengths, key=lambda ref: (abs(ref - length), ref))

    def sentence_bleu(self, sample, max_n):
        """NLTK's `sentence_bleu(references, sample, (1/max_n,) * max_n,
        SmoothingFunction().method1)`."""
        if not sample:
            return 0.0
        precisions = []
        for n in range(1, max_n + 1):
            counts = collections.Counter(_ngrams(sample, n))
            matched = sum(min(count, self.max_counts[n][gram]) for gram, count in counts.items())
            total = max(1, sum(counts.values()))
            if n == 1 and matched == 0:
                return 0.0
            precisions.append((matched or SMOOTHING_EPSILON) / total)
        reference = self.closest_length(len(sample))
        brevity = 1.0 if len(sample) > reference else math.exp(1 - reference / len(sample))
        return brevity * math.exp(sum(math.log(p) for p in precisions) / max_n)


def bleu(samples, references, max_n=4):
    """The mean sentence BLEU-`max_n` of `samples` against all `references`.

    Args:
        samples: list of str (characters are the tokens).
        references: list of str, e.g. the held-out texts.
        max_n: int. Longest n-gram (2: BLEU-2, 4: BLEU-4). Defaults to `4`.

    Returns:
        float in `[0, 1]`.
    """
    found = _References(references, max_n)
    return sum(found.sentence_bleu(sample, max_n) for sample in samples) / max(1, len(samples))


def self_bleu(samples, max_n=4):
    """The mean BLEU-`max_n` of each sample against all the other samples
    (Texygen's self-BLEU): 1 when every sample is the same text."""
    if len(samples) < 2:
        raise ValueError(f"self-BLEU needs at least 2 samples. Received {len(samples)}.")
    total = 0.0
    for i, sample in enumerate(samples):
        others = _References(samples[:i] + samples[i + 1 :], max_n)
        total += others.sentence_bleu(sample, max_n)
    return total / len(samples)


def in_form(samples, length, unknown="[UNK]"):
    """The share of `samples` of exactly `length` characters, none `unknown`."""
    good = sum(len(sample) == length and unknown not in sample for sample in samples)
    return good / max(1, len(samples))


def copied_lines(samples, training_texts, line_length):
    """The share of the samples' lines that are lines of `training_texts`
    (texts cut into lines of `line_length` characters)."""
    seen = {line for text in training_texts for line in lines_of(text, line_length)}
    lines = [line for sample in samples for line in lines_of(sample, line_length)]
    return sum(line in seen for line in lines) / max(1, len(lines))


def _rhyme(character):
    from pypinyin import Style
    from pypinyin import lazy_pinyin

    final = lazy_pinyin(character, style=Style.FINALS, errors="ignore")
    if not final or not final[0]:
        return None
    final = final[0]
    return final[1:] if len(final) > 1 and final[0] in "iuv" else final


def rhyme_rate(quatrains, line_length):
    """The share of `quatrains` (4 lines of `line_length` characters each)
    whose second and fourth lines end on one rhyme (see the module's
    notes). Needs `pip install 'keras_gans[text-eval]'` (pypinyin)."""
    try:
        import pypinyin  # noqa: F401
    except ImportError:
        raise ImportError(
            "The rhyme rate needs pypinyin: pip install 'keras_gans[text-eval]'."
        ) from None
    rhymed = 0
    for quatrain in quatrains:
        lines = lines_of(quatrain, line_length)
        if len(lines) == 4 and all(len(line) == line_length for line in lines):
            second, fourth = _rhyme(lines[1][-1]), _rhyme(lines[3][-1])
            rhymed += second is not None and second == fourth
    return rhymed / max(1, len(quatrains))


class LanguageModel:
    """A small character language model fitted to `texts`, to score others.

    The `CharacterDecoder` of the text models, fitted by maximum likelihood
    (`MaximumLikelihoodText`) for at most `epochs` passes, keeping the
    weights of its best loss on a twentieth of `texts` it does not fit
    (`keras_gans.data.text.validation_split`; Keras's `EarlyStopping`).

    Args:
        texts: list of str, at least 40 (a twentieth validates).
        vocabulary: list of str, the characters (e.g. the training set's).
        length: int. Characters of the longest text.
        units: int. GRU units. Defaults to `128`.
        epochs: int. Most passes over `texts`. Defaults to `40`.
        patience: int. Passes without a better validation loss before it
            stops. Defaults to `3`.
        batch_size: int. Defaults to `64`.
        seed: int. Defaults to `0`.
    """

    def __init__(
        self, texts, vocabulary, length, units=128, epochs=40, patience=3, batch_size=64, seed=0
    ):
        fitted, validation = validation_split(list(texts))
        if len(validation) < 2 or len(fitted) < batch_size:
            raise ValueError(
                f"A language model needs more texts: {len(fitted)} to fit (at least "
                f"batch_size={batch_size}) and {len(validation)} to validate (at least 2)."
            )
        self.vocabulary, self.length = list(vocabulary), length
        generator = character_generator(
            len(self.vocabulary) + 2, length, max(length, 32), units, seed=seed
        )
        self.model = MaximumLikelihoodText(generator, seed=seed)
        self.model.compile(optimizer=keras.optimizers.Adam(3e-3))
        stream = text_dataset(fitted, self.vocabulary, length, batch_size, seed=seed)
        stop = keras.callbacks.EarlyStopping(
            "val_loss", patience=patience, restore_best_weights=True
        )
        history = self.model.fit(
            stream,
            validation_data=self._batches(validation),
            epochs=epochs,
            callbacks=[stop],
            verbose=0,
        )
        self.best_validation_nats = float(min(history.history["val_loss"]))

    def _batches(self, texts, batch_size=256):
        batch_size = min(batch_size, len(texts))
        return text_dataset(texts, self.vocabulary, self.length, batch_size, shuffle=False)

    def nats(self, texts):
        """Mean cross-entropy per character, in nats, of `texts` (whole
        batches of up to 256 of them)."""
        return float(self.model.evaluate(self._batches(list(texts)), verbose=0))


def language_model_scores(samples, references, vocabulary, length, reference_model=None, **kwargs):
    """Caccia et al.'s forward and reverse language-model scores (see the
    module's notes), in nats per character (lower is better for both).

    Args:
        samples: list of str, generated texts.
        references: list of str, real texts the generator never saw (the
            held-out ones).
        vocabulary, length: as `LanguageModel`.
        reference_model: a `LanguageModel` already fitted to `references`
            (to score several sets of samples against one), or `None`.
        **kwargs: passed to each `LanguageModel` fitted here.

    Returns:
        `{"forward": float, "reverse": float}`.
    """
    if reference_model is None:
        reference_model = LanguageModel(references, vocabulary, length, **kwargs)
    forward = reference_model.nats(samples)
    reverse = LanguageModel(samples, vocabulary, length, **kwargs).nats(references)
    return {"forward": forward, "reverse": reverse}
