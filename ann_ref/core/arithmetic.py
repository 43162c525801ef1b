"""The number systems a step computes in: binary64 on the platform's floats here, and
binary64 in software (softfloat.py) where the platform's float is not binary64.

The parts of the step (model.py) use only + − * / and comparisons on the numbers they
are given, and what an Arithmetic supplies: exp correctly rounded in it, the constants
one, half and zero, and m as one of its numbers. Never a float literal: on MicroPython
`1.0 + t` with t of another number type is computed in the platform's float, which on
most boards is binary32.
"""
import struct

from .bits import CANONICAL_NAN, bits_to_float, float_to_bits
from .exponential import exp


class Arithmetic:
    """One number system: name, exp, and how its numbers are made and read.

    of(v): the number nearest an int or float v; from_bits(n) and bits(v): the number
    with the bit pattern n, and the pattern of v (every NaN the canonical one); digits:
    the hex digits of a pattern in a file; sign: the pattern's sign bit; exact: whether
    exp is correctly rounded (the contract's), which the threshold's Z* relies on."""

    def __init__(self, name, kind, exp, of, from_bits, bits, exact=True, format="binary64"):
        self.name, self.kind, self.exp, self.of = name, kind, exp, of
        self.from_bits, self.bits, self.exact, self.format = from_bits, bits, exact, format
        if format == "binary64":
            self.digits, self.sign, self.nan = 16, 1 << 63, CANONICAL_NAN
            self.infinity = 0x7FF0000000000000
            self.beyond = (1 << 1024) - (1 << 970)    # the least int that rounds to inf
        else:
            self.digits, self.sign, self.nan = 8, 1 << 31, 0x7FC00000
            self.infinity = 0x7F800000
            self.beyond = (1 << 128) - (1 << 103)
        self.one, self.half, self.zero = of(1.0), of(0.5), of(0.0)
        self._z_star = None

    def finite(self, v):
        """Whether v is neither an infinity nor a NaN (read from its exponent bits, so
        that it means the same in every format and on every platform)."""
        return self.bits(v) & self.infinity != self.infinity

    def too_large(self, n):
        """Whether the int n rounds to ±inf in this format."""
        return n >= self.beyond or n <= -self.beyond

    def hex_bits(self, v):
        """The bit pattern of v as a golden file writes it."""
        return "%0*x" % (self.digits, self.bits(v))

    def from_hex(self, h):
        return self.from_bits(int(h, 16))

    def key(self, layers):
        """Equal exactly when every bit of the layers' numbers is equal: what tells
        that an update left the state unchanged (training.trajectory)."""
        return [self.bits(v) for W, b in layers for v in _numbers(W, b)]

    def ordinal(self, v):
        """An integer that increases with v (−0.0 and +0.0 both 0), for bisection."""
        n = self.bits(v)
        return -(n & (self.sign - 1)) if n & self.sign else n

    def from_ordinal(self, n):
        return self.from_bits(n) if n >= 0 else self.from_bits(-n | self.sign)

    def z_star(self):
        """The least z with s(z) = 1 / (1 + exp(−z)) ≥ 0.5, found once by bisection.

        Why one constant decides every z: s is non-decreasing in z. For z1 ≤ z2,
        −z1 ≥ −z2 (negation is exact); e^v is increasing and rounding to nearest is
        monotone, so a correctly rounded exp gives t1 ≥ t2 ≥ 0 (+inf included); 1 ⊕ t
        is then d1 ≥ d2 ≥ 1 by the same monotony of rounding; and 1 ⊘ d is
        non-increasing for d ≥ 1 (1 ⊘ inf = 0), so s1 ≤ s2. Hence {z : s(z) ≥ 0.5} is
        every number from one Z* up, +inf included (s(+inf) = 1), −inf excluded (s = 0);
        a NaN z, whose s is NaN, compares false both ways: y_pred = 0 in both forms.
        −0.0 and +0.0 compare equal and have the same s (0.5). The bisection runs over
        the ordinals of the numbers from s(−1) < 0.5 ≤ s(0)."""
        if self._z_star is None:
            one, half = self.one, self.half
            low, high = self.ordinal(-one), self.ordinal(self.zero)
            while high - low > 1:
                middle = (low + high) // 2
                if one / (one + self.exp(-self.from_ordinal(middle))) >= half:
                    high = middle
                else:
                    low = middle
            self._z_star = self.from_ordinal(high)
        return self._z_star


def _numbers(W, b):
    for row in W:
        for v in row:
            yield v
    if type(b) is list:                   # a column: one bias per unit
        for row in b:
            yield row[0]
    else:
        yield b


def _float_bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


class Floats(Arithmetic):
    """binary64 on the platform's floats, where float is binary64 (bits.binary64()); with
    another exp (libm.py's), the same numbers on a step that is not the contract's."""

    def __init__(self, name="binary64", exp=exp, exact=True):
        Arithmetic.__init__(self, name, float, exp, float, bits_to_float, _float_bits,
                            exact)

    def key(self, layers):
        # the bytes of every number: equal bytes are equal bits (two NaNs of other
        # payloads differ here, which only costs the shortcut a few more steps)
        flat = [v for W, b in layers for v in _numbers(W, b)]
        return struct.pack("<%dd" % len(flat), *flat)


BINARY64 = Floats()
