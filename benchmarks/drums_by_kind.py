r"""Sorts Debian's recorded drum samples into one folder per kind of drum.

`apt-get install hydrogen-drumkits` installs kits of recorded hits under
/usr/share/hydrogen/data/drumkits/<kit>/, each with a drumkit.xml that names
its instruments ("Kick", "Closed HH", "Tom Low", ...) and their sample files.
This writes `<out>/<kind>/<kit>__<file>` links (the samples are not copied)
for the kinds below, from the instrument's name or, failing that, the file's;
hits that match no kind or several (a "crash-ride") are left out. The result
is a class folder for `keras-gans train audio --data_dir=<out> --conditional`
and for the audio classifier.

    python benchmarks/drums_by_kind.py --out=/tmp/drums
"""

import collections
import os
import re
import xml.etree.ElementTree as ElementTree

from absl import app
from absl import flags

flags.DEFINE_string("kits", "/usr/share/hydrogen/data/drumkits", "Hydrogen's drum kits.")
flags.DEFINE_string("out", None, "Folder to create (must not exist yet).")
FLAGS = flags.FLAGS

# Kind -> pattern over a lower-case instrument or file name.
KINDS = {
    "clap": r"clap",
    "cymbal": r"crash|ride|china|splash|cymbal",
    "hihat": r"hi-?hat|\bhh|hh\b|hat",
    "kick": r"kick|bass ?drum|\bbd|bd\b",
    "snare": r"snare|\bsd|sd\b|\bsn\b",
    "tom": r"\btom|tom\b|tom[-_ ]",
}


def kind_of(name):
    """The one kind `name` names, or `None` (no kind, or several)."""
    words = re.sub(r"[_\-.]+", " ", name.lower())
    found = [kind for kind, pattern in KINDS.items() if re.search(pattern, words)]
    return found[0] if len(found) == 1 else None


def _local(tag):
    return tag.rsplit("}", 1)[-1]  # drop an XML namespace


def kit_samples(kit_dir):
    """`(instrument name, file path)` for every sample a kit's drumkit.xml lists."""
    root = ElementTree.parse(os.path.join(kit_dir, "drumkit.xml")).getroot()
    for instrument in root.iter():
        if _local(instrument.tag) != "instrument":
            continue
        name = next((c.text or "" for c in instrument if _local(c.tag) == "name"), "")
        for element in instrument.iter():
            if _local(element.tag) == "filename" and element.text:
                yield name, os.path.join(kit_dir, element.text)


def main(argv):
    del argv
    if not FLAGS.out:
        raise app.UsageError("Pass --out, the folder to create.")
    if os.path.exists(FLAGS.out):
        raise app.UsageError(f"{FLAGS.out} exists; pass a new folder.")
    if not os.path.isdir(FLAGS.kits):
        raise app.UsageError(f"No drum kits at {FLAGS.kits}: apt-get install hydrogen-drumkits")
    counts, seen = collections.Counter(), set()
    for kit in sorted(os.listdir(FLAGS.kits)):
        kit_dir = os.path.join(FLAGS.kits, kit)
        if not os.path.isfile(os.path.join(kit_dir, "drumkit.xml")):
            continue
        for instrument, path in kit_samples(kit_dir):
            kind = kind_of(instrument) or kind_of(os.path.basename(path))
            if kind is None or path in seen or not os.path.isfile(path):
                continue
            seen.add(path)
            folder = os.path.join(FLAGS.out, kind)
            os.makedirs(folder, exist_ok=True)
            safe_kit = re.sub(r"[^A-Za-z0-9_.-]+", "_", kit)
            os.symlink(path, os.path.join(folder, f"{safe_kit}__{os.path.basename(path)}"))
            counts[kind] += 1
    print(f"{sum(counts.values())} drum hits in {FLAGS.out}: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    app.run(main)
