"""docs/TUTORIAL.md tells the truth: it shows commands (tests/test_readme.py runs each of
them, and those of the README, and compares their output), and the pictures it shows
are current."""
import os

import pytest

from doccommands import commands
from helpers import ROOT, cli

TUTORIAL = os.path.join(ROOT, "docs", "TUTORIAL.md")
SHOWN = commands(TUTORIAL)


def test_the_tutorial_shows_commands():
    assert len(SHOWN) >= 10


@pytest.mark.parametrize("name, args", [("gate-xor.svg", ["golden/gate-xor.json"])])
def test_the_pictures_it_shows_are_current(tmp_path, name, args):
    # docs/article.svg: tests/test_plot.py
    out = tmp_path / name
    status, _, err = cli("plot", *args, "-o", str(out))
    assert status == 0, err
    with open(os.path.join(ROOT, "docs", name), "rb") as f:
        assert f.read() == out.read_bytes(), \
            "docs/%s is stale: run the command of docs/TUTORIAL.md that writes it" % name


def _readme_for_learners():
    """The commands of the README's section for learners."""
    readme = os.path.join(ROOT, "README.md")
    with open(readme, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = lines.index("## For learners: every step, your own data, pictures") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("## ")) + 1
    return [c for c in commands(readme) if start <= c[0] <= end]


README_SHOWN = _readme_for_learners()


def test_the_readmes_section_for_learners_shows_a_command():
    assert README_SHOWN
