"""Common mistakes of a backend, planted: each is the core's step (ann_ref.core.model)
with the parts it gets wrong replaced, or run on other numbers (binary32, flush-to-zero,
x87 registers) — the same parts, composed the same way, so that a mistake differs from
the contract in what it says and nothing else.

MISTAKES lists them: each an entry {"id", "description", "parts", "numbers"}, where id
is "<cause>" or "<cause>:<detail>" (a pair's causes joined by "+" in alphabetical
order), parts the replaced parts, numbers a Numbers (below) or None. `states(entry,
scenario)` gives its states 0..N of a scenario; `trace_lines` writes them as a trace.

Written for the tests alone, from docs/SPEC.md and the libraries' sources: they share
no code with the diagnosis (ann_ref.oracle), which is scored against them.
"""
import math

from ann_ref.core.arithmetic import BINARY64, Arithmetic
from ann_ref.core.bits import CANONICAL_NAN, float_to_bits, from_hex, hex_bits
from ann_ref.core.model import PARTS, THRESHOLD, step
from ann_ref.core.training import Trajectory

from . import arithmetic as ar

__all__ = ["MISTAKES", "BY_ID", "entry", "cause", "inputs", "states", "trace_lines"]

INF = float("inf")


def entry(id, description, parts=None, numbers=None):
    return {"id": id, "description": description, "parts": parts or {}, "numbers": numbers}


# --- other numbers ----------------------------------------------------------------------

class Numbers:
    """A number type for the core's parts, and how the scenario's floats become its
    numbers and its numbers floats again; `wrap` the parts computed in registers."""

    def __init__(self, name, kind, exp, load, store, wrap=False):
        self.kind, self.load, self.store, self.wrap = kind, load, store, wrap
        self.A = Arithmetic(name, kind, exp, load, None, lambda v: float_to_bits(store(v)))


class F32(ar.Rounded):
    r = staticmethod(ar.f32)


class Flushed(ar.Rounded):
    r = staticmethod(ar.flush)


def _exp_of(kind, r=lambda v: v):
    def exp(v):
        return kind(r(BINARY64.exp(r(v.v))))
    return exp


FLOAT32 = Numbers("binary32", F32, _exp_of(F32, ar.f32), lambda v: F32(ar.f32(float(v))),
                  lambda n: n.v)
FLUSHED = Numbers("flush-to-zero", Flushed, _exp_of(Flushed, ar.flush),
                  lambda v: Flushed(ar.flush(float(v))), lambda n: n.v)


class Register53(ar.Register):
    bits = 53


def _registers(kind):
    """x87 registers: every part computed in registers from stored (binary64) operands,
    its results stored: z, s, e, dW (the sum divided by m in the register), db, the new
    W and b; exp's result is a binary64."""
    def exp(r):
        return kind.of(BINARY64.exp(r.store()))
    return Numbers("x87", kind, exp, lambda v: kind.of(float(v)), lambda r: r.store(), True)


X87, PC53 = _registers(ar.Register), _registers(Register53)


def _in(numbers, part):
    """The part computed on the numbers' type from floats, its result given as floats."""
    def to(value):
        if type(value) is list:
            return [to(v) for v in value]
        return numbers.load(value) if type(value) in (float, int) else value

    def back(value):
        if type(value) is list:
            return [back(v) for v in value]
        return numbers.store(value)

    def computed(A, *args):
        return back(part(numbers.A, *[to(v) for v in args]))
    return computed


# --- parts done otherwise ---------------------------------------------------------------

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


def t_of(exp):
    return lambda A, z: [[exp(-v) for v in row] for row in z]


def running(terms, start=None):
    total = terms[0] if start is None else start
    for t in (terms[1:] if start is None else terms):
        total = total + t
    return total


def pairwise(terms):
    """Textbook pairwise summation: the halves summed, then added."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return pairwise(terms[:half]) + pairwise(terms[half:])


def numpy_pairwise(a):
    """NumPy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src): below 8 terms a
    loop from −0.0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3)) +
    ((r4+r5)+(r6+r7)), then the rest one by one; beyond, two halves cut at a multiple
    of 8."""
    n = len(a)
    if n < 8:
        return running(a, -0.0)
    if n <= 128:
        r = a[:8]
        i = 8
        while i < n - n % 8:
            r = [r[k] + a[i + k] for k in range(8)]
            i += 8
        return running(a[i:], ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])))
    n2 = n // 2
    n2 -= n2 % 8
    return numpy_pairwise(a[:n2]) + numpy_pairwise(a[n2:])


def numpy_reduce(a):
    """np.add.reduce of a contiguous row: the pairwise sum of all of it added to the
    reduction's start, +0.0 (so a sum of −0.0 is +0.0; checked against NumPy)."""
    return 0.0 + numpy_pairwise(a)


def fma_dot(u, v, start=None):
    """Σ u[i]·v[i] with each product added by an FMA: the first product rounded (or
    fused into `start`), the others fused into the running sum."""
    if start is None:
        total, rest = u[0] * v[0], range(1, len(u))
    else:
        total, rest = start, range(len(u))
    for i in rest:
        total = ar.fused_multiply_add(u[i], v[i], total)
    return total


def ddot_skylakex(u, v):
    """OpenBLAS's ddot for contiguous vectors on AVX-512 CPUs (kernel/x86_64/ddot.c and
    ddot_microk_skylakex-2.c): of the first n1 = n − n mod 16 products, blocks of 32 go
    into 32 lanes by FMA from 0, each 8-wide register folded into 4 lanes; the rest of
    the n1 into 16 lanes by FMA; the registers added ((r0 + r1) + r2) + r3, the halves
    added, then the two lanes. The last n mod 16 products fused in one by one."""
    n = len(u)
    n1 = n - n % 16
    n32 = n1 - n1 % 32
    dot = 0.0
    if n1:
        lanes = [0.0] * 16
        if n32:
            wide = [0.0] * 32
            for i in range(0, n32, 32):
                wide = [ar.fused_multiply_add(u[i + k], v[i + k], wide[k]) for k in range(32)]
            lanes = [wide[8 * r + k] + wide[8 * r + 4 + k] for r in range(4) for k in range(4)]
        for i in range(n32, n1, 16):
            lanes = [ar.fused_multiply_add(u[i + k], v[i + k], lanes[k]) for k in range(16)]
        r = [((lanes[k] + lanes[4 + k]) + lanes[8 + k]) + lanes[12 + k] for k in range(4)]
        dot = (r[0] + r[2]) + (r[1] + r[3])
    for i in range(n1, n):
        dot = ar.fused_multiply_add(v[i], u[i], dot)
    return dot


def z_of(dot, b_first=False):
    """z[o][j] = dot(W column o, x column j) + b (or b the first term)."""
    def z(A, W, b, x):
        F, S, O = len(x), len(x[0]), len(W[0])
        out = []
        for o in range(O):
            column = [W[f][o] for f in range(F)]
            row = []
            for j in range(S):
                xj = [x[f][j] for f in range(F)]
                row.append(running([b] + [w * v for w, v in zip(column, xj)]) if b_first
                           else dot(column, xj) + b)
            out.append(row)
        return out
    return z


def products(reduce):
    return lambda u, v: reduce([p * q for p, q in zip(u, v)])


def dW_of(dot, mean=lambda total, m: total / m):
    return lambda A, x, e, m: [[mean(dot(xf, eo), m) for eo in e] for xf in x]


def db_of(reduce, mean=lambda total, m: total / m, by_column=False):
    def db(A, e, m, shared):
        terms = ([e[o][j] for j in range(len(e[0])) for o in range(len(e))] if by_column
                 else [v for row in e for v in row])
        return mean(reduce(terms), m)
    return db


def _reciprocal(total, m):
    return total * (1.0 / m)


def update_of(new_weight):
    """The update with each weight computed by new_weight(w, a, d)."""
    def update(A, P, a, dP):
        if type(P) is list:
            return [[new_weight(p, a, d) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
        return new_weight(P, a, dP)
    return update


def _fused(w, a, d):
    return ar.fused_multiply_add(-a, d, w)


class _Undivided:
    """dW and db left as sums, and the update that divides them its own way: m is
    remembered from the dW part, which the core gives it, for the update after it."""

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


def s_split(A, z, t):
    """The "stable" sigmoid: 1/(1 + exp(−z)) for z ≥ 0, exp(z)/(1 + exp(z)) for z < 0."""
    out = []
    for rz, rt in zip(z, t):
        row = []
        for v, u in zip(rz, rt):
            if v >= 0 or v != v:
                row.append(1.0 / (1.0 + u))
            else:
                w = BINARY64.exp(v)
                row.append(w / (1.0 + w))
        out.append(row)
    return out


def s_exp_ratio(A, z, t):
    """s = exp(z)/(1 + exp(z)) for every z (NaN where exp(z) overflows)."""
    out = []
    for row in z:
        r = []
        for v in row:
            w = BINARY64.exp(v)
            r.append(w / (1.0 + w))
        out.append(r)
    return out


def s_tanh(A, z, t):
    """s = 0.5 + 0.5·tanh(z/2), with the C library's tanh."""
    return [[0.5 + 0.5 * math.tanh(0.5 * v) if v == v else v for v in row] for row in z]


def _integral(v):
    return ar.is_finite(v) and v == int(v)


def e_integer(A, u, y):
    """The article's NumPy loop: y_pred and y int64, so e = y_pred − y is an integer
    where both are integral."""
    if all(_integral(v) for row in u + y for v in row):
        return [[int(p) - int(q) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]
    return PARTS["e"](A, u, y)


def dW_integer(A, x, e, m):
    """x·eᵀ: integer sums where x and e are integer data, converted at the division."""
    out = []
    for xf in x:
        row = []
        for eo in e:
            if all(isinstance(v, int) for v in eo) and all(_integral(v) for v in xf):
                total = 0
                for p, q in zip(xf, eo):
                    total += int(p) * q
                row.append(float(total) / m)
            else:
                row.append(products(running)(xf, [float(v) for v in eo]) / m)
        out.append(row)
    return out


def db_integer(A, e, m, shared):
    if all(isinstance(v, int) for row in e for v in row):
        total = 0
        for row in e:
            for v in row:
                total += v
        return float(total) / m
    return running([float(v) for row in e for v in row]) / m


FMA_EVERYWHERE = {"z": z_of(fma_dot), "dW": dW_of(fma_dot), "update": update_of(_fused)}
GEMM = {"z": z_of(lambda u, v: fma_dot(u, v, 0.0)), "dW": dW_of(lambda u, v: fma_dot(u, v, 0.0))}

MISTAKES = [
    entry("exp:libm", "exp from the platform's C library (math.exp)", {"t": t_of(_libm_exp)}),
    entry("exp:pow", "exp(v) computed as math.e ** v", {"t": t_of(_pow_exp)}),
    entry("bias-first", "b added first: z = b + W·x", {"z": z_of(None, b_first=True)}),
    entry("sum-from-zero", "every sum started from +0.0 instead of its first term",
          {"z": z_of(products(lambda t: running(t, 0.0))),
           "dW": dW_of(products(lambda t: running(t, 0.0))),
           "db": db_of(lambda t: running(t, 0.0))}),
    entry("sum-order:reverse", "dW summed from the last sample to the first",
          {"dW": dW_of(products(lambda t: running(t[::-1])))}),
    entry("sum-order:pairwise", "dW summed pairwise (halves first)",
          {"dW": dW_of(products(pairwise))}),
    entry("sum-order:numpy", "dW as (x[f]*e[o]).sum() and db as np.sum(e): NumPy's "
          "pairwise reduction, modelled",
          {"dW": dW_of(products(numpy_reduce)), "db": db_of(numpy_reduce)}),
    entry("sum-order:column-major", "db summed column by column instead of row by row",
          {"db": db_of(running, by_column=True)}),
    entry("fma:z", "z contracted into fused multiply-adds", {"z": z_of(fma_dot)}),
    entry("fma:dW", "dW contracted into fused multiply-adds", {"dW": dW_of(fma_dot)}),
    entry("fused-update", "the update w − a·d as one fused multiply-add",
          {"update": update_of(_fused)}),
    entry("fma+fused-update", "FMA in z and dW and a fused update (GCC "
          "-march=haswell -ffp-contract=fast)", FMA_EVERYWHERE),
    entry("exp+fused-update:libm", "a fused update with the C library's exp (a jit "
          "compiler on CPU)", {"t": t_of(_libm_exp), "update": update_of(_fused)}),
    entry("blas-dot:gemm", "W.T·x and x·e.T by BLAS dgemm: one FMA accumulator per entry, "
          "started at 0", GEMM),
    entry("blas-dot:ddot", "z and dW by OpenBLAS's AVX-512 ddot: 32 and 16 FMA "
          "lanes, combined at the end",
          {"z": z_of(ddot_skylakex), "dW": dW_of(ddot_skylakex)}),
    entry("float32", "binary32 throughout (inputs, every result, exp)", numbers=FLOAT32),
    entry("extended-precision:x87", "x87 extended precision: 64-bit significands in "
          "registers, rounded again to binary64 when stored", numbers=X87),
    entry("extended-precision:pc53", "x87 with the precision control at 53 bits: the "
          "wide exponent range still rounds subnormal results twice", numbers=PC53),
    entry("flush-subnormals", "subnormals flushed to zero (FTZ and DAZ)", numbers=FLUSHED),
    entry("division-by-reciprocal", "dW and db multiplied by 1/m instead of divided by m",
          {"dW": dW_of(products(running), _reciprocal), "db": db_of(running, _reciprocal)}),
    entry("reassociation", "a·(Σ/m) re-associated into Σ·(a/m)",
          "reassociated"),
    entry("reassociation:scaled-first", "a·(Σ/m) computed as (a·Σ)/m", "scaled-first"),
    entry("threshold-strict", "y_pred = 1 if s > 0.5 (strict)",
          {"y_pred": lambda A, s: [[1.0 if v > 0.5 else 0.0 for v in row] for row in s]}),
    entry("sigmoid-form:split", "the \"stable\" sigmoid: exp(z)/(1 + exp(z)) for z < 0",
          {"s": s_split}),
    entry("sigmoid-form:exp-ratio", "s = exp(z)/(1 + exp(z)) for every z",
          {"s": s_exp_ratio}),
    entry("sigmoid-form:tanh", "s = 0.5 + 0.5·tanh(z/2)", {"s": s_tanh}),
    entry("integer-error", "the error kept in integers, as the article's NumPy loop "
          "does (int64 y_pred − y)", {"e": e_integer, "dW": dW_integer, "db": db_integer}),
]
BY_ID = {e["id"]: e for e in MISTAKES}

_UNDIVIDED = {"reassociated": lambda w, a, total, m: w - total * (a / m),
              "scaled-first": lambda w, a, total, m: w - a * total / m}


def cause(mistake_id):
    """The cause part of an id: "exp" of "exp:libm", "fma+fused-update" of itself."""
    return mistake_id.split(":", 1)[0]


def _float(v):
    return v if isinstance(v, float) else float(v)


def inputs(scenario):
    """(x, y, W, b, a, N, variant) of a scenario dict: from its "bits" where it has
    them (a golden file's scenario), else from its numbers (the catalogue's)."""
    bits = scenario.get("bits")
    if bits:
        def read(key):
            value = bits[key]
            return [[from_hex(h) for h in row] for row in value] if isinstance(
                value, list) else from_hex(value)
    else:
        def read(key):
            value = scenario[key]
            return [[_float(u) for u in row] for row in value] if isinstance(
                value, list) else _float(value)
    return (read("x"), read("y"), read("W"), read("b"), read("learning_rate"),
            int(scenario["iterations"]), scenario["variant"])


def stepper(mistake, x, y, a, variant=THRESHOLD):
    """next_state((W, b)) of the mistake: the core's step with its parts and numbers."""
    if isinstance(mistake, str):
        mistake = BY_ID[mistake]
    parts = mistake["parts"]
    if isinstance(parts, str):
        parts = _Undivided(_UNDIVIDED[parts]).parts()
    parts = dict(PARTS, **parts)
    numbers = mistake["numbers"]
    A = BINARY64
    if numbers is not None and numbers.wrap:
        parts = {name: _in(numbers, part) for name, part in parts.items()}
    elif numbers is not None:
        A = numbers.A

    def next_state(state):
        (W, b), = step(A, x, y, [state], a, variant, parts)
        return W, b
    return next_state, A


def states(mistake, scenario):
    """The states (W, b) 0..N of the scenario run with the mistake (an entry or an id),
    through the core's one fixed-point detector."""
    x, y, W, b, a, n, variant = inputs(scenario)
    entry_ = BY_ID[mistake] if isinstance(mistake, str) else mistake
    numbers = entry_["numbers"]
    if numbers is not None and not numbers.wrap:
        def load(M):
            return [[numbers.load(v) for v in row] for row in M]
        x, y, W, b, a = load(x), load(y), load(W), numbers.load(b), numbers.load(a)
    next_state, A = stepper(entry_, x, y, a, variant)
    store = numbers.store if numbers is not None and not numbers.wrap else (lambda v: v)

    def key(state):
        W, b = state
        return [_bits(store(v)) for row in W for v in row] + [_bits(store(b))]
    for W_k, b_k in Trajectory(next_state, (W, b), n, key):
        yield [[store(v) for v in row] for row in W_k], store(b_k)


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


def trace_lines(state_list):
    """A trace as JSON lines, one entry per state (the format of golden/README.md)."""
    for k, (W, b) in enumerate(state_list):
        yield '{"iteration": %d, "bits": {"W": [%s], "b": "%s"}}\n' % (
            k, ", ".join("[%s]" % ", ".join('"%s"' % hex_bits(u) for u in row) for row in W),
            hex_bits(b))
