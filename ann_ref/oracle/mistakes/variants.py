"""The mistakes themselves: each the spec's step (step.Spec) with one thing done the way
real code does it. Their ids and descriptions are in __init__.py."""
import math

from ...core.exponential import exp as correct_exp
from . import arithmetic as ar
from .step import Spec

INF = float("inf")


# --- exp ---------------------------------------------------------------------------------

def _libm_exp(v):
    try:
        return math.exp(v)
    except OverflowError:
        return INF


def _pow_exp(v):
    if v != v:
        return v
    try:
        return math.e ** v
    except OverflowError:
        return INF


class LibmExp(Spec):
    """exp from the C library (math.exp): fast, and misrounds some arguments."""
    def exp_row(self, values):
        return [_libm_exp(v) for v in values]


class PowExp(Spec):
    """e^v as math.e ** v: the power of a rounded e, off by many ULPs for large |v|."""
    def exp_row(self, values):
        return [_pow_exp(v) for v in values]


class RowExp(Spec):
    """exp from a function applied to a whole row (NumPy's np.exp, V8 through node)."""
    def __init__(self, exp_of_row):
        self.exp_of_row = exp_of_row

    def exp_row(self, values):
        return self.exp_of_row(values)


# --- the order of the operations -------------------------------------------------------

class BiasFirst(Spec):
    """z = b + W·x: b is the first term of the sum instead of the last."""
    def weighted_sum(self, W_column, x_column, b):
        return self.sum([b] + [self.mul(w, v) for w, v in zip(W_column, x_column)])


class SumFromZero(Spec):
    """Every sum starts from +0.0 (`total = 0.0; for …: total += t`)."""
    def sum(self, terms):
        total = 0.0
        for t in terms:
            total = self.add(total, t)
        return total


class ReverseDW(Spec):
    """dW summed from the last sample to the first."""
    def dW_total(self, x_row, e_row):
        return self.sum([self.mul(p, q) for p, q in zip(x_row, e_row)][::-1])


def pairwise(add, terms):
    """Textbook pairwise summation: the halves summed, then added."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return add(pairwise(add, terms[:half]), pairwise(add, terms[half:]))


class PairwiseDW(Spec):
    """dW by pairwise summation (halves first)."""
    def dW_total(self, x_row, e_row):
        return pairwise(self.add, [self.mul(p, q) for p, q in zip(x_row, e_row)])


def numpy_pairwise(add, a):
    """NumPy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src): below 8 terms a
    loop from −0.0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3)) +
    ((r4+r5)+(r6+r7)), then the rest one by one; beyond, two halves cut at a multiple
    of 8."""
    n = len(a)
    if n < 8:
        res = -0.0
        for v in a:
            res = add(res, v)
        return res
    if n <= 128:
        r = a[:8]
        i = 8
        while i < n - n % 8:
            r = [add(r[k], a[i + k]) for k in range(8)]
            i += 8
        res = add(add(add(r[0], r[1]), add(r[2], r[3])), add(add(r[4], r[5]), add(r[6], r[7])))
        for v in a[i:]:
            res = add(res, v)
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return add(numpy_pairwise(add, a[:n2]), numpy_pairwise(add, a[n2:]))


def numpy_reduce(add, a):
    """np.add.reduce of a contiguous row: one pairwise sum of all of it, added to the
    reduction's start, the identity +0.0 (so a sum of −0.0 is +0.0; checked against the
    installed NumPy by tests/test_mistakes.py)."""
    return add(0.0, numpy_pairwise(add, a))


class NumpySums(Spec):
    """dW as `(x[f] * e[o]).sum()` and db as `np.sum(e)`: NumPy's pairwise reduction."""
    def dW_total(self, x_row, e_row):
        return numpy_reduce(self.add, [self.mul(p, q) for p, q in zip(x_row, e_row)])

    def db_total(self, e):
        return numpy_reduce(self.add, [v for row in e for v in row])


class ColumnMajorDB(Spec):
    """db summed column by column (sample by sample, every output of it) instead of row
    by row: a sum over a transposed or Fortran-ordered array."""
    def db_total(self, e):
        return self.sum([e[o][j] for j in range(len(e[0])) for o in range(len(e))])


# --- FMA and BLAS ------------------------------------------------------------------------

def fma_dot(u, v, start=None):
    """Σ u[i]·v[i] with each product added by an FMA: the first product rounded (or
    fused into `start`), the others fused into the running sum."""
    if start is None:
        total, rest = u[0] * v[0], range(1, len(u))
    else:
        total, rest = start, range(len(u))
    for i in rest:
        total = ar.fma(u[i], v[i], total)
    return total


class FmaZ(Spec):
    """z contracted into FMAs: z = fma(W[f], x[f], z) from the second feature on."""
    def weighted_sum(self, W_column, x_column, b):
        return self.add(fma_dot(W_column, x_column), b)


class FmaDW(Spec):
    """dW contracted into FMAs, from the second sample on."""
    def dW_total(self, x_row, e_row):
        return fma_dot(x_row, e_row)


class FusedUpdate(Spec):
    """w − a·d as one FMA: fma(−a, d, w)."""
    def update(self, w, a, d):
        return ar.fma(-a, d, w)


class FmaEverywhere(FmaZ, FmaDW, FusedUpdate):
    """FMA in z and dW and a fused update: what GCC's -ffp-contract=fast does to the
    step's loops with -march=haswell."""


class FusedUpdateLibm(LibmExp, FusedUpdate):
    """A fused update with the C library's exp (an XLA jit on CPU)."""


class GemmDot(Spec):
    """np.dot on matrices, through BLAS dgemm: each entry of W.T·x and x·e.T is one
    accumulator started at 0 and updated by an FMA for every k in order (OpenBLAS's
    dgemm kernels), so the first product is fused into +0.0."""
    def weighted_sum(self, W_column, x_column, b):
        return self.add(fma_dot(W_column, x_column, 0.0), b)

    def dW_total(self, x_row, e_row):
        return fma_dot(x_row, e_row, 0.0)


def ddot_skylakex(u, v):
    """OpenBLAS's ddot for contiguous vectors on AVX-512 CPUs (kernel/x86_64/ddot.c and
    ddot_microk_skylakex-2.c): of the first n1 = n − n mod 16 products, blocks of 32 go
    into 32 lanes (four 8-wide registers) by FMA from 0, each register folded into 4
    lanes (low half + high half); the rest of the n1 into 16 lanes (four 4-wide
    registers) by FMA; the registers are added ((r0 + r1) + r2) + r3, the halves of the
    result added, then its two lanes. The last n mod 16 products are added one by one,
    contracted to FMA by the compiler."""
    n = len(u)
    n1 = n - n % 16
    n32 = n1 - n1 % 32
    dot = 0.0
    if n1:
        lanes = [0.0] * 16
        if n32:
            wide = [0.0] * 32
            for i in range(0, n32, 32):
                wide = [ar.fma(u[i + k], v[i + k], wide[k]) for k in range(32)]
            lanes = [wide[8 * r + k] + wide[8 * r + 4 + k] for r in range(4) for k in range(4)]
        for i in range(n32, n1, 16):
            lanes = [ar.fma(u[i + k], v[i + k], lanes[k]) for k in range(16)]
        r = [((lanes[k] + lanes[4 + k]) + lanes[8 + k]) + lanes[12 + k] for k in range(4)]
        dot = (r[0] + r[2]) + (r[1] + r[3])
    for i in range(n1, n):
        dot = ar.fma(v[i], u[i], dot)
    return dot


class BlasDdot(Spec):
    """z and dW by OpenBLAS's ddot (`np.dot` of two vectors, `x[f] @ e[o]`)."""
    def weighted_sum(self, W_column, x_column, b):
        return self.add(ddot_skylakex(W_column, x_column), b)

    def dW_total(self, x_row, e_row):
        return ddot_skylakex(x_row, e_row)


# --- precision ---------------------------------------------------------------------------

class Float32(Spec):
    """Everything in binary32 (PyTorch's default dtype): inputs, every result, exp."""
    def load(self, v):
        return ar.f32(v)

    def mul(self, p, q):
        return ar.f32(p * q)

    def add(self, p, q):
        return ar.f32(p + q)

    def sub(self, p, q):
        return ar.f32(p - q)

    def div(self, p, q):
        return ar.f32(p / q)

    def exp_row(self, values):
        return [ar.f32(correct_exp(v)) for v in values]


class FlushSubnormals(Spec):
    """Subnormal inputs read as zero (DAZ) and subnormal results flushed to zero (FTZ):
    JAX/XLA on CPU, and code built with -ffast-math."""
    def load(self, v):
        return ar.flush(v)

    def mul(self, p, q):
        return ar.flush(ar.flush(p) * ar.flush(q))

    def add(self, p, q):
        return ar.flush(ar.flush(p) + ar.flush(q))

    def sub(self, p, q):
        return ar.flush(ar.flush(p) - ar.flush(q))

    def div(self, p, q):
        return ar.flush(ar.flush(p) / ar.flush(q))

    def exp_row(self, values):
        return [ar.flush(correct_exp(ar.flush(v))) for v in values]


class Extended(Spec):
    """The x87 FPU: each operation rounded to `bits` significand bits (64; or 53 with the
    precision control set to double) with the x87's wide exponent range, intermediates
    kept in registers, rounded again to binary64 when stored: z, s, e, dW, db and the
    new W and b are stored. With 53 bits the double rounding remains for results that
    are subnormal in binary64.

    A register holds a float (zeros, inf, NaN, and stored values) or (N, E), N·2^E."""
    def __init__(self, bits):
        self.bits = bits

    def _op(self, p, q, kind):
        if isinstance(p, float) and isinstance(q, float) and not (
                p and q and ar.is_finite(p) and ar.is_finite(q)):
            return _FLOAT_OPS[kind](p, q)           # zeros, inf, NaN: IEEE decides
        P = p if isinstance(p, tuple) else ar.parts(p) if p and ar.is_finite(p) else None
        Q = q if isinstance(q, tuple) else ar.parts(q) if q and ar.is_finite(q) else None
        if P is None or Q is None:                  # a zero, inf or NaN with a number
            return _FLOAT_OPS[kind](_store(p), _store(q))
        (Np, Ep), (Nq, Eq) = P, Q
        if kind == "mul":
            N, E = Np * Nq, Ep + Eq
        elif kind == "div":
            k = self.bits + 3 + Nq.bit_length() - Np.bit_length()
            k = max(k, 0)
            N, R = divmod(abs(Np) << k, abs(Nq))
            N = (N << 1) | (1 if R else 0)          # a sticky bit keeps the rounding right
            N = -N if (Np < 0) != (Nq < 0) else N
            E = Ep - Eq - k - 1
        else:
            if kind == "sub":
                Nq = -Nq
            E = min(Ep, Eq)
            N = (Np << (Ep - E)) + (Nq << (Eq - E))
            if N == 0:
                return 0.0                          # x − x = +0
        N, E = ar.round_int(N, E, self.bits, -16382)
        return (N, E)

    def mul(self, p, q):
        return self._op(p, q, "mul")

    def add(self, p, q):
        return self._op(p, q, "add")

    def sub(self, p, q):
        return self._op(p, q, "sub")

    def div(self, p, q):
        return self._op(p, q, "div")

    def weighted_sum(self, W_column, x_column, b):
        return _store(Spec.weighted_sum(self, W_column, x_column, b))

    def sigmoid_row(self, z_row):
        return [_store(v) for v in Spec.sigmoid_row(self, z_row)]

    def error(self, u, y):
        return _store(Spec.error(self, u, y))

    def mean(self, total, m):
        return _store(Spec.mean(self, total, m))

    def update(self, w, a, d):
        return _store(Spec.update(self, w, a, d))


def _store(v):
    """A register stored into a double: rounded a second time (to 53 bits, subnormals
    with fewer)."""
    if isinstance(v, float):
        return v
    N, E = v
    result = ar.to_float(*ar.round_int(N, E, 53, -1022))
    return result if result else (-0.0 if N < 0 else 0.0)


_FLOAT_OPS = {"mul": lambda p, q: p * q, "add": lambda p, q: p + q,
              "sub": lambda p, q: p - q, "div": lambda p, q: p / q}


# --- division and association --------------------------------------------------------

class Reciprocal(Spec):
    """dW and db multiplied by 1/m instead of divided by m."""
    def mean(self, total, m):
        return self.mul(total, self.div(1.0, m))


class Reassociated(Spec):
    """a·(Σ/m) re-associated into Σ·(a/m) (what XLA's simplifier does)."""
    def new_weight(self, w, a, total, m):
        return self.sub(w, self.mul(total, self.div(a, m)))


# --- the sigmoid and the prediction ----------------------------------------------------

class StrictThreshold(Spec):
    """y_pred = 1 if s > 0.5: strict, so s = 0.5 predicts 0."""
    def predict(self, s):
        return 1.0 if s > 0.5 else 0.0


class SplitSigmoid(Spec):
    """The "numerically stable" sigmoid: 1/(1 + exp(−z)) for z ≥ 0, exp(z)/(1 + exp(z))
    for z < 0."""
    def sigmoid_row(self, z_row):
        out = []
        for v in z_row:
            if v >= 0:
                out.append(self.div(1.0, self.add(1.0, self.exp_row([-v])[0])))
            else:
                t = self.exp_row([v])[0]
                out.append(self.div(t, self.add(1.0, t)))
        return out


class ExpRatioSigmoid(Spec):
    """s = exp(z)/(1 + exp(z)) for every z (NaN where exp(z) overflows)."""
    def sigmoid_row(self, z_row):
        t = self.exp_row(list(z_row))
        return [self.div(v, self.add(1.0, v)) for v in t]


class TanhSigmoid(Spec):
    """s = 0.5 + 0.5·tanh(z/2), with the C library's tanh."""
    def sigmoid_row(self, z_row):
        return [self.add(0.5, self.mul(0.5, math.tanh(self.mul(0.5, v)) if v == v else v))
                for v in z_row]


# --- integers --------------------------------------------------------------------------

def _integral(v):
    return ar.is_finite(v) and v == int(v)


class IntegerError(Spec):
    """The article's NumPy loop: y_pred and y are int64, so e = y_pred − y is an integer
    and, where x is integer data too, x·eᵀ and Σe are integer sums, converted to binary64
    only at the division by m (no −0.0 ever). The logistic variant is unchanged."""
    def error(self, u, y):
        if self.threshold and _integral(y):
            return int(u) - int(y)
        return Spec.error(self, u, y)

    def dW_total(self, x_row, e_row):
        if all(isinstance(v, int) for v in e_row) and all(_integral(v) for v in x_row):
            total = 0
            for p, q in zip(x_row, e_row):
                total += int(p) * q
            return float(total)
        return Spec.dW_total(self, x_row, [float(v) for v in e_row])

    def db_total(self, e):
        if all(isinstance(v, int) for row in e for v in row):
            total = 0
            for row in e:
                for v in row:
                    total += v
            return float(total)
        return Spec.db_total(self, [[float(v) for v in row] for row in e])

    def step(self, x, y, W, b, a, logistic):
        self.threshold = not logistic
        return Spec.step(self, x, y, W, b, a, logistic)
