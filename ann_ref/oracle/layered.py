"""Why a layered network's trace diverges (docs/SPEC.md §9): the layer and the part of
the step where the backend departs, inferred from the states.

The models are the core's layered step (core.model.step, one dict of parts per layer)
with parts replaced in some layers:

- the mistakes of backpropagation code (CAUSES below): the layer above updated before
  its error is carried down, the sigmoid's derivative of another layer or recomputed
  from z, a transposed W in the backward sum, the bias gradient over another axis —
  each in one layer where the shapes let it pass silently, and in every such layer;
- every model of models.py (the article's causes: another exp, sums in another order,
  FMA, x87 registers, binary32 …) in every layer, its z and db taken unit by unit;
- an exp one or two ULPs off at one argument of the step, for an exp that no model
  names.

As for the article's network (diagnose.py): the golden file is checked first; a model
is kept if its step gives exactly the obtained state at the first diverging iteration
and the agreeing states before it, and the models kept are ranked by how many of the
following iterations they go on reproducing. Its replaced layer and part say where the
backend departs; where no model fits, the layers that differ say where to look.
"""
from ..core.arithmetic import BINARY64
from ..core.bits import CANONICAL_NAN, bits_to_float, float_to_bits
from ..core.matrix import dot, transpose
from ..core.model import (PARTS, bias_gradient, carry_back, exponential, activation, step,
                          update, weight_gradient)
from . import models as M
from .arith import Extended
from .causes import CAUSES as ARTICLE_CAUSES, Cause as Record
from .findings import BEFORE_WORK, EVIDENCE_WORK, Budget, Cause, Diagnosis, greedy_nudges

INF = float("inf")

# --- the causes of backpropagation code -----------------------------------------------------

CAUSES = [
    Record("update-before-back", "back",
           "the hidden layers off from the first step where the output's dW is not 0",
           "the layer above is updated before its error is carried down: the new W, "
           "W − a·dW, in the backward sum (an in-place update inside the backward loop)",
           {"any": "compute every layer's dW and db, and the error of every layer, from "
                   "the old weights; update them all at the end"},
           "layers/xor.json (every update of the output layer changes it)"),
    Record("derivative", "back",
           "the hidden layers' W and b off from the first step, the output's right",
           "the sigmoid's derivative of another layer — the layer above's s, or the "
           "layer below's input, broadcast — or recomputed from z as σ(z)·(1 − σ(z)) and "
           "multiplied last, g·(s·(1 − s))",
           {"any": "(g·s)·(1 − s), s the output of the layer the error is carried into, "
                   "multiplied in that order"},
           "layers/xor.json (hidden and output layers of different widths)"),
    Record("transposed-W", "back",
           "the hidden layers off where W between them is square",
           "Wᵀ in the backward sum, Σ_o W[o][k]·e[o][j] (NumPy accepts it where W is "
           "square)",
           {"any": "g[k][j] = Σ_o W[k][o]·e[o][j]: W as it is, with the layer below's "
                   "units as rows (W @ e, not W.T @ e)"},
           "layers/xor-deep.json (a square W between two hidden layers)"),
    Record("bias-axis", "db",
           "a layer's b off from the first step, its W right",
           "db summed over the wrong axis: over the units (np.sum(e, axis=0), silent "
           "where there are as many units as samples), or over every entry (np.sum(e), "
           "the article's shared db)",
           {"any": "db[o] = Σ_j e[o][j] / m: over the samples, one per unit "
                   "(np.sum(e, axis=1, keepdims=True) / m)"},
           "layers/xor-wide.json (as many hidden units as samples)"),
]
BY_ID = dict((c.id, c) for c in CAUSES)
ORDER = dict((c.id, i) for i, c in enumerate(CAUSES + ARTICLE_CAUSES))

PART_NAMES = {"z": "the weighted sum z", "t": "exp", "s": "the sigmoid", "e": "the error e",
              "dW": "dW", "db": "db", "back": "the error carried back", "update": "the update",
              "arithmetic": "the arithmetic"}


def spec_table():
    """The table of docs/SPEC.md §9, one row per cause of backpropagation code."""
    rows = ["| id | symptom in `verify` | what the port does | fix |", "|---|---|---|---|"]
    for c in CAUSES:
        rows.append("| `%s` | %s | %s | %s |" % (c.id, c.symptom, c.does, c.fix_for(None)))
    return "\n".join(rows) + "\n"


# --- models ------------------------------------------------------------------------------

class Model:
    """One way of computing a layered step: its cause (id) and detail, a sentence saying
    what the backend does, the part it departs in, the layers it departs in (None:
    every layer), and make(count, a) → the parts of each layer for one step."""

    def __init__(self, cause, detail, does, part, make, layers=None, arithmetic=None):
        self.id, self.detail, self.does, self.part = cause, detail, does, part
        self.make, self.layers = make, layers
        self.A = arithmetic or BINARY64
        self.components = (self.name,)

    @property
    def name(self):
        base = "%s:%s" % (self.id, self.detail) if self.detail else self.id
        if self.layers is None:
            return base
        return "%s in %s" % (base, ", ".join("layers[%d]" % l for l in self.layers))

    def step(self, x, y, layers, a, variant, keep=False):
        """The model's step from the layers [(W, b), ...] of floats."""
        A = self.A
        if A is not BINARY64:
            def load(M_):
                return [[A.of(v) for v in row] for row in M_]
            x, y, a = load(x), load(y), A.of(a)
            layers = [(load(W), load(b)) for W, b in layers]
        return step(A, x, y, layers, a, variant, self.make(len(layers), a), keep)

    def bits(self, layers):
        """(the layers' W bits, their b bits), as compare reads a layered entry."""
        b_ = self.A.bits
        return ([[[b_(v) for v in row] for row in W] for W, _ in layers],
                [[[b_(v) for v in row] for row in b] for _, b in layers])

    def __repr__(self):
        return "<layered Model %s>" % self.name


SPEC = Model("spec", "", "the contract", None, lambda count, a: [PARTS] * count)


class _Kept:
    """The input, z and s of every layer during one step, for a backward part that uses
    another layer's."""

    def __init__(self, count):
        self.input, self.z, self.s = [None] * count, [None] * count, [None] * count

    def parts(self, l):
        def z(A, W, b, x):
            self.input[l] = x
            self.z[l] = PARTS["z"](A, W, b, x)
            return self.z[l]

        def s(A, z, t):
            self.s[l] = PARTS["s"](A, z, t)
            return self.s[l]
        return dict(PARTS, z=z, s=s)


def _times(A, g, D):
    """(g·d)·(1 − d) with d the rows of D, or its one row for every row of g."""
    one = A.one
    return [[(u * v) * (one - v) for u, v in zip(rg, D[k if len(D) > 1 else 0])]
            for k, rg in enumerate(g)]


def _back(kind, a, kept, l):
    """The backward part of layer l for one mistake of backpropagation."""
    def back(A, W, e, s):
        if kind == "update-before-back":
            m = A.of(len(s[0]))
            return carry_back(A, update(A, W, a, weight_gradient(A, s, e, m)), e, s)
        if kind == "transposed-W":
            return carry_back(A, transpose(W), e, s)
        if kind == "layer-above":
            return _times(A, dot(W, e), kept.s[l])
        if kind == "input":
            return _times(A, dot(W, e), kept.input[l - 1])
        z = kept.z[l - 1]                     # recomputed: g·(σ(z)·(1 − σ(z)))
        one = A.one
        return [[u * (v * (one - v)) for u, v in zip(rg, rs)]
                for rg, rs in zip(dot(W, e), activation(A, z, exponential(A, z)))]
    return back


def _db(kind):
    def db(A, e, m, shared):
        if kind == "units":                   # np.sum(e, axis=0): column o over the units
            out = []
            for o in range(len(e[0])):
                total = e[0][o]
                for row in e[1:]:
                    total = total + row[o]
                out.append([total / m])
            return out
        v = bias_gradient(A, e, m, True)      # np.sum(e): every entry, row by row
        return [[v] for _ in e]
    return db


def _backprop(cause, detail, does, part, where):
    """A mistake of backpropagation made in the layers `where`."""
    kind = detail or cause

    def make(count, a):
        kept = _Kept(count)
        each = [kept.parts(l) for l in range(count)]
        for l in where:
            if part == "back":
                each[l]["back"] = _back(kind, a, kept, l)
            else:
                each[l]["db"] = _db(kind)
        return each
    return Model(cause, detail, does, part, make, tuple(where))


# where each mistake of backpropagation can be made silently: (cause, detail, what the
# backend does, its part, the layers it can be made in for the widths n_0 … n_L and S)
BACKPROP = [
    ("update-before-back", "", "the layer above is updated before its error is carried "
     "down: the new W in the backward sum", "back",
     lambda n, S: range(1, len(n) - 1)),
    ("derivative", "layer-above", "the derivative s·(1 − s) is that of the layer above "
     "(its s broadcast), not of the layer the error is carried into", "back",
     lambda n, S: [l for l in range(1, len(n) - 1) if n[l + 1] in (n[l], 1)]),
    ("derivative", "input", "the derivative is x·(1 − x) of the input of the layer the "
     "error is carried into, not s·(1 − s) of its output", "back",
     lambda n, S: [l for l in range(1, len(n) - 1) if n[l - 1] in (n[l], 1)]),
    ("derivative", "recomputed", "the derivative is recomputed from z, σ(z)·(1 − σ(z)), "
     "and multiplied last: g·(s·(1 − s)) instead of (g·s)·(1 − s)", "back",
     lambda n, S: range(1, len(n) - 1)),
    ("transposed-W", "", "W is transposed in the backward sum, Σ_o W[o][k]·e[o][j]",
     "back", lambda n, S: [l for l in range(1, len(n) - 1) if n[l] == n[l + 1]]),
    ("bias-axis", "units", "db is summed over the units (np.sum(e, axis=0)), not over "
     "the samples", "db", lambda n, S: [l for l in range(len(n) - 1) if n[l + 1] == S]),
    ("bias-axis", "all", "db is summed over every entry of e (np.sum(e)) and given to "
     "every unit", "db", lambda n, S: [l for l in range(len(n) - 1) if n[l + 1] > 1]),
]


def _placements(layers):
    """Each layer alone, and all of them together when there are several."""
    layers = list(layers)
    return [[l] for l in layers] + ([layers] if len(layers) > 1 else [])


def _unit_by_unit_z(z):
    """A z part written for one shared b, for a column b: each unit on its own."""
    def part(A, W, b, x):
        return [z(A, [[row[o]] for row in W], b[o][0], x)[0] for o in range(len(b))]
    return part


def _unit_by_unit_db(db):
    """A db part written for one shared b, for a column: each unit's row on its own."""
    def part(A, e, m, shared):
        return [[db(A, [row], m, True)] for row in e]
    return part


def _x87_back(precision):
    """The error carried back in x87 registers: g = Σ_o W·e and (g·s)·(1 − s) with a
    `precision`-bit significand and a wide exponent, stored once."""
    X = Extended(precision)

    def back(A, W, e, s):
        out = []
        for Wk, sk in zip(W, s):
            row = []
            for j in range(len(sk)):
                acc = X.mul(X.load(Wk[0]), X.load(e[0][j]))
                for o in range(1, len(e)):
                    acc = X.add(acc, X.mul(X.load(Wk[o]), X.load(e[o][j])))
                v = X.load(sk[j])
                row.append(X.binary64(X.mul(X.mul(acc, v),
                                            X.add(X.load(1.0), X.load(-sk[j])))))
            out.append(row)
        return out

    def guarded(A, W, e, s):
        try:
            return back(A, W, e, s)
        except (OverflowError, ValueError):   # inf and NaN: IEEE's, as plainly computed
            return PARTS["back"](A, W, e, s)
    return guarded


def _everywhere(model):
    """A model of models.py (one layer, one shared b) in every layer of a network; an
    x87 model carries the error back in its registers too."""
    replaced = dict((k, model.parts[k]) for k in model.replaced if k != "arithmetic")
    if "z" in replaced:
        replaced["z"] = _unit_by_unit_z(replaced["z"])
    if "db" in replaced:
        replaced["db"] = _unit_by_unit_db(replaced["db"])
    if model.id == "extended-precision":
        replaced["back"] = _x87_back(53 if "pc53" in model.detail else 64)
    parts = dict(PARTS, **replaced)
    order = ["t", "s", "z", "y_pred", "e", "dW", "db", "back", "update"]
    part = "arithmetic" if "arithmetic" in model.replaced else \
        sorted(replaced, key=order.index)[0]
    return Model(model.id, model.detail, model.does, part,
                 lambda count, a: [parts] * count, None, model.A)


def models_for(widths, samples):
    """Every model of a network of these widths (n_0 … n_L) and samples."""
    found = []
    for cause, detail, does, part, where in BACKPROP:
        for layers in _placements(where(widths, samples)):
            found.append(_backprop(cause, detail, does, part, layers))
    seen = set()
    for m in M.MODELS:
        if m.name in seen:
            continue
        seen.add(m.name)
        found.append(_everywhere(m))
    return found


def _nudged(table, base=None):
    """The contract — or the model base — with exp(v) k ULPs off at the arguments v of
    table {bits: k}, in every layer."""
    def t(A, z):
        out = []
        for row in z:
            r = []
            for v in row:
                u = A.exp(-v)
                k = table.get(_bits(-v))
                r.append(bits_to_float(_bits(u) + k) if k and u == u and 0 < u < INF else u)
            out.append(r)
        return out
    shown = ", ".join("exp(%r) %+d ULP" % (bits_to_float(n), k) for n, k in table.items())
    does = ("exp is not correctly rounded: the correctly rounded exp but for %s gives "
            "this step" % shown)
    if base is None:
        parts = dict(PARTS, t=t)
        return Model("exp", "not correctly rounded", does, "t",
                     lambda count, a: [parts] * count)
    parts = dict(base.make(1, 1.0)[0], t=t)
    return Model("+".join(sorted(("exp", base.id))), "not correctly rounded+" + base.name,
                 does + "; and " + base.does, "t", lambda count, a: [parts] * count)


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


# --- the inference ---------------------------------------------------------------------------

class LayeredDiagnosis(Diagnosis):
    """A diagnosis whose causes may be those of backpropagation code."""

    def tells_apart(self):
        if len(self.ambiguous) < 2:
            return ""
        article = dict((c.id, c) for c in ARTICLE_CAUSES)
        return "; ".join("%s: %s" % (i, (BY_ID.get(i) or article[i.split("+")[0]]).tells_apart)
                         for i in self.ambiguous)


class LayeredCause(Cause):
    """A cause of a layered network's divergence: also the part and the layers."""

    def as_json(self):
        out = Cause.as_json(self)
        out["part"] = self.model.part
        out["layers"] = list(self.model.layers) if self.model.layers is not None else "every"
        return out


def floats(state):
    """[(W, b), ...] of floats from a layered state as compare reads it: (the layers'
    W bits, their b bits)."""
    Ws, bs = state
    return [([[bits_to_float(n) for n in row] for row in W],
             [[bits_to_float(n) for n in row] for row in b]) for W, b in zip(Ws, bs)]


def _size(x, layers):
    """The values one step computes, roughly: the unit of Budget."""
    S, size = len(x[0]), 0
    for W, _ in layers:                   # integers: a count, not arithmetic on floats
        size += len(W) * len(W[0]) * S + len(W[0]) * S
    return size


def _next(model, x, y, state, a, variant):
    try:
        return model.bits(model.step(x, y, floats(state), a, variant))
    except (ArithmeticError, ValueError, TypeError, IndexError):
        return None


def explain(report, evidence_work=EVIDENCE_WORK):
    """Attach a Diagnosis to a report of a layered network."""
    s = report.scenario
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    k = report.first.k
    d = LayeredDiagnosis(k)
    report.diagnosis = d
    widths = [len(x)] + [len(W[0]) for W, _ in s["layers"]]
    candidates = models_for(widths, len(x[0]))
    obtained = [tuple(report.obtained_state)] + [tuple(o) for o in report.obtained_after]
    if report.before is None:
        # the initial state is the scenario's: only other numbers can give other bits
        found = [m for m in candidates if m.A is not BINARY64 and
                 m.bits(_loaded(m, s["layers"])) == obtained[0]]
        if found:
            d.causes = _rank(found, x, y, a, variant, obtained, 0, evidence_work, s["layers"])
        else:
            d.notes.append("iteration 0 is the initial network: read every layer from the "
                           "scenario's bits, or parse its decimals with a correctly rounded "
                           "parser")
        return
    before = tuple(report.before)
    expected = SPEC.bits(SPEC.step(x, y, floats(before), a, variant))
    if expected != tuple(report.expected_state):
        d.golden_inconsistent = True
        d.notes.append("the golden file is inconsistent: the spec's step from its iteration "
                       "%d does not give its iteration %d, so no backend is to blame (was "
                       "the file altered? 'ann-ref golden check' regenerates it)" % (k - 1, k))
        return
    found = [m for m in candidates if _next(m, x, y, before, a, variant) == obtained[0]]
    if not found:
        found = _nudged_exp(x, y, before, a, variant, obtained[0],
                            [m for m in candidates if m.part == "update"])
    found = _agree_before(found, x, y, a, variant, [tuple(g) for g in report.agreed],
                          s["layers"])
    d.causes = _rank(found, x, y, a, variant, obtained, k, evidence_work, s["layers"])
    if d.causes:
        best = d.causes[0]
        d.ambiguous = _ambiguous(d.causes)
        d.notes.append(departs(best.model))
    else:
        d.notes.append("no modelled cause reproduces step %d" % k)
    d.notes.append(localise(expected, obtained[0], len(widths) - 1))


def departs(model):
    """Where a model's step departs from the contract's, in words: its layers and part."""
    layers = model.layers
    if model.part == "back" and layers is not None:
        return "the backend departs where the error is carried back: %s" % ", ".join(
            "from layers[%d] into layers[%d]" % (l, l - 1) for l in layers)
    where = "every layer" if layers is None else ", ".join("layers[%d]" % l for l in layers)
    return "the backend departs in %s: %s (%s)" % (
        where, PART_NAMES.get(model.part, model.part), model.part)


def _loaded(model, layers):
    A = model.A
    return [([[A.of(v) for v in row] for row in W], [[A.of(v) for v in row] for row in b])
            for W, b in layers]


def localise(expected, obtained, count):
    """Where the obtained step first differs from the spec's, from the output layer down:
    the layers above it agree, so the forward pass and the errors carried down to it
    are the spec's."""
    Ws, bs = expected
    Wo, bo = obtained
    differ = [l for l in range(count) if Ws[l] != Wo[l] or bs[l] != bo[l]]
    if not differ:
        return "every layer of the step agrees"
    l = differ[-1]
    what = ("its W and b" if Ws[l] != Wo[l] and bs[l] != bo[l] else
            "its W (dW or its update)" if Ws[l] != Wo[l] else "its b (db or its update)")
    if l == count - 1:
        return ("the first layer to differ, from the output down, is the output layer "
                "layers[%d]: %s" % (l, what))
    return ("the first layer to differ, from the output down, is layers[%d]: %s; every "
            "layer above it agrees, so the forward pass and the output's error are the "
            "spec's, and the error carried into layers[%d], or its own dW, db or update, "
            "is where to look" % (l, what, l))


def _nudged_exp(x, y, before, a, variant, obtained, bases, most=64):
    """An exp that is not correctly rounded, found without a model of it: the step —
    the contract's, or a base model's — with exp one or two ULPs off at some of its
    arguments, chosen one argument at a time where the nudge brings the step nearer to
    the obtained state, until it gives it."""
    kept = SPEC.step(x, y, floats(before), a, variant, keep=True)[1]
    arguments = sorted(set(_bits(-v) for z in kept["z"] for row in z for v in row
                           if v == v))[:most]
    target = [n for M_ in obtained for layer in M_ for row in layer for n in row]

    def distance(model):
        got = _next(model, x, y, before, a, variant)
        if got is None:
            return None
        return len([1 for u, v in zip([n for M_ in got for layer in M_ for row in layer
                                       for n in row], target) if u != v])
    for base in [None] + list(bases):
        table, best = greedy_nudges(arguments, lambda t: distance(_nudged(t, base)))
        if best == 0:
            return [_nudged(table, base)]
    return []


def _agree_before(candidates, x, y, a, variant, agreed, layers):
    """The candidates that also give the agreeing states before the divergence (all of
    them if none does, so that something is shown)."""
    budget = Budget(BEFORE_WORK, _size(x, layers))
    kept = list(candidates)
    for i in range(len(agreed) - 1, 0, -1):
        if len(kept) <= 1 or not budget.spend(len(kept)):
            break
        still = [m for m in kept if _next(m, x, y, agreed[i - 1], a, variant) == agreed[i]]
        if not still:
            break
        kept = still
    return kept


def _rank(candidates, x, y, a, variant, obtained, k, work, layers):
    """Run every candidate on while it reproduces the obtained states and the work
    lasts; rank by iterations reproduced, then by the order of the causes, a mistake in
    fewer layers first."""
    order = dict((m.name, i) for i, m in enumerate(candidates))
    causes = [LayeredCause(m, k, (ORDER.get(m.id, len(ORDER)),
                                  len(m.layers) if m.layers is not None else len(layers),
                                  order[m.name]))
              for m in candidates]
    budget = Budget(work, _size(x, layers))
    running = list(causes)
    for i in range(1, len(obtained)):
        if not running:
            break
        if not budget.spend(len(running)):
            for c in running:
                c.cut = True
            break
        if i >= 2 and obtained[i - 1] == obtained[i - 2] and obtained[i] == obtained[i - 1]:
            for c in running:
                c.last = k + i
            continue
        for c in list(running):
            if _next(c.model, x, y, obtained[i - 1], a, variant) == obtained[i]:
                c.last = k + i
            else:
                running.remove(c)
    for c in causes:
        record = BY_ID.get(c.id)
        c.fix = record.fix_for(None) if record is not None else ""
    causes.sort(key=lambda c: (-c.reproduced, c.rank))
    return causes


def _ambiguous(causes):
    best = causes[0].reproduced
    ids = []
    for c in causes:
        if c.reproduced == best and c.id not in ids:
            ids.append(c.id)
    return ids if len(ids) > 1 else []

