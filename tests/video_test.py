"""Clips from noise: the MoCoGAN-style pair, its `.keras` round trip, the
`video` export contract (TF and LiteRT) and its `animate` signature, and
`keras-gans train video` on real Moving MNIST, down to a GIF drawn from the
export and a still brought to life by `keras-gans apply`."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import keras_gans as kg

from conftest import run_command

SHAPE = (4, 32, 32, 1)  # frames, height, width, channels


@pytest.fixture(scope="module", params=["mocogan", "layered"])
def pair(request):
    keras.utils.set_random_seed(0)
    settings = kg.networks.pairs.PairSettings(latent_dim=8, shape=SHAPE, width=8, seed=0)
    return kg.networks.pairs.get(request.param).build(settings)


def test_the_pair_draws_clips_and_scores_frames_and_clips(pair):
    generator, discriminator = pair
    assert generator.output_shape == (None, *SHAPE)
    z = np.random.default_rng(0).standard_normal((3, 8)).astype("float32")
    clips = generator(z)
    assert clips.shape == (3, *SHAPE) and np.abs(clips).max() <= 1.0
    # Frames differ within a clip (the motion codes move them), clips differ.
    assert np.abs(clips[:, 1:] - clips[:, :-1]).mean() > 1e-4
    assert np.abs(clips[0] - clips[1]).mean() > 1e-4
    scores = discriminator(clips)
    assert scores.shape == (3, 8) and scores.dtype == "float32"  # 4 frames, the clip 4 times
    np.testing.assert_allclose(scores[:, 4:], np.repeat(scores[:, 4:5], 4, axis=1))
    # Inference scores fixed frames; training samples them anew.
    np.testing.assert_allclose(discriminator(clips), scores, rtol=1e-5)
    with pytest.raises(ValueError, match="sampled_frames"):
        kg.networks.video_discriminator(frames=2, frame_shape=(32, 32, 1), sampled_frames=3)
    assert kg.networks.pairs.names("clips") == ("mocogan", "layered")


def test_layers_are_placed_exactly_lightened_together_and_moved_by_gradients():
    compose = kg.networks.video.ComposeLayers((8, 8))
    sprites = -np.ones((1, 2, 4, 4, 1), "float32")
    sprites[0, 0, 1:3, 1:3] = 0.0  # a grey square
    sprites[0, 1, 0, 0], sprites[0, 1, 1, 1] = 1.0, -0.8  # a white pixel, and a dark one
    # Frame 0: the square's layer at the top left, the pixels' at the far
    # corner; frame 1: both at (2, 2), half the free distance.
    positions = np.array([[[[0, 0], [1, 1]], [[0.5, 0.5], [0.5, 0.5]]]], "float32")
    clips = np.asarray(compose(sprites, positions))
    assert clips.shape == (1, 2, 8, 8, 1)
    expected = -np.ones((2, 8, 8))
    expected[0, 1:3, 1:3], expected[0, 4, 4], expected[0, 5, 5] = 0.0, 1.0, -0.8
    expected[1, 3:5, 3:5], expected[1, 2, 2] = 0.0, 1.0  # the dark pixel hides none of the square
    np.testing.assert_allclose(clips[0, ..., 0], expected, atol=1e-6)
    # Half a pixel: the square is shared by two rows; the position gets a gradient.
    positions = tf.Variable(np.array([[[[0.125, 0.0]]]], "float32"))
    with tf.GradientTape() as tape:
        clip = compose(sprites[:, :1], positions)
        ink = tf.reduce_sum(clip[0, 0, :2] + 1.0)  # the ink above row 2
    np.testing.assert_allclose(np.asarray(clip)[0, 0, 1:4, 1, 0], [-0.5, 0.0, -0.5], atol=1e-6)
    gradient = tape.gradient(ink, positions).numpy()[0, 0, 0, 0]
    assert gradient < 0  # moving down loses ink above
    # On whole pixels: the square lands whole on the nearest row (0.75 px
    # rounds to 1), and its position learns from the bilinear gradient.
    whole = kg.networks.video.ComposeLayers((8, 8), whole_pixels=True)
    assert kg.networks.video.ComposeLayers.from_config(whole.get_config()).whole_pixels
    positions.assign(np.array([[[[0.1875, 0.0]]]], "float32"))
    with tf.GradientTape() as tape:
        clip = whole(sprites[:, :1], positions)
        ink = tf.reduce_sum(clip[0, 0, :2] + 1.0)
    np.testing.assert_allclose(np.asarray(clip)[0, 0, 1:5, 1, 0], [-1.0, 0.0, 0.0, -1.0])
    assert tape.gradient(ink, positions).numpy()[0, 0, 0, 0] < 0


def test_the_layered_generator_holds_each_layer_and_draws_colour():
    generator = kg.networks.layered_video_generator(
        latent_dim=8, frames=3, frame_shape=(16, 16, 3), num_layers=3, width=4
    )
    assert generator.output_shape == (None, 3, 16, 16, 3)
    assert generator.get_layer("layer_generator").output_shape == (None, 8, 8, 3)
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    # The frames are the same layers moved: a frame's brightest ink is no
    # brighter than the brightest of its clip's layers.
    layers_of = keras.Model(generator.input, generator.get_layer("unfold_layers").output)
    clips, drawn = np.asarray(generator(z)), np.asarray(layers_of(z))
    assert np.all(clips.max(axis=(1, 2, 3)) <= drawn.max(axis=(1, 2, 3)) + 1e-5)
    with pytest.raises(ValueError, match="layer_size"):
        kg.networks.layered_video_generator(frame_shape=(16, 16, 1), layer_size=32)


@pytest.mark.parametrize("arch", ["mocogan", "layered"])
def test_conditional_pairs_draw_the_label_and_judge_clips_with_it(arch, tmp_path):
    keras.utils.set_random_seed(0)
    settings = kg.networks.pairs.PairSettings(latent_dim=8, shape=SHAPE, width=8, seed=0)
    generator, discriminator = kg.networks.pairs.get(arch).build(settings, num_classes=5)
    assert [tensor.name for tensor in generator.inputs] == ["z", "label"]
    z = np.repeat(np.random.default_rng(0).standard_normal((1, 8)).astype("float32"), 2, axis=0)
    labels = np.array([0, 4], "int32")
    clips = np.asarray(generator([z, labels]))
    assert clips.shape == (2, *SHAPE)
    assert np.abs(clips[0] - clips[1]).mean() > 1e-4  # the same noise, another class
    scores = np.asarray(discriminator([clips, labels]))
    assert scores.shape == (2, 8)
    # Both paths read the label: the same clips scored as another class differ.
    other = np.asarray(discriminator([clips, labels[::-1]]))
    assert np.all(np.abs(other - scores).max(axis=0) > 0)
    # Each clip's frames are scored with its own label: alone, it scores the same.
    np.testing.assert_allclose(discriminator([clips[1:], labels[1:]]), scores[1:], rtol=1e-5)
    for network, inputs, expected in (
        (generator, [z, labels], clips),
        (discriminator, [clips, labels], scores),
    ):
        path = str(tmp_path / f"{network.name}.keras")
        network.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded(inputs), expected, atol=1e-5)


def test_a_clips_class_is_its_set_of_digits(mnist_dir):
    names = kg.data.video.digit_set_names(2)
    assert len(names) == 55 and names[:3] == ["0+0", "0+1", "0+2"] and names[-1] == "9+9"
    assert kg.data.video.digit_set_names(1) == [str(digit) for digit in range(10)]
    found = kg.data.video.digit_set_labels(np.array([[3, 7], [7, 3], [0, 0], [9, 9]])).numpy()
    assert [names[i] for i in found] == ["3+7", "3+7", "0+0", "9+9"]
    _, digits = next(iter(kg.data.moving_mnist(
        "test", 8, frame_size=32, seed=0, with_labels=True, data_dir=mnist_dir
    )))  # fmt: skip
    classes = kg.data.video.digit_set_labels(digits).numpy()
    sets = kg.data.video.digit_sets(2)
    assert [sets[c] for c in classes] == [tuple(sorted(pair)) for pair in digits.numpy()]


def test_the_generator_round_trips_through_a_keras_file(pair, tmp_path):
    generator, _ = pair
    path = str(tmp_path / "g.keras")
    generator.save(path)
    loaded = keras.saving.load_model(path)
    z = np.random.default_rng(1).standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(loaded(z), generator(z), atol=1e-6)


@pytest.mark.slow
def test_auto_exports_the_video_contract_in_tf_and_litert(pair, tmp_path):
    generator, _ = pair
    contract = kg.contracts.for_generator(generator)
    assert contract.name == "noise"
    path, lite_paths = kg.export.export_generator(
        generator, str(tmp_path), "clips", tflite_files=("float32",)
    )
    _, serve = kg.export.load_serving(path)
    assert list(serve.structured_outputs) == ["video"]
    z = np.random.default_rng(2).standard_normal((2, 8)).astype("float32")
    served = serve(z=tf.constant(z))["video"].numpy()
    assert served.dtype == np.uint8 and served.shape == (2, *SHAPE)
    expected = kg.data.to_uint8(generator(z)).numpy()
    assert np.abs(served.astype(int) - expected.astype(int)).max() <= 1
    lite = kg.export.tflite_runner(lite_paths[0])(z=z)["video"]
    assert lite.shape == served.shape and np.abs(lite.astype(int) - served.astype(int)).max() <= 2
    # A still brought to life: the noise inverted from elsewhere draws a
    # first frame nearer the still than the noise it started from (in
    # floats: an untrained generator's frames differ by a few grey levels).
    animate = tf.saved_model.load(path).signatures[kg.contracts.ANIMATE_SIGNATURE]
    stills = served[:, 0]
    start = np.random.default_rng(3).standard_normal((2, 8)).astype("float32")
    clips, found = kg.contracts.animate(animate, stills, start)
    assert clips.shape == (2, *SHAPE) and found.shape == (2, 8)
    wanted = np.asarray(generator(z))[:, 0]

    def error(noise):
        return np.mean((np.asarray(generator(noise))[:, 0] - wanted) ** 2, axis=(1, 2, 3))

    assert np.all(error(found) < 0.5 * error(start)), (error(found), error(start))
    # A still's clip does not depend on the batch it came in (the extra
    # starts are the same for every still).
    alone, found_alone = kg.contracts.animate(animate, stills[1:], start[1:])
    np.testing.assert_allclose(found_alone, found[1:], atol=1e-3)
    assert np.abs(alone.astype(int) - clips[1:]).max() <= 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="image must be uint8"):
        kg.contracts.animate(animate, np.zeros((1, 16, 16, 1), "uint8"), start[:1])


@pytest.mark.slow
def test_train_video_on_moving_mnist_writes_gifs_and_an_export_that_draws_gifs(mnist_dir, tmp_path):
    out, exports = tmp_path / "run", tmp_path / "exports"
    args = [
        "train", "video", f"--mnist_dir={mnist_dir}", "--frame_size=32", "--frames=4",
        "--batch_size=4", "--width=8", "--latent_dim=8", "--epochs=2", "--steps_per_epoch=2",
        f"--output_dir={out}", f"--export_dir={exports}", "--notflite", "--score_clips=8",
        "--image_generator=none",
    ]  # fmt: skip
    dry = run_command(*args, "--dry_run")
    assert dry.returncode == 0, dry.stderr
    record = json.loads(dry.stdout)
    assert record["job"] == "video" and "Moving mnist: 2 digits of 14 px" in record["notes"][0]
    result = run_command(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["job"] == "video" and summary["epochs_run"] == 2
    # The motion of what ships, beside real clips and the baselines.
    scores = summary["scores"]
    rows = {"real", "real (other half)", "generated", "still", "shuffled real", "spliced real"}
    assert set(scores) == {*rows, "extractor"}
    assert scores["extractor"].startswith("clip_classifier:moving_mnist:")
    assert {"recognised", "digits_kept", "in_order", "frame_fd", "clip_fd"} <= set(
        scores["generated"]
    )
    assert (
        scores["still"]["speed"] == 0 and scores["shuffled real"]["jerk"] > scores["real"]["jerk"]
    )
    assert "motion of 8 clips" in result.stdout
    gifs = sorted(out.glob("samples_epoch_*.gif"))
    assert [p.name for p in gifs] == ["samples_epoch_001.gif", "samples_epoch_002.gif"]
    with Image.open(gifs[-1]) as gif:
        assert gif.n_frames == 4 and gif.size == (2 * (4 * 34 + 2), 2 * (4 * 34 + 2))
    export = exports / "moving_mnist_32"
    drawn = tmp_path / "drawn.gif"
    generated = run_command("generate", export, "--num=6", f"--out={drawn}")
    assert generated.returncode == 0, generated.stderr
    assert "wrote 6 clips" in generated.stdout
    with Image.open(drawn) as gif:
        assert gif.n_frames == 4
        frames = [np.asarray(gif.seek(i) or gif.convert("L")) for i in range(4)]
    assert np.std(frames[0]) > 1  # not a blank picture
    as_png = run_command("generate", export, "--num=2", f"--out={tmp_path / 'grid.png'}")
    assert as_png.returncode == 0 and (tmp_path / "grid.gif").exists()
    assert not (tmp_path / "grid.png").exists() and "grid.gif" in as_png.stdout
    folder = tmp_path / "each"
    assert run_command("generate", export, "--num=2", f"--out={folder}").returncode == 0
    assert sorted(os.listdir(folder)) == ["00000.gif", "00001.gif"]
    # An MP4 of the same grid, read back by the video folder reader.
    films = tmp_path / "films"
    as_mp4 = run_command("generate", export, "--num=6", f"--out={films / 'clips.mp4'}")
    assert as_mp4.returncode == 0, as_mp4.stderr
    film = kg.data.load_video_folder(films, frames=4, image_size=None, channels=1)
    assert film.clips.shape[:2] == (1, 4) and np.std(film.clips) > 1
    info = run_command("info", export)
    assert info.returncode == 0 and "video" in info.stdout
    # keras-gans apply: a still (a real frame, at 64 px) brought to life.
    still = tmp_path / "still.png"
    real = next(iter(kg.data.moving_mnist("test", 1, frame_size=64, data_dir=mnist_dir)))
    tf.io.write_file(str(still), tf.io.encode_png(kg.data.to_uint8(real[0, 0]).numpy()))
    applied = run_command("apply", export, still, f"--out={tmp_path / 'alive'}", "--side_by_side")
    assert applied.returncode == 0, applied.stderr[-2000:]
    assert "a clip of 4 frames from it, 32x32" in applied.stdout
    with Image.open(tmp_path / "alive" / "still.gif") as gif:
        assert gif.n_frames == 4 and gif.size == (32, 32)
    assert (tmp_path / "alive" / "still_before_after.png").is_file()
    scored = run_command("evaluate", export, "--num_samples=8")
    assert scored.returncode == 0, scored.stderr
    assert "motion of 8 clips" in scored.stdout and "seen by clip_classifier" in scored.stdout
    report = json.loads(scored.stdout.strip().splitlines()[-1])
    assert report["num_samples"] == 8 and report["still"]["speed"] == 0
    digits_network = kg.evaluation.classifier.packaged_classifier_dir("mnist")
    refused = run_command("evaluate", export, f"--classifier_dir={digits_network}")
    assert refused.returncode == 2 and "judges images, not clips" in refused.stderr
    clips_network = kg.evaluation.classifier.packaged_classifier_dir("moving_mnist")
    named = run_command("evaluate", export, "--num_samples=4", f"--classifier_dir={clips_network}")
    assert named.returncode == 0 and "seen by clip_classifier:moving_mnist:" in named.stdout


def test_the_video_job_resolves_its_choices_and_refuses_what_it_cannot_do(mnist_dir):
    with pytest.raises(ValueError, match="use --conditional, or pass --data_dir"):
        kg.jobs.video.resolve(clusters=4, mnist_dir=mnist_dir)
    # The default: an image GAN trains first (7.5 of the 30 minutes) and
    # draws the two digits, 100 numbers each, on whole pixels.
    resolved = kg.jobs.video.resolve(augment="none", mnist_dir=mnist_dir)
    config = resolved.config
    assert (config.frame_size, config.arch, config.objects) == (64, "layered", 2)
    assert (config.image_generator, config.latent_dim, config.max_minutes) == ("train", 200, 22.5)
    assert config.whole_pixels and "an image GAN trained first" in resolved.notes[1]
    with pytest.raises(ValueError, match="leaves no time"):
        kg.jobs.video.resolve(image_minutes=30, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="for a folder of clips, train one"):
        kg.jobs.video.resolve(image_generator="train", data_dir=str(mnist_dir))
    config = kg.jobs.video.resolve(num_digits=3, arch="mocogan", mnist_dir=mnist_dir).config
    assert (config.arch, config.objects) == ("mocogan", 3)
    with pytest.raises(ValueError, match="score_clips"):
        kg.jobs.video.resolve(evaluate_every=1, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="speed"):
        kg.jobs.video.resolve(speed=1.5, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="too small to read"):
        kg.jobs.video.resolve(frame_size=12, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="frames"):
        kg.jobs.video.resolve(frames=2)
    with pytest.raises(ValueError, match="--whole_pixels places the layers"):
        kg.jobs.video.resolve(whole_pixels=True, arch="mocogan", mnist_dir=mnist_dir)


@pytest.mark.slow
def test_train_video_on_a_folder_of_gifs(mnist_dir, tmp_path):
    clips = next(
        iter(
            kg.data.moving_mnist(batch_size=6, frame_size=32, frames=8, seed=2, data_dir=mnist_dir)
        )
    )
    clips = np.round((clips.numpy() + 1) * 127.5).astype(np.uint8)
    folder = tmp_path / "my_clips"
    for i, clip in enumerate(clips[:3]):
        kg.data.write_gif(folder / f"{i}.gif", clip)
    for i, clip in enumerate(clips[3:], 3):  # MP4s beside the GIFs
        kg.data.write_mp4(folder / f"{i}.mp4", clip)
    out = tmp_path / "run"
    result = run_command(
        "train", "video", f"--data_dir={folder}", "--frames=4", "--batch_size=4", "--width=8",
        "--latent_dim=8", "--epochs=1", "--steps_per_epoch=2", "--score_clips=4",
        "--augment=ada", f"--output_dir={out}", f"--export_dir={tmp_path / 'exports'}",
        "--notflite",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{folder}: 12 clips of 4 frames at 32x32x1 from 6 files" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["num_clips"] == 12 and summary["config"]["frame_size"] == 32
    assert summary["config"]["augment"] == "ada" and "augment_p" in summary["history"]
    assert summary["data_folders"] == [str(folder)]
    _, serve = kg.export.load_serving(str(tmp_path / "exports" / "my_clips"))
    drawn = kg.contracts.draw(serve, np.zeros((2, 8), np.float32))
    assert drawn.shape == (2, 4, 32, 32, 1)
    refused = run_command("evaluate", tmp_path / "exports" / "my_clips")
    assert refused.returncode == 2 and "trained on a folder of clips" in refused.stderr
    # Self-conditioned on the clips' k-means clusters: the export still takes noise only.
    clustered = run_command(
        "train", "video", f"--data_dir={folder}", "--frames=4", "--batch_size=4", "--width=8",
        "--latent_dim=8", "--epochs=1", "--steps_per_epoch=1", "--score_clips=4",
        "--clusters=3", f"--output_dir={tmp_path / 'clustered'}", "--name=clustered",
        f"--export_dir={tmp_path / 'exports'}", "--notflite",
    )  # fmt: skip
    assert clustered.returncode == 0, clustered.stderr[-3000:]
    assert "self-conditioning: 3 clusters of 12 images" in clustered.stdout
    summary = json.loads((tmp_path / "clustered" / "summary.json").read_text())
    assert sum(summary["cluster_sizes"]) == 12 and len(summary["cluster_sizes"]) == 3
    _, serve = kg.export.load_serving(str(tmp_path / "exports" / "clustered"))
    assert kg.contracts.draw(serve, np.zeros((2, 8), np.float32)).shape == (2, 4, 32, 32, 1)


@pytest.mark.slow
def test_train_video_conditional_is_asked_for_digits_and_exports_z_and_label(mnist_dir, tmp_path):
    out, exports = tmp_path / "run", tmp_path / "exports"
    result = run_command(
        "train", "video", f"--mnist_dir={mnist_dir}", "--frame_size=32", "--frames=4",
        "--batch_size=4", "--width=8", "--latent_dim=8", "--epochs=1", "--steps_per_epoch=2",
        "--conditional", f"--output_dir={out}", f"--export_dir={exports}", "--notflite",
        "--score_clips=16",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["class_names"][:2] == ["0+0", "0+1"] and len(summary["class_names"]) == 55
    asked = summary["scores"]["asked digits named"]
    # Real clips are named by their own digits (the network's floor); two
    # steps of training draw nothing it can name.
    assert asked["real"] > 0.6 and asked["generated"] < asked["real"]
    assert "asked digits named by the clip network" in result.stdout
    export = exports / "moving_mnist_32"
    _, serve = kg.export.load_serving(str(export))
    assert set(serve.structured_input_signature[1]) == {"z", "label"}
    clips = kg.contracts.draw(serve, np.zeros((2, 8), np.float32), np.array([3, 54]))
    assert clips.shape == (2, 4, 32, 32, 1) and np.abs(clips[0].astype(int) - clips[1]).max() > 0
    drawn = run_command("generate", export, "--num=2", "--label=31", f"--out={tmp_path / 'a.gif'}")
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    outside = run_command(
        "generate", export, "--num=2", "--label=55", f"--out={tmp_path / 'b.gif'}"
    )
    assert outside.returncode != 0 and "labels are 0 to 54" in outside.stderr
    scored = run_command("evaluate", export, "--num_samples=8")
    assert scored.returncode == 0, scored.stderr[-2000:]
    report = json.loads(scored.stdout.strip().splitlines()[-1])
    assert set(report["asked digits named"]) == {"generated", "real"}


@pytest.mark.slow
def test_train_video_moves_the_digits_of_a_trained_image_gan(mnist_dir, tmp_path):
    # A self-conditioned image GAN (its sampling generator draws the cluster
    # from the noise), trained for two steps: the run's gan.keras.
    images = run_command(
        "train", "mnist", "--arch=dcgan", "--g_hidden=16,8", "--d_hidden=8,16", "--latent_dim=6",
        "--clusters=3", "--eval_samples=16",
        "--batch_size=8", "--epochs=1", "--steps_per_epoch=2", "--evaluate_every=0",
        f"--data_dir={mnist_dir}", f"--output_dir={tmp_path / 'digits'}", "--noexport",
    )  # fmt: skip
    assert images.returncode == 0, images.stderr[-3000:]
    gan_file = tmp_path / "digits" / "gan.keras"
    digits = keras.saving.load_model(gan_file).sampling_generator
    out, exports = tmp_path / "run", tmp_path / "exports"
    args = [
        "train", "video", f"--mnist_dir={mnist_dir}", "--frame_size=32", "--frames=4",
        "--batch_size=4", "--width=8", "--epochs=1", "--steps_per_epoch=2",
        f"--image_generator={gan_file}", f"--output_dir={out}",
        f"--export_dir={exports}", "--notflite", "--score_clips=8",
    ]  # fmt: skip
    result = run_command(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    # A clip's noise is its two layers' noises; the layers are the image
    # GAN's digits, scaled to Moving MNIST's 14 px at 32 px, and stay as
    # trained while the motion learns.
    assert summary["config"]["latent_dim"] == 12 and summary["config"]["arch"] == "layered"
    generator = keras.saving.load_model(out / "gan.keras").generator
    frozen = generator.get_layer(digits.name)
    assert not frozen.trainable and frozen.trainable_weights == []
    for trained, given in zip(frozen.weights, digits.weights):
        np.testing.assert_array_equal(trained.numpy(), given.numpy())
    z = np.random.default_rng(0).standard_normal((3, 12)).astype("float32")
    layers = generator.get_layer("unfold_layers").output
    sprites = keras.Model(generator.input, layers)(z).numpy()
    first = keras.layers.Resizing(14, 14)(digits(z[:, :6])).numpy()
    # Equal but for the run's bfloat16 rounding (on CPUs that have it).
    assert sprites.shape == (3, 2, 14, 14, 1)
    assert np.corrcoef(sprites[:, 0].ravel(), first.ravel())[0, 1] > 0.999
    clips = kg.contracts.draw(kg.export.load_serving(str(exports / "moving_mnist_32"))[1], z)
    assert clips.shape == (3, 4, 32, 32, 1)
    # Frozen digits land on whole pixels by default (checked exactly in
    # test_layers_are_placed_exactly_lightened_together_and_moved_by_gradients).
    assert summary["config"]["whole_pixels"] and generator.get_layer("compose").whole_pixels


@pytest.mark.slow
def test_train_video_trains_the_image_gan_first_and_moves_its_digits(
    mnist_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    tiny = kg.jobs.video.IMAGE_GAN.replace(
        g_hidden=(16, 8), d_hidden=(8, 16), clusters=3, batch_size=8, epochs=1,
        steps_per_epoch=2, evaluate_every=0, eval_samples=16,
    )  # fmt: skip
    settings = dict(
        mnist_dir=str(mnist_dir), frame_size=32, frames=4, batch_size=4, width=8, epochs=1,
        steps_per_epoch=2, output_dir="run", export=False, score_clips=0, verbose="0",
    )  # fmt: skip
    result = kg.jobs.video.train(image_gan=tiny, **settings)
    config = result.config
    assert (config.image_generator, config.latent_dim, config.max_minutes) == ("train", 200, 22.5)
    # The image GAN's run sits in the clip run's folder; it exported nothing.
    digits_file = tmp_path / "run" / "image_gan" / "gan.keras"
    assert "Training the image GAN" in capsys.readouterr().out
    assert not (tmp_path / "saved_models").exists()
    digits = keras.saving.load_model(digits_file).sampling_generator
    frozen = result.gan.generator.get_layer(digits.name)
    assert not frozen.trainable
    for trained, given in zip(frozen.weights, digits.weights):
        np.testing.assert_array_equal(trained.numpy(), given.numpy())
    # A second start moves the digits the first trained.
    written = digits_file.stat().st_mtime_ns
    kg.jobs.video.train(image_gan=tiny, **settings)
    assert "trained by an earlier start" in capsys.readouterr().out
    assert digits_file.stat().st_mtime_ns == written


def test_an_image_generator_is_checked_before_training(mnist_dir, tmp_path):
    digits = kg.networks.dcgan_generator(5, (28, 28, 1), width=8)
    path = tmp_path / "digits.keras"
    digits.save(path)
    resolved = kg.jobs.video.resolve(image_generator=str(path), mnist_dir=mnist_dir)
    config = resolved.config
    assert (config.latent_dim, config.arch, config.whole_pixels) == (10, "layered", True)
    assert "draws the 2 objects, frozen, each from 5 numbers" in resolved.notes[1]
    unmoved = kg.jobs.video.resolve(image_generator="none", mnist_dir=mnist_dir).config
    assert not unmoved.whole_pixels and unmoved.latent_dim == 64
    with pytest.raises(ValueError, match="leave --latent_dim unset"):
        kg.jobs.video.resolve(image_generator=str(path), latent_dim=64, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="--arch=layered, unconditional"):
        kg.jobs.video.resolve(image_generator=str(path), conditional=True, mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="--arch=layered, unconditional"):
        kg.jobs.video.resolve(image_generator=str(path), arch="mocogan", mnist_dir=mnist_dir)
    with pytest.raises(ValueError, match="no such file.*pass the run's gan.keras"):
        kg.jobs.video.resolve(image_generator=str(tmp_path / "export"), mnist_dir=mnist_dir)
    labelled = kg.networks.conditional_dcgan_generator(5, 10, (28, 28, 1), width=8)
    labelled.save(tmp_path / "labelled.keras")
    with pytest.raises(ValueError, match="does not draw images from noise alone"):
        kg.jobs.video.resolve(image_generator=str(tmp_path / "labelled.keras"), mnist_dir=mnist_dir)
    (tmp_path / "cut.keras").write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="Could not load"):
        kg.jobs.video.resolve(image_generator=str(tmp_path / "cut.keras"), mnist_dir=mnist_dir)
