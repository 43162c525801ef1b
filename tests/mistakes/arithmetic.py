"""Exact arithmetic for the mistakes: the operations other machines do, rounded the way
they round (once for an FMA, to 24 bits for float32, to 64 bits on the x87, to zero for
a subnormal under flush-to-zero).

Exact values are integers, N·2^E. Written for the tests alone: the diagnosis
(ann_ref/oracle) has arithmetic of its own, and the two share no code, so that the
diagnosis is scored against mistakes it did not model itself.
"""
import math
import struct

INF = float("inf")
NAN = float("nan")
TINY = 2.0 ** -1022                       # the least normal binary64


def is_finite(v):
    return v == v and v not in (INF, -INF)


def sign_bit(v):
    return struct.pack("<d", v)[7] >> 7


def parts(v):
    """(N, E), integers with v == N·2^E exactly, for a finite float v."""
    m, e = math.frexp(v)
    return int(m * 9007199254740992.0), e - 53


def round_int(N, E, precision, emin):
    """N·2^E (N ≠ 0) rounded to `precision` significand bits, ties to even, the least
    normal exponent being emin (below it, fewer bits: subnormals): (N', E')."""
    negative = N < 0
    N = -N if negative else N
    quantum = max(E + N.bit_length() - precision, emin - precision + 1)
    shift = quantum - E
    if shift > 0:
        Q = N >> shift
        rest = N - (Q << shift)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and Q & 1):
            Q += 1
        N, E = Q, quantum
    return (-N if negative else N), E


def to_float(N, E):
    """N·2^E as a float, N a rounded significand (exact; ±inf beyond the range)."""
    try:
        return math.ldexp(float(N), E)
    except OverflowError:
        return INF if N > 0 else -INF


def fused_multiply_add(p, q, r):
    """p·q + r rounded once, with IEEE-754's signs of zero: math.fma where Python has it
    (3.13), else the exact sum in integers rounded once."""
    if _math_fma is not None:
        try:
            return _math_fma(p, q, r)
        except (OverflowError, ValueError):
            pass                          # CPython raises where IEEE gives inf or NaN
    if not (is_finite(p) and is_finite(q)):
        return p * q + r                  # inf·x and NaN: one rounding changes nothing
    if not is_finite(r):
        return r                          # the exact p·q is finite, even if p*q overflows
    Np, Ep = parts(p)
    Nq, Eq = parts(q)
    Nr, Er = parts(r)
    P, EP = Np * Nq, Ep + Eq
    E = min(EP, Er)
    S = (P << (EP - E)) + (Nr << (Er - E))
    if S == 0:
        # an exact zero sum: −0 only when both addends are −0 (p·q's sign is the xor)
        if p != 0 and q != 0:
            return 0.0                    # x − x = +0 when rounding to nearest
        product_negative = sign_bit(p) != sign_bit(q)
        return -0.0 if product_negative and sign_bit(r) else 0.0
    result = to_float(*round_int(S, E, 53, -1022))
    return result if result else (-0.0 if S < 0 else 0.0)   # underflow keeps the sign


_math_fma = getattr(math, "fma", None)


def use_math_fma(flag):
    """Switch the emulation on (flag False) or math.fma back on, for tests."""
    global _math_fma
    _math_fma = getattr(math, "fma", None) if flag else None


_F32 = struct.Struct("<f")


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


# --- number types: the core's parts run on them unchanged -------------------------------

class Rounded:
    """A float whose every +, −, ×, ÷ is rounded by the class's `r` (f32, flush)."""
    __slots__ = ("v",)
    r = staticmethod(lambda v: v)

    def __init__(self, v):
        self.v = v

    def _new(self, v):
        return type(self)(self.r(v))

    def __add__(self, o):
        return self._new(self.v + o.v)

    def __sub__(self, o):
        return self._new(self.v - o.v)

    def __mul__(self, o):
        return self._new(self.v * o.v)

    def __truediv__(self, o):
        return self._new(self.v / o.v)

    def __neg__(self):
        return type(self)(-self.v)

    def __ge__(self, o):
        return self.v >= o.v

    def __gt__(self, o):
        return self.v > o.v

    def __eq__(self, o):
        return self.v == o.v

    __hash__ = None


class Register:
    """A value of an x87 register: N·2^E rounded to `bits` significand bits with the
    x87's 15-bit exponent range (nothing in a step leaves it), or a float for a zero,
    an infinity or a NaN. store() rounds it to binary64: a second rounding."""
    __slots__ = ("n", "e", "f")
    bits = 64

    def __init__(self, n=0, e=0, f=None):
        self.n, self.e, self.f = n, e, f

    @classmethod
    def of(cls, v):
        if v == 0 or not is_finite(v):
            return cls(f=v)
        return cls(*parts(v))

    def store(self):
        if self.f is not None:
            return self.f
        result = to_float(*round_int(self.n, self.e, 53, -1022))
        return result if result else (-0.0 if self.n < 0 else 0.0)

    def _exact(self, N, E):
        if N == 0:
            return type(self)(f=0.0)                  # x − x = +0
        return type(self)(*round_int(N, E, self.bits, -16382))

    def _special(self, o, op):
        return type(self).of(op(self.store(), o.store()))

    def __add__(self, o):
        if self.f is not None or o.f is not None:
            if self.f == 0 and o.f is None:
                return o                              # 0 + register: the register, exactly
            if o.f == 0 and self.f is None:
                return self
            return self._special(o, lambda p, q: p + q)
        E = min(self.e, o.e)
        return self._exact((self.n << (self.e - E)) + (o.n << (o.e - E)), E)

    def __neg__(self):
        return type(self)(f=-self.f) if self.f is not None else type(self)(-self.n, self.e)

    def __sub__(self, o):
        return self + (-o)

    def __mul__(self, o):
        if self.f is not None or o.f is not None:
            return self._special(o, lambda p, q: p * q)
        return self._exact(self.n * o.n, self.e + o.e)

    def __truediv__(self, o):
        if self.f is not None or o.f is not None:
            return self._special(o, lambda p, q: p / q if q else
                                 (NAN if p == 0 or p != p else math.copysign(INF, p) *
                                  math.copysign(1.0, q)))
        k = max(0, self.bits + 3 + o.n.bit_length() - self.n.bit_length())
        N, R = divmod(abs(self.n) << k, abs(o.n))
        N = (N << 1) | (1 if R else 0)              # a sticky bit for the rounding
        return self._exact(-N if (self.n < 0) != (o.n < 0) else N, self.e - o.e - k - 1)

    def __ge__(self, o):
        return self.store() >= o.store()

    def __gt__(self, o):
        return self.store() > o.store()

    def __eq__(self, o):
        return self.store() == o.store()

    __hash__ = None
