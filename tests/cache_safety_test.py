"""The evaluator's reference cache is keyed by the files' contents and
survives a damaged cache file, and the classifier its features come from
survives an interrupted save: real MNIST digits as a folder reference, the
packaged MNIST classifier, and caches under `tmp_path` only."""

import logging
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data.image_folder import fingerprint_files
from keras_gans.evaluation import classifier as classifier_lib


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    """Every cache of these tests, the default one included, under `tmp_path`."""
    path = tmp_path / "cache"
    monkeypatch.setenv("KERAS_GANS_CACHE_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def digits(mnist_dir):
    """The first 400 real MNIST test digits and their PNG encodings."""
    images, _ = kg.data.load_idx(mnist_dir, "test")
    images = images[:400].reshape(-1, 28, 28, 1)
    return images, [tf.io.encode_png(image).numpy() for image in images]


def write_folder(folder, pngs):
    folder.mkdir(parents=True)
    for i, png in enumerate(pngs):
        (folder / f"{i:03d}.png").write_bytes(png)
    return folder


def evaluator(reference, cache_dir="default"):
    return kg.evaluation.Evaluator(
        str(reference),
        classifier_dir=classifier_lib.packaged_classifier_dir("mnist"),
        cache_dir=cache_dir,
    )


def reference_features(reference):
    """`(features, cache_status)` of a fresh evaluator (the default cache)."""
    found = evaluator(reference)
    return found.reference_statistics()["features"], found.cache_status


def test_a_damaged_cache_file_is_recomputed_rewritten_and_named(
    digits, tmp_path, cache_dir, caplog
):
    reference = write_folder(tmp_path / "digits", digits[1][:100])
    fresh, status = reference_features(reference)
    assert status == "written" and fresh.shape == (100, 128)
    (path,) = cache_dir.iterdir()  # the default cache dir, here under tmp_path
    good = path.read_bytes()
    damages = {
        "cut short": good[: len(good) // 2],
        "cut at the end": good[:-10],
        "empty": b"",
        "not a zip": b"\x00" * len(good),
        "garbled": good[:100] + bytes(255 - b for b in good[100:]),
    }
    for damage, content in damages.items():
        path.write_bytes(content)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="keras_gans"):
            features, status = reference_features(reference)
        assert status == "written", damage
        np.testing.assert_allclose(features, fresh, rtol=1e-6, err_msg=damage)
        assert str(path) in caplog.text and "recomputing" in caplog.text, (damage, caplog.text)
        # Rewritten whole, under its own name: no temporary file beside it.
        assert os.listdir(cache_dir) == [path.name], damage
        read, status = reference_features(reference)
        assert status == "read", damage
        np.testing.assert_allclose(read, fresh, rtol=1e-6)


def test_a_file_replaced_by_one_of_the_same_size_is_not_served_stale(digits, tmp_path, cache_dir):
    images, pngs = digits
    # Two real digits whose PNG files have the same length.
    by_size = {}
    for i, png in enumerate(pngs[1:], 1):
        by_size.setdefault(len(png), []).append(i)
    first, second = next(group for group in by_size.values() if len(group) >= 2)[:2]
    assert not np.array_equal(images[first], images[second])
    one = write_folder(tmp_path / "one", [pngs[0], pngs[first]])
    two = write_folder(tmp_path / "two", [pngs[0], pngs[second]])
    assert [p.stat().st_size for p in sorted(one.iterdir())] == [
        p.stat().st_size for p in sorted(two.iterdir())
    ]
    assert fingerprint_files(sorted(map(str, one.iterdir()))) != fingerprint_files(
        sorted(map(str, two.iterdir()))
    )
    # The same folder, one file swapped in place: the cache is rebuilt.
    reference = write_folder(tmp_path / "reference", pngs[:50])
    before, status = reference_features(reference)
    assert status == "written"
    (reference / "010.png").write_bytes(pngs[first])
    (reference / "011.png").write_bytes(pngs[second])
    swapped = write_folder(tmp_path / "swapped", pngs[:50])
    (swapped / "010.png").write_bytes(pngs[second])
    (swapped / "011.png").write_bytes(pngs[first])
    after, status = reference_features(reference)
    assert status == "written"
    assert not np.allclose(after, before)
    # Same names, same sizes, the contents of two files swapped: not the same data.
    assert fingerprint_files(sorted(map(str, reference.iterdir()))) != fingerprint_files(
        sorted(map(str, swapped.iterdir()))
    )


def test_the_fingerprint_follows_contents_and_names_not_the_folders_place(digits, tmp_path):
    pngs = digits[1]
    folder = tmp_path / "classes"
    write_folder(folder / "a", pngs[:3])
    write_folder(folder / "b", pngs[3:6])

    def fingerprint(root):
        return fingerprint_files(kg.data.find_images(str(root), labels=None)[0])

    original = fingerprint(folder)
    shutil.copytree(folder, tmp_path / "elsewhere" / "copy")
    assert fingerprint(tmp_path / "elsewhere" / "copy") == original
    # One digit moved to the other class: the same bytes, other data.
    os.replace(folder / "a" / "002.png", folder / "b" / "002.png")
    assert fingerprint(folder) != original


def test_an_explicit_cache_dir_is_used_and_none_turns_it_off(digits, tmp_path, cache_dir):
    reference = write_folder(tmp_path / "digits", digits[1][:20])
    mine = tmp_path / "my_cache"
    used = evaluator(reference, cache_dir=str(mine))
    used.reference_statistics()
    assert used.cache_status == "written" and len(os.listdir(mine)) == 1
    off = evaluator(reference, cache_dir=None)
    off.reference_statistics()
    assert off.cache_status == "off"
    assert not cache_dir.exists()  # neither wrote to the default place


def test_a_classifier_folder_stays_loadable_through_a_crash_at_any_step(
    tmp_path, monkeypatch, digits
):
    """`metadata.json` commits a save: an interrupted one leaves the old
    classifier loading, a finished one the new; the packaged layout (one
    fixed weights name) is read and replaced alike."""
    directory = tmp_path / "classifier"
    shutil.copytree(classifier_lib.packaged_classifier_dir("mnist"), directory)
    images = kg.data.to_float(digits[0][:64]).numpy()
    old = classifier_lib.load_classifier(str(directory))
    old_features, _ = old.predict(images)
    metadata = {k: v for k, v in old.metadata.items() if k != "sha256"}
    changed = classifier_lib.classifier_network(old.metadata)
    changed.set_weights([w * 1.5 for w in old.model.get_weights()])

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    # Interrupted while the weights are written, then after they are in
    # place but before metadata.json: the old classifier, as it was.
    for step in ("sha256_of", "write_json"):
        with monkeypatch.context() as patch:
            patch.setattr(classifier_lib, step, interrupt)
            with pytest.raises(KeyboardInterrupt):
                classifier_lib.save_classifier(changed, str(directory), metadata)
        loaded = classifier_lib.load_classifier(str(directory))
        assert loaded.metadata["sha256"] == old.metadata["sha256"], step
        np.testing.assert_array_equal(loaded.predict(images)[0], old_features)
        assert not [name for name in os.listdir(directory) if name.startswith(".")], step
    saved = classifier_lib.save_classifier(changed, str(directory), metadata)
    assert saved["weights_file"] == f"classifier.{saved['sha256'][:16]}.weights.h5"
    # The old weights file goes once the new metadata names another; an
    # interrupted save's unused file may stay.
    assert classifier_lib.WEIGHTS_FILE not in os.listdir(directory)
    assert saved["weights_file"] in os.listdir(directory)
    new = classifier_lib.load_classifier(str(directory))
    assert new.metadata["sha256"] == saved["sha256"] != old.metadata["sha256"]
    assert not np.allclose(new.predict(images)[0], old_features)
    # Saved again with the same weights: one name, nothing removed under it.
    again = classifier_lib.save_classifier(changed, str(directory), metadata)
    assert again["weights_file"] == saved["weights_file"]
    classifier_lib.load_classifier(str(directory))
