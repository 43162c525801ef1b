"""ann_ref.exp against an independent decimal evaluation, bit for bit.

Each class of arguments is drawn so that it reaches the part of exp it is meant to test,
and the test counts which path decided every argument (see `paths`): the fast path, the
accurate path (the fast path could not decide), either one's edge step (subnormal
results, and the last binade before overflow), the integer slow path, or none (NaN,
inf, beyond the overflow and underflow thresholds).
The default run takes a sample of each class; `-m slow` runs ten times as many.
"""
import importlib.util
import math
import random
import struct
from collections import Counter

import pytest

import ann_ref.core.exponential as module
from ann_ref import exp, sigmoid
from ann_ref.core.bits import bits_to_float, float_to_bits
from ann_ref.core.exponential import exp_bits
from decimal_exp import reference_exp

INF = float("inf")
NAN = float("nan")
FIRST_SUBNORMAL_SCALE = -707.7046   # below: kk >> 8 <= -1022, results rounded at 2^-1074
LAST_BINADE = 709.78136             # above: kk >> 8 == 1024, the binade of overflow


def bits(v):
    return float_to_bits(v)


def sizes(n):
    """n arguments in the default run, 10 n with -m slow."""
    return [pytest.param(n, id="sample"),
            pytest.param(10 * n, marks=pytest.mark.slow, id="full")]


class _Counting:
    """Stands in for the table of 2^(j/256): every evaluation reads it."""

    def __init__(self, table, seen):
        self.table, self.seen = table, seen

    def __getitem__(self, j):
        self.seen.add("evaluated")
        return self.table[j]


def loaded(m):
    """The module m (exponential, or a copy of it), its tables made: exp makes them when
    it is first called."""
    if m._TH is None:
        m._load_tables()
    return m


def paths(xs, monkeypatch):
    """The path that decided exp(x) for each of xs, from hooks on the module: "fast" (the
    first evaluation's rounding test), "accurate" (the second evaluation, after the
    fast path could not decide), "fast edge" and "accurate edge" (their edge step),
    "slow" (the integer path, after both could not), "none" (never evaluated)."""
    seen = set()
    edge, accurate, slow = module._exp_edge, module._exp_accurate, module._exp_slow

    def counting_edge(*args):
        y = edge(*args)
        if y is not None:
            seen.add("edge")
        return y

    def counting_accurate(*args):
        seen.add("accurate")
        return accurate(*args)

    def counting_slow(x):
        seen.add("slow")
        return slow(x)

    loaded(module)
    monkeypatch.setattr(module, "_TH", _Counting(module._TH, seen))
    monkeypatch.setattr(module, "_exp_edge", counting_edge)
    monkeypatch.setattr(module, "_exp_accurate", counting_accurate)
    monkeypatch.setattr(module, "_exp_slow", counting_slow)
    taken = []
    for x in xs:
        seen.clear()
        exp(x)
        tier = ("slow" if "slow" in seen else "accurate" if "accurate" in seen
                else "fast" if "evaluated" in seen else "none")
        taken.append(tier + " edge" if "edge" in seen else tier)
    monkeypatch.undo()
    return taken


def check(xs):
    wrong = []
    for x in xs:
        got, want = exp(x), reference_exp(x)
        if bits(got) != bits(want):
            wrong.append("exp(%r): got %r, want %r" % (x, got, want))
    assert not wrong, "%d misrounded, first: %s" % (len(wrong), wrong[:5])


def check_paths(xs, monkeypatch, expected, at_least):
    """Check xs against the reference, and that at least the share `at_least` of them
    were decided by the paths `expected` (a path's name, or a tuple of them); the counts
    are in the message either way."""
    check(xs)
    counts = Counter(paths(xs, monkeypatch))
    message = "%d arguments: %s" % (len(xs), dict(counts))
    print(message)
    expected = (expected,) if isinstance(expected, str) else expected
    assert sum(counts[path] for path in expected) >= at_least * len(xs), message
    return counts


def uniform(seed, n, low, high):
    rng = random.Random(seed)
    return [rng.uniform(low, high) for _ in range(n)]


@pytest.mark.parametrize("n", sizes(4000))
def test_whole_domain_uniform(n, monkeypatch):
    # of 4,000: 3,824 fast, 118 fast edge, 55 accurate, 3 accurate edge; of 40,000
    # (-m slow): 38,290, 1,096, 559, 31 and 24 slow
    check_paths(uniform(1, n, -745.2, 709.8), monkeypatch, ("fast", "fast edge"), 0.97)


@pytest.mark.parametrize("n", sizes(3000))
def test_sigmoid_range(n, monkeypatch):
    # of 3,000: 2,947 fast, 50 accurate, 3 slow; of 30,000: 29,541, 445, 14
    check_paths(uniform(2, n, -40.0, 40.0), monkeypatch, "fast", 0.97)


@pytest.mark.parametrize("n", sizes(1000))
def test_subnormal_results_are_rounded_once_by_the_edge_step(n, monkeypatch):
    # of 1,000: 970 fast edge, 29 accurate edge, 1 slow; of 10,000: 9,669, 315, 16
    counts = check_paths(uniform(3, n, -745.14, FIRST_SUBNORMAL_SCALE), monkeypatch,
                         ("fast edge", "accurate edge"), 0.995)
    assert set(counts) <= {"fast edge", "accurate edge", "slow"}
    assert counts["fast edge"] >= 0.9 * n


@pytest.mark.parametrize("n", sizes(500))
def test_last_stretch_before_overflow(n, monkeypatch):
    # [709, 709.7813]: normal results, the fast path with 2^1023 at most
    # of 500: 493 fast, 7 accurate; of 5,000: 4,916, 78, 6 slow
    check_paths(uniform(4, n, 709.0, LAST_BINADE), monkeypatch, ("fast", "accurate"), 0.99)


@pytest.mark.parametrize("n", sizes(300))
def test_the_binade_of_overflow_is_decided_by_the_edge_step(n, monkeypatch):
    """kk >> 8 == 1024: e^x rounds to a finite float below ln(2^1024 - 2^970) =
    709.78271 and to inf above; both kinds are drawn, and every one is decided by the
    edge step (or slow). Of 300: 293 fast edge, 6 accurate edge, 1 slow; of 3,000:
    2,945, 53, 2."""
    xs = uniform(5, n, LAST_BINADE, 709.79)
    counts = check_paths(xs, monkeypatch, ("fast edge", "accurate edge"), 0.99)
    assert set(counts) <= {"fast edge", "accurate edge", "slow"}
    finite = sum(1 for x in xs if exp(x) < INF)
    assert 0.08 * n < finite < 0.25 * n   # 709.78271 is about a sixth of the way up


@pytest.mark.parametrize("n", sizes(1000))
def test_tiny_arguments_go_through_the_evaluation(n, monkeypatch):
    """|x| < 2^-53: exp has no shortcut for them, so each is evaluated (exp_bits has
    one, tested against exp below). Exponents drawn uniformly from -1074 to -54; all
    1,000 (10,000) are decided by the fast path."""
    rng = random.Random(5)
    xs = [rng.choice((-1, 1)) * rng.uniform(1, 2) * 2.0 ** -rng.randint(54, 1074)
          for _ in range(n)]
    check_paths(xs, monkeypatch, "fast", 1.0)
    assert [exp_bits(bits(x)) for x in xs] == [bits(exp(x)) for x in xs]


@pytest.mark.parametrize("n", sizes(1000))
def test_bit_patterns_of_every_exponent_that_reaches_the_evaluation(n, monkeypatch):
    """Random sign, fraction and exponent field 0 ... 1032 (|x| < 1024): every binade
    that exp evaluates, subnormal arguments included, uniformly by binade (a random
    64-bit pattern is NaN, inf or beyond the thresholds about half the time). Of 1,000:
    999 fast, 1 accurate; of 10,000: 9,984, 11, and 5 never evaluated (709.79 < |x| <
    1024)."""
    rng = random.Random(6)
    xs = [bits_to_float(rng.getrandbits(1) << 63 | rng.randint(0, 1032) << 52
                        | rng.getrandbits(52)) for _ in range(n)]
    counts = check_paths(xs, monkeypatch, ("fast", "accurate"), 0.99)
    assert counts["none"] <= 0.005 * n    # only 709.79 < |x| < 1024, in the top binade


@pytest.mark.parametrize("n", sizes(2000))
def test_arbitrary_bit_patterns(n, monkeypatch):
    """Finite floats from random 64-bit patterns: about half are beyond the thresholds
    (|x| > 745.14, never evaluated), the other half are evaluated: of 2,000, 1,039
    fast, 1 accurate, 960 not evaluated; of 20,000: 9,990, 6, 10,003, and 1 slow."""
    rng = random.Random(6)
    xs = []
    while len(xs) < n:
        x = bits_to_float(rng.getrandbits(64))
        if math.isfinite(x):
            xs.append(x)
    counts = check_paths(xs, monkeypatch, ("fast", "accurate"), 0.45)
    assert counts["none"] >= 0.45 * n


def test_all_exponents_near_one():
    # |x| from 2^-60 to 2^9, every binade, both signs
    rng = random.Random(7)
    xs = [s * rng.uniform(1, 2) * 2.0 ** e for e in range(-60, 10) for s in (1, -1)
          for _ in range(20)]
    check([x for x in xs if -745 < x < 709.7])


def test_hard_cases_tiny_x_near_a_rounding_boundary(monkeypatch):
    """For tiny x, e^x = 1 + x + x²/2 + ...: with x next to a midpoint (2k+1)·2^-53 of
    the floats above 1 (or (2k+1)·2^-54 below 1) the x²/2 term decides the rounding,
    50 and more bits below the last bit kept. Constructed, so the hardness is known:
    the fast path cannot decide the midpoints themselves, and the slow path does."""
    xs = []
    for k in range(0, 40):
        for mid in ((2 * k + 1) * 2.0 ** -53, -(2 * k + 1) * 2.0 ** -54):
            for n in range(-3, 4):         # the midpoint and its neighbouring doubles
                xs.append(struct.unpack("<d", struct.pack("<q", struct.unpack(
                    "<q", struct.pack("<d", mid))[0] + n))[0])
    check(xs)
    at_midpoints = paths(xs, monkeypatch)[3::7]
    assert set(at_midpoints) == {"slow"}, Counter(at_midpoints)


@pytest.mark.parametrize("n", sizes(30000))
@pytest.mark.parametrize("low, high", [(-700.0, 700.0), (-745.14, FIRST_SUBNORMAL_SCALE)])
def test_hard_cases_found_by_the_slow_path(low, high, n, monkeypatch):
    """Arguments that a path (or its edge step) could not decide are, by construction,
    the ones closest to a rounding boundary: collect them and check them. The fast path
    leaves about 1 in 65 to the accurate one (2^-6 of the arguments, by its rounding
    test's margin; 2^-5 of the subnormal results, whose edge step has that margin on
    both sides of a midpoint), which leaves about 1 in 2,000 to the slow path: of
    30,000 in the sample, 460 and 16 (subnormal results: 940 and 22)."""
    xs = uniform(8, n, low, high)
    taken = paths(xs, monkeypatch)
    left = [x for x, path in zip(xs, taken) if not path.startswith("fast")]
    hard = [x for x, path in zip(xs, taken) if path == "slow"]
    print("%d of %d left by the fast path, %d by the accurate path" % (len(left), n, len(hard)))
    assert len(left) >= n / 200, "too few left by the fast path: its rounding test is suspect"
    assert len(left) <= n / 25, "too many left by the fast path: it lost accuracy"
    assert len(hard) >= n / 10000, "too few undecided arguments: the rounding test is suspect"
    assert len(hard) <= n / 500, "too many undecided arguments: the accurate path lost accuracy"
    check(left)


def test_int_bit_length_fallback_gives_the_same_tables_and_results():
    """MicroPython's int has no bit_length: a copy of the module is loaded where `int`
    lacks it, so its import and slow path run on the fallback, on CPython."""
    class NoBitLength:                    # what `int` looks like to the copy's import
        pass

    spec = importlib.util.spec_from_file_location("ann_ref.core._exp_without_bit_length",
                                                  module.__file__)
    copy = importlib.util.module_from_spec(spec)
    copy.int = NoBitLength
    spec.loader.exec_module(copy)
    del copy.int
    assert copy._bit_length is not int.bit_length
    rng = random.Random(9)
    for n in [1, 2, 3, 255, 256] + [rng.getrandbits(rng.randint(1, 600)) | 1 for _ in range(500)]:
        assert copy._bit_length(n) == n.bit_length()
    assert copy._TH is None                # until exp needs them
    loaded(copy)
    loaded(module)
    assert [bits(v) for v in copy._TH] == [bits(v) for v in module._TH]
    assert [bits(v) for v in copy._TL] == [bits(v) for v in module._TL]
    assert bits(copy._L1) == bits(module._L1) and bits(copy._L2) == bits(module._L2)
    xs = uniform(10, 200, -745.2, 709.8) + [2.0 ** -53, -745.1, 709.78]
    assert [copy.exp_bits(bits(x)) for x in xs] == [bits(reference_exp(x)) for x in xs]


def test_edges():
    assert exp(INF) == INF
    assert bits(exp(-INF)) == bits(0.0)
    assert exp(NAN) != exp(NAN)
    assert exp(0.0) == 1.0 and exp(-0.0) == 1.0
    assert exp(1000.0) == INF and exp(1e308) == INF
    assert bits(exp(-1000.0)) == bits(0.0) and bits(exp(-1e308)) == bits(0.0)
    assert exp(-745.0) == 5e-324          # the least subnormal
    assert exp(1) == reference_exp(1.0) and exp(-3) == reference_exp(-3.0)
    assert exp(10 ** 400) == INF and exp(-10 ** 400) == 0.0


def test_overflow_threshold_is_exact():
    """The largest x with a finite e^x, found by bisection on the decimal reference."""
    lo, hi = 709.0, 710.0                 # exp(lo) finite, exp(hi) = inf
    while True:
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if reference_exp(mid) == INF:
            hi = mid
        else:
            lo = mid
    assert exp(lo) == reference_exp(lo) < INF
    assert exp(hi) == INF


def test_underflow_threshold_is_exact():
    """The least x whose e^x rounds to the least subnormal rather than to 0."""
    lo, hi = -746.0, -745.0               # exp(lo) = 0, exp(hi) > 0
    while True:
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if reference_exp(mid) == 0.0:
            lo = mid
        else:
            hi = mid
    assert bits(exp(lo)) == bits(0.0)
    assert exp(hi) == 5e-324


@pytest.mark.parametrize("bad", [True, False, "1", None, [1.0], 1j])
def test_exp_and_sigmoid_refuse_what_is_not_a_real_number(bad):
    with pytest.raises(TypeError, match="real number"):
        exp(bad)
    with pytest.raises(TypeError, match="real number"):
        sigmoid(bad)


def test_the_exp_vectors_of_the_runtimes_are_the_decimal_references():
    """tests/runtimes/exp_vectors.json, which every runtime checks ann_ref.exp against,
    is exactly what the decimal reference gives; and this interpreter agrees with it."""
    import json
    import os
    import sys
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runtimes")
    sys.path.insert(0, here)
    try:
        import exp_vectors
    finally:
        sys.path.remove(here)
    with open(os.path.join(here, "exp_vectors.json")) as f:
        committed = f.read()
    assert committed == exp_vectors.render()
    for x, expected in json.loads(committed):
        assert "%016x" % bits(exp(bits_to_float(int(x, 16)))) == expected, x


# --- exp_bits: the same function on bit patterns, in integers only ---------------------

def special_patterns():
    """Bit patterns of every special class, and the neighbours of every threshold."""
    ns = [0x7FF0000000000000, 0xFFF0000000000000,            # +inf, -inf
          0x7FF8000000000000, 0xFFF8000000000000,            # quiet NaNs, both signs
          0x7FF0000000000001, 0x7FF4000000000000,            # signalling NaNs
          0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF,            # NaNs with full payload
          0x0000000000000000, 0x8000000000000000,            # +0, -0
          0x0000000000000001, 0x8000000000000001,            # least subnormals
          0x000FFFFFFFFFFFFF, 0x800FFFFFFFFFFFFF,            # greatest subnormals
          0x0010000000000000, 0x8010000000000000,            # least normals
          0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF]            # +-max
    for x in (2.0 ** -54, 2.0 ** -53, 1024.0, 709.78, 709.79, 709.0, 708.0, -708.0,
              -745.13, -745.14, -745.2, -746.0, 1.0, 0.5, 2.0 ** -30):
        for s in (1, -1):
            n = bits(s * x)
            ns += [n - 2, n - 1, n, n + 1, n + 2]
    return ns


def test_exp_bits_is_exp_on_every_special_pattern():
    for n in special_patterns():
        x = bits_to_float(n)
        want = 0x7FF8000000000000 if x != x else bits(exp(x))
        assert exp_bits(n) == want, "%016x" % n
        if x == x:
            assert exp_bits(n) == bits(reference_exp(x)), "%016x" % n


def test_exp_bits_nan_and_infinities():
    assert exp_bits(0x7FF0000000000001) == 0x7FF8000000000000
    assert exp_bits(0xFFF8000000000000) == 0x7FF8000000000000
    assert exp_bits(0x7FF0000000000000) == 0x7FF0000000000000
    assert exp_bits(0xFFF0000000000000) == 0
    assert exp_bits(bits(-745.0)) == 1    # the least subnormal
    assert exp_bits(bits(710.0)) == 0x7FF0000000000000


@pytest.mark.parametrize("low, high, count", [
    (-745.2, 709.8, 600), (-40.0, 40.0, 400), (-745.2, -708.0, 200), (709.0, 709.8, 100)])
def test_exp_bits_against_the_decimal_reference(low, high, count):
    rng = random.Random(int(low * high))
    for _ in range(count):
        x = rng.uniform(low, high)
        assert exp_bits(bits(x)) == bits(reference_exp(x)), repr(x)


def test_exp_bits_on_arbitrary_patterns_is_exp():
    rng = random.Random(11)
    for _ in range(3000):
        n = rng.getrandbits(64)
        x = bits_to_float(n)
        want = 0x7FF8000000000000 if x != x else bits(exp(x))
        assert exp_bits(n) == want, "%016x" % n


@pytest.mark.parametrize("bad", [-1, 1 << 64])
def test_exp_bits_refuses_what_is_not_a_64_bit_pattern(bad):
    with pytest.raises(ValueError, match="64-bit pattern"):
        exp_bits(bad)


def test_exp_bits_does_no_float_operation():
    """exp_bits is for platforms whose float is not binary64: nothing on its path may
    make a float. Read from the source: no float constant, no true division, and no
    global that is not an integer helper of the path."""
    import ast
    import inspect
    import ann_ref.core.exponential as module
    path = ["exp_bits", "_exp_slow_bits", "_parts_of_bits", "_to_bits", "_round", "_exp_taylor",
            "_ln2"]
    allowed = set(path) | {"_bit_length", "_LN2", "CANONICAL_NAN", "INF_BITS", "ONE_BITS",
                           "ValueError", "range", "abs"}
    tree = ast.parse(inspect.getsource(module))
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    for name in path:
        for node in ast.walk(functions[name]):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), name
            assert not isinstance(node, ast.Div), name
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                local = node.id in {a.arg for a in functions[name].args.args} or any(
                    isinstance(t, ast.Name) and t.id == node.id
                    for n in ast.walk(functions[name]) if isinstance(n, (ast.Assign, ast.For))
                    for t in ast.walk(n.targets[0] if isinstance(n, ast.Assign) else n.target))
                assert local or node.id in allowed, (name, node.id)
    for value in (module.CANONICAL_NAN, module.INF_BITS, module.ONE_BITS):
        assert type(value) is int


@pytest.mark.slow
def test_the_import_of_exp_keeps_little_heap_in_micropython():
    """Measured inside MicroPython 1.27 (WebAssembly, under Node.js), gc.mem_alloc()
    after gc.collect(): importing exponential from source, with the bits module it
    imports, keeps about 8.5 KB, its code: the tables (two array('d'), 4 KB) and the
    slow path's constants are made on first use; the tables made at import kept
    13.8 KB, and as lists and tuples of floats 73.6 KB."""
    import os
    import sys
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(here, "benchmarks"))
    try:
        import bench_exp
    finally:
        sys.path.pop(0)
    figures = bench_exp.micropython_heap(modules=("ann_ref.core.exponential",))
    if figures is None:
        pytest.skip("Node.js or the MicroPython runtime (node_modules) is missing")
    assert 4096 < figures["ann_ref.core.exponential"] <= 12 * 1024, figures


def test_the_tables_have_the_precision_and_the_widths_the_proof_needs():
    """Checked with the decimal module, not with the module's own integer arithmetic:
    Th + Tl is 2^(j/256) within 2^-78 relative, Th has at most 26 significant bits
    (so that Th * hi is exact), |Tl| < 2^-25; L1 has at most 34 bits, |L2| < 2^-43.8,
    and L1 + L2 is ln2/256 within 2^-95."""
    from decimal import Decimal, localcontext

    def significant_bits(v):
        m = bits(v) & ((1 << 52) - 1) | (1 << 52)
        return 53 - ((m & -m).bit_length() - 1)

    loaded(module)
    with localcontext() as c:
        c.prec = 60
        for j in range(256):
            Th, Tl = module._TH[j], module._TL[j]
            exact = Decimal(2) ** (Decimal(j) / 256)
            assert abs(Decimal(Th) + Decimal(Tl) - exact) < exact * Decimal(2) ** -78, j
            assert significant_bits(Th) <= 26 and abs(Tl) < 2.0 ** -25, j
        ln2_256 = Decimal(2).ln() / 256
        assert significant_bits(module._L1) <= 34
        assert abs(module._L2) < 2.0 ** -43.8       # so kk*L2 < 2^-25.7: rounded within 2^-78
        assert abs(Decimal(module._L1) + Decimal(module._L2) - ln2_256) < Decimal(2) ** -95


class _Recording:
    """Stands in for a rounding test's constant 1 + margin: records the yl it multiplies."""

    def __init__(self, value, seen):
        self.value, self.seen = value, seen

    def __rmul__(self, yl):
        self.seen["yl"] = yl
        return yl * self.value


def largest_error(xs, monkeypatch, test):
    """The largest |yh + yl - e^x / 2^k| / (e^x / 2^k) of the path whose rounding test
    multiplies by module.<test>, over those of xs that this test decided, measured with
    the decimal module on yh and yl as the path makes them (hooks on the test's constant
    and on ldexp); and how many of xs that was."""
    from decimal import Decimal, localcontext
    seen = {}

    def recording_ldexp(y, k):
        seen["yh"], seen["k"] = y, k
        return math.ldexp(y, k)

    monkeypatch.setattr(module, test, _Recording(getattr(module, test), seen))
    monkeypatch.setattr(module, "_ldexp", recording_ldexp)
    worst, decided = Decimal(0), 0
    with localcontext() as c:
        c.prec = 50
        for x in xs:
            seen.clear()
            exp(x)
            if "yh" not in seen or "yl" not in seen:   # another path
                continue
            decided += 1
            exact = Decimal(x).exp() / Decimal(2) ** seen["k"]
            error = abs(Decimal(seen["yh"]) + Decimal(seen["yl"]) - exact) / exact
            worst = max(worst, error)
    monkeypatch.undo()
    print("%d decided, largest relative error: 2^%.2f" % (decided, math.log2(worst)))
    return worst, decided


class _Margin:
    """Stands in for the fast path's D: records the lo that Th + (lo +- D) adds it to."""

    def __init__(self, value, seen):
        self.value, self.seen = value, seen

    def __radd__(self, lo):
        self.seen["lo"] = lo
        return lo + self.value

    def __rsub__(self, lo):
        return lo - self.value


class _Reading:
    """Stands in for the table Th: records the entry read."""

    def __init__(self, table, seen):
        self.table, self.seen = table, seen

    def __getitem__(self, j):
        self.seen["Th"] = self.table[j]
        return self.table[j]


def fast_path_errors(xs, monkeypatch):
    """Over those of xs that exp's fast path decided: the largest |Th + lo - e^x / 2^k|
    relative to e^x / 2^k and absolute, measured with the decimal module on Th and lo
    as the path makes them (hooks on the table, on D and on ldexp); and how many of xs
    that was."""
    from decimal import Decimal, localcontext
    seen = {}

    def recording_ldexp(y, k):
        seen["k"] = k
        return math.ldexp(y, k)

    accurate = module._exp_accurate

    def recording_accurate(*args):
        seen["accurate"] = True
        return accurate(*args)

    loaded(module)
    monkeypatch.setattr(module, "_D", _Margin(module._D, seen))
    monkeypatch.setattr(module, "_TH", _Reading(module._TH, seen))
    monkeypatch.setattr(module, "_ldexp", recording_ldexp)
    monkeypatch.setattr(module, "_exp_accurate", recording_accurate)
    relative, absolute, decided = Decimal(0), Decimal(0), 0
    with localcontext() as c:
        c.prec = 50
        for x in xs:
            seen.clear()
            exp(x)
            if "lo" not in seen or "k" not in seen or "accurate" in seen:   # another path
                continue
            decided += 1
            exact = Decimal(x).exp() / Decimal(2) ** seen["k"]
            error = abs(Decimal(seen["Th"]) + Decimal(seen["lo"]) - exact)
            relative, absolute = max(relative, error / exact), max(absolute, error)
    monkeypatch.undo()
    print("%d decided, largest error: 2^%.2f relative, 2^%.2f absolute"
          % (decided, math.log2(relative), math.log2(absolute)))
    return relative, absolute, decided


@pytest.mark.parametrize("n", sizes(1500))
def test_the_fast_path_error_is_within_the_proven_bound(n, monkeypatch):
    """The proof in exponential.py bounds the fast path's error by 2^-60.39 relative,
    2^-59.39 absolute (e^x / 2^k < 2), and its rounding test needs D = 2^-59 to exceed
    that by 2^-62. The largest seen is about 2^-61.2 relative (2^-61.4 in the default
    run's sample)."""
    from decimal import Decimal
    xs = uniform(11, n, -700.0, 700.0) + uniform(12, n // 3, -1.0, 1.0)
    relative, absolute, decided = fast_path_errors(xs, monkeypatch)
    assert decided > 0.95 * len(xs)
    assert Decimal(2) ** -63 < relative < Decimal(2) ** Decimal("-60.39")
    assert absolute < Decimal(2) ** Decimal("-59.39")
    assert module._D == 2.0 ** -59
    assert Decimal(2) ** Decimal("-59.39") + Decimal(2) ** -62 < Decimal(2) ** -59


@pytest.mark.parametrize("n", sizes(1500))
def test_the_accurate_path_error_is_within_the_proven_bound(n, monkeypatch):
    """The accurate path's bound is 2^-66. It runs only where the fast path cannot
    decide, so its arguments are those: the ones the fast path left, found by a first
    pass. The largest seen is about 2^-66.66: the r^6/720 term left out, at |r| near
    ln2/512, as the proof has it."""
    from decimal import Decimal
    xs = uniform(13, 40 * n, -700.0, 700.0)
    left = [x for x, path in zip(xs, paths(xs, monkeypatch)) if path != "fast"]
    worst, decided = largest_error(left, monkeypatch, "_TEST_ACCURATE")
    assert decided > 0.9 * len(left) > 0.005 * len(xs)
    assert Decimal(2) ** -68 < worst < Decimal(2) ** -66


@pytest.mark.parametrize("n", sizes(2000))
def test_the_accurate_path_alone_is_exp(n, monkeypatch):
    """The accurate path decides few arguments in exp; with the fast path's rounding
    tests made to fail always (a margin of inf: yl * inf is never 0 added to yh, and
    0 * inf is NaN), it runs on every argument and must give exp's bits too, with the
    slow path where it cannot decide."""
    xs = uniform(14, n, -745.14, 709.79) + uniform(15, n, -40.0, 40.0)
    monkeypatch.setattr(module, "_D", INF)
    monkeypatch.setattr(module, "_TEST", INF)
    monkeypatch.setattr(module, "_FAST", INF)
    check(xs)
    taken = paths(xs, monkeypatch)        # (undoes every patch when it returns)
    assert set(taken) <= {"accurate", "accurate edge", "slow"}, Counter(taken)
    assert taken.count("slow") < n / 100, Counter(taken)
