"""softfloat.Binary64 against the machine's own binary64 arithmetic.

CPython's float is IEEE-754 binary64 with every + - * / correctly rounded, ties to even,
by the processor: an oracle that shares no code with softfloat. The operands are chosen
where rounding is hard: random patterns, special values, neighbours of each other
(cancellation), subnormal results, ties."""
import json
import os
import random
import struct

import pytest

from ann_ref.core import bits, softfloat, trace
from ann_ref.core.softfloat import Binary64
from helpers import ROOT, golden_names

GOLDEN = os.path.join(ROOT, "golden")


def b(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def f(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def same(n, v):
    """The bits n are those of the float v (any NaN matches any NaN)."""
    if v != v:
        return n & 0x7FFFFFFFFFFFFFFF > 0x7FF0000000000000
    return n == b(v)


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 0.1, -0.4, float("inf"), float("-inf"),
           float("nan"), 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
           1.7976931348623157e308, -1.7976931348623157e308, 1.0000000000000002,
           0.9999999999999999, 2.0 ** -1022, 2.0 ** -1074 * 3, 2.0 ** 1023, 2.0 ** -537,
           4503599627370497.0, 9007199254740993.0]


def operands(rng, count):
    """Pairs of floats: special values, random patterns, near neighbours, small scales."""
    pairs = [(u, v) for u in SPECIAL for v in SPECIAL]
    for _ in range(count):
        u = f(rng.getrandbits(64))
        kind = rng.randrange(4)
        if kind == 0:
            v = f(rng.getrandbits(64))
        elif kind == 1:                   # a neighbour: cancellation, ties in the sum
            v = f(b(u) + rng.randrange(-3, 4)) * rng.choice((1.0, -1.0, 0.5, -2.0))
        elif kind == 2:                   # exponents close together, random significands
            u = f((b(u) & 0x800FFFFFFFFFFFFF) | (rng.randrange(1, 2047) << 52))
            v = f((rng.getrandbits(64) & 0x800FFFFFFFFFFFFF) | ((b(u) >> 52 & 0x7FF) << 52))
        else:                             # tiny: products and quotients near subnormals
            u = f((b(u) & 0x800FFFFFFFFFFFFF) | (rng.randrange(0, 560) << 52))
            v = f((rng.getrandbits(64) & 0x800FFFFFFFFFFFFF) | (rng.randrange(400, 1600) << 52))
        if u != u or v != v or rng.randrange(2):
            pairs.append((u, v))
        else:
            pairs.append((v, u))
    return pairs


def normal_pairs(rng, count):
    """Pairs of normal numbers where the operators' fast paths decide: every exponent
    difference an addition can have (0 to 60, beyond the 55 past which it returns the
    larger operand), significands near powers of two (carries, cancellation), sums
    and products that overflow, products and quotients at the edge of the normal
    range, and exact ties."""
    pairs = []
    for _ in range(count):
        eu = rng.randrange(1, 2047)
        d = rng.randrange(0, 61)
        ev = min(max(eu - d if rng.randrange(2) else eu + d, 1), 2046)
        fu, fv = rng.getrandbits(52), rng.getrandbits(52)
        kind = rng.randrange(7)
        if kind == 1:                     # all ones, or nearly zero: carries, cancellation
            fu = (1 << 52) - 1 - rng.randrange(4)
            fv = rng.randrange(4) if rng.randrange(2) else (1 << 52) - 1 - rng.randrange(4)
        elif kind == 2:                   # large: sums and products that overflow
            eu, ev = rng.randrange(2040, 2047), rng.randrange(1020, 2047)
        elif kind == 3:                   # products and quotients near 2^-1022
            eu, ev = rng.randrange(1, 30), rng.randrange(990, 1060)
        elif kind == 4:                   # short significands: exact results, ties
            fu &= -(1 << rng.randrange(30, 53))
            fv &= -(1 << rng.randrange(30, 53))
        u = f(rng.getrandbits(1) << 63 | eu << 52 | fu)
        v = f(rng.getrandbits(1) << 63 | ev << 52 | fv)
        if kind == 5:                     # results that round up to the next power of two
            sign = rng.choice((1.0, -1.0))
            e = rng.randrange(-1000, 1000)
            top = (2.0 - 2.0 ** -52) * 2.0 ** e
            c = rng.randrange(1, 1 << 25)
            u, v = rng.choice([
                (sign * top, sign * 2.0 ** (e - 53 - rng.randrange(2))),   # sums
                (sign * (2.0 - 2.0 * c * 2.0 ** -52) * 2.0 ** e,             # products
                 rng.choice((1.0, -1.0)) * (1.0 + c * 2.0 ** -52))])
        pairs.append((u, v) if rng.randrange(2) else (v, u))
    return pairs


def python_add(u, v):
    return u + v


def python_mul(u, v):
    return u * v


OPS = [("+", softfloat.add, python_add),
       ("*", softfloat.mul, python_mul)]


def python_div(u, v):
    """IEEE division: Python raises where IEEE gives inf or NaN."""
    try:
        return u / v
    except ZeroDivisionError:
        if u != u or u == 0.0:
            return float("nan")
        return float("inf") if (b(u) ^ b(v)) >> 63 == 0 else float("-inf")


def held_as_decoded(x):
    """Whether an operator's result is held as Binary64(n) holds its bits n, as the
    next operation expects (a significand of 53 bits, not 54 after a carry)."""
    return x.n & 0x7FFFFFFFFFFFFFFF > 0x7FF0000000000000 or (x.m, x.e) == (
        Binary64(x.n).m, Binary64(x.n).e)


OPERATORS = {"+": lambda U, V: U + V, "*": lambda U, V: U * V, "/": lambda U, V: U / V,
             "-": lambda U, V: U - V}


@pytest.mark.parametrize("name,soft,hard", OPS + [("/", softfloat.div, python_div)])
def test_each_operation_is_the_correctly_rounded_one(name, soft, hard):
    """The function on bits, and the operator on Binary64 numbers, whose fast path for
    normal operands is separate code."""
    rng = random.Random(20240 + ord(name))
    operator = OPERATORS[name]
    wrong = []
    for u, v in operands(rng, 20000) + normal_pairs(rng, 20000):
        expected = hard(u, v)
        got = soft(b(u), b(v))
        if not same(got, expected):
            wrong.append("%r %s %r: %016x, expected %r" % (u, name, v, got, expected))
        result = operator(Binary64(b(u)), Binary64(b(v)))
        got = result.n
        if not same(got, expected):
            wrong.append("Binary64: %r %s %r: %016x, expected %r" % (u, name, v, got, expected))
        elif not held_as_decoded(result):
            wrong.append("Binary64: %r %s %r: held as %r" % (u, name, v, (result.m, result.e)))
    assert not wrong, "\n".join(wrong[:10])


@pytest.mark.slow
@pytest.mark.parametrize("name,hard", [("+", python_add), ("-", lambda u, v: u - v),
                                       ("*", python_mul), ("/", python_div)])
def test_each_operator_on_a_million_hard_operands(name, hard):
    rng = random.Random(4000 + ord(name))
    operator = OPERATORS[name]
    wrong = []
    for _ in range(10):
        for u, v in operands(rng, 50000) + normal_pairs(rng, 50000):
            result = operator(Binary64(b(u)), Binary64(b(v)))
            got = result.n
            if not same(got, hard(u, v)) or not held_as_decoded(result):
                wrong.append("%r %s %r: %016x, expected %r" % (u, name, v, got, hard(u, v)))
    assert not wrong, "\n".join(wrong[:10])


def test_subtraction_and_negation():
    rng = random.Random(7)
    for u, v in operands(rng, 3000) + normal_pairs(rng, 3000):
        assert same((Binary64(b(u)) - Binary64(b(v))).n, u - v), (u, v)
        assert (-Binary64(b(u))).n == b(-u) or u != u
    # the spec's signs of zero: u - u = +0.0; -0.0 - 0.0 = -0.0; -0.0 + 0.0 = +0.0
    assert (Binary64(b(0.4)) - Binary64(b(0.4))).n == 0
    assert (Binary64(b(-0.0)) - Binary64(b(0.0))).n == b(-0.0)
    assert (Binary64(b(-0.0)) + Binary64(b(0.0))).n == 0


def test_ties_go_to_even():
    one = Binary64(b(1.0))
    # 1 + 2^-53 is halfway between 1 and 1 + 2^-52: to 1 (even); from 1 + 2^-52, up
    assert (one + 2.0 ** -53).n == b(1.0)
    assert (Binary64(b(1.0 + 2.0 ** -52)) + 2.0 ** -53).n == b(1.0 + 2.0 ** -51)
    # the spec's tiny-z case: 1 + (1 + 2^-52) rounds to 2
    assert (1.0 + Binary64(b(1.0 + 2.0 ** -52))).n == b(2.0)
    # a subnormal tie: 2^-1075 rounds to 0, 3 * 2^-1075 to 2^-1073
    assert (Binary64(b(5e-324)) * 0.5).n == 0
    assert (Binary64(b(5e-324 * 3)) * 0.5).n == b(5e-324 * 2)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_comparisons_are_ieee(op):
    compare = {"<": lambda u, v: u < v, "<=": lambda u, v: u <= v, ">": lambda u, v: u > v,
               ">=": lambda u, v: u >= v, "==": lambda u, v: u == v,
               "!=": lambda u, v: u != v}[op]
    rng = random.Random(11)
    for u, v in operands(rng, 2000):
        assert compare(Binary64(b(u)), Binary64(b(v))) is compare(u, v), (u, op, v)
        assert compare(Binary64(b(u)), v) is compare(u, v), (u, op, v)


def test_floats_and_ints_mix_in_exactly():
    z = Binary64(b(0.7))
    assert (1.0 + z).n == b(1.7) and (z + 1.0).n == b(0.7 + 1.0)
    assert (1.0 / z).n == b(1.0 / 0.7) and (z / 4).n == b(0.7 / 4)
    assert (1.0 - z).n == b(1.0 - 0.7) and (3 * z).n == b(3 * 0.7)
    assert (z >= 0.5) is True and (Binary64(b(0.25)) >= 0.5) is False
    # ints become the nearest binary64, ties to even, as CPython's int -> float does
    for i in (0, 1, -7, 2 ** 53 + 1, 2 ** 53 + 3, -(2 ** 60 + 2 ** 7), 2 ** 1023 * 3 // 2):
        assert (Binary64(0) + i).n == b(0.0 + i), i
    assert (Binary64(0) + 2 ** 1024).n == 0x7FF0000000000000
    with pytest.raises(TypeError):
        Binary64(0) < "0"


def test_exp_sigmoid_and_bits_out():
    from ann_ref.core.model import PARTS
    from ann_ref.core.softfloat import SOFTWARE

    def sigmoid(v):
        z = [[Binary64(b(v))]]
        return PARTS["s"](SOFTWARE, z, PARTS["t"](SOFTWARE, z))[0][0]
    for v in (0.0, -0.0, 1.0, -745.2, 709.8, 36.75, -2.0 ** -52, float("nan")):
        z = Binary64(b(v))
        assert same(softfloat.exp(z).n, pytest.importorskip("ann_ref").exp(v))
    assert sigmoid(0.0).n == b(0.5)
    assert sigmoid(-710.0).n == 0                                   # 1 / inf
    assert Binary64.from_hex("7ff0000000000001").hex_bits() == "7ff8000000000000"
    assert Binary64.from_hex("800000000000000f").hex_bits() == "800000000000000f"


def test_a_binary64_has_no_float_conversion():
    # MicroPython (1.20 on) computes `float OP object` through the object's __float__,
    # in the board's binary32: without one, it takes the reversed method, exactly
    assert not hasattr(Binary64, "__float__")
    with pytest.raises(TypeError):
        float(Binary64(b(0.1)))


def single(u, v):
    """An addition rounded to binary32, as a single-precision build does it."""
    return struct.unpack("<f", struct.pack("<f", u + v))[0]


def golden_scenario(name):
    with open(os.path.join(GOLDEN, name)) as fh:
        data = json.load(fh)
    return data["scenario"], [(e["bits"]["W"], e["bits"]["b"]) for e in data["trace"]]


def recording(monkeypatch):
    """trace.trajectory, recording the name of each arithmetic it is given."""
    used, original = [], trace.trajectory

    def recorded(*args):
        used.append(args[-1].name)
        return original(*args)
    monkeypatch.setattr(trace, "trajectory", recorded)
    return used


def test_a_binary32_float_selects_the_software_path(monkeypatch):
    assert bits.binary64() and not bits.binary64(single)
    monkeypatch.setattr(trace, "binary64", lambda: bits.binary64(single))
    used = recording(monkeypatch)
    scenario, expected = golden_scenario("article.json")
    assert list(trace.trace_bits(scenario)) == expected
    assert used == ["binary64 in software"]


def test_binary64_keeps_the_float_path(monkeypatch):
    used = recording(monkeypatch)
    scenario, expected = golden_scenario("gate-or.json")
    assert list(trace.trace_bits(scenario)) == expected
    assert list(trace.trace_bits(scenario, software=True)) == expected
    assert used == ["binary64", "binary64 in software"]


FAST = ["article.json", "negative-zero.json", "non-finite.json", "subnormal.json",
        "tiny-z-threshold.json", "sigmoid-saturation-logistic.json"]


@pytest.mark.parametrize("name", FAST)
def test_software_path_reproduces_golden_files(name):
    scenario, expected = golden_scenario(name)
    assert list(trace.trace_bits(scenario, software=True)) == expected


@pytest.mark.slow
def test_software_path_reproduces_the_whole_catalogue():
    for name in golden_names():
        scenario, expected = golden_scenario(name)
        assert list(trace.trace_bits(scenario, software=True)) == expected, name


def test_the_public_api_computes_in_software_where_float_is_not_binary64(monkeypatch):
    """What a single-precision board runs: public.SOFTWARE is set at import from the
    float's measured precision; set here by hand, every public function must give the
    float path's bits, on Binary64 numbers."""
    import ann_ref
    from ann_ref.core import public
    from ann_ref.core.bits import hex_bits
    from ann_ref.core.datasets import ARTICLE
    args = [ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate")]
    floats = ann_ref.train(*args, iterations=30, variant="logistic")
    from ann_ref.core.softfloat import SOFTWARE
    monkeypatch.setattr(public, "A", SOFTWARE)
    software = ann_ref.train(*args, iterations=30, variant="logistic")
    assert type(software[-1][1]).__name__ == "Binary64"
    assert [([[v.hex_bits() for v in r] for r in W], b.hex_bits()) for W, b in software] == \
        [([[hex_bits(v) for v in r] for r in W], hex_bits(b)) for W, b in floats]
    W, b = ann_ref.step(*args, variant="threshold")
    assert b.hex_bits() == "3fed99999999999a"            # 0.925: b − 0.1·(3/4)
    assert ann_ref.predict([[0.4], [0.2]], 1, ARTICLE["x"]) == [[1, 1, 1, 1]]
    assert ann_ref.exp(1).hex_bits() == "4005bf0a8b145769"    # e
    assert ann_ref.sigmoid(0).hex_bits() == "3fe0000000000000"  # 0.5


@pytest.mark.parametrize("software", [False, True])
def test_from_hex_and_hex_bits_are_exact_on_either_path(monkeypatch, software):
    """A program that gives its numbers as bit patterns and prints bits gets the same
    output on floats and in software (what a binary32 board runs)."""
    import ann_ref
    from ann_ref.core import public
    from ann_ref.core.softfloat import SOFTWARE
    ann_ref.exp(0)                                     # the core loaded, A chosen
    if software:
        monkeypatch.setattr(public, "A", SOFTWARE)
    kind = Binary64 if software else float
    for h in ("3fb999999999999a", "8000000000000000", "0000000000000001", "7ff0000000000000",
              "FFEFFFFFFFFFFFFF"):
        v = ann_ref.from_hex(h)
        assert type(v) is kind and ann_ref.hex_bits(v) == h.lower()
    assert ann_ref.hex_bits(ann_ref.from_hex("7ff0000000000123")) == "7ff8000000000000"
    assert ann_ref.hex_bits(1) == "3ff0000000000000"
    assert ann_ref.hex_bits(2 ** 53 + 1) == "4340000000000000"     # the nearest, ties to even
    for bad in ("3fb99999999999", "3fb999999999999g", " 3fb99999999999a", 0x3fb999999999999a):
        with pytest.raises(ValueError, match="it must be 16 hex digits"):
            ann_ref.from_hex(bad)
    with pytest.raises(TypeError, match="v is '3ff0000000000000' .str., not a real number"):
        ann_ref.hex_bits("3ff0000000000000")


def test_exp_of_a_binary64_is_exp_bits_of_its_bits():
    """softfloat.exp reads a normal number's significand and exponent directly; at the
    edges of that (|z| near 2^-54 and 1024) and beyond, it must be exp_bits."""
    from ann_ref.core.exponential import exp_bits
    rng = random.Random(3)
    patterns = [0, 1 << 63, 1, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
                0x000FFFFFFFFFFFFF]
    for field in list(range(960, 976)) + list(range(1026, 1040)):
        for _ in range(20):
            patterns.append(rng.getrandbits(1) << 63 | field << 52 | rng.getrandbits(52))
        patterns += [field << 52, 1 << 63 | field << 52 | (1 << 52) - 1]
    for n in patterns:
        assert softfloat.exp(Binary64(n)).n == exp_bits(n), "%016x" % n
