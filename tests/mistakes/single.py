"""Common mistakes of a float32 backend, planted, for the binary32 contract (docs/SPEC.md
§10): each is the core's step (ann_ref.core.model) on binary32 numbers — core/single.py's
Singles — with the parts float32 code gets wrong replaced, or run on other numbers
(flush-to-zero, binary64 rounded to binary32 only at the end). As in the binary64 module
beside it: the same parts, composed the same way, so that a mistake differs from the
contract in what it says and nothing else.

MISTAKES32 lists them, entries of the form of mistakes.MISTAKES; `states32(entry,
scenario)` gives the states 0..N (floats holding binary32 values) of a scenario (a golden
file's, from its 8-digit bits, or the catalogue's, from its numbers); `trace_lines32`
writes them as a trace; `available32()` adds those run through the real libraries
(ctypes' expf, NumPy and PyTorch in float32), which depend on the machine.

Written for the tests alone, from the libraries' sources: nothing here is shared with
the diagnosis (ann_ref.oracle.models32), which is scored against these.
"""
import math
import struct

from ann_ref.core.arithmetic import BINARY64, Arithmetic
from ann_ref.core.binary32 import exp32
from ann_ref.core.model import PARTS, THRESHOLD, step
from ann_ref.core.single import BINARY32, Single
from ann_ref.core.training import Trajectory

from . import arithmetic as ar
from . import entry, pairwise, running

__all__ = ["MISTAKES32", "BY_ID32", "available32", "states32", "trace_lines32", "reference32"]

INF = float("inf")
TINY32 = 2.0 ** -126                      # the least normal binary32
_F32 = struct.Struct("<f")


def f32(v):
    """v rounded to binary32 (a float again); ±inf beyond the range."""
    try:
        return _F32.unpack(_F32.pack(v))[0]
    except OverflowError:
        return INF if v > 0 else -INF


def bits32(v):
    return 0x7FC00000 if v != v else struct.unpack("<I", _F32.pack(v))[0]


def from_hex32(h):
    return struct.unpack("<f", struct.pack("<I", int(h, 16)))[0]


def rounded_to(v, precision):
    """v (a binary32) rounded to `precision` significant bits with binary32's exponent
    range (bfloat16: 8, TF32: 11), ties to even."""
    if v == 0 or not ar.is_finite(v):
        return v
    result = ar.to_float(*ar.round_int(*ar.parts(v), precision, -126))
    return result if result else math.copysign(0.0, v)


def fmaf(p, q, r):
    """p·q + r rounded once to binary32 (C's fmaf), with IEEE-754's signs of zero."""
    if not (ar.is_finite(p) and ar.is_finite(q) and ar.is_finite(r)):
        return f32(p * q + r)             # inf and NaN: as IEEE adds them
    (Np, Ep), (Nq, Eq), (Nr, Er) = ar.parts(p), ar.parts(q), ar.parts(r)
    E = min(Ep + Eq, Er)
    S = ((Np * Nq) << (Ep + Eq - E)) + (Nr << (Er - E))
    if S == 0:
        if p != 0 and q != 0:
            return 0.0                    # x − x = +0
        negative = ar.sign_bit(p) != ar.sign_bit(q)
        return -0.0 if negative and ar.sign_bit(r) else 0.0
    N, E = ar.round_int(S, E, 24, -126)
    result = ar.to_float(N, E)
    if abs(result) >= 2.0 ** 128:
        return math.copysign(INF, result)
    return result if result else (-0.0 if S < 0 else 0.0)


# --- glibc's and musl's expf ---------------------------------------------------------------
# ARM's optimized-routines expf (musl's src/math/expf.c and exp2f_data.c; glibc's
# sysdeps/ieee754/flt-32/e_expf.c): x·32/ln2 = k + r, 2^(k/32) from a table of 32
# doubles, a degree-3 polynomial in r, all in binary64, rounded to binary32 at the end.
# Built with FMA (glibc's x86-64 variant, AArch64) or without, it gives the same results
# on every argument tried, misrounding about 170,000 of the 562 million binary32 ones.

_TAB = [0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
        0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
        0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
        0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
        0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
        0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
        0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
        0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540]
_INVLN2N = float.fromhex("0x1.71547652b82fep+0") * 32
_SHIFT = float.fromhex("0x1.8p+52")
_C0 = float.fromhex("0x1.c6af84b912394p-5") / 32 / 32 / 32
_C1 = float.fromhex("0x1.ebfce50fac4f3p-3") / 32 / 32
_C2 = float.fromhex("0x1.62e42ff0c52d6p-1") / 32


def _u64(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def expf_arm(x):
    """expf(x) for a binary32 x, operation for operation as ARM's code computes it."""
    top = bits32(x) >> 20 & 0x7FF
    if top >= bits32(88.0) >> 20:
        if x == -INF:
            return 0.0
        if top >= 0x7F8:
            return x + x                  # inf, NaN
        if x > float.fromhex("0x1.62e42ep6"):
            return INF
        if x < -float.fromhex("0x1.9fe368p6"):
            return 0.0
    z = _INVLN2N * x
    kd = z + _SHIFT
    ki = _u64(kd)
    kd -= _SHIFT
    r = z - kd
    s = struct.unpack("<d", struct.pack("<Q", (_TAB[ki % 32] + (ki << 47)) % 2 ** 64))[0]
    y = (_C0 * r + _C1) * (r * r) + (_C2 * r + 1.0)
    return f32(y * s)


# --- sums and dot products on Singles --------------------------------------------------------

def S(v):
    return Single(v)


def numpy_pairwise32(a):
    """NumPy's pairwise_sum for float32 (loops_utils.h.src): below 8 terms a loop from
    −0.0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)),
    then the rest one by one; beyond, two halves cut at a multiple of 8."""
    n = len(a)
    if n < 8:
        return running(a, S(-0.0))
    if n <= 128:
        r = a[:8]
        i = 8
        while i < n - n % 8:
            r = [r[k] + a[i + k] for k in range(8)]
            i += 8
        return running(a[i:], ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])))
    n2 = n // 2
    n2 -= n2 % 8
    return numpy_pairwise32(a[:n2]) + numpy_pairwise32(a[n2:])


def numpy_sum32(terms):
    """np.sum of a float32 row: +0.0 plus NumPy's pairwise sum (8 running sums)."""
    return S(0.0) + numpy_pairwise32(terms)


def products(reduce):
    return lambda u, v: reduce([p * q for p, q in zip(u, v)])


def fma_dot(u, v, start=None):
    """Σ u·v, each product fused into the running sum by fmaf (from the first product,
    rounded, or from `start`)."""
    if start is None:
        total, rest = (u[0] * v[0]).v, range(1, len(u))
    else:
        total, rest = start, range(len(u))
    for i in rest:
        total = fmaf(u[i].v, v[i].v, total)
    return S(total)


def sgemm_dot(u, v):
    """One entry of a BLAS sgemm with a short inner dimension: one accumulator from
    0.0, every product fused into it in order."""
    return fma_dot(u, v, 0.0)


def wide_dot(u, v):
    """Σ u·v accumulated in binary64 (products of binary32 are exact there), from the
    first product, rounded to binary32 once: `double acc`, float64 reductions."""
    total = u[0].v * v[0].v
    for p, q in zip(u[1:], v[1:]):
        total = total + p.v * q.v
    return S(f32(total))


def narrow_dot(precision):
    """Σ u·v with u and v rounded to `precision` bits first (bfloat16: 8, TF32: 11) and
    the exact products summed in binary32 from the first: reduced-precision matmuls."""
    def dot(u, v):
        p = [S(rounded_to(a.v, precision) * rounded_to(b.v, precision)) for a, b in zip(u, v)]
        return running(p)
    return dot


def z_of(dot, b_first=False, wide_b=False):
    """z[o][j] = dot(W column o, x column j) + b (b first, or added in binary64 too)."""
    def z(A, W, b, x):
        F, S_, O = len(x), len(x[0]), len(W[0])
        out = []
        for o in range(O):
            column = [W[f][o] for f in range(F)]
            row = []
            for j in range(S_):
                xj = [x[f][j] for f in range(F)]
                if b_first:
                    row.append(running([b] + [w * v for w, v in zip(column, xj)]))
                elif wide_b:
                    total = column[0].v * xj[0].v
                    for w, v in zip(column[1:], xj[1:]):
                        total = total + w.v * v.v
                    row.append(S(f32(total + b.v)))
                else:
                    row.append(dot(column, xj) + b)
            out.append(row)
        return out
    return z


def dW_of(dot, mean=lambda total, m: total / m):
    return lambda A, x, e, m: [[mean(dot(xf, eo), m) for eo in e] for xf in x]


def db_of(reduce, mean=lambda total, m: total / m, by_column=False):
    def db(A, e, m, shared):
        terms = ([e[o][j] for j in range(len(e[0])) for o in range(len(e))] if by_column
                 else [v for row in e for v in row])
        return mean(reduce(terms), m)
    return db


def wide_sum(terms):
    total = terms[0].v
    for t in terms[1:]:
        total = total + t.v
    return S(f32(total))


def update_of(new_weight):
    def update(A, P, a, dP):
        if type(P) is list:
            return [[new_weight(p, a, d) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
        return new_weight(P, a, dP)
    return update


def _fused(w, a, d):
    return S(fmaf(-a.v, d.v, w.v))


def _reciprocal(total, m):
    return total * (S(1.0) / m)


class _Undivided:
    """dW and db left as sums; the update divides them its own way (m kept from dW)."""

    def __init__(self, new_weight):
        self.new_weight, self.m = new_weight, None

    def parts(self):
        def dW(A, x, e, m):
            self.m = m
            return [[products(running)(xf, eo) for eo in e] for xf in x]

        def db(A, e, m, shared):
            return running([v for row in e for v in row])
        return {"dW": dW, "db": db,
                "update": update_of(lambda w, a, total: self.new_weight(w, a, total, self.m))}


def t_of(exp):
    return lambda A, z: [[S(exp(-v.v)) for v in row] for row in z]


def s_split(A, z, t):
    """The "stable" sigmoid: 1/(1 + exp(−z)) for z ≥ 0, exp(z)/(1 + exp(z)) below."""
    one = S(1.0)
    out = []
    for rz, rt in zip(z, t):
        row = []
        for v, u in zip(rz, rt):
            if v.v >= 0 or v.v != v.v:
                row.append(one / (one + u))
            else:
                w = S(exp32(v.v))
                row.append(w / (one + w))
        out.append(row)
    return out


def s_exp_ratio(A, z, t):
    one = S(1.0)
    return [[w / (one + w) for w in [S(exp32(v.v)) for v in row]] for row in z]


def _integral(v):
    return ar.is_finite(v) and v == int(v)


def e_integer(A, u, y):
    """y_pred and y as int64, as the article's NumPy code keeps them."""
    if all(_integral(v.v) for row in u + y for v in row):
        return [[int(p.v) - int(q.v) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]
    return PARTS["e"](A, u, y)


def dW_integer(A, x, e, m):
    """x·eᵀ in integers where x and e are integral, converted at the division."""
    out = []
    for xf in x:
        row = []
        for eo in e:
            if all(isinstance(v, int) for v in eo) and all(_integral(v.v) for v in xf):
                total = 0
                for p, q in zip(xf, eo):
                    total += int(p.v) * q
                row.append(S(f32(float(total))) / m)
            else:
                row.append(products(running)(xf, [v if isinstance(v, Single) else S(float(v))
                                                  for v in eo]) / m)
        out.append(row)
    return out


def db_integer(A, e, m, shared):
    values = [v for row in e for v in row]
    if all(isinstance(v, int) for v in values):
        total = 0
        for v in values:
            total += v
        return S(f32(float(total))) / m
    return running([v if isinstance(v, Single) else S(float(v)) for v in values]) / m


# --- other numbers ------------------------------------------------------------------------

class Flushed32(Single):
    """A binary32 whose every result below 2^-126 becomes a zero of its sign (FTZ), its
    inputs flushed too (DAZ)."""
    __slots__ = ()

    def __init__(self, v):
        self.v = math.copysign(0.0, v) if v != 0 and -TINY32 < v < TINY32 else v

    def __add__(self, o):
        return Flushed32(f32(self.v + o.v))

    def __sub__(self, o):
        return Flushed32(f32(self.v - o.v))

    def __mul__(self, o):
        return Flushed32(f32(self.v * o.v))

    def __truediv__(self, o):
        return Flushed32((Single(self.v) / Single(o.v)).v)

    def __neg__(self):
        return Flushed32(-self.v)

    def __eq__(self, o):
        return isinstance(o, Single) and self.v == o.v


class Numbers:
    """A number type of its own: `A` its Arithmetic, `load` a float into it."""

    def __init__(self, A, load):
        self.A, self.load = A, load


def _flushed_exp(n):
    return Flushed32(exp32(n.v))


FLUSHED32 = Numbers(Arithmetic("binary32, subnormals flushed", Flushed32, _flushed_exp,
                               lambda v: Flushed32(f32(float(v))), None,
                               lambda n: bits32(n.v), format="binary32"),
                    lambda v: Flushed32(f32(float(v))))


# --- the mistakes ----------------------------------------------------------------------------

FMA_EVERYWHERE = {"z": z_of(fma_dot), "dW": dW_of(fma_dot), "update": update_of(_fused)}
SGEMM = {"z": z_of(sgemm_dot), "dW": dW_of(sgemm_dot)}
BINARY64_STEP = "binary64-step"          # the step computed in binary64 (see stepper32)
BINARY64_RUN = "binary64-run"

MISTAKES32 = [
    entry("exp:expf", "glibc's and musl's expf (ARM's optimized-routines: binary64 "
          "evaluation rounded to binary32; misrounds 0.03 % of the arguments)",
          {"t": t_of(expf_arm)}),
    entry("bias-first", "b added first: z = b + W·x", {"z": z_of(None, b_first=True)}),
    entry("sum-from-zero", "every sum started from +0.0 instead of its first term",
          {"z": z_of(products(lambda t: running(t, S(0.0)))),
           "dW": dW_of(products(lambda t: running(t, S(0.0)))),
           "db": db_of(lambda t: running(t, S(0.0)))}),
    entry("sum-order:reverse", "dW summed from the last sample to the first",
          {"dW": dW_of(products(lambda t: running(t[::-1])))}),
    entry("sum-order:pairwise", "dW summed pairwise (halves first)",
          {"dW": dW_of(products(pairwise))}),
    entry("sum-order:numpy", "dW as (x[f]*e[o]).sum() and db as np.sum(e) in float32: "
          "NumPy's pairwise reduction, modelled",
          {"dW": dW_of(products(numpy_sum32)), "db": db_of(numpy_sum32)}),
    entry("sum-order:column-major", "db summed column by column instead of row by row",
          {"db": db_of(running, by_column=True)}),
    entry("fma:z", "z contracted into fmaf", {"z": z_of(fma_dot)}),
    entry("fma:dW", "dW contracted into fmaf", {"dW": dW_of(fma_dot)}),
    entry("fused-update", "the update w − a·d as one fmaf", {"update": update_of(_fused)}),
    entry("fma+fused-update", "fmaf in z, in dW and in the update (GCC -march=haswell "
          "-ffp-contract=fast)", FMA_EVERYWHERE),
    entry("blas-dot:sgemm", "W.T·x and x·e.T by BLAS sgemm: one FMA accumulator per entry, "
          "started at 0", SGEMM),
    entry("float64-accumulation", "z, dW and db accumulated in binary64 and rounded to "
          "binary32 once (`double acc`, torch.sum(dtype=torch.float64))",
          {"z": z_of(None, wide_b=True), "dW": dW_of(wide_dot), "db": db_of(wide_sum)}),
    entry("float64-accumulation:dW", "dW and db accumulated in binary64, rounded to "
          "binary32 once", {"dW": dW_of(wide_dot), "db": db_of(wide_sum)}),
    entry("binary64-rounded:step", "each step computed in binary64 from the binary32 "
          "state, the new state rounded to binary32 (float storage, double arithmetic)",
          BINARY64_STEP),
    entry("binary64-rounded:run", "the whole run in binary64 from the decimals, each "
          "state rounded to binary32 only when written", BINARY64_RUN),
    entry("flush-subnormals", "binary32 with subnormals flushed to zero (FTZ and DAZ)",
          numbers=FLUSHED32),
    entry("reduced-precision:bfloat16", "W.T·x and x·e.T with their operands rounded to "
          "bfloat16 (8 bits), the products summed in binary32 (oneDNN, TPUs, autocast)",
          {"z": z_of(narrow_dot(8)), "dW": dW_of(narrow_dot(8))}),
    entry("reduced-precision:tf32", "W.T·x and x·e.T with their operands rounded to TF32 "
          "(11 bits), the products summed in binary32 (tensor cores)",
          {"z": z_of(narrow_dot(11)), "dW": dW_of(narrow_dot(11))}),
    entry("division-by-reciprocal", "dW and db multiplied by 1/m instead of divided by m",
          {"dW": dW_of(products(running), _reciprocal), "db": db_of(running, _reciprocal)}),
    entry("reassociation", "a·(Σ/m) re-associated into Σ·(a/m)", "reassociated"),
    entry("reassociation:scaled-first", "a·(Σ/m) computed as (a·Σ)/m", "scaled-first"),
    entry("threshold-strict", "y_pred = 1 if s > 0.5 (strict)",
          {"y_pred": lambda A, s: [[S(1.0) if v.v > 0.5 else S(0.0) for v in row]
                                   for row in s]}),
    entry("sigmoid-form:split", "the \"stable\" sigmoid: exp(z)/(1 + exp(z)) for z < 0",
          {"s": s_split}),
    entry("sigmoid-form:exp-ratio", "s = exp(z)/(1 + exp(z)) for every z",
          {"s": s_exp_ratio}),
    entry("integer-error", "the error kept in integers, as the article's NumPy loop "
          "does (int64 y_pred − y)", {"e": e_integer, "dW": dW_integer, "db": db_integer}),
]
BY_ID32 = {e["id"]: e for e in MISTAKES32}

_UNDIVIDED = {"reassociated": lambda w, a, total, m: w - total * (a / m),
              "scaled-first": lambda w, a, total, m: w - a * total / m}


# --- running them --------------------------------------------------------------------------

def inputs32(scenario):
    """(x, y, W, b, a, N, variant) as floats holding binary32 values: from the 8-digit
    bits of a golden file's scenario, or from the catalogue's numbers."""
    bits = scenario.get("bits")
    if bits:
        def read(key):
            value = bits[key]
            return [[from_hex32(h) for h in row] for row in value] if isinstance(
                value, list) else from_hex32(value)
    else:
        def read(key):
            value = scenario[key]
            return [[f32(float(u)) for u in row] for row in value] if isinstance(
                value, list) else f32(float(value))
    return (read("x"), read("y"), read("W"), read("b"), read("learning_rate"),
            int(scenario["iterations"]), scenario["variant"])


def decimals64(scenario):
    """(x, y, W, b, a) as a float64 program reads them: the scenario's decimals parsed
    as binary64 (the catalogue's numbers written as a file writes them)."""
    from ann_ref.formats.writer import json_decimal

    def read(value):
        if isinstance(value, list):
            return [[read(u) for u in row] for row in value]
        if isinstance(value, str) or "bits" in scenario:
            return float(value)
        return float(json_decimal(f32(float(value)), "binary32"))
    return tuple(read(scenario[k]) for k in ("x", "y", "W", "b", "learning_rate"))


def _singles(M, load=S):
    return [[load(v) for v in row] for row in M]


def stepper32(mistake, x, y, a, variant=THRESHOLD):
    """next_state((W, b)) of the mistake, on floats holding binary32 values."""
    if isinstance(mistake, str):
        mistake = BY_ID32[mistake]
    parts = mistake["parts"]
    if parts == BINARY64_STEP:
        def next_state(state):
            (W, b), = step(BINARY64, x, y, [state], a, variant)
            return [[f32(v) for v in row] for row in W], f32(b)
        return next_state
    if isinstance(parts, str):
        parts = _Undivided(_UNDIVIDED[parts]).parts()
    parts = dict(PARTS, **parts)
    numbers = mistake["numbers"]
    A, load = (numbers.A, numbers.load) if numbers is not None else (BINARY32, S)
    X, Y, a_ = _singles(x, load), _singles(y, load), load(a)

    def next_state(state):
        W, b = state
        (W1, b1), = step(A, X, Y, [(_singles(W, load), load(b))], a_, variant, parts)
        return [[v.v for v in row] for row in W1], b1.v
    return next_state


def states32(mistake, scenario):
    """The states (W, b) 0..N of the scenario run with the mistake (an entry or an id),
    through the core's one fixed-point detector; floats holding binary32 values."""
    x, y, W, b, a, n, variant = inputs32(scenario)
    entry_ = BY_ID32[mistake] if isinstance(mistake, str) else mistake

    def key(state):
        W, b = state
        return [bits32(v) for row in W for v in row] + [bits32(b)]
    if entry_["parts"] == BINARY64_RUN:
        # binary64 throughout, from the decimals; each state rounded only when written
        x, y, W, b, a = decimals64(scenario)

        def next_state(state):
            (W1, b1), = step(BINARY64, x, y, [state], a, variant)
            return W1, b1
        for W_k, b_k in Trajectory(next_state, (W, b), n, lambda s: [
                struct.pack("<d", v) for row in s[0] for v in row] + [struct.pack("<d", s[1])]):
            yield [[f32(v) for v in row] for row in W_k], f32(b_k)
        return
    for state in Trajectory(stepper32(entry_, x, y, a, variant), (W, b), n, key):
        yield state


def reference32(scenario):
    """The contract's states of a scenario, as bit keys (fast32's step on floats)."""
    from ann_ref.core.single import FLOATS32
    from ann_ref.core.training import trajectory
    x, y, W, b, a, n, variant = inputs32(scenario)
    return [[bits32(v) for row in W_k for v in row] + [bits32(b_k)]
            for W_k, b_k in trajectory(x, y, W, b, a, n, variant, FLOATS32)]


def trace_lines32(state_list):
    """A binary32 trace as JSON lines (8-digit bit patterns, NaN 7fc00000)."""
    for k, (W, b) in enumerate(state_list):
        yield '{"iteration": %d, "bits": {"W": [%s], "b": "%08x"}}\n' % (
            k, ", ".join("[%s]" % ", ".join('"%08x"' % bits32(u) for u in row) for row in W),
            bits32(b))


# --- the real libraries ------------------------------------------------------------------------

def available32():
    """Mistakes run through this machine's libraries: the C library's expf (ctypes),
    NumPy and PyTorch in float32, where installed."""
    from . import single_external
    return single_external.available()


# --- the kill matrix ------------------------------------------------------------------------

def first_difference32(mistake, scenario, expected):
    """The first iteration where the mistake's state differs from `expected` (bit keys),
    or None when every state agrees."""
    for k, (W, b) in enumerate(states32(mistake, scenario)):
        if [bits32(v) for row in W for v in row] + [bits32(b)] != expected[k]:
            return k
    return None


def matrix32(mistakes, scenarios):
    """{(mistake id, scenario name): first diverging iteration or None}."""
    out = {}
    for s in scenarios:
        expected = reference32(s)
        for m in mistakes:
            out[(m["id"], s["name"])] = first_difference32(m, s, expected)
    return out
