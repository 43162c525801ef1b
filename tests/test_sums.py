"""The diagnosis's models of other sums (ann_ref/oracle/sums.py) against the real
libraries: NumPy's np.sum, OpenBLAS's ddot and dgemm through np.dot (each kernel forced
with OPENBLAS_CORETYPE, so that the comparison does not depend on which one this CPU
picks), CPython 3.12's sum() and math.fsum. A model that no longer gives a library's
bits fails here; none of these tests skips on a machine that has the library."""
import glob
import json
import math
import os
import random
import subprocess
import sys

import pytest

from ann_ref.oracle import sums
from helpers import ROOT

np = pytest.importorskip("numpy")
CPU = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""


def vectors(seed, count, longest):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, longest)
        out.append([rng.choice((-1, 1)) * rng.uniform(1, 2) * 2.0 ** rng.randint(-30, 30)
                    for _ in range(n)])
    return out


def bits(v):
    return repr(v) if v != v else float.hex(v)


def test_numpy_sum_is_zero_plus_the_pairwise_sum():
    for terms in vectors(1, 300, 300) + [[-0.0] * n for n in (1, 7, 8, 9, 130)]:
        assert bits(sums.numpy_sum(terms)) == bits(float(np.sum(np.array(terms)))), terms


def test_numpy_sum_along_a_row_is_the_same_reduction():
    for a, b in zip(*(2 * [iter(vectors(2, 200, 150))])):
        n = min(len(a), len(b))
        rows = np.array([a[:n], b[:n]])
        got = rows.sum(axis=1)
        assert bits(sums.numpy_sum(a[:n])) == bits(float(got[0]))
        assert bits(sums.numpy_sum(b[:n])) == bits(float(got[1]))


def test_exact_is_math_fsum():
    for terms in vectors(3, 300, 60) + [[-0.0, -0.0], [1e308, -1e308, 5.0]]:
        assert bits(sums.exact(terms)) == bits(math.fsum(terms)), terms


def numpy_in_a_process(coretype, code):
    """Run code (it prints JSON) in a Python whose OpenBLAS uses the kernel coretype."""
    env = dict(os.environ, OPENBLAS_CORETYPE=coretype, OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


DDOT = """
import json, random
import numpy as np
rng = random.Random(4)
rows = []
for _ in range(300):
    n = rng.randint(1, 100)
    u = [rng.choice((-1, 1)) * rng.uniform(1, 2) * 2.0 ** rng.randint(-30, 30) for _ in range(n)]
    v = [rng.choice((-1, 1)) * rng.uniform(1, 2) * 2.0 ** rng.randint(-30, 30) for _ in range(n)]
    rows.append([u, v, float(np.dot(np.array(u), np.array(v)))])
print(json.dumps(rows))
"""

GEMM = """
import json, random
import numpy as np
rng = random.Random(6)
rows = []
for O, F, S in ((2, 3, 20), (3, 2, 4), (2, 2, 9), (4, 9, 40), (2, 20, 5)):
    for _ in range(10):
        A = [[rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(F)] for _ in range(O)]
        B = [[rng.uniform(-1, 1) * 10 ** rng.randint(-5, 5) for _ in range(S)] for _ in range(F)]
        rows.append([A, B, np.dot(np.array(A), np.array(B)).tolist()])
print(json.dumps(rows))
"""

KERNELS = [("Haswell", sums.ddot_haswell, "avx2"), ("SkylakeX", sums.ddot_skylakex, "avx512f")]


@pytest.mark.parametrize("coretype, model, flag", KERNELS, ids=[k[0] for k in KERNELS])
def test_the_ddot_models_are_openblas_ddot(coretype, model, flag):
    if flag not in CPU:
        pytest.skip("this CPU cannot run OpenBLAS's %s kernel (no %s)" % (coretype, flag))
    wrong = [(u, v) for u, v, got in numpy_in_a_process(coretype, DDOT)
             if bits(model(list(zip(u, v)))) != bits(got)]
    assert not wrong, "%d of 300 dot products differ" % len(wrong)


@pytest.mark.parametrize("coretype", ["Haswell", "SkylakeX"])
def test_the_gemm_model_is_openblas_dgemm_of_small_matrices(coretype):
    # shapes that go through the kernels modelled; SkylakeX's small-matrix kernels take
    # others (3 × 31 by 31 × 2, say) in lanes (not modelled: the experiments name them
    # by what they do)
    if {"Haswell": "avx2", "SkylakeX": "avx512f"}[coretype] not in CPU:
        pytest.skip("this CPU cannot run OpenBLAS's %s kernel" % coretype)
    for A, B, C in numpy_in_a_process(coretype, GEMM):
        for o, row in enumerate(C):
            for j, got in enumerate(row):
                pairs = [(A[o][f], B[f][j]) for f in range(len(B))]
                assert bits(sums.gemm(pairs)) == bits(got), (len(A), len(B), len(B[0]))


PY312 = sorted(glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin/python3"))


def test_python_sum_is_cpython_312s_sum():
    if sys.version_info >= (3, 12):
        python = sys.executable
    elif PY312:
        python = PY312[0]
    else:
        pytest.skip("no CPython 3.12 or later here: its sum() is the one modelled")
    cases = vectors(5, 300, 40) + [[-0.0] * 3, [float("inf"), 1.0], [1e308, 1e308, -1e308]]
    code = "import json, sys; print(json.dumps([repr(sum(t)) for t in json.load(sys.stdin)]))"
    out = subprocess.run([python, "-c", code], input=json.dumps(cases), capture_output=True,
                         text=True, check=True)
    for terms, got in zip(cases, json.loads(out.stdout)):
        assert repr(sums.python_sum(terms)) == got, terms
