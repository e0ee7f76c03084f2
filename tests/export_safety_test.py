"""An export never overwrites or mixes what is already there: model names stay
inside `export_dir`, each version keeps its own LiteRT files, and a failed
export leaves every earlier file byte for byte as it was."""

import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

# Largest and mean grey-level difference from the in-memory generator each
# LiteRT variant may show: export_test's bounds against the SavedModel, plus
# the SavedModel's own rounding (one level).
TOLERANCE = {"float32": (2, 0.02), "float16": (3, 0.11), "dynamic_int8": (41, 2.01)}
SUFFIX = {"float32": "", "float16": "_float16", "dynamic_int8": "_int8"}


def tiny_generator():
    return kg.networks.dcgan_generator(latent_dim=16, filters=(16, 8))


def snapshot(folder):
    """Every file under `folder`, by relative path, with its bytes."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "a/b", "a\\b", "", "a\n", "x" * 101])
def test_a_name_that_could_leave_its_folder_is_refused_before_anything_is_written(tmp_path, name):
    generator = tiny_generator()
    export_dir = tmp_path / "exports" / "inner"
    with pytest.raises(ValueError, match="`name` must be .* Received: name="):
        kg.export.check_model_name(name)
    with pytest.raises(ValueError, match="name"):
        kg.export.export_generator(generator, str(export_dir), name)
    with pytest.raises(ValueError, match="name"):
        kg.export.saved_model(generator, str(export_dir), name)
    with pytest.raises(ValueError, match="name"):
        kg.export.tflite(generator, str(export_dir), name)
    assert os.listdir(tmp_path) == []


def test_ordinary_names_pass():
    for name in ("mnist_dcgan", "style_monet_reverse", "v1.2-final", "x" * 100, "a..b"):
        assert kg.export.check_model_name(name) == name


@pytest.mark.slow
def test_each_version_keeps_its_own_litert_files_and_the_stable_ones_follow_the_latest(tmp_path):
    z = np.random.default_rng(1).standard_normal((16, 16)).astype("float32")
    exports = []
    for _ in range(2):
        generator = tiny_generator()  # fresh weights: the versions differ
        path, stable = kg.export.export_generator(generator, str(tmp_path), "g")
        exports.append((generator, path, stable))

    names = [f"g{SUFFIX[q]}.tflite" for q in ("float32", "float16", "dynamic_int8")]
    for version, (generator, path, stable) in enumerate(exports, start=1):
        assert path == os.path.join(str(tmp_path), "g", str(version))
        # Compatible: the paths returned are the ones beside the versions.
        assert stable == [os.path.join(str(tmp_path), name) for name in names]
        files = kg.export.litert_paths(path)
        assert files == {q: os.path.join(path, "litert", f"g{SUFFIX[q]}.tflite") for q in SUFFIX}
        expected = kg.data.to_uint8(generator(z, training=False)).numpy().astype(int)
        for quantization, file in files.items():
            lite = kg.export.tflite_runner(file)(z=z)["images"]
            diff = np.abs(lite.astype(int) - expected)
            max_levels, mean_levels = TOLERANCE[quantization]
            assert diff.max() <= max_levels and diff.mean() <= mean_levels, quantization
        # The extra folder does not stop TensorFlow loading the version.
        served = tf.saved_model.load(path).signatures["serving_default"](z=tf.constant(z))
        assert np.abs(served["images"].numpy().astype(int) - expected).max() <= 1

    # Version 1's files are its own, not version 2's ...
    (first, v1, _), (second, v2, _) = exports
    one = kg.export.tflite_runner(kg.export.litert_paths(v1)["float32"])(z=z)["images"]
    two = kg.data.to_uint8(second(z, training=False)).numpy()
    assert np.abs(one.astype(int) - two.astype(int)).mean() > 1
    # ... and the files beside the versions are version 2's, byte for byte.
    latest = kg.export.litert_paths(str(tmp_path / "g"))
    assert latest == kg.export.litert_paths(v2)
    for quantization, file in latest.items():
        beside = kg.export.tflite_path(tmp_path, "g", quantization)
        with open(file, "rb") as a, open(beside, "rb") as b:
            assert a.read() == b.read()
    # No staging folder or temporary file is left anywhere.
    assert sorted(os.listdir(tmp_path)) == sorted(["g", *names])
    assert sorted(os.listdir(tmp_path / "g")) == ["1", "2"]
    for version in ("1", "2"):
        assert sorted(os.listdir(tmp_path / "g" / version / "litert")) == sorted(names)


@pytest.mark.slow
def test_a_conversion_failing_midway_leaves_no_version_and_every_file_as_it_was(
    tmp_path, monkeypatch
):
    generator = tiny_generator()
    kinds = ("float32", "float16")
    kg.export.export_generator(generator, str(tmp_path), "g", tflite_files=kinds)
    before = snapshot(tmp_path)
    assert "g.tflite" in before and "g_float16.tflite" in before

    convert = kg.export._convert

    def second_fails(saved_model_dir, quantization, *signature):
        if quantization == "float16":
            raise RuntimeError("converter crashed")
        return convert(saved_model_dir, quantization, *signature)

    monkeypatch.setattr(kg.export, "_convert", second_fails)
    with pytest.raises(RuntimeError, match="converter crashed"):
        kg.export.export_generator(tiny_generator(), str(tmp_path), "g", tflite_files=kinds)
    # No version 2, no staging folder, no temporary file; the rest untouched.
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path / "g")) == ["1"]


@pytest.mark.slow
def test_a_copy_failing_midway_leaves_the_files_beside_the_versions_as_they_were(
    tmp_path, monkeypatch
):
    kinds = ("float32", "float16")
    kg.export.export_generator(tiny_generator(), str(tmp_path), "g", tflite_files=kinds)
    stable = {name: data for name, data in snapshot(tmp_path).items() if "/" not in name}
    assert sorted(stable) == ["g.tflite", "g_float16.tflite"]

    copy, calls = kg.export._copy, []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("disk full")
        copy(source, target)

    monkeypatch.setattr(kg.export, "_copy", second_fails)
    with pytest.raises(OSError, match="disk full"):
        kg.export.export_generator(tiny_generator(), str(tmp_path), "g", tflite_files=kinds)
    # Version 2 is complete (its own files), the files beside it still version 1's.
    assert sorted(kg.export.litert_paths(str(tmp_path / "g" / "2"))) == ["float16", "float32"]
    after = {name: data for name, data in snapshot(tmp_path).items() if "/" not in name}
    assert after == stable  # and no temporary file beside them


def test_an_export_that_loses_the_race_for_a_version_number_takes_the_next(tmp_path, monkeypatch):
    generator = tiny_generator()
    model_dir = tmp_path / "g"
    next_version, calls = kg.export._next_version, []

    def a_rival_takes_it(folder):
        number = next_version(folder)
        if not calls:  # another export renames its version in right after the listing
            (model_dir / str(number)).mkdir()
            (model_dir / str(number) / "saved_model.pb").write_bytes(b"rival")
        calls.append(number)
        return number

    monkeypatch.setattr(kg.export, "_next_version", a_rival_takes_it)
    path = kg.export.saved_model(generator, str(tmp_path), "g")
    assert calls == [1, 2] and path == str(model_dir / "2")
    assert (model_dir / "1" / "saved_model.pb").read_bytes() == b"rival"
    assert sorted(os.listdir(model_dir)) == ["1", "2"]
    # A number the caller names that is taken fails, and the rival's files stay.
    with pytest.raises(FileExistsError, match="immutable"):
        kg.export.saved_model(generator, str(tmp_path), "g", version=1)
    assert (model_dir / "1" / "saved_model.pb").read_bytes() == b"rival"
    assert sorted(os.listdir(model_dir)) == ["1", "2"]


def test_a_numbered_folder_a_user_made_is_skipped_not_written_into(tmp_path):
    (tmp_path / "g" / "1").mkdir(parents=True)
    (tmp_path / "g" / "1" / "notes.txt").write_text("mine")
    (tmp_path / "g" / "2").mkdir()  # empty: a rename onto it would replace it
    path = kg.export.saved_model(tiny_generator(), str(tmp_path), "g")
    assert path == str(tmp_path / "g" / "3")
    assert os.listdir(tmp_path / "g" / "1") == ["notes.txt"]
    assert os.listdir(tmp_path / "g" / "2") == []


def test_exports_without_litert_files_have_none_and_still_load(tmp_path):
    # As keras_gans wrote them before versions held their LiteRT files.
    path = kg.export.saved_model(tiny_generator(), str(tmp_path), "g")
    assert kg.export.litert_paths(path) == {}
    assert not os.path.exists(os.path.join(path, "litert"))
    committed = os.path.join(os.path.dirname(__file__), "..", "saved_models", "mnist_dcgan")
    assert kg.export.litert_paths(committed) == {}
    _, serve = kg.export.load_serving(committed)
    assert serve(z=tf.zeros([1, 100]))["images"].shape == (1, 28, 28, 1)
