"""Exact arithmetic for the mistakes: the operations other machines do, rounded the way
they round (once for an FMA, to 24 bits for float32, to 64 bits on the x87, to zero for
a subnormal under flush-to-zero).

Exact values are Fractions; this is the oracle, not the core, so the whole standard
library is allowed. Every function takes and returns Python floats (binary64), except
the extended-precision ones, which keep Fractions between operations.
"""
import math
import struct
from fractions import Fraction

INF = float("inf")
NAN = float("nan")
TINY = 2.0 ** -1022                       # the least normal binary64


def is_finite(v):
    return v == v and v not in (INF, -INF)


def sign_bit(v):
    return struct.pack("<d", v)[7] >> 7


def round_fraction(q, precision, emin, emax):
    """The Fraction nearest to q with `precision` significand bits and exponents
    emin..emax (subnormals below emin), ties to even; ±inf (a float) beyond the range."""
    if q == 0:
        return Fraction(0)
    negative = q < 0
    n, d = abs(q.numerator), q.denominator
    e = n.bit_length() - d.bit_length()   # 2^(e-1) < n/d < 2^(e+1)
    if Fraction(n, d) < Fraction(2) ** e:
        e -= 1                            # now 2^e <= n/d < 2^(e+1)
    quantum = max(e, emin) - (precision - 1)
    if quantum >= 0:
        N, rest = divmod(n, d << quantum)
        rest_half = 2 * rest - (d << quantum)
    else:
        N, rest = divmod(n << -quantum, d)
        rest_half = 2 * rest - d
    if rest_half > 0 or (rest_half == 0 and N & 1):
        N += 1
    result = Fraction(N) * Fraction(2) ** quantum
    if result >= Fraction(2) ** (emax + 1):
        return -INF if negative else INF
    return -result if negative else result


def to_double(q, negative_zero=False):
    """A Fraction that is a binary64 (or ±inf) as a float; a zero takes the given sign."""
    if isinstance(q, float):
        return q
    if q == 0:
        return -0.0 if negative_zero else 0.0
    return float(q)                       # exact: q is a binary64 already


def round_double(q):
    return round_fraction(q, 53, -1022, 1023)


def fma(p, q, r):
    """p·q + r rounded once, with IEEE-754's signs of zero: math.fma where Python has it
    (3.13), else the exact sum of Fractions rounded once."""
    if _math_fma is not None:
        try:
            return _math_fma(p, q, r)
        except (OverflowError, ValueError):
            pass                          # CPython raises where IEEE gives inf or NaN
    if not (is_finite(p) and is_finite(q) and is_finite(r)):
        return p * q + r                  # inf and NaN: one rounding changes nothing
    exact = Fraction(p) * Fraction(q) + Fraction(r)
    if exact == 0:
        # an exact zero sum: −0 only when both addends are −0 (p·q's sign is the xor)
        product_negative = (p == 0 or q == 0) and sign_bit(p) != sign_bit(q)
        if p != 0 and q != 0:
            return 0.0                    # x − x = +0 when rounding to nearest
        return -0.0 if product_negative and sign_bit(r) else 0.0
    return to_double(round_double(exact))


_math_fma = getattr(math, "fma", None)


def use_math_fma(flag):
    """Switch the emulation on (flag False) or math.fma back on, for tests."""
    global _math_fma
    _math_fma = getattr(math, "fma", None) if flag else None


_F32 = struct.Struct("<f")
F32_MAX = 3.4028234663852886e38


def f32(v):
    """v rounded to binary32 (and back to a float holding it exactly); overflow to ±inf.

    For +, −, ×, ÷ of two binary32 values, rounding the binary64 result once more to
    binary32 gives the binary32 result: binary64 has more than 2·24 + 2 bits."""
    if not is_finite(v):
        return v
    try:
        return _F32.unpack(_F32.pack(v))[0]
    except OverflowError:                 # beyond the largest binary32 after rounding
        return INF if v > 0 else -INF


def flush(v):
    """A subnormal result replaced by zero of its sign (FTZ; also DAZ on inputs)."""
    if v != 0 and -TINY < v < TINY:
        return -0.0 if v < 0 else 0.0
    return v


# x87 extended precision: values kept as Fractions rounded to `bits` significand bits
# and the x87's 15-bit exponent range, then rounded again to binary64 when stored.

def extended(q, bits):
    return round_fraction(q, bits, -16382, 16383)


def store(q, negative_zero=False):
    """An extended value stored into a double: rounded a second time."""
    if isinstance(q, float):
        return q
    return to_double(round_double(q), negative_zero)
