"""Own images: the folder loader on real photos and digits, the size-general
DCGAN builders, and the `examples/images.py` job end to end."""

import json
import logging
import os
import struct

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

from conftest import SHARED
from conftest import imagenet_weights_or_skip
from conftest import run_command
from conftest import run_script

PHOTOS = os.path.join(SHARED, "style", "photo2monet", "trainA")
FASHION = "/usr/share/datasets/fashion-mnist"


@pytest.fixture(scope="module")
def photos():
    if not os.path.isdir(PHOTOS):
        pytest.skip("the shared landscape photos are not available")
    paths = sorted(os.path.join(PHOTOS, name) for name in os.listdir(PHOTOS))[:12]
    return [tf.io.decode_jpeg(tf.io.read_file(p)).numpy() for p in paths]


def write(path, image, fmt):
    encode = {"png": tf.io.encode_png, "jpg": tf.io.encode_jpeg}[fmt]
    tf.io.write_file(str(path), encode(image))


@pytest.fixture
def mixed_folder(tmp_path, photos):
    """Real photos as RGB JPEG, grey PNG, RGBA PNG, non-square PNG and BMP,
    plus one corrupt file and a text file."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for i, photo in enumerate(photos[:4]):
        write(folder / f"rgb_{i}.jpg", photo, "jpg")
    write(folder / "grey.png", tf.image.rgb_to_grayscale(photos[4]), "png")
    alpha = np.full(photos[5].shape[:2] + (1,), 200, np.uint8)
    write(folder / "rgba.png", np.concatenate([photos[5], alpha], -1), "png")
    write(folder / "wide.png", photos[6][64:192], "png")  # 128x256
    # TensorFlow has no BMP encoder; a header written by hand keeps the test
    # free of extra packages.
    (folder / "photo.bmp").write_bytes(_bmp(photos[7][:32, :48]))
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "notes.txt").write_text("not an image")
    return folder


def _bmp(image):
    """A 24-bit uncompressed BMP file of `image` (h, w, 3)."""
    height, width = image.shape[:2]
    row = (width * 3 + 3) // 4 * 4
    pixels = bytearray()
    for y in range(height - 1, -1, -1):
        line = image[y, :, ::-1].tobytes()
        pixels += line + b"\0" * (row - len(line))
    header = (
        b"BM" + (54 + len(pixels)).to_bytes(4, "little") + b"\0\0\0\0" + (54).to_bytes(4, "little")
    )
    info = (40).to_bytes(4, "little") + width.to_bytes(4, "little") + height.to_bytes(4, "little")
    info += (1).to_bytes(2, "little") + (24).to_bytes(2, "little") + b"\0" * 24
    return header + info + bytes(pixels)


def test_a_mixed_folder_loads_every_readable_file_and_names_the_broken_one(mixed_folder, caplog):
    with caplog.at_level(logging.WARNING, logger="keras_gans"):
        folder = kg.data.load_image_folder(str(mixed_folder), image_size=32)
    assert folder.images.shape == (8, 32, 32, 3) and folder.images.dtype == np.uint8
    assert folder.labels is None and folder.class_names == []
    assert [os.path.basename(p) for p, _ in folder.skipped] == ["broken.jpg"]
    assert "broken.jpg" in caplog.text
    assert sorted(os.path.basename(p) for p in folder.paths)[0] == "grey.png"
    grey = folder.images[[os.path.basename(p) for p in folder.paths].index("grey.png")]
    np.testing.assert_array_equal(grey[..., 0], grey[..., 2])  # grey became RGB
    with pytest.raises(ValueError, match="broken.jpg"):
        kg.data.load_image_folder(str(mixed_folder), image_size=32, on_error="raise")


def test_load_folder_keeps_sizes_and_decodes_only_up_to_its_limit(mixed_folder):
    images, paths = kg.data.load_folder(str(mixed_folder))
    names = [os.path.basename(p) for p in paths]
    assert len(images) == 8 and "broken.jpg" not in names
    shapes = dict(zip(names, (image.shape for image in images)))
    assert shapes["wide.png"] == (128, 256, 3) and shapes["photo.bmp"] == (32, 48, 3)
    assert shapes["rgba.png"][-1] == 3 and shapes["grey.png"][-1] == 3  # alpha dropped, grey RGB
    # The broken first file costs one image of the first round; a second
    # round decodes just the one still missing.
    images, paths = kg.data.load_folder(str(mixed_folder), limit=3, channels=1)
    assert [os.path.basename(p) for p in paths] == ["grey.png", "photo.bmp", "rgb_0.jpg"]
    assert all(image.shape[-1] == 1 for image in images)


def test_channels_follow_the_data(tmp_path, photos):
    folder = tmp_path / "grey"
    folder.mkdir()
    for i, photo in enumerate(photos[:3]):
        write(folder / f"{i}.png", tf.image.rgb_to_grayscale(photo), "png")
    assert kg.data.load_image_folder(str(folder), image_size=16).images.shape == (3, 16, 16, 1)
    assert kg.data.load_image_folder(str(folder), 16, channels=3).images.shape == (3, 16, 16, 3)


def test_fit_modes_on_a_wide_photo(tmp_path, photos):
    folder = tmp_path / "wide"
    folder.mkdir()
    wide = photos[0][64:192]  # 128 x 256
    write(folder / "wide.png", wide, "png")

    def load(fit):
        return kg.data.load_image_folder(str(folder), image_size=32, fit=fit).images[0]

    crop, pad, stretch = load("crop"), load("pad"), load("resize")
    # pad: the photo fills the middle half, black bands above and below.
    assert pad[:7].max() == 0 and pad[-7:].max() == 0 and pad[12:20].mean() > 20
    # crop: the central 128x128 square; resize: the whole photo squeezed.
    center = tf.image.resize(wide[:, 64:192], (32, 32), antialias=True).numpy()
    whole = tf.image.resize(wide, (32, 32), antialias=True).numpy()
    assert np.abs(crop - center).mean() < 2 < np.abs(crop - whole).mean()
    assert np.abs(stretch - whole).mean() < 2
    assert kg.data.load_image_folder(str(folder), image_size=(16, 40)).images.shape == (
        1,
        16,
        40,
        3,
    )


def test_default_size_comes_from_the_data():
    from keras_gans.data.image_folder import default_image_size

    assert default_image_size([(256, 256)] * 3) == 64
    assert default_image_size([(28, 28), (28, 30)]) == 28
    assert default_image_size([(30, 50)]) == 28


@pytest.fixture(scope="module")
def fashion_folder(tmp_path_factory):
    """Real Fashion-MNIST test images written as PNG files, a subfolder per class."""
    if not os.path.isdir(FASHION):
        pytest.skip("apt-get install dataset-fashion-mnist")
    images, labels = kg.data.load_idx(FASHION, "test")
    root = tmp_path_factory.mktemp("fashion")
    names = ["tshirt", "trouser", "pullover"]
    for label, name in enumerate(names):
        (root / name).mkdir()
        for i, image in enumerate(images[labels == label][:10]):
            write(root / name / f"{i}.png", image, "png")
    return root


def test_class_subfolders_give_labels_and_class_names(fashion_folder):
    folder = kg.data.load_image_folder(str(fashion_folder))
    assert folder.class_names == ["pullover", "trouser", "tshirt"]  # sorted
    assert folder.images.shape == (30, 28, 28, 1)  # grey, 28 px: from the data
    assert np.bincount(folder.labels).tolist() == [10, 10, 10]
    assert all(
        os.path.basename(os.path.dirname(path)) == folder.class_names[label]
        for path, label in zip(folder.paths, folder.labels)
    )
    ds = kg.data.image_folder(str(fashion_folder), batch_size=8, seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (8, 28, 28, 1) and images.dtype == tf.float32
    assert -1.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
    assert labels.dtype == tf.int32
    first = [
        b[1].numpy().tolist()
        for b in kg.data.image_folder(str(fashion_folder), batch_size=8, seed=3)
    ]
    again = [
        b[1].numpy().tolist()
        for b in kg.data.image_folder(str(fashion_folder), batch_size=8, seed=3)
    ]
    assert first == again  # reproducible shuffle
    unlabelled = kg.data.image_folder(str(fashion_folder), batch_size=8, labels=None)
    assert next(iter(unlabelled)).shape == (8, 28, 28, 1)


def test_folder_errors_name_the_problem(tmp_path, fashion_folder):
    with pytest.raises(kg.data.DataNotFoundError, match="does not exist"):
        kg.data.load_image_folder(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(kg.data.DataNotFoundError, match="no image files"):
        kg.data.load_image_folder(str(tmp_path / "empty"))
    os.makedirs(tmp_path / "classes" / "cats")
    os.makedirs(tmp_path / "classes" / "dogs")
    write(tmp_path / "classes" / "cats" / "a.png", np.zeros((8, 8, 1), np.uint8), "png")
    with pytest.raises(kg.data.DataNotFoundError, match="dogs"):
        kg.data.load_image_folder(str(tmp_path / "classes"))
    with pytest.raises(ValueError, match="fewer than one batch"):
        kg.data.image_folder(str(fashion_folder), batch_size=64)
    with pytest.raises(ValueError, match="image_size"):
        kg.data.load_image_folder(str(fashion_folder), image_size=(8, 8, 8))


@pytest.mark.parametrize("shape", [(32, 32, 3), (64, 64, 3), (128, 128, 3), (48, 80, 1)])
def test_dcgan_depth_follows_the_image_size(shape):
    generator = kg.networks.dcgan_generator(16, shape, width=8)
    discriminator = kg.networks.dcgan_discriminator(shape, width=8)
    images = generator(np.zeros((2, 16), "float32"))
    assert images.shape == (2, *shape)
    assert discriminator(images).shape == (2, 1)
    g_filters, d_filters = kg.networks.dcgan_filters(shape, width=8)
    assert len(g_filters) == kg.networks.dcgan.upsampling_stages(*shape[:2])
    assert g_filters[-1] == 8 and d_filters == g_filters[::-1]


def test_a_reference_needs_28x28_grey_images(photos):
    from keras_gans.jobs import images

    with pytest.raises(ValueError, match="28x28 grey"):
        images.train(data_dir=PHOTOS, image_size="32", reference="fashion_mnist_test", epochs=1)


def test_dcgan_sizes_that_cannot_halve_are_a_clear_error():
    assert kg.networks.dcgan_filters((28, 28, 1)) == ((128, 64), (64, 128))  # MNIST unchanged
    with pytest.raises(ValueError, match="even height and width"):
        kg.networks.dcgan_generator(16, (25, 25, 3))


def _folder_of(images):
    return kg.data.ImageFolder(
        images=np.asarray(images), labels=None, class_names=[], paths=[], skipped=[]
    )


def test_unset_settings_follow_the_folder(photos, monkeypatch):
    from keras_gans.jobs import images

    imagenet_weights_or_skip()
    colour = _folder_of([tf.image.resize(p, (64, 64)).numpy().astype("uint8") for p in photos])
    chosen, reason = images.choose_settings(images.DEFAULT, colour)
    assert chosen == dict(
        arch="projected", loss="hinge", width=16, augment=images.SMALL_FOLDER_AUGMENT, flip=True
    )
    assert reason.startswith("For a small colour folder of 12 images: arch=projected")
    # What the user chose stays; labels and small images keep the DCGAN.
    chosen, _ = images.choose_settings(images.DEFAULT, colour, explicit={"loss", "flip"})
    assert "loss" not in chosen and "flip" not in chosen and chosen["width"] == 16
    conditional = images.DEFAULT.replace(conditional=True)
    assert images.choose_settings(conditional, colour)[0]["arch"] == "dcgan"
    small = _folder_of(colour.images[:, ::4, ::4])
    chosen, reason = images.choose_settings(images.DEFAULT, small)
    assert chosen["arch"] == "dcgan" and "images under 32 px" in reason
    # Without the ImageNet weights the message says where they come from.
    monkeypatch.setenv("KERAS_GANS_EFFICIENTNET_LITE0_WEIGHTS", "/no/such/weights.pth")
    chosen, reason = images.choose_settings(images.DEFAULT, colour)
    assert chosen["arch"] == "dcgan" and "/no/such/weights.pth" in reason
    # A large grey folder (digits, letters) gets the MNIST recipe's choices
    # and no mirroring.
    grey = np.repeat(tf.image.rgb_to_grayscale(colour.images[:, ::2, ::2]), 420, axis=0)
    chosen, reason = images.choose_settings(images.DEFAULT, _folder_of(grey))
    assert chosen == dict(arch="dcgan", learning_rate=4e-4, clusters=50, flip=False)
    assert reason.startswith("For a large grey folder of 5040 images")
    chosen, _ = images.choose_settings(conditional, _folder_of(grey))
    assert "clusters" not in chosen


@pytest.mark.slow
def test_images_example_trains_and_exports_a_non_square_generator(tmp_path, photos):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i, photo in enumerate(photos):
        write(folder / f"{i}.jpg", photo, "jpg")
    export_dir = tmp_path / "export"
    result = run_script(
        "examples/images.py",
        f"--data_dir={folder}",
        "--image_size=16x24",
        "--batch_size=4",
        "--epochs=2",
        "--steps_per_epoch=4",  # more than the 3 batches the 12 images make
        "--width=8",
        "--latent_dim=16",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={export_dir}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["num_images"] == 12 and summary["config"]["image_size"] == "16x24"
    assert len(summary["history"]["d_loss"]) == 2  # epochs run on past the data
    grid = tf.io.decode_png(tf.io.read_file(str(tmp_path / "run" / "samples_epoch_002.png")))
    assert grid.shape[1] == (8 * 26 + 2) * 3  # 8 columns of 24-px images
    serve = tf.saved_model.load(str(export_dir / "photos" / "1")).signatures["serving_default"]
    z = kg.callbacks.fixed_noise(3, 16)
    served = serve(z=tf.constant(z))["images"].numpy()
    assert served.dtype == np.uint8 and served.shape == (3, 16, 24, 3)
    lite = kg.export.tflite_runner(export_dir / "photos.tflite")(z=z)["images"]
    assert np.abs(lite.astype(int) - served.astype(int)).max() <= 1


@pytest.mark.slow
def test_images_example_conditional_on_class_folders(tmp_path, fashion_folder):
    export_dir = tmp_path / "export"
    result = run_script(
        "examples/images.py",
        f"--data_dir={fashion_folder}",
        "--conditional",
        "--batch_size=8",
        "--epochs=1",
        "--steps_per_epoch=2",
        "--width=8",
        "--latent_dim=16",
        "--name=fashion",
        "--reference=fashion_mnist_test",
        f"--reference_dir={FASHION}",
        "--eval_samples=300",
        f"--output_dir={tmp_path / 'run'}",
        f"--export_dir={export_dir}",
        "--notflite",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (evaluation,) = json.loads((tmp_path / "run" / "summary.json").read_text())["evaluations"]
    assert evaluation["num_samples"] == 300 and evaluation["reference"] == "fashion_mnist_test"
    assert evaluation["fcd"] > 0 and 0 <= evaluation["label_accuracy"] <= 1
    version = export_dir / "fashion" / "1"
    names = json.loads((version / "assets" / "class_names.json").read_text())
    assert names == ["pullover", "trouser", "tshirt"]
    serve = tf.saved_model.load(str(version)).signatures["serving_default"]
    assert sorted(serve.structured_input_signature[1]) == ["label", "z"]
    images = serve(z=tf.zeros([2, 16]), label=tf.constant([0, 2]))["images"]
    assert images.shape == (2, 28, 28, 1)
    drawn = run_command("generate", version, f"--out={tmp_path / 'g.png'}")
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert "wrote 30 images" in drawn.stdout  # 3 classes x 10 columns


def test_every_folder_reader_lists_the_same_image_kinds(tmp_path):
    # Own-image, style, paired and degraded folders share one lister: a BMP
    # or GIF that one of them reads is read by all (before 0.2 the style and
    # paired readers skipped them silently).
    rng = np.random.default_rng(0)
    for name, encode in (
        ("a.png", tf.io.encode_png),
        ("b.jpg", tf.io.encode_jpeg),
        ("c.bmp", _encode_bmp),
        ("d.gif", None),
    ):
        image = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
        if encode is None:
            keras.utils.save_img(str(tmp_path / name), image, file_format="gif")
        else:
            tf.io.write_file(str(tmp_path / name), encode(image))
    (tmp_path / "notes.txt").write_text("not an image")
    names = ["a.png", "b.jpg", "c.bmp", "d.gif"]
    assert [os.path.basename(p) for p in kg.data.list_images(str(tmp_path))] == names
    assert [os.path.basename(p) for p in kg.data.find_images(str(tmp_path))[0]] == names
    assert len(kg.data.load_image_folder(str(tmp_path), image_size=8).images) == 4
    images, _ = kg.data.load_folder(str(tmp_path))
    assert len(images) == 4 and all(image.shape == (16, 16, 3) for image in images)


def _encode_bmp(image):
    """An uncompressed 24-bit BMP (TensorFlow decodes BMP but cannot encode it)."""
    height, width, _ = image.shape
    row = (width * 3 + 3) // 4 * 4
    pixels = np.zeros((height, row), np.uint8)
    pixels[:, : width * 3] = image[::-1, :, ::-1].reshape(height, -1)
    header = struct.pack("<2sIHHI", b"BM", 54 + pixels.size, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, pixels.size, 0, 0, 0, 0)
    return header + info + pixels.tobytes()
