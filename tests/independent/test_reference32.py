"""golden/exp32.json, reproduced by a second exp32 that shares no code with the one that
wrote it (tests/independent/reference32.py)."""
import ast
import json
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
