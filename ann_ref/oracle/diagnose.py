"""Why a trace diverges: the diverging step recomputed from the last agreeing state,
with its intermediate values, and the usual mistakes tried one at a time.

Each hypothesis is the reference step with one operation done the way another backend
commonly does it (libm's exp, an FMA, another summation order, another sigmoid formula
...). A hypothesis whose result has exactly the obtained bits is named as the likely
cause. The step is taken apart here (z, exp(−z), s, y_pred, e, dW, db, update) with the
model's own functions; a test checks that, unchanged, it is model.step bit for bit.
"""
import math
from fractions import Fraction

from ..core.bits import bits_to_float, float_to_bits
from .compare import show
from ..core.exponential import exp
from ..core.matrix import add_scalar, divide, dot, scale, subtract, total, transpose
from ..core.model import THRESHOLD, predict

INF = float("inf")


# --- the step, in parts ---------------------------------------------------------------

def parts(x, y, W, b, a, variant, z_of=None, exp_of=exp, s_of=None, predict_of=predict,
          dW_of=None, db_of=None, update_of=None):
    """Every intermediate of one step, as a dict; any part can be replaced."""
    m = len(x[0])
    z = z_of(W, b, x) if z_of else add_scalar(dot(transpose(W), x), b)
    e_z = [[exp_of(-v) for v in row] for row in z]                       # exp(−z)
    s = s_of(z, e_z) if s_of else [[1.0 / (1.0 + v) for v in row] for row in e_z]
    y_pred = predict_of(s)
    e = subtract(y_pred if variant == THRESHOLD else s, y)
    dW = dW_of(x, e, m) if dW_of else divide(dot(x, transpose(e)), m)
    db = db_of(e, m) if db_of else total(e) / m
    if update_of:
        W_next, b_next = update_of(W, b, a, dW, db)
    else:
        W_next, b_next = subtract(W, scale(a, dW)), b - a * db
    return {"z": z, "exp(−z)": e_z, "s": s, "y_pred": y_pred, "e": e, "dW": dW, "db": db,
            "W": W_next, "b": b_next}


# --- exact helpers for the hypotheses (whole standard library allowed here) -------------

def fused_multiply_add(p, q, r):
    """p*q + r rounded once, as a fused multiply-add does."""
    try:
        return float(Fraction(p) * Fraction(q) + Fraction(r))
    except (ValueError, OverflowError):   # inf or NaN: no rounding to speak of
        return p * q + r


def _dot_with(reduce):
    def dot_(A, B):
        Bt = transpose(B)
        return [[reduce([p * q for p, q in zip(row, col)], row, col) for col in Bt] for row in A]
    return dot_


def _fma_chain(products, row, col):
    acc = row[0] * col[0]
    for p, q in zip(row[1:], col[1:]):
        acc = fused_multiply_add(p, q, acc)
    return acc


def _reversed(products, row, col):
    acc = products[-1]
    for v in reversed(products[:-1]):
        acc = acc + v
    return acc


def numpy_pairwise(values):
    """NumPy's float summation (np.sum, np.add.reduce): 8 partial sums for blocks up to
    128, halves beyond, a plain loop from 0.0 below 8 values."""
    n = len(values)
    if n < 8:
        acc = 0.0
        for v in values:
            acc = acc + v
        return acc
    if n <= 128:
        r = list(values[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] = r[j] + values[i + j]
            i += 8
        acc = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for v in values[i:]:
            acc = acc + v
        return acc
    half = n // 2
    half -= half % 8
    return numpy_pairwise(values[:half]) + numpy_pairwise(values[half:])


def _pairwise(products, row, col):
    return numpy_pairwise(products)


def _from_zero(products, row, col):
    acc = 0.0
    for v in products:
        acc = acc + v
    return acc


def _z_b_first(W, b, x):
    z = []
    for column in transpose(W):
        z.append([])
        for sample in transpose(x):
            acc = b
            for w, v in zip(column, sample):
                acc = acc + w * v
            z[-1].append(acc)
    return z


def _exp_libm(v):
    try:
        return math.exp(v)
    except OverflowError:
        return INF


def _nudged(target, direction):
    """exp, but one ULP up (direction 1) or down (-1) for the one element `target`."""
    index = [0]

    def exp_(v):
        r = exp(v)
        if index[0] == target and r == r and 0 < r < INF:
            r = bits_to_float(float_to_bits(r) + direction)
        index[0] += 1
        return r
    return exp_


def _s_from_exp_z(z, e_z):           # s = e^z / (1 + e^z)
    out = []
    for row in z:
        out.append([])
        for v in row:
            t = exp(v)
            out[-1].append(t / (1.0 + t) if t < INF else 1.0)
    return out


def _s_stable(z, e_z):               # the "numerically stable" form of scipy, torch ...
    return [[1.0 / (1.0 + ez) if v >= 0 else exp(v) / (1.0 + exp(v)) for v, ez in zip(rz, re)]
            for rz, re in zip(z, e_z)]


def _s_tanh(z, e_z):
    return [[0.5 * (1.0 + math.tanh(v / 2)) for v in row] for row in z]


def _update_fma(W, b, a, dW, db):
    return ([[fused_multiply_add(-a, g, w) for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)],
            fused_multiply_add(-a, db, b))


def _no_signed_zero(v):
    return 0.0 if v == 0 else v


HYPOTHESES = [
    ("the platform's libm exp (math.exp on this machine), which is not correctly rounded "
     "for every argument", dict(exp_of=_exp_libm)),
    ("z summed with fused multiply-adds (as BLAS kernels and compilers with -ffp-contract "
     "do); the spec has no FMA",
     dict(z_of=lambda W, b, x: add_scalar(_dot_with(_fma_chain)(transpose(W), x), b))),
    ("z summed in reverse order; the spec sums left to right",
     dict(z_of=lambda W, b, x: add_scalar(_dot_with(_reversed)(transpose(W), x), b))),
    ("z summed pairwise (NumPy's way); the spec sums left to right",
     dict(z_of=lambda W, b, x: add_scalar(_dot_with(_pairwise)(transpose(W), x), b))),
    ("z with b added first (b + Wᵀx); the spec adds b last", dict(z_of=_z_b_first)),
    ("s computed as exp(z) / (1 + exp(z)); the spec is 1 / (1 + exp(−z))",
     dict(s_of=_s_from_exp_z)),
    ("s computed in the 'numerically stable' form (exp(z) / (1 + exp(z)) for z < 0, as "
     "scipy.special.expit and torch.sigmoid do); the spec is 1 / (1 + exp(−z))",
     dict(s_of=_s_stable)),
    ("s computed with tanh: (1 + tanh(z/2)) / 2; the spec is 1 / (1 + exp(−z))",
     dict(s_of=_s_tanh)),
    ("y_pred = 1 only where s > 0.5; the spec (the article) has s ≥ 0.5",
     dict(predict_of=lambda s: [[1.0 if v > 0.5 else 0.0 for v in row] for row in s])),
    ("dW summed with fused multiply-adds; the spec has no FMA",
     dict(dW_of=lambda x, e, m: divide(_dot_with(_fma_chain)(x, transpose(e)), m))),
    ("dW summed pairwise (NumPy's way); the spec sums left to right",
     dict(dW_of=lambda x, e, m: divide(_dot_with(_pairwise)(x, transpose(e)), m))),
    ("dW summed in reverse order; the spec sums left to right",
     dict(dW_of=lambda x, e, m: divide(_dot_with(_reversed)(x, transpose(e)), m))),
    ("db summed with np.sum (pairwise); the spec sums left to right",
     dict(db_of=lambda e, m: numpy_pairwise([v for row in e for v in row]) / m)),
    ("dW summed from 0.0, which turns a sum of −0.0 products into +0.0; the spec starts "
     "from the first term",
     dict(dW_of=lambda x, e, m: divide(_dot_with(_from_zero)(x, transpose(e)), m))),
    ("dW and db with +0.0 where the spec gives −0.0 (an error e kept in integers, as the "
     "article's NumPy code does)",
     dict(dW_of=lambda x, e, m: [[_no_signed_zero(v) for v in row]
                                 for row in divide(dot(x, transpose(e)), m)],
          db_of=lambda e, m: _no_signed_zero(total(e)) / m)),
    ("the update fused: W − a·dW as one FMA; the spec rounds a·dW first",
     dict(update_of=_update_fma)),
]


def _trials(outputs, samples):
    """The hypotheses, most common first: libm's exp, then one exp(−z) one ULP off
    (a misrounded exp: the first thing to suspect), then everything else."""
    yield HYPOTHESES[0]
    for target in range(min(outputs * samples, 64)):
        o, j = divmod(target, samples)
        for direction in (1, -1):
            yield ("exp(−z) of sample %d%s one ULP %s: an exp that is not correctly "
                   "rounded (libm's, V8's Math.exp, NumPy's SIMD exp ...)" % (
                       j, "" if outputs == 1 else " of output %d" % o,
                       "high" if direction > 0 else "low"),
                   dict(exp_of=_nudged(target, direction)))
    for hypothesis in HYPOTHESES[1:]:
        yield hypothesis


class Diagnosis:
    """The diverging step k, recomputed from iteration k − 1, and what explains it."""

    def __init__(self, k, steps, causes, notes):
        self.k, self.steps, self.causes, self.notes = k, steps, causes, notes

    def lines(self):
        """(the recomputed step, the likely causes and hints), as lines."""
        steps = ["step %d recomputed from iteration %d, where every bit agrees:"
                 % (self.k, self.k - 1)] if self.steps else []
        for name in ("z", "exp(−z)", "s", "y_pred", "e", "dW", "db"):
            if name in self.steps:
                steps.append("  %-8s %s" % (name, _values(self.steps[name])))
        causes = ["likely cause: " + cause for cause in self.causes]
        causes += ["hint: " + note for note in self.notes]
        return steps, causes


def _values(v, most=4):
    flat = [u for row in v for u in row] if isinstance(v, list) else [v]
    shown = ", ".join(show(float_to_bits(u)) for u in flat[:most])
    return shown + (", ... (%d values)" % len(flat) if len(flat) > most else "")


def _matches(result, obtained):
    W, b = result
    W_o, b_o = obtained
    return [[_bits(v) for v in row] for row in W] == W_o and _bits(b) == b_o


def _bits(v):
    return 0x7FF8000000000000 if v != v else float_to_bits(v)


def _floats(W_bits, b_bits):
    return [[bits_to_float(n) for n in row] for row in W_bits], bits_to_float(b_bits)


def explain(report):
    """Attach a Diagnosis to a report with a first divergence."""
    first = report.first
    if first is None or report.expected_state is None:
        return
    s = report.scenario
    notes = []
    W_o, b_o = report.obtained_state
    if all(n & 0x1FFFFFFF == 0 for n in [v for row in W_o for v in row] + [b_o]) and \
            not all(n & 0x1FFFFFFF == 0 for row in report.expected_state[0] for n in row):
        notes.append("every obtained value fits in float32: the backend seems to compute "
                     "in single precision (torch's and many GPUs' default); the spec is "
                     "binary64")
    if report.before is None:
        notes.append("iteration 0 is the initial state: read W and b from the scenario's "
                     "bits, or parse its decimals with a correctly rounded parser")
        report.diagnosis = Diagnosis(0, {}, [], notes)
        return
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    W, b = _floats(*report.before)
    steps = parts(x, y, W, b, a, variant)
    causes = []
    for explanation, change in _trials(len(y), len(x[0])):
        try:
            trial = parts(x, y, W, b, a, variant, **change)
        except (ArithmeticError, ValueError):
            continue
        if _matches((trial["W"], trial["b"]), (W_o, b_o)):
            causes.append(explanation)
    if not causes:
        unchanged = _matches((W, b), report.expected_state)
        notes.append("the reference step changes nothing here (every error e is 0), yet "
                     "the trace changed: look at e = y_pred − y and at the update"
                     if unchanged else _guess(report))
    report.diagnosis = Diagnosis(first.k, steps, causes[:3], notes)


def _guess(report):
    only_b = all(d.field == "b" for d in report.divergences if d.k == report.first.k)
    small = report.first.ulps is not None and report.first.ulps <= 4
    if only_b and small:
        return ("only b differs, by a few ULPs: look at the order of the sum in db "
                "(row by row, left to right, from the first term) and at b − a·db")
    if only_b:
        return "only b differs: look at db = Σe / m and at b − a·db"
    if small:
        return ("the values differ by a few ULPs: look at rounding, not formulas — the "
                "order of the sums, FMA, and exp (the spec's steps 1 to 7)")
    return ("the values differ by far more than rounding: look at the formulas, the "
            "shapes (x is features × samples) and the learning rate")
