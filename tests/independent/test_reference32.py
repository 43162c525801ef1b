"""golden/exp32.json and every file of golden/binary32/, reproduced by a second
implementation of the binary32 contract that shares no code with the one that wrote them
(tests/independent/reference32.py)."""
import ast
import json
import math
import os
import shutil

import pytest

import reference32

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "golden", "exp32.json")


def test_it_imports_nothing_from_ann_ref():
    with open(reference32.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imported = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for a in node.names]
    imported += [node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)]
    assert imported and not [m for m in imported if m and m.split(".")[0] == "ann_ref"]


def test_every_result_of_the_exp32_table_is_this_exp32_s():
    wrong, count = reference32.exp32_differences(TABLE)
    assert count >= 60 and wrong == []


def test_a_table_with_one_bit_changed_is_not_reproduced(tmp_path):
    path = str(tmp_path / "exp32.json")
    shutil.copy(TABLE, path)
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    vector = document["vectors"][-1]
    vector["result"] = "%08x" % (int(vector["result"], 16) ^ 1)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f)
    wrong, _ = reference32.exp32_differences(path)
    assert len(wrong) == 1 and vector["argument"] in wrong[0]


@pytest.mark.parametrize("h, bits", [
    ("3f800000", 0x402DF854),                 # e, the binary32 nearest to it
    ("42b17217", 0x7F7FFF84), ("42b17218", 0x7F800000),   # the last finite result, then inf
    ("c2cff1b4", 0x00000001), ("c2cff1b5", 0x00000000),   # the least subnormal, then 0
    ("c16912cd", 0x34FD331B),                 # e^x 2^-28.66 ULP above a midpoint
    ("7f800000", 0x7F800000), ("ff800000", 0), ("7fc00000", 0x7FC00000),
])
def test_its_exp32_at_known_points(h, bits):
    assert reference32.bits32_of(reference32.exp32(reference32.float32_of(h))) == bits


# --- golden/binary32/: every trace, from docs/SPEC.md §10 alone ---------------------------

FOLDER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "golden", "binary32")
NAMES = reference32.golden_names(FOLDER)
LONG = {"long-run.json", "real-valued-logistic.json", "real-valued-threshold.json",
        "multi-output-logistic.json", "multi-output-threshold.json", "article-logistic.json",
        "article.json", "sigmoid-saturation-logistic.json", "sigmoid-saturation-threshold.json"}


def test_the_catalogue_is_there():
    assert len(NAMES) >= 20 and "article.json" in NAMES and "sigmoid-probe.json" in NAMES


@pytest.mark.parametrize("name", [n if n not in LONG else
                                  pytest.param(n, marks=pytest.mark.slow) for n in NAMES])
def test_every_golden_binary32_trace_is_reproduced_bit_for_bit(name):
    assert reference32.first_difference(os.path.join(FOLDER, name)) is None


def test_a_binary32_file_with_one_bit_changed_is_not_reproduced(tmp_path):
    path = str(tmp_path / "multi-output-logistic.json")
    shutil.copy(os.path.join(FOLDER, "multi-output-logistic.json"), path)
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    entry = document["trace"][150]["bits"]
    entry["W"][1][2] = "%08x" % (int(entry["W"][1][2], 16) ^ 1)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f)
    assert reference32.first_difference(path).startswith("iteration 150:")


@pytest.mark.parametrize("op, u, v, bits", [
    ("add", 1.0, 2.0 ** -24, 0x3F800000),             # a tie: to even, 1
    ("add", 1.0 + 2.0 ** -23, 2.0 ** -24, 0x3F800002),  # a tie: to even, up
    ("add", -0.0, -0.0, 0x80000000), ("add", -0.0, 0.0, 0x00000000),
    ("sub", 1.5, 1.5, 0x00000000),
    ("mul", 2.0 ** -75, 2.0 ** -75, 0x00000000),       # 2^-150: a tie, to even, 0
    ("mul", -(2.0 ** -75), 1.5 * 2.0 ** -75, 0x80000001),   # 0.75 of the least subnormal
    ("mul", 3 * 2.0 ** -149, 0.5, 0x00000002),         # 1.5 of it: a tie, to even
    ("mul", 2.0 ** 64, 2.0 ** 64, 0x7F800000), ("mul", math.inf, 0.0, 0x7FC00000),
    ("div", 1.0, 3.0, 0x3EAAAAAB), ("div", -1.0, 0.0, 0xFF800000),
    ("div", 0.0, 0.0, 0x7FC00000), ("div", 2.0 ** -149, 2.0, 0x00000000),
])
def test_its_binary32_operations_at_the_edges(op, u, v, bits):
    assert reference32.bits32_of(getattr(reference32, op)(u, v)) == bits
