"""Every command that README.md and docs/*.md show, run, with its output compared to
what they show (tests/doccommands.py), so that a later change cannot make them lie."""
import glob
import os

import pytest

from doccommands import commands, matches, run
from helpers import ROOT

DOCUMENTS = ["README.md"] + sorted(os.path.relpath(p, ROOT)
                                   for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))
SHOWN = [(doc, line, command, expected) for doc in DOCUMENTS
         for line, command, expected in commands(os.path.join(ROOT, doc))]


def test_the_readme_shows_commands_and_their_output():
    shown = [s for s in SHOWN if s[0] == "README.md"]
    assert len(shown) >= 6                         # the examples are there to be run
    assert all(expected for _, _, command, expected in shown)   # each shows its output


# a shown command that goes through the whole catalogue (golden check regenerates 51
# files, 5 s; verify golden/ runs a pure-Python backend on 22, 2 s) runs with -m slow;
# .ci/run also runs golden check on every CPython
WHOLE = ("golden check", "verify golden/ ")
CASES = [pytest.param(*s, marks=pytest.mark.slow) if any(w in s[2] for w in WHOLE) else s
         for s in SHOWN]


@pytest.mark.parametrize("doc, line, command, expected", CASES,
                         ids=["%s:%d" % (doc, line) for doc, line, _, _ in SHOWN])
def test_a_shown_command_prints_what_the_document_shows(doc, line, command, expected):
    obtained = run(command)
    assert matches(expected, obtained), "%s:%d: `%s` printed:\n%s\nbut the document shows:\n%s" % (
        doc, line, command, "\n".join(obtained), "\n".join(expected))
