"""Diagnosis by experiment: the oracle asks the backend what it computes, instead of
guessing from two states.

A backend runs any scenario it is given, so from the step where it diverges the oracle
designs small scenarios that isolate one part of the step (the parts of core/model.py),
runs the backend on each for one iteration, and reads the part's results off the next
state. Every experiment is a scenario of the contract, and every expectation is the
contract's step on it (or a model's, models.py): nothing is read that the scenario does
not fix exactly.

- sigmoid: x the identity, W holding the arguments β, b = 0, y = 0, one iteration: z is
  β exactly whatever the order of its sums (the other products are zeros), e = s, and
  dW[f][o] = s[o][f] / P exactly (P samples, a power of two); with a = P·2^K,
  W − a·dW = −2^K·s exactly once 2^K·s dwarfs β: W after the update is the backend's
  own sigmoid of β, scaled. In the threshold variant the sign of W says y_pred.
- dW at the step's own x and error e: W = 0, b = −2^1000 (so s = 0 and y_pred = 0 in
  every form: e = −y exactly) and y = −e, a = 1: W after the update is −dW.
- db likewise, with W making z = −2^1000 and b = 0: b after the update is −db.
- the update: x the identity again, e chosen so that each sum is the step's, W the
  step's W and a its learning rate: W after the update is the backend's W − a·(Σ/m).
- z is left: when the backend's sigmoid, dW, db and update agree with the contract on
  the step's own inputs, and its one-step replay from the agreeing state still gives
  the diverging state, the weighted sum is where it departs; which order it sums in is
  found among the models by running scenarios on which they disagree.

The first part whose result differs from the contract, on identical inputs, is where
the backend departs; then what it does there is said from the observations: which model
reproduces every observed value, or — when none does — the values themselves ("your dW
gives Y where the contract gives Z"), and for exp how many arguments are off by how many
ULPs. Ambiguity is settled by running the experiment that separates the models, never
by a list of priorities.
"""
import io
import os
import random

from ..core.arithmetic import BINARY64
from ..core.bits import CANONICAL_NAN, bits_to_float, float_to_bits, ulp_distance
from ..core.model import PARTS, THRESHOLD
from ..errors import FormatError
from . import backend as B
from . import models as M
from . import sums
from .causes import BY_ID
from .diagnose import _floats

# z = −LARGE: exp(−z) overflows to inf, so s = 0 and y_pred = 0 in every form of the
# sigmoid, while −z stays small enough for any exp to take (e^1000 is inf in binary64)
LARGE = 1000.0
MOST_RUNS = 20                   # backend processes per diagnosed divergence
WIDE = 64                        # sigmoid arguments per run when the shape is free


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


def _show(v):
    return "%r (%016x)" % (v, _bits(v))


# --- the backend, run on scenarios --------------------------------------------------------

class Refused(Exception):
    """The backend did not run an experiment (it failed on it, or the budget is spent)."""


class Lab:
    """A backend and the experiments run on it: one iteration of a scenario in, the
    states out. Counts the backend processes it starts (with the batch protocol one
    serves them all) and keeps at most MOST_RUNS."""

    def __init__(self, command, batch=False, timeout=B.DEFAULT_TIMEOUT,
                 max_output=B.DEFAULT_MAX_BYTES, most=MOST_RUNS):
        self.command, self.batch = command, batch
        self.timeout, self.max_output, self.most = timeout, max_output, most
        self.processes = self.scenarios = 0
        self.session = None
        self.wide = None                 # whether the backend takes other shapes
        self.impossible = B.impossible(command)

    def possible(self, model):
        """Whether the model's cause can happen in this backend (x87 registers cannot in
        an x86-64 program)."""
        return not set(model.id.split("+")) & self.impossible

    def close(self):
        if self.session is not None:
            self.session.close()
            self.session = None

    def run(self, scenario):
        """The bits [(W, b), ...] of states 0..N the backend gives for the scenario (a
        dict of the catalogue's form: name, variant, x, y, W, b, learning_rate,
        iterations); Refused if it does not."""
        from ..catalogue.document import header
        from ..formats.writer import write_document, dumps
        head = header(scenario)
        path = None
        try:
            if self.batch:
                if self.session is None:
                    if self.processes >= self.most:
                        raise Refused("the budget of %d backend processes is spent"
                                      % self.most)
                    self.session = B.Session(self.command, self.timeout, self.max_output)
                    self.processes += 1
                path = self.session.trace(dumps(head).encode("utf-8"))
            else:
                if self.processes >= self.most:
                    raise Refused("the budget of %d backend processes is spent" % self.most)
                text = io.StringIO()
                write_document(text, head)
                self.processes += 1
                path = B.run(self.command, text.getvalue().encode("utf-8"), self.timeout,
                             self.max_output)
            self.scenarios += 1
            return _read_states(path, scenario)
        except B.BackendError as e:
            if self.session is not None and self.session.p.poll() is not None:
                self.session = None
            raise Refused(str(e))
        finally:
            if path is not None:
                os.remove(path)


def _read_states(path, scenario):
    from ..formats.reader import TRACE, open_document
    try:
        with open_document(path, TRACE) as document:
            document.layout(scenario)     # read in the scenario's precision and shape
            return [(W, b) for _, W, b in document.entries()]
    except FormatError as e:
        raise Refused("it answered with something that is not a trace: %s" % e)


# --- experiments -------------------------------------------------------------------------

class Experiment:
    """One scenario run on the backend, what it is for, and the expected and observed
    states after its update; `reads` the part of the state that carries the answer
    (W, b, or both), the rest being a by-product compared with nothing."""

    def __init__(self, part, purpose, scenario, reads="Wb"):
        self.part, self.purpose, self.scenario, self.reads = part, purpose, scenario, reads
        self.observed = None             # (W bits, b bits) after one iteration
        self.refused = None

    def _read(self, state):
        W, b = state
        W = tuple(tuple(row) for row in W)
        return (W if "W" in self.reads else None, b if "b" in self.reads else None)

    def expect(self, model):
        """The state model predicts: its step on the scenario, as bits (the part read)."""
        s = self.scenario
        try:
            return self._read(model.state(model.step(s["x"], s["y"], s["W"], s["b"],
                                                     s["learning_rate"], s["variant"])))
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return None

    def run(self, lab):
        try:
            states = lab.run(self.scenario)
        except Refused as e:
            self.refused = str(e)
            return False
        if len(states) < 2:
            self.refused = "it gave %d states for one iteration" % len(states)
            return False
        return self._take(states[1])

    def _take(self, state):
        """Keep the state after the update and the part of it read; False if it cannot be
        read."""
        self.state = tuple(state)
        self.observed = self._read(self.state)
        return True

    def as_json(self):
        return {"part": self.part, "purpose": self.purpose,
                "ran": self.observed is not None, "refused": self.refused,
                "agrees": None if self.observed is None else self.fits(M.SPEC)}

    def fits(self, model):
        return self.observed is not None and self.expect(model) == self.observed


def _scenario(name, variant, x, y, W, b, a):
    return {"name": name, "variant": variant, "x": x, "y": y, "W": W, "b": b,
            "learning_rate": a, "iterations": 1}


def _identity(F, S):
    return [[1.0 if f == j else 0.0 for j in range(S)] for f in range(F)]


def _power_of_two_at_least(n):
    p = 1
    while p < n:
        p *= 2
    return p


def place_arguments(chunk, F, O, rows=None):
    """W of `rows` rows (F unless given) and O columns, 0 but for the arguments placed
    down its first F rows, column after column; and [(f, o, β)] saying where each is."""
    W = [[0.0] * O for _ in range(F if rows is None else rows)]
    placed = []
    for i, beta in enumerate(chunk):
        f, o = i % F, i // F
        W[f][o] = beta
        placed.append((f, o, beta))
    return W, placed


def sigmoid_experiments(arguments, variant, F, O, wide):
    """Experiments that read the backend's sigmoid (logistic) or its y_pred (threshold)
    at the arguments: each a list of (experiment, [(f, o, β)])."""
    if wide:
        O = max(1, min(8, (len(arguments) + 7) // 8))
        F = max(1, min(8, len(arguments)))
    P = _power_of_two_at_least(F)
    per = F * O
    out = []
    for start in range(0, len(arguments), per):
        chunk = arguments[start:start + per]
        W, placed = place_arguments(chunk, F, O)
        biggest = max([abs(v) for row in W for v in row if v - v == 0.0] + [1.0])
        K = _scale(biggest, chunk, variant)
        a = float(P) * 2.0 ** K if variant != THRESHOLD else float(P) * 4.0
        y = [[0.0] * P for _ in range(O)]
        scenario = _scenario("probe-sigmoid", variant, _identity(F, P), y, W, 0.0, a)
        out.append((Experiment("s" if variant != THRESHOLD else "y_pred",
                               "the backend's %s at %d argument%s" % (
                                   "sigmoid" if variant != THRESHOLD else "y_pred",
                                   len(chunk), "s" * (len(chunk) > 1)), scenario, "W"),
                    placed))
    return out


def _scale(biggest, arguments, variant):
    """K such that 2^K·s dwarfs every |β| (so W − 2^K·s is −2^K·s exactly) and stays
    finite: from the least s among the arguments (s ≥ e^β roughly)."""
    least = min([b for b in arguments if b == b] + [0.0])
    low = 0 if least >= -1.0 else int(-least * 1.4427) + 2       # log2(e^−β)
    import math
    K = int(math.log(biggest, 2)) + 60 + low
    return min(K, 1000)


def read_sigmoid(experiment, placed, variant, W=None):
    """The backend's s (or y_pred) at each argument, read off the state (or off the W
    given, a model's): [(β, value or None where it cannot be read exactly)]."""
    if W is None:
        W, _ = experiment.state
    s = experiment.scenario
    a, P = s["learning_rate"], len(s["x"][0])
    out = []
    for f, o, beta in placed:
        w = bits_to_float(W[f][o])
        if variant == THRESHOLD:
            # W − a·((y_pred − 0)/P) = β − 4·y_pred: β again for 0, β − 4 for 1
            out.append((beta, 0.0 if w == beta else 1.0 if w == beta - 4.0 else None))
            continue
        scale = a / P
        value = -w / scale
        # exact only where 2^K·s dwarfs β: check by recomputing the update
        ok = value == value and beta - scale * value == w and abs(beta) < abs(w) * 2.0 ** -54
        out.append((beta, value if ok else None))
    return out


def sum_experiment(x, e, variant):
    """dW at the step's x and error e: W = −0.0 (so that −0.0 − a·dW keeps dW's sign of
    zero: +0.0 for a dW of −0.0, −0.0 for +0.0), b = −1000, y = −e, a = 1."""
    F, O, S = len(x), len(e), len(x[0])
    W = [[-0.0] * O for _ in range(F)]
    y = [[-v for v in row] for row in e]
    return Experiment("dW", "the backend's dW at this step's x and e (%d sums of %d "
                      "products)" % (F * O, S), _scenario("probe-dW", variant, x, y, W,
                                                          -LARGE, 1.0), "W")


def bias_experiment(F, e, variant):
    """db at the step's error e: x of ones, W[0] = −1000, b = −0.0, y = −e, a = 1."""
    O, S = len(e), len(e[0])
    x = [[1.0] * S for _ in range(F)]
    W = [[-LARGE if f == 0 else 0.0 for _ in range(O)] for f in range(F)]
    y = [[-v for v in row] for row in e]
    return Experiment("db", "the backend's db at this step's e (one sum of %d errors)"
                      % (O * S), _scenario("probe-db", variant, x, y, W, -0.0, 1.0), "b")


def bias_update_experiment(F, e, b, a, variant):
    """The update of b at the step's b, a and error e: db's design (x of ones, W[0] =
    −1000, y = −e), with the step's b and learning rate: b after it is b − a·db."""
    experiment = bias_experiment(F, e, variant)
    experiment.part, experiment.purpose = "update", "the backend's b − a·db at this step's b, " \
        "a and e"
    experiment.scenario.update(b=b, learning_rate=a)
    return experiment


def update_experiment(W, a, totals, m, variant):
    """The update at the step's W, a and undivided sums Σ (F × O), m samples: x the
    identity on the first F samples, e[o][f] = Σ[f][o]; b = −(1000 + max |W|), so that
    every z = W[j][o] + b is below −1000."""
    F, O = len(W), len(W[0])
    biggest = max([abs(v) for row in W for v in row if v == v] + [0.0])
    S = max(m, F)
    x = _identity(F, S)
    e = [[totals[f][o] if f < F else 0.0 for f in range(S)] for o in range(O)]
    y = [[-v for v in row] for row in e]
    return Experiment("update", "the backend's W − a·(Σ/m) at this step's W, a and "
                      "sums", _scenario("probe-update", variant, x, y, W,
                                        -(LARGE + 2.0 * biggest), a), "W")


def _wide_update_experiment(F, O, S, a, variant):
    """The update at this step's a and m, on W and sums chosen so that every modelled
    update rounds otherwise than the contract (W near a·Σ/m, where a fused or
    reassociated update shows; with a small a and a large W it seldom does)."""
    rng = random.Random(11)
    models = _update_models()
    best, most = None, -1
    for _ in range(20):
        totals = [[_random(rng) for _ in range(O)] for _ in range(F)]
        W = [[a * (t / S) * rng.uniform(-2.0, 2.0) for t in row] for row in totals]
        experiment = update_experiment(W, a, totals, S, variant)
        spec = experiment.expect(M.SPEC)
        departing = len([m for m in models if experiment.expect(m) != spec])
        if departing > most:
            best, most = experiment, departing
        if most == len(models):
            break
    return best


def replay_experiment(s, W, b):
    """One iteration of the diverging scenario from the last agreeing state."""
    return Experiment("step", "the backend's step from the last agreeing state",
                      _scenario(s["name"], s["variant"], s["x"], s["y"], W, b,
                                s["learning_rate"]))


# --- models of one part -------------------------------------------------------------------

def _part_model(cause, detail, does, **parts):
    return M.Model(cause, detail, does, parts)


def _sum_models():
    """dW and db done other ways, each one model: every reducer and dot of sums.py,
    divided by m or multiplied by 1/m, and the integer error."""
    out = []
    dot_of = sums.rounded_products
    for name, reduce in sums.REDUCERS.items():
        if name == "left-to-right":
            continue
        cause = "sum-from-zero" if name == "from-zero" else "sum-order"
        out.append(_part_model(cause, "dW-" + name, "dW is summed %s" % _SUMS[name],
                               dW=M.dW_dot(dot_of(reduce))))
        out.append(_part_model(cause, "db-" + name, "db is summed %s" % _SUMS[name],
                               db=M.db_sum(reduce)))
    for name, dot in sums.DOTS.items():
        cause = "fma" if name == "fma" else "blas-dot"
        out.append(_part_model(cause, "dW-" + name, "dW is %s" % _DOTS.get(
            name, "a dot product of %s" % name), dW=M.dW_dot(dot)))
    for kernel, cpu in _GEMV:
        out.append(_part_model("blas-dot", "dW-gemv-" + kernel, "dW is np.dot(x, e.T) of "
                               "one output, OpenBLAS's dgemv_t on %s" % cpu,
                               dW=M.dW_dot(sums.numpy_matrix_times_column(kernel),
                                           indexed=True)))
    out.append(_part_model("sum-order", "db-column-major", "db sums e column by column",
                           db=M.db_sum(sums.left_to_right, column_major=True)))
    out.append(_part_model("division-by-reciprocal", "dW", "dW is Σ · (1/m), not Σ / m",
                           dW=M.dW_reciprocal))
    out.append(_part_model("division-by-reciprocal", "db", "db is Σ · (1/m), not Σ / m",
                           db=M.db_reciprocal))
    for m in M.MODELS:
        if m.id in ("integer-error", "extended-precision", "flush-subnormals", "fma",
                    "blas-dot"):
            out.append(m)
    return out


_SUMS = {"from-zero": "from 0.0 (a sum of −0.0 terms gives +0.0)",
         "reverse": "from the last term to the first",
         "halves": "pairwise, by halves",
         "numpy": "as NumPy sums, 0.0 plus its pairwise sum (np.sum, .sum(axis=...))",
         "numpy-pairwise": "by NumPy's pairwise loop",
         "python-sum": "by Python's sum() (3.12 and later: compensated)",
         "exact": "exactly and rounded once (math.fsum)"}
_DOTS = {"fma": "summed with a fused multiply-add for every product (a compiler "
                "contracting acc + u·v)",
         "gemm": "a BLAS matrix product: each entry one FMA accumulator from 0.0",
         "ddot-haswell": "OpenBLAS's ddot on AVX2 (16 FMA lanes, the rest one by one)",
         "ddot-skylakex": "OpenBLAS's ddot on AVX-512 (32 and 16 FMA lanes)"}
_GEMV = (("skylakex", "AVX-512"), ("haswell", "AVX2"))


def _update_models():
    return [m for m in M.MODELS if m.id in ("fused-update", "reassociation")]


def _arithmetic_models():
    """Whole arithmetics other than binary64's, which any part's experiment shows."""
    return [m for m in M.MODELS if m.id == "float32"]


_X87_EXP = None


def _sigmoid_models():
    global _X87_EXP
    if _X87_EXP is None:
        _X87_EXP = M.Model("extended-precision", "x87-exp", "exp's result is kept in an x87 "
                           "80-bit register (i386's libm returns e^−z to 64 bits), and "
                           "1 + t and the division too; s is rounded to binary64 when stored",
                           {"s": M.x87_sigmoid()})
    return [m for m in M.MODELS if m.id in ("exp", "sigmoid-form", "threshold-strict",
                                             "extended-precision")] + [_X87_EXP]


def _z_models():
    """z done other ways: b first, and every reducer and dot of sums.py."""
    out = [m for m in M.MODELS if m.id == "bias-first"]
    for name, reduce in sums.REDUCERS.items():
        if name in ("left-to-right",):
            continue
        cause = "sum-from-zero" if name == "from-zero" else "sum-order"
        out.append(_part_model(cause, "z-" + name, "z is summed %s" % _SUMS[name],
                               z=M.z_dot(sums.rounded_products(reduce))))
    for name, dot in sums.DOTS.items():
        cause = "fma" if name == "fma" else "blas-dot"
        out.append(_part_model(cause, "z-" + name, "z is %s" % _DOTS.get(
            name, "a dot product of %s" % name), z=M.z_dot(dot)))
    for kernel, cpu in _GEMV:
        out.append(_part_model("blas-dot", "z-gemv-" + kernel, "z is np.dot(W.T, x) of one "
                               "output, OpenBLAS's dgemv_n on %s" % cpu,
                               z=M.z_dot(sums.numpy_row_times_matrix(kernel), indexed=True)))
    out += [m for m in M.MODELS if m.id in ("extended-precision", "flush-subnormals")]
    return out


# --- the investigation ----------------------------------------------------------------------

class Finding:
    """Where the backend departs: the part, the cause id, the evidence (one line each),
    and a model of the part that reproduces every observation (a model of models.py, or
    the observed values themselves), if there is one."""

    def __init__(self, part, cause, detail, explanation, evidence, model=None):
        self.part, self.id, self.detail = part, cause, detail
        self.explanation, self.evidence, self.model = explanation, evidence, model

    def as_json(self):
        return {"part": self.part, "id": self.id, "detail": self.detail or None,
                "explanation": self.explanation, "evidence": list(self.evidence)}


def investigate(report, lab, kind=None):
    """Run the experiments for the report's first divergence; attach their findings
    and the experiments to report.diagnosis (made by diagnose.explain first)."""
    if "layers" in report.scenario:       # a network of layers: its own designs
        from .experiment_layers import investigate_layers
        return investigate_layers(report, lab, kind)
    d = report.diagnosis
    if d is None or d.golden_inconsistent or report.before is None or d.steps is None:
        return
    if d.family.spec.A.format == "binary32":        # a binary32 file: its own designs
        from .experiment32 import investigate32
        return investigate32(report, lab, kind)
    if any(c.id == "float32" for c in d.causes[:1]):
        return                            # every value differs: the arithmetic is named
    s = report.scenario
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    W, b = _floats(*report.before)
    F, O, S = len(x), len(y), len(x[0])
    spec = M.SPEC.step(x, y, W, b, a, variant, keep=True)[1]
    z, e = spec["z"][0], spec["e"][0]
    findings = []
    runs = d.experiments

    # the sigmoid (or y_pred) at this step's z
    arguments = [v for row in z for v in row]
    found = _sigmoid_part(lab, arguments, variant, F, O, runs)
    if found:
        findings.append(found)
    # dW, db and the update at this step's own inputs
    totals = [[sums.left_to_right([p * q for p, q in zip(xf, eo)]) for eo in e] for xf in x]
    models = _sum_models() + _update_models() + _arithmetic_models()
    for experiment, part in ((sum_experiment(x, e, variant), "dW"),
                             (bias_experiment(F, e, variant), "db"),
                             (update_experiment(W, a, totals, S, variant), "update"),
                             (bias_update_experiment(F, e, b, a, variant), "update")):
        if part == "update" and any(f.part == "update" for f in findings):
            continue                      # the update of W already showed it
        if experiment.reads == "b" and part == "update" and \
                any(f.part == "db" for f in findings):
            continue                      # b's update is read through the backend's own
                                          # db, which departs: it would show db again
        found = _part(lab, experiment, models, part, runs, x, e, variant)
        if found:
            findings.append(found)
    # the step itself, from the agreeing state: what is left is z
    replay = replay_experiment(s, W, b)
    runs.append(replay)
    if replay.run(lab):
        if not replay.fits(_combined(findings)) and \
                not any(f.part == "update" for f in findings):
            # the update agreed on this step's sums as the contract makes them, which
            # are not the backend's own where dW departs, and a fused or reassociated
            # update rounds otherwise on some sums only: ask on sums of every size
            found = _part(lab, _wide_update_experiment(F, O, S, a, variant), models,
                          "update", runs, None, None, variant)
            if found:
                findings.append(found)
        refused = [e for e in runs if e.refused]
        found = _weighted_sum(lab, replay, findings, report, runs,
                              bool(d.causes) or bool(refused))
        if found:
            findings.insert(0, found)
    if replay.observed is not None:
        _relevance(findings, replay)
    d.findings = findings
    d.runs = lab.processes
    refused = [e for e in runs if e.refused]
    if refused:
        d.notes.append("the backend did not run %d of the %d experiments (%s: %s)" % (
            len(refused), len(runs), refused[0].purpose, refused[0].refused))
    if findings:
        _name(d, findings, kind)
    elif replay.observed is None:
        d.notes.append("the backend did not run the experiments (%s): the causes are "
                       "inferred from the states alone" % (replay.refused or "refused"))
    elif replay.observed != _frozen(report.obtained_state):
        d.notes.append("the backend's step from iteration %d's state does not give its "
                       "iteration %d: is it deterministic?" % (d.k - 1, d.k))
    else:
        d.notes.append("the experiments find no part of the step that departs on this "
                       "step's own inputs, though the backend's step does: the causes are "
                       "inferred from the states (does the backend read something else "
                       "than the scenario, such as its name?)")


def _frozen(state):
    W, b = state
    return tuple(tuple(row) for row in W), b


def _sigmoid_part(lab, arguments, variant, F, O, runs, extra=True):
    """The backend's sigmoid (or, in the threshold variant, its y_pred) at the
    arguments: a Finding if it differs from the contract's at any of them. Where there
    is room, the same runs also probe characteristic arguments (_survey_arguments: where
    libraries' exps misround, large negative z where other forms of the sigmoid lose
    everything): they never decide whether the backend departs at this step, only what
    it does there."""
    wide = lab.wide is not False
    step_bits = {_bits(v) for v in arguments}
    probed = list(arguments)
    if extra and wide:
        room = WIDE * max(1, (len(arguments) + WIDE - 1) // WIDE) - len(arguments)
        probed += [v for v in (_survey_arguments() if variant != THRESHOLD else
                               _threshold_arguments()) if _bits(v) not in step_bits][:room]
    experiments = sigmoid_experiments(probed, variant, F, O, wide)
    if wide and experiments and not experiments[0][0].run(lab):
        lab.wide = False                  # the backend takes only its own shape
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
    # where s is too small to be read exactly (below about 2^−940) nothing is decided
    at_step = [(beta, v) for beta, v in values if _bits(beta) in step_bits and v is not None]
    if all(_bits(v) == _bits(_contract_sigmoid(beta, variant)) for beta, v in at_step):
        return None                       # right at every z of this step
    candidates = [m for m in _sigmoid_models() if lab.possible(m) and
                  all(ex.fits(m) for ex, _ in readings)]
    if len({m.id for m in candidates}) > 1:
        candidates = _separate_sigmoids(lab, candidates, variant, F, O, runs)
    part = "s" if variant != THRESHOLD else "y_pred"
    evidence, off = _sigmoid_evidence(at_step, variant)
    _, off_all = _sigmoid_evidence(values, variant)
    observed = _observed(values, variant)
    if candidates:
        # what no experiment separates: the model that replaces the fewest parts
        best = sorted(candidates, key=lambda m: len(m.replaced))[0]
        return Finding("t" if best.id == "exp" else part, best.id, best.detail,
                       best.does, evidence, best)
    nearest = _nearest_sigmoid(lab, readings, values, step_bits, variant)
    if nearest is not None:
        best, missed = nearest
        return Finding(part, best.id, best.detail, "%s; at %d of the %d arguments probed "
                       "the backend's s differs from that too, by an exp that is not "
                       "correctly rounded there" % (best.does, missed, len(values)),
                       evidence, best)
    if variant == THRESHOLD:
        # only z = 0 gives s = 0.5 in every form of the sigmoid (exp(0) = 1): a y_pred of
        # 0 there blames the comparison; elsewhere near 0 it is exp, or the form
        zero = [v for beta, v in values if beta == 0.0 and v is not None]
        if zero and 0.0 in zero:
            return Finding(part, "threshold-strict", "", "y_pred is 0 where s is exactly "
                           "0.5: the comparison is s > 0.5", evidence, observed)
        return Finding("t", "exp", "", "exp is not correctly rounded near z = 0, where it "
                       "decides y_pred", evidence, observed)
    if off is not None and off_all is not None:
        return Finding("t", "exp", "", "exp is not correctly rounded: %s" % off_all,
                       evidence, observed)
    if off is not None:
        # this step's own arguments depart by an exp a few ULPs off, and the others
        # probed as a model of the sigmoid's arithmetic gives them (x87 registers around
        # i386's libm do both): the exp is what this step departs by
        rest = _rest_of_sigmoid(lab, readings, values, variant)
        if rest is not None:
            model, count = rest
            return Finding("t", "exp", "", "exp is not correctly rounded at this step's "
                           "arguments: %s; at %d other arguments probed, s differs as no "
                           "binary64 exp gives but as this does: %s" % (
                               off, count, model.does), evidence, observed)
    return Finding(part, "sigmoid-form", "", "the backend's s is not 1 ⊘ (1 ⊕ t) for an "
                   "exp t near e^−z at every argument: another form of the sigmoid",
                   evidence + [e for e in _sigmoid_evidence(values, variant)[0]
                               if e not in evidence][:2], observed)


def _nearest_sigmoid(lab, readings, values, step_bits, variant):
    """Where no model gives every value read: the model (other than another exp) that
    gives every value at this step's own arguments and the most of the others, with how
    many of those it misses — a backend can depart twice, as x87 registers around a
    32-bit libm's exp do. None if no model gives this step's values."""
    best = None
    for m in _sigmoid_models():
        if m.id == "exp" or not lab.possible(m):
            continue
        got = _predicted(readings, m, variant)
        if got is None or len(got) != len(values):
            continue
        same = [(b1, v1) for (b1, v1), (_, v2) in zip(values, got)
                if v1 is not None and v2 is not None and _bits(v1) == _bits(v2)]
        read = [(b1, v1) for b1, v1 in values if v1 is not None]
        given = {_bits(b1) for b1, _ in same}
        # at this step's own arguments the model gives every value, except where an exp
        # a few ULPs off gives it; and it gives some departure no such exp gives
        departing = [(b1, v1) for b1, v1 in read if _bits(b1) in step_bits and
                     _bits(v1) != _bits(_contract_sigmoid(b1, variant))]
        by_exp = {_bits(b1) for b1, v1 in departing if variant != THRESHOLD and
                  _exp_distance(b1, v1) is not None}
        missing = [b1 for b1, _ in read if _bits(b1) in step_bits and _bits(b1) not in given]
        if any(_bits(b1) not in by_exp for b1 in missing):
            continue
        if missing and not any(_bits(b1) in given and _bits(b1) not in by_exp
                               for b1, _ in departing):
            continue                      # the exp alone gives this step's departures
        if best is None or len(same) > best[0]:
            best = (len(same), m, len(read) - len(same))
    if best is None or best[0] * 2 < len([v for v in values if v[1] is not None]):
        return None                       # a model that gives less than half is no model
    return best[1], best[2]


def _predicted(readings, model, variant):
    """The values the model gives where the readings' values were read: [(β, value)],
    None if it gives no state for some experiment."""
    got = []
    for ex, placed in readings:
        expected = ex.expect(model)
        if expected is None or expected[0] is None:
            return None
        got += read_sigmoid(ex, placed, variant, expected[0])
    return got


def _rest_of_sigmoid(lab, readings, values, variant):
    """(model, n): the model of the sigmoid's arithmetic (not of exp) that gives each of
    the n values read where no binary64 exp a few ULPs off does; None if none does."""
    unexplained = {_bits(beta) for beta, v in values if v is not None and
                   _bits(v) != _bits(_contract_sigmoid(beta, variant)) and
                   _exp_distance(beta, v) is None}
    if not unexplained:
        return None
    for m in _sigmoid_models():
        if m.id in ("exp", "sigmoid-form") or not lab.possible(m):
            continue
        got = _predicted(readings, m, variant)
        if got is not None:
            table = {_bits(beta): v for beta, v in got}
            if all(_bits(beta) not in unexplained or (table.get(_bits(beta)) is not None and
                                                      _bits(table[_bits(beta)]) == _bits(v))
                   for beta, v in values):
                return m, len(unexplained)
    return None


def _threshold_arguments():
    z_star = BINARY64.z_star()
    return [0.0, -0.0, z_star, bits_to_float(_bits(z_star) + 1), -(2.0 ** -52),
            -1.5 * 2.0 ** -52, 2.0 ** -1074, -(2.0 ** -1074), 1e-300, -1e-300]


def _contract_s(beta):
    z = [[beta]]
    return PARTS["s"](BINARY64, z, PARTS["t"](BINARY64, z))[0][0]


def _contract_sigmoid(beta, variant):
    """The contract's s at β, or its y_pred in the threshold variant."""
    s = _contract_s(beta)
    if variant == THRESHOLD:
        return PARTS["y_pred"](BINARY64, [[s]])[0][0]
    return s


def _y_pred(beta):
    z = [[beta]]
    s = PARTS["s"](BINARY64, z, PARTS["t"](BINARY64, z))
    return PARTS["y_pred"](BINARY64, s)[0][0]


def _separate_sigmoids(lab, candidates, variant, F, O, runs):
    """Models of the sigmoid of different causes that all fit: run the backend at
    arguments where they disagree, and keep those that still fit."""
    rng = random.Random(11)
    arguments = []
    if variant == THRESHOLD:
        # y_pred tells sigmoids apart only where s is within an ULP or so of 0.5
        trials = [sign * (1.0 + i / 8.0) * 2.0 ** -k for k in range(48, 66)
                  for i in range(8) for sign in (-1.0, 1.0)]
    else:
        trials = [rng.uniform(-40.0, 40.0) for _ in range(2000)]
    for beta in trials:
        probe = sigmoid_experiments([beta], variant, 1, 1, False)[0][0]
        if len({probe.expect(m) for m in candidates}) > 1:
            arguments.append(beta)
            if len(arguments) == (WIDE if lab.wide else F * O):
                break
    if arguments:
        experiment = sigmoid_experiments(arguments, variant, F, O, bool(lab.wide))[0][0]
        runs.append(experiment)
        if not experiment.run(lab):
            return candidates
        candidates = [m for m in candidates if experiment.fits(m)]
    if variant == THRESHOLD and len({m.id for m in candidates}) > 1:
        return _separate_by_s(lab, candidates, F, O, runs, rng)
    return candidates


def _separate_by_s(lab, candidates, F, O, runs, rng):
    """Sigmoids that give the same y_pred everywhere (each about as exact near 0.5): their
    s, read in the logistic variant (which every backend runs), at arguments where they
    differ. Kept: those that give the most of the values read, if that is most of them
    (a libm's exp can still be off by an ULP at some)."""
    arguments = []
    for _ in range(2000):
        beta = rng.uniform(-40.0, 40.0)
        probe = sigmoid_experiments([beta], "logistic", 1, 1, False)[0][0]
        if len({probe.expect(m) for m in candidates}) > 1:
            arguments.append(beta)
            if len(arguments) == (WIDE if lab.wide else F * O):
                break
    if not arguments:
        return candidates
    experiment, placed = sigmoid_experiments(arguments, "logistic", F, O, bool(lab.wide))[0]
    experiment.purpose += ", in the logistic variant, to tell sigmoids apart by s"
    runs.append(experiment)
    if not experiment.run(lab):
        return candidates
    read = {_bits(beta): v for beta, v in read_sigmoid(experiment, placed, "logistic")
            if v is not None}
    scores = []
    for m in candidates:
        predicted = _predicted([(experiment, placed)], m, "logistic") or []
        scores.append(len([beta for beta, v in predicted if v is not None and
                           _bits(beta) in read and _bits(read[_bits(beta)]) == _bits(v)]))
    best = max(scores)
    if best * 2 <= len(read):
        return candidates
    return [m for m, n in zip(candidates, scores) if n == best]


def _observed(values, variant):
    """The contract with its sigmoid replaced by the values the backend gave at the
    arguments probed, the contract's elsewhere: what the backend computes there. (In
    the threshold variant a y_pred was read: s = y_pred stands for it, 1.0 or 0.0.)"""
    table = {_bits(beta): v for beta, v in values if v is not None}

    def s(A, z, t):
        return [[table.get(_bits(v), 1.0 / (1.0 + u)) for v, u in zip(rz, rt)]
                for rz, rt in zip(z, t)]
    return M.Model("exp", "observed", "the backend's own sigmoid, as observed", {"s": s})


def _sigmoid_evidence(values, variant):
    """Lines saying where the backend's s (or y_pred) differs from the contract's, and,
    for s, whether every difference is an exp a few ULPs from e^−z (None otherwise)."""
    lines, ulps, arguments = [], [], 0
    for beta, value in values:
        arguments += 1
        z = [[beta]]
        t = PARTS["t"](BINARY64, z)
        s = PARTS["s"](BINARY64, z, t)[0][0]
        if variant == THRESHOLD:
            expected = 1.0 if s >= 0.5 else 0.0
            if value is not None and value != expected:
                lines.append("at z = %r, y_pred is %d where the contract gives %d" % (
                    beta, value, expected))
            continue
        if value is None or _bits(value) == _bits(s):
            continue
        k = _exp_distance(beta, value)
        lines.append("at z = %s, s is %s where the contract gives %s%s" % (
            _show(beta), _show(value), _show(s),
            "" if k is None else " (an exp %+d ULP from e^−z gives it)" % k))
        ulps.append(k)
    lines = [line for i, line in enumerate(lines) if line not in lines[:i]]
    if not lines or variant == THRESHOLD or None in ulps:
        return lines, None
    most = max(abs(k) for k in ulps)
    return lines, "%d of %d arguments probed give another s, each as an exp %s from the " \
        "correctly rounded one would" % (len(ulps), arguments, "1 ULP" if most == 1 else
                                         "at most %d ULP" % most)


def _exp_distance(beta, s, most=1 << 20):
    """The k, |k| ≤ most, such that 1 ⊘ (1 ⊕ t) with t k ULPs from exp(−β) is s (the
    nearest one); None if there is none: s is then no sigmoid of any exp near e^−β."""
    t = BINARY64.exp(-beta)
    if not (0.0 < t < float("inf")) or not (0.0 < s <= 1.0):
        return None
    n = _bits(t)
    guess = (1.0 / s) - 1.0               # near the t that gives s, when there is one
    if not guess > 0.0:
        return None
    centre = _bits(guess)
    found = [centre + d - n for d in range(-4, 5) for u in [bits_to_float(centre + d)]
             if u > 0.0 and _bits(1.0 / (1.0 + u)) == _bits(s)]
    found = [k for k in found if k and abs(k) <= most]
    return min(found, key=abs) if found else None


def _part(lab, experiment, models, part, runs, x, e, variant):
    """Run a part's experiment; if the backend differs from the contract there, find the
    models of that part that reproduce it, separating them by further experiments."""
    runs.append(experiment)
    if not experiment.run(lab) or experiment.fits(M.SPEC):
        return None                       # a refusal is said with the experiments
    candidates = [m for m in models if lab.possible(m) and experiment.fits(m)]
    rng = random.Random(len(runs))
    tries = 0
    while len({m.id for m in candidates}) > 1 and tries < 3:
        tries += 1
        separating = _separating(candidates, experiment, rng)
        if separating is None:
            break
        runs.append(separating)
        if not separating.run(lab):
            break
        remaining = [m for m in candidates if separating.fits(m)]
        if remaining:                     # where none models the backend, the step's own
            candidates = remaining        # inputs are what counts,
        elif part in ("dW", "db"):        # except for a sum, whose experiment isolates it:
            candidates = []               # none of them is the backend's order
            break
    tries = 0                             # one cause left: which of its variants, if cheap
    while len({m.name for m in candidates}) > 1 and tries < 2:
        tries += 1
        separating = _separating(candidates, experiment, rng, by="name")
        if separating is None or not separating.run(lab):
            break
        runs.append(separating)
        candidates = [m for m in candidates if separating.fits(m)] or candidates
    # what no experiment separates: the model that replaces the fewest parts first
    candidates.sort(key=lambda m: len(m.replaced))
    evidence = _differences(experiment, part)
    if not candidates:
        cause, what = _generic(part), "no model reproduces the backend's %s" % part
        if part == "dW" and lab.wide is not False:
            cause, what, more = _classify_sums(lab, runs)
            evidence += more
        return Finding(part, cause, "", what, evidence)
    best = candidates[0]
    explanation = best.does
    if len({m.id for m in candidates}) > 1:
        explanation += " (or: %s)" % "; ".join(
            m.does for m in candidates[1:] if m.id != best.id)
    return Finding(part, best.id, best.detail, explanation, evidence, best)


def _classify_sums(lab, runs):
    """What kind of sum a dot product that no model reproduces is: the designed sums of
    _designed_sums run, and read one by one — does it fuse products (FMA), start from
    0.0, add in another order. (cause id, what it does, evidence lines)."""
    rng = random.Random(5)
    F, O, S = 3, 2, 8
    x, e = _designed_sums(F, O, S, rng)
    experiment = sum_experiment(x, e, "logistic")
    runs.append(experiment)
    if not experiment.run(lab):
        return "sum-order", "no model reproduces the backend's dW", []
    W = experiment.observed[0]

    def dW(f, o):                          # W after = −0.0 − 1·dW
        return -bits_to_float(W[f][o])
    m = float(S)
    from_zero = _bits(dW(0, 0)) == 0          # a sum of −0.0 products gives +0.0
    square = (1.0 + 2.0 ** -30) * (1.0 + 2.0 ** -30)
    fused = dW(1, 1) == (2.0 ** -29 + 2.0 ** -60) / m and square - 1.0 != 2.0 ** -29 + 2.0 ** -60
    forward = dW(2, 1) == 0.0                 # (2^53 + 1) − 2^53, left to right
    said = ["a sum of −0.0 products gives %s" % ("+0.0: it starts from 0.0" if from_zero
                                                 else "−0.0"),
            "−1 + (1 + 2^−30)² keeps %s" % ("the 2^−60 of the exact square: fused "
                                            "multiply-adds" if fused else "the rounded "
                                            "square only"),
            "2^53 + 1 − 2^53 gives %r: %s" % (dW(2, 1) * m, "left to right" if forward
                                              else "another order")]
    if fused and (from_zero or not forward):
        return "blas-dot", "a dot product with fused multiply-adds, %s (a BLAS kernel)" % (
            "from 0.0" if from_zero else "in another order"), said
    if fused:
        return "fma", "the products are fused into the running sum (FMA)", said
    if from_zero:
        # the sums from 0.0 in the contract's order were a model, and did not fit: the
        # order is another one too, a library's (NumPy's, BLAS's blocking) as a rule
        return "blas-dot", ("a dot product from 0.0 in an order of its own, which no model "
                            "reproduces (a library's: np.dot, @, torch.matmul, a BLAS)"), said
    return "sum-order", "the sums are added in another order, which no model reproduces", said


def _generic(part):
    return {"dW": "sum-order", "db": "sum-order", "update": "fused-update"}.get(part, "sum-order")


def _separating(candidates, experiment, rng, by="id"):
    """An experiment of the same design on other inputs of the same shape, chosen among
    twenty-four so that, whatever the backend answers, the fewest causes are left (the
    candidates split by what they predict); None if all predict the same. What the design fixes
    stays (the identity x of the update's, the ones of db's, W and b); the errors (y),
    dW's x and the learning rate are drawn, and one in four tries gives errors of +0.0
    against negative x that is not whole, where signs of zero tell sums apart."""
    s = experiment.scenario
    label = (lambda m: m.id) if by == "id" else (lambda m: m.name)
    best, left = None, len({label(m) for m in candidates})
    for i in range(24):
        changed = {"y": [[_random(rng) for _ in row] for row in s["y"]],
                   "learning_rate": rng.choice((1.0, 3.0, 0.1, 0.7, 1.5, 10.0))}
        if experiment.part == "dW":
            changed["x"] = [[_random(rng) for _ in row] for row in s["x"]]
        if i % 4 == 3:
            changed["y"][0] = [-0.0] * len(s["y"][0])
            if experiment.part == "dW":
                changed["x"] = [[-abs(v) - 0.5 for v in row] for row in changed["x"]]
        elif i % 2 == 1 and s["name"] == "probe-update":
            # W = a·g rounded, a of 53 bits: W − a·g is then the product's rounding
            # error, exact when fused, cut to 64 bits in an x87 register, 0 as the
            # contract rounds it
            a = changed["learning_rate"] = rng.uniform(0.5, 2.0)
            m, F = len(s["x"][0]), len(s["W"])
            changed["W"] = [[a * (-changed["y"][o][f] / m) for o in range(len(s["W"][0]))]
                            for f in range(F)]
            changed["b"] = -(LARGE + 2.0 * max(abs(v) for row in changed["W"] for v in row))
        trial = Experiment(experiment.part, experiment.purpose + ", on other inputs",
                           dict(s, **changed), experiment.reads)
        groups = {}
        for m in candidates:
            groups.setdefault(trial.expect(m), set()).add(label(m))
        worst = max(len(ids) for ids in groups.values())
        if len(groups) > 1 and worst < left:
            best, left = trial, worst
    return best


def _random(rng):
    """A number of a wide range of sizes, so that sums in other orders round otherwise."""
    return rng.choice((-1.0, 1.0)) * rng.uniform(1, 2) * 2.0 ** rng.randint(-20, 20)


def _differences(experiment, part, most=3):
    """Lines: where the observed state differs from the contract's, as part values."""
    expected = experiment.expect(M.SPEC)
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
                        _show(sign * bits_to_float(v)), _show(sign * bits_to_float(u)),
                        _distance(u, v)))
    elif be is not None and be != bo:
        lines.append("db is %s where the contract gives %s (%s)" % (
            _show(-bits_to_float(bo)), _show(-bits_to_float(be)), _distance(be, bo)))
    return lines


def _distance(u, v):
    if {u, v} == {0, 0x8000000000000000}:
        return "sign of zero"
    d = ulp_distance(bits_to_float(u), bits_to_float(v))
    return "NaN against a number" if d is None else "%d ULP" % d


def _weighted_sum(lab, replay, findings, report, runs, inferred):
    """The step replayed from the agreeing state: if the parts found so far (each as
    the model that reproduces it, the contract elsewhere) give the backend's state, z
    is the contract's; otherwise find the z models that, with them, do."""
    base = _combined(findings)
    observed = replay.observed
    if replay.fits(base):
        return None
    # one backend, one model: a candidate must also give what the experiments so far
    # observed, where the parts found explain it (elsewhere the backend departs in ways
    # no model here says, such as an exp that misrounds arguments of no concern)
    observed = [ex for ex in runs if ex.observed is not None and ex is not replay
                and ex.fits(base)]
    candidates = []
    for zm in _z_models():
        if not lab.possible(zm):
            continue
        model = _with(base, zm)
        if model is not None and replay.fits(model) and all(ex.fits(model) for ex in observed):
            candidates.append((zm, model))
    rng = random.Random(7)
    tries = 0
    while len({zm.id for zm, _ in candidates}) > 1 and tries < 3:
        tries += 1
        s = replay.scenario
        F, O, S = len(s["x"]), len(s["y"]), len(s["x"][0])
        trial = None
        for _ in range(20):
            t = _random_step(F, O, S, rng, s["variant"])
            if len({t.expect(model) for _, model in candidates}) > 1:
                trial = t
                break
        if trial is None:
            break
        runs.append(trial)
        if not trial.run(lab):
            break
        # where none fits, the backend departs elsewhere on those inputs (an exp that
        # misrounds other arguments): the replay of the step itself is what counts
        candidates = [(zm, model) for zm, model in candidates if trial.fits(model)] or \
            candidates
    if not candidates:
        dots = [f for f in findings if f.part == "dW" and f.id in ("blas-dot", "fma")]
        if dots:                          # z = Wᵀ·x is a dot product too: like dW, then
            return Finding("z", dots[0].id, "", "z departs too, and no modelled order "
                           "reproduces it: a dot product like dW's", [])
        if findings or inferred:
            return None                   # the parts found, or inference, say it: below
        return Finding("z", "sum-order", "", "the sigmoid, dW, db and the update agree with "
                       "the contract on this step's inputs, so the weighted sum z departs; "
                       "no modelled order reproduces it", [])
    zm = candidates[0][0]
    return Finding("z", zm.id, zm.detail, zm.does,
                   ["with z so, the step from iteration %d gives the backend's iteration %d"
                    % (report.first.k - 1, report.first.k)])


def _combined(findings):
    """The contract with the models of the findings' parts in place of its own: models
    of models.py first, then the observed values where no model stands for a part."""
    parts = {}
    for observed in (False, True):
        for f in findings:
            m = f.model
            if m is not None and (m.detail == "observed") == observed:
                parts.update({k: m.parts[k] for k in m.replaced
                              if k != "arithmetic" and (not observed or k not in parts)})
    return M.Model("found", "", "the parts found", parts)


def _with(base, zm):
    if "arithmetic" in zm.replaced:
        return zm
    parts = {k: base.parts[k] for k in base.replaced}
    parts.update({k: zm.parts[k] for k in zm.replaced})
    return M.Model(zm.id, zm.detail, zm.does, parts)


def _relevance(findings, replay):
    """Which findings this divergence needs: with every part found in place the step
    gives the backend's state; a finding without which it still does departs on these
    inputs without mattering to this step (an FMA in dW whose last bit the update
    rounds away, say). Each finding gets `matters` (None where it cannot be told)."""
    for f in findings:
        f.matters = f.enough = None
    if not replay.fits(_combined(findings)):
        return
    spec = replay.expect(M.SPEC)
    for f in findings:
        if f.model is not None:
            without = replay.expect(_combined([g for g in findings if g is not f]))
            f.matters = without != replay.observed
            # fixing this one alone would make the step agree: the cause to fix first
            f.enough = without == spec


def _name(d, findings, kind):
    """The findings become the diagnosis's causes: first those this divergence needs
    (first of them one whose fix alone would make the step agree),
    each group in the order of the step's parts; causes inferred from the states stay
    where an experiment names them too."""
    from .findings import Cause
    order = ["z", "t", "s", "y_pred", "e", "dW", "db", "update"]
    findings.sort(key=lambda f: (getattr(f, "matters", None) is False,
                                 not getattr(f, "enough", None),
                                 order.index(f.part) if f.part in order else len(order)))
    kept = []
    for f in findings:                    # one model seen in several experiments: once
        same = [k for k in kept if (k.id, k.detail) == (f.id, f.detail)]
        if same:
            same[0].evidence += [e for e in f.evidence if e not in same[0].evidence]
        else:
            kept.append(f)
    findings[:] = kept
    inferred = {c.id: c for c in d.causes}
    causes = []
    for f in findings:
        model = M.Model(f.id, f.detail, f.explanation)
        cause = Cause(model, d.k, 0)
        cause.experimental = f
        cause.fix = BY_ID[f.id].fix_for(kind)
        if getattr(f, "matters", None) is False:
            f.evidence.append("it departs here, but this step's state is the same without "
                              "it: not what makes the trace differ now")
        if f.id in inferred:
            cause.first, cause.last = inferred[f.id].first, inferred[f.id].last
        causes.append(cause)
    seen = {c.id for c in causes}
    d.causes = causes + [c for c in d.causes if c.id in seen and c.id not in
                         {x.id for x in causes}]
    d.ambiguous = []


# --- the survey: every part, without a golden file (ann-ref probe) ------------------------

# arguments of the sigmoid where libraries' exps misround (the sigmoid probe's) and edges
def _survey_arguments():
    from ..catalogue.scenarios import BY_NAME
    probe = BY_NAME["sigmoid-probe"]["x"][-1]
    edges = [0.0, -0.0, 2.0 ** -60, -(2.0 ** -52), -1.5 * 2.0 ** -52, 1.0, -1.0, 36.74,
             -36.74, 40.0, -700.0, 709.0, -0.35500798832533176, 0.9287160030159247]
    rng = random.Random(2024)
    wide = [rng.uniform(-30.0, 30.0) for _ in range(30)]
    seen, out = set(), []
    for v in [v for v in probe if v > -640.0] + edges + wide:
        if _bits(v) not in seen:
            seen.add(_bits(v))
            out.append(v)
    return out[:WIDE]


class Row:
    """One line of the survey: a part, whether it conforms, and why."""

    def __init__(self, part, finding, ran, note=""):
        self.part, self.finding, self.ran, self.note = part, finding, ran, note

    @property
    def verdict(self):
        if not self.ran:
            return "not run"
        return "conforms" if self.finding is None else "departs"

    def as_json(self):
        out = {"part": self.part, "verdict": self.verdict, "note": self.note}
        if self.finding is not None:
            out.update(self.finding.as_json())
            out["fix"] = self.fix
        return out


def survey(lab, kind=None, shape=(3, 2, 8)):
    """Every part of the step, tried on inputs designed to show what backends get
    wrong; a list of Rows. shape: (features, outputs, samples) of the experiments."""
    F, O, S = shape
    rng = random.Random(5)
    rows, runs = [], []

    def add(part, finding, experiments, note=""):
        ran = any(e.observed is not None for e in experiments)
        row = Row(part, finding, ran, note or "; ".join(
            "%s: %s" % (e.purpose, e.refused) for e in experiments if e.refused)[:300])
        if finding is not None:
            row.fix = BY_ID[finding.id].fix_for(kind)
        rows.append(row)

    # reading the scenario: state 0 is the scenario's W and b, bit for bit
    tiny, W0 = 2.0 ** -1070, [[0.1 * (f + 1) - 0.25 * o for o in range(O)] for f in range(F)]
    W0[0][0], W0[-1][-1] = tiny, -0.0
    reading = Experiment("reading", "state 0 of W with 0.1, a subnormal and −0.0",
                         _scenario("probe-reading", "logistic", _identity(F, S),
                                   [[0.0] * S for _ in range(O)], W0, 0.1, 0.5))
    reading.scenario["iterations"] = 0
    try:
        states = lab.run(reading.scenario)
        reading.observed = tuple(states[0]) if states else None
    except Refused as e:
        reading.refused = str(e)
    runs.append(reading)
    finding = None
    if reading.observed is not None:
        expected = ([[_bits(v) for v in row] for row in W0], _bits(0.1))
        if (list(map(list, reading.observed[0])), reading.observed[1]) != expected:
            wrong = [(f, o) for f in range(F) for o in range(O)
                     if reading.observed[0][f][o] != expected[0][f][o]]
            f, o = wrong[0] if wrong else (0, 0)
            got = bits_to_float(reading.observed[0][f][o])
            cause = "float32" if got == M.FLOAT32.of(W0[f][o]).v and got != W0[f][o] else \
                "flush-subnormals" if W0[f][o] == tiny else "float32"
            finding = Finding("arithmetic", cause, "", "the backend's state 0 is not the "
                              "scenario's W", ["W[%d][%d] is %s where the scenario gives %s"
                                               % (f, o, _show(got), _show(W0[f][o]))])
    add("reading the scenario", finding, [reading])
    if finding is not None and finding.id == "float32":
        return rows                       # every later experiment would differ too

    # the sigmoid and the threshold
    for variant, part in (("logistic", "exp and the sigmoid"), (THRESHOLD, "the threshold")):
        arguments = _survey_arguments() if variant != THRESHOLD else \
            [0.0, -0.0, BINARY64.z_star(), bits_to_float(_bits(BINARY64.z_star()) + 1),
             -(2.0 ** -52), -1.5 * 2.0 ** -52, 2.0 ** -1074, -(2.0 ** -1074), 1e-300, -1e-300]
        before = len(runs)
        finding = _sigmoid_part(lab, arguments, variant, F, O, runs)
        add(part, finding, runs[before:])

    # dW and db: sums designed to tell FMA, a start from 0.0, another order apart; then
    # whole numbers in the threshold variant, where an integer error shows
    x, e = _designed_sums(F, O, S, rng)
    e_db = _designed_errors(O, S)
    whole_x = [[float(rng.choice((-2, -1, 1, 3))) for _ in range(S)] for _ in range(F)]
    whole_x[0] = [-abs(v) for v in whole_x[0]]      # x < 0 and e = +0.0: a sum of −0.0
    whole_e = [[0.0] * S] + [[float(rng.choice((-1, 0, 1))) for _ in range(S)]
                             for _ in range(O - 1)]
    models = _sum_models() + _update_models()
    for experiments, part in (
            ([sum_experiment(x, e, "logistic"), sum_experiment(whole_x, whole_e, THRESHOLD)],
             "dW, the weight gradient"),
            ([bias_experiment(F, e_db, "logistic")], "db, the bias gradient")):
        before = len(runs)
        finding = None
        for experiment in experiments:
            finding = _part(lab, experiment, models, experiment.part, runs, None, None,
                            experiment.scenario["variant"])
            if finding is not None:
                break
        add(part, finding, runs[before:])

    # the division by m and the update, with m = 3 and a = 0.1: nothing is a power of two
    W = [[_random(rng) for _ in range(O)] for _ in range(F)]
    totals = [[_random(rng) for _ in range(O)] for _ in range(F)]
    before = len(runs)
    finding = _part(lab, update_experiment(W, 0.1, totals, max(3, F), "logistic"), models,
                    "update", runs, None, None, "logistic")
    add("the update and the division by m", finding, runs[before:])

    # the weighted sum: whole steps on random inputs, the parts found so far in place
    found = [r.finding for r in rows if r.finding is not None]
    base = _combined(found)
    S = max(S, 32)                        # samples are free: more z, each a chance to show
    trial = _random_step(F, O, S, rng, "logistic")
    runs.append(trial)
    before = len(runs) - 1
    finding = None
    if trial.run(lab) and not trial.fits(base):
        candidates = [(zm, _with(base, zm)) for zm in _z_models() if lab.possible(zm)]
        candidates = [(zm, m) for zm, m in candidates if m is not None and trial.fits(m)]
        for _ in range(3):
            if len({zm.id for zm, _ in candidates}) <= 1:
                break
            more = _random_step(F, O, S, rng, "logistic")
            runs.append(more)
            if not more.run(lab):
                break
            left = [(zm, m) for zm, m in candidates if more.fits(m)]
            candidates = left or candidates
        if candidates:
            zm = candidates[0][0]
            finding = Finding("z", zm.id, zm.detail, zm.does, ["with z so, and the parts "
                              "above as found, every step tried is the backend's"])
        else:
            finding = Finding("z", "sum-order", "", "the backend's step on random inputs "
                              "differs from the contract's, with the parts above as found, "
                              "and no modelled z reproduces it", [])
    add("z, the weighted sum", finding, runs[before:])
    return rows


def _designed_sums(F, O, S, rng):
    """x and e whose sums (dW[f][o] = Σ_j x[f][j]·e[o][j]) tell implementations apart,
    each row of x a detector against the errors e[1]:
    - e[0] all +0.0 against x[0] < 0: a sum of −0.0 products (from 0.0 it is +0.0);
    - x[1] picks −1 and (1 + 2^−30)²: fused, the 2^−60 of the square stays (FMA);
    - x[2] picks 2^53, 1 and −2^53: left to right the 1 is lost to rounding, in another
      order it is not;
    - x[0] is tiny too, so that its products with e[1] are subnormal: kept, or flushed;
    the rest random, of every size."""
    x = [[_random(rng) for _ in range(S)] for _ in range(F)]
    e = [[_random(rng) for _ in range(S)] for _ in range(O)]
    e[0] = [0.0] * S
    x[0] = [-rng.uniform(1.0, 2.0) * 2.0 ** -1052 for _ in range(S)]
    if O > 1 and S > 4:
        e[1][:5] = [-1.0, 1.0 + 2.0 ** -30, 2.0 ** 53, 1.0, -(2.0 ** 53)]
        if F > 1:
            x[1] = [1.0, 1.0 + 2.0 ** -30] + [0.0] * (S - 2)
        if F > 2:
            x[2] = [0.0, 0.0, 1.0, 1.0, 1.0] + [0.0] * (S - 5)
    return x, e


def _designed_errors(O, S):
    """Errors whose sum db tells orders apart: 2^−53 twice and 1, then 2^53, 1 and −2^53,
    the rest 0. Row by row the two halves of an ULP are lost and so is the 1 against
    2^53 (2^−53 is left); column by column the halves meet first; from the end the 1
    survives the cancellation."""
    e = [[0.0] * S for _ in range(O)]
    design = [2.0 ** -53, 1.0, 2.0 ** 53, 1.0, -(2.0 ** 53)]
    for j, v in enumerate(design[:S]):
        e[0][j] = v
    e[-1][0] = e[-1][0] + 2.0 ** -53 if O > 1 else e[0][0]
    return e


def _random_step(F, O, S, rng, variant):
    """A step on random inputs where every bit of z shows in the next state: z near −20,
    where s ≈ e^z changes by about one part in 2^48 when z moves by one ULP (near 0 most
    such changes are lost in the rounding of s), made of the products alone (b is small:
    a large b would round away how they were summed), y = 0 so that e = s keeps them, and
    a = 2^28 so that a·dW is as large as W and keeps them in the update."""
    W = [[rng.uniform(0.5, 1.5) for _ in range(O)] for _ in range(F)]
    x = [[-rng.uniform(10.0, 30.0) / F for _ in range(S)] for _ in range(F)]
    y = [[0.0] * S for _ in range(O)]
    return Experiment("z", "the backend's step on random inputs",
                      _scenario("probe-step", variant, x, y, W, rng.uniform(-0.5, 0.5),
                                2.0 ** 28))
