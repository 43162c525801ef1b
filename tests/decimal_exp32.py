"""An independent binary32 reference for the tests: exact rational rounding to binary32
(fractions), and e^x correctly rounded to binary32 from the standard decimal module.

Decimal computes e^x to `digits` significant digits (its exp is correctly rounded in
decimal); the binary32 rounding of that is trusted only when both ends of the decimal
result's error interval round to the same binary32 value (Ziv's test). Otherwise it
tries again with more digits: e^x of a nonzero rational x is irrational, never a
midpoint, so it ends. Nothing here comes from ann_ref.
"""
import math
import struct
from decimal import Decimal, localcontext
from fractions import Fraction

HALF = Fraction(1, 2)
OVERFLOW = Fraction(2) ** 128


def binary32(n):
    """The binary32 value of the 32-bit pattern n, as a float (exact: binary32 widens
    to binary64 without rounding)."""
    return struct.unpack("<f", struct.pack("<I", n))[0]


def pattern(v):
    """The 32-bit pattern of v, a float that holds a binary32 value (NaN: 7fc00000)."""
    if v != v:
        return 0x7FC00000
    return struct.unpack("<I", struct.pack("<f", v))[0]


def spacing_exponent(q):
    """The exponent of the binary32 spacing at the positive rational q: 2^(e - 23) for
    2^e <= q < 2^(e+1), e >= -126, and 2^-149 below 2^-126."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if q < Fraction(2) ** e:
        e -= 1                                # now 2^e <= q < 2^(e+1)
    return max(e - 23, -149)


def round_to_binary32(q):
    """The binary32 nearest to the rational q, ties to even, as a float: subnormals
    kept, ±inf from 2^128 - 2^103 (halfway from the largest binary32 to 2^128) on,
    ±0.0 (with q's sign) at or below 2^-150."""
    negative = q < 0
    q = abs(q)
    if q == 0:
        return -0.0 if negative else 0.0
    e = spacing_exponent(q)
    scaled = q / Fraction(2) ** e
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if rest > HALF or (rest == HALF and n % 2 == 1):
        n += 1
    if n * Fraction(2) ** e >= OVERFLOW:
        v = math.inf
    else:
        v = math.ldexp(float(n), e)           # n <= 2^24: exact
    return -v if negative else v


def exp_decimal(x, digits):
    """e^x as a Fraction, and a bound on its error (generous: ten units of the last
    digit of a result correctly rounded to `digits` digits)."""
    with localcontext() as c:
        c.prec = digits
        c.Emax, c.Emin = 999999, -999999
        d = Decimal(x).exp()
    value = Fraction(d)
    return value, value / Fraction(10) ** (digits - 1)


def reference_exp32(x, digits=40):
    """e^x correctly rounded to binary32, for a float x (any binary64; NaN and ±inf as
    IEEE-754 has them)."""
    if x != x:
        return x
    if x == math.inf:
        return math.inf
    if x == -math.inf or x < -104.0:      # e^-104 < 2^-150: rounds to 0
        return 0.0
    if x > 89.0:                           # e^89 > 2^128
        return math.inf
    if x == 0:
        return 1.0
    while True:
        value, error = exp_decimal(x, digits)
        low, high = round_to_binary32(value - error), round_to_binary32(value + error)
        if low == high:
            return low
        digits *= 2


def midpoint_distance(x, digits=80):
    """(distance, above): how far e^x lies from the nearest midpoint between two binary32
    values, in units of the binary32 spacing at e^x (see spacing_exponent), as a
    Fraction exact to within 2^-100; above: e^x is above that midpoint. x finite,
    nonzero, with e^x below 2^128."""
    value, error = exp_decimal(x, digits)
    e = spacing_exponent(value)
    if spacing_exponent(value - error) != e or spacing_exponent(value + error) != e:
        raise ValueError("e^%r is too near a power of two for %d digits" % (x, digits))
    scaled = value / Fraction(2) ** e
    assert error / Fraction(2) ** e < Fraction(1, 2 ** 100)
    d = scaled - scaled.numerator // scaled.denominator - HALF
    return abs(d), d > 0
