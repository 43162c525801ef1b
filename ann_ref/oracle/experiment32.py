"""Diagnosis by experiment for binary32 files (docs/SPEC.md §10): experiment.py's designs
in binary32, run on a float32 backend, read with models32.py's models.

The experiments are experiment.py's — each a scenario of the contract that isolates one
part of the step, run for one iteration — with their numbers in binary32 and their
scales within binary32's range:
- the sigmoid, at this step's z and at characteristic arguments: x the identity, W
  holding the arguments β, b = 0, y = 0, a = P·2^K, so that W − a·dW = −2^K·s exactly
  once 2^K·s dwarfs β (by 2^25 here). 2^K stays below 2^100 (a, a binary32, below
  2^127), so s is read only where it is above about 2^-74 (β > −50): below, nothing is
  decided. In the threshold variant a = 4·P and W − 4·y_pred says y_pred;
- dW and db at this step's x and error e: z = −1000 (exp32(1000) is inf already, so
  s = 0 and e = −y exactly), a = 1: W and b after the update are −dW and −db;
- the update at this step's W, a and undivided sums;
- the step itself from the last agreeing state: what the parts found do not explain
  is z, found among the z models.
Each observation is compared with the binary32 contract's step and with the models of
models32.py; the first part that differs, on identical inputs, is where the backend
departs.
"""
from ..core.binary32 import bits32_to_float, exp32, float_to_bits32, round32
from ..core.model import THRESHOLD
from ..core.single import BINARY32, Single
from . import models32 as M32
from .experiment import (WIDE, Experiment, Finding, _identity, _name,
                         _power_of_two_at_least, place_arguments)
from .values import show, ulp_distance

LARGE = 1000.0                    # z = −LARGE: exp32(LARGE) is inf, s = 0 in every form
MOST_SCALE = 100                  # a = P·2^K stays a binary32: K ≤ 100


def _bits(v):
    return 0x7FC00000 if v != v else float_to_bits32(v)


def _show(v):
    return show(_bits(v), 8)


def _f32(M):
    return [[round32(v) for v in row] for row in M]


def _scenario(name, variant, x, y, W, b, a):
    return {"name": name, "variant": variant, "precision": "binary32", "x": _f32(x),
            "y": _f32(y), "W": _f32(W), "b": round32(b), "learning_rate": round32(a),
            "iterations": 1}


class Experiment32(Experiment):
    """An experiment on a binary32 scenario, compared with the binary32 contract."""

    def as_json(self):
        out = Experiment.as_json(self)
        out["agrees"] = None if self.observed is None else self.fits(M32.SPEC)
        return out


def _contract_s(beta):
    one = Single(1.0)
    return (one / (one + Single(exp32(-beta)))).v


# --- the sigmoid -------------------------------------------------------------------------------

def sigmoid_experiments(arguments, variant, F, O, wide):
    """Experiments reading the backend's s (or y_pred) at the arguments: a list of
    (experiment, [(f, o, β)])."""
    if wide:
        O = max(1, min(8, (len(arguments) + 7) // 8))
        F = max(1, min(8, len(arguments)))
    P = _power_of_two_at_least(F)
    per = F * O
    out = []
    for start in range(0, len(arguments), per):
        chunk = arguments[start:start + per]
        W, placed = place_arguments(chunk, F, O)
        if variant == THRESHOLD:
            a = 4.0 * P
        else:
            a = float(P) * 2.0 ** _scale(chunk)
        s = _scenario("probe-sigmoid", variant, _identity(F, P), [[0.0] * P for _ in range(O)],
                      W, 0.0, a)
        out.append((Experiment32("s" if variant != THRESHOLD else "y_pred",
                                 "the backend's %s at %d argument%s" % (
                                     "sigmoid" if variant != THRESHOLD else "y_pred",
                                     len(chunk), "s" * (len(chunk) > 1)), s, "W"), placed))
    return out


def _scale(arguments):
    """K with 2^K·s ≥ 2^26·|β| for the arguments (s ≥ e^β roughly), at most MOST_SCALE."""
    import math
    finite = [b for b in arguments if b == b and -1e30 < b < 1e30]
    biggest = max([abs(b) for b in finite] + [1.0])
    least = min(finite + [0.0])
    low = 0 if least >= -1.0 else int(-least * 1.4427) + 2
    return min(int(math.log(biggest, 2)) + 27 + low, MOST_SCALE)


def read_sigmoid(experiment, placed, variant):
    """[(β, the backend's s or y_pred at β, or None where it cannot be read exactly)]."""
    W, _ = experiment.state
    s = experiment.scenario
    a, P = s["learning_rate"], len(s["x"][0])
    out = []
    for f, o, beta in placed:
        w = bits32_to_float(W[f][o])
        if variant == THRESHOLD:
            out.append((beta, 0.0 if w == beta else 1.0 if w == round32(beta - 4.0) else None))
            continue
        scale = a / P                      # a power of two
        value = -w / scale
        exact = value == value and round32(beta - scale * value) == w and \
            abs(beta) < abs(w) * 2.0 ** -25 and value == round32(value)
        out.append((beta, value if exact else None))
    return out


def _survey_arguments():
    """Arguments where float32 exps misround, and edges: the binary32 sigmoid probe's z,
    and z near 0, Z*, the saturation."""
    from ..catalogue.binary32 import BY_NAME
    probe = BY_NAME["sigmoid-probe"]["x"][-1]
    edges = [0.0, -0.0, 2.0 ** -30, -(2.0 ** -23), -1.5 * 2.0 ** -23, 1.0, -1.0, 16.6,
             -16.6, 20.0, -30.0, 40.0, -45.0]
    seen, out = set(), []
    for v in [v for v in probe if v > -48.0] + edges:
        v = round32(v)
        if _bits(v) not in seen:
            seen.add(_bits(v))
            out.append(v)
    return out


def _threshold_arguments():
    Z = BINARY32.z_star().v
    return [0.0, -0.0, Z, bits32_to_float(_bits(Z) + 1), -(2.0 ** -23), -1.5 * 2.0 ** -23,
            2.0 ** -149, -(2.0 ** -149)]


def _exp_distance(beta, s):
    """k such that 1 ⊘ (1 ⊕ t), t k binary32 ULPs from exp32(−β), is s; None if none
    within 8 of the t that s implies."""
    t = exp32(-beta)
    if not (0.0 < t < float("inf")) or not (0.0 < s <= 1.0):
        return None
    guess = round32(1.0 / s - 1.0)
    if not guess > 0.0:
        return None
    one = Single(1.0)
    centre = _bits(guess)
    found = [centre + d - _bits(t) for d in range(-8, 9)
             if bits32_to_float(centre + d) > 0.0 and
             _bits((one / (one + Single(bits32_to_float(centre + d)))).v) == _bits(s)]
    found = [k for k in found if k]
    return min(found, key=abs) if found else None


def _sigmoid_part(lab, arguments, variant, F, O, runs, inferred):
    wide = lab.wide is not False
    step_bits = {_bits(v) for v in arguments}
    probed = list(arguments)
    if wide:
        room = WIDE * max(1, (len(arguments) + WIDE - 1) // WIDE) - len(arguments)
        probed += [v for v in (_survey_arguments() if variant != THRESHOLD else
                               _threshold_arguments()) if _bits(v) not in step_bits][:room]
    experiments = sigmoid_experiments(probed, variant, F, O, wide)
    if wide and experiments and not experiments[0][0].run(lab):
        lab.wide = False
        runs.append(experiments[0][0])
        experiments = sigmoid_experiments(arguments, variant, F, O, False)[:6]
    elif wide and experiments:
        lab.wide = True
    readings = []
    for experiment, placed in experiments:
        runs.append(experiment)
        if experiment.observed is None and not experiment.run(lab):
            continue
        readings.append((experiment, placed))
    if not readings:
        return None
    values = []
    for ex, placed in readings:
        values += read_sigmoid(ex, placed, variant)
    at_step = [(beta, v) for beta, v in values if _bits(beta) in step_bits and v is not None]

    def contract(beta):
        s = _contract_s(beta)
        return (1.0 if s >= 0.5 else 0.0) if variant == THRESHOLD else s
    if all(_bits(v) == _bits(contract(beta)) for beta, v in at_step):
        return None                       # right at every z of this step
    lines, ulps = [], []
    for beta, v in values:
        if v is None or _bits(v) == _bits(contract(beta)):
            continue
        if variant == THRESHOLD:
            lines.append("at z = %s, y_pred is %d where the contract gives %d" % (
                _show(beta), v, contract(beta)))
            continue
        k = _exp_distance(beta, v)
        ulps.append(k)
        lines.append("at z = %s, s is %s where the contract gives %s%s" % (
            _show(beta), _show(v), _show(contract(beta)),
            "" if k is None else " (an exp %+d ULP from e^−z gives it)" % k))
    candidates = _preferring([m for m in _single_models()
                              if all(ex.fits(m) for ex, _ in readings)], inferred)
    part = "s" if variant != THRESHOLD else "y_pred"
    if candidates:
        best = candidates[0]
        explanation = best.does
        others = sorted({m.name for m in candidates if m.id != best.id or m.name != best.name})
        if others:
            explanation += " (as would %s)" % ", ".join(others)
        return Finding("t" if best.id == "exp" else _part_of(best, part), best.id,
                       best.detail, explanation, lines[:3], best)
    if variant != THRESHOLD and ulps and None not in ulps:
        return Finding("t", "exp", "", "exp is not correctly rounded: %d of %d arguments "
                       "probed give another s, each as an exp %s from exp32 would" % (
                           len(ulps), len(values), "1 ULP" if max(map(abs, ulps)) == 1
                           else "at most %d ULP" % max(map(abs, ulps))), lines[:3])
    if variant == THRESHOLD:
        zero = [v for beta, v in values if beta == 0.0 and v is not None]
        if zero and 0.0 in zero:
            return Finding(part, "threshold-strict", "", "y_pred is 0 where s is exactly "
                           "0.5: the comparison is s > 0.5", lines[:3])
        return Finding("t", "exp", "", "exp is not correctly rounded near z = 0, where it "
                       "decides y_pred", lines[:3])
    return Finding(part, "sigmoid-form", "", "the backend's s is not 1 ⊘ (1 ⊕ t) for an exp "
                   "t near e^−z at every argument: another form of the sigmoid", lines[:3])


# --- dW, db and the update -------------------------------------------------------------------

def sum_experiment(x, e, variant):
    F, O = len(x), len(e)
    W = [[-0.0] * O for _ in range(F)]
    y = [[-v for v in row] for row in e]
    return Experiment32("dW", "the backend's dW at this step's x and e (%d sums of %d "
                        "products)" % (F * O, len(x[0])),
                        _scenario("probe-dW", variant, x, y, W, -LARGE, 1.0), "W")


def bias_experiment(F, e, variant):
    O, S = len(e), len(e[0])
    x = [[1.0] * S for _ in range(F)]
    W = [[-LARGE if f == 0 else 0.0 for _ in range(O)] for f in range(F)]
    y = [[-v for v in row] for row in e]
    return Experiment32("db", "the backend's db at this step's e (one sum of %d errors)"
                        % (O * S), _scenario("probe-db", variant, x, y, W, -0.0, 1.0), "b")


def update_experiment(W, a, totals, m, variant):
    F, O = len(W), len(W[0])
    biggest = max([abs(v) for row in W for v in row if v == v and abs(v) < 1e37] + [0.0])
    S = max(m, F)
    e = [[totals[f][o] if f < F else 0.0 for f in range(S)] for o in range(O)]
    y = [[-v for v in row] for row in e]
    return Experiment32("update", "the backend's W − a·(Σ/m) at this step's W, a and sums",
                        _scenario("probe-update", variant, _identity(F, S), y, W,
                                  -(LARGE + 2.0 * biggest), a), "W")


def _single_models():
    """The models a finding can name: M32.MODELS but the pairs (a pair is two findings)."""
    return [m for m in M32.MODELS if "+" not in m.id]


def _preferring(candidates, inferred):
    """The candidates that fit an experiment equally well, those the states alone point
    to first (in the inference's order), then the simplest: an experiment on one part
    cannot tell a sum order from an accumulator that gives the same bits on these
    inputs, the whole trace can."""
    def rank(m):
        for i, (cid, detail) in enumerate(inferred):
            if m.id == cid and detail in (None, m.detail):
                return i
        return len(inferred)
    return sorted(candidates, key=lambda m: (rank(m), len(m.replaced)))


def _part_of(model, part):
    """The part a finding names: the experiment's, unless the model is of another part
    (bfloat16 operands seen in the sigmoid's experiment are the products' mistake)."""
    from .causes import BY_ID
    if model is None or part in model.replaced:
        return part
    own = BY_ID[model.id].part if model.id in BY_ID else part
    return own if own in model.replaced or own == "arithmetic" else part


def _part(lab, experiment, part, runs, inferred):
    runs.append(experiment)
    if not experiment.run(lab) or experiment.fits(M32.SPEC):
        return None
    candidates = _preferring([m for m in _single_models() if experiment.fits(m)], inferred)
    evidence = _differences(experiment, part)
    if not candidates:
        return Finding(part, {"update": "fused-update"}.get(part, "sum-order"), "",
                       "no model reproduces the backend's %s" % part, evidence)
    best = candidates[0]
    explanation = best.does
    others = [m.does for m in candidates[1:] if m.id != best.id]
    if others:
        explanation += " (or: %s)" % "; ".join(others)
    return Finding(_part_of(best, part), best.id, best.detail, explanation, evidence, best)


def _differences(experiment, part, most=3):
    expected = experiment.expect(M32.SPEC)
    if expected is None or experiment.observed is None:
        return []
    lines = []
    (We, be), (Wo, bo) = expected, experiment.observed
    if We is not None:
        for f, (re, ro) in enumerate(zip(We, Wo)):
            for o, (u, v) in enumerate(zip(re, ro)):
                if u != v and len(lines) < most:
                    sign = -1.0 if part == "dW" else 1.0
                    lines.append("%s[%d][%d]%s is %s where the contract gives %s (%s)" % (
                        "dW" if part == "dW" else "W", f, o,
                        "" if part == "dW" else " after the update",
                        _show(sign * bits32_to_float(v)), _show(sign * bits32_to_float(u)),
                        _distance(u, v)))
    elif be is not None and be != bo:
        lines.append("db is %s where the contract gives %s (%s)" % (
            _show(-bits32_to_float(bo)), _show(-bits32_to_float(be)), _distance(be, bo)))
    return lines


def _distance(u, v):
    if {u, v} == {0, 0x80000000}:
        return "sign of zero"
    d = ulp_distance(u, v, 8)
    return "NaN against a number" if d is None else "%d ULP" % d


# --- the weighted sum, and the whole -------------------------------------------------------------

def _combined(findings):
    parts = {}
    for f in findings:
        m = f.model
        if m is not None:
            parts.update({k: m.parts[k] for k in m.replaced if k != "arithmetic"})
    return M32.Model32("found", "", "the parts found", parts)


def _weighted_sum(replay, findings, report, inferred):
    base = _combined(findings)
    if replay.fits(base):
        return None
    for zm in [m for m in _single_models() if "z" in m.replaced or "arithmetic" in m.replaced]:
        if "arithmetic" in zm.replaced:
            model = zm
        else:
            parts = {k: base.parts[k] for k in base.replaced}
            parts.update({k: zm.parts[k] for k in zm.replaced})
            model = M32.Model32(zm.id, zm.detail, zm.does, parts)
        if replay.fits(model):
            return Finding("z" if "z" in zm.replaced else "arithmetic", zm.id, zm.detail,
                           zm.does, ["with z so, the step from iteration %d gives the "
                                     "backend's iteration %d" % (report.first.k - 1,
                                                                  report.first.k)])
    if findings or inferred:
        return None
    return Finding("z", "sum-order", "", "the sigmoid, dW, db and the update agree with the "
                   "contract on this step's inputs, so the weighted sum z departs; no "
                   "modelled order reproduces it", [])


def investigate32(report, lab, kind=None):
    """experiment.investigate for a binary32 file: its findings and experiments on
    report.diagnosis."""
    d = report.diagnosis
    s = report.scenario
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    W, b = M32.FAMILY.floats(*report.before)
    F, O, S = len(x), len(y), len(x[0])
    spec = M32.SPEC.step(x, y, W, b, a, variant, keep=True)[1]
    z = [[v.v for v in row] for row in spec["z"][0]]
    e = [[v.v for v in row] for row in spec["e"][0]]
    findings = []
    runs = d.experiments
    # what the states alone point to, first to last: the tie-break between models that
    # fit an experiment equally well
    inferred = [(c.id, c.detail) for c in d.causes] + [(i, None) for i in d.ambiguous]
    found = _sigmoid_part(lab, [v for row in z for v in row], variant, F, O, runs, inferred)
    if found:
        findings.append(found)
    totals = [[None] * O for _ in range(F)]    # the undivided sums Σ_j x[f][j]·e[o][j]
    for f in range(F):
        for o in range(O):
            total = Single(x[f][0]) * Single(e[o][0])
            for j in range(1, S):
                total = total + Single(x[f][j]) * Single(e[o][j])
            totals[f][o] = total.v
    for experiment, part in ((sum_experiment(x, e, variant), "dW"),
                             (bias_experiment(F, e, variant), "db"),
                             (update_experiment(W, a, totals, S, variant), "update")):
        found = _part(lab, experiment, part, runs, inferred)
        if found:
            findings.append(found)
    replay = Experiment32("step", "the backend's step from the last agreeing state",
                          _scenario(s["name"], variant, x, y, W, b, a))
    runs.append(replay)
    if replay.run(lab):
        found = _weighted_sum(replay, findings, report, bool(d.causes))
        if found:
            findings.insert(0, found)
    d.findings = findings
    d.runs = lab.processes
    refused = [ex for ex in runs if ex.refused]
    if refused:
        d.notes.append("the backend did not run %d of the %d experiments (%s: %s)" % (
            len(refused), len(runs), refused[0].purpose, refused[0].refused))
    if findings:
        _name(d, findings, kind)
    elif replay.observed is None:
        d.notes.append("the backend did not run the experiments (%s): the causes are "
                       "inferred from the states alone" % (replay.refused or "refused"))
