"""binary32 arithmetic for the step: the contract of docs/SPEC.md §10, every value a
binary32 and every + − × ÷ rounded to binary32, exp correctly rounded to binary32.

A Single holds a binary32 value in a float (binary64 holds every binary32 exactly) and
rounds each result once more, to binary32: for + − × ÷ of two binary32 values that is
the binary32 result, because binary64 has more than 2·24 + 2 bits (the exact result,
rounded to binary64 first, cannot fall on another side of a binary32 rounding boundary).
tests/test_binary32_single.py checks it against exact rationals on hard operands
(ties, quotients 2^-24 ULP from a midpoint, subnormal results, the overflow threshold).

BINARY32 is the number type model.py's parts compute on; FLOATS32 holds the same values
in plain floats for training.trajectory, whose step (fast.stepper32) rounds each result.
"""
from .arithmetic import Arithmetic
from .binary32 import (CANONICAL_NAN32, bits32_to_float, exp32, float_to_bits32,
                       round32)


class Single:
    """A binary32 number for model.py's parts: operators round to binary32."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return Single(round32(self.v + o.v))

    def __sub__(self, o):
        return Single(round32(self.v - o.v))

    def __mul__(self, o):
        return Single(round32(self.v * o.v))

    def __truediv__(self, o):
        u, w = self.v, o.v
        if w == 0.0:                      # IEEE: ±inf, or NaN for 0/0 and NaN/0
            if u != u or u == 0.0:
                return Single(_NAN)
            negative = (float_to_bits32(u) ^ float_to_bits32(w)) >> 31
            return Single(-_INF if negative else _INF)
        return Single(round32(u / w))

    def __neg__(self):
        return Single(-self.v)

    def __ge__(self, o):
        return self.v >= o.v

    def __gt__(self, o):
        return self.v > o.v

    def __le__(self, o):
        return self.v <= o.v

    def __lt__(self, o):
        return self.v < o.v

    def __eq__(self, o):
        return type(o) is Single and self.v == o.v

    def __ne__(self, o):
        return not self.__eq__(o)

    __hash__ = None

    def __repr__(self):
        return "Single(%r)" % self.v


_INF = float("inf")
_NAN = _INF - _INF


def _of(v):
    """The binary32 nearest to the int or float v (an int rounded once, exactly)."""
    if type(v) is int and (v >= 1 << 53 or v <= -(1 << 53)):
        return Single(round32(_int_to_float24(v)))
    return Single(round32(float(v)))


def _int_to_float24(n):
    """An int rounded to 24 significant bits, ties to even, as a float (exact)."""
    negative, n = n < 0, abs(n)
    shift = 0
    while n >> (24 + shift):
        shift += 1
    q = n >> shift
    rest = n - (q << shift)
    half = 1 << (shift - 1) if shift else 0
    if shift and (rest > half or (rest == half and q & 1)):
        q += 1
    v = float(q) * 2.0 ** shift if shift < 1000 else _INF
    return -v if negative else v


def _bits(s):
    return CANONICAL_NAN32 if s.v != s.v else float_to_bits32(s.v)


def _exp(s):
    return Single(exp32(s.v))


BINARY32 = Arithmetic("binary32", Single, _exp, _of, lambda n: Single(bits32_to_float(n)),
                      _bits, format="binary32")


class Floats32(Arithmetic):
    """binary32 values held in plain floats, for training.trajectory: its step
    (fast.stepper32) rounds every result to binary32. The parts of model.py would round
    to binary64 on them, so they run on BINARY32's Singles instead."""

    def __init__(self):
        Arithmetic.__init__(self, "binary32", float, exp32, lambda v: _of(v).v,
                            bits32_to_float, _float_bits, format="binary32")

    def z_star(self):
        return BINARY32.z_star().v


def _float_bits(v):
    return CANONICAL_NAN32 if v != v else float_to_bits32(v)


FLOATS32 = Floats32()
