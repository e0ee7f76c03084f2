"""The README's two commands are what CI and newcomers run: keep them honest."""

import os
import re

import pytest

from conftest import REPO


def read(path):
    with open(os.path.join(REPO, path)) as f:
        return f.read()


def test_readme_opens_with_the_run_and_test_commands():
    readme = read("README.md")
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert first_block == [
        "pip install -e . && python examples/mnist.py",
        'pip install -e ".[test]" && python -m pytest -q',
    ]


def test_ci_runs_the_readme_test_command():
    test_command = 'pip install -e ".[test]" && python -m pytest -q'
    lines = [line.strip() for line in read(".ci/run").splitlines()]
    assert test_command in lines


@pytest.mark.parametrize("recipe", ["mnist", "style", "images", "super_resolution", "inpainting"])
def test_readme_flag_tables_are_generated_from_the_configs(recipe):
    from keras_gans.recipes import images
    from keras_gans.recipes import inpainting
    from keras_gans.recipes import mnist
    from keras_gans.recipes import style
    from keras_gans.recipes import super_resolution
    from keras_gans.recipes.plumbing import settings

    module = {
        "mnist": mnist,
        "style": style,
        "images": images,
        "super_resolution": super_resolution,
        "inpainting": inpainting,
    }[recipe]
    config_class = {
        "mnist": mnist.MnistConfig,
        "style": style.StyleConfig,
        "images": images.ImagesConfig,
        "super_resolution": super_resolution.SuperResolutionConfig,
        "inpainting": inpainting.InpaintingConfig,
    }[recipe]
    table = settings.markdown_table(config_class, module.PRESETS, skip=("verbose",))
    assert table.count("\n| `--") > 25
    assert table in read("README.md"), (
        f"The README's {recipe} flag table is out of date; paste the output of\n"
        f"python -c 'from keras_gans.recipes import settings, {recipe}; "
        "print(settings.markdown_table("
        f'{recipe}.{config_class.__name__}, {recipe}.PRESETS, skip=("verbose",)))\''
    )
