"""Arithmetic other than the spec's, done exactly: what other hardware and libraries
compute, so that a model (models.py) can reproduce their bits.

- fused_multiply_add(p, q, r): p·q + r rounded once, with IEEE signed zeros;
- float32(v), flush(v): binary32 rounding, and flush-to-zero of subnormals;
- Extended: x87 registers, a p-bit significand with a wide exponent, stored to binary64
  by rounding again (which rounds subnormal results twice);
- fdlibm_exp(v): the exp of fdlibm, which V8's Math.exp is a port of;
- tanh(v): tanh correctly rounded, for the sigmoid written as 0.5 + 0.5·tanh(z/2);
- pow_exp(v): e^v written as a power, math.e ** v: the binary64 e (a little below e)
  raised to v, correctly rounded.

Values are taken apart with float.as_integer_ratio, so every intermediate is an exact
integer times a power of two, and rounded once where the hardware rounds.
"""
import math
import struct

INF = float("inf")
TINY = 2.2250738585072014e-308          # the least normal binary64
_F32 = struct.Struct("<f")


def fused_multiply_add(p, q, r):
    """p·q + r rounded once to binary64, as a fused multiply-add does."""
    if p - p != 0.0 or q - q != 0.0 or r - r != 0.0:
        return p * q + r                # inf or NaN: nothing is rounded
    if p == 0.0 or q == 0.0:
        return p * q + r                # ±0 + r: exact, and IEEE's signs of zero
    if r == 0.0:
        return p * q                    # one rounding already; its sign is the product's
    np_, dp = p.as_integer_ratio()
    nq, dq = q.as_integer_ratio()
    nr, dr = r.as_integer_ratio()
    num = np_ * nq * dr + nr * dp * dq
    if num == 0:
        return 0.0                      # exact cancellation: +0.0 when rounding to nearest
    try:
        return num / (dp * dq * dr)     # int / int is correctly rounded in Python
    except OverflowError:
        return INF if num > 0 else -INF


def float32(v):
    """v rounded to binary32 (to nearest, ties to even), as a binary64 again."""
    try:
        return _F32.unpack(_F32.pack(v))[0]
    except OverflowError:               # beyond binary32's range: rounds to infinity
        return math.copysign(INF, v)


def flush(v):
    """A subnormal becomes a zero of its sign (flush-to-zero, denormals-are-zero)."""
    return math.copysign(0.0, v) if -TINY < v < TINY else v


# --- x87 extended precision -----------------------------------------------------------

class Extended:
    """Exact values n·2^e rounded to `precision` significant bits after every operation,
    with an exponent range wide enough that nothing in a step underflows (the x87's
    15-bit exponent); binary64() stores one into a double, rounding again. Zeros carry
    their sign in `negative_zero`."""

    def __init__(self, precision):
        self.p = precision

    def load(self, v):
        n, d = v.as_integer_ratio()
        if n == 0:
            return (0, 1 if math.copysign(1.0, v) < 0 else 0)
        return (n, -(d.bit_length() - 1))

    def _round(self, n, e, p, least=None):
        if n == 0:
            return (0, 0)
        shift = abs(n).bit_length() - p
        if least is not None and e + shift < least:
            shift = least - e
        if shift <= 0:
            return (n, e)
        a = abs(n)
        q = a >> shift
        rest = a - (q << shift)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and q & 1):
            q += 1
        return (-q if n < 0 else q), e + shift

    def add(self, u, v):
        (n1, e1), (n2, e2) = u, v
        if n1 == 0 and n2 == 0:         # IEEE: -0 + -0 = -0, any other pair of zeros +0
            return (0, 1 if e1 == 1 and e2 == 1 else 0)
        if n1 == 0:
            return v
        if n2 == 0:
            return u
        e = min(e1, e2)
        n = (n1 << (e1 - e)) + (n2 << (e2 - e))
        return self._round(n, e, self.p) if n else (0, 0)

    def mul(self, u, v):
        (n1, e1), (n2, e2) = u, v
        if n1 == 0 or n2 == 0:
            s1 = e1 == 1 if n1 == 0 else n1 < 0
            s2 = e2 == 1 if n2 == 0 else n2 < 0
            return (0, 1 if s1 != s2 else 0)
        return self._round(n1 * n2, e1 + e2, self.p)

    def div(self, u, v):
        """u / v for a divisor v that is a nonzero binary64."""
        (n1, e1), (n2, e2) = u, v
        if n1 == 0:
            return (0, 1 if (e1 == 1) != (n2 < 0) else 0)
        extra = self.p + abs(n2).bit_length() + 2
        q, rest = divmod(abs(n1) << extra, abs(n2))
        q = (q << 1) | (1 if rest else 0)       # a sticky bit for the rounding
        n = -q if (n1 < 0) != (n2 < 0) else q
        return self._round(n, e1 - e2 - extra - 1, self.p)

    def exp(self, v):
        """e^v rounded to the precision: Decimal's exp to 40 digits, rounded once more
        (double rounding needs e^v within 10⁻⁴⁰ of a midpoint), as i386's libm returns
        exp in an x87 register. v is a finite binary64."""
        from decimal import Context, Decimal
        n, d = Context(prec=40, Emax=999999, Emin=-999999).exp(Decimal(v)).as_integer_ratio()
        extra = self.p + d.bit_length() - n.bit_length() + 2
        if extra >= 0:
            q, rest = divmod(n << extra, d)
        else:
            q, rest = divmod(n, d << -extra)
        return self._round((q << 1) | (1 if rest else 0), -extra - 1, self.p)

    def binary64(self, u):
        n, e = u
        if n == 0:
            return -0.0 if e == 1 else 0.0
        n, e = self._round(n, e, 53, -1074)
        try:
            return math.ldexp(float(n), e)
        except OverflowError:
            return INF if n > 0 else -INF


# --- fdlibm's exp (V8's Math.exp is a port of it) ---------------------------------------

_HALF = (0.5, -0.5)
_LN2HI = (6.93147180369123816490e-01, -6.93147180369123816490e-01)
_LN2LO = (1.90821492927058770002e-10, -1.90821492927058770002e-10)
_INVLN2 = 1.44269504088896338700e+00
_P1, _P2, _P3 = 1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05
_P4, _P5 = -1.65339022054652515390e-06, 4.13813679705723846039e-08
_O_THRESHOLD = 7.09782712893383973096e+02
_U_THRESHOLD = -7.45133219101941108420e+02
_TWOM1000 = 9.33263618503218878990e-302


def fdlibm_exp(x):
    """e^x as fdlibm's __ieee754_exp computes it, operation for operation."""
    if x != x:
        return x
    hx = struct.unpack("<Q", struct.pack("<d", x))[0] >> 32
    xsb = hx >> 31
    hx &= 0x7FFFFFFF
    k = 0
    hi = lo = 0.0
    if hx >= 0x40862E42:
        if hx >= 0x7FF00000:
            return x if xsb == 0 else 0.0
        if x > _O_THRESHOLD:
            return INF
        if x < _U_THRESHOLD:
            return 0.0
    if hx > 0x3FD62E42:                 # |x| > 0.5 ln2
        if hx < 0x3FF0A2B2:             # and < 1.5 ln2
            hi = x - _LN2HI[xsb]
            lo = _LN2LO[xsb]
            k = 1 - xsb - xsb
        else:
            k = int(_INVLN2 * x + _HALF[xsb])     # C's (int): towards zero
            t = float(k)
            hi = x - t * _LN2HI[0]
            lo = t * _LN2LO[0]
        x = hi - lo
    elif hx < 0x3E300000:               # |x| < 2^-28
        return 1.0 + x
    t = x * x
    c = x - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    if k == 0:
        return 1.0 - ((x * c) / (c - 2.0) - x)
    y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi)
    if k >= -1021:
        if k == 1024:
            return y * 2.0 * 8.98846567431158e307
        return y * math.ldexp(1.0, k)
    return y * math.ldexp(1.0, k + 1000) * _TWOM1000


# --- whole arithmetics: every result rounded another way -------------------------------

def rounded_arithmetic(name, r, exp_of, load=True):
    """An Arithmetic (core/arithmetic.py) on floats whose every +, −, ×, ÷ result is
    passed through r (float32: binary32 rounding; flush: flush-to-zero), its exp
    exp_of, and its inputs read through r too unless load is False (FTZ without DAZ).
    The numbers are of a class of its own, so that the core's parts run on them
    unchanged."""
    from ..core.arithmetic import Arithmetic
    from ..core.bits import CANONICAL_NAN, float_to_bits

    class Number:
        __slots__ = ("v",)

        def __init__(self, v):
            self.v = v

        def __add__(self, o):
            return Number(r(self.v + o.v))

        def __sub__(self, o):
            return Number(r(self.v - o.v))

        def __mul__(self, o):
            return Number(r(self.v * o.v))

        def __truediv__(self, o):
            try:
                return Number(r(self.v / o.v))
            except ZeroDivisionError:
                return Number(_divide_by_zero(self.v, o.v))

        def __neg__(self):
            return Number(-self.v)

        def __ge__(self, o):
            return self.v >= o.v

        def __gt__(self, o):
            return self.v > o.v

        def __le__(self, o):
            return self.v <= o.v

        def __lt__(self, o):
            return self.v < o.v

        def __eq__(self, o):
            return type(o) is Number and self.v == o.v

        __hash__ = None

    def of(v):
        return Number(r(float(v)) if load else float(v))

    def bits(n):
        return CANONICAL_NAN if n.v != n.v else float_to_bits(n.v)

    def exp(n):
        return Number(r(exp_of(n.v)))
    return Arithmetic(name, Number, exp, of, lambda n: Number(_from_bits(n)), bits)


def _from_bits(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def _divide_by_zero(u, v):
    """IEEE's u / ±0: ±inf, or NaN for 0 / 0 and NaN."""
    if u != u or u == 0.0:
        return float("nan")
    negative = (math.copysign(1.0, u) < 0) != (math.copysign(1.0, v) < 0)
    return -INF if negative else INF


# --- e ** v: exp written as a power of the binary64 e -------------------------------------

_E = None


def pow_exp(v):
    """math.e ** v correctly rounded: math.e is e rounded down by 1.4e-16 relative, so
    the power is e^v·(1 − 1.4e-16·v), which for |v| ≥ 1 is a different binary64 number
    about half the time. glibc's pow is not always correctly rounded (on 20,000 random
    v in [−700, 700] it differs from this in 14, each time farther from e^v): the model
    is what a correctly rounded pow gives (Decimal's exp and ln, to 40 digits, then rounded
    once more: double rounding needs a result within 10⁻³⁶ of a midpoint)."""
    global _E
    from decimal import Context, Decimal
    if v != v:
        return v
    if v == INF:
        return INF
    if v == -INF:
        return 0.0
    found = _POWERS.get(v)
    if found is None:
        c = Context(prec=40, Emax=999999, Emin=-999999)
        if _E is None:
            _E = c.ln(Decimal(math.e))
        # e^(v·ln(math.e)), both to 40 digits: within 10⁻³⁶ of the power (Decimal's own
        # power is exact but 9 times slower), so double rounding still needs a result
        # that near a midpoint
        found = float(c.exp(c.multiply(_E, Decimal(v))))
        if len(_POWERS) > 1 << 16:      # a diagnosis asks the same arguments of every
            _POWERS.clear()             # model it runs: Decimal's power is the cost
        _POWERS[v] = found
    return found


_POWERS = {}


def tanh(v):
    """tanh(v) correctly rounded (to 40 digits by Decimal's exp, then to binary64). A C
    library's tanh is within an ULP or two of it: glibc's differs from it at 456 of
    20,000 random v in [−25, 25], so the model reproduces such a backend for a few
    iterations, and exactly wherever s saturates to 0 or 1."""
    from decimal import Context, Decimal
    if v != v or v == 0.0:
        return v
    if abs(v) > 20.0:                   # 1 − tanh(20) < 2⁻⁵⁷: ±1 in binary64
        return 1.0 if v > 0 else -1.0
    c = Context(prec=40)
    u = c.exp(c.multiply(Decimal(2), Decimal(v)))
    return float(c.divide(c.subtract(u, 1), c.add(u, 1)))

