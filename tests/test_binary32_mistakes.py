"""The planted mistakes of float32 code (tests/mistakes/single.py): with no part replaced
they give golden/binary32/'s bits, their models of libraries agree with the libraries,
every one is caught by some binary32 golden file, and golden/README.md publishes the
binary32 kill matrix they give."""
import ctypes
import ctypes.util
import json
import os
import random
import struct
from fractions import Fraction

import pytest

from ann_ref.catalogue.binary32 import SCENARIOS as SCENARIOS32
from ann_ref.core.binary32 import exp32
from ann_ref.oracle import models32 as M32
from ann_ref.oracle.causes import BY_ID as CAUSE_RECORDS
from helpers import ROOT
from mistakes import cause, entry
from mistakes.kill import table
from mistakes.single import (BY_ID32, MISTAKES32, available32, bits32, expf_arm, f32, fmaf,
                             matrix32, numpy_sum32, states32, trace_lines32)
from ann_ref.core.single import Single

FOLDER = os.path.join(ROOT, "golden", "binary32")
SPEC = entry("spec", "no mistake")
# rows that depend on the machine's libraries (its libm, NumPy's and PyTorch's builds)
PLATFORM = ("exp:libm", "exp:numpy", "blas-dot:numpy", "sum-order:numpy-sum", "exp:torch",
            "exp:torch-sigmoid", "blas-dot:torch", "sum-order:torch-sum")


def golden(name):
    with open(os.path.join(FOLDER, name + ".json"), encoding="utf-8") as f:
        doc = json.load(f)
    return doc["scenario"], [e["bits"] for e in doc["trace"]]


@pytest.mark.parametrize("name", [s["name"] for s in SCENARIOS32 if s["iterations"] <= 1000])
def test_the_unchanged_step_reproduces_the_golden_file(name):
    scenario, expected = golden(name)              # read from the file: bits, not the code
    got = [{"W": [["%08x" % bits32(u) for u in row] for row in W], "b": "%08x" % bits32(b)}
           for W, b in states32(SPEC, scenario)]
    assert got == expected


def test_ids_name_the_causes_the_diagnosis_names():
    assert len(BY_ID32) == len(MISTAKES32)
    for m in MISTAKES32 + available32():
        for c in cause(m["id"]).split("+"):
            assert c in CAUSE_RECORDS, m["id"]


def test_fmaf_is_the_exact_result_rounded_once():
    rng = random.Random(1)

    def rnd():
        return f32(rng.choice((-1, 1)) * rng.uniform(0.5, 2) * 2.0 ** rng.randint(-140, 60))
    for _ in range(3000):
        p, q, r = rnd(), rnd(), rnd()
        exact = Fraction(p) * Fraction(q) + Fraction(r)
        got = fmaf(p, q, r)
        # the nearest binary32 to exact: no other binary32 is nearer
        below = struct.unpack("<f", struct.pack("<I", bits32(got) - 1))[0] if got else None
        assert abs(Fraction(got) - exact) <= abs(Fraction(f32(float(exact))) - exact)
        assert below is None or abs(Fraction(got) - exact) <= abs(Fraction(below) - exact)
    assert bits32(fmaf(-0.0, 1.0, -0.0)) == 0x80000000 and bits32(fmaf(1.0, -1.0, 1.0)) == 0


def _glibc_expf():
    name = ctypes.util.find_library("m")
    import platform
    libc, version = platform.libc_ver()
    if name is None or libc != "glibc" or tuple(map(int, version.split(".")[:2])) < (2, 28):
        return None
    libm = ctypes.CDLL(name)
    libm.expf.restype, libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]
    return libm.expf


def test_the_expf_model_is_glibcs_expf():
    expf = _glibc_expf()
    if expf is None:
        pytest.skip("glibc 2.28 or later (ARM's expf) is not this machine's C library")
    from ann_ref.catalogue.exptable import HARD32, MISROUNDED_BY_GLIBC
    rng = random.Random(2)
    args = [f32(rng.uniform(-104.0, 89.0)) for _ in range(20000)]
    args += [struct.unpack("<f", struct.pack("<I", rng.randrange(2 ** 32)))[0]
             for _ in range(5000)]
    args += [struct.unpack("<f", struct.pack("<I", int(h, 16)))[0]
             for h in HARD32 + MISROUNDED_BY_GLIBC]
    wrong = [x for x in args if bits32(expf(x)) != bits32(expf_arm(x))]
    assert wrong == []
    # and it misrounds where glibc does
    assert all(bits32(expf_arm(struct.unpack("<f", struct.pack("<I", int(h, 16)))[0])) !=
               bits32(exp32(struct.unpack("<f", struct.pack("<I", int(h, 16)))[0]))
               for h in MISROUNDED_BY_GLIBC)


def test_the_numpy_sum_model_is_numpys_float32_sum():
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    for n in (1, 5, 8, 9, 40, 128, 129, 300):
        terms = [f32(rng.uniform(-1, 1) * 10 ** rng.uniform(-4, 4)) for _ in range(n)]
        expected = float(np.sum(np.array(terms, dtype=np.float32)))
        assert numpy_sum32([Single(t) for t in terms]).v == expected, n
        # and the oracle's model of it (sums.numpy_pairwise on Singles)
        assert M32.numpy_sum([Single(t) for t in terms]).v == expected, n


def test_a_mistake_changes_the_bits_only_where_it_says():
    # the article in binary32 with the threshold: exp is never the deciding part there
    scenario = [s for s in SCENARIOS32 if s["name"] == "article"][0]
    reference = list(states32(SPEC, scenario))
    assert list(states32(BY_ID32["exp:expf"], scenario)) == reference
    assert list(states32(BY_ID32["fused-update"], scenario)) != reference


def test_trace_lines_are_binary32_traces():
    lines = list(trace_lines32([([[0.5]], float("nan")), ([[-0.0]], 1.0)]))
    assert json.loads(lines[0]) == {"iteration": 0, "bits": {"W": [["3f000000"]],
                                                             "b": "7fc00000"}}
    assert json.loads(lines[1])["bits"]["W"] == [["80000000"]]


# --- the kill matrix ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def computed():
    mistakes = MISTAKES32 + available32()
    return mistakes, matrix32(mistakes, SCENARIOS32)


@pytest.mark.slow
def test_every_float32_mistake_is_caught_by_some_binary32_file(computed):
    mistakes, result = computed
    missed = [m["id"] for m in mistakes
              if all(result[(m["id"], s["name"])] is None for s in SCENARIOS32)]
    assert missed == []


@pytest.mark.slow
def test_the_readme_binary32_matrix_is_the_computed_one(computed):
    mistakes, result = computed
    with open(os.path.join(ROOT, "golden", "README.md"), encoding="utf-8") as f:
        readme = f.read()
    part = readme.split("### In binary32", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `"): line for line in part.splitlines()
            if line.startswith("| `")}
    ours = table(result, mistakes, SCENARIOS32)
    for line in ours.splitlines():
        if line.startswith("| `"):
            mistake_id = line.split("|")[1].strip(" `")
            if mistake_id in PLATFORM:
                assert mistake_id in rows, mistake_id
            else:
                assert rows.get(mistake_id) == line, mistake_id
    assert ours.splitlines()[-1] in part                    # the key of the columns
