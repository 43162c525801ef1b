"""The diagnosis by experiment of binary32 files (ann_ref/oracle/experiment32.py).

The designs are checked against tests/independent/reference32.py, which shares no code
with ann_ref: each must put exactly the part it is for into the state after one update.
The diagnosis is checked on float32 mistakes planted independently of it
(tests/mistakes/single.py), served as backends by tests/mistakes/serve.py."""
import json
import os
import random
import sys

import pytest

from ann_ref.oracle import experiment32 as X32
from ann_ref.oracle import models32 as M32
from ann_ref.oracle.experiment import Lab
from helpers import GOLDEN, ROOT, cli

sys.path.insert(0, os.path.join(ROOT, "tests", "independent"))
import reference32 as R  # noqa: E402

SERVE = "%s %s" % (sys.executable, os.path.join(ROOT, "tests", "mistakes", "serve.py"))


def wide32(rng, n):
    return [R.float32_of("%08x" % R.bits32_of(rng.choice((-1, 1)) * rng.uniform(1, 2) *
                                               2.0 ** rng.randint(-20, 20))) for _ in range(n)]


def after_one_update(s):
    return R.iteration(s["x"], s["y"], s["W"], s["b"], s["learning_rate"], s["variant"])


def test_the_sum_experiment_reads_dw_exactly_in_binary32():
    rng = random.Random(1)
    for F, O, S in ((2, 1, 4), (3, 2, 7)):
        x = [wide32(rng, S) for _ in range(F)]
        e = [wide32(rng, S) for _ in range(O)]
        for variant in ("threshold", "logistic"):
            s = X32.sum_experiment(x, e, variant).scenario
            assert s["precision"] == "binary32"
            W, _ = after_one_update(s)
            for f in range(F):
                for o in range(O):
                    dW = R.div(R.total([R.mul(x[f][j], e[o][j]) for j in range(S)]), float(S))
                    assert R.bits32_of(W[f][o]) == R.bits32_of(R.sub(-0.0, dW))


def test_the_bias_experiment_reads_db_exactly_in_binary32():
    rng = random.Random(2)
    e = [wide32(rng, 6) for _ in range(2)]
    _, b = after_one_update(X32.bias_experiment(2, e, "logistic").scenario)
    db = R.div(R.total([v for row in e for v in row]), 6.0)
    assert R.bits32_of(b) == R.bits32_of(R.sub(-0.0, db))


@pytest.mark.parametrize("variant", ["threshold", "logistic"])
def test_the_sigmoid_experiment_reads_the_sigmoid_of_each_argument_in_binary32(variant):
    rng = random.Random(4)
    arguments = [R.float32_of("%08x" % R.bits32_of(rng.uniform(-40, 40))) for _ in range(12)]
    arguments += [0.0, -0.0, 16.6, -2.0 ** -23]
    arguments = [R.float32_of("%08x" % R.bits32_of(v)) for v in arguments]
    read = 0
    for ex, placed in X32.sigmoid_experiments(arguments, variant, 2, 1, True):
        W, b = after_one_update(ex.scenario)
        ex.state = ([[R.bits32_of(v) for v in row] for row in W], R.bits32_of(b))
        for beta, value in X32.read_sigmoid(ex, placed, variant):
            s = R.div(1.0, R.add(1.0, R.exp32(-beta)))
            expected = (1.0 if s >= 0.5 else 0.0) if variant == "threshold" else s
            if value is not None:
                read += 1
                assert R.bits32_of(value) == R.bits32_of(expected), beta
    assert read == len(arguments)


def test_an_experiment_reads_a_binary32_backends_8_digit_trace():
    lab = Lab(SERVE + " none")
    try:
        ex = X32.sum_experiment([[1.0, 2.0], [3.0, 0.5]], [[0.25, -1.5]], "logistic")
        assert ex.run(lab), ex.refused
    finally:
        lab.close()
    assert ex.fits(M32.SPEC)
    W, _ = after_one_update(ex.scenario)
    assert ex.observed[0] == tuple(tuple(R.bits32_of(v) for v in row) for row in W)


def verify_json(name, mistake):
    status, out, err = cli("verify", os.path.join(GOLDEN, "binary32", name + ".json"),
                           "--backend", "%s %s" % (SERVE, mistake), "--json", timeout=600)
    assert status == 1, err
    return json.loads(out)


@pytest.mark.slow
@pytest.mark.parametrize("planted, name, part, cause", [
    ("exp:expf", "sigmoid-probe", "t", "exp"),
    ("bias-first", "sum-order-probe", "z", "bias-first"),
    ("threshold-strict", "gate-or", "y_pred", "threshold-strict"),
    ("fma:dW", "sum-order-probe", "dW", "fma"),
    ("fused-update", "article-logistic", "update", "fused-update"),
    ("sum-order:reverse", "sum-order-probe", "dW", "sum-order"),
    ("sum-order:column-major", "multi-output-logistic", "db", "sum-order"),
    ("float64-accumulation", "sum-order-probe", "dW", "float64-accumulation"),
    ("binary64-rounded:step", "article", "arithmetic", "binary64-rounded"),
    ("binary64-rounded:run", "gate-and", "arithmetic", "binary64-rounded"),
    ("flush-subnormals", "subnormal-probe", "arithmetic", "flush-subnormals"),
    ("reduced-precision:bfloat16", "sum-order-probe", "z", "reduced-precision"),
    ("reduced-precision:tf32", "article", "z", "reduced-precision"),
    ("division-by-reciprocal", "sum-order-probe", "dW", "division-by-reciprocal"),
    ("reassociation", "sum-order-probe", "dW", "reassociation"),
    ("sigmoid-form:exp-ratio", "tiny-z-logistic", "s", "sigmoid-form"),
    ("integer-error", "negative-zero", "dW", "integer-error"),
])
def test_the_planted_float32_mistake_is_found_by_experiment(planted, name, part, cause):
    report = verify_json(name, planted)
    first = report["causes"][0]
    assert report["diagnosed_by"] == "experiment"
    assert (first["by"], first["part"], first["id"]) == ("experiment", part, cause), \
        report["causes"]
    assert 0 < report["backend_runs"] <= 20
    assert all(e["ran"] for e in report["experiments"]), report["experiments"]
