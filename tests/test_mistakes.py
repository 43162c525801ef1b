"""The planted mistakes (tests/mistakes): with no part replaced they are the contract
(the golden files' bits), each mistake changes what it says and nothing else, and the
models of real libraries agree with the libraries."""
import glob
import json
import os
import random
import struct
import subprocess
import sys

import pytest

from ann_ref.catalogue.scenarios import BY_NAME, SCENARIOS
from ann_ref.core.arithmetic import BINARY64
from ann_ref.oracle.causes import BY_ID as CAUSE_RECORDS
from helpers import ROOT
from mistakes import BY_ID, MISTAKES, cause, entry, states, trace_lines
import mistakes as v
from mistakes import arithmetic as ar

SPEC = entry("spec", "no mistake")



def bits(u):
    return struct.unpack("<Q", struct.pack("<d", u))[0]


def golden_bits(name):
    with open(os.path.join(ROOT, "golden", name + ".json"), encoding="utf-8") as f:
        doc = json.load(f)
    return doc["scenario"], [e["bits"] for e in doc["trace"]]


@pytest.mark.parametrize("name", [s["name"] for s in SCENARIOS if s["iterations"] <= 1000])
def test_the_unchanged_step_reproduces_the_golden_file(name):
    scenario, expected = golden_bits(name)        # read from the file: bits, not the code
    got = [{"W": [["%016x" % bits(u) if u == u else "7ff8000000000000" for u in row]
                  for row in W], "b": "%016x" % bits(b) if b == b else "7ff8000000000000"}
           for W, b in states(SPEC, scenario)]
    assert got == expected


def test_ids_name_the_causes_the_diagnosis_names():
    assert len(BY_ID) == len(MISTAKES)
    for m in MISTAKES:
        for part in cause(m["id"]).split("+"):
            assert part in CAUSE_RECORDS, m["id"]
        parts = cause(m["id"]).split("+")
        assert parts == sorted(parts), m["id"]          # pairs in alphabetical order
        assert m["description"] and (m["parts"] or m["numbers"])


def test_fma_emulation_keeps_the_signs_of_zero():
    ar.use_math_fma(False)
    try:
        assert bits(ar.fused_multiply_add(-1.0, 0.0, -0.0)) == bits(-0.0)     # −0 + −0
        assert bits(ar.fused_multiply_add(-1.0, 0.0, 0.0)) == bits(0.0)       # −0 + +0
        assert bits(ar.fused_multiply_add(2.0, 3.0, -6.0)) == bits(0.0)       # x − x = +0
        assert bits(ar.fused_multiply_add(-2.0 ** -600, 2.0 ** -600, 0.0)) == bits(-0.0)   # underflow
        assert ar.fused_multiply_add(1.0 + 2.0 ** -52, 1.0 - 2.0 ** -52, -1.0) == -2.0 ** -104
        assert ar.fused_multiply_add(2.0 ** -1074, 0.5, 0.0) == 0.0           # a tie to even, once
        assert ar.fused_multiply_add(3 * 2.0 ** -1074, 0.5, 0.0) == 2 * 2.0 ** -1074
        assert ar.fused_multiply_add(1e200, -1e200, float("inf")) == float("inf")   # p·q exact, finite
    finally:
        ar.use_math_fma(True)


PY313 = sorted(glob.glob("/root/.pyenv/versions/3.13*/bin/python3"))   # has math.fma


@pytest.mark.slow
@pytest.mark.skipif(not PY313, reason="no Python 3.13 (math.fma)")
def test_fma_emulation_is_math_fma():
    code = r"""
import math, random, struct, sys
sys.path.insert(0, %r)
sys.path.insert(0, %r)
from mistakes import arithmetic as ar
ar.use_math_fma(False)
rng = random.Random(5)
for i in range(100000):
    v = [rng.choice([1, -1]) * rng.random() * 2.0 ** rng.randint(-1080, 1000) for _ in range(3)]
    if i %% 3 == 0: v[2] = -v[0] * v[1]
    if i %% 7 == 0: v[rng.randrange(3)] = rng.choice([0.0, -0.0])
    try: want = math.fma(*v)
    except OverflowError: continue
    got = ar.fused_multiply_add(*v)
    assert struct.pack('<d', got) == struct.pack('<d', want), (v, got, want)
print('ok')
""" % (ROOT, os.path.join(ROOT, "tests"))
    out = subprocess.run([PY313[0], "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_x87_rounds_twice_and_pc53_only_for_subnormals():
    x87, pc53 = ar.Register, v.Register53
    # 1 + 2^-53 + 2^-64: 64 bits keep it; stored, the tie rounds to even: 1.0; once: up
    third = 2.0 ** -53 + 2.0 ** -64
    assert (x87.of(1.0) + x87.of(third)).store() == 1.0 and 1.0 + third == 1.0 + 2.0 ** -52
    assert (pc53.of(1.0) + pc53.of(third)).store() == 1.0 + 2.0 ** -52
    # a subnormal product 2^-1075·(1 + 2^-53 − 2^-105): just above half the least
    # subnormal, so once rounded it is 2^-1074; at 53 bits it is first 2^-1075, a tie,
    # which the store rounds to even: 0
    p, q = 2.0 ** -1000 * (1 + 2.0 ** -52), 2.0 ** -75 * (1 - 2.0 ** -53)
    assert p * q == 2.0 ** -1074
    assert bits((pc53.of(p) * pc53.of(q)).store()) == 0


def test_numpy_models_match_numpy():
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(1, 300)
        u = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        w = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        assert v.numpy_reduce(u) == float(np.add.reduce(np.array(u)))
        e = [u, w]
        assert v.numpy_reduce(u + w) == float(np.sum(np.array(e)))
    assert struct.pack("<d", v.numpy_reduce([-0.0, -0.0])) == struct.pack(
        "<d", float(np.sum(np.array([-0.0, -0.0]))))


def test_ddot_model_is_this_machines_np_dot():
    np = pytest.importorskip("numpy")
    rng = random.Random(4)
    same = 0
    for _ in range(200):
        n = rng.randint(1, 100)
        u = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        w = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        same += v.ddot_skylakex(u, w) == float(np.dot(np.array(u), np.array(w)))
    if same != 200:
        pytest.skip("this machine's OpenBLAS does not use the AVX-512 ddot kernel")


def part(mistake_id, name, *args):
    """One part of a mistake, against the contract's same part."""
    from ann_ref.core.model import PARTS
    got = BY_ID[mistake_id]["parts"][name](BINARY64, *args)
    return got, PARTS[name](BINARY64, *args)


def test_one_mistake_changes_what_it_says():
    # z = W·x + b of two features 2^-53 (x = 1) and b = 1: b last keeps both halves
    got, spec = part("bias-first", "z", [[2.0 ** -53], [2.0 ** -53]], 1.0, [[1.0], [1.0]])
    assert got == [[1.0]] and spec == [[1.0 + 2.0 ** -52]]
    got, spec = part("sum-from-zero", "db", [[-0.0, -0.0]], 1.0, True)
    assert bits(got) == bits(0.0) and bits(spec) == bits(-0.0)
    got, spec = part("threshold-strict", "y_pred", [[0.5]])
    assert got == [[0.0]] and spec == [[1.0]]
    got, spec = part("division-by-reciprocal", "db", [[7.0]], 10.0, True)
    assert got != spec == 7.0 / 10.0                            # 7·0.1 ≠ 7/10
    assert (v.F32(1.0) + v.F32(2.0 ** -30)).v == 1.0
    assert (v.Flushed(2.0 ** -1000) * v.Flushed(2.0 ** -40)).v == 0.0
    # by columns the two halves of an ULP meet before the 1; by rows each is lost
    got, spec = part("sum-order:column-major", "db", [[2.0 ** -53, 1.0], [2.0 ** -53, 0.0]],
                     1.0, True)
    assert got == 1.0 + 2.0 ** -52 and spec == 1.0


def test_the_article_numpy_loop_gives_plus_zero_where_the_spec_gives_minus_zero():
    s = BY_NAME["negative-zero"]
    plain, integer = list(states("sum-from-zero", s)), list(states("integer-error", s))
    reference = list(states(SPEC, s))
    def signs(st):
        return [bits(u) for W, b in st for row in W for u in row]
    assert signs(integer) != signs(reference)
    assert all(u == r for (W1, _), (W2, _) in zip(integer, reference)
               for a, c in zip(W1, W2) for u, r in zip(a, c))   # equal as numbers
    assert plain


def test_trace_lines_are_the_trace_format(tmp_path):
    s = BY_NAME["article"]
    path = tmp_path / "trace.jsonl"
    path.write_text("".join(trace_lines(states("threshold-strict", s))))
    out = subprocess.run([sys.executable, "-m", "ann_ref", "verify",
                          os.path.join(ROOT, "golden", "article.json"), str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1 and "Traceback" not in out.stderr


def test_gemm_model_is_np_dot_of_small_matrices():
    np = pytest.importorskip("numpy")
    rng = random.Random(6)
    def r():
        return rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5)
    same = total = 0
    for O, F, S in ((2, 3, 20), (3, 2, 4), (2, 2, 9)):
        for _ in range(20):
            Wt = [[r() for _ in range(F)] for _ in range(O)]
            x = [[r() for _ in range(S)] for _ in range(F)]
            Z = np.dot(np.array(Wt), np.array(x)).tolist()
            for o in range(O):
                for j in range(S):
                    total += 1
                    same += Z[o][j] == v.fma_dot(Wt[o], [x[f][j] for f in range(F)], 0.0)
    if same != total:
        pytest.skip("this machine's BLAS sums small matrix products in another order")
