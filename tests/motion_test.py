"""The motion measures and the packaged clip network on real Moving MNIST:
real clips agree with real clips, and the two baselines a model must beat
are far from them; `keras-gans train-classifier --dataset=moving_mnist`."""

import numpy as np
import pytest

import keras_gans as kg
from keras_gans.evaluation import classifier
from keras_gans.evaluation import motion

from conftest import run_command


@pytest.fixture(scope="module")
def real(mnist_dir):
    clips = kg.data.moving_mnist("test", batch_size=64, frame_size=64, seed=0, data_dir=mnist_dir)
    return np.concatenate([batch.numpy() for batch in clips.take(2)])


def test_real_clips_agree_with_real_clips_and_the_baselines_do_not(real):
    report = motion.motion_report(real[:64], real[64:])
    floor, real_row = report["real (other half)"], report["real"]
    for measure in ("speed", "jerk", "frame_change"):
        assert 0.9 < floor[f"{measure}_ratio"] < 1.1, (measure, floor)
    # 0.1 of the free 36 px a frame, a little less where digits bounce.
    assert 2.0 < real_row["speed"] < 3.6
    assert report["still"] == {key: 0.0 for key in motion.MEASURES}
    shuffled = report["shuffled real"]
    assert shuffled["speed"] > 3 * real_row["speed"] and shuffled["jerk"] > 5 * real_row["jerk"]
    # Shuffling keeps every frame: the ink is the real clips' (the other half's).
    assert shuffled["ink_drift"] == pytest.approx(floor["ink_drift"])
    # Spliced: each clip's first half, then the next clip's second half.
    spliced = motion.spliced_clips(real[:4])
    np.testing.assert_array_equal(spliced[:, :8], real[:4, :8])
    np.testing.assert_array_equal(spliced[:, 8:], real[[1, 2, 3, 0], 8:])
    assert report["spliced real"]["jerk"] > report["real (other half)"]["jerk"]


def test_measures_read_uint8_and_float_clips_alike_and_refuse_other_shapes(real):
    as_uint8 = np.round((real + 1) * 127.5).astype(np.uint8)
    floats, ints = motion.clip_measures(real[:8]), motion.clip_measures(as_uint8[:8])
    for key in motion.MEASURES:
        np.testing.assert_allclose(floats[key], ints[key], rtol=1e-2, atol=1e-3)
    with pytest.raises(ValueError, match="frames, height, width, channels"):
        motion.clip_measures(real[:, 0])
    with pytest.raises(ValueError, match="at least 3 frames"):
        motion.clip_measures(real[:, :2])


def test_the_packaged_clip_network_tells_real_clips_from_the_baselines(real, mnist_dir):
    network = classifier.load_classifier(classifier.packaged_classifier_dir("moving_mnist"))
    assert isinstance(network, classifier.ClipClassifier)
    assert network.name.startswith("clip_classifier:moving_mnist:")
    # 64 clips a row: the real halves, and 64 more real clips as "generated".
    more = kg.data.moving_mnist("test", batch_size=64, frame_size=64, seed=1, data_dir=mnist_dir)
    report = motion.motion_report(next(iter(more)).numpy(), real, classifier=network)
    real_row, floor, other = report["real"], report["real (other half)"], report["generated"]
    assert "frame_fd" not in real_row  # the distances are to this row
    # Real frames: named with confidence 4 times in 5 (frame by frame, the
    # network misses digits that overlap); read with their neighbours, the
    # same digits through 7 of 8 frames in 9 clips of 10 (94% measured on
    # 256 clips), and in almost none once the digits change half-way.
    for row in (real_row, floor, other):
        assert row["recognised"] > 0.7 and row["digits_kept"] > 0.85 and row["in_order"] > 0.9
    assert report["spliced real"]["digits_kept"] < 0.15
    # The shuffled baseline is the other half's frames: the frame distance
    # cannot see time, the clip distance and the order do.
    shuffled = report["shuffled real"]
    assert shuffled["frame_fd"] == pytest.approx(floor["frame_fd"], rel=1e-3)
    assert shuffled["clip_fd"] > 3 * floor["clip_fd"] and shuffled["in_order"] < 0.1
    assert report["still"]["in_order"] < 0.1 and report["still"]["clip_fd"] > 3 * floor["clip_fd"]
    # 32-px clips are read at the network's 64 px; uint8 as floats.
    small = kg.data.moving_mnist("test", batch_size=8, frame_size=32, seed=0, data_dir=mnist_dir)
    small = next(iter(small)).numpy()
    big = np.repeat(np.repeat(small, 2, axis=2), 2, axis=3)
    np.testing.assert_allclose(
        network.predict(small)["features"], network.predict(big)["features"], atol=1e-4
    )
    as_uint8 = np.round((real[:8] + 1) * 127.5).astype(np.uint8)
    expected = network.predict(real[:8])["features"]
    np.testing.assert_allclose(network.predict(as_uint8)["features"], expected, atol=0.05)
    with pytest.raises(ValueError, match="at least 3"):
        network.predict(real[:2, :2])


@pytest.mark.slow
def test_train_classifier_trains_a_clip_network_that_loads_back(mnist_dir, tmp_path):
    result = run_command(
        "train-classifier",
        "--dataset=moving_mnist",
        f"--data_dir={mnist_dir}",
        f"--output_dir={tmp_path}",
        "--steps=3",
        "--tracking_steps=2",
        "--batch_size=4",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "clips in order told apart" in result.stdout
    network = classifier.load_classifier(str(tmp_path))
    metadata = network.metadata
    assert (metadata["input"], metadata["frame_size"], metadata["frames"]) == ("clips", 64, 8)
    assert metadata["steps"] == 3 and metadata["num_classes"] == 10
    assert network.model.input_shape == (None, None, 64, 64, 1)
    assert network.model.get_layer("frames").layer.get_layer("conv_in").strides == (2, 2)
    found = network.predict(np.zeros((2, 5, 64, 64, 1), "float32"))
    assert found["frame_digits"].shape == (2, 5, 10) and found["features"].shape == (2, 128)
    # A second clip length in the same process (Keras's TimeDistributed
    # would map over the batch instead of the frames).
    assert network.predict(np.zeros((3, 9, 64, 64, 1), "float32"))["tracked_digits"].shape == (
        3,
        9,
        10,
    )
    assert 0 <= metadata["tracked_digits_accuracy"] <= 1 and metadata["tracking_steps"] == 2
