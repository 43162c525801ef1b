"""Mistakes of a backend on a network of layers (docs/SPEC.md §9), planted: the core's
layered step (ann_ref.core.model.step, with one dict of parts per layer) with parts
replaced in the layers where the backend gets them wrong.

Two kinds:

- BACKPROP: what backpropagation code gets wrong — the layer above updated before its
  error is carried down, the sigmoid's derivative of another layer or recomputed from z,
  W transposed in the backward sum, the bias gradient summed over another axis. Each is
  made where the shapes let a NumPy program make it silently (a transposed W only where
  W is square, a sum over the units only where there are as many units as samples);
  elsewhere such a program would stop on a shape error, so on a network where it can
  be made nowhere the mistake is "not applicable" there.
- ARITHMETIC: every mistake of tests/mistakes (and tests/mistakes_external.py) made in
  every layer: its parts, with z and db taken unit by unit where the part was written
  for the article's one shared b. Three of them cannot change a network of §9, and
  are left out (EXCLUDED says why).

`states(mistake, scenario)` gives a mistake's states 0..N as [(W, b), ...] of floats
(None where the mistake cannot be made on that network); `matrix` and `table` the kill
matrix of golden/README.md. Written for the tests alone: the diagnosis
(ann_ref/oracle/layered.py) models these mistakes itself and never imports them.
"""
from ann_ref.core.arithmetic import BINARY64
from ann_ref.core.bits import CANONICAL_NAN, float_to_bits, from_hex, hex_bits
from ann_ref.core.checks import layers as checked_layers
from ann_ref.core.matrix import dot, transpose
from ann_ref.core.model import (PARTS, bias_gradient, carry_back, exponential, activation,
                                step, update, weight_gradient)
from ann_ref.core.training import Trajectory, network_trajectory

from . import MISTAKES as ARTICLE_MISTAKES
from . import _UNDIVIDED, _Undivided, _in

__all__ = ["BACKPROP", "arithmetic", "mistakes", "states", "matrix", "table",
           "trace_lines", "inputs"]


def entry(id, description, part, placement, build):
    """A backpropagation mistake: its id, what the backend does, the part it departs in,
    where (placement(widths, samples) → the layers it is made in, or None where it
    cannot be made), and build(a, box) → {layer: parts} of one run."""
    return {"id": id, "description": description, "part": part, "placement": placement,
            "build": build}


# --- backpropagation done otherwise -------------------------------------------------------

def carries(widths, samples):
    """Every layer whose error is carried down: 1 … L−1 (none for one layer)."""
    return list(range(1, len(widths) - 1)) or None


def hidden(widths, samples):
    return list(range(len(widths) - 2)) or None


def square(widths, samples):
    """The carrying layers whose W is square: Wᵀ has W's shape there."""
    return [l for l in range(1, len(widths) - 1) if widths[l] == widths[l + 1]] or None


def as_many_units_as_samples(widths, samples):
    """The hidden layers with as many units as samples: np.sum(e, axis=0) has b's shape."""
    return [l for l in range(len(widths) - 2) if widths[l + 1] == samples] or None


def broadcastable(which):
    """The carrying layers where the other layer's s·(1 − s) has as many rows as the
    layer below, or one row (NumPy broadcasts it)."""
    def placement(widths, samples):
        found = []
        for l in range(1, len(widths) - 1):
            rows = widths[l + 1] if which == "above" else widths[l - 1]
            if rows in (widths[l], 1):
                found.append(l)
        return found or None
    return placement


class Recorder:
    """The inputs and outputs of every layer's forward parts during one step, kept for
    the backward parts of a mistake that uses another layer's values."""

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
        return {"z": z, "s": s}


def _times_derivative(A, g, D):
    """(g·d)·(1 − d) with d from D, row for row or D's one row broadcast."""
    one = A.one
    return [[(u * v) * (one - v) for u, v in zip(rg, D[k if len(D) > 1 else 0])]
            for k, rg in enumerate(g)]


def _update_before_back(a, box):
    def back(A, W, e, s):
        # the layer above already updated: W − a·dW, dW from its input s and its error e
        m = A.of(len(s[0]))
        return carry_back(A, update(A, W, a, weight_gradient(A, s, e, m)), e, s)
    return lambda l: {"back": back}


def _derivative_of(which):
    def build(a, box):
        def parts(l):
            def back(A, W, e, s):
                D = box.s[l] if which == "above" else box.input[l - 1]
                return _times_derivative(A, dot(W, e), D)
            return {"back": back}
        return parts
    return build


def _recomputed(a, box):
    def parts(l):
        def back(A, W, e, s):
            # d = σ(z)·(1 − σ(z)) of the layer below, recomputed from its z, then g·d
            z = box.z[l - 1]
            r = activation(A, z, exponential(A, z))
            one = A.one
            return [[u * (v * (one - v)) for u, v in zip(rg, rr)]
                    for rg, rr in zip(dot(W, e), r)]
        return {"back": back}
    return parts


def _transposed(a, box):
    def back(A, W, e, s):
        return carry_back(A, transpose(W), e, s)
    return lambda l: {"back": back}


def _bias_over_units(a, box):
    def db(A, e, m, shared):
        # np.sum(e, axis=0) / m: for column o, the units' errors added in order
        return [[_running([row[o] for row in e]) / m] for o in range(len(e[0]))]
    return lambda l: {"db": db}


def _bias_over_everything(a, box):
    def db(A, e, m, shared):
        # np.sum(e) / m, the article's db, given to every unit
        v = bias_gradient(A, e, m, True)
        return [[v] for _ in e]
    return lambda l: {"db": db}


def _running(terms):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


BACKPROP = [
    entry("update-before-back", "the layer above updated before its error is carried "
          "down: W − a·dW in the backward sum", "back", carries, _update_before_back),
    entry("derivative:layer-above", "the sigmoid's derivative s·(1 − s) of the layer "
          "above (its s broadcast) instead of the layer below's", "back",
          broadcastable("above"), _derivative_of("above")),
    entry("derivative:input", "the derivative x·(1 − x) of the layer below's input "
          "instead of its output s", "back", broadcastable("input"), _derivative_of("input")),
    entry("derivative:recomputed", "the derivative recomputed as σ(z)·(1 − σ(z)) and "
          "then multiplied: g·(s·(1 − s)) instead of (g·s)·(1 − s)", "back", carries,
          _recomputed),
    entry("transposed-W", "Wᵀ in the backward sum (Σ_o W[o][k]·e[o][j]), where W is "
          "square", "back", square, _transposed),
    entry("bias-axis:units", "a hidden layer's db summed over its units, np.sum(e, "
          "axis=0), where it has as many units as samples", "db",
          as_many_units_as_samples, _bias_over_units),
    entry("bias-axis:all", "a hidden layer's db summed over every entry, np.sum(e) as "
          "the article writes it, the same for every unit", "db", hidden,
          _bias_over_everything),
]


# --- the article's mistakes, in every layer ----------------------------------------------

def _per_unit_z(z):
    """A z part written for one shared b, given a column: unit by unit (one that takes
    the column itself, as NumPy's broadcasting does, is used as it is)."""
    def part(A, W, b, x):
        try:
            return z(A, W, b, x)
        except TypeError:
            return [z(A, [[row[o]] for row in W], b[o][0], x)[0] for o in range(len(b))]
    return part


def _per_unit_db(db):
    """A db part written for one shared b, summed over each unit's row alone."""
    def part(A, e, m, shared):
        return [[db(A, [row], m, True)] for row in e]
    return part


def arithmetic(mistake):
    """A mistake of tests/mistakes as a layered one, made in every layer; its part is
    the first of the step's that it replaces (or "arithmetic": other numbers)."""
    replaced = mistake["parts"]
    replaced = ["dW", "db", "update"] if isinstance(replaced, str) else list(replaced)
    order = ["t", "s", "z", "y_pred", "e", "dW", "db", "back", "update"]
    part = "arithmetic" if mistake["numbers"] is not None else \
        sorted(replaced, key=order.index)[0]
    return {"id": mistake["id"], "description": mistake["description"], "part": part,
            "article": mistake, "placement": lambda widths, samples: list(
                range(len(widths) - 1))}


# the article's mistakes that a network of §9 cannot show, and why
EXCLUDED = {
    "sum-order:column-major": "it sums the article's one shared db column by column; a "
                              "layer's db sums one row per unit, the same either way",
    "threshold-strict": "it changes y_pred, which the logistic error a_L − y of §9 "
                        "does not use",
    "integer-error": "it keeps the threshold variant's y_pred − y in integers; the "
                     "error of §9, a_L − y, is a binary64",
}


def mistakes(external=()):
    """Every layered mistake: the backpropagation ones, then the article's (and the
    external ones given) in every layer, but those EXCLUDED."""
    article = [m for m in list(ARTICLE_MISTAKES) + list(external)
               if m["id"] not in EXCLUDED]
    return list(BACKPROP) + [arithmetic(m) for m in article]


BY_ID = {m["id"]: m for m in mistakes()}


# --- running them --------------------------------------------------------------------------

def inputs(scenario):
    """(x, y, layers, a, N, variant) of a layered scenario dict, as floats: from its
    "bits" where it has them, else its numbers, checked."""
    bits = scenario.get("bits")
    if bits:
        def read(M):
            return [[from_hex(h) for h in row] for row in M]
        layers = [(read(l["W"]), read(l["b"])) for l in bits["layers"]]
        return (read(bits["x"]), read(bits["y"]), layers, from_hex(bits["learning_rate"]),
                int(scenario["iterations"]), scenario["variant"])
    given = [(W, b) for W, b in scenario["layers"]]
    x, y, layers, a, n, variant = checked_layers(
        scenario["x"], scenario["y"], given, scenario["learning_rate"],
        scenario["iterations"], scenario["variant"])
    return x, y, layers, a, n, variant


def widths_of(x, layers):
    return [len(x)] + [len(W[0]) for W, _ in layers]


def _article_step(mistake, count):
    """(parts of each layer, A, load, store, wrapped) of an article mistake."""
    parts = mistake["parts"]
    if isinstance(parts, str):
        parts = _Undivided(_UNDIVIDED[parts]).parts()
    parts = dict(parts)
    if "z" in parts:
        parts["z"] = _per_unit_z(parts["z"])
    if "db" in parts:
        parts["db"] = _per_unit_db(parts["db"])
    parts = dict(PARTS, **parts)
    numbers = mistake["numbers"]
    if numbers is not None and numbers.wrap:
        parts = {name: _in(numbers, part) for name, part in parts.items()}
        numbers = None
    return [parts] * count, numbers


def stepper(mistake, x, y, layers, a, variant):
    """(next_state, x, y, layers, a, store) of the mistake on this network, or None where
    it cannot be made. The numbers are the mistake's own (binary32, flushed) where it
    computes in them; store turns one back into a float."""
    if isinstance(mistake, str):
        mistake = BY_ID[mistake]
    where = mistake["placement"](widths_of(x, layers), len(x[0]))
    if where is None:
        return None
    count = len(layers)
    store = (lambda v: v)
    A = BINARY64
    if "article" in mistake:
        each, numbers = _article_step(mistake["article"], count)
        if numbers is not None:
            A, store = numbers.A, numbers.store

            def load(M):
                return [[numbers.load(v) for v in row] for row in M]
            x, y, a = load(x), load(y), numbers.load(a)
            layers = [(load(W), load(b)) for W, b in layers]
        build = None
    else:
        build = mistake["build"]

    def next_state(state):
        if build is None:
            return step(A, x, y, state, a, variant, each)
        box = Recorder(count)
        made = build(a, box)
        parts = [dict(PARTS, **box.parts(l)) for l in range(count)]
        for l in where:
            parts[l].update(made(l))
        return step(A, x, y, state, a, variant, parts)
    return next_state, layers, store


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


def key(state, store=lambda v: v):
    return [_bits(store(v)) for W, b in state for M in (W, b) for row in M for v in row]


def states(mistake, scenario):
    """The states 0..N of the scenario run with the mistake, as [(W, b), ...] of floats;
    None where the mistake cannot be made on this network."""
    x, y, layers, a, n, variant = inputs(scenario)
    made = stepper(mistake, x, y, layers, a, variant)
    if made is None:
        return None
    next_state, start, store = made

    def floats(state):
        return [([[store(v) for v in row] for row in W], [[store(v) for v in row] for row in b])
                for W, b in state]
    return (floats(s) for s in Trajectory(next_state, start, n, lambda s: key(s, store)))


def reference(scenario):
    """The contract's states of a scenario, as bit keys."""
    x, y, layers, a, n, variant = inputs(scenario)
    return [key(s) for s in network_trajectory(x, y, layers, a, n, variant)]


NOT_APPLICABLE = "n/a"


def first_difference(mistake, scenario, expected):
    """The first iteration where the mistake's state differs from `expected` (bit keys);
    None when every state agrees; NOT_APPLICABLE where it cannot be made."""
    run = states(mistake, scenario)
    if run is None:
        return NOT_APPLICABLE
    for k, state in enumerate(run):
        if key(state) != expected[k]:
            return k
    return None


def matrix(mistakes, scenarios):
    """{(mistake id, scenario name): first diverging iteration, None or NOT_APPLICABLE}."""
    out = {}
    for s in scenarios:
        expected = reference(s)
        for m in mistakes:
            out[(m["id"], s["name"])] = first_difference(m, s, expected)
    return out


def caught(result, mistake_id, scenarios):
    return [s["name"] for s in scenarios
            if result[(mistake_id, s["name"])] not in (None, NOT_APPLICABLE)]


def table(result, mistakes, scenarios):
    """The matrix as Markdown: a row per mistake (the part it departs in first), a
    column per golden file, ● where the file catches the mistake, · where it does not,
    – where the mistake cannot be made on that file's network."""
    lines = ["| part | mistake | " + " | ".join(str(i + 1) for i in range(len(scenarios)))
             + " | caught by |",
             "|---|---|" + "---|" * len(scenarios) + "---|"]
    for m in mistakes:
        cells = []
        for s in scenarios:
            r = result[(m["id"], s["name"])]
            cells.append("–" if r == NOT_APPLICABLE else "·" if r is None else "●")
        part = m["part"]
        lines.append("| %s | `%s` | %s | %d |" % (part, m["id"], " | ".join(cells),
                                                   cells.count("●")))
    lines.append("")
    lines.append("Files: " + ", ".join("%d `layers/%s.json`" % (i + 1, s["name"])
                                       for i, s in enumerate(scenarios)) + ".")
    return "\n".join(lines) + "\n"


def trace_lines(state_list):
    """A layered trace as JSON lines (golden/README.md), one entry per state."""
    for k, state in enumerate(state_list):
        yield '{"iteration": %d, "bits": {"layers": [%s]}}\n' % (k, ", ".join(
            '{"W": [%s], "b": [%s]}' % tuple(
                ", ".join("[%s]" % ", ".join('"%s"' % hex_bits(u) for u in row) for row in M)
                for M in (W, b)) for W, b in state))
