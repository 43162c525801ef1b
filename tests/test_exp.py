"""ann_ref.exp against an independent decimal evaluation, bit for bit."""
import math
import random
import struct

import pytest

from ann_ref import exp, sigmoid
from ann_ref.core.bits import bits_to_float, float_to_bits
from ann_ref.core.exponential import exp_bits
from decimal_exp import reference_exp

INF = float("inf")
NAN = float("nan")


def bits(v):
    return float_to_bits(v)


def check(xs):
    wrong = []
    for x in xs:
        got, want = exp(x), reference_exp(x)
        if bits(got) != bits(want):
            wrong.append("exp(%r): got %r, want %r" % (x, got, want))
    assert not wrong, "%d misrounded, first: %s" % (len(wrong), wrong[:5])


def random_doubles(rng, n, low, high):
    return [rng.uniform(low, high) for _ in range(n)]


def test_whole_domain_uniform():
    rng = random.Random(1)
    check(random_doubles(rng, 40000, -745.2, 709.8))


def test_sigmoid_range():
    rng = random.Random(2)
    check(random_doubles(rng, 30000, -40.0, 40.0))


def test_subnormal_results_below_minus_708():
    rng = random.Random(3)
    check(random_doubles(rng, 10000, -745.2, -708.3))


def test_last_stretch_before_overflow():
    rng = random.Random(4)
    check(random_doubles(rng, 5000, 709.0, 709.79))


def test_tiny_arguments_below_2_to_minus_53():
    rng = random.Random(5)
    xs = [rng.choice((-1, 1)) * rng.random() * 2.0 ** -rng.randint(53, 1074) for _ in range(5000)]
    check(xs)


def test_arbitrary_bit_patterns():
    rng = random.Random(6)
    xs = []
    while len(xs) < 10000:
        x = bits_to_float(rng.getrandbits(64))
        if math.isfinite(x):
            xs.append(x)
    check(xs)


def test_all_exponents_near_one():
    # |x| from 2^-60 to 2^9, every binade, both signs
    rng = random.Random(7)
    xs = [s * rng.uniform(1, 2) * 2.0 ** e for e in range(-60, 10) for s in (1, -1)
          for _ in range(20)]
    check([x for x in xs if -745 < x < 709.7])


def test_hard_cases_tiny_x_near_a_rounding_boundary():
    """For tiny x, e^x = 1 + x + x²/2 + ...: with x next to a midpoint (2k+1)·2^-53 of
    the floats above 1 (or (2k+1)·2^-54 below 1) the x²/2 term decides the rounding,
    50 and more bits below the last bit kept. Constructed, so the hardness is known."""
    xs = []
    for k in range(0, 40):
        for mid in ((2 * k + 1) * 2.0 ** -53, -(2 * k + 1) * 2.0 ** -54):
            for n in range(-3, 4):         # the midpoint and its neighbouring doubles
                xs.append(struct.unpack("<d", struct.pack("<q", struct.unpack(
                    "<q", struct.pack("<d", mid))[0] + n))[0])
    check(xs)


def test_hard_cases_found_by_the_slow_path(monkeypatch):
    """Arguments that the fast path could not decide are, by construction, the ones
    within 2^-65 of a rounding boundary: collect some and check them."""
    import ann_ref.core.exponential as module
    hard = []
    slow = module._exp_slow

    def recording(x):
        hard.append(x)
        return slow(x)

    monkeypatch.setattr(module, "_exp_slow", recording)
    rng = random.Random(8)
    for _ in range(60000):
        exp(rng.uniform(-700.0, 700.0))
    monkeypatch.undo()
    hard = [x for x in hard if -708 <= x <= 709]
    assert hard, "60,000 arguments and none near a rounding boundary: the fast path is suspect"
    check(hard)


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
    path = ["exp_bits", "_exp_slow_bits", "_parts_of_bits", "_to_bits", "_exp_taylor", "_ln2"]
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
