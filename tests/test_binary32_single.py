"""single.py's argument, checked against exact rationals: a + − × ÷ of two binary32 values
computed in binary64 and rounded once more to binary32 is the binary32 result, rounded
once from the exact one (to nearest, ties to even, subnormals kept, ±inf beyond the
range) — on operands chosen to land on and next to binary32 midpoints, in the subnormal
range, at the overflow threshold, and at random. The exact rounding here is written
with fractions, apart from ann_ref."""
import random
import struct
from fractions import Fraction

import pytest

from ann_ref.core.single import BINARY32, FLOATS32, Single

INF = float("inf")
NAN = float("nan")
LEAST = Fraction(1, 2 ** 149)             # the least subnormal binary32
OVERFLOW = Fraction(2 ** 128 - 2 ** 103)  # from here on (a tie to even included): inf


def f32(n):
    """The binary32 with the bit pattern n, as a float."""
    return struct.unpack("<f", struct.pack("<I", n))[0]


def bits32(v):
    return "nan" if v != v else "%08x" % struct.unpack("<I", struct.pack("<f", v))[0]


def round_exact(q, negative_zero=False):
    """The binary32 nearest to the rational q, ties to even, as a float; a zero result
    takes the sign of q (or −0.0 where q is an exact zero that IEEE makes negative)."""
    if q == 0:
        return -0.0 if negative_zero else 0.0
    sign = -1.0 if q < 0 else 1.0
    q = abs(q)
    if q >= OVERFLOW:
        return sign * INF
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if q < Fraction(2) ** e:
        e -= 1                            # 2^e <= q < 2^(e+1)
    quantum = Fraction(2) ** max(e - 23, -149)
    units = q / quantum
    n = units.numerator // units.denominator
    rest = units - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2):
        n += 1
    return sign * float(n * quantum)      # at most 25 bits: exact as a float


def exact_result(op, u, v):
    """IEEE-754's binary32 result of u op v, from the exact value where both are finite."""
    if u != u or v != v:
        return NAN
    finite = abs(u) < INF and abs(v) < INF
    negative = lambda w: struct.pack("<f", w)[3] >> 7          # noqa: E731
    if op == "+" or op == "-":
        w = v if op == "+" else -v
        if not finite:
            return u + w                  # inf + finite, inf − inf: as IEEE
        q = Fraction(u) + Fraction(w)
        both_negative = u == 0 and w == 0 and negative(u) and negative(w)
        return round_exact(q, q == 0 and both_negative)
    if op == "*":
        if not finite:
            return u * v
        return round_exact(Fraction(u) * Fraction(v), negative(u) != negative(v))
    if v == 0:
        if u == 0:
            return NAN
        return INF if negative(u) == negative(v) else -INF
    if not finite:
        return u / v
    return round_exact(Fraction(u) / Fraction(v), negative(u) != negative(v))


def computed(op, u, v):
    s, t = Single(u), Single(v)
    return {"+": s + t, "-": s - t, "*": s * t, "/": s / t}[op].v


def near(v, k=2):
    """v and the k binary32 values on each side of it (same sign)."""
    n = struct.unpack("<I", struct.pack("<f", v))[0]
    return [f32(m) for m in range(max(n - k, 0), n + k + 1) if m & 0x7F800000 != 0x7F800000]


def hard_products(rng, count):
    """u·v on a binary32 midpoint (a tie: the exact product has 25 significant bits,
    the last one set), and next to it (v's neighbours), in every binade and in the
    subnormal range."""
    pairs = []
    while len(pairs) < count * 3:
        U = rng.randrange(3, 1 << 12, 2)
        V = rng.randrange(1, 1 << 24, 2)
        if (U * V).bit_length() != 25:
            continue
        scale = rng.choice((-170, -160, -150, -140, -126, -100, -30, 0, 30, 100, 102))
        u = float(Fraction(U) * Fraction(2) ** (scale // 2 - 12))
        v = float(Fraction(V) * Fraction(2) ** (scale - scale // 2 - 12))
        if round_exact(Fraction(u)) != u or round_exact(Fraction(v)) != v:
            continue                      # an operand beyond binary32
        pairs += [(u, w) for w in near(v, 1)]
    return pairs


def hard_sums(rng, count):
    """u + v where v's bits reach just below u's last place: ties and near-ties."""
    pairs = []
    for _ in range(count):
        u = f32(rng.randrange(0x00800000, 0x7F000000))
        n = struct.unpack("<I", struct.pack("<f", u))[0]
        exponent = ((n >> 23) & 0xFF) - 127 - 23          # u's last place is 2^exponent
        for shift in (1, 2, 24, 25, 26, 30):
            half = float(Fraction(2) ** (exponent - shift)) if exponent - shift > -150 else 0.0
            if half:
                for w in near(half, 1):
                    pairs.append((u, w))
                    pairs.append((u, -w))
    return pairs


def hard_quotients(rng, count):
    """u / v as near a binary32 midpoint as a quotient gets: for V odd, K = ±V⁻¹ mod
    2^25 makes K·V = 2^25·U ± 1, so U/V lies 1/(2^25·V) from the midpoint K/2^25 —
    about 2^-24 ULP; scaled into every binade (the subnormal ones at random)."""
    pairs = []
    while len(pairs) < 2 * count:
        V = rng.randrange((1 << 23) + 1, 1 << 24, 2)
        K = pow(V, -1, 1 << 25) if rng.random() < 0.5 else (1 << 25) - pow(V, -1, 1 << 25)
        U = (K * V) >> 25
        if K < 1 << 24:
            continue                      # K/2^25 is a midpoint of [1/2, 1) only
        scale = rng.choice((-120, -60, 0, 60, 126))
        u = float(Fraction(U) * Fraction(2) ** (scale - 23))
        v = float(Fraction(V) * Fraction(2) ** -23)
        pairs.append((u, v))
        pairs.append((f32(rng.randrange(1, 0x00800000)), f32(rng.randrange(0x3F800000,
                                                                           0x41000000))))
    return pairs


def distance_to_midpoint(q):
    """How far the positive rational q lies from the nearest binary32 midpoint, in
    units of the binary32 spacing there."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if q < Fraction(2) ** e:
        e -= 1
    units = q / Fraction(2) ** max(e - 23, -149)
    return abs(units - units.numerator // units.denominator - Fraction(1, 2))


def test_the_hard_operands_are_hard():
    rng = random.Random(6)
    products = [distance_to_midpoint(abs(Fraction(u) * Fraction(v)))
                for u, v in hard_products(rng, 100)]
    quotients = [distance_to_midpoint(Fraction(u) / Fraction(v))
                 for u, v in hard_quotients(rng, 100)]
    sums = [distance_to_midpoint(abs(Fraction(u) + Fraction(v)))
            for u, v in hard_sums(rng, 20) if u + v]
    assert len([d for d in products if d == 0]) >= 40      # the normal ones: ties
    assert len([d for d in quotients if d < Fraction(1, 2 ** 22)]) >= 50
    assert len([d for d in sums if d == 0]) >= 20


def random_operand(rng):
    r = rng.random()
    if r < 0.1:
        return rng.choice((0.0, -0.0, INF, -INF, NAN, f32(1), f32(0x80000001), f32(0x007FFFFF),
                           f32(0x00800000), f32(0x7F7FFFFF), f32(0xFF7FFFFF)))
    if r < 0.3:
        return f32(rng.randrange(0, 0x00800000) | rng.choice((0, 0x80000000)))  # subnormal
    return f32(rng.randrange(0, 0x7F800000) | rng.choice((0, 0x80000000)))


def check(pairs, ops):
    wrong = []
    for u, v in pairs:
        for op in ops:
            expected, got = exact_result(op, u, v), computed(op, u, v)
            if bits32(expected) != bits32(got):
                wrong.append("%r %s %r: %s, exactly %s" % (u, op, v, bits32(got),
                                                           bits32(expected)))
    assert wrong == [], wrong[:5]


def test_products_next_to_midpoints_in_every_binade():
    check(hard_products(random.Random(1), 400), "*")


def test_sums_and_differences_that_tie_or_nearly_tie():
    check(hard_sums(random.Random(2), 150), "+-")


def test_quotients_next_to_midpoints_subnormal_ones_included():
    check(hard_quotients(random.Random(3), 400), "/")


def test_at_the_overflow_threshold():
    largest = f32(0x7F7FFFFF)                 # 2^128 − 2^104
    pairs = [(largest, f32(0x3F800001)), (largest, 1.0), (largest, f32(0x34000000)),
             (largest, f32(0x33800000)), (largest, f32(0x337FFFFF)),
             (f32(0x5F800000), f32(0x5F800000)), (f32(0x5F7FFFFF), f32(0x5F7FFFFF)),
             (largest, f32(0x3F000000)), (-largest, f32(0x33800000))]
    check(pairs, "+-*/")
    # 2^128 − 2^103 exactly is the tie: it rounds to even, that is to inf
    assert computed("+", largest, f32(0x73000000)) == INF
    assert computed("+", largest, f32(0x72FFFFFF)) == largest


def test_subnormal_results_and_the_signs_of_zero():
    least = f32(1)
    pairs = [(least, f32(0x3F000000)), (f32(3), f32(0x3F000000)), (least, -least),
             (-0.0, -0.0), (-0.0, 0.0), (0.0, -0.0), (least, f32(0x3F7FFFFF)),
             (f32(0x00800000), f32(0x3F7FFFFF)), (f32(0x00FFFFFF), f32(0x3F000000)),
             (-least, f32(0x3EFFFFFF)), (f32(0x0DA24260), f32(0x32000000))]
    check(pairs, "+-*/")


def test_random_operands_of_every_kind():
    rng = random.Random(4)
    check([(random_operand(rng), random_operand(rng)) for _ in range(3000)], "+-*/")


@pytest.mark.slow
def test_many_more_operands():
    rng = random.Random(5)
    check(hard_products(rng, 5000) + hard_quotients(rng, 5000), "*/")
    check(hard_sums(rng, 2000), "+-")
    check([(random_operand(rng), random_operand(rng)) for _ in range(50000)], "+-*/")


def test_numbers_are_taken_to_the_nearest_binary32():
    assert bits32(BINARY32.of(0.1).v) == "3dcccccd"
    assert bits32(BINARY32.of(2 ** 128).v) == "7f800000"
    assert bits32(BINARY32.of(2 ** 128 - 2 ** 103).v) == "7f800000"     # the tie: to even
    assert bits32(BINARY32.of(2 ** 128 - 2 ** 103 - 1).v) == "7f7fffff"
    assert bits32(BINARY32.of(-(2 ** 24 + 1)).v) == "cb800000"          # tie to even
    assert bits32(BINARY32.of(2 ** 24 + 3).v) == "4b800002"
    assert bits32(BINARY32.of(10 ** 400).v) == "7f800000"
    assert BINARY32.hex_bits(BINARY32.of(float("nan"))) == "7fc00000"
    assert FLOATS32.hex_bits(FLOATS32.of(-0.0)) == "80000000"
    assert FLOATS32.of(0.1) == BINARY32.of(0.1).v and type(FLOATS32.of(3)) is float


def test_the_threshold_constant_in_binary32():
    # docs/SPEC.md §10: Z* = b43ffffe, the least z with 1 / (1 + exp32(−z)) ≥ 0.5
    Z = BINARY32.z_star()
    assert BINARY32.hex_bits(Z) == "b43ffffe" and FLOATS32.z_star() == Z.v
    one = BINARY32.one

    def s(v):
        return one / (one + BINARY32.exp(-Single(v)))
    assert s(Z.v) >= BINARY32.half and not s(f32(0xB43FFFFF)) >= BINARY32.half
