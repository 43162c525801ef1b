"""The diagnosis, tested against mistakes modelled independently of it: the backend
tests/backends/mistaken.py (no code shared with ann_ref), NumPy's own float32, Node's
Math.exp, corrupted golden files; and the pieces it rests on (FMA with signed zeros,
NaN through the sigmoid forms, the float32 hint)."""
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
from decimal import Context, Decimal
from fractions import Fraction

import pytest

from ann_ref.oracle import arith
from ann_ref.core.arithmetic import BINARY64
from ann_ref.oracle import models as M
from ann_ref.oracle.batch import scenario_header
from ann_ref.oracle.compare import compare
from ann_ref.oracle.diagnose import explain, genuinely_float32
from helpers import GOLDEN, cli

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "backends"))
import mistaken  # noqa: E402

NODE = shutil.which("node")


def golden(name):
    return os.path.join(GOLDEN, name + ".json")


def diagnosed(tmp_path, name, planted):
    """The report of the mistaken backend, with `planted`, on golden file `name`."""
    trace = tmp_path / ("%s.jsonl" % name)
    trace.write_text(mistaken.trace(scenario_header(golden(name))["scenario"], set(planted)))
    report = compare(golden(name), str(trace))
    explain(report)
    return report


SLOW = ("real-valued-logistic", "real-valued-threshold", "article-logistic")

# each planted mistake on a golden file where it shows; the id the diagnosis must name first
CASES = [
    ("pow-exp", "article-logistic", "exp"),
    ("b-first", "real-valued-logistic", "bias-first"),
    ("strict", "gate-or", "threshold-strict"),
    ("fma-z", "real-valued-logistic", "fma"),
    ("fma-dW", "real-valued-logistic", "fma"),
    ("fused-update", "article-logistic", "fused-update"),
    ("dW-reverse", "real-valued-logistic", "sum-order"),
    ("db-by-column", "multi-output-logistic", "sum-order"),
    ("reciprocal", "real-valued-logistic", "division-by-reciprocal"),
    ("reassociated", "real-valued-logistic", "reassociation"),
    ("scaled-first", "real-valued-threshold", "reassociation"),
    ("split-sigmoid", "real-valued-logistic", "sigmoid-form"),
    ("integer-error", "negative-zero", "integer-error"),
    ("flush", "subnormal", "flush-subnormals"),
]
# the larger scenarios take longer than the default suite allows (pytest -m slow)
CASES = [pytest.param(*c, marks=pytest.mark.slow) if c[1] in SLOW else c for c in CASES]


@pytest.mark.parametrize("planted, name, cause", CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_the_planted_mistake_is_named_first(tmp_path, planted, name, cause):
    report = diagnosed(tmp_path, name, [planted])
    assert not report.agree
    d = report.diagnosis
    assert not d.golden_inconsistent
    assert [c.id for c in d.causes][:1] == [cause], [c.model.name for c in d.causes]
    best = d.causes[0]
    assert best.first == report.first.k and best.last >= best.first


def test_equal_fits_are_called_ambiguous_with_a_scenario_to_tell_them_apart(tmp_path):
    # with integral x, sums from 0.0 and an integer error give the same +0.0s
    report = diagnosed(tmp_path, "negative-zero", ["from-zero"])
    d = report.diagnosis
    assert {"integer-error", "sum-from-zero"} <= set(d.ambiguous)
    assert "negative-zero.json with non-integral x" in d.tells_apart()
    from ann_ref.oracle.report import text as report_text
    text = report_text(report, 20)
    assert "ambiguous: " in text and "fit equally well" in text


@pytest.mark.slow
def test_two_mistakes_at_once_are_named_as_a_pair(tmp_path):
    report = diagnosed(tmp_path, "real-valued-logistic", ["fma-dW", "fused-update"])
    assert report.diagnosis.causes[0].id == "fma+fused-update"


def test_a_conforming_backend_agrees_and_gets_no_cause(tmp_path):
    for name in ("article-logistic", "negative-zero", "subnormal", "non-finite"):
        report = diagnosed(tmp_path, name, [])
        assert report.agree and report.diagnosis is None, name


def test_the_ranking_is_by_iterations_reproduced(tmp_path):
    # in the fast suite: the one test whose answer changes if causes are ranked by their
    # priority alone
    report = diagnosed(tmp_path, "real-valued-logistic", ["b-first", "pow-exp"])
    spans = [c.reproduced for c in report.diagnosis.causes]
    assert spans == sorted(spans, reverse=True)
    assert report.diagnosis.causes[0].id == "bias-first+exp"


def test_a_corrupted_golden_file_is_blamed_not_the_backend(tmp_path):
    copy = tmp_path / "article-logistic.json"             # no manifest beside it
    text = open(golden("article-logistic")).read().split("\n")
    start = text.index('"trace": [') + 1
    entry = json.loads(text[start + 10].rstrip(","))
    n = int(entry["bits"]["b"], 16) ^ 1
    entry["bits"]["b"] = "%016x" % n
    entry["b"] = struct.unpack("<d", struct.pack("<Q", n))[0]
    text[start + 10] = json.dumps(entry) + ","
    copy.write_text("\n".join(text))
    # a correct trace (the real golden file) checked against the corrupted one
    report = compare(str(copy), golden("article-logistic"))
    explain(report)
    d = report.diagnosis
    assert d.golden_inconsistent and d.causes == []
    status, out, _ = cli("verify", str(copy), golden("article-logistic"), "--json")
    obj = json.loads(out)
    assert status == 1 and obj["golden_inconsistent"] and obj["causes"] == []
    status, out, _ = cli("verify", str(copy), golden("article-logistic"))
    assert "golden file inconsistent" in out and "consistent with" not in out


def test_a_sign_of_zero_is_its_own_kind_and_never_within_ulps(tmp_path):
    trace = tmp_path / "t.jsonl"
    trace.write_text(mistaken.trace(scenario_header(golden("negative-zero"))["scenario"],
                                    {"integer-error"}))
    report = compare(golden("negative-zero"), str(trace), max_ulp=1)
    assert not report.agree
    assert report.first.kind == "sign-of-zero" and report.first.ulps is None
    assert report.first.line().endswith("sign of zero")
    status, out, _ = cli("verify", golden("negative-zero"), str(trace), "--max-ulp", "1",
                         "--json")
    obj = json.loads(out)
    assert status == 1 and obj["first_divergence"]["distance"] == "sign-of-zero"
    assert {obj["first_divergence"]["expected"], obj["first_divergence"]["obtained"]} == {
        "0000000000000000", "8000000000000000"}


def test_a_float32_backend_is_named_from_iteration_0(tmp_path):
    np = pytest.importorskip("numpy")
    s = scenario_header(golden("article-logistic"))["scenario"]
    f32 = np.float32

    def num(h):
        return f32(struct.unpack(">d", bytes.fromhex(h))[0])
    x = np.array([[num(h) for h in r] for r in s["bits"]["x"]], dtype=f32)
    y = np.array([[num(h) for h in r] for r in s["bits"]["y"]], dtype=f32)
    W = np.array([[num(h) for h in r] for r in s["bits"]["W"]], dtype=f32)
    b, a = num(s["bits"]["b"]), num(s["bits"]["learning_rate"])
    lines = []
    for k in range(31):
        lines.append(json.dumps({"iteration": k, "bits": {
            "W": [["%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in r]
                  for r in W],
            "b": "%016x" % struct.unpack("<Q", struct.pack("<d", float(b)))[0]}}))
        s_ = f32(1) / (f32(1) + np.exp(-(W.T.dot(x) + b)))
        e = s_ - y
        W, b = W - a * (x.dot(e.T) / f32(4)), b - a * (e.sum() / f32(4))
    trace = tmp_path / "f32.jsonl"
    trace.write_text("\n".join(lines) + "\n")
    report = compare(golden("article-logistic"), str(trace))
    explain(report)
    assert report.first.k == 0
    assert report.diagnosis.causes[0].id == "float32"


def test_the_float32_hint_wants_genuine_binary32_values():
    bits = [struct.unpack("<Q", struct.pack("<d", v))[0] for v in (0.5, 0.375, -3.0, 0.0)]
    assert not genuinely_float32(bits)                     # short values: any precision
    f = struct.unpack("<f", struct.pack("<f", 0.1))[0]
    assert genuinely_float32(bits + [struct.unpack("<Q", struct.pack("<d", f))[0]])
    assert not genuinely_float32([struct.unpack("<Q", struct.pack("<d", 0.1))[0]])


@pytest.mark.parametrize("p, q, r, expected", [
    (-1.0, 0.0, -0.0, "-0.0"),           # (−0) + (−0) = −0
    (1.0, 0.0, -0.0, "0.0"),             # (+0) + (−0) = +0
    (-1.0, 0.0, 0.0, "0.0"),
    (2.0, 3.0, -6.0, "0.0"),             # exact cancellation: +0
    (1e-200, 1e-200, -0.0, "0.0"),       # a tiny positive result rounds to +0
    (-1e-200, 1e-200, 0.0, "-0.0"),      # a tiny negative one to −0
    (1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, -1.0, repr(2.0 ** -53 - 2.0 ** -105)),
    (float("inf"), 0.0, 1.0, "nan"),
])
def test_fma_rounds_once_and_keeps_the_signs_of_zero(p, q, r, expected):
    assert repr(arith.fused_multiply_add(p, q, r)) == expected


@pytest.mark.skipif(not hasattr(math, "fma"), reason="math.fma is Python 3.13's")
def test_fma_agrees_with_math_fma():
    rnd = random.Random(5)
    for _ in range(20000):
        p, q, r = (rnd.choice([rnd.uniform(-2, 2), rnd.uniform(-1e-300, 1e-300), 0.0, -0.0,
                               5e-324 * rnd.randint(-9, 9)]) for _ in range(3))
        u, v = arith.fused_multiply_add(p, q, r), math.fma(p, q, r)
        assert (u, math.copysign(1, u)) == (v, math.copysign(1, v)), (p, q, r)


def test_a_nan_z_gives_a_nan_s_in_every_form():
    z = [[float("nan"), 1.0]]
    t = M.PARTS["t"](BINARY64, z)
    for m in M.MODELS:
        if "s" in m.replaced:
            s = m.parts["s"](BINARY64, z, t)
            assert s[0][0] != s[0][0], m.name


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_the_v8_exp_is_v8s(tmp_path):
    rnd = random.Random(3)
    args = [rnd.uniform(-745, 709) for _ in range(1500)] + [rnd.uniform(-3, 3)
                                                             for _ in range(1500)]
    script = ("const a = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(a.map(v => Math.exp(v))));")
    out = subprocess.run([NODE, "-e", script], input=json.dumps(args), capture_output=True,
                         text=True, check=True).stdout
    for v, expected in zip(args, json.loads(out)):
        assert arith.fdlibm_exp(v) == float(expected), v      # JSON: shortest round trip


def test_x87_with_53_bit_precision_rounds_a_subnormal_product_twice():
    # p·q = 2^-1075 · (1 + 2^-53 − 2^-105): just above half the least subnormal, so
    # binary64 rounds it up to 2^-1074; a 53-bit register with a wide exponent first
    # rounds it to 2^-1075 exactly, and storing that tie rounds to even, to 0
    p, q = 2.0 ** -500 * (1 + 2.0 ** -52), 2.0 ** -575 * (1 - 2.0 ** -53)
    assert p * q == 2.0 ** -1074
    X = arith.Extended(53)
    assert X.binary64(X.mul(X.load(p), X.load(q))) == 0.0
    X = arith.Extended(64)
    assert X.binary64(X.mul(X.load(p), X.load(q))) == 2.0 ** -1074


@pytest.mark.slow
def test_a_numpy_port_with_np_dot_is_named_blas_dot(tmp_path):
    np = pytest.importorskip("numpy")
    s = scenario_header(golden("real-valued-logistic"))["scenario"]

    def num(h):
        return struct.unpack(">d", bytes.fromhex(h))[0]
    x, y, W = (np.array([[num(h) for h in r] for r in s["bits"][k]]) for k in ("x", "y", "W"))
    b, a, m = num(s["bits"]["b"]), num(s["bits"]["learning_rate"]), float(x.shape[1])
    lines = []
    for k in range(s["iterations"] + 1):
        lines.append(json.dumps({"iteration": k, "bits": {
            "W": [[struct.pack(">d", float(v)).hex() for v in r] for r in W],
            "b": struct.pack(">d", b).hex()}}))
        z = np.dot(W.T, x) + b                        # BLAS: FMA, its own blocking
        t = [[float(Decimal(-float(v)).exp(Context(prec=40))) for v in r] for r in z]
        sg = 1.0 / (1.0 + np.array(t))
        e = sg - y
        dW = np.dot(x, e.T) / m
        flat = [v for r in e.tolist() for v in r]
        total = flat[0]
        for v in flat[1:]:
            total = total + v
        db = total / m
        W, b = W - a * dW, b - a * db
    trace = tmp_path / "numpy.jsonl"
    trace.write_text("\n".join(lines) + "\n")
    report = compare(golden("real-valued-logistic"), str(trace))
    explain(report)
    assert report.diagnosis.causes[0].id == "blas-dot"


def x87_trace(scenario):
    """The states of an x87 backend that evaluates every expression in 80-bit registers
    (a 64-bit significand, an exponent wide enough for any step) and rounds to binary64
    only where it stores: z, s, e, dW, db and the new W and b; exp(−z) is binary64.
    Written from the x87's definition with fractions, sharing nothing with ann_ref."""
    def reg(v):
        """v rounded to a 64-bit significand, ties to even."""
        v = Fraction(v)
        if v == 0:
            return v
        n, d = abs(v.numerator), v.denominator
        e = n.bit_length() - d.bit_length()           # within one of the exponent
        while Fraction(n, d) < Fraction(2) ** e:
            e -= 1
        while Fraction(n, d) >= Fraction(2) ** (e + 1):
            e += 1                                    # now 2^e ≤ |v| < 2^(e+1)
        scaled = Fraction(n, d) / Fraction(2) ** (e - 63)     # in [2^63, 2^64)
        q, rest = divmod(scaled.numerator, scaled.denominator)
        if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and q & 1):
            q += 1
        r = q * Fraction(2) ** (e - 63)
        return r if v > 0 else -r

    def store(v):
        return float(v)                   # Fraction → float rounds once, to nearest even

    def sigmoid(v):
        t = float(Decimal(-v).exp(Context(prec=40)))      # exp(−z), correctly rounded
        return 0.0 if t == math.inf else store(reg(1 / reg(1 + Fraction(t))))

    bits = scenario["bits"]
    x, y, W = ([[mistaken.num(h) for h in row] for row in bits[k]] for k in ("x", "y", "W"))
    b, a = mistaken.num(bits["b"]), mistaken.num(bits["learning_rate"])
    F, S, O, m = len(x), len(x[0]), len(y), len(x[0])

    def register_sum(terms):
        acc = terms[0]
        for t in terms[1:]:
            acc = reg(acc + t)            # adding a zero leaves the register as it is
        return acc
    lines, errors = [], []
    for k in range(scenario["iterations"] + 1):
        lines.append(json.dumps({"iteration": k, "bits": {
            "W": [[mistaken.hex_(v) for v in row] for row in W], "b": mistaken.hex_(b)}}))
        if k == scenario["iterations"]:
            break
        z = [[store(reg(register_sum([reg(Fraction(W[f][o]) * Fraction(x[f][j]))
                                      for f in range(F)]) + Fraction(b)))
              for j in range(S)] for o in range(O)]
        s = [[sigmoid(v) for v in row] for row in z]
        e = [[store(reg(Fraction(s[o][j]) - Fraction(y[o][j]))) for j in range(S)]
             for o in range(O)]
        errors += [v for row in e for v in row]
        dW = [[store(reg(register_sum([reg(Fraction(p) * Fraction(q))
                                       for p, q in zip(x[f], e[o])]) / m))
               for o in range(O)] for f in range(F)]
        db = store(reg(register_sum([Fraction(v) for row in e for v in row]) / m))
        W = [[store(reg(Fraction(W[f][o]) - reg(Fraction(a) * Fraction(dW[f][o]))))
              for o in range(O)] for f in range(F)]
        b = store(reg(Fraction(b) - reg(Fraction(a) * Fraction(db))))
    return "\n".join(lines) + "\n", errors


def test_an_x87_sum_keeps_its_register_through_a_zero_term(tmp_path):
    # sum-order-probe's saturated samples give errors of exactly 0.0 inside dW's and
    # db's sums: the x87 adds them to the 80-bit register exactly, storing nothing (a
    # register rounded to binary64 at such a term gives other bits on this file)
    scenario = scenario_header(golden("sum-order-probe"))["scenario"]
    text, errors = x87_trace(scenario)
    assert 0.0 in errors
    trace = tmp_path / "x87.jsonl"
    trace.write_text(text)
    report = compare(golden("sum-order-probe"), str(trace))
    explain(report)
    assert not report.agree
    named = [c for c in report.diagnosis.causes if c.id == "extended-precision"]
    assert named and named[0].first == report.first.k
    assert named[0].last == scenario["iterations"]
