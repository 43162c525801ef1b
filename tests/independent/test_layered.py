"""The layered golden files (golden/layers/), reproduced by a second implementation of
docs/SPEC.md §9 that shares no code with the one that wrote them
(tests/independent/layered.py)."""
import ast
import json
import os
import shutil

import pytest

import layered
import reference

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "golden", "layers")
NAMES = reference.golden_names(LAYERS)
LONG = {"xor-wide.json", "xor-deep.json"}   # thousands of decimal exps each: seconds


@pytest.mark.parametrize("module", [layered, reference])
def test_it_imports_nothing_from_ann_ref(module):
    with open(module.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imported = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for a in node.names]
    imported += [node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)]
    assert imported and not [m for m in imported if m and m.split(".")[0] == "ann_ref"]


def test_the_layered_catalogue_is_there():
    assert {"xor.json", "xor-wide.json", "xor-deep.json"} <= set(NAMES)


@pytest.mark.parametrize("name", [n if n not in LONG else
                                  pytest.param(n, marks=pytest.mark.slow) for n in NAMES])
def test_every_layered_golden_trace_is_reproduced_bit_for_bit(name):
    assert layered.first_difference(os.path.join(LAYERS, name)) is None


def test_a_layered_file_with_one_bit_changed_is_not_reproduced(tmp_path):
    path = str(tmp_path / "xor.json")
    shutil.copy(os.path.join(LAYERS, "xor.json"), path)
    with open(path) as f:
        document = json.load(f)
    hidden = document["trace"][300]["bits"]["layers"][0]
    hidden["b"][1][0] = "%016x" % (int(hidden["b"][1][0], 16) ^ 1)
    with open(path, "w") as f:
        json.dump(document, f)
    assert layered.first_difference(path).startswith("iteration 300:")


def test_the_sums_start_from_their_first_term():
    # −0.0 + −0.0 is −0.0; a sum started from +0.0 would give +0.0 (SPEC §9)
    assert reference.bits_of(layered.running_sum([-0.0, -0.0])) == 0x8000000000000000
