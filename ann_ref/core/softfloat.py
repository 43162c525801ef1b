"""Binary64 in software: the spec's numbers where the platform's float is not binary64.

Most MicroPython boards (ESP32, RP2040, ESP8266, most STM32) are built with binary32
floats; there every float operation would round to 24 bits and no result would match a
golden file. A Binary64 is a binary64 number held in Python integers, and does + - * /
on its sign, exponent and significand with integers only: the exact result, then one
rounding to nearest, ties to even, with subnormals, signed zeros, inf and NaN as
IEEE-754 (and docs/SPEC.md) has them. No float operation is involved, so the bits do
not depend on the platform's float at all.

The step (model.py, fast.py) is written for any number type with + - * / and
comparisons and the constants of an Arithmetic, so it runs on Binary64 unchanged:
SOFTWARE is that arithmetic, its exp exponential.exp_bits, on integers too. A Binary64
has no __float__: MicroPython (since 1.20) computes `float OP object` by converting the
object with it, in the board's binary32; without it, a float or an int on either side
of an operator is taken exactly, by the reversed method.

Speed. add, mul and div take any bit patterns and decode them. The operators first
try the case that nearly every operation of a step is — both operands normal numbers,
which a Binary64 holds already decoded — and a few others that cost nothing to answer
(a zero, a factor ±1). For normal operands the exact result is an integer whose length
is known without counting its bits (a product has 105 or 106, a sum one of three,
a quotient is computed to 55), and exponential._round's rounding is done inline, on
the signed integer: rounding to nearest, ties to even, is symmetric, so taking the
floor (>>) and adding one where the rest is more than half, or half and the floor odd,
rounds a negative number as its magnitude would be. Everything else goes to the
functions, which bound their work too: no exact sum is wider than 110 bits, whatever
the exponents. tests/test_softfloat.py checks both against the machine's binary64.
"""
import struct

from .arithmetic import Arithmetic
from .exponential import _bit_length, _exp_slow_bits, _round, exp_bits

SIGN = 0x8000000000000000
ABS = 0x7FFFFFFFFFFFFFFF                  # every bit but the sign
INF = 0x7FF0000000000000
NAN = 0x7FF8000000000000                  # the canonical NaN every result NaN gets
FRACTION = 0xFFFFFFFFFFFFF                # the 52 bits below the exponent
HIDDEN = 0x10000000000000                 # 2^52, the hidden bit of a normal number
CARRY = 0x20000000000000                  # 2^53: a significand rounded up past 53 bits
LONG = 1 << 105                           # products of two significands this long or more


# --- on bit patterns: every case -----------------------------------------------------

def _significand(n):
    """(M, e) with |value| = M * 2**(e - 1075), for the bits n of a finite nonzero
    number, M of 53 bits (2^52 <= M < 2^53) even when n is subnormal."""
    e = n >> 52 & 0x7FF
    if e:
        return n & FRACTION | HIDDEN, e
    M = n & FRACTION
    shift = 53 - _bit_length(M)
    return M << shift, 1 - shift


def add(a, b):
    """The bits of a + b, for the bits a and b."""
    if a & ABS < b & ABS:                 # |a| >= |b| from here (a NaN counts as largest)
        a, b = b, a
    if a & ABS >= INF:                    # inf or NaN; inf - inf is NaN
        if a & ABS > INF or b & ABS == INF and (a ^ b) & SIGN:
            return NAN
        return a
    if b & ABS == 0:                      # -0 + -0 = -0; any other pair of zeros +0
        return a & b if a & ABS == 0 else a
    Ma, ea = _significand(a)
    Mb, eb = _significand(b)
    d = ea - eb                           # >= 0
    if d > 55:                            # |b| < ulp(a)/8: a + b rounds to a
        return a
    M = Ma << d                           # the exact sum, at b's scale: at most 109 bits
    M = M - Mb if (a ^ b) & SIGN else M + Mb
    if M == 0:                            # u - u is +0.0
        return 0
    return a & SIGN | _round(M, _bit_length(M) - 1, eb - 1075)


def mul(a, b):
    """The bits of a * b."""
    sign = (a ^ b) & SIGN
    ma, mb = a & ABS, b & ABS
    if ma > INF or mb > INF:
        return NAN
    if ma == INF or mb == INF:            # inf * 0 is NaN
        return NAN if ma == 0 or mb == 0 else INF | sign
    if ma == 0 or mb == 0:
        return sign
    Ma, ea = _significand(a)
    Mb, eb = _significand(b)
    M = Ma * Mb                           # 2^104 <= M < 2^106
    return sign | _round(M, 105 if M >> 105 else 104, ea + eb - 2150)


def div(a, b):
    """The bits of a / b."""
    sign = (a ^ b) & SIGN
    ma, mb = a & ABS, b & ABS
    if ma > INF or mb > INF:
        return NAN
    if ma == INF:                         # inf / inf is NaN
        return NAN if mb == INF else INF | sign
    if mb == INF:
        return sign
    if mb == 0:                           # 0 / 0 is NaN; otherwise a signed inf
        return NAN if ma == 0 else INF | sign
    if ma == 0:
        return sign
    Ma, ea = _significand(a)
    Mb, eb = _significand(b)
    # a quotient of 55 bits, then one more bit that says whether anything is left
    # over: enough to round it as the exact quotient would round
    k = 55 if Ma < Mb else 54             # 2^54 <= q < 2^55
    q, r = divmod(Ma << k, Mb)
    return sign | _round(q + q + (1 if r else 0), 55, ea - eb - k - 1)


# --- the number ------------------------------------------------------------------------

class Binary64:
    """A binary64 number; a drop-in for float in model.py.

    Binary64(n) is the number whose bit pattern is n, and .n gives it back. Inside, a
    normal number is held as its exponent e (-1022 to 1023, the field less 1023) and
    its significand m with the hidden bit and the number's sign (2^52 <= |m| < 2^53):
    its value is m * 2**(e - 52), and integer arithmetic handles the signs. Any other
    number has m its bit pattern and e above 1023, so that one comparison tells a
    normal number: 1024 (inf, NaN) or 1025 (zero, subnormal).

    Mixed with a float or an int (the model's 1.0, 0.5 and m), that operand is taken
    exactly. Comparisons follow IEEE-754: a NaN is unordered, -0.0 == +0.0."""

    __slots__ = ("m", "e")                # CPython: no dict per number (MicroPython ignores it)

    def __init__(self, n):
        e = (n >> 52 & 0x7FF) - 1023
        if -1023 < e < 1024:
            m = n & FRACTION | HIDDEN
            self.m = -m if n & SIGN else m
        else:
            self.m = n
            e = 1025 if e < 0 else 1024
        self.e = e

    @property
    def n(self):
        """The 64-bit pattern."""
        e, m = self.e, self.m
        if e < 1024:
            return ((e + 1022) << 52) + m if m > 0 else SIGN | ((e + 1022) << 52) - m
        return m

    @classmethod
    def from_hex(cls, h):
        return cls(int(h, 16))

    @classmethod
    def of(cls, v):
        """v, a float or an int, exactly as a Binary64 (an int rounded to nearest)."""
        return cls(_bits_of(v))

    def hex_bits(self):
        """The 16-hex-digit bit pattern (NaN canonical), as golden files write it."""
        return "%016x" % _canonical(self)

    def __repr__(self):
        return "Binary64(0x%s)" % self.hex_bits()

    def __neg__(self):
        r = _new(Binary64)
        e = r.e = self.e
        r.m = -self.m if e < 1024 else self.m ^ SIGN
        return r

    def __add__(self, other):
        if type(other) is not Binary64:
            return _mixed(add, self, other, False)
        ea, eb = self.e, other.e
        if ea < 1024:
            if eb < 1024:
                d = ea - eb
                if d < 0:                 # ea >= eb from here
                    if d < -55:           # |a| < ulp(b)/8: a + b rounds to b
                        return other
                    ma, mb, eb, d = other.m, self.m, ea, -d
                elif d > 55:
                    return self
                else:
                    ma, mb = self.m, other.m
                M = (ma << d) + mb        # exact, at b's scale
                A = -M if M < 0 else M
                if A >> 53 + d:           # the sum's length, and s the bits to drop
                    s = d + 1
                elif A >> 52 + d:
                    s = d
                elif d > 1:               # opposite signs: 2^(51+d) <= |M|
                    s = d - 1
                else:                     # they may cancel to any length
                    return _result(_cancel(M, eb))
                # _round(M, 52 + s, eb - 1075) inline: t is q and the half bit below it
                t = M >> s - 1
                q = t >> 1
                if t & 1 and (t & 2 or M & (1 << s - 1) - 1):
                    q += 1
                eb += s
                if q == CARRY or q == -CARRY:
                    q >>= 1
                    eb += 1
                if eb > 1023:             # overflow
                    return _INFINITIES[q < 0]
                r = _new(Binary64)
                r.m = q
                r.e = eb
                return r
            if eb == 1025 and other.m & ABS == 0:   # a + 0 is a
                return self
        elif ea == 1025 and self.m & ABS == 0 and (eb != 1025 or other.m & ABS) and (
                eb != 1024 or other.m & FRACTION == 0):
            return other                  # 0 + b is b (b neither zero nor NaN)
        return _result(add(self.n, other.n))

    def __radd__(self, other):
        return _mixed(add, self, other, True)

    def __sub__(self, other):
        if type(other) is not Binary64:
            return _mixed(_subtract, self, other, False)
        return self + -other              # exact negation, then the sum

    def __rsub__(self, other):
        return _mixed(_subtract, self, other, True)

    def __mul__(self, other):
        if type(other) is not Binary64:
            return _mixed(mul, self, other, False)
        ea, eb = self.e, other.e
        if ea < 1024:
            if eb < 1024:
                mb = other.m
                if eb == 0 and (mb == HIDDEN or mb == -HIDDEN):     # a * 1, a * -1
                    if mb > 0:
                        return self
                    r = _new(Binary64)
                    r.m = -self.m
                    r.e = ea
                    return r
                M = self.m * mb           # 2^104 <= |M| < 2^106
                # _round(M, 104 or 105, ea + eb - 104) inline, as in __add__
                if M >= LONG or M <= -LONG:
                    t = M >> 52
                    rest = FRACTION
                    e = ea + eb + 1
                else:
                    t = M >> 51
                    rest = 0x7FFFFFFFFFFFF
                    e = ea + eb
                q = t >> 1
                if t & 1 and (t & 2 or M & rest):
                    q += 1
                if q == CARRY or q == -CARRY:
                    q >>= 1
                    e += 1
                if -1023 < e < 1024:
                    r = _new(Binary64)
                    r.m = q
                    r.e = e
                    return r
            elif eb == 1025 and other.m & ABS == 0:     # finite times zero: a zero
                return _ZEROS[(self.m < 0) != (other.m != 0)]
        elif ea == 1025 and self.m & ABS == 0 and eb != 1024:
            return _ZEROS[(self.m != 0) != (other.m < 0 if eb < 1024 else other.m >= SIGN)]
        return _result(mul(self.n, other.n))   # also any result that is not normal

    def __rmul__(self, other):
        return _mixed(mul, self, other, True)

    def __truediv__(self, other):
        if type(other) is not Binary64:
            return _mixed(div, self, other, False)
        ea, eb = self.e, other.e
        if ea < 1024 and eb < 1024:
            ma, mb = self.m, other.m
            negative = (ma ^ mb) < 0
            if ma < 0:
                ma = -ma
            if mb < 0:
                mb = -mb
            # as div: 55 bits of the quotient, and whether anything is left over
            if ma < mb:
                Q, left = divmod(ma << 55, mb)
                e = ea - eb - 1
            else:
                Q, left = divmod(ma << 54, mb)
                e = ea - eb
            t = Q >> 1                    # q and the half bit; below it Q & 1 and left
            q = t >> 1
            if t & 1 and (Q & 1 or left or q & 1):
                q += 1                    # never to 2^53: ma / mb <= 2 - 2^-52
            if -1023 < e < 1024:
                r = _new(Binary64)
                r.m = -q if negative else q
                r.e = e
                return r
        return _result(div(self.n, other.n))   # also any result that is not normal

    def __rtruediv__(self, other):
        return _mixed(div, self, other, True)

    def __lt__(self, other):
        a, b = _order(self), _order_of(other)
        return a is not None and b is not None and a < b

    def __le__(self, other):
        a, b = _order(self), _order_of(other)
        return a is not None and b is not None and a <= b

    def __gt__(self, other):
        a, b = _order(self), _order_of(other)
        return a is not None and b is not None and a > b

    def __ge__(self, other):
        a, b = _order(self), _order_of(other)
        return a is not None and b is not None and a >= b

    def __eq__(self, other):
        if type(other) is Binary64:
            if self.e == other.e and self.m == other.m:   # the same number: equal,
                return self.e != 1024 or self.m & FRACTION == 0  # unless a NaN
            b = other.n
        else:
            b = _bits_of(other)
            if b is None:
                return NotImplemented
        a = self.n
        if a == b:
            return a & ABS <= INF
        return (a | b) & ABS == 0         # otherwise only -0.0 == +0.0

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None                       # equal values may have other bits (-0.0, +0.0)


_new = object.__new__                     # a Binary64 without calling __init__: faster
# shared results: a Binary64 never changes
_ZEROS = (Binary64(0), Binary64(SIGN))                  # +0.0, -0.0
_INFINITIES = (Binary64(INF), Binary64(INF | SIGN))     # +inf, -inf


def _result(n):
    """A Binary64 of the bits n."""
    r = _new(Binary64)
    e = (n >> 52 & 0x7FF) - 1023
    if -1023 < e < 1024:
        m = n & FRACTION | HIDDEN
        r.m = -m if n & SIGN else m
    else:
        r.m = n
        e = 1025 if e < 0 else 1024
    r.e = e
    return r


def _cancel(M, e):
    """The bits of M * 2**(e - 52), for a sum M of two normal numbers' significands
    (of opposite signs, at most one exponent apart) at the scale of the smaller: it
    may have any length, be negative, or zero (u - u is +0.0)."""
    if M == 0:
        return 0
    if M < 0:
        return SIGN | _round(-M, _bit_length(-M) - 1, e - 52)
    return _round(M, _bit_length(M) - 1, e - 52)


def _order(x):
    """An integer that orders the Binary64 x as its value (-0.0 and +0.0 both 0): its
    bit pattern, negated for a negative number; None for a NaN."""
    e, m = x.e, x.m
    if e < 1024:
        return ((e + 1022) << 52) + m if m > 0 else m - ((e + 1022) << 52)
    if m & ABS > INF:
        return None
    return -(m & ABS) if m & SIGN else m


def _order_of(y):
    """_order of y, a Binary64, or a float or an int taken exactly."""
    if type(y) is Binary64:
        return _order(y)
    n = _bits_of(y)
    if n is None:
        raise TypeError("cannot compare Binary64 with %s" % type(y).__name__)
    return _order(_result(n))


def _subtract(a, b):
    return add(a, b ^ SIGN)


def _from_int(i):
    """The bits of the binary64 nearest to the integer i (ties to even)."""
    if i == 0:
        return 0
    if i < 0:
        return SIGN | _round(-i, _bit_length(-i) - 1, 0)
    return _round(i, _bit_length(i) - 1, 0)


def _bits_of(v):
    """The bits of v: a Binary64, a float (exact: a binary32 float widens exactly to
    binary64) or an int; None for anything else."""
    if type(v) is Binary64:
        return v.n
    if type(v) is float:
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    if type(v) is int:
        return _from_int(v)
    return None


def _mixed(op, x, other, swap):
    """op on the bits of the Binary64 x and of other, a float or an int (exactly),
    swapped when other is the left operand; NotImplemented for anything else."""
    n = _bits_of(other)
    if n is None:
        return NotImplemented
    return _result(op(n, x.n) if swap else op(x.n, n))


def exp(z):
    """e^z correctly rounded, for a Binary64 z (exponential.exp_bits: integers only)."""
    e = z.e
    if -55 < e < 10:                      # 2^-54 <= |z| < 1024, normal: z = m * 2**(e - 52)
        return _result(_exp_slow_bits(z.m, e - 52))
    return _result(exp_bits(z.n))         # e^z is 1.0, 0.0, inf, or NaN


def _canonical(v):
    """The bits of v, every NaN the canonical one."""
    if v.e < 1024:
        return v.n
    n = v.m
    return NAN if n & ABS > INF else n


SOFTWARE = Arithmetic("binary64 in software", Binary64, exp, Binary64.of, Binary64,
                      _canonical)
