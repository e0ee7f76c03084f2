"""Text scores on the real poems: BLEU equals NLTK's, self-BLEU, form,
copied lines and rhyme, with real held-out poems against random text."""

import random

import pytest

from keras_gans.evaluation import text


@pytest.fixture(scope="module")
def random_poems(poems):
    rng = random.Random(0)
    common = poems.vocabulary[:500]
    return ["".join(rng.choice(common) for _ in range(20)) for _ in range(300)]


def test_bleu_is_nltks_sentence_bleu(poems):
    bleu_score = pytest.importorskip("nltk.translate.bleu_score")
    references, samples = poems.test[:200], poems.train[:10] + ["不人", ""]
    smoothing = bleu_score.SmoothingFunction().method1
    for n in (2, 4):
        expected = [
            bleu_score.sentence_bleu(
                [list(r) for r in references], list(s), (1 / n,) * n, smoothing
            )
            if s
            else 0.0
            for s in samples
        ]
        assert text.bleu(samples, references, n) == pytest.approx(sum(expected) / len(samples))


def test_real_poems_score_above_random_text(poems, random_poems):
    real = poems.train[:300]
    assert text.bleu(real, poems.test, 2) > text.bleu(random_poems, poems.test, 2) + 0.2
    assert text.self_bleu(["春風"] * 3 + ["秋月"]) > text.self_bleu(real[:4])
    assert text.in_form(real, 20) == 1.0
    assert text.in_form(["不人[UNK]" + "一" * 15, "短", real[0]], 20) == pytest.approx(1 / 3)
    # The real held-out poems copy about 4% of their lines from the training poems.
    assert 0.02 < text.copied_lines(poems.test, poems.train, 5) < 0.08
    assert text.copied_lines(random_poems, poems.train, 5) == 0.0
    assert text.copied_lines(real[:5], real, 5) == 1.0
    with pytest.raises(ValueError, match="at least 2"):
        text.self_bleu(real[:1])


def test_real_quatrains_rhyme_and_random_text_does_not(poems, random_poems):
    pytest.importorskip("pypinyin")
    real = text.rhyme_rate(poems.test, 5)
    assert 0.6 < real < 0.8  # 0.68 of the held-out poems
    assert text.rhyme_rate(random_poems, 5) < 0.15
    # 江 (jiang) and 陽 (yang) share the rhyme ang; 江 and 月 (yue) do not.
    assert text.rhyme_rate(["一二三四五六七八九江十百千萬億甲乙丙丁陽"], 5) == 1.0
    assert text.rhyme_rate(["一二三四五六七八九江十百千萬億甲乙丙丁月"], 5) == 0.0
