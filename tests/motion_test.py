"""The motion measures on real Moving MNIST: real clips agree with real clips,
and the two baselines a model must beat are far from them."""

import numpy as np
import pytest

import keras_gans as kg
from keras_gans.evaluation import motion


@pytest.fixture(scope="module")
def real(mnist_dir):
    clips = kg.data.moving_mnist("test", batch_size=64, frame_size=32, seed=0, data_dir=mnist_dir)
    return np.concatenate([batch.numpy() for batch in clips.take(2)])


def test_real_clips_agree_with_real_clips_and_the_baselines_do_not(real):
    report = motion.motion_report(real[:64], real[64:])
    floor, real_row = report["real (other half)"], report["real"]
    for measure in ("speed", "jerk", "frame_change"):
        assert 0.9 < floor[f"{measure}_ratio"] < 1.1, (measure, floor)
    # 0.1 of the free 18 px a frame, a little less where digits bounce.
    assert 1.0 < real_row["speed"] < 1.9
    assert report["still"] == {key: 0.0 for key in motion.MEASURES}
    shuffled = report["shuffled real"]
    assert shuffled["speed"] > 3 * real_row["speed"] and shuffled["jerk"] > 5 * real_row["jerk"]
    # Shuffling keeps every frame: the ink is the real clips'.
    assert shuffled["ink_drift"] == pytest.approx(real_row["ink_drift"])


def test_measures_read_uint8_and_float_clips_alike_and_refuse_other_shapes(real):
    as_uint8 = np.round((real + 1) * 127.5).astype(np.uint8)
    floats, ints = motion.clip_measures(real[:8]), motion.clip_measures(as_uint8[:8])
    for key in motion.MEASURES:
        np.testing.assert_allclose(floats[key], ints[key], rtol=1e-2, atol=1e-3)
    with pytest.raises(ValueError, match="frames, height, width, channels"):
        motion.clip_measures(real[:, 0])
    with pytest.raises(ValueError, match="at least 3 frames"):
        motion.clip_measures(real[:, :2])
