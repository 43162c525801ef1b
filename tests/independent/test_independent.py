"""The golden files, reproduced by a second implementation that shares no code with the
one that wrote them (tests/independent/reference.py, written from docs/SPEC.md alone)."""
import ast
import json
import os
import shutil

import pytest

import reference

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(os.path.dirname(os.path.dirname(HERE)), "golden")
NAMES = reference.golden_names(GOLDEN)
LONG = {"long-run.json"}                 # 10,000 iterations: seconds of decimal exp


def test_it_imports_nothing_from_ann_ref():
    with open(reference.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imported = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for a in node.names]
    imported += [node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)]
    assert imported and not [m for m in imported if m and m.split(".")[0] == "ann_ref"]


@pytest.mark.parametrize("name", [n if n not in LONG else
                                  pytest.param(n, marks=pytest.mark.slow) for n in NAMES])
def test_every_golden_trace_is_reproduced_bit_for_bit(name):
    assert reference.first_difference(os.path.join(GOLDEN, name)) is None


def test_a_golden_file_with_one_bit_changed_is_not_reproduced(tmp_path):
    path = str(tmp_path / "article-logistic.json")
    shutil.copy(os.path.join(GOLDEN, "article-logistic.json"), path)
    with open(path) as f:
        document = json.load(f)
    entry = document["trace"][500]["bits"]
    entry["b"] = "%016x" % (int(entry["b"], 16) ^ 1)
    with open(path, "w") as f:
        json.dump(document, f)
    assert reference.first_difference(path).startswith("iteration 500:")


@pytest.mark.parametrize("v, bits", [
    (1.0, 0x4005BF0A8B145769),               # e, the binary64 nearest to it
    (0.0, 0x3FF0000000000000),
    (-745.1332191019411, 0x0000000000000001),     # SPEC §4: the least subnormal
    (-745.1332191019412, 0x0000000000000000),     # just below: 0
    (709.7827128933841, 0x7FF0000000000000),      # SPEC §4: above 709.782712893384, inf
    (float("-inf"), 0), (float("inf"), 0x7FF0000000000000),
])
def test_its_exp_at_the_boundaries_the_spec_gives(v, bits):
    assert reference.bits_of(reference.exp(v)) == bits


def test_its_exp_is_finite_up_to_the_spec_s_last_argument():
    # SPEC §4: 709.782712893384 (40862e42fefa39ef) is the largest argument with a finite
    # result; near 2^1024 the result is within a few hundred ULPs of the largest float
    last = reference.exp(709.782712893384)
    assert last < float("inf") and reference.bits_of(last) >> 52 == 0x7FE


def test_every_result_of_the_exp_table_is_this_exp_s():
    wrong, count = reference.exp_differences(os.path.join(GOLDEN, "exp.json"))
    assert count >= 50 and wrong == []
