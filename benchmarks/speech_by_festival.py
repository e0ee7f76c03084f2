r"""Renders English sentences as speech with Debian's festival, for the vocoder.

`apt-get install festival festvox-kallpc16k fortunes-min` installs the
Festival speech synthesizer, one voice (kal_diphone: recorded diphones of one
American English male speaker, 16 kHz) and a few hundred short texts (fortune
cookies, literature quotes, riddles). This writes one 16-bit WAV per sentence,
`<out>/train/` and every tenth sentence in `<out>/test/` (held out), with the
texts in `<out>/sentences.txt`.

This is diphone synthesis: recorded speech cut into phone-to-phone pieces and
concatenated, with a signal-processing smoothing at the joins. It is real
recorded speech of one speaker, but not natural speech: read vocoder scores
on it as scores on this voice. A user's own recordings are the real use.

    python benchmarks/speech_by_festival.py --out=/tmp/speech
"""

import os
import re
import subprocess

from absl import app
from absl import flags

flags.DEFINE_string("texts", "/usr/share/games/fortunes", "fortune-mod text files (fortunes-min).")
flags.DEFINE_string("out", None, "Folder to create (must not exist yet).")
flags.DEFINE_integer("sentences", 400, "Sentences to render (in the texts' order).")
flags.DEFINE_integer("test_every", 10, "Every n-th sentence goes to test/.")
FLAGS = flags.FLAGS

FILES = ("fortunes", "literature", "riddles")
# Plain sentences of 5-30 words: no numbers, code or verse layout that the
# synthesizer would spell out oddly.
PLAIN = re.compile(r"[A-Za-z ,.'!?;:-]+")


def sentences(folder):
    """The usable texts of the fortune files, in order, whitespace collapsed."""
    found = []
    for name in FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="latin-1") as f:
            entries = f.read().split("\n%\n")
        for entry in entries:
            text = " ".join(entry.split())
            if 5 <= len(text.split()) <= 30 and PLAIN.fullmatch(text):
                found.append(text)
    return found


def main(_):
    if not FLAGS.out:
        raise app.UsageError("Pass --out=<folder to create>.")
    if os.path.exists(FLAGS.out):
        raise app.UsageError(f"{FLAGS.out} exists; choose a new folder.")
    texts = sentences(FLAGS.texts)[: FLAGS.sentences]
    if not texts:
        raise app.UsageError(
            f"No texts in {FLAGS.texts}: apt-get install fortunes-min (and festival "
            "festvox-kallpc16k)."
        )
    for part in ("train", "test"):
        os.makedirs(os.path.join(FLAGS.out, part))
    seconds = {"train": 0.0, "test": 0.0}
    failed = []
    for i, text in enumerate(texts):
        part = "test" if i % FLAGS.test_every == FLAGS.test_every - 1 else "train"
        path = os.path.join(FLAGS.out, part, f"sentence_{i:04d}.wav")
        done = subprocess.run(["text2wave", "-o", path], input=text.encode(), check=False)
        if done.returncode:  # festival 2.5 crashes on a few texts
            failed.append(i)
            if os.path.exists(path):
                os.remove(path)
            continue
        # 16-bit mono: bytes after the 44-byte header, 2 per sample, 16 kHz.
        seconds[part] += (os.path.getsize(path) - 44) / 2 / 16000
        if (i + 1) % 50 == 0:
            print(f"{i + 1}/{len(texts)} sentences", flush=True)
    with open(os.path.join(FLAGS.out, "sentences.txt"), "w") as f:
        f.write(
            "\n".join(
                f"sentence_{i:04d}\t{text}" for i, text in enumerate(texts) if i not in failed
            )
            + "\n"
        )
    if failed:
        print(f"festival failed on sentences {failed}; left out")
    print(
        f"{FLAGS.out}: {len(texts) - len(failed)} sentences, "
        f"train {seconds['train'] / 60:.1f} min, test {seconds['test'] / 60:.1f} min "
        "of speech (festival, kal_diphone, 16 kHz)"
    )


if __name__ == "__main__":
    app.run(main)
