"""exp(x): e^x correctly rounded to binary64 (round to nearest, ties to even).

The platform's math.exp is the C library's, and C libraries misround some arguments,
each its own ones; golden data made with one could not judge another. This exp uses
IEEE-754 additions and multiplications and Python integers only, so it gives the same
bits on every platform and interpreter. Ziv's strategy:

- fast path: exp(x) = 2^k * 2^(j/256) * e^r, |r| <= ln2/512, in double-double
  arithmetic with a relative error below 2^-69. When that approximation is further
  than the error from every rounding boundary (all but about 1 call in 10,000), its
  high part is the correctly rounded result.
- slow path: the same reduction in integer fixed point with 128, 256, 512 ... bits,
  until both ends of the error interval round to the same float. e^x is irrational for
  every nonzero rational x, so it is never exactly a rounding boundary and the loop ends.

The fast path needs about 70 float operations and no call to libm.
"""

from .bits import CANONICAL_NAN, bits_to_float, float_to_bits

INF_BITS = 0x7FF0000000000000
INF = bits_to_float(INF_BITS)
ONE_BITS = 0x3FF0000000000000

try:
    _bit_length = int.bit_length
except AttributeError:                    # MicroPython's int has no bit_length
    def _bit_length(n):
        return len(bin(n)) - 2            # n > 0 here


# --- exact conversions between floats and integers -----------------------------------

def _parts(v):
    """(M, E), integers with v == M * 2**E exactly, for a finite float v."""
    return _parts_of_bits(float_to_bits(v))


def _parts_of_bits(n):
    """(M, E) with M * 2**E the finite binary64 whose bit pattern is n."""
    e = (n >> 52) & 0x7FF
    f = n & 0xFFFFFFFFFFFFF
    if e:
        f |= 0x10000000000000
    else:
        e = 1
    return (-f if n >> 63 else f), e - 1075


def _to_bits(N, E):
    """The bit pattern of the float nearest to N * 2**E (N an integer), ties to even;
    subnormals and overflow to inf included. Integers only: no float operation."""
    sign = 0
    if N < 0:
        sign, N = 0x8000000000000000, -N
    if N == 0:
        return sign
    shift = _bit_length(N) - 53           # drop bits beyond 53 significant ones,
    if E + shift < -1074:                 # or beyond 2^-1074 for a subnormal
        shift = -1074 - E
    if shift > 0:
        q = N >> shift
        rest = N - (q << shift)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and q & 1):
            q += 1
    else:
        q = N << -shift
    E += shift
    if q >> 53:                           # rounding carried into a 54th bit
        q >>= 1
        E += 1
    n = ((E + 1074) << 52) + q            # exponent field and fraction at once
    if n >= INF_BITS:
        n = INF_BITS
    return sign | n


def _to_float(N, E):
    """The float nearest to N * 2**E, ties to even. Builds the bit pattern, so it never
    raises."""
    return bits_to_float(_to_bits(N, E))


# --- constants, derived here in integer arithmetic ---------------------------------

def _ln2(P):
    """ln 2 * 2**P, rounded down, error below 1: 2*atanh(1/3) = sum 2/((2k+1) 3^(2k+1))."""
    G = P + 24
    total = 0
    power = (2 << G) // 3
    k = 1
    while power:
        total += power // k
        power //= 9
        k += 2
    return total >> 24


def _exp_taylor(R, P):
    """e^(R / 2**P) * 2**P for small |R / 2**P|; error below 2 per term taken."""
    total = term = 1 << P
    n = 1
    while term:
        term = (term * R >> P) // n
        total += term
        n += 1
    return total, 2 * n + 2


Q = 200                                   # precision of the tables, in bits
_LN2_Q = _ln2(Q)
_C = _LN2_Q >> 8                          # ln2/256 * 2**Q


def _split(N, bits):
    """The top `bits` significant bits of the positive integer N, and the rest."""
    drop = _bit_length(N) - bits
    top = (N >> drop) << drop
    return top, N - top


# ln2/256 = L1 + L2 + L3 (Cody and Waite): L1 and L2 have 34 significant bits each, so
# kk*L1 and kk*L2 are exact for |kk| < 2^19, which covers |x| <= 746.
_top, _rest = _split(_C, 34)
_L1 = _to_float(_top, -Q)
_top, _rest = _split(_rest, 34)
_L2 = _to_float(_top, -Q)
_L3 = _to_float(_rest, -Q)
_INV = 256.0 / _to_float(_LN2_Q, -Q)      # only to choose kk; any nearby value would do

# 2^(j/256) for j = 0..255 as (hi, lo, hi1, hi2): hi + lo within 2^-106 of it relative,
# hi = hi1 + hi2 split into 26-bit halves for Dekker's exact product.
_T = []
_step, _ = _exp_taylor(_C, Q)
_t = 1 << Q
for _j in range(256):
    _hi = _to_float(_t, -Q)
    _M, _E = _parts(_hi)
    _lo = _to_float(_t - (_M << (_E + Q)), -Q)
    _c = _hi * 134217729.0
    _hi1 = _c - (_c - _hi)
    _T.append((_hi, _lo, _hi1, _hi - _hi1))
    _t = _t * _step >> Q

# 2^k for the exponents of normal results
_POW2 = [1.0]
for _j in range(1022):
    _POW2.append(_POW2[-1] / 2)
_POW2.reverse()                           # _POW2[k + 1022] == 2.0**k
for _j in range(1023):
    _POW2.append(_POW2[-1] * 2)

_TINY = _POW2[-54 + 1022]                 # |x| < 2^-54: e^x rounds to 1.0
_HALF_ULP = _POW2[-53 + 1022]             # half the spacing of floats in [1, 2)
_HALF_ULP_BELOW_1 = _POW2[-54 + 1022]     # half the spacing in [0.5, 1)
_ERROR = _POW2[-65 + 1022]                # bound on the fast path's absolute error
_C3 = 1.0 / 6
_C4 = 1.0 / 24
_C5 = 1.0 / 120
_C6 = 1.0 / 720
del _top, _rest, _step, _t, _j, _hi, _lo, _M, _E, _c, _hi1


# --- exp ---------------------------------------------------------------------------

def exp(x):
    """e^x correctly rounded: exp(inf) = inf, exp(-inf) = 0.0, NaN gives NaN, overflow
    gives inf, underflow the correctly rounded subnormal or 0.0. Never raises for a
    real number; TypeError for anything else (bool included)."""
    if type(x) is not float:
        x = _real(x)
    if -708.0 <= x <= 709.0:
        if -_TINY < x < _TINY:
            return 1.0
        # x = kk*ln2/256 + r; kk = 256k + j
        kk = round(x * _INV)
        t = x - kk * _L1                  # exact: see the note at the end of this file
        u = kk * _L2                      # exact: 19 bits times 34 bits
        rh = t - u                        # r = rh + rl (two-sum of t and -u)
        v = rh - t
        rl = ((t - (rh - v)) - (u + v)) - kk * _L3
        # e^r - 1 = r + r^2/2 + ... ; the r^7 term and beyond are below 2^-79
        lo = rl * (1.0 + rh) + rh * rh * (0.5 + rh * (_C3 + rh * (_C4 + rh * (_C5 + rh * _C6))))
        ph = rh + lo                      # p = ph + pl = e^r - 1 (two-sum)
        v = ph - rh
        pl = (rh - (ph - v)) + (lo - v)
        # 2^(j/256) * (1 + p) = Th + Th*ph + (Th*pl + Tl*(1 + ph)); Th*ph exactly (Dekker)
        Th, Tl, Th1, Th2 = _T[kk & 255]
        c = ph * 134217729.0
        p1 = c - (c - ph)
        p2 = ph - p1
        a = Th * ph
        e = ((Th1 * p1 - a) + Th1 * p2 + Th2 * p1) + Th2 * p2
        s = Th + a                        # |a| < Th: fast two-sum
        lo = (a - (s - Th)) + (e + (Th * pl + Tl * (1.0 + ph)))
        yh = s + lo
        yl = lo - (yh - s)
        # yh is the rounded value of yh + yl; it is that of e^x too when the error bound
        # keeps e^x inside the half spacings around yh (0.99 < yh < 2)
        if yh > 1.0:
            up = down = _HALF_ULP
        elif yh == 1.0:
            up, down = _HALF_ULP, _HALF_ULP_BELOW_1
        else:
            up = down = _HALF_ULP_BELOW_1
        if yl + _ERROR < up and yl - _ERROR > -down:
            return yh * _POW2[(kk >> 8) + 1022]
        return _exp_slow(x)
    if x != x:
        return x
    if x > 709.79:
        return INF
    if x < -745.14:                       # e^x < 2^-1075, half the least subnormal
        return 0.0
    return _exp_slow(x)


def _real(x):
    if type(x) is bool or not isinstance(x, (int, float)):
        raise TypeError("exp() takes a real number (int or float), not %s"
                        % type(x).__name__)
    try:
        return float(x)
    except OverflowError:                 # an int beyond binary64: IEEE overflow
        return INF if x > 0 else -INF


_LN2 = {}


def _exp_slow(x):
    return bits_to_float(_exp_slow_bits(*_parts(x)))


def _exp_slow_bits(M, E):
    """The bit pattern of e^(M * 2**E), in integer fixed point at growing precision until
    the rounding is decided. Integers only: no float operation."""
    P = 128
    while True:
        G = P + 48                        # guard bits for the error growth below
        if G not in _LN2:
            _LN2[G] = _ln2(G)
        L = _LN2[G]
        X = M << (E + G) if E + G >= 0 else M >> -(E + G)   # floor(x * 2^G)
        k = (2 * X + L) // (2 * L)        # nearest integer to x/ln2
        R = X - k * L                     # r = x - k*ln2, error below 1 + |k|
        # e^r = (e^(r/256))^(2^8): the series on r/256, then eight squarings
        Y, D = _exp_taylor(R >> 8, G)
        for _ in range(8):
            Y = Y * Y >> G
            D = 3 * D + 1                 # Y < 1.42 * 2^G: each squaring at most triples it
        D += 2 * (2 + abs(k)) + 512       # from the error of r, and of R >> 8 (x256)
        low = _to_bits(Y - D, k - G)
        if low == _to_bits(Y + D, k - G):
            return low
        P *= 2


def exp_bits(n):
    """The bit pattern of e^x correctly rounded, x the binary64 whose bit pattern is the
    integer n (0 <= n < 2**64); NaN gives the canonical 0x7ff8000000000000. Python
    integers only, no float operation: the exp of a binary64 done in software where the
    platform's float is not binary64. Gives the bits of exp() for every argument."""
    if not 0 <= n < 0x10000000000000000:
        raise ValueError("exp_bits() takes a 64-bit pattern, 0 <= n < 2**64")
    e = (n >> 52) & 0x7FF
    if e == 0x7FF:                        # inf or NaN
        if n & 0xFFFFFFFFFFFFF:
            return CANONICAL_NAN
        return 0 if n >> 63 else INF_BITS
    if e < 969:                           # |x| < 2^-54: e^x rounds to 1.0
        return ONE_BITS
    if e >= 1033:                         # |x| >= 1024: beyond overflow and underflow
        return 0 if n >> 63 else INF_BITS
    return _exp_slow_bits(*_parts_of_bits(n))


# Note on t = x - kk*L1. Both are multiples of g = min(ulp(x), lowest bit of L1) and
# |t| <= 2^-10.5. If g is L1's lowest bit (~2^-42) t needs at most 34 bits. Otherwise
# ulp(x) < 2^-42; for kk != 0, |x| >= ln2/512 > 2^-10, so ulp(x) >= 2^-62 and t needs
# fewer than 53 bits. For kk == 0, t is x. Either way the subtraction is exact.
