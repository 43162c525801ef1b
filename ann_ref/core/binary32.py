"""Binary32 (IEEE-754 single precision) values held in Python floats, and exp32(x): e^x
correctly rounded to binary32 (round to nearest, ties to even).

Python has no binary32 type, but a binary64 float holds every binary32 value exactly:
round32 rounds a float to the nearest binary32, and the bit helpers give its 32-bit
pattern, written as 8 lowercase hex digits (every NaN as the canonical 7fc00000).

exp32 rounds once. A binary32 argument never has e^x within 2^-28.67 ULP of a binary32
rounding midpoint (tools/exp32_screen.c tries every one of them; the record is at the
end of this file), so an approximation of e^x that is closer than that rounds to the
right binary32 value: no rounding test, no second path. Even rounded to binary64 on the
way, an approximation within 2^-30.52 ULP is close enough. Here it is exp's reduction
and table (exponential.py) with a polynomial of degree 4, about 25 float operations,
and the binary64 sum is rounded to binary32 by adding and subtracting a power of two
(the proofs are at the end): it costs what exp costs (benchmarks/bench_exp32.py).
exp32_bits(n) does the same on bit patterns in integers only, for platforms whose
float is not binary64: e^x correctly rounded to binary64 (exponential.exp_bits),
rounded again to binary32, which the same record proves correct.
"""
import math
import struct
from array import array

from .bits import binary64
from . import exponential
from .exponential import INF, exp_bits
from .numbers import real, too_large

CANONICAL_NAN32 = 0x7FC00000
INF32_BITS = 0x7F800000
ONE32_BITS = 0x3F800000

try:
    _FLOAT32, _WORD32 = struct.Struct("<f"), struct.Struct("<I")
    _pack32, _unpack32 = _FLOAT32.pack, _FLOAT32.unpack
    _pack_word, _unpack_word = _WORD32.pack, _WORD32.unpack
except AttributeError:                    # MicroPython's struct has no Struct
    def _pack32(v):
        return struct.pack("<f", v)

    def _unpack32(b):
        return struct.unpack("<f", b)

    def _pack_word(n):
        return struct.pack("<I", n)

    def _unpack_word(b):
        return struct.unpack("<I", b)


# --- rounding to binary32 and bit patterns -------------------------------------------

def round32(v):
    """The binary32 value nearest to the float v, ties to even, as a float: subnormals
    kept, ±inf from halfway between the largest binary32 and 2^128 on, NaN as NaN.

    struct's "f" converts with a C cast (one IEEE rounding), but CPython refuses a finite
    v whose rounding overflows (OverflowError) where the cast gives inf; array("f")
    casts without refusing, but making one costs more (benchmarks/bench_exp32.py)."""
    try:
        return _unpack32(_pack32(v))[0]
    except OverflowError:                 # CPython only: the cast would give ±inf
        return INF if v > 0.0 else -INF


def round32_list(values):
    """[round32(v) for v in values], for a list or any iterable of floats, four times as
    fast: array("f") rounds them all with a C cast, never refusing an overflow."""
    return list(array("f", values))


def float_to_bits32(v):
    """The 32-bit pattern of round32(v): v's own when v holds a binary32 value."""
    try:
        return _unpack_word(_pack32(v))[0]
    except OverflowError:
        return INF32_BITS if v > 0.0 else INF32_BITS | 0x80000000


def bits32_to_float(n):
    """The binary32 value whose bit pattern is the integer n, as a float."""
    return _unpack32(_pack_word(n))[0]


def hex_bits32(v):
    """The 8-hex-digit bit pattern of round32(v); every NaN is 7fc00000."""
    if v != v:
        return "7fc00000"
    return "%08x" % float_to_bits32(v)


def from_hex32(h):
    """The binary32 value whose bit pattern is the 8-hex-digit string h, as a float."""
    return bits32_to_float(int(h, 16))


# --- exp32 --------------------------------------------------------------------------

X_MAX_BITS = 0x42B17217                   # 88.72283: the largest x with e^x finite
X_MIN_BITS = 0xC2CFF1B4                   # -103.97208: the least x with e^x not 0
_X_MAX = bits32_to_float(X_MAX_BITS)
_X_MIN = bits32_to_float(X_MIN_BITS)
_C3 = 1.0 / 6
_C4 = 1.0 / 24
_SHIFT23 = math.ldexp(1.5, 29)           # (y + _SHIFT23) - _SHIFT23: y to a multiple of 2^-23
_SHIFT24 = math.ldexp(1.5, 28)           # the same to a multiple of 2^-24
_SHIFT149 = math.ldexp(1.5, -97)         # the same to a multiple of 2^-149
_SPLIT = 536870913.0                      # 2^29 + 1: h - (h - x) is x rounded to 24 bits
_ldexp = math.ldexp
# exp's reduction constants and table (exponential.py), taken from it on exp32's first
# call: exponential makes them only when one of the float exps needs them
_INV = _L1 = _L2 = _TH = _TL = None


def _load_tables():
    global _INV, _L1, _L2, _TH, _TL
    if exponential._TH is None:
        exponential._load_tables()
    _INV, _L1, _L2, _TH, _TL = (exponential._INV, exponential._L1, exponential._L2,
                                exponential._TH, exponential._TL)


def exp32(x):
    """e^x correctly rounded to binary32, as a float. x is first taken as a binary32
    (round32: itself when it is one, as a float32 program holds it); an int is taken
    as the nearest binary64 first (one beyond binary64 gives inf or 0.0), anything else
    (bool included) is a TypeError. exp32(inf) = inf, exp32(-inf) = 0.0, NaN gives NaN;
    x > 88.72283 (42b17217) gives inf, x < -103.97208 (c2cff1b4) 0.0, and e^x below
    2^-126 a subnormal."""
    if type(x) is not float:
        if type(x) is int and too_large(x):
            return INF if x > 0 else 0.0
        x = real("x", x)
    if -104.0 < x < 89.0:                 # also not NaN
        h = x * _SPLIT                    # h - (h - x) is x to 24 bits (Veltkamp)
        if h - (h - x) != x:              # x is no binary32 value: round it
            x = _unpack32(_pack32(x))[0]
        if _X_MIN <= x <= _X_MAX:
            if _TH is None:
                _load_tables()
            # x = kk*ln2/256 + r, kk = 256k + j, |r| <= ln2/512: e^x = 2^k * 2^(j/256) * e^r
            kk = round(x * _INV)
            r = (x - kk * _L1) - kk * _L2           # exact x - kk*L1: exponential.py
            p = r + r * r * (0.5 + r * (_C3 + r * _C4))  # e^r - 1, degree 4
            j = kk & 255
            Th = _TH[j]
            y = Th + (Th * p + _TL[j] * (1.0 + p))  # e^x / 2^k: 2^-30.52 ULP, rounded
            k = kk >> 8
            if k > -126:                  # a normal result: y's rounding is exact to scale
                if y < 1.0:
                    return _ldexp((y + _SHIFT24) - _SHIFT24, k)
                return _ldexp((y + _SHIFT23) - _SHIFT23, k)
            return (_ldexp(y, k) + _SHIFT149) - _SHIFT149  # spacing 2^-149 below 2^-125
    if x != x:
        return x
    return INF if x > 0.0 else 0.0        # beyond X_MAX or below X_MIN


def _widen(n):
    """The binary64 bit pattern of the normal binary32 whose pattern is n."""
    exponent = ((n >> 23) & 0xFF) + 896   # rebiased: 1023 - 127
    return ((n >> 31) << 63) | (exponent << 52) | ((n & 0x7FFFFF) << 29)


def _narrow(m):
    """The binary32 bit pattern of the binary64 with the positive pattern m rounded to
    binary32, ties to even; subnormals and overflow to inf included. Integers only."""
    e = (m >> 52) & 0x7FF
    N = (m & 0xFFFFFFFFFFFFF) | 0x10000000000000   # m = N * 2^(e - 1075), e > 0 here
    q = max(e - 1046, -149)               # the binary32 spacing there is 2^q
    shift = q - e + 1075                  # at least 29
    kept = N >> shift
    rest = N - (kept << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and kept & 1):
        kept += 1
    n = ((q + 149) << 23) + kept          # exponent field and fraction at once; a carry
    return n if n < INF32_BITS else INF32_BITS   # into a 25th bit raises the exponent


def exp32_bits(n):
    """The bit pattern of e^x correctly rounded to binary32, x the binary32 whose bit
    pattern is the integer n (0 <= n < 2**32); NaN gives 7fc00000. Python integers only,
    no float operation: exp32 where the platform's float is not binary64. Gives the bits
    of exp32() for every argument."""
    if not 0 <= n < 0x100000000:
        raise ValueError("exp32_bits() takes a 32-bit pattern, 0 <= n < 2**32")
    if n & 0x7FFFFFFF > INF32_BITS:       # NaN
        return CANONICAL_NAN32
    if n >> 31:
        if n > X_MIN_BITS:                # below X_MIN, -inf included
            return 0
    elif n > X_MAX_BITS:                  # beyond X_MAX, inf included
        return INF32_BITS
    if n & 0x7FFFFFFF < 0x33000000:       # |x| < 2^-25: e^x rounds to 1 (see the proofs)
        return ONE32_BITS
    return _narrow(exp_bits(_widen(n)))


if not binary64():
    def exp32(x):                         # noqa: F811 (where float is binary32)
        """e^x correctly rounded to binary32, on a platform whose float is not binary64
        (most MicroPython boards): computed by exp32_bits on x's bit pattern."""
        if type(x) is not float:
            if type(x) is int and too_large(x):
                return INF if x > 0 else 0.0
            x = real("x", x)
        return bits32_to_float(exp32_bits(float_to_bits32(x)))


# The record. tools/exp32_screen.c takes every binary32 x with 2^-27 <= |x| and e^x below
# 2^128 (562,298,882 arguments: 559,947,368 with a normal result, 2,315,185 with a
# subnormal or zero one), computes e^x in binary128 (libquadmath's expq) and its
# distance D(x) to the nearest binary32 midpoint, in units U of the binary32 spacing at
# e^x (2^(e-23) for 2^e <= e^x < 2^(e+1), e >= -126; 2^-149 below 2^-126, where the
# midpoints run down to 2^-150). Every distance is computed again from glibc's expl
# (64 bits, other code): the two agree within 2^-40.1 ULP everywhere. It found:
# - the closest: x = c16912cd (-14.56709), D = 2^-28.6606, e^x above the midpoint (it
#   rounds up to 34fd331b); also the closest relative to the midpoint, 2^-52.64;
# - with a subnormal result: c2b2e798 (-89.45233), D = 2^-27.697;
# - D below 2^-25 for 34 arguments (one with a subnormal result), below 2^-26 for 20,
#   2^-27 for 6, 2^-28 for 1 (c16912cd), 2^-29 for none;
# - the boundaries: e^x rounds to a finite binary32 up to 42b17217 (X_MAX), to inf from
#   42b17218 on; to a nonzero one down to c2cff1b4 (X_MIN), to 0 from c2cff1b5 on; to
#   a subnormal from c2aeac50 (-87.33655) down; to 1 for b3000001 < x < 33800000, that
#   is -2^-25 <= x < 2^-24.
# For |x| < 2^-26 no screen is needed: 1 - 2^-26 < e^x < 1 + 2^-25, at least 2^-26 from
# the midpoints 1 - 2^-25 (U = 2^-24 below 1) and 1 + 2^-24 (U = 2^-23): D > 1/4.
# The screen takes 9.5 minutes of CPU time. tests/test_exp32.py checks its 34 closest
# arguments, their distances and results, and the boundaries with decimal; with -m slow
# it compares exp32 with (float)expl(x), correct by the screen, on every 61st of these
# arguments (ANN_REF_EXP32_STRIDE=1: on all of them, in tens of minutes).
#
# (*) So for every binary32 x with X_MIN <= x <= X_MAX, every binary32 midpoint lies
# more than 2^-28.67 U from e^x: those of e^x's binade by the record, those below it at
# least U/4 away (the last is 2^e - U/4), those above it at least U away.
#
# Lemma. Let V be a real number with |V - e^x| <= 2^-30.52 U, and v its rounding to
# binary64, to nearest. Then v and e^x are strictly on the same side of every binary32
# midpoint m, so v rounds to binary32 as e^x does. Proof: V is on e^x's side of m, by
# more than (2^-28.67 - 2^-30.52) U > 2^-29.14 U. m is a binary64 value (25 significant
# bits, 2^-150 at least), so rounding V cannot carry it past m; v = m would need V within
# half the binary64 spacing at m of m: 2^-30 times the binary32 spacing at m (binary64
# has 29 more bits; below 2^-126 the binary64 spacing is at most 2^-179, less than
# 2^-30 * 2^-149), so at most 2^-30 U for every m up to the top of e^x's binade.
# Midpoints above it lie more than U above e^x, beyond reach.
#
# exp32's approximation: e^x = 2^k * y', y' = 2^(j/256) * e^r*, r* = x - kk*ln2/256.
# - Reduction: |x| < 104, so |x * 256/ln2| < 38411 < 2^15.23 and fl(x * _INV) is within
#   2^-36.1 of it: kk is the integer nearest to x * 256/ln2 within 1/2 + 2^-36, and
#   |r*| <= rho = ln2/512 * (1 + 2^-34) < 2^-9.5287. x - kk*L1 is exact (the note in
#   exponential.py); kk*L2 is within 2^-82 (|kk*L2| < 2^-28.5) and L1 + L2 within 2^-95
#   of ln2/256; the subtraction, below 2^-9.52, rounds by at most 2^-63: r is r* within
#   2^-62.99.
# - Polynomial: e^r - 1 - (r + r^2/2 + r^3/6 + r^4/24) is the sum of r^n/n! for n >= 5,
#   below 2^-54.550 for |r| <= rho. w = r*r*(0.5 + r*(C3 + r*C4)), below 2^-20.05, takes
#   three roundings of 2^-53 relative (r*r, 0.5 + ..., the product; the others, and
#   those of 1/6 and 1/24, are 2^-12 smaller): within 2^-71.4. p = fl(r + w), below
#   2^-9.52, rounds by 2^-63. So p is e^r* - 1 within 2^-54.542 (e^r is e^r* within
#   1.0014 * 2^-62.99).
# - Table (exponential.py): Th + Tl = 2^(j/256) * (1 + d), |d| < 2^-78, Th < 2 of 26
#   bits, |Tl| < 2^-25.
# - lo = Th*p + Tl*(1 + p): Th*p is below 2^-8.52 and rounds by 2^-62; fl(1 + p) errs by
#   2^-53 and Tl*(1 + p) rounds by 2^-78, each times or below |Tl| < 2^-25: 2^-78 and
#   2^-78; the sum, below 2^-8, rounds by 2^-62. lo is within 2^-60.99 of its exact value.
# - So V' = Th + lo, the exact sum before its rounding to y, is (Th + Tl)(1 + p) within
#   2^-60.99, and (Th + Tl)(1 + p) is y' (1 + d)(1 + (p - (e^r* - 1))/e^r*): relative
#   to y' >= 2^(j/256) * e^-rho >= 0.99864, |V' - y'| < (2^-54.542 + 2^-60.99) / 0.99864
#   + 2^-78 * 1.0014 / 0.99864 < 2^-54.52 y'.
# - e^x < 2^24 U (2^(e+1) = 2^24 * 2^(e-23); below 2^-126, 2^23 * 2^-149), so V = V' * 2^k
#   is e^x within 2^-30.52 U, and y * 2^k, its rounding to binary64 (scaling by 2^k is
#   exact), is what the lemma needs: y * 2^k rounds to binary32 as e^x does.
# - Its rounding. y lies in [0.99864, 1.99730] (2^(j/256) * e^(+-rho) and the errors
#   above). For k > -126 the result is normal: y * 2^k has the binary32 spacing
#   2^(k-23) for y >= 1 and 2^(k-24) for y < 1 (k - 1 >= -126). y + 1.5*2^29 lies in
#   [2^29, 2^30), where the binary64 spacing is 2^-23, so the addition rounds y to a
#   multiple of 2^-23, to nearest, ties to even (1.5*2^29 is an even multiple of 2^-23),
#   and subtracting 1.5*2^29 again is exact (Sterbenz); the same with 1.5*2^28 and 2^-24
#   for y in [0.5, 1). Scaling by 2^k is exact: 2^k times that is y * 2^k rounded to
#   binary32, a binary32 up to 2^128 - 2^104 since x <= X_MAX. For k <= -126, v = y * 2^k
#   is a normal binary64 (exact) below 2^-125, where the binary32 spacing is 2^-149
#   (subnormal, or the least normal binade): v + 1.5*2^-97 lies in [2^-97, 2^-96), whose
#   binary64 spacing is 2^-149, and rounds v there the same way.
#   Between X_MIN and X_MAX every result is finite and nonzero, so no other case arises.
# - Its argument. h - (h - x), h = fl(x * (2^29 + 1)), is x rounded to nearest to 24
#   significant bits (Veltkamp's splitting, exact in binary64 for |x| < 104): it is x
#   itself exactly when x has at most 24 significant bits, that is, for 2^-126 <= |x|,
#   when x is a binary32 value; otherwise x is rounded by struct (a C cast). Below 2^-126
#   a float of 24 bits that is no binary32 value stays as it is; e^x rounds to 1 for it
#   as for its rounding (every real |x| < 2^-26 has D > 1/4, and the bounds above hold
#   for every float x of the range).
#
# exp32_bits: exp_bits gives e^x correctly rounded to binary64, within half a binary64
# spacing of e^x, which is at most 2^-30 U: the lemma holds with V = e^x. _narrow then
# rounds that binary64 to binary32 exactly, in integers. |x| < 2^-25 gives 1 at once
# (the record's boundaries), and the thresholds X_MIN and X_MAX are the record's.
