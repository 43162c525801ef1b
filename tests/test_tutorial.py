"""docs/TUTORIAL.md tells the truth: each command it shows is run and its output compared
(one test per command, so each stays short), and the pictures it shows are current."""
import os

import pytest

from doccommands import commands, matches, run
from helpers import ROOT, cli

TUTORIAL = os.path.join(ROOT, "docs", "TUTORIAL.md")
SHOWN = commands(TUTORIAL)


def test_the_tutorial_shows_commands():
    assert len(SHOWN) >= 10


@pytest.mark.parametrize("line, command, expected", SHOWN,
                         ids=["line %d" % line for line, _, _ in SHOWN])
def test_each_command_prints_what_the_tutorial_shows(line, command, expected):
    obtained = run(command)
    assert matches(expected, obtained), "docs/TUTORIAL.md:%d: `%s` printed:\n%s" % (
        line, command, "\n".join(obtained))


@pytest.mark.parametrize("name, args", [("gate-xor.svg", ["golden/gate-xor.json"])])
def test_the_pictures_it_shows_are_current(tmp_path, name, args):
    # docs/article.svg: tests/test_plot.py
    out = tmp_path / name
    status, _, err = cli("plot", *args, "-o", str(out))
    assert status == 0, err
    with open(os.path.join(ROOT, "docs", name), "rb") as f:
        assert f.read() == out.read_bytes(), \
            "docs/%s is stale: run the command of docs/TUTORIAL.md that writes it" % name
