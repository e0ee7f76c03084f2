"""Text from the real poems of the npm package chinese-poetry, and folders of
text files: the poems, the fixed held-out split, the character
vocabulary and ids, the resumable stream, and bad input."""

import numpy as np
import pytest

import keras_gans as kg
from keras_gans.data import text


def test_five_character_quatrains_are_read_and_split_for_good(poems):
    # 17,189 poems of four five-character lines in the package, 16,920
    # of them different; a tenth held out by a hash of each poem's text.
    assert (len(poems.train), len(poems.test)) == (15196, 1724)
    assert (poems.length, poems.lines, poems.line_length) == (20, 4, 5)
    assert poems.source == "chinese-poetry@2.0.1:5x4"
    every = poems.train + poems.test
    assert all(len(poem) == 20 for poem in every) and len(set(every)) == len(every)
    assert not set(poems.train) & set(poems.test)
    assert all(text.held_out(poem) for poem in poems.test[:50])
    # The vocabulary is the training poems' characters, most frequent first.
    assert len(poems.vocabulary) == 6017 and poems.vocabulary[:3] == ["不", "人", "一"]
    shown = kg.data.format_poem(poems.train[0], 5)
    assert shown == "來年二月二，\n與汝暫相棄。\n燒灰散長江，\n勿占檀那地。"


def test_characters_become_ids_and_back(poems):
    vocabulary = poems.vocabulary
    texts = poems.test[:3] + ["不人A"]  # "A" is in no poem
    ids = kg.data.encode_texts(texts, vocabulary, 20)
    assert ids.shape == (4, 20) and ids.dtype == np.int32
    np.testing.assert_array_equal(ids[3, :4], [2, 3, 1, 0])  # the two commonest, unknown, padding
    assert (ids[:3] >= 2).all()
    assert kg.data.decode_texts(ids, vocabulary) == poems.test[:3] + ["不人[UNK]"]
    with pytest.raises(ValueError, match="more than length=4"):
        kg.data.encode_texts(texts, vocabulary, 4)


def test_the_poem_stream_is_seeded_and_resumable(poems):
    def epoch(first_epoch):
        ds = kg.data.poems(batch_size=8, seed=3, first_epoch=first_epoch, steps_per_epoch=4)
        return np.concatenate(list(ds.skip(4 * (2 - first_epoch)).take(4).as_numpy_iterator()))

    from_start, resumed = epoch(0), epoch(2)
    np.testing.assert_array_equal(from_start, resumed)
    assert from_start.shape == (32, 20) and from_start.dtype == np.int32
    # The held-out poems in the training poems' vocabulary: a character no
    # training poem has comes back as [UNK].
    test = next(iter(kg.data.poems(split="test", batch_size=1724, shuffle=False)))
    decoded = kg.data.decode_texts(test.numpy(), poems.vocabulary)
    known = set(poems.vocabulary)
    for poem, back in zip(poems.test, decoded):
        assert back == poem if set(poem) <= known else "[UNK]" in back
    assert 0 < sum("[UNK]" in back for back in decoded) < 0.1 * len(decoded)  # 130 here


def test_a_missing_package_says_how_to_fetch_it(tmp_path):
    with pytest.raises(kg.data.DataNotFoundError, match="npm pack chinese-poetry@2.0.1"):
        kg.data.load_poems("5x4", data_dir=tmp_path)
    with pytest.raises(ValueError, match="5x4"):
        kg.data.load_poems("6x4", data_dir=tmp_path)


def test_a_folder_of_text_gives_lines_or_windows_and_names_bad_files(poems, tmp_path):
    folder = tmp_path / "my_text"
    (folder / "more").mkdir(parents=True)
    lines = [kg.data.format_poem(p, 5).replace("\n", "") for p in poems.train[:40]]
    (folder / "poems.txt").write_text("\n\n".join(lines[:30]) + "\n", encoding="utf-8")
    (folder / "more" / "poems.txt").write_text("\n".join(lines[30:]), encoding="utf-8")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "long.txt").write_text("x" * 100, encoding="utf-8")
    by_line = kg.data.load_text_folder(folder, unit="line", length=24)
    assert sorted(by_line.train + by_line.test) == sorted(lines)
    assert by_line.length == 24 and by_line.lines is None and by_line.test
    reasons = {path.split("/")[-1]: why for path, why in by_line.skipped}
    assert "not UTF-8 text" in reasons["latin1.txt"]
    assert "no line of at most 24 characters" in reasons["long.txt"]
    assert "1 lines longer than 24 characters" in reasons["my_text"]
    windows = kg.data.load_text_folder(folder / "more", unit="window", length=12)
    joined = " ".join(lines[30:])
    assert sorted(windows.train + windows.test) == sorted(
        {joined[i : i + 12] for i in range(0, len(joined) - 11, 12)}
    )
    with pytest.raises(ValueError, match="latin1.txt"):
        kg.data.load_text_folder(folder, on_error="raise")
    # The folder as batches of ids, read back with the training vocabulary.
    batch = next(iter(kg.data.text_folder(folder, length=24, batch_size=4, seed=0)))
    assert batch.shape == (4, 24) and batch.dtype == "int32"
    decoded = kg.data.decode_texts(batch.numpy(), by_line.vocabulary)
    assert set(decoded) <= set(by_line.train)


def test_folders_without_text_are_clear_errors(tmp_path):
    with pytest.raises(kg.data.DataNotFoundError, match="does not exist"):
        kg.data.load_text_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(kg.data.DataNotFoundError, match="no text files"):
        kg.data.load_text_folder(tmp_path / "empty")
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.txt").write_text("only one line\n", encoding="utf-8")
    with pytest.raises(kg.data.DataNotFoundError, match="too few to hold a tenth out"):
        kg.data.load_text_folder(tmp_path / "one")
