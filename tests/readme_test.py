"""The README's two commands are what CI and newcomers run: keep them honest."""

import os
import re

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
