import gzip
import os
import socket
import struct
import time

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def write_idx(path, array, compress=False):
    codes = {np.dtype("uint8"): 0x08, np.dtype(">i4"): 0x0C}
    header = struct.pack(">BBBB", 0, 0, codes[array.dtype], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def write_tiny_mnist(directory, n=10, compress=False):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    suffix = ".gz" if compress else ""
    for _split, prefix in (("train", "train"), ("test", "t10k")):
        write_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte{suffix}"), images, compress)
        write_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte{suffix}"), labels, compress)
    return images, labels


@pytest.mark.parametrize("compress", [False, True])
def test_idx_reader_on_tiny_files(tmp_path, compress):
    images, labels = write_tiny_mnist(str(tmp_path), compress=compress)
    loaded_images, loaded_labels = kg.data.load_idx(str(tmp_path), "train")
    np.testing.assert_array_equal(loaded_images[..., 0], images)
    np.testing.assert_array_equal(loaded_labels, labels)
    assert loaded_images.shape == (10, 28, 28, 1) and loaded_images.dtype == np.uint8


def test_idx_reader_reads_other_types(tmp_path):
    values = np.arange(6, dtype=">i4").reshape(2, 3)
    write_idx(str(tmp_path / "ints.idx"), values)
    np.testing.assert_array_equal(kg.data.read_idx(str(tmp_path / "ints.idx")), values)


def test_idx_reader_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad-idx3-ubyte"
    bad.write_bytes(b"\x89PNG....")
    with pytest.raises(ValueError, match="not an IDX file"):
        kg.data.read_idx(str(bad))
    truncated = tmp_path / "short-idx3-ubyte"
    truncated.write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, 5, 28, 28) + b"\0" * 100)
    with pytest.raises(ValueError, match="truncated"):
        kg.data.read_idx(str(truncated))


def test_pipeline_from_tiny_idx_dir(tmp_path):
    images, labels = write_tiny_mnist(str(tmp_path))
    ds = kg.data.mnist("test", batch_size=4, data_dir=str(tmp_path), with_labels=True)
    batches = list(ds)
    assert len(batches) == 2  # 10 examples, remainder dropped
    x, y = batches[0]
    assert x.dtype.name == "float32" and x.shape == (4, 28, 28, 1)
    expected = images[:4, ..., None].astype("float32") / 127.5 - 1
    np.testing.assert_allclose(x.numpy(), expected, atol=1e-6)
    np.testing.assert_array_equal(y.numpy(), labels[:4])


def check_real_batch(batch, batch_size):
    assert batch.dtype.name == "float32"
    assert tuple(batch.shape) == (batch_size, 28, 28, 1)
    values = batch.numpy()
    assert values.min() == pytest.approx(-1.0) and values.max() == pytest.approx(1.0)
    # Real digits: mostly background, ~19% ink on average.
    assert 0.05 < (values > 0).mean() < 0.35


def test_pipeline_on_real_idx_files(mnist_dir):
    ds = kg.data.mnist("train", batch_size=64, data_dir=mnist_dir, seed=0)
    assert int(ds.cardinality()) == 60000 // 64
    check_real_batch(next(iter(ds)), 64)
    test_images, test_labels = kg.data.load_idx(mnist_dir, "test")
    assert test_images.shape == (10000, 28, 28, 1)
    assert sorted(np.bincount(test_labels))[0] > 800  # all ten classes present


def test_pipeline_from_tfds(tfds_dir):
    ds = kg.data.mnist("test", batch_size=50, data_dir=tfds_dir, with_labels=True)
    x, y = next(iter(ds))
    check_real_batch(x, 50)
    assert y.dtype.name == "int64" and 0 <= int(y.numpy().min()) and int(y.numpy().max()) <= 9
    assert int(ds.cardinality()) == 10000 // 50


def test_pipelines_run_without_the_autotune_thread(mnist_dir, tmp_path):
    # The thread made every short fit() end with seconds of idle time (see
    # keras_gans.data.pipeline); the pipelines still prefetch.
    ds = kg.data.mnist("train", batch_size=8, data_dir=mnist_dir)
    assert ds.options().autotune.enabled is False
    for name in ("content", "style"):
        (tmp_path / name).mkdir()
        for i in range(2):
            tf.io.write_file(
                str(tmp_path / name / f"{i}.png"), tf.io.encode_png(np.zeros((8, 8, 3), np.uint8))
            )
    images = kg.data.unpaired_images(
        str(tmp_path / "content"), str(tmp_path / "style"), image_size=8, batch_size=2
    )
    assert images.options().autotune.enabled is False


def test_shuffle_is_seeded(mnist_dir):
    def first(seed):
        return next(
            iter(kg.data.mnist("train", batch_size=8, data_dir=mnist_dir, seed=seed))
        ).numpy()

    np.testing.assert_array_equal(first(1), first(1))
    assert not np.array_equal(first(1), first(2))


def test_missing_data_dir_names_both_ways(tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(kg.data.DataNotFoundError) as info:
        kg.data.mnist(data_dir=missing)
    message = str(info.value)
    assert "nowhere" in message and "IDX files" in message and "TFDS_DATA_DIR" in message


def test_empty_dir_without_download_names_both_ways(tmp_path):
    with pytest.raises(kg.data.DataNotFoundError, match="(?s)IDX files.*TFDS_DATA_DIR"):
        kg.data.mnist(data_dir=str(tmp_path), download=False)


def test_offline_download_fails_in_seconds(tmp_path, monkeypatch):
    # This machine as if offline. TFDS's downloader connects through urllib3,
    # not this function, so without the check it would retry for minutes and
    # fail with a different message.
    def unreachable(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    # An empty TFDS data dir (TFDS reads TFDS_DATA_DIR once, at import, so it is
    # passed): mnist/ there lets the loader hand the folder to TFDS.
    (tmp_path / "mnist").mkdir()
    start = time.perf_counter()
    with pytest.raises(
        kg.data.DataNotFoundError,
        match="(?s)TFDS_DATA_DIR.*mnist is not prepared.*cannot reach storage.googleapis.com",
    ):
        kg.data.mnist(data_dir=str(tmp_path))
    with pytest.raises(kg.data.DataNotFoundError, match="(?s)cannot reach.*--content_dir"):
        kg.data.cycle_gan(data_dir=str(tmp_path))
    assert time.perf_counter() - start < 60
    assert os.listdir(tmp_path) == ["mnist"]  # nothing half-downloaded left behind
    assert not os.listdir(tmp_path / "mnist")


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        kg.data.mnist(split="validation")
    with pytest.raises(ValueError, match="dataset"):
        kg.data.mnist(dataset="cifar10")
    with pytest.raises(ValueError, match="batch_size"):
        kg.data.mnist(batch_size=0)


def test_to_uint8_inverts_to_float():
    pixels = np.arange(256, dtype=np.uint8)
    np.testing.assert_array_equal(kg.data.to_uint8(kg.data.to_float(pixels)).numpy(), pixels)
    np.testing.assert_array_equal(kg.data.to_uint8(np.array([-3.0, 3.0])).numpy(), [0, 255])


FASHION_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist


@pytest.mark.skipif(not os.path.isdir(FASHION_DIR), reason="apt-get install dataset-fashion-mnist")
def test_fashion_mnist_from_debian_idx_files(mnist_dir):
    ds = kg.data.mnist(
        "test", batch_size=500, dataset="fashion_mnist", data_dir=FASHION_DIR, with_labels=True
    )
    x, y = next(iter(ds))
    assert x.shape == (500, 28, 28, 1) and set(np.unique(y.numpy())) == set(range(10))
    digits = next(iter(kg.data.mnist("test", batch_size=500, data_dir=mnist_dir)))
    # Clothes cover far more of the frame than pen strokes do.
    assert (x.numpy() > 0).mean() > 2 * (digits.numpy() > 0).mean()
