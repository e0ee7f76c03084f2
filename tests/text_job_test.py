"""Text end to end: the export contract (strings in TF, ids in LiteRT, the
vocabulary as an asset), `keras-gans train text` on real quatrains and on a
folder of text files, `generate` and `evaluate` of text, and a text run
killed and resumed to the uninterrupted run's weights."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import contracts
from keras_gans import export
from tests.conftest import assert_same_weights
from tests.conftest import kill_and_resume
from tests.conftest import run_command

# Seconds-long runs: a narrow GRU, a few steps an epoch, few samples scored.
TINY_TEXT_RUN = (
    "--units=16",
    "--embedding_dim=8",
    "--batch_size=16",
    "--steps_per_epoch=3",
    "--pretrain_epochs=2",
    "--epochs=2",
    "--score_samples=40",
)


def test_a_generator_with_its_vocabulary_exports_text_to_tf_and_ids_to_litert(poems, tmp_path):
    # Thirty characters: few enough that LiteRT's float rounding (its own
    # kernels) cannot move a draw across a boundary of the cumulative softmax.
    vocabulary = poems.vocabulary[:30]
    generator = kg.networks.character_generator(
        len(vocabulary) + 2, 20, units=16, embedding_dim=8, seed=0, vocabulary=vocabulary
    )
    assert contracts.for_generator(generator) is contracts.TEXT
    path, lite = export.export_generator(generator, tmp_path, "poems", tflite_files=("float32",))
    loaded = tf.saved_model.load(path)
    serve = loaded.signatures["serving_default"]
    assert contracts.of_signature(serve) is contracts.TEXT
    z = np.random.default_rng(0).standard_normal((6, 32)).astype("float32")
    texts, ids = contracts.write_text(serve, z)
    assert ids.shape == (6, 20) and ids.dtype == np.int32
    # The strings are the ids read with the vocabulary, as decode_texts reads them.
    assert texts == kg.data.decode_texts(ids, vocabulary)
    in_memory = generator(z, training=False).numpy().argmax(-1)
    np.testing.assert_array_equal(ids, np.where(np.cumsum(in_memory == 0, 1) > 0, 0, in_memory))
    # `write` takes the temperature: near 0 the likeliest characters win.
    cold, _ = contracts.write_text(serve, z, 1e-6, loaded.signatures)
    greedy = generator.get_layer("decoder")(z, temperature=1e-6).numpy().argmax(-1)
    greedy = np.where(np.cumsum(greedy == 0, 1) > 0, 0, greedy)
    assert cold == kg.data.decode_texts(greedy, vocabulary) != texts
    hot, _ = contracts.write_text(serve, z, 1.0, loaded.signatures)
    assert hot == texts
    with pytest.raises(tf.errors.InvalidArgumentError, match="temperature must be above 0"):
        contracts.write_text(serve, z, 0.0, loaded.signatures)
    sample = loaded.signatures["sample"]
    first = sample(num_samples=tf.constant(3), seed=tf.constant(7))["text"].numpy()
    np.testing.assert_array_equal(
        first, sample(num_samples=tf.constant(3), seed=tf.constant(7))["text"].numpy()
    )
    # LiteRT holds the ids (strings are no built-in op); the asset reads them.
    run = export.tflite_runner(lite[0], signature="ids")
    np.testing.assert_array_equal(run(z=z)["ids"], ids)
    by_id = export.read_asset(path, contracts.VOCABULARY_ASSET)
    assert by_id[:2] == ["", "[UNK]"] and by_id[2:] == vocabulary
    assert ["".join(by_id[i] for i in row) for row in ids] == texts
    # Without its vocabulary a generator cannot write text: a clear refusal.
    bare = kg.networks.character_generator(30, 20, units=8, embedding_dim=4)
    with pytest.raises(ValueError, match="Cannot tell which contract"):
        contracts.for_generator(bare)
    with pytest.raises(ValueError, match="len\\(vocabulary\\) \\+ 2"):
        kg.networks.character_generator(30, 20, vocabulary=["a", "b"])


def test_train_text_on_poems_then_generate_and_evaluate_poems(poems, tmp_path):
    out, exports = tmp_path / "run", tmp_path / "exports"
    result = run_command(
        "train", "text", *TINY_TEXT_RUN, f"--output_dir={out}", f"--export_dir={exports}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "maximum-likelihood pretraining: 2 epochs" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pretraining"]["epochs_run"] == 2
    assert summary["config"]["latent_dim"] == 32 and summary["config"]["length"] == 20
    samples = (out / "samples_epoch_002.txt").read_text(encoding="utf-8")
    assert samples.count("\n\n") >= 15  # 16 poems from the fixed noise
    scores = summary["scores"]
    assert scores["num_samples"] == 40 and scores["references"] == len(poems.test)
    # The floor: real poems are in form, rhyme as Tang poems do, copy few lines.
    assert scores["real"]["in_form"] == 1.0 and scores["real"]["rhyme"] > 0.5
    assert scores["real"]["copied_lines"] < 0.2
    assert 0 <= scores["samples"]["in_form"] <= 1 and scores["samples"]["bleu2"] > 0
    assert "lines copied" in (out / "scores.txt").read_text()
    assert "nearest training text:" in (out / "nearest.txt").read_text(encoding="utf-8")
    model_dir = exports / "poems5_gan"
    assert (exports / "poems5_gan.tflite").exists()

    described = run_command("info", model_dir)
    assert described.returncode == 0, described.stderr[-2000:]
    assert "a text export" in described.stdout
    assert f"characters: {len(poems.vocabulary)}" in described.stdout
    drawn = tmp_path / "poems.txt"
    written = run_command("generate", model_dir, "--num=5", "--temperature=0.8", f"--out={drawn}")
    assert written.returncode == 0, written.stderr[-2000:]
    text = drawn.read_text(encoding="utf-8")
    assert text in written.stdout and text.count("\n\n") >= 4
    assert all(line[-1] in "，。" for line in text.split("\n") if line)  # poems, punctuated
    wrong = run_command("generate", model_dir, "--out=x.gif")
    assert wrong.returncode != 0 and "writes a .txt" in wrong.stderr
    scored = run_command("evaluate", model_dir, "--num_samples=30")
    assert scored.returncode == 0, scored.stderr[-2000:]
    found = json.loads(scored.stdout.strip().splitlines()[-1])
    assert found["num_samples"] == 30 and found["data"] == poems.source
    # The poems generate wrote, read back as five texts of 20 characters.
    from_file = run_command("evaluate", drawn, "--reference=poems5")
    assert from_file.returncode == 0, from_file.stderr[-2000:]
    assert json.loads(from_file.stdout.strip().splitlines()[-1])["num_samples"] == 5
    unnamed = run_command("evaluate", drawn)
    assert unnamed.returncode != 0 and "--reference=poems5" in unnamed.stderr


def test_train_text_on_a_folder_of_text_files(tmp_path):
    # Real text every Python has: its license, cut into windows of 32 characters.
    license_file = os.path.join(os.path.dirname(os.__file__), "LICENSE.txt")
    if not os.path.isfile(license_file):
        pytest.skip(f"no {license_file}")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "license.txt").write_text(open(license_file).read())
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00 not utf-8 \xff")
    out, exports = tmp_path / "run", tmp_path / "exports"
    result = run_command(
        "train",
        "text",
        f"--data_dir={folder}",
        "--unit=window",
        "--length=32",
        "--model=mle",
        *TINY_TEXT_RUN,
        "--notflite",
        f"--output_dir={out}",
        f"--export_dir={exports}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["skipped"] == [f"{folder / 'bad.txt'}: not UTF-8 text (byte 0)"]
    assert summary["config"]["latent_dim"] == 32 and summary["config"]["model"] == "mle"
    assert "rhyme" not in summary["scores"]["samples"]  # not quatrains
    _, serve = export.load_serving(exports / "texts")
    texts, ids = contracts.write_text(serve, np.zeros((3, 32), "float32"))
    assert ids.shape == (3, 32) and all(len(text) <= 32 for text in texts)
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run_command("train", "text", f"--data_dir={empty}", "--dry_run")
    assert refused.returncode != 0 and "holds no text files" in refused.stderr


@pytest.mark.parametrize("model", ["mle", "gan"])
def test_a_killed_text_run_resumes_to_the_uninterrupted_weights(model, poems, tmp_path):
    epochs = 3

    def args_for(out, exports):
        return (
            "train",
            "text",
            f"--model={model}",
            *TINY_TEXT_RUN,
            f"--epochs={epochs}",
            "--score_samples=0",
            "--notflite",
            f"--output_dir={out}",
            f"--export_dir={exports}",
        )

    ref_dir, run_dir, _, resumed = kill_and_resume(args_for, tmp_path, epochs)
    ref_summary = json.loads((ref_dir / "summary.json").read_text())
    run_summary = json.loads((run_dir / "summary.json").read_text())
    if model == "gan":
        # The resumed run does not pretrain again; its record comes from the backup.
        assert "maximum-likelihood pretraining" not in resumed.stdout
        got, want = run_summary["pretraining"], ref_summary["pretraining"]
        assert (got["epochs_run"], got["best_epoch"]) == (want["epochs_run"], want["best_epoch"])
        np.testing.assert_allclose(got["validation_nats"], want["validation_nats"], rtol=1e-5)
        assert_same_weights(run_dir, ref_dir, steps=3 * epochs)
        return
    import keras

    ref = keras.saving.load_model(str(ref_dir / "gan.keras"))
    got = keras.saving.load_model(str(run_dir / "gan.keras"))
    assert int(got.optimizer.iterations) == int(ref.optimizer.iterations) == 3 * epochs
    for a, b in zip(ref.weights, got.weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-5, err_msg=a.path)
    assert run_summary["best_epoch"] == ref_summary["best_epoch"]
