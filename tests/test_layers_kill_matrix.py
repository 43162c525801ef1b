"""Every modelled mistake of a backend on a network of layers is caught by some layered
golden file (golden/layers/), and golden/README.md publishes the matrix they give today."""
import os
import sys

import pytest

from ann_ref.catalogue.layers import SCENARIOS
from helpers import ROOT
from mistakes.layers import BACKPROP, EXCLUDED, caught, matrix, mistakes, table

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mistakes_external import available  # noqa: E402

# rows that depend on the machine's libraries (its libm, NumPy's build, V8)
PLATFORM = ("exp:libm", "exp+fused-update:libm", "exp:pow", "sigmoid-form:tanh",
            "exp:numpy", "exp:v8", "blas-dot:numpy", "blas-dot:ddot")


@pytest.fixture(scope="module")
def computed():
    found = mistakes(available())
    return found, matrix(found, SCENARIOS)


def published():
    with open(os.path.join(ROOT, "golden", "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("### The kill matrix of the layered catalogue")
    return text[start:text.index("\n## ", start)]


def rows(text):
    """{mistake id: line} of a table whose rows are | part | `id` | ... |."""
    return {line.split("|")[2].strip(" `"): line for line in text.splitlines()
            if line.startswith("| ") and line.count("|") > 3 and "`" in line.split("|")[2]}


@pytest.mark.slow
def test_every_layered_mistake_is_caught_by_some_layered_file(computed):
    found, result = computed
    assert [m["id"] for m in found if not caught(result, m["id"], SCENARIOS)] == []


@pytest.mark.slow
def test_the_readme_matrix_is_the_computed_one(computed):
    found, result = computed
    text = published()
    ours = table(result, found, SCENARIOS)
    theirs = rows(text)
    for mistake_id, line in rows(ours).items():
        if mistake_id in PLATFORM:
            assert mistake_id in theirs, mistake_id
        else:
            assert theirs.get(mistake_id) == line, mistake_id
    assert ours.splitlines()[-1] in text                      # the key of the columns


def test_the_readme_lists_every_backpropagation_mistake_and_says_what_is_left_out():
    text = published()
    for m in BACKPROP:
        assert "`%s`" % m["id"] in rows(text)[m["id"]]
    for mistake_id in EXCLUDED:
        assert "`%s`" % mistake_id in text and mistake_id not in rows(text)


def test_a_mistake_that_cannot_be_made_is_marked_so():
    # a transposed W needs a square W to carry the error through: xor.json has none
    xor = [s for s in SCENARIOS if s["name"] == "xor"]
    m = [m for m in BACKPROP if m["id"] == "transposed-W"]
    assert "| – |" in table(matrix(m, xor), m, xor)
