"""Binary64 in software: the spec's numbers where the platform's float is not binary64.

Most MicroPython boards (ESP32, RP2040, ESP8266, most STM32) are built with binary32
floats; there every float operation would round to 24 bits and no result would match a
golden file. A Binary64 holds the 64-bit pattern of a binary64 as a Python integer and
does + - * / on its sign, exponent and significand with integers only: the exact result,
then one rounding to nearest, ties to even, with subnormals, signed zeros, inf and NaN
as IEEE-754 (and docs/SPEC.md) has them. No float operation is involved, so the bits do
not depend on the platform's float at all.

The step (model.py, fast.py) is written for any number type with + - * / and
comparisons and the constants of an Arithmetic, so it runs on Binary64 unchanged:
SOFTWARE is that arithmetic, its exp exponential.exp_bits, on integers too. A Binary64
has no __float__: MicroPython (since 1.20) computes `float OP object` by converting the
object with it, in the board's binary32; without it, a float or an int on either side
of an operator is taken exactly, by the reversed method. Slower than floats
(benchmarks/bench_soft.py), so trace.py and the public functions use it only where
float is not binary64, or when asked to.
"""
import struct

from .arithmetic import Arithmetic
from .bits import is_nan_bits
from .exponential import _bit_length, _parts_of_bits, _to_bits, exp_bits

SIGN = 0x8000000000000000
INF = 0x7FF0000000000000
NAN = 0x7FF8000000000000                  # the canonical NaN every result NaN gets

def _parts(n):
    """(M, E) with |value| == M * 2**E, for the bits n of a finite number; M >= 0."""
    return _parts_of_bits(n & 0x7FFFFFFFFFFFFFFF)


def _round(sign, M, E):
    """The bits of (-1)**sign * M * 2**E (M > 0 an integer) rounded to nearest, ties to
    even, subnormals and overflow to inf included: exponential's rounding, which is
    integers only too."""
    return _to_bits(-M if sign else M, E)


def _from_int(i):
    """The bits of the binary64 nearest to the integer i (ties to even)."""
    if i == 0:
        return 0
    return _round(i < 0, abs(i), 0)


def _bits_of(v):
    """The bits of v: a Binary64, a float (exact: a binary32 float widens exactly to
    binary64) or an int; None for anything else."""
    if isinstance(v, Binary64):
        return v.n
    if type(v) is float:
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    if type(v) is int:
        return _from_int(v)
    return None


def add(a, b):
    """The bits of a + b, for the bits a and b."""
    if is_nan_bits(a) or is_nan_bits(b):
        return NAN
    ea, eb = a & INF, b & INF
    if ea == INF or eb == INF:            # an infinity: inf - inf is NaN
        if ea == INF and eb == INF and (a ^ b) & SIGN:
            return NAN
        return a if ea == INF else b
    Ma, Ea = _parts(a)
    Mb, Eb = _parts(b)
    if Ma == 0 and Mb == 0:               # -0 + -0 = -0; any other pair of zeros +0
        return a & b
    if a & SIGN:
        Ma = -Ma
    if b & SIGN:
        Mb = -Mb
    E = min(Ea, Eb)                       # the exact sum, on the finer of the two scales
    M = (Ma << (Ea - E)) + (Mb << (Eb - E))
    if M == 0:                            # u - u is +0.0
        return 0
    return _round(M < 0, abs(M), E)


def mul(a, b):
    """The bits of a * b."""
    if is_nan_bits(a) or is_nan_bits(b):
        return NAN
    sign = (a ^ b) & SIGN
    Ma, Ea = _parts(a)
    Mb, Eb = _parts(b)
    if a & INF == INF or b & INF == INF:  # inf * 0 is NaN
        return NAN if Ma == 0 or Mb == 0 else INF | sign
    if Ma == 0 or Mb == 0:
        return sign
    return _round(sign, Ma * Mb, Ea + Eb)


def div(a, b):
    """The bits of a / b."""
    if is_nan_bits(a) or is_nan_bits(b):
        return NAN
    sign = (a ^ b) & SIGN
    Ma, Ea = _parts(a)
    Mb, Eb = _parts(b)
    if a & INF == INF:                    # inf / inf is NaN
        return NAN if b & INF == INF else INF | sign
    if b & INF == INF:
        return sign
    if Mb == 0:                           # 0 / 0 is NaN; otherwise a signed inf
        return NAN if Ma == 0 else INF | sign
    if Ma == 0:
        return sign
    # a quotient of at least 55 bits, then one more bit that says whether anything is
    # left over: enough to round it as the exact quotient would round
    k = max(0, 56 + _bit_length(Mb) - _bit_length(Ma))
    q, r = divmod(Ma << k, Mb)
    return _round(sign, 2 * q + (1 if r else 0), Ea - Eb - k - 1)


def _order(n):
    """An integer that orders the bits n as their values order (-0 and +0 equal)."""
    return -(n & 0x7FFFFFFFFFFFFFFF) if n & SIGN else n


class Binary64:
    """A binary64 number held as its 64-bit pattern n; a drop-in for float in model.py.

    Mixed with a float or an int (the model's 1.0, 0.5 and m), that operand is taken
    exactly. Comparisons follow IEEE-754: a NaN is unordered, -0.0 == +0.0."""

    def __init__(self, n):
        self.n = n

    @classmethod
    def from_hex(cls, h):
        return cls(int(h, 16))

    @classmethod
    def of(cls, v):
        """v, a float or an int, exactly as a Binary64 (an int rounded to nearest)."""
        return cls(_bits_of(v))

    def hex_bits(self):
        """The 16-hex-digit bit pattern (NaN canonical), as golden files write it."""
        return "7ff8000000000000" if is_nan_bits(self.n) else "%016x" % self.n

    def __repr__(self):
        return "Binary64(0x%s)" % self.hex_bits()

    def __neg__(self):
        return Binary64(self.n ^ SIGN)

    def _op(self, other, op, swap):
        n = _bits_of(other)
        if n is None:
            return NotImplemented
        return Binary64(op(n, self.n) if swap else op(self.n, n))

    def __add__(self, other):
        return self._op(other, add, False)

    def __radd__(self, other):
        return self._op(other, add, True)

    def __sub__(self, other):
        n = _bits_of(other)
        return NotImplemented if n is None else Binary64(add(self.n, n ^ SIGN))

    def __rsub__(self, other):
        n = _bits_of(other)
        return NotImplemented if n is None else Binary64(add(n, self.n ^ SIGN))

    def __mul__(self, other):
        return self._op(other, mul, False)

    def __rmul__(self, other):
        return self._op(other, mul, True)

    def __truediv__(self, other):
        return self._op(other, div, False)

    def __rtruediv__(self, other):
        return self._op(other, div, True)

    def _compare(self, other):
        """(self's order, other's order), or None when either is a NaN."""
        n = _bits_of(other)
        if n is None:
            raise TypeError("cannot compare Binary64 with %s" % type(other).__name__)
        if is_nan_bits(self.n) or is_nan_bits(n):
            return None
        return _order(self.n), _order(n)

    def __lt__(self, other):
        c = self._compare(other)
        return c is not None and c[0] < c[1]

    def __le__(self, other):
        c = self._compare(other)
        return c is not None and c[0] <= c[1]

    def __gt__(self, other):
        c = self._compare(other)
        return c is not None and c[0] > c[1]

    def __ge__(self, other):
        c = self._compare(other)
        return c is not None and c[0] >= c[1]

    def __eq__(self, other):
        if _bits_of(other) is None:
            return NotImplemented
        c = self._compare(other)
        return c is not None and c[0] == c[1]

    def __ne__(self, other):
        if _bits_of(other) is None:
            return NotImplemented
        return not self.__eq__(other)

    __hash__ = None                       # equal values may have other bits (-0.0, +0.0)


def exp(z):
    """e^z correctly rounded, for a Binary64 z (exponential.exp_bits: integers only)."""
    return Binary64(exp_bits(z.n))


def _canonical(v):
    return NAN if is_nan_bits(v.n) else v.n


SOFTWARE = Arithmetic("binary64 in software", Binary64, exp, Binary64.of, Binary64,
                      _canonical)
