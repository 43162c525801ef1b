"""Every modelled mistake is caught by some golden file, and golden/README.md publishes
the matrix the mistakes give today."""
import os
import sys

import pytest

from ann_ref.catalogue.scenarios import SCENARIOS
from mistakes import MISTAKES
from mistakes.kill import matrix, table
from helpers import ROOT

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mistakes_external import available  # noqa: E402

# rows that depend on the machine's libraries (its libm, NumPy's build, V8)
PLATFORM = ("exp:libm", "exp+fused-update:libm", "exp:pow", "sigmoid-form:tanh",
            "exp:numpy", "exp:v8", "blas-dot:numpy", "blas-dot:ddot")


@pytest.fixture(scope="module")
def computed():
    mistakes = MISTAKES + available()
    return mistakes, matrix(mistakes, SCENARIOS)


@pytest.mark.slow
def test_every_mistake_is_caught_by_some_golden_file(computed):
    mistakes, result = computed
    missed = [m["id"] for m in mistakes
              if all(result[(m["id"], s["name"])] is None for s in SCENARIOS)]
    assert missed == []


@pytest.mark.slow
def test_the_readme_matrix_is_the_computed_one(computed):
    mistakes, result = computed
    with open(os.path.join(ROOT, "golden", "README.md"), encoding="utf-8") as f:
        readme = f.read().split("### In binary32")[0]     # binary32's own table follows
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines()
            if line.startswith("| `")}
    ours = {line.split("|")[1].strip(" `"): line
            for line in table(result, mistakes, SCENARIOS).splitlines()
            if line.startswith("| `")}
    for mistake_id, line in ours.items():
        if mistake_id in PLATFORM:
            assert mistake_id in rows, mistake_id
        else:
            assert rows.get(mistake_id) == line, mistake_id
    assert table(result, mistakes, SCENARIOS).splitlines()[-1] in readme   # the key
