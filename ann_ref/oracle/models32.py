"""The models of a float32 backend's step, for the binary32 contract (docs/SPEC.md §10):
the contract itself on binary32 numbers (core/single.py's Singles), and what float32
code computes instead — each the core's step with some of its named parts replaced, as
models.py does for binary64, or its numbers replaced (flush-to-zero; binary64 arithmetic
rounded to binary32 only when stored).

The parts here compute on Singles: their constants are the numbers' own (A.one, a
Single 0.0), never float literals, and what float32 code rounds another way — fmaf, a
binary64 accumulator, bfloat16 or TF32 operands, ARM's expf — is computed exactly and
rounded where that code rounds. Every model gives the same bits on every machine.
"""
import math
import struct
from fractions import Fraction

from ..core.arithmetic import BINARY64, Arithmetic
from ..core.binary32 import (CANONICAL_NAN32, bits32_to_float, exp32, float_to_bits32,
                             round32)
from ..core.model import PARTS
from ..core.single import BINARY32, Single
from . import sums
from .causes import ORDER
from .findings import Family, _next_state
from .models import Model, update_with

INF = float("inf")


class Model32(Model):
    """A model of a float32 backend: the core's step on Singles (the contract's numbers,
    so not a replaced arithmetic), some parts replaced; or on other numbers."""

    def __init__(self, cause, detail, does, parts=None, arithmetic=None):
        Model.__init__(self, cause, detail, does, parts, arithmetic)
        if arithmetic is None:
            self.A = BINARY32


def _value32(n):
    return bits32_to_float(n)


def S(v):
    return Single(v)


def f32(v):
    return round32(v)


# --- exact operations of float32 code --------------------------------------------------------

def _rounded32(q):
    """The binary32 nearest to the nonzero rational q, ties to even (±inf beyond)."""
    negative, q = q < 0, abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if q < Fraction(2) ** e:
        e -= 1
    quantum = Fraction(2) ** max(e - 23, -149)
    n, rest = divmod(q, quantum)
    rest = rest / quantum
    n = int(n)
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n & 1):
        n += 1
    v = float(n * quantum) if n * quantum < 2 ** 128 else INF
    return -v if negative else v


def fmaf(p, q, r):
    """p·q + r rounded once to binary32, with IEEE-754's signs of zero."""
    if not all(-INF < v < INF for v in (p, q, r)):
        return f32(p * q + r)
    exact = Fraction(p) * Fraction(q) + Fraction(r)
    if exact == 0:
        if p != 0 and q != 0:
            return 0.0
        negative = (math.copysign(1.0, p) * math.copysign(1.0, q) < 0)
        return -0.0 if negative and math.copysign(1.0, r) < 0 else 0.0
    v = _rounded32(exact)
    return v if v else math.copysign(0.0, float(exact))


def _precision(v, bits):
    """The binary32 v rounded to `bits` significant bits (bfloat16: 8, TF32: 11), ties
    to even, binary32's exponent range."""
    if v == 0 or not -INF < v < INF:
        return v
    m, e = math.frexp(v)                   # v = m·2^e, 0.5 <= |m| < 1
    quantum = max(e - bits, -133)
    n = Fraction(v) / Fraction(2) ** quantum
    whole = math.floor(n)
    rest = n - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole & 1):
        whole += 1
    return math.ldexp(whole, quantum) if whole else math.copysign(0.0, v)


# ARM's optimized-routines expf, as glibc (2.28 and later) and musl build it: x·32/ln2 =
# k + r, a table of 2^(i/32), a cubic in r, all in binary64, rounded to binary32 at the
# end (musl's src/math/expf.c and exp2f_data.c, glibc's sysdeps/ieee754/flt-32/e_expf.c)
_EXP2F = [0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
          0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
          0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
          0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
          0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
          0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
          0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
          0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540]
_N = 32
_INVLN2N = float.fromhex("0x1.71547652b82fep+0") * _N
_SHIFT = float.fromhex("0x1.8p+52")
_POLY = (float.fromhex("0x1.c6af84b912394p-5") / _N / _N / _N,
         float.fromhex("0x1.ebfce50fac4f3p-3") / _N / _N,
         float.fromhex("0x1.62e42ff0c52d6p-1") / _N)


def expf_arm(x):
    """expf(x) as ARM's code computes it, for a binary32 x."""
    if x != x:
        return x
    if x > float.fromhex("0x1.62e42ep6"):
        return INF
    if x < -float.fromhex("0x1.9fe368p6"):
        return 0.0
    z = _INVLN2N * x
    kd = z + _SHIFT
    ki = struct.unpack("<Q", struct.pack("<d", kd))[0]
    kd -= _SHIFT
    r = z - kd
    t = (_EXP2F[ki % _N] + (ki << (52 - 5))) % 2 ** 64
    s = struct.unpack("<d", struct.pack("<Q", t))[0]
    c0, c1, c2 = _POLY
    y = (c0 * r + c1) * (r * r) + (c2 * r + 1.0)
    return f32(y * s)


def _f(n):
    return bits32_to_float(n)


def _scaled(v, k):
    """v·2^k rounded to binary32 (v a binary32, k an int): exact but where the result is
    subnormal or beyond the range."""
    if v == 0 or not -INF < v < INF:
        return v
    return _rounded32(Fraction(v) * Fraction(2) ** k)


# NumPy's float32 np.exp on AVX2 and AVX-512 (simd_exp_FLOAT in numpy/_core/src/umath/
# loops_exponent_log.dispatch.c.src; constants of npy_simd_data.h): Cody-Waite reduction
# by ln 2 in two parts, a rational approximation P5/Q2 by fmaf, binary32 throughout
_NP_C1, _NP_C2 = _f(0xBF317200), _f(0xB5BFBE8E)
_NP_MAGIC, _NP_LOG2E = _f(0x4B400000), _f(0x3FB8AA3B)
_NP_P = [_f(n) for n in (0x3F800000, 0x3F39CBD5, 0x3E7D4C58, 0x3D517D8C, 0x3BDD7159,
                         0x3A053DD8)]
_NP_Q = [_f(n) for n in (0x3F800000, 0xBE8C6857, 0x3CB0E832)]
_NP_MAX, _NP_MIN = _f(0x42B17218), _f(0xC2CFF1B5)


def exp_numpy(x):
    """np.exp(x) for a float32 x, operation for operation."""
    if x != x:
        return x
    if x >= _NP_MAX:
        return INF
    if x <= _NP_MIN:
        return 0.0
    q = f32(x * _NP_LOG2E)
    q = f32(f32(q + _NP_MAGIC) - _NP_MAGIC)             # rint, ties to even
    r = fmaf(q, _NP_C2, fmaf(q, _NP_C1, x))
    num = _NP_P[5]
    for c in (_NP_P[4], _NP_P[3], _NP_P[2], _NP_P[1], _NP_P[0]):
        num = fmaf(num, r, c)
    den = fmaf(fmaf(_NP_Q[2], r, _NP_Q[1]), r, _NP_Q[0])
    return _scaled(f32(num / den), int(q))              # _mm512_scalef_ps


# SLEEF's expf_u10 (xexpf of sleefsimdsp.c, with FMA), which PyTorch's vectorised CPU
# kernels call: torch.sigmoid is 1 / (1 + expf_u10(−z)) in float32
_SL_L2U, _SL_L2L = f32(0.693145751953125), f32(1.428606765330187045e-06)
_SL_RLN2 = f32(1.442695040888963407359924681001892137)
_SL_C = [f32(v) for v in (0.000198527617612853646278381, 0.00139304355252534151077271,
                          0.00833336077630519866943359, 0.0416664853692054748535156,
                          0.166666671633720397949219, 0.5)]


def exp_sleef(d):
    """SLEEF's expf_u10(d) for a float32 d, operation for operation."""
    if d != d:
        return d
    if d < -104.0:
        return 0.0
    if d > 100.0:
        return INF
    q = round(f32(d * _SL_RLN2))                         # rint, ties to even
    s = fmaf(q, -_SL_L2L, fmaf(q, -_SL_L2U, d))
    u = _SL_C[0]
    for c in _SL_C[1:]:
        u = fmaf(u, s, c)
    u = f32(1.0 + fmaf(f32(s * s), u, s))
    half = q >> 1                                         # vldexp2: two scalings
    return _scaled(_scaled(u, half), q - half)


# --- sums and dot products of Singles ----------------------------------------------------------

def from_zero(terms):
    total = S(0.0)
    for t in terms:
        total = total + t
    return total


def numpy_pairwise(terms):
    """NumPy's pairwise_sum for float32: sums.numpy_pairwise on Singles."""
    return sums.numpy_pairwise(terms, S(-0.0))


def numpy_sum(terms):
    """np.sum of a float32 row: +0.0 plus the pairwise sum."""
    return S(0.0) + numpy_pairwise(terms)


def fma_chain(pairs, start=None):
    """Σ u·v with every product fused into the running sum by fmaf (from the first
    product, rounded, or from `start`, 0.0 for a BLAS kernel)."""
    if start is None:
        total = (pairs[0][0] * pairs[0][1]).v
        pairs = pairs[1:]
    else:
        total = start
    for u, v in pairs:
        total = fmaf(u.v, v.v, total)
    return S(total)


def sgemm(pairs):
    """One entry of a BLAS sgemm: one accumulator from 0.0, every product fused in."""
    return fma_chain(pairs, 0.0)


def lanes(count):
    """A vectorised sdot: `count` accumulators from 0.0, each fed by fmaf with every
    count-th product, added lane after lane; the products left over fused in after."""
    def dot(pairs):
        acc = [0.0] * count
        n = len(pairs) - len(pairs) % count
        for i in range(n):
            u, v = pairs[i]
            acc[i % count] = fmaf(u.v, v.v, acc[i % count])
        total = S(acc[0])
        for a in acc[1:]:
            total = total + S(a)
        for u, v in pairs[n:]:
            total = S(fmaf(u.v, v.v, total.v))
        return total
    return dot


def wide(pairs):
    """Σ u·v in a binary64 accumulator from the first product (exact: 48 bits),
    rounded to binary32 once."""
    total = pairs[0][0].v * pairs[0][1].v
    for u, v in pairs[1:]:
        total = total + u.v * v.v
    return S(f32(total))


def wide_sum(terms):
    total = terms[0].v
    for t in terms[1:]:
        total = total + t.v
    return S(f32(total))


def narrow(bits):
    """Σ u·v of operands rounded to `bits` significant bits (their products exact in
    binary32), summed in binary32 from the first."""
    def dot(pairs):
        p = [S(_precision(u.v, bits) * _precision(v.v, bits)) for u, v in pairs]
        return sums.left_to_right(p)
    return dot


def rounded_products(reduce):
    return lambda pairs: reduce([u * v for u, v in pairs])


# --- the parts --------------------------------------------------------------------------------

def z_dot(dot, b_first=False, b_wide=False):
    """z whose Σ_f W[f][o]·x[f][j] is dot(pairs), then + b (or b the first term, or the
    sum and b both in the binary64 accumulator)."""
    def z(A, W, b, x):
        F, S_ = len(x), len(x[0])
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(S_):
                pairs = [(W[f][o], x[f][j]) for f in range(F)]
                if b_first:
                    row.append(sums.left_to_right([b] + [u * v for u, v in pairs]))
                elif b_wide:
                    total = pairs[0][0].v * pairs[0][1].v
                    for u, v in pairs[1:]:
                        total = total + u.v * v.v
                    row.append(S(f32(total + b.v)))
                else:
                    row.append(dot(pairs) + b)
            out.append(row)
        return out
    return z


def dW_dot(dot, mean=None):
    def dW(A, x, e, m):
        return [[(mean or _divide)(dot(list(zip(xf, eo))), m) for eo in e] for xf in x]
    return dW


def db_sum(reduce, mean=None, column_major=False):
    def db(A, e, m, shared):
        if column_major:
            terms = [e[o][j] for j in range(len(e[0])) for o in range(len(e))]
        else:
            terms = [v for row in e for v in row]
        return (mean or _divide)(reduce(terms), m)
    return db


def _divide(total, m):
    return total / m


def _reciprocal(total, m):
    return total * (S(1.0) / m)


def t_with(f):
    return lambda A, z: [[S(f(-v.v)) for v in row] for row in z]


def s_exp_ratio(A, z, t):
    """exp(z) / (1 + exp(z)) everywhere (inf / inf is NaN where exp(z) overflows)."""
    one = A.one
    return [[u / (one + u) for u in [A.exp(v) for v in row]] for row in z]


def s_split(A, z, t):
    """The 'numerically stable' split: 1 / (1 + exp(−z)) for z ≥ 0, exp(z) / (1 +
    exp(z)) below."""
    one = A.one
    out = []
    for rz, rt in zip(z, t):
        row = []
        for v, u in zip(rz, rt):
            if v.v >= 0 or v.v != v.v:
                row.append(one / (one + u))
            else:
                w = A.exp(v)
                row.append(w / (one + w))
        out.append(row)
    return out


def y_pred_strict(A, s):
    return [[A.one if v.v > 0.5 else A.zero for v in row] for row in s]


def _integral(v):
    return -INF < v < INF and v == int(v)


def e_integer(A, u, y):
    """e = y_pred − y in integers where both are integral (the article's int64)."""
    if not all(_integral(v.v) for row in u + y for v in row):
        return PARTS["e"](A, u, y)
    return [[int(p.v) - int(q.v) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]


def _as_single(v):
    return v if isinstance(v, Single) else S(float(v))


def dW_integer(A, x, e, m):
    """x·eᵀ in integers where x and e are integral, converted to binary32 at the
    division; else as the contract."""
    if not (all(_integral(v.v) for row in x for v in row) and
            all(type(v) is int for row in e for v in row)):
        return PARTS["dW"](A, x, [[_as_single(v) for v in row] for row in e], m)
    out = []
    for xf in x:
        row = []
        for eo in e:
            total = 0
            for p, q in zip(xf, eo):
                total += int(p.v) * q
            row.append(S(f32(float(total))) / m)
        out.append(row)
    return out


def db_integer(A, e, m, shared):
    values = [v for row in e for v in row]
    if all(type(v) is int for v in values):
        total = 0
        for v in values:
            total += v
        return S(f32(float(total))) / m
    return PARTS["db"](A, [[_as_single(v) for v in row] for row in e], m, shared)


def update_fused(A, P, a, dP):
    def one(p, d):
        return S(fmaf(-a.v, d.v, p.v))
    if type(P) is list:
        return [[one(p, d) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
    return one(P, dP)


def reassociated(style):
    """dW and db undivided, and an update that divides its own way: Σ·(a/m) ("a/m"),
    (a·Σ)/m ("a·Σ"), or one fmaf W − Σ·(a/m) ("fused"); m kept from the dW part."""
    box = {}

    def dW(A, x, e, m):
        box["m"] = m
        return [[rounded_products(sums.left_to_right)(list(zip(xf, eo))) for eo in e]
                for xf in x]

    def db(A, e, m, shared):
        return sums.left_to_right([v for row in e for v in row])

    def new_weight(w, a, total):
        m = box["m"]
        if style == "a/m":
            return w - total * (a / m)
        if style == "a·Σ":
            return w - a * total / m
        return S(fmaf(-total.v, (a / m).v, w.v))
    return {"dW": dW, "db": db, "update": update_with(new_weight)}


# --- other numbers ------------------------------------------------------------------------------

class Flushed(Single):
    """A binary32 whose every result below 2^-126 is a zero of its sign (FTZ)."""
    __slots__ = ()

    def __init__(self, v):
        self.v = math.copysign(0.0, v) if v != 0 and -2.0 ** -126 < v < 2.0 ** -126 else v

    def __add__(self, o):
        return type(self)(f32(self.v + o.v))

    def __sub__(self, o):
        return type(self)(f32(self.v - o.v))

    def __mul__(self, o):
        return type(self)(f32(self.v * o.v))

    def __truediv__(self, o):
        return type(self)((Single(self.v) / Single(o.v)).v)

    def __neg__(self):
        return type(self)(-self.v)

    def __eq__(self, o):
        return isinstance(o, Single) and self.v == o.v


def _bits32(n):
    v = n.v if not isinstance(n, float) else n
    return CANONICAL_NAN32 if v != v else float_to_bits32(v)


FLUSHED = Arithmetic("binary32, subnormals flushed", Flushed,
                     lambda n: Flushed(exp32(n.v)), lambda v: Flushed(f32(float(v))),
                     lambda n: Flushed(bits32_to_float(n)), _bits32, format="binary32")
# binary64 arithmetic on the binary32 values, rounded to binary32 only when the state is
# read (the bits of a state are its binary32 rounding)
WIDENED = Arithmetic("binary64, rounded to binary32 when stored", float, BINARY64.exp,
                     lambda v: f32(float(v)), bits32_to_float, _bits32, format="binary32")


def _decimal64(v):
    """The binary64 a float64 program reads from the decimal a file writes for the
    binary32 v (the shortest that reads back as v, rounded straight to binary32)."""
    from ..formats.writer import json_decimal
    return float(json_decimal(f32(float(v)), "binary32"))


# the same from the scenario's decimals read as binary64: a whole run in binary64, whose
# states are rounded only when written; from the decimals of a state it gives the
# backend's next state where that state was read from the file (iteration 1)
DECIMALS = Arithmetic("binary64 from the decimals", float, BINARY64.exp, _decimal64,
                      bits32_to_float, _bits32, format="binary32")


# --- the models -------------------------------------------------------------------------------

def _m(cause, detail, does, **parts):
    return Model32(cause, detail, does, parts)


FMA_PARTS = {"z": z_dot(fma_chain), "dW": dW_dot(fma_chain), "update": update_fused}
MODELS = [
    _m("exp", "expf", "exp is glibc's or musl's expf (ARM's optimized-routines: binary64 "
       "evaluation rounded to binary32)", t=t_with(expf_arm)),
    _m("exp", "numpy", "exp is NumPy's float32 np.exp (its SIMD code on AVX2 and AVX-512: "
       "a rational approximation in float32)", t=t_with(exp_numpy)),
    _m("exp", "sleef", "exp is SLEEF's expf_u10, as PyTorch's vectorised kernels call it "
       "(torch.sigmoid is 1 / (1 + expf_u10(−z)))", t=t_with(exp_sleef)),
    _m("bias-first", "", "b is added first, b + Wᵀx", z=z_dot(None, b_first=True)),
    _m("threshold-strict", "", "y_pred is 1 only where s > 0.5", y_pred=y_pred_strict),
    Model32("integer-error", "", "the error e is kept in integers (y_pred and y int64, as "
            "the article's NumPy code), which gives +0.0 where the spec gives −0.0",
            {"e": e_integer, "dW": dW_integer, "db": db_integer}),
    Model32("sum-from-zero", "", "the sums start from 0.0, which turns a sum of −0.0 "
            "terms into +0.0", {"z": z_dot(rounded_products(from_zero)),
                                "dW": dW_dot(rounded_products(from_zero)),
                                "db": db_sum(from_zero)}),
    _m("fma", "z", "z is summed with fmaf (a compiler contracting a·b + c)",
       z=z_dot(fma_chain)),
    _m("fma", "dW", "dW is summed with fmaf (a compiler contracting a·b + c)",
       dW=dW_dot(fma_chain)),
    _m("fused-update", "", "the update W − a·dW is one fmaf", update=update_fused),
    Model32("fma+fused-update", "fma:z+fma:dW+fused-update", "every a·b + c is contracted "
            "into fmaf: in z, in dW and in the update", FMA_PARTS),
    _m("sum-order", "dW-reverse", "dW is summed from the last sample to the first",
       dW=dW_dot(rounded_products(sums.reverse))),
    _m("sum-order", "dW-numpy", "dW is summed as NumPy sums `(x * e).sum(axis=1)` in "
       "float32: pairwise, from +0.0", dW=dW_dot(rounded_products(numpy_sum))),
    _m("sum-order", "dW-halves", "dW is summed pairwise by halves",
       dW=dW_dot(rounded_products(sums.halves))),
    Model32("sum-order", "numpy", "dW and db are summed as NumPy sums in float32",
            {"dW": dW_dot(rounded_products(numpy_sum)), "db": db_sum(numpy_sum)}),
    _m("sum-order", "db-numpy", "db is summed with np.sum in float32 (pairwise, from +0.0)",
       db=db_sum(numpy_sum)),
    _m("sum-order", "db-halves", "db is summed pairwise by halves", db=db_sum(sums.halves)),
    _m("sum-order", "db-column-major", "db sums e column by column (sample by sample)",
       db=db_sum(sums.left_to_right, column_major=True)),
    _m("sum-order", "db-reverse", "db is summed from the last entry to the first",
       db=db_sum(sums.reverse)),
    _m("sum-order", "z-reverse", "z is summed from the last feature to the first",
       z=z_dot(rounded_products(sums.reverse))),
    Model32("reassociation", "", "a·(Σ/m) is re-associated into Σ·(a/m) (XLA, -ffast-math)",
            reassociated("a/m")),
    Model32("reassociation", "scaled-first", "a·(Σ/m) is computed as (a·Σ)/m: the learning "
            "rate applied to the sum before the mean", reassociated("a·Σ")),
    Model32("reassociation", "fused", "a·(Σ/m) is re-associated into Σ·(a/m) and the "
            "update fused into one fmaf, W − Σ·(a/m)", reassociated("fused")),
    Model32("division-by-reciprocal", "", "Σ / m is computed as Σ · (1/m)",
            {"dW": dW_dot(rounded_products(sums.left_to_right), _reciprocal),
             "db": db_sum(sums.left_to_right, _reciprocal)}),
    _m("sigmoid-form", "split", "s is the 'numerically stable' split, exp(z) / (1 + "
       "exp(z)) for z < 0", s=s_split),
    _m("sigmoid-form", "exp-ratio", "s is exp(z) / (1 + exp(z))", s=s_exp_ratio),
    Model32("blas-dot", "sgemm", "Wᵀx and x·eᵀ are matrix products whose kernel accumulates "
            "each entry with fmaf from 0.0 (BLAS sgemm)",
            {"z": z_dot(sgemm), "dW": dW_dot(sgemm)}),
] + [
    Model32("blas-dot", "lanes-%d" % k, "Wᵀx and x·eᵀ are blocked dot products (%d fmaf "
            "accumulators, as vectorised sdot kernels)" % k,
            {"z": z_dot(lanes(k)), "dW": dW_dot(lanes(k))})
    for k in (4, 8, 16)
] + [
    Model32("float64-accumulation", "", "z, dW and db are accumulated in binary64 and "
            "rounded to binary32 once", {"z": z_dot(None, b_wide=True), "dW": dW_dot(wide),
                                         "db": db_sum(wide_sum)}),
    Model32("float64-accumulation", "dW", "dW and db are accumulated in binary64 and "
            "rounded to binary32 once", {"dW": dW_dot(wide), "db": db_sum(wide_sum)}),
    Model32("float64-accumulation", "z", "z's products and b are accumulated in binary64 "
            "and rounded to binary32 once", {"z": z_dot(None, b_wide=True)}),
    Model32("reduced-precision", "bfloat16", "the operands of Wᵀx and x·eᵀ are rounded to "
            "bfloat16 (8 significant bits), their products summed in binary32",
            {"z": z_dot(narrow(8)), "dW": dW_dot(narrow(8))}),
    Model32("reduced-precision", "tf32", "the operands of Wᵀx and x·eᵀ are rounded to "
            "TF32 (11 significant bits), their products summed in binary32",
            {"z": z_dot(narrow(11)), "dW": dW_dot(narrow(11))}),
    Model32("flush-subnormals", "", "subnormal results and inputs are flushed to zero "
            "(FTZ/DAZ: -ffast-math, XLA on CPU)", arithmetic=FLUSHED),
    Model32("binary64-rounded", "step", "each step is computed in binary64 from the "
            "binary32 state and its result rounded to binary32 (float storage, double "
            "arithmetic)", arithmetic=WIDENED),
    Model32("binary64-rounded", "run", "the run is computed in binary64 from the "
            "scenario's decimals (a float64 program), each state rounded to binary32 only "
            "when written", arithmetic=DECIMALS),
]

MODELS.sort(key=lambda m: ORDER[m.id.split("+")[0]])    # stable: details keep their order

COMMON_PAIRS = ("fma+fused-update", "exp+fused-update", "blas-dot+fused-update")


# --- an exp that misrounds, found without a model of it ----------------------------------------

def nudged_exp32(x, y, W, b, a, variant, obtained, most=64):
    """exp32 one or two ULPs off at one argument (or two, for a small step) that gives
    the obtained state: diagnose.nudged_exp in binary32."""
    if variant == "threshold":
        return []
    z = SPEC.step(x, y, W, b, a, variant, keep=True)[1]["z"][0]
    arguments = sorted({float_to_bits32(-v.v) for row in z for v in row if v.v == v.v})[:most]
    target = (obtained[0], obtained[1])
    singles = [((n, k),) for n in arguments for k in (1, -1, 2, -2)]
    pairs = [(p, q) for i, (p,) in enumerate(singles) for (q,) in singles[i + 1:]
             if p[0] != q[0]] if len(arguments) <= 6 else []
    for nudges in singles + pairs:
        model = _nudged(dict(nudges))
        if _next_state(model, x, y, W, b, a, variant) == target:
            return [model]
    return []


def _nudged(table):
    def t(A, z):
        out = []
        for row in z:
            r = []
            for v in row:
                u = exp32(-v.v)
                k = table.get(float_to_bits32(-v.v))
                if k and u == u and 0 < u < INF:
                    u = bits32_to_float(float_to_bits32(u) + k)
                r.append(S(u))
            out.append(r)
        return out
    shown = ", ".join("exp32(%r) %+d ULP" % (bits32_to_float(n), k) for n, k in table.items())
    return Model32("exp", "not correctly rounded", "exp is not correctly rounded: exp32 but "
                   "for %s gives this step" % shown, {"t": t})


SPEC = Model32("spec", "", "the binary32 contract")
FAMILY = Family(SPEC, MODELS, COMMON_PAIRS, _value32, nudged_exp32, cost=8)   # Singles: 8×
