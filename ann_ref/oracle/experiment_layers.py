"""Diagnosis by experiment for networks of layers (docs/SPEC.md §9): the layer and the
part of the step where a layered backend departs, asked of the backend itself.

As for one layer (experiment.py), from the last state where every bit agrees the oracle
designs small layered scenarios of the contract, each one iteration long and each built
so that one part of one layer shows in the state after the update, runs the backend on
them and compares what it gives with the contract's step on the same inputs
(core.model.step, by layered.SPEC). The network keeps the diverging file's widths and
samples (a backend may take no other; only the sigmoid's experiment asks once for a
wider one, and falls back), and the values that make a part observable are these:

- saturation: z = ±1000 gives s = 1 or 0 exactly, in every form of the sigmoid and with
  any exp; layers of such units copy a one-hot x upwards, so that any layer's input can
  be one-hot (one sample per input unit), and the error carried into them is 0;
- a robust sigmoid: W = −0.0 and b = β gives z = β exactly in every order of summation,
  and β is chosen where exp(−β) one or two ULPs off still gives the same s;
- the output saturated at s = 0, so that its error is −y, any value the oracle likes.

The designs:

- the error carried back from layers[l] into layers[l − 1]: that layer has W = −0.0 and
  robust β for b, its input is one-hot, a = 1; after the update its W is −dW = −e/m at
  one sample per input unit: the carried error itself, for g = Σ_o W_l[k][o]·e_l[o][j]
  made of exact products, and (g·s)·(1 − s) with s neither 0, ½ nor 1 (so that another
  order of the roundings shows); W_l asymmetric (so that Wᵀ shows), another s above (so
  that the derivative of the wrong layer shows); its b is b − db over the samples;
- the sigmoid: the output layer's input one-hot, its W holding the arguments, b = 0,
  y = 0, a = m·2^K: its W after the update is −2^K·s at each argument (experiment.py's
  design on the output layer);
- dW and db of the output layer at this step's own forward pass and error: W = −0.0,
  the output saturated by one hidden unit held at s = 1, y = −e: W becomes −dW, b −db;
- the output layer's update at this step's W, a and sums (one-hot input, y = −Σ);
- the step itself, replayed from the agreeing state: the weighted sum z is what is left
  when every part above agrees.

Localise, then explain: the first part of the step (in the step's order: forward, then
backward from the output down, then the update) whose observed result differs from the
contract's is where the backend departs; what it does there is the model of layered.py
(a mistake of backpropagation in some layers, or one of the article's in every layer)
that gives every observation, and where several do, a further scenario on which they
disagree is run: ambiguity is settled by experiment. Where no model gives what was
observed, the values are said ("the error carried into layers[0] is Y where the
contract gives Z").
"""
import random

from ..core.arithmetic import BINARY64
from ..core.bits import CANONICAL_NAN, bits_to_float, float_to_bits, ulp_distance
from ..core.model import PARTS
from . import layered as LY
from .causes import BY_ID as ARTICLE_BY_ID
from .experiment import (LARGE, WIDE, Experiment, Finding, Refused, _random, _scale,
                         _sigmoid_evidence, _survey_arguments, place_arguments)
from .findings import Cause, greedy_nudges

INF = float("inf")
BIG = 1000.0                     # |z| = 1000: s is exactly 0 or 1 in every form
WIDTH = 8                        # every width, and the samples, of a wide experiment
OWN_SIGMOID_RUNS = 3             # runs of the sigmoid's experiment in the file's shape
SEPARATIONS = 4                  # further experiments to tell models apart
DRAWS = 10                       # candidates drawn per design to find one that separates

# the generic causes, where no model reproduces a part: (id, fix)
CARRIED = ("carried-error", "g[k][j] = Σ_o W[k][o]·e[o][j] with the old W as it is, "
           "then (g·s)·(1 − s) with s the output of the layer the error is carried into "
           "(docs/SPEC.md §9, step 3)")


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


def _show(v):
    return "%r (%016x)" % (v, _bits(v))


def _distance(u, v):
    if {u, v} == {0, 0x8000000000000000}:
        return "sign of zero"
    d = ulp_distance(bits_to_float(u), bits_to_float(v))
    if d is None:
        return "NaN against a number"
    return "%d ULP" % d if d < 10 ** 6 else "%.3g ULP" % d


def _power_of_two(n):
    return n > 0 and n & (n - 1) == 0


# --- robust arguments of the sigmoid --------------------------------------------------------

_ROBUST = []


def robust(z):
    """Whether s(z) is the same for exp(−z) correctly rounded and one or two ULPs off
    (and for the split form of the sigmoid: z > 0)."""
    if not (0.0 < z < 30.0):
        return False
    t = BINARY64.exp(-z)
    n = _bits(t)
    s = 1.0 / (1.0 + t)
    for d in (-2, -1, 1, 2):
        if 1.0 / (1.0 + bits_to_float(n + d)) != s:
            return False
    return s != 0.5


def robust_arguments():
    """Dyadic z in (0, 6] with few bits whose s no exp a few ULPs off changes."""
    if not _ROBUST:
        _ROBUST.extend(k / 32.0 for k in range(1, 193) if robust(k / 32.0))
    return _ROBUST


# --- an experiment on a layered backend ---------------------------------------------------------

class LayeredExperiment(Experiment):
    """One layered scenario run on the backend for one iteration (run as experiment.py's
    are): its part and layer (file index), what it is for, and the fields it reads after
    the update — (layer, "W" or "b", part, layer the part is of) — compared with a
    model's step."""

    def __init__(self, part, layer, purpose, scenario, reads):
        self.part, self.layer, self.purpose = part, layer, purpose
        self.scenario, self.reads = scenario, reads
        self.observed = self.state = self.refused = None
        self._cache = {}

    def _pick(self, state):
        Ws, bs = state
        return tuple(tuple(tuple(row) for row in (Ws[l] if f == "W" else bs[l]))
                     for l, f, _, _ in self.reads)

    def expect(self, model):
        """What the model's step gives in the fields read (None where it cannot run)."""
        key = id(model)
        if key not in self._cache:
            s = self.scenario
            try:
                new = model.step(s["x"], s["y"], [(W, b) for W, b in s["layers"]],
                                 s["learning_rate"], s["variant"])
                self._cache[key] = self._pick(model.bits(new))
            except (ArithmeticError, ValueError, TypeError, IndexError):
                self._cache[key] = None
        return self._cache[key]

    def _take(self, state):
        try:
            self.state = state
            self.observed = self._pick(self.state)
        except (IndexError, TypeError):
            self.state = None
            self.refused = "its state has another shape than the scenario's"
            return False
        return True

    def fits(self, model, reads=None):
        if self.observed is None:
            return False
        expected = self.expect(model)
        if expected is None:
            return False
        if reads is None:
            return expected == self.observed
        return all(expected[i] == self.observed[i] for i in reads)

    def departing(self):
        """The indices of the fields read where the backend differs from the contract."""
        if self.observed is None:
            return []
        expected = self.expect(LY.SPEC)
        if expected is None:
            return list(range(len(self.reads)))
        return [i for i, (u, v) in enumerate(zip(expected, self.observed)) if u != v]

    def as_json(self):
        return {"part": self.part, "layer": self.layer, "purpose": self.purpose,
                "ran": self.observed is not None, "refused": self.refused,
                "agrees": None if self.observed is None else not self.departing()}


def _scenario(name, x, y, layers, a, variant="logistic"):
    return {"name": name, "variant": variant, "x": x, "y": y,
            "layers": [(W, b) for W, b in layers], "learning_rate": a, "iterations": 1}


def _column(values):
    return [[v] for v in values]


def _one_hot_below(widths, S, upto):
    """x and the layers below layers[upto] such that the input of layers[upto] is
    one-hot: row i is 1 at sample i, for i < r, and 0 elsewhere. (x, layers, r). The
    layers below are saturated copies (z = ±1000) of the one-hot x."""
    F = widths[0]
    x = [[1.0 if f == j else 0.0 for j in range(S)] for f in range(F)]
    r = min(F, S)
    layers = []
    for l in range(upto):
        n_in, n_out = widths[l], widths[l + 1]
        W = [[2.0 * BIG if i == k and k < r else 0.0 for k in range(n_out)]
             for i in range(n_in)]
        layers.append((W, _column([-BIG] * n_out)))
        r = min(r, n_out)
    return x, layers, r


def _power(rng):
    return rng.choice((-1.0, 1.0)) * rng.choice((0.5, 1.0, 2.0))


# --- the designs --------------------------------------------------------------------------------

def back_experiment(widths, S, l, rng, a=1.0, zero=False):
    """The error carried back from layers[l] into layers[l − 1] (l ≥ 1), read in
    layers[l − 1] after the update. zero: W_l = 0, where only a backend that uses
    another W than the old one carries an error."""
    L = len(widths) - 1
    x, layers, r = _one_hot_below(widths, S, l - 1)
    n_in, n_into = widths[l - 1], widths[l]
    choices = robust_arguments()
    betas = [rng.choice(choices) for _ in range(n_into)]
    layers.append(([[-0.0] * n_into for _ in range(n_in)], _column(betas)))
    below = [1.0 / (1.0 + BINARY64.exp(-v)) for v in betas]     # the s of layers[l − 1]
    for q in range(l, L):
        # one W per row (and per column, where W is square): the g carried through it
        # is one product, exact, and so is z where each column has one; W asymmetric
        n_in, n_out = widths[q], widths[q + 1]
        W = [[0.0] * n_out for _ in range(n_in)]
        order = list(range(n_out))
        rng.shuffle(order)
        if n_in == n_out > 1:             # one cycle through every unit: W ≠ Wᵀ
            cycle = order
            order = [0] * n_out
            for i, k in enumerate(cycle):
                order[k] = cycle[(i + 1) % n_out]
        for k in range(n_in):
            if not (zero and q == l):
                W[k][order[k % n_out]] = _power(rng)
        if n_in == n_out == 2 and W[0][1] == W[1][0] != 0.0:
            W[0][1] *= 2.0
        if q == L - 1:                    # the output, saturated: its error is −y
            layers.append((W, _column([-2.0 * BIG] * n_out)))
            break
        b, above = [], []                 # a hidden layer above: b making z robust
        for o in range(n_out):
            p = W[0][o] * below[0]
            for k in range(1, n_in):
                p = p + W[k][o] * below[k]
            bias = -p                     # z = p ⊕ (ζ ⊖ p) is near ζ, not always ζ:
            for zeta in rng.sample(choices, len(choices)):      # the z itself is checked
                if robust(p + (zeta - p)):
                    bias = zeta - p
                    break
            b.append(bias)
            above.append(1.0 / (1.0 + BINARY64.exp(-(p + bias))))
        layers.append((W, _column(b)))
        below = above
    y = [[rng.choice((-1.0, 1.0)) * rng.uniform(1.0, 2.0) * 2.0 ** rng.randint(-3, 1)
          for _ in range(S)] for _ in range(widths[L])]
    reads = [(l - 1, "W", "back", l), (l - 1, "b", "db", l - 1)]
    return LayeredExperiment(
        "back", l, "the error carried back from layers[%d] into layers[%d] (read in "
        "layers[%d]'s dW at %d samples; its db)" % (l, l - 1, l - 1, r),
        _scenario("probe-back", x, y, layers, a), reads)


def sigmoid_experiments(arguments, widths, S):
    """Experiments reading the backend's s at the arguments through the output layer:
    its input one-hot (r samples), W holding the arguments, b = 0, y = 0, a = m·2^K (m a
    power of two; 2^K otherwise): W after the update is β − 2^K·s, or β − 2^K·(s/m)."""
    L = len(widths) - 1
    x, below, r = _one_hot_below(widths, S, L - 1)
    n_in, O = widths[L - 1], widths[L]
    per = r * O
    out = []
    for start in range(0, len(arguments), per):
        chunk = arguments[start:start + per]
        W, placed = place_arguments(chunk, r, O, rows=n_in)
        biggest = max([abs(v) for v in chunk] + [1.0])
        K = _scale(biggest, chunk, "logistic")
        scale = 2.0 ** K
        a = scale * S if _power_of_two(S) else scale
        y = [[0.0] * S for _ in range(O)]
        layers = below + [(W, _column([0.0] * O))]
        ex = LayeredExperiment("s", L - 1, "the backend's sigmoid at %d argument%s" % (
            len(chunk), "s" * (len(chunk) > 1)), _scenario("probe-sigmoid", x, y, layers, a),
            [(L - 1, "W", "s", None)])
        ex.placed, ex.scale, ex.m = placed, scale, S
        out.append(ex)
    return out


def read_sigmoid(ex):
    """[(β, the backend's s at β, or None where it cannot be read exactly)]."""
    W = ex.state[0][ex.reads[0][0]]
    m, scale = float(ex.m), ex.scale
    out = []
    for f, o, beta in ex.placed:
        w = bits_to_float(W[f][o])
        value = None
        if w == w and abs(beta) < abs(w) * 2.0 ** -54:
            if _power_of_two(ex.m):
                guess = -w / scale
                if beta - scale * guess == w:
                    value = guess
            else:
                # s/m for m not a power of two: two neighbouring s may give the same
                # quotient; where the contract's s is one of those that give w, nothing
                # tells it from the others: it is read as the contract's
                guess = (-w / scale) * m
                if guess == guess and 0.0 < guess <= 1.0:
                    n = _bits(guess)
                    fit = [bits_to_float(n + d) for d in (0, -1, 1, -2, 2, -3, 3)
                           if beta - scale * (bits_to_float(n + d) / m) == w]
                    contract = 1.0 / (1.0 + BINARY64.exp(-beta))
                    if fit:
                        value = contract if contract in fit else fit[0]
        out.append((beta, value))
    return out


def sums_experiments(x, before, widths, e_out):
    """dW and db of the output layer at this step's forward pass and error: the output's
    W = −0.0 (W after = −dW), saturated through one hidden unit held at s = 1 under
    W = −1000 (then b = −0.0 shows −db), y = −e. Without a hidden layer of two units,
    dW and db are read apart."""
    L = len(widths) - 1
    S = len(x[0])
    O, n_in = widths[L], widths[L - 1]
    y = [[-v for v in row] for row in e_out]
    lower = [([list(r) for r in W], [list(r) for r in b]) for W, b in before[:L - 1]]
    out = []
    if L >= 2 and n_in >= 2:
        W_h, b_h = lower[-1]
        for row in W_h:
            row[0] = 0.0
        b_h[0][0] = BIG
        W = [[-LARGE if k == 0 else -0.0 for _ in range(O)] for k in range(n_in)]
        out.append(LayeredExperiment(
            "dW", L - 1, "dW and db of layers[%d] at this step's own inputs and error" % (L - 1),
            _scenario("probe-sums", x, y, lower + [(W, _column([-0.0] * O))], 1.0),
            [(L - 1, "W", "dW", L - 1), (L - 1, "b", "db", L - 1)]))
        return out
    W = [[-0.0] * O for _ in range(n_in)]
    out.append(LayeredExperiment(
        "dW", L - 1, "dW of layers[%d] at this step's own inputs and error" % (L - 1),
        _scenario("probe-dW", x, y, lower + [(W, _column([-LARGE] * O))], 1.0),
        [(L - 1, "W", "dW", L - 1)]))
    if L >= 2:
        W_h, b_h = [list(r) for r in lower[-1][0]], [list(r) for r in lower[-1][1]]
        for row in W_h:
            row[0] = 0.0
        b_h[0][0] = BIG
        lower = lower[:-1] + [(W_h, b_h)]
        ones = x
    else:
        ones = [[1.0] * S for _ in range(len(x))]
    W = [[-LARGE if k == 0 else -0.0 for _ in range(O)] for k in range(n_in)]
    out.append(LayeredExperiment(
        "db", L - 1, "db of layers[%d] at this step's own error" % (L - 1),
        _scenario("probe-db", ones, y, lower + [(W, _column([-0.0] * O))], 1.0),
        [(L - 1, "b", "db", L - 1)]))
    return out


def update_experiment(widths, S, W, a, totals, purpose="at this step's W, a and sums"):
    """The output layer's W − a·(Σ/m) at W, a and the undivided sums Σ (one per entry
    of W): its input one-hot, y = −Σ at sample k for row k, b far below −1000."""
    L = len(widths) - 1
    x, below, r = _one_hot_below(widths, S, L - 1)
    O = widths[L]
    biggest = max([abs(v) for row in W for v in row if v == v] + [0.0])
    y = [[-totals[j][o] if j < r else 0.0 for j in range(S)] for o in range(O)]
    b = _column([-(LARGE + 2.0 * biggest)] * O)
    return LayeredExperiment(
        "update", L - 1, "the update of layers[%d]'s W, W − a·(Σ/m), %s" % (L - 1, purpose),
        _scenario("probe-update", x, y, below + [([list(r) for r in W], b)], a),
        [(L - 1, "W", "update", L - 1)])


def replay_experiment(s, before):
    L = len(before)
    reads = [(l, f, "step", l) for l in range(L) for f in ("W", "b")]
    return LayeredExperiment("step", None, "the backend's step from the last agreeing "
                             "state", _scenario(s["name"], s["x"], s["y"], before,
                                                s["learning_rate"], s["variant"]), reads)


def random_step(widths, S, rng, purpose="the backend's step on random inputs"):
    """A whole step on random inputs: every model gives other bits on most of them."""
    L = len(widths) - 1
    x = [[rng.uniform(-2.0, 2.0) for _ in range(S)] for _ in range(widths[0])]
    layers = []
    for l in range(L):
        W = [[rng.uniform(-1.5, 1.5) for _ in range(widths[l + 1])] for _ in range(widths[l])]
        layers.append((W, _column([rng.uniform(-0.5, 0.5) for _ in range(widths[l + 1])])))
    y = [[float(rng.randint(0, 1)) for _ in range(S)] for _ in range(widths[L])]
    a = rng.choice((0.1, 0.7, 1.0, 1.5, 3.0))
    reads = [(l, f, "z", l) for l in range(L) for f in ("W", "b")]
    return LayeredExperiment("z", None, purpose, _scenario("probe-step", x, y, layers, a),
                             reads)


def z_step(widths, S, rng):
    """A step on random inputs where every bit of layers[0]'s z shows (experiment.py's
    _random_step on the first layer): z near −20, where s ≈ e^z changes by about one part
    in 2^48 when z moves by one ULP, made of the products (b small), y = 0 and a = 2^28,
    so that the output's W after the update keeps those bits."""
    L = len(widths) - 1
    F, n = widths[0], widths[1]
    x = [[-rng.uniform(10.0, 30.0) / F for _ in range(S)] for _ in range(F)]
    layers = [([[rng.uniform(0.5, 1.5) for _ in range(n)] for _ in range(F)],
               _column([rng.uniform(-0.5, 0.5) for _ in range(n)]))]
    for l in range(1, L):
        W = [[rng.uniform(-1.5, 1.5) for _ in range(widths[l + 1])] for _ in range(widths[l])]
        layers.append((W, _column([rng.uniform(-0.5, 0.5) for _ in range(widths[l + 1])])))
    y = [[0.0] * S for _ in range(widths[L])]
    reads = [(l, f, "z", l) for l in range(L) for f in ("W", "b")]
    return LayeredExperiment("z", None, "the backend's step on random inputs, every bit of "
                             "z showing", _scenario("probe-step", x, y, layers, 2.0 ** 28),
                             reads)


def _random_update(widths, S, rng, a):
    L = len(widths) - 1
    O, n_in = widths[L], widths[L - 1]
    totals = [[_random(rng) for _ in range(O)] for _ in range(n_in)]
    W = [[a * (t / S) * rng.uniform(-2.0, 2.0) for t in row] for row in totals]
    return update_experiment(widths, S, W, a, totals, "on W near a·Σ/m")


# --- the investigation ----------------------------------------------------------------------------

class LayeredFinding(Finding):
    """A Finding of a layered network: also the layers it departs in (None: every
    layer) and, for the error carried back, the layer it is carried from."""

    def __init__(self, part, cause, detail, explanation, evidence, model=None, layers=None):
        Finding.__init__(self, part, cause, detail, explanation, evidence, model)
        self.layers = layers

    def where(self):
        if self.model is not None:
            return LY.departs(self.model)
        if self.part == "back" and self.layers is not None:
            return "the backend departs where the error is carried back: %s" % ", ".join(
                "from layers[%d] into layers[%d]" % (l, l - 1) for l in self.layers)
        where = "every layer" if self.layers is None else ", ".join(
            "layers[%d]" % l for l in self.layers)
        return "the backend departs in %s: %s (%s)" % (
            where, LY.PART_NAMES.get(self.part, self.part), self.part)

    def as_json(self):
        out = Finding.as_json(self)
        out["layers"] = list(self.layers) if self.layers is not None else "every"
        return out


def _part_words(part, layers):
    """The part of the step, in words, with its layers."""
    if part == "back" and layers is not None:
        return "the error carried back %s" % ", ".join(
            "from layers[%d] into layers[%d]" % (l, l - 1) for l in layers)
    name = LY.PART_NAMES.get(part, part)
    if layers is None:
        return "%s, in every layer" % name
    return "%s of %s" % (name, ", ".join("layers[%d]" % l for l in layers))


class LayeredExperimentCause(Cause):
    """A cause established by experiment on a layered backend."""

    def line(self):
        f = self.experimental
        name = self.model.name
        detail = " (%s)" % name if name != self.id else ""
        return "found by experiment: %s departs — %s%s: %s" % (
            _part_words(f.part, f.layers), self.id, detail, self.explanation)

    def as_json(self):
        out = Cause.as_json(self)
        out["layers"] = list(self.experimental.layers) \
            if self.experimental.layers is not None else "every"
        return out


class _Named:
    """What a Cause needs of a model: its id, detail, name and sentence."""

    def __init__(self, cause, detail, does, name=None):
        self.id, self.detail, self.does = cause, detail, does
        self.name = name or ("%s:%s" % (cause, detail) if detail else cause)


class Study:
    """The experiments of one divergence (or of a probe): the backend, the network's
    widths and samples, the candidate models, what ran."""

    def __init__(self, lab, widths, S, runs, seed=7):
        self.lab, self.widths, self.S, self.runs = lab, widths, S, runs
        self.L = len(widths) - 1
        self.pool = [m for m in LY.models_for(widths, S) if lab.possible(m)]
        self.rng = random.Random(seed)
        self.confirmed, self.rejected = {}, None

    def run(self, ex):
        self.runs.append(ex)
        return ex.run(self.lab)

    def designed(self, make, tries=8, parts=None):
        """Of `tries` experiments make() draws, the one on which the most models depart
        from the contract, and from each other: the mistakes of backpropagation, or
        the models of the parts given."""
        models = [m for m in self.pool if (m.layers is not None if parts is None else
                                           m.part in parts)]
        best, most = None, None
        for _ in range(tries):
            ex = make()
            spec = ex.expect(LY.SPEC)
            got = [ex.expect(m) for m in models]
            score = (len([g for g in got if g != spec]), len(set(got) | {spec}))
            if most is None or score > most:
                best, most = ex, score
        return best

    def templates(self):
        """Designs to draw further experiments from, to tell models apart."""
        W, S, rng = self.widths, self.S, self.rng
        out = [lambda: random_step(W, S, rng, "a step on random inputs")]
        for l in range(1, self.L):
            out.append(lambda l=l: back_experiment(W, S, l, rng, rng.choice((1.0, 0.5, 2.0)),
                                                   zero=rng.random() < 0.3))
        out.append(lambda: _random_update(W, S, rng, rng.choice((0.1, 0.7, 1.5, 3.0))))
        return out

    def separate(self, candidates, tries=SEPARATIONS):
        """Run experiments on which the candidates disagree, keeping those that fit; the
        candidates left."""
        for _ in range(tries):
            if len({m.name for m in candidates}) <= 1:
                break
            best, left = None, len({m.name for m in candidates})
            for template in self.templates():
                for _ in range(DRAWS):
                    trial = template()
                    groups = {}
                    for m in candidates:
                        groups.setdefault(trial.expect(m), set()).add(m.name)
                    worst = max(len(v) for v in groups.values())
                    if len(groups) > 1 and worst < left:
                        best, left = trial, worst
            if best is None:
                break
            best.purpose += ", to tell %s apart" % _names(candidates)
            if not self.run(best):
                break
            candidates = [m for m in candidates if best.fits(m)] or candidates
        return candidates

    def explain(self, ex, reads=None, observed=()):
        """The models that give what ex showed (in the fields `reads`, or all) and every
        other observation given, separated by further experiments; sorted, fewest
        layers first."""
        candidates = [m for m in self.pool if ex.fits(m, reads) and
                      all(o.fits(m) for o in observed)]
        candidates = self.separate(candidates)
        candidates.sort(key=lambda m: len(m.layers) if m.layers is not None else self.L + 1)
        if candidates:
            candidates = self.confirm(candidates)
        return candidates

    def confirm(self, candidates):
        """Run the first candidate once more where it departs from the contract at the
        most values: a model that the experiments so far could not tell from what the
        backend does (which may be no model at all) is kept only if the backend gives
        that too. The candidates that fit it (none: no model is the backend's)."""
        model = candidates[0]
        best, most = None, 0
        for template in self.templates():
            for _ in range(DRAWS):
                trial = template()
                got, spec = trial.expect(model), trial.expect(LY.SPEC)
                if got is None or spec is None:
                    continue
                n = _count(got, spec)
                if n > most:
                    best, most = trial, n
        if best is None:
            return candidates
        best.purpose += ", to confirm %s where it departs at %d values" % (model.name, most)
        if not self.run(best):
            return candidates
        kept = [m for m in candidates if best.fits(m)]
        what = best.purpose.split(", to confirm")[0]
        for m in kept:
            self.confirmed[m.name] = "%s gives the backend's too, on %s, where it departs " \
                "from the contract at %d values" % (m.name, what, most)
        if not kept:
            self.rejected = "%s gives the experiments before, but not %s, where it departs " \
                "from the contract at %d values" % (model.name, what, most)
        return kept


def _count(u, v):
    """How many of the values read differ between two expectations."""
    n = 0
    for a, b in zip(u, v):
        for ra, rb in zip(a, b):
            for p, q in zip(ra, rb):
                n += p != q
    return n


def _names(models):
    names = []
    for m in models:
        if m.name not in names:
            names.append(m.name)
    if len(names) > 3:
        return ", ".join(names[:3]) + " and %d more" % (len(names) - 3)
    return ", ".join(names)


def _layers_of(model, default):
    if model is None:
        return default
    return list(model.layers) if model.layers is not None else None


def _finding(model, part, evidence, alternatives=(), study=None):
    if study is not None and model.name in study.confirmed:
        evidence = evidence + [study.confirmed[model.name]]
    explanation = model.does
    others = [m for m in alternatives if m.name != model.name]
    if others:
        explanation += " (or: %s)" % "; ".join(
            "%s" % m.name for m in others[:3])
    part = model.part or part
    return LayeredFinding(part, model.id, model.detail, explanation, evidence, model,
                          _layers_of(model, None))


def _field_lines(ex, indices, most=3):
    """Lines saying where the fields read differ from the contract's, as the part's
    values: the carried error (−m·W), dW (−W), db (−b) or W and b after the update."""
    expected = ex.expect(LY.SPEC)
    if expected is None or ex.observed is None:
        return []
    s = ex.scenario
    m = float(len(s["x"][0]))
    lines = []
    for i in indices:
        l, field, part, _ = ex.reads[i]
        before = s["layers"][l][0 if field == "W" else 1]
        for r, (re, ro) in enumerate(zip(expected[i], ex.observed[i])):
            for c, (u, v) in enumerate(zip(re, ro)):
                if u == v or len(lines) >= most:
                    continue
                if part == "back" and field == "W" and before[r][c] == 0.0:
                    if _power_of_two(int(m)):
                        lines.append(
                            "the error carried into layers[%d], e[%d][%d], is %s where the "
                            "contract gives %s (%s; read as −m·W after the update)" % (
                                l, c, r, _show(-bits_to_float(v) * m),
                                _show(-bits_to_float(u) * m), _distance(u, v)))
                    else:
                        lines.append(
                            "the error carried into layers[%d], e[%d][%d]/m, is %s where the "
                            "contract gives %s (%s; read as −W after the update)" % (
                                l, c, r, _show(-bits_to_float(v)), _show(-bits_to_float(u)),
                                _distance(u, v)))
                elif part in ("dW", "db") and before[r][c] == 0.0:
                    name = "dW[%d][%d]" % (r, c) if field == "W" else "db[%d]" % r
                    lines.append("layers[%d] %s is %s where the contract gives %s (%s)" % (
                        l, name, _show(-bits_to_float(v)), _show(-bits_to_float(u)),
                        _distance(u, v)))
                else:
                    name = "W[%d][%d]" % (r, c) if field == "W" else "b[%d]" % r
                    lines.append("layers[%d].%s after the update is %s where the contract "
                                 "gives %s (%s)" % (l, name, _show(bits_to_float(v)),
                                                    _show(bits_to_float(u)), _distance(u, v)))
    return lines


# the order of the step's parts: forward (by layer), then backward from the output down
# (dW, db, then the error carried into the layer below), then the update
def _order(part, layer):
    if part in ("z", "t", "s"):
        return (0, layer or 0, ["z", "t", "s"].index(part))
    if part in ("dW", "db", "back"):
        return (1, -(layer or 0), ["dW", "db", "back"].index(part))
    if part == "update":
        return (2, 0, 0)
    return (3, 0, 0)


def _sigmoid(study, arguments, extra):
    """Read the backend's sigmoid at the arguments (the wide shape first when they do
    not fit in one run of the file's, then the file's own); a Finding if it differs
    from the contract's at any of them. extra: other arguments probed where there is
    room, which never decide whether it departs, only what it does."""
    lab, W, S = study.lab, study.widths, study.S
    L = study.L
    step_bits = {_bits(v) for v in arguments}
    _, _, r = _one_hot_below(W, S, L - 1)
    own = r * W[L]
    experiments = []
    wide = getattr(lab, "layers_wide", None)
    if wide is not False and (len(arguments) > own or extra):
        room = WIDE * max(1, (len(arguments) + WIDE - 1) // WIDE) - len(arguments)
        probed = list(arguments) + [v for v in extra if _bits(v) not in step_bits][:room]
        wide_widths = [WIDTH] * (L + 1)
        experiments = sigmoid_experiments(probed, wide_widths, WIDTH)
        if study.run(experiments[0]):
            lab.layers_wide = True
            for ex in experiments[1:]:
                study.run(ex)
        else:
            lab.layers_wide = False
            experiments = []
    if not experiments:
        experiments = sigmoid_experiments(arguments, W, S)[:OWN_SIGMOID_RUNS]
        for ex in experiments:
            study.run(ex)
    readings = [ex for ex in experiments if ex.observed is not None]
    if not readings:
        return None, experiments
    values = []
    for ex in readings:
        values += read_sigmoid(ex)
    at_step = [(beta, v) for beta, v in values if _bits(beta) in step_bits and v is not None]
    contract = dict((_bits(beta), 1.0 / (1.0 + BINARY64.exp(-beta))) for beta, _ in values)
    if all(_bits(v) == _bits(contract[_bits(beta)]) for beta, v in at_step):
        return None, experiments
    candidates = [m for m in study.pool if all(ex.fits(m) for ex in readings)]
    if len({m.id for m in candidates}) > 1:
        candidates = study.separate(candidates)
    evidence, _ = _sigmoid_evidence(at_step, "logistic")
    _, summary = _sigmoid_evidence(values, "logistic")
    observed = _observed_sigmoid(values)
    if candidates:
        best = sorted(candidates, key=lambda m: (m.id != "exp", m.name))[0]
        f = _finding(best, "t" if best.id == "exp" else "s", evidence, candidates)
        return f, experiments
    if summary is not None:
        f = LayeredFinding("t", "exp", "", "exp is not correctly rounded: %s" % summary,
                           evidence, observed, None)
    else:
        f = LayeredFinding("s", "sigmoid-form", "", "the backend's s is not 1 ⊘ (1 ⊕ t) "
                           "for an exp t near e^−z at every argument: another form of the "
                           "sigmoid", evidence, observed, None)
    read = {_bits(beta) for beta, v in values if v is not None}
    f.values, f.unread = values, [n for n in step_bits if n not in read]
    return f, experiments


def _observed_sigmoid(values, nudges=None):
    """The contract with its sigmoid replaced by the values the backend gave, in every
    layer, and exp(−z) k ULPs off at the arguments z of nudges {bits: k}: a layered
    model of what the backend computes there."""
    table = {_bits(beta): v for beta, v in values if v is not None}
    nudges = nudges or {}

    def s(A, z, t):
        out = []
        for rz, rt in zip(z, t):
            row = []
            for v, u in zip(rz, rt):
                n = _bits(v)
                if n in table:
                    row.append(table[n])
                    continue
                k = nudges.get(n)
                if k and 0.0 < u < INF:
                    u = bits_to_float(_bits(u) + k)
                row.append(1.0 / (1.0 + u))
            out.append(row)
        return out
    parts = dict(PARTS, s=s)
    return LY.Model("exp", "observed", "the backend's own sigmoid, as observed", "t",
                    lambda count, a: [parts] * count)


def _complete(finding, values, unread, targets):
    """Where the sigmoid could not be read (an s below about 2^−940, which no learning
    rate lifts above its argument): exp one or two ULPs off there, one argument at a
    time where it brings the experiments at this step's own forward pass nearer to what
    the backend gave."""
    targets = [ex for ex in targets if ex.observed is not None]
    if not unread or not targets:
        return

    def distance(model):
        n = 0
        for ex in targets:
            got = ex.expect(model)
            if got is None:
                return None
            for u, v in zip(got, ex.observed):
                for ru, rv in zip(u, v):
                    for p, q in zip(ru, rv):
                        n += p != q
        return n
    nudges, _ = greedy_nudges(unread, lambda t: distance(_observed_sigmoid(values, t)))
    if nudges:
        finding.model = _observed_sigmoid(values, nudges)
        finding.evidence.append("where s is too small to be read (%d argument%s), exp one or "
                                "two ULPs off gives the step's own experiments" % (
                                    len(nudges), "s" * (len(nudges) > 1)))


def investigate_layers(report, lab, kind=None):
    """Run the experiments for a layered report's first divergence; attach the findings
    and the experiments to report.diagnosis (made by layered.explain first)."""
    d = report.diagnosis
    if d is None or d.golden_inconsistent or report.before is None:
        return
    s = report.scenario
    if s.get("precision", "binary64") != "binary64":
        return                            # binary32 networks: inferred from the states
    x, y, a, variant = s["x"], s["y"], s["learning_rate"], s["variant"]
    before = LY.floats(report.before)
    widths = [len(x)] + [len(W[0]) for W, _ in s["layers"]]
    S, L = len(x[0]), len(widths) - 1
    study = Study(lab, widths, S, d.experiments)
    _, kept = LY.SPEC.step(x, y, before, a, variant, keep=True)
    findings = []

    # forward: the sigmoid at this step's z of every layer
    arguments, seen = [], set()
    for z in kept["z"]:
        for row in z:
            for v in row:
                if v - v == 0.0 and _bits(v) not in seen:
                    seen.add(_bits(v))
                    arguments.append(v)
    found, _ = _sigmoid(study, arguments, _survey_arguments())
    if found is not None:
        findings.append(found)
    # backward: dW and db of the output, then the error carried into every layer below
    e_out = kept["e"][L - 1]
    parts = sums_experiments(x, before, widths, e_out)
    for l in range(L - 1, 0, -1):
        parts.append(study.designed(lambda l=l: back_experiment(widths, S, l, study.rng)))
    # the update of the output's W at this step's W, a and sums
    s_in = x if L == 1 else kept["s"][L - 2]
    totals = []
    for k in range(len(s_in)):
        row = []
        for o in range(widths[L]):
            acc = s_in[k][0] * e_out[o][0]
            for j in range(1, S):
                acc = acc + s_in[k][j] * e_out[o][j]
            row.append(acc)
        totals.append(row)
    parts.append(update_experiment(widths, S, before[L - 1][0], a, totals))
    for ex in parts:
        study.run(ex)
    replay = replay_experiment(s, before)
    study.run(replay)
    if found is not None and getattr(found, "unread", None):
        _complete(found, found.values, sorted(found.unread), parts[:1] + [replay])

    groups = _departing(parts)
    observed = [ex for ex in study.runs if ex.observed is not None]
    explained = set()
    for _, ex, i in groups:
        if (id(ex), i) in explained:
            continue
        if any(f.model is not None and ex.fits(f.model) for f in findings):
            continue
        _, _, part, of = ex.reads[i]
        # the models that give every observation; failing that, this experiment's (a
        # second mistake elsewhere), or the fields that depart here; once a model that
        # fits is run again and fails, none is the backend's
        study.rejected = None
        candidates = study.explain(ex, observed=[o for o in observed if o is not ex])
        if not candidates and not study.rejected:
            candidates = study.explain(ex)
        if not candidates and not study.rejected:
            candidates = study.explain(ex, [i])
        evidence = _field_lines(ex, [j for j in ex.departing()])
        if candidates:
            f = _finding(candidates[0], part, evidence, candidates, study)
        else:
            f = _generic(part, of, evidence + ([study.rejected] if study.rejected else []))
        findings.append(f)
        for o in observed:
            for j in o.departing():
                if f.model is not None and o.fits(f.model):
                    explained.add((id(o), j))
        if len(study.runs) >= lab.most - 1:
            break
    # what is left: the weighted sum z, found by the step replayed
    if replay.observed is not None and replay.departing() and \
            not any(f.model is not None and replay.fits(f.model) for f in findings):
        found = _weighted_sum(study, replay, findings)
        if found is not None:
            findings.insert(0, found)
    findings.sort(key=lambda f: _order(f.part, (f.layers or [0])[-1] if f.part == "back"
                                       else (f.layers or [0])[0]))
    _relevance(findings, replay)
    d.findings = findings
    where = _localised(found, groups, parts, replay)
    d.runs = lab.processes
    refused = [e for e in study.runs if e.refused]
    if refused:
        d.notes.append("the backend did not run %d of the %d experiments (%s: %s)" % (
            len(refused), len(study.runs), refused[0].purpose, refused[0].refused))
    if findings:
        _name(d, findings, kind)
        if where:
            d.notes.insert(1, where)
    elif replay.observed is None:
        d.notes.append("the backend did not run the experiments (%s): the causes are "
                       "inferred from the states alone" % (replay.refused or "refused"))
    elif replay.observed != replay._pick(report.obtained_state):
        d.notes.append("the backend's step from iteration %d's state does not give its "
                       "iteration %d: is it deterministic?" % (d.k - 1, d.k))
    else:
        d.notes.append("the experiments find no part of the step that departs on this "
                       "step's own inputs, though the backend's step does: the causes are "
                       "inferred from the states")


def _departing(experiments):
    """(order, experiment, field index) of every field read that departs, in the order
    of the step's parts."""
    groups = []
    for ex in experiments:
        if ex.observed is None:
            continue
        for i in ex.departing():
            _, _, part, of = ex.reads[i]
            groups.append((_order(part, of), ex, i))
    groups.sort(key=lambda g: g[0])
    return groups


def _localised(sigmoid, groups, experiments, replay):
    """In words: the first part of the step that departs on identical inputs, and the
    parts tried before it that agree."""
    if sigmoid is not None:
        first = "exp and the sigmoid, at this step's own z"
        key = (0, -1, 0)
    elif groups:
        key, ex, i = groups[0]
        _, _, part, of = ex.reads[i]
        first = _part_words(part, [of])
    elif replay.observed is not None and replay.departing():
        return ("by experiment: the sigmoid, dW, db, the error carried back and the update "
                "agree with the contract on identical inputs; only the step itself departs, "
                "so the weighted sum z does")
    else:
        return ""
    before = ["exp and the sigmoid"] if sigmoid is None and experiments is not None else []
    for ex in experiments:
        if ex.observed is None:
            continue
        for i, (_, _, part, of) in enumerate(ex.reads):
            words = _part_words(part, [of])
            if _order(part, of) < key and i not in ex.departing() and words not in before:
                before.append(words)
    return "by experiment: the first part of the step to depart on identical inputs is " \
        "%s%s" % (first, "; before it, %s agree" % _and(before) if before else "")


def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _generic(part, of, evidence):
    layers = [of] if of is not None else None
    if part == "back":
        return LayeredFinding("back", CARRIED[0], "", "no model reproduces the error the "
                              "backend carries from layers[%d] into layers[%d]" % (of, of - 1),
                              evidence, None, layers)
    cause = {"dW": "sum-order", "db": "sum-order", "update": "fused-update"}.get(part,
                                                                                 "sum-order")
    return LayeredFinding(part, cause, "", "no model reproduces the backend's %s of "
                          "layers[%d]" % (LY.PART_NAMES.get(part, part), of), evidence,
                          None, layers)


def _weighted_sum(study, replay, findings):
    """The step replayed from the agreeing state departs and no part found explains it:
    the models (of z first) that give it and every observation, or the bare fact."""
    observed = [ex for ex in study.runs if ex.observed is not None and ex is not replay
                and not ex.departing()]
    candidates = [m for m in study.pool if replay.fits(m) and
                  all(ex.fits(m) for ex in observed)]
    candidates = study.separate(candidates)
    candidates.sort(key=lambda m: (m.part != "z", len(m.layers) if m.layers else study.L + 1))
    if candidates:
        return _finding(candidates[0], "z", ["with it, the step from the agreeing state "
                                             "gives the backend's"], candidates)
    if findings:
        return None
    return LayeredFinding("z", "sum-order", "", "the sigmoid, dW, db, the error carried "
                          "back and the update agree with the contract on the experiments' "
                          "inputs, so the weighted sum z departs; no modelled order "
                          "reproduces it", _field_lines(replay, replay.departing()), None,
                          None)


def _relevance(findings, replay):
    for f in findings:
        f.matters = f.enough = None
        if f.model is not None and replay.observed is not None:
            f.enough = replay.fits(f.model)


def _name(d, findings, kind):
    """The findings become the diagnosis's causes, in the step's order; causes inferred
    from the states stay where an experiment names them too."""
    kept = []
    for f in findings:
        same = [k for k in kept if (k.id, k.detail, k.layers) == (f.id, f.detail, f.layers)]
        if same:
            same[0].evidence += [e for e in f.evidence if e not in same[0].evidence]
        else:
            kept.append(f)
    findings[:] = kept
    inferred = {}
    for c in d.causes:
        inferred.setdefault(c.model.name, c)
        inferred.setdefault(c.id, c)
    causes = []
    for f in findings:
        name = f.model.name if f.model is not None and f.model.detail != "observed" \
            else None
        cause = LayeredExperimentCause(_Named(f.id, f.detail, f.explanation, name), d.k, 0)
        cause.experimental = f
        record = LY.BY_ID.get(f.id) or ARTICLE_BY_ID.get(f.id)
        cause.fix = record.fix_for(kind) if record is not None else \
            CARRIED[1] if f.id == CARRIED[0] else ""
        match = inferred.get(name) or inferred.get(f.id)
        if match is not None:
            cause.first, cause.last, cause.cut = match.first, match.last, match.cut
        causes.append(cause)
    d.causes = causes
    d.ambiguous = []
    d.notes = [findings[0].where()] + [n for n in d.notes if not n.startswith(
        ("the backend departs", "no modelled cause"))]


# --- the survey: every part, without a golden file (ann-ref probe --layers) ---------------------

def gradient_experiments(widths, S, rng):
    """dW and db of layers[0] at sums designed to tell implementations apart
    (experiment._designed_sums: −0.0 products, FMA, the order, subnormals): x is the
    design's, layers[0] has W = b = −0.0 (s = 0.5), every layer above carries the error
    down unchanged through W = 4 and s = 0.5 ((4·e·0.5)·0.5 = e, exactly), the output is
    saturated (e = −y): layers[0]'s W after the update is −dW, its b −db. Where the
    layers above give several units of layers[0] the same error, a second experiment
    gives them all +0.0 against a negative x: a sum of −0.0 products."""
    from .experiment import _designed_sums
    L = len(widths) - 1
    F, n = widths[0], widths[1]
    x, e = _designed_sums(F, n, S, rng)
    # which output row's error reaches each unit of layers[0]: k → k mod width, upwards
    row = list(range(n))
    layers = [([[-0.0] * n for _ in range(F)], _column([-0.0] * n))]
    for q in range(1, L):
        n_in, n_out = widths[q], widths[q + 1]
        W = [[4.0 if o == k % n_out else 0.0 for o in range(n_out)] for k in range(n_in)]
        if q == L - 1:
            b = [-2.0 * BIG] * n_out
        else:
            b = [-2.0 * len([k for k in range(n_in) if k % n_out == o]) for o in range(n_out)]
        layers.append((W, _column(b)))
        row = [r % n_out for r in row]
    O = widths[L]

    def scenario(errors, x):
        y = [[0.0] * S for _ in range(O)]
        given = set()
        for k in range(n):
            if L > 1 and row[k] not in given:
                given.add(row[k])
                y[row[k]] = [-v for v in errors[k]]
        if L == 1:
            y = [[-v for v in r] for r in errors]
            return _scenario("probe-gradients", x, y, [(layers[0][0], _column([-LARGE] * n))],
                             1.0)
        return _scenario("probe-gradients", x, y, layers, 1.0)
    out = []
    distinct = L == 1 or len(set(row)) == n
    errors = e if distinct else [e[1 % len(e)]] * n
    if L == 1:                            # one layer: the output's own dW, and db apart
        out.append(LayeredExperiment("dW", 0, "dW of layers[0] at designed sums",
                                     scenario(errors, x), [(0, "W", "dW", 0)]))
        ones = [[1.0] * S for _ in range(F)]
        W = [[-LARGE if f == 0 else 0.0 for _ in range(n)] for f in range(F)]
        out.append(LayeredExperiment(
            "db", 0, "db of layers[0] at designed errors",
            _scenario("probe-db", ones, [[-v for v in r] for r in errors],
                      [(W, _column([-0.0] * n))], 1.0), [(0, "b", "db", 0)]))
        return out
    out.append(LayeredExperiment("dW", 0, "dW and db of layers[0] at designed sums",
                                 scenario(errors, x), [(0, "W", "dW", 0), (0, "b", "db", 0)]))
    if not distinct:
        negative = [[-abs(v) - 0.5 for v in r] for r in x]
        zeros = [[-0.0] * S for _ in range(n)]        # y = −(−0.0): e = +0.0
        out.append(LayeredExperiment("dW", 0, "dW of layers[0] at a sum of −0.0 products",
                                     scenario(zeros, negative), [(0, "W", "dW", 0)]))
    return out


def state_zero(widths, S):
    """A scenario of no iteration whose state 0 holds 0.1, a subnormal and −0.0."""
    L = len(widths) - 1
    tiny = 2.0 ** -1070
    layers = []
    for l in range(L):
        W = [[0.1 * (k + 1) - 0.25 * o for o in range(widths[l + 1])]
             for k in range(widths[l])]
        W[0][0], W[-1][-1] = tiny, -0.0
        layers.append((W, _column([0.1 - 0.5 * o for o in range(widths[l + 1])])))
    layers[-1][1][0][0] = -0.0
    x = [[1.0 if f == j else 0.0 for j in range(S)] for f in range(widths[0])]
    s = _scenario("probe-reading", x, [[0.0] * S for _ in range(widths[L])], layers, 0.5)
    s["iterations"] = 0
    return s


class _Row:
    """A line of the survey (experiment.Row), which may also say that its experiment
    could not isolate the part: a part it needs, found above, departs."""

    def __init__(self, row, needs=None):
        self.__dict__.update(row.__dict__)
        self._row, self.needs = row, needs

    @property
    def verdict(self):
        if self.needs is not None and self.ran:
            return "not isolated"
        return self._row.verdict

    def as_json(self):
        out = self._row.as_json()
        out["verdict"], out["row"] = self.verdict, self.part
        if hasattr(self, "fix") and self.finding is not None:
            out["fix"] = self.fix
        return out


def survey_layers(lab, kind, widths, S):
    """Every part of a layered step, tried on the backend with networks of these widths
    (n_0 … n_L) and S samples (the sigmoid once on a wider one, if it takes it); a list
    of experiment.Row, the parts of the error carried back one per layer."""
    from .experiment import Row
    study = Study(lab, widths, S, [], seed=5)
    L = len(widths) - 1
    rows = []

    def add(part, finding, experiments, note="", needs=None):
        ran = any(e.observed is not None for e in experiments)
        if needs is not None:
            finding, note = None, "the experiment needs %s, which departs (above)" % needs
        row = Row(part, finding, ran, note or "; ".join(
            "%s: %s" % (e.purpose, e.refused) for e in experiments if e.refused)[:300])
        if finding is not None:
            record = LY.BY_ID.get(finding.id) or ARTICLE_BY_ID.get(finding.id)
            row.fix = record.fix_for(kind) if record is not None else \
                CARRIED[1] if finding.id == CARRIED[0] else ""
        rows.append(_Row(row, needs))

    # reading the scenario: state 0 is the scenario's layers, bit for bit
    s = state_zero(widths, S)
    reading = LayeredExperiment("reading", None, "state 0 of layers with 0.1, a subnormal "
                                "and −0.0", s, [])
    study.runs.append(reading)
    finding = None
    try:
        states = lab.run(s)
        reading.observed = tuple(states[0]) if states else None
    except Refused as e:
        reading.refused = str(e)
    if reading.observed is not None:
        expected = LY.SPEC.bits([(W, b) for W, b in s["layers"]])
        got = (list(map(lambda M: [list(r) for r in M], reading.observed[0])),
               list(map(lambda M: [list(r) for r in M], reading.observed[1])))
        if got != (expected[0], expected[1]):
            finding = _reading_finding(s, expected, got)
    add("reading the scenario", finding, [reading])
    if finding is not None and finding.id == "float32":
        return rows                       # every later experiment would differ too

    # exp and the sigmoid, at arguments where libraries' exps misround, and edges
    found, experiments = _sigmoid(study, _survey_arguments(), [])
    add("exp and the sigmoid", found, experiments)

    # the error carried back into every layer below the output, and its db, from the
    # output down, as the step computes them
    carried = None
    for l in range(L - 1, 0, -1):
        ex = study.designed(lambda l=l: back_experiment(widths, S, l, study.rng))
        study.run(ex)
        found = None
        indices = ex.departing()
        if indices:
            part = "back" if 0 in indices else "db"
            found = _explained(study, ex, indices, part, l if part == "back" else l - 1)
        add("the error carried into layers[%d], and its db" % (l - 1), found, [ex])
        if found is not None and found.part == "back":
            carried = carried or "the error carried into layers[%d]" % (l - 1)

    # dW and db of layers[0] at designed sums (an error carried down to it, above)
    designed = gradient_experiments(widths, S, study.rng)
    for ex in designed:
        study.run(ex)
    for part, name in (("dW", "dW, the weight gradient"), ("db", "db, the bias gradient")):
        found = None
        for ex in designed:
            indices = [i for i in ex.departing() if ex.reads[i][2] == part]
            if indices:
                found = _explained(study, ex, indices, part, 0)
                break
        add(name, found, [ex for ex in designed if any(r[2] == part for r in ex.reads)],
            needs=carried if found is not None else None)

    # the division by m and the update, with a = 0.1 and W near a·Σ/m
    ex = study.designed(lambda: _random_update(widths, S, study.rng, 0.1), 20, ("update",))
    study.run(ex)
    found = _explained(study, ex, ex.departing(), "update", L - 1) if ex.departing() else None
    add("the update and the division by m", found, [ex])

    # the weighted sum: whole steps on random inputs, every part above as found
    found_models = [r.finding.model for r in rows if r.finding is not None and
                    r.finding.model is not None]
    trials = []
    finding = None
    for _ in range(2):
        trial = z_step(widths, S, study.rng)
        trials.append(trial)
        if not study.run(trial):
            break
        if trial.departing() and not any(trial.fits(m) for m in found_models):
            finding = _explained(study, trial, trial.departing(), "z", None,
                                 observed=[t for t in trials if t is not trial])
            break
    add("z, the weighted sum", finding, trials)
    return rows


def _explained(study, ex, indices, part, of, observed=()):
    study.rejected = None
    candidates = study.explain(ex, indices, observed)
    evidence = _field_lines(ex, indices)
    if candidates:
        return _finding(candidates[0], part, evidence, candidates, study)
    if study.rejected:
        evidence.append(study.rejected)
    if part == "z":
        return LayeredFinding("z", "sum-order", "", "the backend's step on random inputs "
                              "differs from the contract's, and no modelled cause reproduces "
                              "it", evidence, None, None)
    return _generic(part, of, evidence)


def _reading_finding(s, expected, got):
    for l, (We, Wo) in enumerate(zip(expected[0], got[0])):
        for k, (re, ro) in enumerate(zip(We, Wo)):
            for o, (u, v) in enumerate(zip(re, ro)):
                if u != v:
                    given = s["layers"][l][0][k][o]
                    obtained = bits_to_float(v)
                    cause = "flush-subnormals" if given != 0.0 and abs(given) < 2.0 ** -1022 \
                        and obtained == 0.0 else "float32"
                    return LayeredFinding(
                        "arithmetic", cause, "", "the backend's state 0 is not the "
                        "scenario's layers", ["layers[%d].W[%d][%d] is %s where the scenario "
                                              "gives %s" % (l, k, o, _show(obtained),
                                                           _show(given))])
    return LayeredFinding("arithmetic", "float32", "", "the backend's state 0 is not the "
                          "scenario's layers (its b)", [])
