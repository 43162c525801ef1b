"""The mistakes of ann_ref.oracle.mistakes: the unchanged step is the spec (it reproduces
the golden files' bits), each mistake changes what it says and nothing else, and the
models of real libraries agree with the libraries."""
import json
import os
import random
import shutil
import struct
import subprocess
import sys

import pytest

from ann_ref.catalogue.scenarios import BY_NAME, SCENARIOS
from ann_ref.oracle.mistakes import BY_ID, MISTAKES, cause, states, trace_lines
from ann_ref.oracle.mistakes import arithmetic as ar
from ann_ref.oracle.mistakes import variants as v
from ann_ref.oracle.mistakes.step import Spec
from helpers import ROOT

CAUSES = {"exp", "bias-first", "sum-from-zero", "sum-order", "fma", "fused-update", "float32",
          "extended-precision", "flush-subnormals", "division-by-reciprocal",
          "threshold-strict", "sigmoid-form", "blas-dot", "reassociation", "integer-error"}


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
           for W, b in states(Spec(), scenario)]
    assert got == expected


def test_ids_name_the_causes_the_diagnosis_names():
    assert len(BY_ID) == len(MISTAKES)
    for m in MISTAKES:
        for part in cause(m["id"]).split("+"):
            assert part in CAUSES, m["id"]
        parts = cause(m["id"]).split("+")
        assert parts == sorted(parts), m["id"]          # pairs in alphabetical order
        assert m["description"] and callable(m["make"])


def test_fma_emulation_keeps_the_signs_of_zero():
    ar.use_math_fma(False)
    try:
        assert bits(ar.fma(-1.0, 0.0, -0.0)) == bits(-0.0)     # −0 + −0
        assert bits(ar.fma(-1.0, 0.0, 0.0)) == bits(0.0)       # −0 + +0
        assert bits(ar.fma(2.0, 3.0, -6.0)) == bits(0.0)       # x − x = +0
        assert bits(ar.fma(-2.0 ** -600, 2.0 ** -600, 0.0)) == bits(-0.0)   # underflow
        assert ar.fma(1.0 + 2.0 ** -52, 1.0 - 2.0 ** -52, -1.0) == -2.0 ** -104
        assert ar.fma(2.0 ** -1074, 0.5, 0.0) == 0.0           # a tie to even, once
        assert ar.fma(3 * 2.0 ** -1074, 0.5, 0.0) == 2 * 2.0 ** -1074
    finally:
        ar.use_math_fma(True)


PY313 = [p for p in (shutil.which("python3.13"), "/root/.pyenv/versions/3.13/bin/python3")
         if p and os.path.exists(p)] + [
    os.path.join("/root/.pyenv/versions", d, "bin/python3")
    for d in (os.listdir("/root/.pyenv/versions") if os.path.isdir("/root/.pyenv/versions")
              else []) if d.startswith("3.13")]


@pytest.mark.slow
@pytest.mark.skipif(not PY313, reason="no Python 3.13 (math.fma)")
def test_fma_emulation_is_math_fma():
    code = r"""
import math, random, struct, sys
sys.path.insert(0, %r)
from ann_ref.oracle.mistakes import arithmetic as ar
ar.use_math_fma(False)
rng = random.Random(5)
for i in range(100000):
    v = [rng.choice([1, -1]) * rng.random() * 2.0 ** rng.randint(-1080, 1000) for _ in range(3)]
    if i %% 3 == 0: v[2] = -v[0] * v[1]
    if i %% 7 == 0: v[rng.randrange(3)] = rng.choice([0.0, -0.0])
    try: want = math.fma(*v)
    except OverflowError: continue
    got = ar.fma(*v)
    assert struct.pack('<d', got) == struct.pack('<d', want), (v, got, want)
print('ok')
""" % ROOT
    out = subprocess.run([PY313[0], "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_x87_rounds_twice_and_pc53_only_for_subnormals():
    x87, pc53 = v.Extended(64), v.Extended(53)
    # 1 + 2^-53 + 2^-64: 64 bits keep it; stored, the tie rounds to even: 1.0; once: up
    third = 2.0 ** -53 + 2.0 ** -64
    assert v._store(x87.add(1.0, third)) == 1.0 and 1.0 + third == 1.0 + 2.0 ** -52
    assert v._store(pc53.add(1.0, third)) == 1.0 + 2.0 ** -52
    # a subnormal product 2^-1075·(1 + 2^-53 − 2^-105): just above half the least
    # subnormal, so once rounded it is 2^-1074; at 53 bits it is first 2^-1075, a tie,
    # which the store rounds to even: 0
    p, q = 2.0 ** -1000 * (1 + 2.0 ** -52), 2.0 ** -75 * (1 - 2.0 ** -53)
    assert p * q == 2.0 ** -1074
    assert bits(v._store(pc53.mul(p, q))) == 0


def test_numpy_models_match_numpy():
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    add = lambda p, q: p + q                                # noqa: E731
    for _ in range(200):
        n = rng.randint(1, 300)
        u = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        w = [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(n)]
        assert v.numpy_reduce(add, u) == float(np.add.reduce(np.array(u)))
        e = [u, w]
        assert v.numpy_reduce(add, u + w) == float(np.sum(np.array(e)))
    assert struct.pack("<d", v.numpy_reduce(add, [-0.0, -0.0])) == struct.pack(
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


def test_one_mistake_changes_what_it_says():
    spec, x, y = Spec(), [[1.0, 2.0]], [[0.0, 1.0]]
    assert v.BiasFirst().weighted_sum([2.0 ** -53, 2.0 ** -53], [1.0, 1.0], 1.0) == 1.0
    assert spec.weighted_sum([2.0 ** -53, 2.0 ** -53], [1.0, 1.0], 1.0) == 1.0 + 2.0 ** -52
    assert bits(v.SumFromZero().sum([-0.0, -0.0])) == bits(0.0)
    assert bits(spec.sum([-0.0, -0.0])) == bits(-0.0)
    assert v.StrictThreshold().predict(0.5) == 0.0 and spec.predict(0.5) == 1.0
    assert v.Reciprocal().mean(7.0, 10.0) != 7.0 / 10.0          # 7·0.1 ≠ 7/10
    assert v.Float32().add(1.0, 2.0 ** -30) == 1.0
    assert v.FlushSubnormals().mul(2.0 ** -1000, 2.0 ** -40) == 0.0
    assert v.IntegerError().step(x, y, [[-0.0]], 0.0, 0.5, False) is not None
    assert v.ColumnMajorDB().db_total([[1.0, 2.0 ** -53], [2.0 ** -53, 0.0]]) == 1.0
    assert spec.db_total([[1.0, 2.0 ** -53], [2.0 ** -53, 0.0]]) == 1.0


def test_the_article_numpy_loop_gives_plus_zero_where_the_spec_gives_minus_zero():
    s = BY_NAME["negative-zero"]
    plain, integer = list(states("sum-from-zero", s)), list(states("integer-error", s))
    reference = list(states(Spec(), s))
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
