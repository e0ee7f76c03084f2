"""The documentation holds: its Python runs, its commands parse, its
command-line reference is the flags themselves.

Every ```python block of README.md and docs/ runs here, the blocks of one page
in order in one namespace (as a reader would paste them), in a temporary
directory holding the folders the pages name (`photos/`, `paintings/`,
`my_classes/`), at the tiny sizes of `TINY`. Every `keras-gans` command (and
`python examples/<job>.py`, `python -m keras_gans...`) in a ```bash block is
parsed with the flags of its command, so a renamed or removed flag fails here.
"""

import glob
import os
import re
import shlex
import shutil

import pytest

from conftest import REPO
from conftest import SHARED

PAGES = ["README.md"] + sorted(
    os.path.relpath(p, REPO)
    for p in glob.glob(os.path.join(REPO, "docs", "**", "*.md"), recursive=True)
)

# Tiny sizes, per page: (text in its Python, replacement). Each text must be
# there, so an entry cannot go stale unnoticed.
TINY = {
    "README.md": [
        ("epochs=5)", "epochs=1, steps_per_epoch=2)"),
        ("gan.generate(10_000)", "gan.generate(500)"),
        ('"my_dcgan")', '"my_dcgan", tflite_files=("float32",))'),
    ],
    "docs/getting-started.md": [("epochs=5,", "epochs=1, steps_per_epoch=2,")],
    "docs/guides/evaluation.md": [
        ("image_size=(64, 64))", "image_size=(16, 16), epochs=1)"),
        ("gan.generate(2000)", "gan.generate(64)"),
    ],
    "docs/guides/own-images.md": [
        ("batch_size=32", "batch_size=4"),
        ("epochs=50, steps_per_epoch=100", "epochs=1, steps_per_epoch=2"),
    ],
    "docs/guides/style-transfer.md": [
        ("epochs=90", "epochs=1"),
        ("image_size=256", "image_size=32"),
        ('contract="style")', 'contract="style", tflite_files=False)'),
    ],
    "docs/guides/image-editing.md": [
        ("image_size=128, repeat=True", "image_size=32, batch_size=2, repeat=True"),
        ("steps_per_epoch=200", "steps_per_epoch=2"),
        ("epochs=10", "epochs=1"),
        ("image_size=64)", "image_size=16)"),
        ('contract="super_resolution"\n', 'contract="super_resolution", tflite_files=False\n'),
    ],
    "docs/guides/scaling.md": [("epochs=5)", "epochs=1, steps_per_epoch=2)")],
    "docs/guides/text.md": [
        ("units=256", "units=8"),
        ("epochs=5, steps_per_epoch=200", "epochs=1, steps_per_epoch=2"),
        ("gan.generate(1000)", "gan.generate(20)"),
        ("drawn[:300]", "drawn[:5]"),
        ('"poems")', '"poems", tflite_files=("float32",))'),
    ],
    "docs/guides/audio.md": [
        ("batch_size=64", "batch_size=3"),
        ("epochs=20)", "epochs=1, steps_per_epoch=2)"),
        ('"drums")', '"drums", tflite_files=False)'),
    ],
}
# Recorded drum hits for the audio page (Debian's hydrogen-drumkits).
DRUM_KIT = "/usr/share/hydrogen/data/drumkits/ColomboAcousticDrumkit"


def read(page):
    with open(os.path.join(REPO, page)) as f:
        return f.read()


def code_blocks(text, language):
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def pages_with_python():
    return [page for page in PAGES if code_blocks(read(page), "python")]


def test_every_page_with_python_is_listed_or_runs_as_written():
    assert set(TINY) <= set(pages_with_python())
    assert len(pages_with_python()) >= 8


@pytest.fixture
def reader_folder(tmp_path, monkeypatch, tfds_dir):
    """A working directory with the folders the pages name, from the real photos."""
    style = os.path.join(SHARED, "style", "photo2monet")
    if not os.path.isdir(style):
        pytest.skip("the shared photos are not available")
    photos = sorted(glob.glob(os.path.join(style, "trainA", "*.jpg")))
    paintings = sorted(glob.glob(os.path.join(style, "trainB", "*.jpg")))
    for folder, files in [
        ("photos", photos[:12]),
        ("paintings", paintings[:8]),
        ("my_classes/photo", photos[12:22]),
        ("my_classes/monet", paintings[8:18]),
    ]:
        os.makedirs(tmp_path / folder)
        for path in files:
            shutil.copy(path, tmp_path / folder)
    if os.path.isdir(DRUM_KIT):
        for kind, prefix in (("kick", "bassdrum"), ("snare", "snare")):
            os.makedirs(tmp_path / "drums" / kind)
            for name in sorted(f for f in os.listdir(DRUM_KIT) if f.startswith(prefix))[:3]:
                shutil.copy(os.path.join(DRUM_KIT, name), tmp_path / "drums" / kind)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TFDS_DATA_DIR", tfds_dir)
    monkeypatch.setenv("KERAS_GANS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("page", pages_with_python())
def test_python_blocks_run(page, reader_folder):
    if "drums/" in read(page) and not os.path.isdir(reader_folder / "drums"):
        pytest.skip("apt-get install hydrogen-drumkits for the recorded drum hits")
    code = "\n".join(code_blocks(read(page), "python"))
    for text, tiny in TINY.get(page, ()):
        assert text in code, f"{page} no longer holds {text!r}: update TINY"
        code = code.replace(text, tiny)
    namespace = {"__name__": "__docs__"}
    exec(compile(code, page, "exec"), namespace)  # noqa: S102 - the docs' own code


def commands(text):
    """The command lines of the ```bash blocks: continuations joined,
    comments and leading `VAR=value` settings dropped."""
    lines = []
    for block in code_blocks(text, "bash"):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            line = re.sub(r"^(\w+=\S+\s+)+", "", line)
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


WRAPPERS = {
    "examples/mnist.py": ["train", "mnist"],
    "examples/images.py": ["train", "images"],
    "examples/audio.py": ["train", "audio"],
    "examples/vocoder.py": ["train", "vocoder"],
    "examples/style_transfer.py": ["train", "style"],
    "examples/super_resolution.py": ["train", "super-resolution"],
    "examples/inpainting.py": ["train", "inpainting"],
    "keras_gans.evaluate": ["evaluate"],
}


def keras_gans_argv(line):
    """`keras-gans` arguments of a documented command, or `None` for other programs."""
    for part in line.split("&&"):
        words = shlex.split(part)
        if words[:1] == ["keras-gans"]:
            return words[1:]
        if words[:1] == ["python"] and len(words) > 1:
            target = words[2] if words[1] == "-m" else words[1]
            if target in WRAPPERS:
                return WRAPPERS[target] + words[2 if words[1] != "-m" else 3 :]
            if words[1] != "-m":
                assert os.path.isfile(os.path.join(REPO, target)), f"no script {target}: {line}"
    return None


def parse_command(argv):
    from keras_gans import cli
    from keras_gans.cli import common
    from keras_gans.cli import train

    name, args = argv[0], argv[1:]
    if name == "train":
        assert args and args[0] in train.JOBS, f"unknown job in {argv}"
        define, args = train.job_flags(args[0]), args[1:]
    else:
        assert name in cli.COMMANDS, f"unknown command {name!r}"
        define = cli.COMMANDS[name].define
    common.parse(f"keras-gans {name}", "", args, define)


def test_documented_commands_parse():
    parsed = 0
    for page in PAGES:
        for line in commands(read(page)):
            argv = keras_gans_argv(line)
            if argv is None:
                continue
            try:
                parse_command(argv)
            except Exception as e:  # the page and line say which command went stale
                raise AssertionError(f"{page}: `{line}` does not parse: {e}") from None
            parsed += 1
    assert parsed > 30


def test_a_renamed_flag_fails_the_parse():
    with pytest.raises(Exception, match="no_such_flag"):
        parse_command(["train", "images", "--data_dir=x", "--no_such_flag=1"])


def test_cli_reference_is_generated_from_the_flags():
    from keras_gans.cli import reference

    assert read("docs/reference/cli.md") == reference.markdown(), (
        "docs/reference/cli.md is out of date: "
        "python -m keras_gans.cli.reference > docs/reference/cli.md"
    )
    for job in ("mnist", "images", "style", "super-resolution", "inpainting"):
        assert f"### keras-gans train {job}" in read("docs/reference/cli.md")


def test_readme_is_short_and_links_only_to_existing_pages():
    readme = read("README.md")
    assert len(readme.splitlines()) <= 200
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert os.path.exists(os.path.join(REPO, target)), target


# Words that belong to how the project is run, not to what a user reads.
INTERNAL_WORDS = ("../shared", "founding document", "the issue", "session")


def test_the_docs_use_public_words_only():
    found = []
    for page in PAGES:
        for number, line in enumerate(read(page).splitlines(), 1):
            lowered = line.lower()
            found += [f"{page}:{number}: {word}" for word in INTERNAL_WORDS if word in lowered]
    assert not found, "\n".join(found)
