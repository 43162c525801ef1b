"""Mistakes of precision: binary32 throughout, subnormals flushed to zero, and the x87's
extended registers. Each is the spec's step (step.Spec) with its arithmetic replaced."""
from ...core.exponential import exp as correct_exp
from . import arithmetic as ar
from .step import Spec


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
        if kind in ("add", "sub") and isinstance(p, tuple) and q == 0.0:
            return p                                # register ± 0: the register, exactly
        if kind in ("add", "sub") and isinstance(q, tuple) and p == 0.0:
            return q if kind == "add" else (-q[0], q[1])    # 0 ± register, exactly
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


