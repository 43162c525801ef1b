"""What another backend may compute instead of the spec: each cause of a divergence
is the spec's step with one part replaced, identified by a stable id.

The step is taken apart as docs/SPEC.md §3 numbers it:

    z(W, b, x)              step 1, the weighted sum
    t(z)                    step 2, exp(−z) of every entry
    s(z, t)                 step 3, the sigmoid
    y_pred(s)               step 4
    dW(x, e, m), db(e, m)   steps 6 and 7 (e, step 5, is y_pred − y or s − y)
    update(W, b, a, dW, db, m)   step 8

A Hypothesis replaces some of these parts. Its id is the cause (`fma`, `exp`, ...;
docs/SPEC.md §6 lists them with their fix), its detail says which variant (`fma:z`,
`exp:libm`). A pair of causes is both replacements at once, its id the two ids joined
by '+' in alphabetical order.

Everything here is written from the spec and from the libraries' documented behaviour
(fdlibm's source for V8, NumPy itself where it is installed); nothing certifies itself:
the tests plant mistakes written elsewhere and check that these find them.
"""
import math

from ..core.exponential import exp
from ..core.model import THRESHOLD
from .arith import INF, Extended, fdlibm_exp, float32, flush, fused_multiply_add

try:                                    # optional: NumPy's own exp, sums and dot
    import numpy
except ImportError:                     # pragma: no cover - NumPy is a test dependency
    numpy = None


# --- the spec's parts ------------------------------------------------------------------

def z_spec(W, b, x):
    F, S = len(x), len(x[0])
    z = []
    for o in range(len(W[0])):
        row = []
        for j in range(S):
            acc = W[0][o] * x[0][j]
            for f in range(1, F):
                acc = acc + W[f][o] * x[f][j]
            row.append(acc + b)
        z.append(row)
    return z


def t_spec(z):
    return [[exp(-v) for v in row] for row in z]


def s_spec(z, t):
    return [[1.0 / (1.0 + v) for v in row] for row in t]


def y_pred_spec(s):
    return [[1.0 if v >= 0.5 else 0.0 for v in row] for row in s]


def _dW_with(reduce):
    """dW[f][o] = reduce(x[f][j]·e[o][j] for every j) / m."""
    def dW(x, e, m):
        return [[reduce([p * q for p, q in zip(xf, eo)]) / m for eo in e] for xf in x]
    return dW


def left_to_right(values):
    acc = values[0]
    for v in values[1:]:
        acc = acc + v
    return acc


dW_spec = _dW_with(left_to_right)


def db_spec(e, m):
    return left_to_right([v for row in e for v in row]) / m


def update_spec(W, b, a, dW, db, m):
    return [[w - a * g for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)], b - a * db


SPEC_PARTS = {"z": z_spec, "t": t_spec, "s": s_spec, "y_pred": y_pred_spec,
              "dW": dW_spec, "db": db_spec, "update": update_spec}


def run_step(x, y, W, b, a, variant, parts=None, cache=None):
    """Every intermediate of one step, as a dict, with `parts` replacing the spec's.

    cache: a dict kept across calls on the same state, so that hypotheses sharing the
    first parts of the step (most pairs) compute them once."""
    p = SPEC_PARTS if not parts else dict(SPEC_PARTS, **parts)
    cache = {} if cache is None else cache

    def stage(key, compute):
        if key not in cache:
            cache[key] = compute()
        return cache[key]
    m = float(len(x[0]))
    k = (p["z"],)
    z = stage(k, lambda: p["z"](W, b, x))
    k += (p["t"],)
    t = stage(k, lambda: p["t"](z))
    k += (p["s"],)
    s = stage(k, lambda: p["s"](z, t))
    k += (p["y_pred"],)
    y_pred = stage(k, lambda: p["y_pred"](s))
    k += (p.get("e"),)

    def error():
        if "e" in p:
            return p["e"](variant, y_pred, s, y, x)
        source = y_pred if variant == THRESHOLD else s
        return [[u - v for u, v in zip(ru, rv)] for ru, rv in zip(source, y)]
    e = stage(k, error)
    dW = stage(k + ("dW", p["dW"]), lambda: p["dW"](x, e, m))
    db = stage(k + ("db", p["db"]), lambda: p["db"](e, m))
    W_next, b_next = stage(k + (p["dW"], p["db"], p["update"]),
                           lambda: p["update"](W, b, a, dW, db, m))
    return {"z": z, "exp(−z)": t, "s": s, "y_pred": y_pred, "e": e, "dW": dW, "db": db,
            "W": W_next, "b": b_next}


# --- sums in other orders --------------------------------------------------------------

def from_zero(values):
    acc = 0.0
    for v in values:
        acc = acc + v
    return acc


def reverse(values):
    return left_to_right(values[::-1])


def numpy_pairwise(values):
    """NumPy's pairwise summation of a contiguous run (pairwise_sum in its loops):
    a plain loop from −0.0 below 8 values, 8 running sums up to 128, halves above."""
    n = len(values)
    if n < 8:
        acc = -0.0
        for v in values:
            acc = acc + v
        return acc
    if n <= 128:
        r = list(values[:8])
        i = 8
        while i < n - n % 8:
            for k in range(8):
                r[k] = r[k] + values[i + k]
            i += 8
        acc = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for v in values[i:]:
            acc = acc + v
        return acc
    half = n // 2
    half -= half % 8
    return numpy_pairwise(values[:half]) + numpy_pairwise(values[half:])


def halves(values):
    """Pairwise summation by halves: the sum of the first ⌊n/2⌋ values plus the sum of
    the rest, down to single values."""
    n = len(values)
    if n == 1:
        return values[0]
    return halves(values[:n // 2]) + halves(values[n // 2:])


def openblas_ddot(pairs):
    """OpenBLAS's ddot on x86-64 with AVX2 (ddot_microk_haswell): the first n − n % 16
    products fused into 16 lanes (4 registers of 4) from 0.0; the registers added
    pairwise, the 4 lanes left reduced as (l0 + l2) + (l1 + l3); then the remaining
    products added one by one, each product rounded."""
    n = len(pairs) - len(pairs) % 16
    total = 0.0
    if n:
        lanes = [0.0] * 16
        for i in range(n):
            p, q = pairs[i]
            lanes[i % 16] = fused_multiply_add(p, q, lanes[i % 16])
        r01 = [lanes[i] + lanes[4 + i] for i in range(4)]
        r23 = [lanes[8 + i] + lanes[12 + i] for i in range(4)]
        r = [r01[i] + r23[i] for i in range(4)]
        total = (r[0] + r[2]) + (r[1] + r[3])
    for p, q in pairs[n:]:
        total = total + p * q
    return total


def numpy_sum(values):
    """np.sum of a 1-d float64 array: NumPy itself where installed; otherwise its
    reduction, the first value plus the pairwise sum of the rest."""
    if numpy is not None:
        with numpy.errstate(all="ignore"):
            return float(numpy.sum(numpy.array(values, dtype=numpy.float64)))
    if len(values) == 1:
        return values[0]
    return values[0] + numpy_pairwise(values[1:])


def fma_chain(pairs, start=None):
    """Σ p·q with each product fused into the running sum; from the first product
    rounded (start None), or from `start` (0.0 for a BLAS kernel)."""
    if start is None:
        acc = pairs[0][0] * pairs[0][1]
        pairs = pairs[1:]
    else:
        acc = start
    for p, q in pairs:
        acc = fused_multiply_add(p, q, acc)
    return acc


def blocked_fma_dot(pairs, lanes):
    """A vectorised dot product (OpenBLAS's ddot kernels): `lanes` running sums from 0.0,
    each fed by FMAs with every lanes-th product, added lane after lane, the remainder
    fused in afterwards."""
    acc = [0.0] * lanes
    n = len(pairs) - len(pairs) % lanes
    for i in range(n):
        p, q = pairs[i]
        acc[i % lanes] = fused_multiply_add(p, q, acc[i % lanes])
    total = acc[0]
    for v in acc[1:]:
        total = total + v
    for p, q in pairs[n:]:
        total = fused_multiply_add(p, q, total)
    return total


def _quiet(f):
    """NumPy's own computation, without its warnings: inf and NaN are values here."""
    def quiet(*args):
        with numpy.errstate(all="ignore"):
            return f(*args)
    return quiet


# --- parts: step 1, z ------------------------------------------------------------------

def _z_with(reduce, b_first=False):
    """z with every product rounded, then summed by `reduce` (with b first if b_first,
    else b added last)."""
    def over_products(pairs, *b):
        return reduce(list(b) + [p * q for p, q in pairs])
    return _z_pairs(over_products, b_first)


def _z_pairs(reduce, b_first=False):
    """z from the pairs (W[f][o], x[f][j]) of each sum, reduced by `reduce` (given b too
    if b_first, else b added last): for sums that do not round each product (FMA)."""
    def z(W, b, x):
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(len(x[0])):
                pairs = [(W[f][o], x[f][j]) for f in range(len(x))]
                row.append(reduce(pairs, b) if b_first else reduce(pairs) + b)
            out.append(row)
        return out
    return z


@_quiet
def _z_numpy_dot(W, b, x):
    Wt = numpy.array(W, dtype=numpy.float64).T
    return (numpy.dot(Wt, numpy.array(x, dtype=numpy.float64)) + b).tolist()


# --- parts: steps 2 and 3, exp and the sigmoid ------------------------------------------

def _libm_exp(v):
    try:
        return math.exp(v)
    except OverflowError:
        return INF


def _pow_exp(v):
    try:
        return math.e ** v
    except OverflowError:
        return INF


def _t_with(f):
    return lambda z: [[f(-v) for v in row] for row in z]


def _t_numpy(z):
    with numpy.errstate(all="ignore"):
        return numpy.exp(-numpy.array(z, dtype=numpy.float64)).tolist()


def _s_exp_z(z, t):
    """exp(z) / (1 + exp(z)) everywhere (inf / inf is NaN where exp(z) overflows)."""
    out = []
    for row in z:
        r = []
        for v in row:
            u = exp(v)
            r.append(u / (1.0 + u))
        out.append(r)
    return out


def _s_split(z, t):
    """The 'numerically stable' split: 1 / (1 + exp(−z)) for z ≥ 0, exp(z) / (1 + exp(z))
    below."""
    out = []
    for rz, rt in zip(z, t):
        r = []
        for v, u in zip(rz, rt):
            if v >= 0 or v != v:
                r.append(1.0 / (1.0 + u))
            else:
                w = exp(v)
                r.append(w / (1.0 + w))
        out.append(r)
    return out


def _s_tanh(z, t):
    """(1 + tanh(z/2)) / 2, the tanh identity."""
    return [[0.5 * (1.0 + math.tanh(v * 0.5)) for v in row] for row in z]


def _s_tanh_fma(z, t):
    """0.5·tanh(0.5·z) + 0.5 (how torch and XLA write it)."""
    return [[0.5 * math.tanh(0.5 * v) + 0.5 for v in row] for row in z]


# --- parts: steps 6 to 8 ----------------------------------------------------------------

def _dW_pairs(reduce):
    def dW(x, e, m):
        return [[reduce(list(zip(xf, eo))) / m for eo in e] for xf in x]
    return dW


@_quiet
def _z_numpy_dot_t(W, b, x):
    """z as (xᵀ·W)ᵀ + b: the same product with the operands the other way round."""
    X = numpy.array(x, dtype=numpy.float64)
    return (numpy.dot(X.T, numpy.array(W, dtype=numpy.float64)).T + b).tolist()


@_quiet
def _dW_numpy_dot_t(x, e, m):
    """dW as (e·xᵀ)ᵀ / m."""
    X = numpy.array(x, dtype=numpy.float64)
    E = numpy.array(e, dtype=numpy.float64)
    return (numpy.dot(E, X.T).T / m).tolist()


@_quiet
def _z_numpy_ddot(W, b, x):
    """Each z as np.dot of two vectors (BLAS's ddot), plus b."""
    Wa, X = numpy.array(W, dtype=numpy.float64), numpy.array(x, dtype=numpy.float64)
    return [[float(numpy.dot(Wa[:, o], X[:, j])) + b for j in range(X.shape[1])]
            for o in range(Wa.shape[1])]


@_quiet
def _dW_numpy_ddot(x, e, m):
    """Each dW as np.dot of two vectors (BLAS's ddot), divided by m."""
    X, E = numpy.array(x, dtype=numpy.float64), numpy.array(e, dtype=numpy.float64)
    return [[float(numpy.dot(X[f], E[o])) / m for o in range(E.shape[0])]
            for f in range(X.shape[0])]


@_quiet
def _dW_numpy_dot(x, e, m):
    X = numpy.array(x, dtype=numpy.float64)
    E = numpy.array(e, dtype=numpy.float64)
    return (numpy.dot(X, E.T) / m).tolist()


def _dW_numpy_sum(x, e, m):
    """((x * e).sum(axis=1)) / m, one output at a time: NumPy's pairwise sums."""
    return [[numpy_sum([p * q for p, q in zip(xf, eo)]) / m for eo in e] for xf in x]


def _dW_reciprocal(x, e, m):
    r = 1.0 / m
    return [[left_to_right([p * q for p, q in zip(xf, eo)]) * r for eo in e] for xf in x]


def _db_with(reduce):
    return lambda e, m: reduce([v for row in e for v in row]) / m


def _db_column_major(e, m):
    return left_to_right([e[o][j] for j in range(len(e[0])) for o in range(len(e))]) / m


def _db_reciprocal(e, m):
    return left_to_right([v for row in e for v in row]) * (1.0 / m)


def _update_fused(W, b, a, dW, db, m):
    return ([[fused_multiply_add(-a, g, w) for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)],
            fused_multiply_add(-a, db, b))


# re-association: a·(Σ/m) computed as Σ·(a/m); the gradients stay undivided sums
def _dW_sum(x, e, m):
    return [[left_to_right([p * q for p, q in zip(xf, eo)]) for eo in e] for xf in x]


def _db_sum(e, m):
    return left_to_right([v for row in e for v in row])


def _update_reassociated(W, b, a, dW, db, m):
    c = a / m
    return [[w - g * c for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)], b - db * c


def _update_scaled_first(W, b, a, dW, db, m):
    return [[w - a * g / m for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)], b - a * db / m


# an error e kept in integers (the article's NumPy code: y_pred and y are int64)
def _integral(A):
    return all(v == v and v - v == 0.0 and v == math.floor(v) for row in A for v in row)


def _e_integer(variant, y_pred, s, y, x):
    source = y_pred if variant == THRESHOLD else s
    if variant != THRESHOLD or not (_integral(source) and _integral(y)):
        return [[u - v for u, v in zip(ru, rv)] for ru, rv in zip(source, y)]
    return [[int(u) - int(v) for u, v in zip(ru, rv)] for ru, rv in zip(source, y)]


def _dW_integer(x, e, m):
    """x·eᵀ: exact integers where x is integral too (an int64 matrix product), else
    binary64 products of x and e as floats, summed left to right."""
    exact = _integral(x) and all(type(v) is int for row in e for v in row)
    out = []
    for xf in x:
        row = []
        for eo in e:
            if exact:
                total = 0
                for p, q in zip(xf, eo):
                    total += int(p) * q
                row.append(float(total) / m)
            else:
                row.append(left_to_right([p * float(q) for p, q in zip(xf, eo)]) / m)
        out.append(row)
    return out


def _db_integer(e, m):
    values = [v for row in e for v in row]
    if all(type(v) is int for v in values):
        total = 0
        for v in values:
            total += v
        return float(total) / m
    return left_to_right([float(v) for v in values]) / m


# --- whole-step arithmetics: float32, flush-to-zero, x87 extended ------------------------

def _rounded_parts(r, exp_of=exp, inputs=True):
    """The spec's step with every operation's result passed through r, and every input
    too unless inputs is False: binary32 arithmetic, or flush-to-zero of subnormal
    results (FTZ) with or without subnormal inputs read as zero (DAZ)."""
    i = r if inputs else (lambda v: v)

    def z(W, b, x):
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(len(x[0])):
                acc = r(i(W[0][o]) * i(x[0][j]))
                for f in range(1, len(x)):
                    acc = r(acc + r(i(W[f][o]) * i(x[f][j])))
                row.append(r(acc + i(b)))
            out.append(row)
        return out

    def t(z):
        return [[r(exp_of(-v)) for v in row] for row in z]

    def s(z, t):
        return [[r(1.0 / r(1.0 + v)) for v in row] for row in t]

    def e(variant, y_pred, s, y, x):
        source = y_pred if variant == THRESHOLD else s
        return [[r(u - i(v)) for u, v in zip(ru, rv)] for ru, rv in zip(source, y)]

    def dW(x, e, m):
        out = []
        for xf in x:
            row = []
            for eo in e:
                acc = r(i(xf[0]) * eo[0])
                for p, q in zip(xf[1:], eo[1:]):
                    acc = r(acc + r(i(p) * q))
                row.append(r(acc / m))
            out.append(row)
        return out

    def db(e, m):
        values = [v for row in e for v in row]
        acc = values[0]
        for v in values[1:]:
            acc = r(acc + v)
        return r(acc / m)

    def update(W, b, a, dW, db, m):
        a = i(a)
        return ([[r(i(w) - r(a * g)) for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)],
                r(i(b) - r(a * db)))

    return {"z": z, "t": t, "s": s, "e": e, "dW": dW, "db": db, "update": update}


def _x87_sums_parts():
    """Only the running sums of products in x87 registers: z's Σ W·x and dW's Σ x·e
    rounded to binary64 once; + b, the sum of e and / m in binary64."""
    X = Extended(64)

    def ext_dot(us, vs):
        acc = X.mul(X.load(us[0]), X.load(vs[0]))
        for u, v in zip(us[1:], vs[1:]):
            acc = X.add(acc, X.mul(X.load(u), X.load(v)))
        return X.binary64(acc)

    def z(W, b, x):
        return [[ext_dot([W[f][o] for f in range(len(x))], [x[f][j] for f in range(len(x))])
                 + b for j in range(len(x[0]))] for o in range(len(W[0]))]

    def dW(x, e, m):
        return [[ext_dot(xf, eo) / m for eo in e] for xf in x]

    def guarded(extended, plain):
        def part(*args):
            try:
                return extended(*args)
            except (OverflowError, ValueError):
                return plain(*args)
        return part
    return {"z": guarded(z, z_spec), "dW": guarded(dW, dW_spec)}


def _x87_parts(b_in_register=True):
    """x87 registers for every expression: z, s = 1 / (1 + t), dW = Σ / m, db and the
    update W − a·dW each evaluated with a 64-bit significand and stored (rounded to
    binary64) once; exp's result and e are binary64. With b_in_register False, z's sum
    of products is stored before b is added (in binary64)."""
    X = Extended(64)
    parts = _extended_parts(64, True)
    if not b_in_register:
        parts["z"] = _x87_sums_parts()["z"]

    def s(z, t):
        one = X.load(1.0)
        return [[X.binary64(X.div(one, X.add(one, X.load(v)))) if 0.0 < v < INF
                 else 1.0 / (1.0 + v) for v in row] for row in t]

    def update(W, b, a, dW, db, m):
        def one(w, g):
            try:
                return X.binary64(X.add(X.load(w), X.mul(X.load(-a), X.load(g))))
            except (OverflowError, ValueError):
                return w - a * g
        return [[one(w, g) for w, g in zip(rw, rg)] for rw, rg in zip(W, dW)], one(b, db)

    parts.update({"s": s, "update": update})
    return parts


def _extended_parts(precision, divide_in_register):
    """x87 registers: products and running sums of z, dW and db kept with a
    `precision`-bit significand and a wide exponent, stored to binary64 once at the end
    (64 bits: the x87 default; 53: precision control set to double, which still rounds
    subnormal results a second time when they are stored)."""
    X = Extended(precision)

    def guarded(extended, plain):
        """inf and NaN are IEEE's in the x87 too: such an entry is computed plainly."""
        def part(*args):
            try:
                return extended(*args)
            except (OverflowError, ValueError):
                return plain(*args)
        return part

    def z(W, b, x):
        out = []
        for o in range(len(W[0])):
            row = []
            for j in range(len(x[0])):
                acc = X.mul(X.load(W[0][o]), X.load(x[0][j]))
                for f in range(1, len(x)):
                    acc = X.add(acc, X.mul(X.load(W[f][o]), X.load(x[f][j])))
                row.append(X.binary64(X.add(acc, X.load(b))))
            out.append(row)
        return out

    def _finish(acc, m):
        if divide_in_register:
            return X.binary64(X.div(acc, X.load(m)))
        return X.binary64(acc) / m

    def dW(x, e, m):
        out = []
        for xf in x:
            row = []
            for eo in e:
                acc = X.mul(X.load(xf[0]), X.load(eo[0]))
                for p, q in zip(xf[1:], eo[1:]):
                    acc = X.add(acc, X.mul(X.load(p), X.load(q)))
                row.append(_finish(acc, m))
            out.append(row)
        return out

    def db(e, m):
        values = [v for row in e for v in row]
        acc = X.load(values[0])
        for v in values[1:]:
            acc = X.add(acc, X.load(v))
        return _finish(acc, m)

    return {"z": guarded(z, z_spec), "dW": guarded(dW, dW_spec), "db": guarded(db, db_spec)}


def _float32_exp(v):
    return float32(exp(float32(v)))


def _flush_exp(v):
    return flush(exp(flush(v)))


# --- the catalogue of hypotheses ---------------------------------------------------------

class Hypothesis:
    """One cause: id (docs/SPEC.md §6), detail (which variant), the parts it replaces,
    and a sentence saying what the backend does differently."""

    def __init__(self, id, detail, explanation, parts, needs_numpy=False, float32=False):
        self.id, self.detail, self.explanation = id, detail, explanation
        self.parts = parts
        self.needs_numpy = needs_numpy
        self.float32 = float32          # its states are binary32 values
        self.components = (self.name,)  # the single hypotheses it is made of
        self.load = None                # how it reads the initial W and b, if not exactly

    @property
    def name(self):
        if "+" in self.id:
            return self.detail          # a pair: its components' names
        return "%s:%s" % (self.id, self.detail) if self.detail else self.id

    def step(self, x, y, W, b, a, variant, cache=None):
        if self.float32:
            x, y = [[float32(v) for v in r] for r in x], [[float32(v) for v in r] for r in y]
            W, b = [[float32(v) for v in r] for r in W], float32(b)
            cache = None                # other inputs: nothing to share
        return run_step(x, y, W, b, a, variant, self.parts, cache)

    def __repr__(self):
        return "<Hypothesis %s>" % self.name


def pair(h1, h2):
    """Both mistakes at once: the parts of each (they replace different parts)."""
    first, second = sorted((h1, h2), key=lambda h: h.id)
    parts = dict(first.parts)
    parts.update(second.parts)
    h = Hypothesis("%s+%s" % (first.id, second.id),
                   "%s+%s" % (first.name, second.name),
                   "%s; and %s" % (first.explanation, second.explanation),
                   parts, first.needs_numpy or second.needs_numpy)
    h.components = (first.name, second.name)
    return h


def _H(*args, **kwargs):
    return Hypothesis(*args, **kwargs)


SPEC = " (the spec: %s)"
HYPOTHESES = [
    # exp: real exps, not nudges
    _H("exp", "libm", "exp is this machine's C library exp (math.exp), which is not "
       "correctly rounded for every argument" + SPEC % "a correctly rounded exp, §4",
       {"t": _t_with(_libm_exp)}),
    _H("exp", "v8", "exp is fdlibm's, as V8's Math.exp (Node.js, browsers) computes it"
       + SPEC % "a correctly rounded exp, §4", {"t": _t_with(fdlibm_exp)}),
    _H("exp", "numpy", "exp is NumPy's vectorised np.exp" + SPEC % "a correctly rounded "
       "exp, §4", {"t": _t_numpy}, needs_numpy=True),
    _H("exp", "pow", "exp(v) computed as a power, e ** v (math.e ** v, Math.pow(Math.E, v))"
       + SPEC % "a correctly rounded exp, §4", {"t": _t_with(_pow_exp)}),
    # step 1
    _H("bias-first", "", "b is added first, b + Wᵀx" + SPEC % "b is added last",
       {"z": _z_with(left_to_right, b_first=True)}),
    _H("fma", "z", "z is summed with fused multiply-adds (compilers contracting a·b + c, "
       "-ffp-contract=fast)" + SPEC % "every product rounded", {"z": _z_pairs(fma_chain)}),
    _H("blas-dot", "numpy", "Wᵀx and x·eᵀ are matrix products by BLAS (np.dot, @, "
       "torch.matmul), with FMA and its own blocking" + SPEC % "sums left to right",
       {"z": _z_numpy_dot, "dW": _dW_numpy_dot}, needs_numpy=True),
    _H("blas-dot", "numpy-transposed", "xᵀW and e·xᵀ are matrix products by BLAS (np.dot, "
       "@), with FMA and its own blocking" + SPEC % "sums left to right",
       {"z": _z_numpy_dot_t, "dW": _dW_numpy_dot_t}, needs_numpy=True),
    _H("blas-dot", "numpy-ddot", "each z and dW is np.dot of two vectors: BLAS's ddot, "
       "with FMA lanes of its own" + SPEC % "sums left to right",
       {"z": _z_numpy_ddot, "dW": _dW_numpy_ddot}, needs_numpy=True),
    _H("blas-dot", "fma-from-zero", "Wᵀx and x·eᵀ are matrix products whose kernel "
       "accumulates with FMA from 0.0 (a BLAS gemm)" + SPEC % "sums left to right from "
       "the first term, no FMA",
       {"z": _z_pairs(lambda pairs: fma_chain(pairs, 0.0)),
        "dW": _dW_pairs(lambda pairs: fma_chain(pairs, 0.0))}),
    _H("blas-dot", "openblas-ddot", "Wᵀx and x·eᵀ are dot products by OpenBLAS's ddot "
       "(16 FMA lanes, then the rest from the lanes' sum)" + SPEC % "sums left to right "
       "from the first term, no FMA",
       {"z": _z_pairs(openblas_ddot), "dW": _dW_pairs(openblas_ddot)}),
    _H("blas-dot", "blocked-4", "Wᵀx and x·eᵀ are blocked dot products (4 FMA "
       "accumulators, as OpenBLAS's ddot)" + SPEC % "sums left to right, no FMA",
       {"z": _z_pairs(lambda pairs: blocked_fma_dot(pairs, 4)),
        "dW": _dW_pairs(lambda pairs: blocked_fma_dot(pairs, 4))}),
    _H("blas-dot", "blocked-8", "Wᵀx and x·eᵀ are blocked dot products (8 FMA "
       "accumulators)" + SPEC % "sums left to right, no FMA",
       {"z": _z_pairs(lambda pairs: blocked_fma_dot(pairs, 8)),
        "dW": _dW_pairs(lambda pairs: blocked_fma_dot(pairs, 8))}),
    _H("blas-dot", "blocked-16", "Wᵀx and x·eᵀ are blocked dot products (16 FMA "
       "accumulators, AVX-512)" + SPEC % "sums left to right, no FMA",
       {"z": _z_pairs(lambda pairs: blocked_fma_dot(pairs, 16)),
        "dW": _dW_pairs(lambda pairs: blocked_fma_dot(pairs, 16))}),
    # step 3, 4
    _H("sigmoid-form", "split", "s is the 'numerically stable' split, exp(z) / (1 + "
       "exp(z)) for z < 0 (as many hand-written 'stable' sigmoids do)"
       + SPEC % "1 / (1 + exp(−z)) for every z", {"s": _s_split}),
    _H("sigmoid-form", "exp-z", "s is exp(z) / (1 + exp(z))" + SPEC % "1 / (1 + exp(−z))",
       {"s": _s_exp_z}),
    _H("sigmoid-form", "tanh", "s is computed with tanh, (1 + tanh(z/2)) / 2"
       + SPEC % "1 / (1 + exp(−z))", {"s": _s_tanh}),
    _H("sigmoid-form", "tanh-half", "s is computed with tanh, 0.5·tanh(0.5·z) + 0.5"
       + SPEC % "1 / (1 + exp(−z))", {"s": _s_tanh_fma}),
    _H("threshold-strict", "", "y_pred is 1 only where s > 0.5" + SPEC % "s ≥ 0.5, as the "
       "article", {"y_pred": lambda s: [[1.0 if v > 0.5 else 0.0 for v in r] for r in s]}),
    # steps 5 to 7
    _H("integer-error", "", "the error e is kept in integers (y_pred and y int64, as the "
       "article's NumPy code), which gives +0.0 where the spec gives −0.0"
       + SPEC % "e a binary64", {"e": _e_integer, "dW": _dW_integer, "db": _db_integer}),
    _H("sum-from-zero", "", "the sums start from 0.0, which turns a sum of −0.0 terms "
       "into +0.0" + SPEC % "every sum starts from its first term",
       {"z": _z_with(from_zero), "dW": _dW_with(from_zero), "db": _db_with(from_zero)}),
    _H("sum-order", "dW-reverse", "dW is summed from the last sample to the first"
       + SPEC % "left to right", {"dW": _dW_with(reverse)}),
    _H("sum-order", "dW-numpy", "dW is summed as NumPy sums ((x * e).sum(axis=1): "
       "pairwise)" + SPEC % "left to right", {"dW": _dW_numpy_sum}),
    _H("sum-order", "dW-pairwise", "dW is summed pairwise (NumPy's block-of-8 pairwise "
       "summation)" + SPEC % "left to right", {"dW": _dW_with(numpy_pairwise)}),
    _H("sum-order", "halves", "every sum is pairwise by halves (z, dW and db)"
       + SPEC % "left to right",
       {"z": _z_with(halves), "dW": _dW_with(halves), "db": _db_with(halves)}),
    _H("sum-order", "dW-halves", "dW is summed pairwise by halves" + SPEC % "left to right",
       {"dW": _dW_with(halves)}),
    _H("sum-order", "db-halves", "db is summed pairwise by halves" + SPEC % "left to right",
       {"db": _db_with(halves)}),
    _H("sum-order", "numpy", "dW and db are summed as NumPy sums ((x * e).sum(axis=1), "
       "e.sum())" + SPEC % "left to right", {"dW": _dW_numpy_sum, "db": _db_with(numpy_sum)}),
    _H("sum-order", "db-numpy", "db is summed with np.sum (pairwise)" + SPEC % "one "
       "running sum, left to right", {"db": _db_with(numpy_sum)}),
    _H("sum-order", "db-pairwise", "db is summed pairwise" + SPEC % "one running sum, "
       "left to right", {"db": _db_with(numpy_pairwise)}),
    _H("sum-order", "db-column-major", "db sums e column by column (sample by sample)"
       + SPEC % "row by row, output by output", {"db": _db_column_major}),
    _H("sum-order", "db-reverse", "db is summed from the last entry to the first"
       + SPEC % "left to right", {"db": _db_with(reverse)}),
    _H("sum-order", "z-reverse", "z is summed from the last feature to the first"
       + SPEC % "left to right", {"z": _z_with(reverse)}),
    _H("fma", "dW", "dW is summed with fused multiply-adds (compilers contracting "
       "a·b + c)" + SPEC % "every product rounded", {"dW": _dW_pairs(fma_chain)}),
    _H("fma+fused-update", "fma:z+fma:dW+fused-update", "every a·b + c is contracted into "
       "a fused multiply-add: in z, in dW and in the update (GCC's -march=haswell with "
       "-ffp-contract=fast)" + SPEC % "every product rounded",
       {"z": _z_pairs(fma_chain), "dW": _dW_pairs(fma_chain), "update": _update_fused}),
    _H("division-by-reciprocal", "", "Σ / m is computed as Σ · (1/m)" + SPEC % "one "
       "division", {"dW": _dW_reciprocal, "db": _db_reciprocal}),
    # step 8
    _H("fused-update", "", "the update W − a·dW is one fused multiply-add"
       + SPEC % "a·dW rounded, then subtracted", {"update": _update_fused}),
    _H("reassociation", "", "a·(Σ/m) is re-associated into Σ·(a/m) (XLA, -ffast-math)"
       + SPEC % "dW = Σ/m, then a·dW", {"dW": _dW_sum, "db": _db_sum,
                                        "update": _update_reassociated}),
    _H("reassociation", "scaled-first", "a·(Σ/m) is computed as (a·Σ)/m: the learning "
       "rate applied to the sum before the mean (a·np.dot(x, e.T) / m)"
       + SPEC % "dW = Σ/m, then a·dW", {"dW": _dW_sum, "db": _db_sum,
                                        "update": _update_scaled_first}),
    # the whole arithmetic
    _H("extended-precision", "x87", "sums are kept in x87 80-bit registers (64-bit "
       "significand) and rounded to binary64 once" + SPEC % "every operation rounded to "
       "binary64", _extended_parts(64, False)),
    _H("extended-precision", "x87-divide", "sums and their division by m are kept in x87 "
       "80-bit registers and rounded to binary64 once" + SPEC % "every operation rounded "
       "to binary64", _extended_parts(64, True)),
    _H("extended-precision", "x87-sums", "the sums of products are kept in x87 80-bit "
       "registers and rounded to binary64 once, b added and m divided in binary64"
       + SPEC % "every operation rounded to binary64", _x87_sums_parts()),
    _H("extended-precision", "x87-all", "every expression is evaluated in x87 80-bit "
       "registers (z, 1 / (1 + t), Σ / m, W − a·dW) and rounded to binary64 when stored"
       + SPEC % "every operation rounded to binary64", _x87_parts()),
    _H("extended-precision", "x87-all-z-stored", "every expression is evaluated in x87 "
       "80-bit registers (Σ W·x, 1 / (1 + t), Σ / m, W − a·dW) and rounded to binary64 when "
       "stored; b is added to the stored Σ W·x" + SPEC % "every operation rounded to "
       "binary64", _x87_parts(False)),
    _H("extended-precision", "x87-pc53", "x87 with 53-bit precision control: binary64 "
       "significands but a wide exponent, so subnormal results are rounded twice"
       + SPEC % "every operation rounded to binary64 once", _extended_parts(53, True)),
    _H("flush-subnormals", "", "subnormal results and inputs are flushed to zero (FTZ/DAZ, "
       "as JAX on CPU and -ffast-math do)" + SPEC % "subnormals kept",
       _rounded_parts(flush, _flush_exp)),
    _H("flush-subnormals", "ftz", "subnormal results are flushed to zero (FTZ; subnormal "
       "inputs kept)" + SPEC % "subnormals kept", _rounded_parts(flush, inputs=False)),
    _H("float32", "", "the backend computes in binary32 (torch's and many GPUs' default "
       "dtype)" + SPEC % "binary64", _rounded_parts(float32, _float32_exp), float32=True),
]

for _h in HYPOTHESES:                   # these read the scenario's numbers their way too
    if _h.float32:
        _h.load = float32
    elif _h.name == "flush-subnormals":
        _h.load = flush

# When causes fit the evidence equally, the simpler and more common mistake is named
# first: one operation done another way before a different summation scheme, a
# different scheme before a different arithmetic.
PRIORITY = ("exp", "bias-first", "threshold-strict", "integer-error", "sum-from-zero", "fma",
            "fused-update", "fma+fused-update", "sum-order", "reassociation", "division-by-reciprocal",
            "sigmoid-form", "blas-dot", "extended-precision", "flush-subnormals", "float32")
HYPOTHESES.sort(key=lambda h: PRIORITY.index(h.id))     # stable: details keep their order

# pairs that real backends make: GCC's -march=haswell contracts the sums and the update
# into FMAs; XLA's jit fuses the update and calls its own exp
COMMON_PAIRS = ("fma+fused-update", "exp+fused-update", "blas-dot+fused-update")

# which hypotheses may be combined into a pair: those that replace different parts
PAIRABLE = ("exp", "fma", "fused-update", "bias-first", "sum-order", "sigmoid-form",
            "division-by-reciprocal", "threshold-strict", "blas-dot", "sum-from-zero",
            "reassociation")


def available():
    """The hypotheses that can run here (NumPy's need NumPy)."""
    return [h for h in HYPOTHESES if numpy is not None or not h.needs_numpy]


def pairs_with(singles, others):
    """Every pair of a hypothesis of `singles` with one of `others` that replace
    disjoint parts and have different ids."""
    seen = set()
    for h1 in singles:
        for h2 in others:
            if h1.id == h2.id or h1.id not in PAIRABLE or h2.id not in PAIRABLE:
                continue
            if set(h1.parts) & set(h2.parts):
                continue
            key = tuple(sorted((h1.name, h2.name)))
            if key in seen:
                continue
            seen.add(key)
            yield pair(h1, h2)


# a scenario that tells one cause from another, for an ambiguous report
TELLS_APART = {
    "exp": "article-logistic.json (every bit of exp shows in the logistic variant)",
    "bias-first": "real-valued-logistic.json (many features, b added last)",
    "sum-from-zero": "negative-zero.json (sums of −0.0 products)",
    "integer-error": "negative-zero.json with non-integral x",
    "sum-order": "real-valued-logistic.json (40 samples: every order gives other bits)",
    "fma": "real-valued-logistic.json (9 features, 40 samples)",
    "fused-update": "long-run.json (many updates where a·dW is inexact)",
    "float32": "article.json (0.4 is not a binary32)",
    "extended-precision": "subnormal.json and real-valued-logistic.json",
    "flush-subnormals": "subnormal.json",
    "division-by-reciprocal": "real-valued-logistic.json (m = 40 is not a power of two)",
    "threshold-strict": "tiny-z-threshold.json and the gates (s exactly 0.5)",
    "sigmoid-form": "sigmoid-saturation-logistic.json (negative z of every size)",
    "blas-dot": "real-valued-logistic.json (9 features: products summed in blocks)",
    "reassociation": "real-valued-logistic.json (a/m is inexact)",
}
