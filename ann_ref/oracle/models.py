"""What another backend may compute instead of the contract, as models: each is the
core's step (core.model.step) with some of its named parts replaced — or its numbers
replaced (binary32, flush-to-zero) — and nothing else written again.

A Model belongs to a cause of causes.py (its id) and says which variant it is (detail:
`fma:z`, `exp:fdlibm`). A pair is both replacements at once, its id the two ids joined
by '+' in alphabetical order. Every model is pure code: it gives the same bits on every
machine, whatever its libm or whether NumPy is installed.
"""
from ..core.arithmetic import BINARY64
from ..core.model import PARTS, step
from . import sums
from .arith import Extended, fdlibm_exp, float32, flush, fused_multiply_add, pow_exp, \
    rounded_arithmetic, tanh
from .causes import BY_ID, ORDER


class Model:
    """One way of computing the step: the cause it stands for, which variant, a
    sentence saying what the backend does, and the parts (or arithmetic) it replaces."""

    def __init__(self, cause, detail, does, parts=None, arithmetic=None):
        self.id, self.detail, self.does = cause, detail, does
        self.parts = dict(PARTS, **(parts or {}))
        self.replaced = set(parts or ()) | ({"arithmetic"} if arithmetic else set())
        self.A = arithmetic or BINARY64
        self.components = (self.name,)

    @property
    def name(self):
        if "+" in self.id:
            return self.detail
        return "%s:%s" % (self.id, self.detail) if self.detail else self.id

    def load(self, x, y, W, b, a):
        """The scenario's numbers as this backend holds them."""
        A = self.A
        if A is BINARY64:
            return x, y, W, b, a
        def matrix(M):
            return [[A.of(v) for v in row] for row in M]
        return matrix(x), matrix(y), matrix(W), A.of(b), A.of(a)

    def state(self, layers):
        """The bits (W bits, b bits) of one layer's state: what a trace records."""
        (W, b), = layers
        bits = self.A.bits
        return [[bits(v) for v in row] for row in W], bits(b)

    def step(self, x, y, W, b, a, variant, keep=False):
        """This model's step from (W, b), floats of the trace; with keep, also its
        intermediates (as core.model.step gives them)."""
        x, y, W, b, a = self.load(x, y, W, b, a)
        return step(self.A, x, y, [(W, b)], a, variant, self.parts, keep)

    def __repr__(self):
        return "<Model %s>" % self.name


def pair(m1, m2):
    """Both mistakes at once (they replace different parts)."""
    first, second = sorted((m1, m2), key=lambda m: m.id)
    parts = {k: v for m in (first, second) for k, v in m.parts.items() if k in m.replaced}
    model = type(first)("%s+%s" % (first.id, second.id), "%s+%s" % (first.name, second.name),
                        "%s; and %s" % (first.does, second.does), parts)
    model.components = (first.name, second.name)
    return model


# --- the parts, done other ways ----------------------------------------------------------

def z_dot(dot, b_first=False, indexed=False):
    """z whose Σ_f W[f][o]·x[f][j] is dot(pairs), then + b (or b the first term); an
    indexed dot (sums.py's matrix-vector products) is told the sample too, dot(pairs,
    j, S)."""
    def z(A, W, b, x):
        F, S = len(x), len(x[0])
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(S):
                pairs = [(W[f][o], x[f][j]) for f in range(F)]
                if indexed:
                    row.append(dot(pairs, j, S) + b)
                elif b_first:
                    row.append(dot([(b, 1.0)] + pairs))
                else:
                    row.append(dot(pairs) + b)
            out.append(row)
        return out
    return z


def dW_dot(dot, divide=True, indexed=False):
    """dW[f][o] = dot(pairs over j) / m (or the undivided sum, for a re-association); an
    indexed dot is told the feature too, dot(pairs, f, F)."""
    def dW(A, x, e, m):
        F = len(x)
        def total(f, xf, eo):
            pairs = list(zip(xf, eo))
            return dot(pairs, f, F) if indexed else dot(pairs)
        return [[total(f, xf, eo) / m if divide else total(f, xf, eo) for eo in e]
                for f, xf in enumerate(x)]
    return dW


def db_sum(reduce, divide=True, column_major=False):
    """db = reduce(every e) / m: row by row, or column by column."""
    def db(A, e, m, shared):
        if column_major:
            terms = [e[o][j] for j in range(len(e[0])) for o in range(len(e))]
        else:
            terms = [v for row in e for v in row]
        return reduce(terms) / m if divide else reduce(terms)
    return db


def dW_reciprocal(A, x, e, m):
    r = 1.0 / m
    return [[sums.left_to_right([p * q for p, q in zip(xf, eo)]) * r for eo in e]
            for xf in x]


def db_reciprocal(A, e, m, shared):
    return sums.left_to_right([v for row in e for v in row]) * (1.0 / m)


def update_with(new_weight):
    """The update part from a function of (w, a, g, m) for each weight: g the
    gradient (or the undivided sum, for a re-association)."""
    def update(A, P, a, dP, m=None):
        if type(P) is list:
            return [[new_weight(p, a, d) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
        return new_weight(P, a, dP)
    return update


def reassociated(style):
    """dW, db undivided, and an update that divides its own way: Σ·(a/m) ("a/m"),
    (a·Σ)/m ("a·Σ"), or one fused multiply-add W − Σ·(a/m) ("fused", XLA). The core's
    update is not given m, so the dW part, which is, keeps it for the update that
    follows it in the same step."""
    box = {}

    def dW(A, x, e, m):
        box["m"] = m
        return dW_dot(sums.rounded_products(sums.left_to_right), divide=False)(A, x, e, m)

    def db(A, e, m, shared):
        return db_sum(sums.left_to_right, divide=False)(A, e, m, shared)

    def new_weight(w, a, total):
        m = box["m"]
        if style == "a/m":
            return w - total * (a / m)
        if style == "a·Σ":
            return w - a * total / m
        return fused_multiply_add(-total, a / m, w)
    return {"dW": dW, "db": db, "update": update_with(new_weight)}


def t_with(f):
    return lambda A, z: [[f(-v) for v in row] for row in z]


def s_tanh(A, z, t):
    """0.5 + 0.5·tanh(z/2), each operation rounded (NaN stays NaN)."""
    return [[0.5 + 0.5 * tanh(0.5 * v) if v == v else v for v in row] for row in z]


def s_exp_ratio(A, z, t):
    """exp(z) / (1 + exp(z)) everywhere (inf / inf is NaN where exp(z) overflows)."""
    return [[u / (1.0 + u) for u in [A.exp(v) for v in row]] for row in z]


def s_split(A, z, t):
    """The 'numerically stable' split: 1 / (1 + exp(−z)) for z ≥ 0, exp(z) / (1 +
    exp(z)) below."""
    out = []
    for rz, rt in zip(z, t):
        row = []
        for v, u in zip(rz, rt):
            if v >= 0 or v != v:
                row.append(1.0 / (1.0 + u))
            else:
                w = A.exp(v)
                row.append(w / (1.0 + w))
        out.append(row)
    return out


def y_pred_strict(A, s):
    return [[1.0 if v > 0.5 else 0.0 for v in row] for row in s]


def _integral(M):
    return all(v == v and v - v == 0.0 and v == int(v) for row in M for v in row)


def e_integer(A, u, y):
    """e = y_pred − y in integers where both are integral (the article's int64)."""
    if not (_integral(u) and _integral(y)):
        return PARTS["e"](A, u, y)
    return [[int(p) - int(q) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]


def dW_integer(A, x, e, m):
    """x·eᵀ in integers where x and e are integral (an int64 matrix product), else as
    the contract."""
    if not (_integral(x) and all(type(v) is int for row in e for v in row)):
        return PARTS["dW"](A, x, [[float(v) for v in row] for row in e], m)
    out = []
    for xf in x:
        row = []
        for eo in e:
            total = 0
            for p, q in zip(xf, eo):
                total += int(p) * q
            row.append(float(total) / m)
        out.append(row)
    return out


def db_integer(A, e, m, shared):
    values = [v for row in e for v in row]
    if all(type(v) is int for v in values):
        total = 0
        for v in values:
            total += v
        return float(total) / m
    return PARTS["db"](A, [[float(v) for v in row] for row in e], m, shared)


def update_fused(A, P, a, dP):
    if type(P) is list:
        return [[fused_multiply_add(-a, d, p) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
    return fused_multiply_add(-a, dP, P)


# --- x87 extended precision --------------------------------------------------------------

def _guarded(extended, plain):
    """inf and NaN are IEEE's in the x87 too: such an entry is computed plainly."""
    def part(*args):
        try:
            return extended(*args)
        except (OverflowError, ValueError):
            return plain(*args)
    return part


def x87_parts(precision=64, divide_in_register=False, everything=False, b_stored=False):
    """x87 registers: the sums of z, dW and db with a `precision`-bit significand and a
    wide exponent, stored to binary64 once (64 bits: the x87 default; 53: precision
    control set to double, which still rounds subnormal results twice); divided by m in
    the register too, or (everything) s = 1 / (1 + t) and the update as well; with
    b_stored, z's sum of products is stored before b is added."""
    X = Extended(precision)

    def dot(us, vs):
        acc = X.mul(X.load(us[0]), X.load(vs[0]))
        for u, v in zip(us[1:], vs[1:]):
            acc = X.add(acc, X.mul(X.load(u), X.load(v)))
        return acc

    def finish(acc, m):
        if divide_in_register:
            return X.binary64(X.div(acc, X.load(m)))
        return X.binary64(acc) / m

    def z(A, W, b, x):
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(len(x[0])):
                acc = dot([W[f][o] for f in range(len(x))], [x[f][j] for f in range(len(x))])
                row.append(X.binary64(acc) + b if b_stored else
                           X.binary64(X.add(acc, X.load(b))))
            out.append(row)
        return out

    def dW(A, x, e, m):
        return [[finish(dot(xf, eo), m) for eo in e] for xf in x]

    def db(A, e, m, shared):
        values = [v for row in e for v in row]
        acc = X.load(values[0])
        for v in values[1:]:
            acc = X.add(acc, X.load(v))
        return finish(acc, m)

    parts = {"z": _guarded(z, PARTS["z"]), "dW": _guarded(dW, PARTS["dW"]),
             "db": _guarded(db, PARTS["db"])}
    if everything:
        def s(A, z, t):
            one = X.load(1.0)
            return [[X.binary64(X.div(one, X.add(one, X.load(v)))) if 0.0 < v < float("inf")
                     else 1.0 / (1.0 + v) for v in row] for row in t]

        def new_weight(w, a, g):
            try:
                return X.binary64(X.add(X.load(w), X.mul(X.load(-a), X.load(g))))
            except (OverflowError, ValueError):
                return w - a * g
        parts.update({"s": s, "update": update_with(new_weight)})
    return parts


def x87_sigmoid(exp_in_register=True):
    """s = 1 / (1 + t) in x87 80-bit registers and rounded to binary64 when stored; with
    exp_in_register, t is e^−z to a 64-bit significand, as i386's libm returns exp in
    st(0), not the binary64 exp the contract rounds to."""
    X = Extended(64)
    one = X.load(1.0)

    def s(A, z, t):
        out = []
        for rz, rt in zip(z, t):
            row = []
            for v, u in zip(rz, rt):
                if not 0.0 < u < float("inf"):
                    row.append(1.0 / (1.0 + u) if u == u else u)
                    continue
                t80 = X.exp(-v) if exp_in_register else X.load(u)
                row.append(X.binary64(X.div(one, X.add(one, t80))))
            out.append(row)
        return out
    return s


# --- the models ------------------------------------------------------------------------

FLOAT32 = rounded_arithmetic("binary32", float32, lambda v: float32(BINARY64.exp(v)))
FLUSHED = rounded_arithmetic("binary64, subnormals flushed", flush,
                             lambda v: flush(BINARY64.exp(flush(v))))
FTZ = rounded_arithmetic("binary64, subnormal results flushed", flush, BINARY64.exp, False)

dot_of = sums.rounded_products
MODELS = [
    Model("exp", "fdlibm", "exp is fdlibm's, as V8's Math.exp (Node.js, browsers) "
          "computes it", {"t": t_with(fdlibm_exp)}),
    Model("exp", "pow", "exp(v) is computed as a power of the binary64 e (math.e ** v, "
          "Math.pow(Math.E, v), np.power(np.e, v))", {"t": t_with(pow_exp)}),
    Model("bias-first", "", "b is added first, b + Wᵀx",
          {"z": z_dot(dot_of(sums.left_to_right), b_first=True)}),
    Model("threshold-strict", "", "y_pred is 1 only where s > 0.5",
          {"y_pred": y_pred_strict}),
    Model("integer-error", "", "the error e is kept in integers (y_pred and y int64, as "
          "the article's NumPy code), which gives +0.0 where the spec gives −0.0",
          {"e": e_integer, "dW": dW_integer, "db": db_integer}),
    Model("sum-from-zero", "", "the sums start from 0.0, which turns a sum of −0.0 terms "
          "into +0.0", {"z": z_dot(dot_of(sums.from_zero)),
                        "dW": dW_dot(dot_of(sums.from_zero)),
                        "db": db_sum(sums.from_zero)}),
    Model("fma", "z", "z is summed with fused multiply-adds (a compiler contracting "
          "a·b + c)", {"z": z_dot(sums.fma_chain)}),
    Model("fma", "dW", "dW is summed with fused multiply-adds (a compiler contracting "
          "a·b + c)", {"dW": dW_dot(sums.fma_chain)}),
    Model("fused-update", "", "the update W − a·dW is one fused multiply-add",
          {"update": update_fused}),
    Model("fma+fused-update", "fma:z+fma:dW+fused-update", "every a·b + c is contracted "
          "into a fused multiply-add: in z, in dW and in the update",
          {"z": z_dot(sums.fma_chain), "dW": dW_dot(sums.fma_chain), "update": update_fused}),
    Model("sum-order", "dW-reverse", "dW is summed from the last sample to the first",
          {"dW": dW_dot(dot_of(sums.reverse))}),
    Model("sum-order", "dW-numpy", "dW is summed as NumPy sums `(x * e).sum(axis=1)`: "
          "pairwise, from +0.0", {"dW": dW_dot(dot_of(sums.numpy_sum))}),
    Model("sum-order", "dW-halves", "dW is summed pairwise by halves",
          {"dW": dW_dot(dot_of(sums.halves))}),
    Model("sum-order", "dW-python-sum", "dW is summed by Python's sum() (3.12 and later: "
          "compensated)", {"dW": dW_dot(dot_of(sums.python_sum))}),
    Model("sum-order", "dW-exact", "dW is summed exactly, rounded once (math.fsum)",
          {"dW": dW_dot(dot_of(sums.exact))}),
    Model("sum-order", "halves", "every sum is pairwise by halves (z, dW and db)",
          {"z": z_dot(dot_of(sums.halves)), "dW": dW_dot(dot_of(sums.halves)),
           "db": db_sum(sums.halves)}),
    Model("sum-order", "numpy", "dW and db are summed as NumPy sums "
          "(`(x * e).sum(axis=1)`, `e.sum()`)",
          {"dW": dW_dot(dot_of(sums.numpy_sum)), "db": db_sum(sums.numpy_sum)}),
    Model("sum-order", "db-numpy", "db is summed with np.sum (pairwise, from +0.0)",
          {"db": db_sum(sums.numpy_sum)}),
    Model("sum-order", "db-halves", "db is summed pairwise by halves",
          {"db": db_sum(sums.halves)}),
    Model("sum-order", "db-python-sum", "db is summed by Python's sum() (3.12 and later: "
          "compensated)", {"db": db_sum(sums.python_sum)}),
    Model("sum-order", "db-column-major", "db sums e column by column (sample by sample)",
          {"db": db_sum(sums.left_to_right, column_major=True)}),
    Model("sum-order", "db-reverse", "db is summed from the last entry to the first",
          {"db": db_sum(sums.reverse)}),
    Model("sum-order", "z-reverse", "z is summed from the last feature to the first",
          {"z": z_dot(dot_of(sums.reverse))}),
    Model("reassociation", "", "a·(Σ/m) is re-associated into Σ·(a/m) (XLA, -ffast-math)",
          reassociated("a/m")),
    Model("reassociation", "scaled-first", "a·(Σ/m) is computed as (a·Σ)/m: the learning "
          "rate applied to the sum before the mean (a·np.dot(x, e.T) / m)",
          reassociated("a·Σ")),
    Model("reassociation", "fused", "a·(Σ/m) is re-associated into Σ·(a/m) and the "
          "update fused into one multiply-add, W − Σ·(a/m) (XLA's jit)",
          reassociated("fused")),
    Model("division-by-reciprocal", "", "Σ / m is computed as Σ · (1/m)",
          {"dW": dW_reciprocal, "db": db_reciprocal}),
    Model("sigmoid-form", "split", "s is the 'numerically stable' split, exp(z) / (1 + "
          "exp(z)) for z < 0", {"s": s_split}),
    Model("sigmoid-form", "exp-ratio", "s is exp(z) / (1 + exp(z))", {"s": s_exp_ratio}),
    Model("sigmoid-form", "tanh", "s is 0.5 + 0.5·tanh(z/2) (a correctly rounded tanh)",
          {"s": s_tanh}),
    Model("blas-dot", "gemm", "Wᵀx and x·eᵀ are matrix products whose kernel accumulates "
          "each entry with FMA from 0.0 (BLAS dgemm)",
          {"z": z_dot(sums.gemm), "dW": dW_dot(sums.gemm)}),
    Model("blas-dot", "ddot-haswell", "each z and dW is OpenBLAS's ddot on AVX2 (16 FMA "
          "lanes, then the rest one by one)",
          {"z": z_dot(sums.ddot_haswell), "dW": dW_dot(sums.ddot_haswell)}),
    Model("blas-dot", "ddot-skylakex", "each z and dW is OpenBLAS's ddot on AVX-512 (32 "
          "and 16 FMA lanes, then the rest fused one by one)",
          {"z": z_dot(sums.ddot_skylakex), "dW": dW_dot(sums.ddot_skylakex)}),
    Model("blas-dot", "gemv-skylakex", "z = np.dot(W.T, x) and dW = np.dot(x, e.T) with "
          "one output are NumPy's matrix-vector products, OpenBLAS's dgemv on AVX-512: z "
          "by dgemv_n (each sample's sum takes four features at a time in one FMA chain; "
          "the last N mod 4 samples one FMA chain over all features), dW by dgemv_t (four "
          "FMA lanes for each group of four features, lanes of rounded products for the "
          "last F mod 4; the last N mod 4 samples fused in after)",
          {"z": z_dot(sums.numpy_row_times_matrix("skylakex"), indexed=True),
           "dW": dW_dot(sums.numpy_matrix_times_column("skylakex"), indexed=True)}),
    Model("blas-dot", "gemv-haswell", "z = np.dot(W.T, x) and dW = np.dot(x, e.T) with "
          "one output are NumPy's matrix-vector products, OpenBLAS's dgemv on AVX2: z by "
          "dgemv_n (each sample's sum takes four features at a time as two FMA pairs "
          "added; the last N mod 4 samples a chain of rounded products), dW by dgemv_t "
          "(as on AVX-512: four FMA lanes, the last N mod 4 samples fused in after)",
          {"z": z_dot(sums.numpy_row_times_matrix("haswell"), indexed=True),
           "dW": dW_dot(sums.numpy_matrix_times_column("haswell"), indexed=True)}),
] + [
    Model("blas-dot", "lanes-%d" % k, "Wᵀx and x·eᵀ are blocked dot products (%d FMA "
          "accumulators)" % k, {"z": z_dot(sums.lanes(k)), "dW": dW_dot(sums.lanes(k))})
    for k in (4, 8, 16)
] + [
    Model("extended-precision", "x87", "sums are kept in x87 80-bit registers (64-bit "
          "significand) and rounded to binary64 once", x87_parts()),
    Model("extended-precision", "x87-divide", "sums and their division by m are kept in "
          "x87 80-bit registers and rounded to binary64 once", x87_parts(64, True)),
    Model("extended-precision", "x87-all", "every expression is evaluated in x87 80-bit "
          "registers (z, 1 / (1 + t), Σ / m, W − a·dW) and rounded to binary64 when stored",
          x87_parts(64, True, True)),
    Model("extended-precision", "x87-all-z-stored", "every expression is evaluated in x87 "
          "80-bit registers, and z's Σ W·x stored before b is added",
          x87_parts(64, True, True, True)),
    Model("extended-precision", "x87-pc53", "x87 with 53-bit precision control: binary64 "
          "significands but a wide exponent, so subnormal results are rounded twice",
          x87_parts(53, True)),
    Model("flush-subnormals", "", "subnormal results and inputs are flushed to zero "
          "(FTZ/DAZ, as XLA on CPU and -ffast-math do)", arithmetic=FLUSHED),
    Model("flush-subnormals", "ftz", "subnormal results are flushed to zero (FTZ; "
          "subnormal inputs kept)", arithmetic=FTZ),
    Model("float32", "", "the backend computes in binary32 (torch's and many GPUs' "
          "default dtype)", arithmetic=FLOAT32),
]
MODELS.sort(key=lambda m: ORDER[m.id.split("+")[0]])    # stable: details keep their order

# pairs that real backends make: GCC's -march=haswell contracts the sums and the update
# into FMAs; XLA's jit fuses the update and calls its own exp
COMMON_PAIRS = ("fma+fused-update", "exp+fused-update", "blas-dot+fused-update")


def pairable(m):
    return "+" not in m.id and BY_ID[m.id].pairable and "arithmetic" not in m.replaced


def pairs_with(singles, others):
    """Every pair of a model of `singles` with one of `others` that replace disjoint
    parts and have different ids."""
    seen = set()
    for m1 in singles:
        for m2 in others:
            if m1.id == m2.id or not (pairable(m1) and pairable(m2)):
                continue
            if m1.replaced & m2.replaced:
                continue
            key = tuple(sorted((m1.name, m2.name)))
            if key not in seen:
                seen.add(key)
                yield pair(m1, m2)


SPEC = Model("spec", "", "the contract")
