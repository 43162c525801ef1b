"""binary32.py against an independent reference (tests/decimal_exp32.py: decimal and
fractions), bit for bit: round32 and the bit helpers, exp32 on every class of binary32
argument, exp32_bits against exp32, and every claim of binary32.py's proofs that a
computation can check (the screen's record, the tables and constants, the reduction,
the polynomial, the rounding by a shift).
The default run takes a sample of each class; `-m slow` runs ten times as many, and
compares exp32 with glibc's expl on a stride of all binary32 arguments (NumPy needed).
"""
import importlib.util
import math
import os
import random
import shutil
import struct
import subprocess
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

import ann_ref.core.binary32 as module
from ann_ref.catalogue.exptable import HARD32
from ann_ref.core.binary32 import (X_MAX_BITS, X_MIN_BITS, bits32_to_float, exp32,
                                   exp32_bits, float_to_bits32, from_hex32, hex_bits32,
                                   round32, round32_list)
from decimal_exp32 import (binary32, midpoint_distance, pattern, reference_exp32,
                           round_to_binary32, spacing_exponent)

# exp32's constants and table are taken from exponential.py on its first call; the
# tests below read them directly
module._load_tables()

INF = float("inf")
NAN = float("nan")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def power_of_two(exponent):
    """2^exponent (a decimal string, as the proofs write it) as a Fraction, to 50 digits."""
    with localcontext() as c:
        c.prec = 50
        return Fraction(Decimal(2) ** Decimal(exponent))


def bits(v):
    """The binary64 bit pattern: exactness is compared on bits, never on values."""
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def from_bits64(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def sizes(n):
    """n arguments in the default run, 10 n with -m slow."""
    return [pytest.param(n, id="sample"),
            pytest.param(10 * n, marks=pytest.mark.slow, id="full")]


def check(xs):
    """exp32 against the decimal reference, and exp32_bits against exp32, on xs (floats
    holding binary32 values)."""
    wrong = []
    for x in xs:
        got, want = exp32(x), reference_exp32(x)
        if bits(got) != bits(want):
            wrong.append("exp32(%r) (%08x): got %r, want %r" % (x, pattern(x), got, want))
        n = pattern(x) if x == x else 0x7FC00001
        if exp32_bits(n) != pattern(got):
            wrong.append("exp32_bits(%08x): %08x, exp32 gives %08x" % (n, exp32_bits(n),
                                                                      pattern(got)))
    assert not wrong, "%d wrong, first: %s" % (len(wrong), wrong[:5])


def patterns_between(rng, n, low, high):
    """n random binary32 values with low <= pattern <= high (uniform in patterns, so
    every binade is drawn in proportion to its count of values)."""
    return [binary32(rng.randint(low, high)) for _ in range(n)]


def uniform32(rng, n, low, high):
    """n random binary32 values in [low, high], uniform in value."""
    return [struct.unpack("<f", struct.pack("<f", rng.uniform(low, high)))[0]
            for _ in range(n)]


# --- round32 and the bit helpers -------------------------------------------------------

def edge_values():
    """Ties and their neighbours at every kind of binary32 spacing, the overflow
    threshold, subnormal ties, signed zeros and infinities."""
    out = [0.0, -0.0, INF, -INF, 1.0, 5e-324, 1e-300, 1e300, 1.7976931348623157e308]
    tie_max = 2.0 ** 128 - 2.0 ** 103       # halfway from the largest binary32 to 2^128
    for v in (tie_max, 2.0 ** 128, 3.4028234663852886e38, 2.0 ** -150, 3 * 2.0 ** -150,
              5 * 2.0 ** -150, 2.0 ** -126 - 2.0 ** -150, 2.0 ** -126 + 2.0 ** -150,
              1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, 1 - 2.0 ** -25, 2.0 ** -149):
        n = bits(v)
        out += [from_bits64(n + d) for d in (-1, 0, 1)]
    rng = random.Random(11)
    for _ in range(300):                    # random ties: normal and subnormal grids
        e = rng.randint(-126, 127)
        m = rng.randint(1 << 23, (1 << 24) - 1)
        out.append(math.ldexp(2 * m + 1, e - 24))
        out.append(math.ldexp(2 * rng.randint(0, 1 << 23) + 1, -150))
    return out + [-v for v in out]


def random_values(n):
    rng = random.Random(12)
    out = []
    while len(out) < n:
        v = from_bits64(rng.getrandbits(1) << 63 | rng.randint(0x300, 0x480) << 52
                        | rng.getrandbits(52))      # 2^-255 to 2^129: every case
        out.append(v)
    return out


def rounded(v):
    """v rounded to binary32 by the reference: zeros, infinities and NaN are themselves."""
    return round_to_binary32(Fraction(v)) if v - v == 0 and v != 0 else v


@pytest.mark.parametrize("values", [edge_values(), random_values(3000)],
                         ids=["edges", "random"])
def test_round32_is_the_exact_rational_rounding(values):
    wrong = [v for v in values if bits(round32(v)) != bits(rounded(v))]
    assert not wrong, ["%r: %r" % (v, round32(v)) for v in wrong[:5]]
    assert [bits(v) for v in round32_list(values)] == [bits(round32(v)) for v in values]


def test_round32_at_the_overflow_threshold_and_of_nan():
    tie = 2.0 ** 128 - 2.0 ** 103
    assert round32(tie) == INF and round32(-tie) == -INF          # the tie goes to even
    below = from_bits64(bits(tie) - 1)
    assert round32(below) == 3.4028234663852886e38 == round32_list([below])[0]
    assert round32(1e300) == INF and round32_list([1e300, -1e300]) == [INF, -INF]
    assert round32(NAN) != round32(NAN) and round32_list([NAN])[0] != round32_list([NAN])[0]
    assert bits(round32(2.0 ** -150)) == bits(0.0)                # subnormal tie to even
    assert bits(round32(-2.0 ** -150)) == bits(-0.0)
    assert round32(3 * 2.0 ** -150) == 2.0 ** -148
    assert round32_list(iter([1, 0.1])) == [1.0, 0.10000000149011612]


def test_bit_helpers():
    known = {"00000000": 0.0, "80000000": -0.0, "3f800000": 1.0, "00000001": 2.0 ** -149,
             "007fffff": 2.0 ** -126 - 2.0 ** -149, "00800000": 2.0 ** -126,
             "7f7fffff": 3.4028234663852886e38, "7f800000": INF, "ff800000": -INF,
             "3dcccccd": 0.10000000149011612, "c16912cd": -14.567090034484863}
    for h, v in known.items():
        assert hex_bits32(v) == h and bits(from_hex32(h)) == bits(v)
        assert float_to_bits32(v) == int(h, 16)
        assert bits(bits32_to_float(int(h, 16))) == bits(v)
    assert hex_bits32(NAN) == "7fc00000" and hex_bits32(-NAN) == "7fc00000"
    assert hex_bits32(from_hex32("7f800001")) == "7fc00000"     # any NaN is canonical
    assert float_to_bits32(1e300) == 0x7F800000 and float_to_bits32(-1e300) == 0xFF800000
    assert hex_bits32(0.1) == "3dcccccd"                        # rounded first
    rng = random.Random(13)
    for _ in range(2000):
        n = rng.getrandbits(32)
        if n & 0x7FFFFFFF <= 0x7F800000:                        # not NaN
            v = bits32_to_float(n)
            assert float_to_bits32(v) == n and hex_bits32(v) == "%08x" % n
            assert bits(v) == bits(binary32(n))                 # struct, independently


# --- exp32 on every class of argument --------------------------------------------------

@pytest.mark.parametrize("n", sizes(1500))
def test_whole_range_uniform(n):
    check(uniform32(random.Random(1), n, -103.97, 88.72))


@pytest.mark.parametrize("n", sizes(1500))
def test_every_binade_by_pattern(n):
    """Uniform in bit patterns between 2^-27 and the thresholds, both signs: small |x|
    (most patterns) as much as large."""
    rng = random.Random(2)
    check(patterns_between(rng, n // 2, 0x32000000, X_MAX_BITS)
          + patterns_between(rng, n // 2, 0xB2000000, X_MIN_BITS))


@pytest.mark.parametrize("n", sizes(600))
def test_subnormal_results(n):
    xs = uniform32(random.Random(3), n, -103.972, -87.3366)
    assert all(0.0 < exp32(x) < 2.0 ** -126 for x in xs)
    check(xs)


@pytest.mark.parametrize("n", sizes(300))
def test_the_last_stretch_before_overflow(n):
    check(uniform32(random.Random(4), n, 88.0, 88.7228))


def test_every_argument_next_to_the_boundaries():
    """The record's boundaries (binary32.py) and six neighbours on each side: finite up
    to X_MAX, inf after; nonzero down to X_MIN, 0 after; subnormal from c2aeac50 down;
    1 for -2^-25 <= x < 2^-24; and the change of scale of exp32's last step (k = -126,
    kk = -32000.5 and -32256.5, and the last binade, kk = 32767.5)."""
    ln2 = math.log(2)
    centres = [X_MAX_BITS, X_MIN_BITS, 0xC2AEAC50, 0x33800000, 0xB3000001]
    centres += [float_to_bits32(kk * ln2 / 256) for kk in (-32000.5, -32256.5, 32767.5)]
    xs = [binary32(c + d) for c in centres for d in range(-6, 7)]
    check(xs)
    assert exp32(binary32(X_MAX_BITS)) < INF == exp32(binary32(X_MAX_BITS + 1))
    assert exp32(binary32(X_MIN_BITS)) == 2.0 ** -149
    assert bits(exp32(binary32(X_MIN_BITS + 1))) == bits(0.0)
    assert exp32(binary32(0xC2AEAC50)) < 2.0 ** -126 <= exp32(binary32(0xC2AEAC4F))
    assert exp32(binary32(0x337FFFFF)) == 1.0 < exp32(2.0 ** -24)
    assert exp32(-2.0 ** -25) == 1.0 > exp32(binary32(0xB3000001))


def test_tiny_arguments():
    """|x| from the least subnormal to 2^-20, both signs: e^x is 1 or a neighbour of 1,
    and the screen starts at 2^-27, the proof covering |x| < 2^-26 by itself."""
    rng = random.Random(5)
    xs = [s * binary32(n) for n in (1, 2, 0x7FFFFF, 0x800000, 0x32000000, 0x32800000,
                                    0x337FFFFF, 0x33800000, 0x33800001, 0x32FFFFFF,
                                    0x33000000, 0x33000001) for s in (1.0, -1.0)]
    xs += [s * binary32(rng.randint(1, 0x35800000)) for s in (1.0, -1.0) for _ in range(200)]
    check(xs)


def test_tiny_arguments_are_far_from_every_midpoint():
    """The proof's claim for |x| < 2^-26: e^x is more than 1/4 ULP from every midpoint.
    At the ends of that range and at random inside it."""
    rng = random.Random(6)
    xs = [s * binary32(n) for n in (1, 0x327FFFFF, 0x32800000) for s in (1.0, -1.0)]
    xs += [s * binary32(rng.randint(1, 0x327FFFFF)) for s in (1.0, -1.0) for _ in range(100)]
    for x in xs:
        distance, _ = midpoint_distance(x)
        assert distance > Fraction(1, 4), x


def test_the_record_s_closest_arguments():
    """The screen's 34 arguments closest to a midpoint (below 2^-25 ULP), re-evaluated
    with decimal: each is that close, the counts below 2^-26, 2^-27 and 2^-28 are the
    record's, the closest is c16912cd at 2^-28.6606 (above 2^-28.67, the bound the
    proof uses), and exp32 and exp32_bits round every one (and its neighbours) right."""
    distances = {h: midpoint_distance(from_hex32(h)) for h in HARD32}
    assert len(HARD32) == 34
    log2 = {h: math.log2(d) for h, (d, _) in distances.items()}
    assert all(v < -25 for v in log2.values()), log2
    assert sum(v < -26 for v in log2.values()) == 20
    assert sum(v < -27 for v in log2.values()) == 6
    assert [h for h, v in log2.items() if v < -28] == ["c16912cd"]
    assert -28.6607 < log2["c16912cd"] < -28.6605 and log2["c16912cd"] > -28.67
    assert -27.6971 < log2["c2b2e798"] < -27.6969            # the closest subnormal result
    assert distances["c16912cd"][1] is True                   # above: it rounds up
    check([bits32_to_float(int(h, 16) + d) for h in HARD32 for d in (-1, 0, 1)])
    assert hex_bits32(exp32(from_hex32("c16912cd"))) == "34fd331b"


def test_specials_and_other_arguments():
    assert exp32(INF) == INF and bits(exp32(-INF)) == bits(0.0)
    assert exp32(NAN) != exp32(NAN)
    assert exp32(0.0) == 1.0 == exp32(-0.0)
    assert exp32(1e30) == INF and bits(exp32(-1e30)) == bits(0.0)
    assert exp32(1e300) == INF and bits(exp32(-1e300)) == bits(0.0)
    assert exp32(1) == reference_exp32(1.0) and exp32(-3) == reference_exp32(-3.0)
    assert exp32(100) == INF and exp32(-200) == 0.0
    assert exp32(10 ** 400) == INF and exp32(-10 ** 400) == 0.0
    for x in (0.1, -0.1, 88.7228391, 88.722839, -103.972077, 1 / 3):
        assert bits(exp32(x)) == bits(reference_exp32(round_to_binary32(Fraction(x)))), x
    for bad in (True, "1", None, 1j):
        with pytest.raises(TypeError, match="real number"):
            exp32(bad)


def test_a_float_that_is_no_binary32_is_taken_as_its_rounding():
    """Binary64 arguments, at random and at binary32 ties: exp32(x) is e^round32(x)
    rounded. Below 2^-126 a 24-bit float that is no binary32 value (the split lets it
    through) gives 1, as its rounding does."""
    rng = random.Random(16)
    xs = [rng.uniform(-103.98, 88.73) for _ in range(300)]
    xs += [rng.uniform(-2.0 ** -20, 2.0 ** -20) for _ in range(50)]
    for _ in range(50):
        tie = math.ldexp(2 * rng.randint(1 << 23, (1 << 24) - 1) + 1, rng.randint(-30, 5))
        xs += [tie, -tie]
    for x in xs:
        want = reference_exp32(round_to_binary32(Fraction(x)))
        assert bits(exp32(x)) == bits(want), x
    for x in ((2 ** 23 + 1) * 2.0 ** -163, -(2 ** 23 + 3) * 2.0 ** -150, 2.0 ** -1074):
        assert round32(x) != x and exp32(x) == 1.0


def test_exp32_bits_specials_and_range():
    for n, want in [(0x7F800000, 0x7F800000), (0xFF800000, 0), (0x7FC00000, 0x7FC00000),
                    (0xFFC00000, 0x7FC00000), (0x7F800001, 0x7FC00000),
                    (0xFFFFFFFF, 0x7FC00000), (0, 0x3F800000), (0x80000000, 0x3F800000),
                    (0x7F7FFFFF, 0x7F800000), (0xFF7FFFFF, 0), (1, 0x3F800000)]:
        assert exp32_bits(n) == want, "%08x" % n
    for n in (-1, 1 << 32):
        with pytest.raises(ValueError, match="32-bit pattern"):
            exp32_bits(n)


# --- the claims of the proofs ------------------------------------------------------------

def decimal_power_of_two(j):
    with localcontext() as c:
        c.prec = 50
        return Fraction(Decimal(2) ** (Decimal(j) / 256))


def significant_bits(v):
    m = Fraction(v)
    while m.denominator > 1:
        m *= 2
    n = m.numerator
    while n and n % 2 == 0:
        n //= 2
    return n.bit_length()


def test_the_table_and_constants_are_as_the_proof_says():
    """Th[j] has at most 26 bits, |Tl[j]| < 2^-25 and Th + Tl is 2^(j/256) within 2^-78
    relative; L1 has 34 bits, |L2| < 2^-43.8 and L1 + L2 is ln2/256 within 2^-95; _INV
    is 256/ln2 within 2^-52 relative."""
    from ann_ref.core import exponential
    bound = Fraction(1, 2 ** 78)
    for j in range(256):
        Th, Tl = exponential._TH[j], exponential._TL[j]
        exact = decimal_power_of_two(j)
        assert significant_bits(Th) <= 26 and abs(Tl) < 2.0 ** -25
        assert abs(Fraction(Th) + Fraction(Tl) - exact) < bound * exact, j
    with localcontext() as c:
        c.prec = 60
        ln2 = Fraction(Decimal(2).ln())
    assert significant_bits(module._L1) <= 34 and abs(module._L2) < 2.0 ** -43.8
    assert abs(Fraction(module._L1) + Fraction(module._L2) - ln2 / 256) < Fraction(1, 2 ** 95)
    assert abs(Fraction(module._INV) * ln2 / 256 - 1) < Fraction(1, 2 ** 52)


def test_the_polynomial_s_bounds():
    """rho = ln2/512 (1 + 2^-34) < 2^-9.5287; the series' remainder after degree 4,
    sum of rho^n/n! for n >= 5, is below 2^-54.550; w is below 2^-20.05; and e^-rho >=
    0.99864, 2^(255/256) e^rho <= 1.99730 (y's range)."""
    with localcontext() as c:
        c.prec = 60
        ln2 = Decimal(2).ln()
        rho = ln2 / 512 * (1 + Decimal(2) ** -34)
        assert rho < Decimal(2) ** Decimal("-9.5287")
        term, rest, n = rho ** 5 / 120, Decimal(0), 5
        while term > Decimal(10) ** -40:
            rest += term
            n += 1
            term = term * rho / n
        assert rest < Decimal(2) ** Decimal("-54.550")
        assert rho ** 2 / 2 * (1 + rho / 3 + rho ** 2 / 12) < Decimal(2) ** Decimal("-20.05")
        assert (-rho).exp() >= Decimal("0.99864")
        assert (ln2 * 255 / 256 + rho).exp() <= Decimal("1.99730")


@pytest.mark.parametrize("n", sizes(400))
def test_the_reduction_stays_within_rho_and_r_within_2_minus_62_99(n):
    """kk and r as exp32 computes them: |x - kk ln2/256| <= rho, and r is that within
    2^-62.99, at the ends of the range and at random."""
    with localcontext() as c:
        c.prec = 80
        ln2 = Fraction(Decimal(2).ln())
    rho = ln2 / 512 * (1 + Fraction(1, 2 ** 34))
    xs = [binary32(X_MAX_BITS), binary32(X_MIN_BITS)] + uniform32(random.Random(7), n,
                                                                  -103.97, 88.72)
    for x in xs:
        kk = round(x * module._INV)
        r = (x - kk * module._L1) - kk * module._L2
        exact = Fraction(x) - kk * ln2 / 256
        assert abs(exact) <= rho, x
        assert abs(Fraction(r) - exact) < power_of_two("-62.99"), x


def exact_rounding_at(y, quantum):
    """y rounded to a multiple of 2^quantum, to nearest, ties to even (Fractions)."""
    scaled = Fraction(y) / Fraction(2) ** quantum
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2):
        n += 1
    return n * Fraction(2) ** quantum


def test_the_shift_rounds_y_to_binary32():
    """(y + 1.5*2^29) - 1.5*2^29 is y rounded to 2^-23, ties to even, for y in [1, 2);
    with 1.5*2^28, to 2^-24 for y in [0.5, 1). Ties, their neighbours, random y."""
    rng = random.Random(8)
    cases = []
    for low, quantum in ((1.0, -23), (0.5, -24)):
        ys = [rng.uniform(low, 2 * low) for _ in range(2000)]
        for _ in range(200):
            tie = low + (2 * rng.randint(0, 1 << 22) + 1) * 2.0 ** (quantum - 1)
            ys += [from_bits64(bits(tie) + d) for d in (-1, 0, 1)]
        ys += [low, from_bits64(bits(2 * low) - 1)]
        cases.append((ys, quantum, module._SHIFT23 if quantum == -23 else module._SHIFT24))
    for ys, quantum, shift in cases:
        for y in ys:
            assert Fraction((y + shift) - shift) == exact_rounding_at(y, quantum), y


def test_the_shift_rounds_a_subnormal_result_to_binary32():
    """(v + 1.5*2^-97) - 1.5*2^-97 is v rounded to 2^-149, ties to even, for v below
    2^-125: subnormal results and those of the least normal binade."""
    rng = random.Random(14)
    vs = [rng.uniform(0, 2.0 ** -125) for _ in range(2000)]
    vs += [rng.uniform(0, 2.0 ** -140) for _ in range(500)]
    for _ in range(300):
        tie = (2 * rng.randint(0, 1 << 23) + 1) * 2.0 ** -150
        vs += [from_bits64(bits(tie) + d) for d in (-1, 0, 1)]
    vs += [2.0 ** -150, 2.0 ** -126, from_bits64(bits(2.0 ** -125) - 1)]
    for v in vs:
        got = (v + module._SHIFT149) - module._SHIFT149
        assert Fraction(got) == exact_rounding_at(v, -149), v
        assert bits(got) == bits(round32(v)), v


def test_the_split_tells_binary32_arguments_from_others():
    """h - (h - x), h = x * (2^29 + 1), is x exactly when x is a binary32 value, and not
    when x has more than 24 significant bits; 2^-126 <= |x| < 104 (exp32's range)."""
    rng = random.Random(15)
    for _ in range(5000):
        x = rng.choice((-1.0, 1.0)) * math.ldexp(rng.uniform(1, 2), rng.randint(-126, 6))
        for v in (x, round32(x)):
            if abs(v) < 104:
                h = v * module._SPLIT
                assert (h - (h - v) == v) == (round32(v) == v), v
    for h in ("00800000", "42cfffff", "c2cfffff", "3f800001", "c16912cd"):
        v = from_hex32(h)
        c = v * module._SPLIT
        assert c - (c - v) == v


@pytest.mark.parametrize("n", sizes(1500))
def test_the_approximation_before_its_rounding_is_within_the_bound(n, monkeypatch):
    """With the last rounding taken out (shifts of 0), exp32 gives
    y * 2^k, the binary64 approximation the lemma is about: it is within 2^-30.52 ULP of
    e^x plus half a binary64 spacing at y * 2^k. On the closest arguments and at random."""
    for shift in ("_SHIFT23", "_SHIFT24", "_SHIFT149"):
        monkeypatch.setattr(module, shift, 0.0)
    xs = [from_hex32(h) for h in HARD32] + uniform32(random.Random(9), n, -103.97, 88.72)
    worst = 0.0
    for x in xs:
        v = exp32(x)
        with localcontext() as c:
            c.prec = 60
            exact = Fraction(Decimal(x).exp())
        U = Fraction(2) ** spacing_exponent(exact)
        half_spacing = Fraction(2) ** (math.frexp(v)[1] - 54)
        error = (abs(Fraction(v) - exact) - half_spacing) / U
        worst = max(worst, float(error))
        assert error < power_of_two("-30.52"), x
    print("largest error beyond the binary64 rounding: 2^%.2f ULP" % math.log2(worst)
          if worst > 0 else "no error beyond the binary64 rounding")


def test_narrow_is_the_exact_rounding_of_a_binary64():
    """exp32_bits' last step, on random positive binary64 patterns from 2^-160 to 2^130,
    binary32 ties among them."""
    rng = random.Random(10)
    ms = [rng.randint(0x35F0000000000000, 0x4810000000000000) for _ in range(3000)]
    for _ in range(300):
        tie = math.ldexp(2 * rng.randint(1 << 23, (1 << 24) - 1) + 1, rng.randint(-150, 103))
        ms += [bits(tie) + d for d in (-1, 0, 1)]
    ms += [bits(2.0 ** -150), bits(2.0 ** 128 - 2.0 ** 103), bits(2.0 ** 128) - 1]
    for m in ms:
        want = round_to_binary32(Fraction(from_bits64(m)))
        assert module._narrow(m) == pattern(want), hex(m)


def test_where_float_is_not_binary64_exp32_goes_through_exp32_bits(monkeypatch):
    """A copy of the module loaded as on a binary32 platform (bits.binary64() False)
    defines exp32 on exp32_bits; on CPython it must give exp32's bits."""
    import ann_ref.core.bits as bits_module
    monkeypatch.setattr(bits_module, "binary64", lambda add=None: False)
    spec = importlib.util.spec_from_file_location("ann_ref.core._binary32_on_binary32",
                                                  module.__file__)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    assert copy.exp32 is not module.exp32
    xs = [from_hex32(h) for h in HARD32[:10]] + uniform32(random.Random(11), 100, -104, 89)
    xs += [INF, -INF, 0.0, 0.1, 10 ** 400, 3]
    assert [bits(copy.exp32(x)) for x in xs] == [bits(exp32(x)) for x in xs]
    assert copy.exp32(NAN) != copy.exp32(NAN)


# --- golden/exp32.json ----------------------------------------------------------------

def exp32_table():
    import json
    with open(os.path.join(ROOT, "golden", "exp32.json"), encoding="utf-8") as f:
        return json.load(f)


def test_exp32_table_is_correctly_rounded_by_an_independent_evaluation():
    table = exp32_table()
    assert table["format"] == "ann-ref-exp32" and table["version"] == 1
    assert {v["kind"] for v in table["vectors"]} == set(table["notes"])
    arguments = [v["argument"] for v in table["vectors"]]
    assert len(set(arguments)) == len(arguments)
    assert set(HARD32) <= set(arguments)
    for v in table["vectors"]:
        x = from_hex32(v["argument"])
        assert v["result"] == "%08x" % pattern(reference_exp32(x)), v


def test_the_exported_exp32_gives_every_result_of_the_table():
    """ann_ref.exp32, the public function, against the table's results (which the test
    above checks against the independent evaluation)."""
    import ann_ref
    assert "exp32" in ann_ref.__all__
    for v in exp32_table()["vectors"]:
        assert "%08x" % pattern(ann_ref.exp32(from_hex32(v["argument"]))) == v["result"], v


@pytest.mark.parametrize("bad", [None, "1", [1.0], True, complex(1, 1), b"1"])
def test_the_exported_exp32_refuses_what_is_not_a_real_number_in_one_line(bad):
    import ann_ref
    with pytest.raises(TypeError) as e:
        ann_ref.exp32(bad)
    message = str(e.value)
    assert message.startswith("x is ") and "\n" not in message, message


def test_the_exported_exp32_takes_any_int_as_exp_does():
    import ann_ref
    assert ann_ref.exp32(2 ** 1100) == math.inf and ann_ref.exp32(-2 ** 1100) == 0.0
    assert ann_ref.exp32(0) == 1.0 and pattern(ann_ref.exp32(1)) == 0x402df854


def test_exp32_table_satisfies_its_schema():
    import json
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(ROOT, "golden", "exp32.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    table = exp32_table()
    jsonschema.validate(table, schema)
    table["vectors"][0]["result"] = "7fc00000 "
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(table, schema)


def test_the_misrounded_arguments_are_misrounded_here():
    """glibc's expf misrounds every argument of MISROUNDED_BY_GLIBC (checked where the C
    library is glibc); NumPy's float32 np.exp every one of MISROUNDED_BY_NUMPY, where it
    uses its SIMD code (with another, on another CPU, the test says so and stops)."""
    import ctypes
    import platform
    from ann_ref.catalogue.exptable import MISROUNDED_BY_GLIBC, MISROUNDED_BY_NUMPY
    if platform.libc_ver()[0] == "glibc":
        libm = ctypes.CDLL("libm.so.6")
        libm.expf.restype, libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]
        for h in MISROUNDED_BY_GLIBC:
            x = from_hex32(h)
            assert pattern(libm.expf(x)) != pattern(reference_exp32(x)), h
    np = pytest.importorskip("numpy")
    wrong = [h for h in MISROUNDED_BY_NUMPY
             if pattern(float(np.exp(np.float32(from_hex32(h))))) !=
             pattern(reference_exp32(from_hex32(h)))]
    if not wrong:
        pytest.skip("NumPy's np.exp rounds all of them right on this machine")
    assert wrong == MISROUNDED_BY_NUMPY


# --- the benchmark ---------------------------------------------------------------------

def test_bench_exp32_prints_every_range_and_the_rounding_costs():
    """benchmarks/bench_exp32.py runs, briefly; its ratios are printed, never judged."""
    import sys
    here = os.path.join(ROOT, "benchmarks")
    sys.path.insert(0, here)
    try:
        import bench_exp32
    finally:
        sys.path.remove(here)
    lines = []
    ratios = bench_exp32.report(n=20, rounds=2, out=lines.append)
    assert list(ratios) == [name for name, _, _ in bench_exp32.RANGES]
    assert all(r > 0 for r in ratios.values())
    assert "\n".join(lines).count("target ≤ 1.5×") == len(bench_exp32.RANGES)
    costs = bench_exp32.rounding_report(n=50, rounds=2, out=lines.append)
    assert "round32(v)" in costs and "round32_list(values), per value" in costs


# --- the long checks -----------------------------------------------------------------------

def _compare_with_expl(np, low, high, stride):
    """The patterns among low, low + stride, ... up to high where exp32 differs from
    (float)expl, and how many were compared."""
    wrong, count = [], 0
    for start in range(low, high + 1, stride << 20):
        n = np.arange(start, min(start + (stride << 20), high + 1), stride, dtype=np.uint32)
        x = n.view(np.float32)
        want = np.exp(x.astype(np.longdouble)).astype(np.float32).view(np.uint32)
        got = np.array([exp32(v) for v in x.astype(np.float64).tolist()],
                       dtype=np.float64).astype(np.float32).view(np.uint32)
        wrong += ["%08x" % v for v in n[got != want][:5]]
        count += len(n)
    return wrong, count


@pytest.mark.slow
def test_every_61st_binary32_argument_against_glibc_expl():
    """exp32 on every 61st bit pattern from 2^-27 to the thresholds (9.2 million; every
    one, 562 million, with ANN_REF_EXP32_STRIDE=1), against (float)expl(x) through
    NumPy's longdouble: the screen shows that this rounds every binary32 argument right
    (expl agrees with binary128 within 2^-40 ULP, the record is 2^-28.66)."""
    np = pytest.importorskip("numpy")
    if np.finfo(np.longdouble).nmant < 63:
        pytest.skip("longdouble is not x87 extended here")
    stride = int(os.environ.get("ANN_REF_EXP32_STRIDE", "61"))
    wrong, count = [], 0
    for low, high in ((0x32000000, X_MAX_BITS), (0xB2000000, X_MIN_BITS)):
        w, c = _compare_with_expl(np, low, high, stride)
        wrong += w
        count += c
    print("%d arguments compared" % count)
    assert not wrong, wrong


@pytest.mark.slow
def test_the_screen_compiles_and_finds_the_record_in_a_slice(tmp_path):
    """tools/exp32_screen.c, built with gcc and libquadmath, on the 65,537 arguments
    around c16912cd: it finds c16912cd at 2^-28.6606, agrees with expl, and its
    distances are decimal's."""
    if not shutil.which("gcc"):
        pytest.skip("no gcc")
    source = os.path.join(ROOT, "tools", "exp32_screen.c")
    binary = str(tmp_path / "exp32_screen")
    build = subprocess.run(["gcc", "-O2", "-pthread", "-o", binary, source, "-lquadmath",
                            "-lm"], capture_output=True, text=True)
    if build.returncode:
        pytest.skip("cannot build with libquadmath: %s" % build.stderr[-200:])
    p = subprocess.run([binary, "2", "c1690000", "c16a0000"], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert any(line.startswith("closest normal c16912cd") and "2^-28.6606" in line
               for line in lines), p.stdout
    assert any(line.startswith("expl against expq") and "0 beyond 2^-36" in line
               for line in lines), p.stdout
    near = [line.split() for line in lines if line.startswith("near ")]
    assert near and near[0][1] == "c16912cd"
    for fields in near:
        x = from_hex32(fields[1])
        distance, above = midpoint_distance(x)
        assert float(distance) == float.fromhex(fields[4])
        assert above == (fields[7] == "above") and fields[9] == "%08x" % pattern(
            reference_exp32(x))
