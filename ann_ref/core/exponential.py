"""exp(x): e^x correctly rounded to binary64 (round to nearest, ties to even).

The platform's math.exp is the C library's, and C libraries misround some arguments,
each its own ones; golden data made with one could not judge another. This exp uses
IEEE-754 additions and multiplications, exact scaling by powers of two (math.ldexp) and
Python integers only, so it gives the same bits on every platform and interpreter.
Ziv's strategy, three tries, each more exact and rarer than the one before:

- fast path: exp(x) = 2^k * 2^(j/256) * e^r, |r| <= ln2/512, as a sum Th + lo of two
  floats with a relative error below 2^-60.39 (the proofs are at the end of this file).
  When Th + lo - D and Th + lo + D, D = 2^-59 above that error, round to the same float
  (all but about 1 call in 64), that float scaled by 2^k is the correctly rounded
  result. Near the ends of the normal results (x < -707.7, x > 709.78) the same sum is
  split into yh + yl (Fast2Sum) with a test of its own, and subnormal results are
  rounded from yh + yl in one step, not by scaling yh.
- accurate path: the same reduction with r kept as two floats and the product by the
  table made exact, below 2^-66; it decides all but about 1 call in 2,000 of the
  total.
- slow path: the same reduction in integer fixed point with 64, 128, 256 ... bits,
  until both ends of the error interval round to the same float. e^x is irrational for
  every nonzero rational x, so it is never exactly a rounding boundary and the loop ends.

The fast path needs 25 float operations and comparisons, math.floor and math.ldexp
(exact); the accurate path about 45 more. The slow path needs no float operation:
exp_bits(n) is exp on bit patterns, in integers only.
"""

import math
import sys
from array import array

from .bits import CANONICAL_NAN, bits_to_float, float_to_bits

INF_BITS = 0x7FF0000000000000
INF = bits_to_float(INF_BITS)
ONE_BITS = 0x3FF0000000000000

try:
    _bit_length = int.bit_length
except AttributeError:                    # MicroPython's int has no bit_length
    def _bit_length(n):
        """The number of bits of n > 0, by shifts and comparisons (len(bin(n)) - 2
        would write out every bit: 8 µs for 53 bits in MicroPython, 20 times this)."""
        k = 1
        while n >> 64:
            n >>= 64
            k += 64
        for s in (32, 16, 8, 4, 2, 1):
            if n >> s:
                n >>= s
                k += s
        return k


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
    return sign | _round(N, _bit_length(N) - 1, E)


def _round(N, L, E):
    """The bit pattern of N * 2**E rounded to nearest, ties to even, for an integer N
    with 2**L <= N < 2**(L + 1): what _to_bits does once it knows L, which the
    operations of softfloat.py know without counting bits."""
    field = L + E + 1023                  # the exponent field, if the result is normal
    s = L - 52                            # drop bits beyond 53 significant ones,
    if field < 1:                         # or beyond 2^-1074 for a subnormal
        s += 1 - field
        field = 1
    if s > 0:
        q = N >> s
        rest = N - (q << s)
        half = 1 << (s - 1)
        if rest > half or rest == half and q & 1:
            q += 1
    else:
        q = N << -s
    n = ((field - 1) << 52) + q           # a carry out of q's 53 bits (q = 2^53) adds
    if n >= INF_BITS:                     # one to the exponent, as it should
        n = INF_BITS
    return n


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


def _split(N, bits):
    """The top `bits` significant bits of the positive integer N, and the rest."""
    drop = _bit_length(N) - bits
    top = (N >> drop) << drop
    return top, N - top


def _tables(Q=128):
    """The constants of the fast path, derived in Q-bit integer fixed point; nothing
    else is kept (the big integers are garbage once this returns).

    L1: the top 34 bits of ln2/256, so that kk*L1 is exact for |kk| < 2^19, which covers
    |x| <= 746 (Cody and Waite); L2: the rest of ln2/256 rounded to 53 bits, so L1 + L2
    is ln2/256 within 2^-95 and kk*L2 is within 2^-78 of kk times it; 256/ln2, only to
    choose kk (any nearby value would do); Th[j] + Tl[j] = 2^(j/256) within 2^-78
    relative, Th its first 26 significant bits so that Th*hi in exp is exact, and
    |Tl| < 2^-25. The tables are array('d'): 4 KB, where a list of floats would box each."""
    ln2 = _ln2(Q)
    C = ln2 >> 8                          # ln2/256 * 2**Q, error below 1
    top, rest = _split(C, 34)
    Th, Tl = array("d"), array("d")
    step, _ = _exp_taylor(C, Q)           # 2^(1/256) * 2**Q, error below 40
    T = 1 << Q                            # 2^(j/256) * 2**Q, error below 81 j < 2^15
    for _ in range(256):
        high, low = _split(T, 26)
        Th.append(_to_float(high, -Q))    # exact: 26 bits
        Tl.append(_to_float(low, -Q))
        T = T * step >> Q
    return _to_float(top, -Q), _to_float(rest, -Q), 256.0 / _to_float(ln2, -Q), Th, Tl


# _TH[j] + _TL[j] = 2^(j/256), and L1, L2, 256/ln2: made by _load_tables() when exp is
# first called. Where float is not binary64 (most boards) it never is, and neither the
# 4 KB of tables nor the integers that derive them take any heap. Until then the fast
# path's interval (_LOW, _HIGH) is empty, so that exp tests one thing, not two, to take
# it: -707.7 < x < 709.78 keeps 2^k, k = kk >> 8, within -1021 ... 1023.
_L1 = _L2 = _INV = _TH = _TL = None
_LOW = _HIGH = 0.0


def _load_tables():
    global _L1, _L2, _INV, _TH, _TL, _LOW, _HIGH
    L1, L2, INV, TH, TL = _tables()
    if sys.implementation.name != "micropython":
        # CPython reads a list's item without making a float, where array makes one per
        # read: 7 % of exp's time, for 16 KB. MicroPython keeps the 4 KB of array('d').
        TH, TL = list(TH), list(TL)
    _L1, _L2, _INV, _TH, _TL = L1, L2, INV, TH, TL
    _LOW, _HIGH = -707.7, 709.78


_ldexp = math.ldexp                       # exact for normal results
_floor = math.floor                       # an int, and three times as fast as round()
_SHIFT = _ldexp(1.5, 52)                  # (v + _SHIFT) - _SHIFT: v to an integer, ties to even
_D = _ldexp(1.0, -59)                     # the fast path's rounding test (see the proofs)
_TWO52 = _ldexp(1.0, 52)
_SPLIT = 98304.0                          # 1.5 * 2^16: (r + _SPLIT) - _SPLIT rounds r to 2^-36
_FAST = 1.0 / 64                          # the margin of yh + yl's first test, 2^-6
_ACCURATE = 1.0 / 2048                    # the accurate path's, 2^-11 (see the proofs)
_TEST = 1.0 + _FAST                       # the rounding tests' 1 + margin
_TEST_ACCURATE = 1.0 + _ACCURATE
_C3 = 1.0 / 6
_C4 = 1.0 / 24
_C5 = 1.0 / 120


# --- exp ---------------------------------------------------------------------------

def exp(x):
    """e^x correctly rounded: exp(inf) = inf, exp(-inf) = 0.0, NaN gives NaN, overflow
    gives inf, underflow the correctly rounded subnormal or 0.0. An int is taken as the
    nearest binary64 (numbers.real); anything else, bool included, is a TypeError."""
    if type(x) is not float:              # ints: the nearest binary64; others refused
        from .numbers import real         # here: exp_bits, all a board uses, needs none
        x = real("x", x)
    if _LOW < x < _HIGH:                  # e^x normal, far from its ends; not NaN
        # x = kk*ln2/256 + r, kk = 256k + j, |r| <= ln2/512: e^x = 2^k * 2^(j/256) * e^r
        t = x * _INV + _SHIFT             # kk, the integer nearest x*INV (ties to even),
        kf = t - _SHIFT                   # as a float: exact, see the note at the end
        r = (x - kf * _L1) - kf * _L2     # x - kk*L1 is exact: see the note at the end
        # e^r - 1 = r + w, w = r^2/2 + r^3/6 + r^4/24 + r^5/120
        w = r * r * (0.5 + r * (_C3 + r * (_C4 + r * _C5)))
        p = r + w
        kk = _floor(kf)
        j = kk & 255
        Th = _TH[j]
        lo = Th * p + _TL[j] * (1.0 + p)  # (Th + Tl)(1 + p) = Th + lo: e^x / 2^k,
        yh = Th + (lo + _D)               # relative error < 2^-60.39. If Th + lo +- D
        if Th + (lo - _D) == yh:          # round alike, so does e^x / 2^k: see the proof
            return _ldexp(yh, kk >> 8)
        return _exp_accurate(x, kk, r, w)
    # NaN, +-inf, e^x beyond the normal floats or near their ends, and every x until the
    # tables are made: the same reduction and sum, split into yh + yl, with a rounding
    # test of margin 2^-6 for normal results and _exp_edge for the others
    if not -745.14 <= x <= 709.79:        # also NaN
        if x != x:
            return x
        return INF if x > 0.0 else 0.0    # e^x > MAX + ulp/2, or e^x < 2^-1075
    if _TH is None:
        _load_tables()
    kf = (x * _INV + _SHIFT) - _SHIFT     # as above
    r = (x - kf * _L1) - kf * _L2
    w = r * r * (0.5 + r * (_C3 + r * (_C4 + r * _C5)))
    p = r + w
    kk = _floor(kf)
    j = kk & 255
    Th = _TH[j]
    lo = Th * p + _TL[j] * (1.0 + p)
    yh = Th + lo                          # yh + yl = Th + lo (Fast2Sum, |lo| < Th):
    yl = (Th - yh) + lo                   # e^x / 2^k, relative error < 2^-60.39
    k = kk >> 8
    if -1022 < k < 1024:                  # 2^k * yh is a normal float
        if yh + yl * _TEST == yh:         # e^x / 2^k rounds to yh: see the proof
            return _ldexp(yh, k)
    else:
        y = _exp_edge(yh, yl, k, _FAST)
        if y is not None:
            return y
    return _exp_accurate(x, kk, r, w)


def _exp_accurate(x, kk, rh, w):
    """exp(x) for the calls the fast path could not decide, from its kk, r (here rh)
    and w: r as rh + rl, e^r - 1 = rh + (rl + w), and the product by Th split so that
    its main part is exact; relative error below 2^-66 (the proof is at the end of this
    file)."""
    t = x - kk * _L1                      # exact
    u = kk * _L2
    rl = (t - rh) - u                     # rh = fl(t - u): r = rh + rl, see the proof
    j = kk & 255
    Th = _TH[j]
    Tl = _TL[j]
    # (Th + Tl)(1 + p) = Th + Th*hi + [Th*(lo + rl + w) + Tl*(1 + rh + w)], rh = hi + lo,
    # hi = rh rounded to a multiple of 2^-36 (27 bits), so Th*hi is exact (26 + 27 bits)
    hi = (rh + _SPLIT) - _SPLIT
    a = Th * hi
    s = Th + a                            # two-sum: |a| < Th
    lo = ((Th - s) + a) + (Tl + (Th * ((rh - hi) + (rl + w)) + Tl * (rh + w)))
    yh = s + lo                           # yh + yl: e^x / 2^k, relative error < 2^-66
    yl = (s - yh) + lo
    k = kk >> 8
    if -1022 < k < 1024:
        if yh + yl * _TEST_ACCURATE == yh:
            return _ldexp(yh, k)
    else:
        y = _exp_edge(yh, yl, k, _ACCURATE)
        if y is not None:
            return y
    return _exp_slow(x)


_LEAST = bits_to_float(1)                 # 2^-1074, the least subnormal


def _exp_edge(yh, yl, k, margin):
    """exp's last step where 2^k is no normal float's scale, or None if yh + yl is too
    close to a rounding boundary to decide with this margin (2^-6 for the fast path's
    error, 2^-11 for the accurate path's: see the proofs). k = 1024: e^x is near
    overflow. k <= -1022: e^x is subnormal, or in the least normal binade, which has the
    same spacing, 2^-1074: rounding yh * 2^k would round a second time, so the rounding
    is decided here on Y = e^x / 2^-1074 = (yh + yl) * 2^m, m = k + 1074."""
    if k > 0:
        if yh + yl * (1.0 + margin) == yh:   # exact, or inf when yh >= 1: then e^x
            return _ldexp(yh, 1023) * 2.0     # rounds up to 2^1024 at least, beyond MAX
        return None
    scale = _ldexp(1.0, k + 1074)         # 2^m, -2 <= m <= 52 for -745.14 <= x
    A = yh * scale                        # exact, and 0 < A < 2^53
    B = yl * scale
    # n: A rounded to an integer, ties to even, as a float (a float A >= 2^52 is one;
    # below, A + 2^52 lies in [2^52, 2^53), where the floats are the integers)
    n = A if A >= _TWO52 else (A + _TWO52) - _TWO52
    f = (A - n) + B                       # A - n is exact (Sterbenz, or n = 0)
    # Y - n = f within margin / 2: the error relative to Y times Y < 2^53, f's rounding
    # 2^-54, B's at most 2^-1074 (see the proofs). So |f| < 1/2 - margin puts Y within
    # 1/2 of n, and f > 1/2 + margin within 1/2 of n + 1 (|f| <= 1: |B| <= ulp(A)/2 <=
    # 1/2); closer to a midpoint than that, a more exact path decides.
    inside = 0.5 - margin
    if -inside < f < inside:
        return n * _LEAST                 # exact: an integer below 2^53 times 2^-1074
    if f > 0.5 + margin:
        return (n + 1.0) * _LEAST
    if f < -0.5 - margin:
        return (n - 1.0) * _LEAST
    return None


_LN2 = {}


def _exp_slow(x):
    return bits_to_float(_exp_slow_bits(*_parts(x)))


def _exp_slow_bits(M, E):
    """The bit pattern of e^(M * 2**E), in integer fixed point at growing precision until
    the rounding is decided. Integers only: no float operation."""
    P = 32                                # e^x within 2^-62: undecided about 1 time in 700,
                                          # then P = 64 (2^-94) decides all but 1 in 2^40
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


# Note on kf. |x * INV| < 2^18.1, so fl(x * INV) + 1.5 * 2^52 lies in [2^52, 2^53), where
# the floats are the integers: t is fl(x * INV) rounded to an integer, ties to even, as
# round() rounds it, and kf = t - 1.5 * 2^52 is exact (Sterbenz). So kf is
# kk as a float, kf * L1 is kk * L1, and floor(kf) is kk, an int.


# Note on t = x - kk*L1. Both are multiples of g = min(ulp(x), lowest bit of L1) and
# |t| <= |r| + |kk*L2| < 2^-9. If g is L1's lowest bit (2^-42) t needs at most 33 bits. Otherwise
# ulp(x) < 2^-42; for kk != 0, |x| >= ln2/512 > 2^-10, so ulp(x) >= 2^-62 and t needs
# fewer than 53 bits. For kk == 0, t is x. Either way the subtraction is exact.


# Common ground of both bounds. y = e^x/2^k = 2^(j/256) * e^r* with r* = x - kk*ln2/256.
# - |r*| <= rho = ln2/512 * (1 + 2^-33): kk is the integer nearest fl(x * 256/ln2),
#   within 2^-34 of the exact quotient for |x| < 746. So y >= e^-rho > 0.9986.
# - Reduction: t is exact (note above); u = kk*L2 within 2^-78 (|kk| < 2^18.1, L2 < 2^-43.8),
#   and L1 + L2 within 2^-95 of ln2/256: t - u is r* within 2^-76.4.
# - Table: Th + Tl = 2^(j/256) * (1 + d), |d| < 2^-78; Th < 2 has 26 bits, |Tl| < 2^-25.
# - Series: e^r - 1 - (r + r^2/2 + r^3/6 + r^4/24 + r^5/120) <= rho^6/720 * e^rho
#   < 2^-66.66 for |r| <= rho. w = r^2/2 + ... + r^5/120, evaluated as in the code on a
#   float r, is below 2^-20.05 and takes three roundings of 2^-53 relative (the others
#   are 2^-12 smaller): its error is below 2^-71.4.
#
# Proof of the fast path's bound: |Th + lo - y| < 2^-60.39 * y.
# - r = fl(t - u): |t - u| < 2^-9.52, so the rounding errs by at most 2^-63 (half an ulp
#   in [2^-10, 2^-9)); r is r* within 2^-62.99, and e^r is e^r* within 2^-62.99 relative.
# - p = fl(r + w), below 2^-9.51: one more rounding of 2^-63. So p is e^r - 1 within
#   2^-63 + 2^-71.4 + 2^-66.66 < 2^-62.88.
# - lo: Th*p is below 2^-8.52, its rounding at most 2^-62; fl(1 + p) errs by 2^-53 and
#   Tl*(1 + p) by 2^-77, times |Tl| < 2^-25 that is 2^-78 and 2^-77; the sum, below
#   2^-8, one more rounding of 2^-62. So lo = Th*p + Tl*(1 + p) within 2^-60.99, and
#   |lo| < 2^-8.5. Near the ends, yh + yl = Th + lo exactly (Fast2Sum: |lo| < Th).
# - Sum: Th + lo = 2^(j/256)(1 + d)(1 + p) + (lo's error), and 1 + p = e^r* times
#   (1 + 2^-62.99) plus 2^-62.88: relative to y > 0.9986, 2^-60.99 + 2^-62.88 +
#   2^-62.99 + 2^-78, each over 0.9986: below 2^-60.39.
#
# Proof of the accurate path's bound: |yh + yl - y| < 2^-66 * y.
# - rh + rl = t - u exactly when |t| >= |u| (Fast2Sum); otherwise |t - u| < 2^-22.9 and
#   each of the two roundings errs by < 2^-77. So rh + rl is r* within 2^-75.5, and
#   |rl| <= 2^-62.
# - Polynomial: w is computed from rh, not r: the terms lost (r*rl and smaller) are
#   below 2^-71.5, w's own error below 2^-71.4, the series' 2^-66.66. All three are
#   multiplied by Th < 2.
# - Assembly: (rh + _SPLIT) lies in [2^16, 2^17), so hi is rh rounded to a multiple of
#   2^-36: 27 bits, and rh - hi is exact with |rh - hi| <= 2^-37. Th*hi is exact (26 + 27
#   bits); s + ((Th - s) + a) is exactly Th + a (Fast2Sum, |a| < Th). The bracket
#   Th*(lo + rl + w) + Tl*(1 + rh + w), below 2^-18.9, takes six roundings of at most
#   2^-53 times its partial sums (2^-20 ... 2^-18.9; those inside Tl*(rh + w) are 2^-25
#   smaller): below 2^-69.5 in all. yh + yl = s + lo exactly (Fast2Sum, |lo| < s).
# - Sum: 2^-66.66 + 2^-69.5 + 2^-70.4 + 2^-70.5 + 2^-75.5 + 2^-78 < 2^-66.29, relative
#   to e^r * 2^(j/256) > 0.998 * Th >= 0.998: below 2^-66.29.
#
# The fast path's rounding test. y < 1.9973 (2^(255/256) * e^rho), so |Th + lo - y| <
# 2^-59.39. lo + D and lo - D, below 2^-8, are rounded by at most 2^-62 (half an ulp in
# [2^-9, 2^-8)), so Th + fl(lo + D) >= Th + lo + D - 2^-62 > y, as D - 2^-62 = 7 * 2^-62
# > 2^-59.39; likewise Th + fl(lo - D) < y. Rounding to nearest never decreases as its
# argument grows: when fl(Th + fl(lo - D)) == fl(Th + fl(lo + D)) = yh, y rounds to yh
# too, and 2^k * yh, exact for -1022 < k < 1024 (-707.7 < x < 709.78 keeps k there), is
# e^x correctly rounded. The test fails when a midpoint between floats lies in those
# 2D = 2^-58 around y: for about 2^-58 / 2^-52 = 2^-6 of the arguments.
#
# The rounding tests of yh + yl, with margin M (2^-6 near the ends of the normal
# results, 2^-11 on the accurate path).
# yh = fl(yh + yl), so |yl| <= ulp(yh)/2. Let h be the distance from yh to the midpoint
# between yh and its neighbour on yl's side: h >= 2^-54 * yh (the spacing halves only
# below a power of two). fl(yh + fl(yl * (1 + M))) == yh means |yl| * (1 + M) *
# (1 - 2^-53) <= h, so h - |yl| >= h * (1 - 1/((1 + M)(1 - 2^-53))), which is h * 2^-6.02
# for M = 2^-6 and h * 2^-11.001 for M = 2^-11: at least 2^-60.02 * yh and 2^-65.001 *
# yh. The errors are below 2^-60.39 * y and 2^-66.29 * y, and y < yh * (1 + 2^-52): less.
# So y lies inside yh's rounding interval, and 2^k * yh, exact for -1022 < k < 1024, is
# e^x correctly rounded. The fast test fails for about 2^-6 of the arguments, the
# accurate one for about 2^-11 of those; the tests count both.
# In _exp_edge, Y = y * 2^m < 2^53 (y < 2, m <= 52), so the error of (yh + yl) * 2^m is
# below 2^-7.39 (fast) or 2^-13.29 (accurate), and f adds 2^-54 at most: below M / 2.
