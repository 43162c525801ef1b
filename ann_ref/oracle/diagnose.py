"""Why a trace diverges, inferred from the states alone: the models (models.py) that
reproduce it, ranked by evidence. This is inference; with a backend that can be run
again, experiment.py asks the backend instead (and uses this as its first guess).

1. The golden file is checked first: the contract's step from the last agreeing state
   must give the golden file's next state. If it does not, the golden file is
   inconsistent and no backend is blamed.
2. Every model is run on the whole diverging step — every sample, every output — and
   kept if it gives exactly the obtained bits; then pairs of them (two mistakes at
   once), those with a single that fits first.
3. A kept model must also give the agreeing states before the divergence: the backend
   computed those as the contract does, so a mistake that would have shown there is
   not the one it makes.
4. Each one left is run on from there: from the obtained state of every following
   iteration, does it give the obtained next one? The causes are ranked by how many
   iterations they reproduce in a row, then by the order of causes.CAUSES (the
   simpler and more common mistake first), a single mistake before a pair. A pair is
   listed only where it goes further than each of its parts alone (or, for the pairs
   real backends make, as far).

The work is counted in values computed, never timed, so that a busy machine changes
how long a diagnosis takes, not what it finds.
"""
from ..core.bits import bits_to_float
from . import models as M
from .causes import rank
from .findings import BEFORE_WORK, EVIDENCE_WORK, PAIR_WORK, Budget, Cause, Diagnosis, \
    Family, _bits, _next_state, greedy_nudges


FAMILY = Family(M.SPEC, M.MODELS, M.COMMON_PAIRS)


def family_of(scenario):
    """The family of models for a golden file's scenario."""
    if scenario.get("precision", "binary64") == "binary32":
        from .models32 import FAMILY as FAMILY32
        return FAMILY32
    return FAMILY


def _floats(W_bits, b_bits, family=FAMILY):
    return family.floats(W_bits, b_bits)


def intermediates(model, x, y, W, b, a, variant):
    """Every intermediate of one step of a model, by name (z, exp(−z), s, y_pred, e, dW,
    db, and the next W and b as bit patterns); None where the model cannot run there
    (a value it cannot represent)."""
    try:
        [(W1, b1)], kept = model.step(x, y, W, b, a, variant, keep=True)
    except (ArithmeticError, ValueError, TypeError, IndexError):
        return None
    value = _value(model.A)
    out = {name: [[value(v) for v in row] for row in kept[key][0]]
           for name, key in (("z", "z"), ("exp(−z)", "t"), ("s", "s"), ("e", "e"),
                             ("dW", "dW"))}
    out["y_pred"] = [[value(v) for v in row] for row in kept["y_pred"]]
    out["db"] = value(kept["db"][0])
    out["W"], out["b"] = model.state([(W1, b1)])
    return out


def _value(A):
    """A number of A as a float, for showing and comparing: a float itself (an int of
    an integer error as a float), the float a Single or a rounded number holds, the
    value of a Binary64's bits."""
    def value(v):
        if type(v) is float:
            return v
        if type(v) is int:
            return float(v)
        held = getattr(v, "v", None)
        return held if held is not None else bits_to_float(A.bits(v))
    return value


def explain(report, evidence_work=EVIDENCE_WORK):
    """Attach a Diagnosis to a report with a first divergence."""
    first = report.first
    if first is None or report.expected_state is None:
        return
    s = report.scenario
    if "layers" in s:
        from .layered import explain as explain_layered
        return explain_layered(report)
    family = family_of(s)
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    k = first.k
    d = Diagnosis(k)
    d.family = family
    report.diagnosis = d
    obtained = [report.obtained_state] + list(report.obtained_after)
    if report.before is None:
        _initial_state(report, d, s, obtained, evidence_work, family)
        return
    W, b = _floats(*report.before, family=family)
    spec = intermediates(family.spec, x, y, W, b, a, variant)
    d.steps = spec
    if (spec["W"], spec["b"]) != tuple(report.expected_state):
        d.golden_inconsistent = True
        d.notes.append("the golden file is inconsistent: the spec's step from its iteration "
                       "%d does not give its iteration %d, so no backend is to blame (was "
                       "the file altered? 'ann-ref golden check' regenerates it)" % (k - 1, k))
        return
    candidates = search(x, y, W, b, a, variant, obtained[0], family=family)
    if not candidates and family.nudged is not None:
        candidates = family.nudged(x, y, W, b, a, variant, obtained[0])
    candidates = _agree_before(candidates, x, y, a, variant, list(report.agreed), BEFORE_WORK,
                               family)
    d.causes = _rank(candidates, x, y, a, variant, obtained, k, evidence_work, family)
    if d.causes:
        best = d.causes[0]
        d.ambiguous = _ambiguous(d.causes)
        d.trial_name = best.model.name
        d.trial = intermediates(best.model, x, y, W, b, a, variant)
    else:
        d.trial_name, d.trial = _nearest(x, y, W, b, a, variant, obtained[0], family)
        d.notes.append("no modelled cause reproduces step %d: compare the intermediates "
                       "below with your backend's" % k)
    d.samples = samples_that_matter(spec, d.trial)
    _float32_note(report, d)


def search(x, y, W, b, a, variant, obtained, models=None, family=FAMILY):
    """The models, single and paired, that reproduce the step exactly. Pairs with a
    single that reproduces it are tried first (a second mistake hidden in the same
    step), then every other pair while the work lasts."""
    singles = list(family.models if models is None else models)
    values = [n for row in obtained[0] for n in row] + [obtained[1]]
    if family is FAMILY and not all_float32(values):  # binary32 numbers: binary32 states
        singles = [m for m in singles if m.A is not M.FLOAT32]
    target = (obtained[0], obtained[1])
    found = [m for m in singles if _next_state(m, x, y, W, b, a, variant) == target]
    budget = Budget(PAIR_WORK, _size(x, y) * family.cost)
    tried = set()
    for pool in (M.pairs_with(found, singles), M.pairs_with(singles, singles)):
        for m in pool:
            if m.name in tried:
                continue
            if not budget.spend():
                return found
            tried.add(m.name)
            if _next_state(m, x, y, W, b, a, variant) == target:
                found.append(m)
    return found


def nudged_exp(x, y, W, b, a, variant, obtained, most=64, part="t"):
    """An exp that is not correctly rounded, found without a model of it: the step with
    exp one or two ULPs off at some of its arguments that gives the obtained state. Each
    is a model whose exp is the correctly rounded one but at those arguments: the
    library's exp is unknown, so it goes on only as far as the backend misrounds nowhere
    else. With part "s", the sigmoid itself is nudged instead: a sigmoid computed
    otherwise (through tanh, say) departs where no exp of 1/(1 + exp(−z)) reaches.

    The arguments are taken one at a time, each nudged where that brings the step's bits
    nearer to the obtained ones (a probe that shows every s, as sigmoid-probe.json does,
    needs one nudge per misrounded argument); where that does not reach them, every
    single nudge and, for a small step, every pair is tried."""
    # (in the threshold variant s is seen only through s ≥ 0.5: a nudge shows only where
    # it moves s across 0.5, at the tiny z of tiny-z-threshold.json)
    z = M.SPEC.step(x, y, W, b, a, variant, keep=True)[1]["z"][0]
    arguments = sorted({_bits(-v) for row in z for v in row if v == v})[:most]
    target = (obtained[0], obtained[1])
    wanted = [n for row in obtained[0] for n in row] + [obtained[1]]

    def distance(table):
        got = _next_state(_nudged(table, part), x, y, W, b, a, variant)
        if got is None:
            return None
        return len([1 for u, v in zip([n for row in got[0] for n in row] + [got[1]], wanted)
                    if u != v])
    table, best = greedy_nudges(arguments, distance)
    if best == 0:
        return [_nudged(table, part)]
    singles = [((n, k),) for n in arguments for k in (1, -1, 2, -2)]
    pairs = [(p, q) for i, (p,) in enumerate(singles) for (q,) in singles[i + 1:]
             if p[0] != q[0]] if len(arguments) <= 6 else []
    for nudges in singles + pairs:
        model = _nudged(dict(nudges), part)
        if _next_state(model, x, y, W, b, a, variant) == target:
            return [model]
    return []


def _nudged(table, part="t"):
    """The contract with exp(v) k ULPs off at the arguments v of table {bits: k}; with
    part "s", with s(z) k ULPs off at the z whose −z are there."""
    def off(u, k):
        return bits_to_float(_bits(u) + k) if k and u == u and 0 < u < INF else u

    def t(A, z):
        return [[off(A.exp(-v), table.get(_bits(-v))) for v in row] for row in z]

    def s(A, z, t):
        return [[off(A.one / (A.one + u), table.get(_bits(-v))) for u, v in zip(row, zrow)]
                for row, zrow in zip(t, z)]
    if part == "s":
        shown = ", ".join("s(%r) %+d ULP" % (-bits_to_float(n), k) for n, k in table.items())
        return M.Model("sigmoid-form", "not the contract's", "s is not the contract's "
                       "1 / (1 + exp(−z)): the contract's s but for %s gives this step"
                       % shown, {"s": s})
    shown = ", ".join("exp(%r) %+d ULP" % (bits_to_float(n), k) for n, k in table.items())
    return M.Model("exp", "not correctly rounded", "exp is not correctly rounded: the "
                   "correctly rounded exp but for %s gives this step" % shown, {"t": t})


INF = float("inf")
def nudged_exp_or_sigmoid(x, y, W, b, a, variant, obtained):
    """An exp off by some ULPs, else a sigmoid off by some ULPs (nudged_exp)."""
    return (nudged_exp(x, y, W, b, a, variant, obtained) or
            nudged_exp(x, y, W, b, a, variant, obtained, part="s"))


FAMILY.nudged = nudged_exp_or_sigmoid


def _size(x, y):
    """The values one step computes, roughly: the unit of Budget."""
    return len(x) * len(x[0]) * len(y) + len(x[0]) * len(y)


def _agree_before(candidates, x, y, a, variant, agreed, work, family=FAMILY):
    """The candidates that also give the states before the divergence, which the backend
    computed exactly as the contract does: a mistake that would have shown earlier is
    not the one made. (All of them if none does, so that something is shown.)"""
    budget = Budget(work, _size(x, y) * family.cost)
    kept = list(candidates)
    for i in range(len(agreed) - 1, 0, -1):
        if len(kept) <= 1 or not budget.spend(len(kept)):
            break
        W, b = _floats(*agreed[i - 1], family=family)
        target = tuple(agreed[i])
        still = [m for m in kept if _next_state(m, x, y, W, b, a, variant) == target]
        if not still:
            break
        kept = still
    return kept


def _rank(candidates, x, y, a, variant, obtained, k, work, family=FAMILY):
    """Run every candidate on while it reproduces the obtained states and the work
    lasts; rank by iterations reproduced, then by the order of the causes.

    A pair with a part that fits alone is kept only if it goes further than that part,
    so it is run only once that part has stopped (most never need to be); the pairs real
    backends make (models.COMMON_PAIRS) are run with the singles, and listed when they go
    as far."""
    order = {m.name: i for i, m in enumerate(family.models)}
    causes = [Cause(m, k, (rank(m.id), order.get(m.name, len(order) + i)))
              for i, m in enumerate(candidates)]
    budget = Budget(work, _size(x, y) * family.cost)
    fitting = {c.model.name for c in causes if "+" not in c.id}
    later = [c for c in causes if "+" in c.id and c.id not in family.common_pairs
             and any(n in fitting for n in c.model.components)]
    run_on([c for c in causes if c not in later], x, y, a, variant, obtained, k, budget,
           family)
    single = {c.model.name: c for c in causes if "+" not in c.id}
    for c in later:
        parts = [single[n] for n in c.model.components if n in single]
        if any(p.cut for p in parts):
            c.last = c.first - 1                # cannot be shown to go further: dropped
            continue
        run_on([c], x, y, a, variant, obtained, k, budget, family)
    causes.sort(key=lambda c: (-c.reproduced, "+" in c.id, c.rank))
    # a pair is evidence of two mistakes only where it goes further than either alone;
    # the pairs real backends make are listed when they go as far
    reach = {name: c.reproduced for name, c in single.items()}
    return [c for c in causes if c.reproduced > 0 and (
        "+" not in c.id or
        all(reach.get(n, -1) < c.reproduced for n in c.model.components) or
        (c.id in family.common_pairs and
         all(reach.get(n, -1) <= c.reproduced for n in c.model.components)))]


def run_on(running, x, y, a, variant, obtained, k, budget, family=FAMILY):
    """Advance the causes in lockstep through the obtained states after iteration k."""
    running = list(running)
    for i in range(1, len(obtained)):
        if not running:
            return
        if not budget.spend(len(running)):
            for c in running:
                c.cut = True
            return
        if i >= 2 and obtained[i - 1] == obtained[i - 2] and obtained[i] == obtained[i - 1]:
            # the same state as the step before, which each running cause reproduced:
            # its step gives the same state again
            for c in running:
                c.last = k + i
            continue
        W, b = _floats(*obtained[i - 1], family=family)
        target = tuple(obtained[i])
        for c in list(running):
            if _next_state(c.model, x, y, W, b, a, variant) == target:
                c.last = k + i
            else:
                running.remove(c)


def _ambiguous(causes):
    """The ids of the causes that fit exactly as well as the first, if more than one."""
    best = causes[0].reproduced
    ids = []
    for c in causes:
        if c.reproduced == best and c.id not in ids:
            ids.append(c.id)
    return ids if len(ids) > 1 else []


def _nearest(x, y, W, b, a, variant, obtained, family=FAMILY):
    """The model whose result is nearest to the obtained state (fewest values off), to
    show where a backend's step may part from the contract's."""
    best, best_name, best_off = None, None, None
    target = [n for row in obtained[0] for n in row] + [obtained[1]]
    for m in family.models:
        r = intermediates(m, x, y, W, b, a, variant)
        if r is None:
            continue
        got = [n for row in r["W"] for n in row] + [r["b"]]
        off = len([1 for u, v in zip(got, target) if u != v])
        if best_off is None or off < best_off:
            best, best_name, best_off = r, m.name, off
    return best_name, best


def samples_that_matter(spec, trial, most=4):
    """(o, j) of the samples whose intermediates differ between the contract's step and
    the trial's: where the backend parts from the contract. The first few if none
    differ."""
    O, S = len(spec["z"]), len(spec["z"][0])
    found = []
    if trial is not None:
        for o in range(O):
            for j in range(S):
                if any(_bits(spec[n][o][j]) != _bits(trial[n][o][j])
                       for n in ("z", "exp(−z)", "s", "y_pred", "e")):
                    found.append((o, j))
    return found or [(o, j) for o in range(O) for j in range(S)][:most]


def _initial_state(report, d, s, obtained, work, family=FAMILY):
    """A divergence at iteration 0: the initial state is the scenario's, so the backend
    read it wrong — or in its own arithmetic (binary32, subnormals flushed)."""
    W0, b0 = s["W"], s["b"]
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    found = [m for m in family.models if m.A is not family.spec.A and
             m.state([m.load(x, y, W0, b0, a)[2:4]]) == tuple(obtained[0])]
    if found:
        d.causes = _rank(found, x, y, a, variant, obtained, 0, work, family)
    else:
        d.notes.append("iteration 0 is the initial state: read W and b from the scenario's "
                       "bits, or parse its decimals with a correctly rounded parser")


def _float32_note(report, d):
    """A hint when the obtained values are genuinely binary32: representable in binary32,
    and not all short (a few significant bits, as small powers of two are)."""
    if any(c.id == "float32" for c in d.causes):
        return
    W_o, b_o = report.obtained_state
    values = [n for row in W_o for n in row] + [b_o]
    if genuinely_float32(values) and not genuinely_float32(
            [n for row in report.expected_state[0] for n in row] + [report.expected_state[1]]):
        d.notes.append("every obtained value of W and b is a binary32: the backend seems "
                       "to compute in single precision (torch's and many GPUs' default); "
                       "the spec is binary64")


def all_float32(values):
    """True if every bit pattern (NaN and inf aside) is a binary32 value."""
    from .arith import float32
    for n in values:
        v = bits_to_float(n)
        if v - v == 0.0 and float32(v) != v:
            return False
    return True


def genuinely_float32(values):
    """True if every bit pattern is a binary32 value and at least one needs more than 8
    significant bits (0.5, 0.375 or 3.0 are binary32 in any precision)."""
    from .arith import float32
    long_one = False
    for n in values:
        v = bits_to_float(n)
        if v != v or v - v != 0.0:
            continue
        if float32(v) != v:
            return False
        if n & 0x000FFFFFFFFFFFFF & ((1 << 44) - 1):
            long_one = True
    return long_one
