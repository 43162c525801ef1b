"""The catalogue of layered networks (docs/SPEC.md §9): golden/layers/, with its own manifest.

Every one learns with the logistic error a_L − y, as §9 says. XOR, which one layer
cannot learn (docs/TUTORIAL.md), learned by a hidden layer from a fixed initial network
written out in full (no random generator), then by a wider hidden layer and by two
hidden layers; and probes built by the
kill matrix of golden/README.md: each catches mistakes of backpropagation code or of
arithmetic that the others let through. Each scenario's flags are explained in NOTES;
tests/test_layers_catalogue.py checks that every scenario does what its flags claim.
"""
from ..core.datasets import GATES, X_GATES
from .scenarios import NOTES as ARTICLE_NOTES
from .scenarios import _PROBE_Z, _SUB, _labels, _mixed, _rows

FOLDER = "layers"
TABLES = []

NOTES = {
    "xor": "The XOR gate, x = [[0,1,0,1],[0,0,1,1]], y = [[0,1,1,0]]: no single layer "
           "classifies it (docs/TUTORIAL.md).",
    "learns": "Every sample is classified right (s ≥ 0.5 exactly where y = 1) by the "
              "last state, and from some iteration on.",
    "hidden-layer": "A hidden layer of sigmoid units between x and the output: its error "
                    "is carried back through W of the layer above, times s·(1 − s) of "
                    "its own output (docs/SPEC.md §9).",
    "wide-hidden-layer": "A hidden layer of as many units as samples: W of the output is "
                         "a column of 4, and a hidden db summed over the units instead "
                         "of the samples has b's shape, so the mistake goes unnoticed.",
    "two-hidden-layers": "Two hidden layers of 3 units: the error is carried back twice, "
                         "through a square W (where a transposed W has W's shape).",
    "fixed-initialisation": "The initial network is written out in the scenario: W1 = "
                            "[[0.5, −0.5], [0.5, −0.5]], b1 = [[0.0], [0.0]], W2 = "
                            "[[1.0], [1.0]], b2 = [[−1.0]] for the 2-2-1 XOR (unit 0 "
                            "starts as x₀ + x₁, unit 1 as −(x₀ + x₁)); no random "
                            "generator is involved.",
    "saturated-hidden": "Hidden units with z ≤ −710: exp(−z) overflows, s is exactly 0.0, "
                        "and the output layer sees integral inputs.",
    "hidden-sigmoid-probe": "One sample, x = 1, hidden units with z of the sigmoid probe "
                            "(weights z, b 0), output weights 0, y = −0.5, a = m = 1: e "
                            "of the output is exactly 1 and after one update the output's "
                            "W[k] is exactly −s of hidden unit k: every bit of every "
                            "hidden s is in the state.",
    "backward-subnormal": "The error carried back is exactly 1.5 (the output's z is 0, "
                          "so s = 0.5 and e = 0.5 − (−1.5) = 2, carried through W = 3 and a "
                          "hidden s of 0.5: (3·2·0.5)·0.5) and x is a few least "
                          "subnormals: dW of the hidden layer is subnormal, rounded in "
                          "every product, sum and division (ties to even), and W = −dW "
                          "shows it.",
}
for _flag in ("logistic", "integer-data", "summation-order", "fma",
              "multi-output", "negative-zero", "subnormal", "exp-misrounded", "division",
              "exp-overflow", "logic-gate"):
    NOTES[_flag] = ARTICLE_NOTES[_flag]
NOTES["multi-output"] = ("y has several rows: the output layer has a unit, and a bias, per "
                         "row, and each unit's error is carried back to the layer below.")
NOTES["subnormal"] = "Subnormal numbers in the data, and products that underflow."


def _scenario(name, description, flags, variant, x, y, layers, learning_rate, iterations):
    return {"name": name, "description": description, "flags": flags,
            "notes": {f: NOTES[f] for f in flags}, "variant": variant, "x": x, "y": y,
            "layers": [(W, b) for W, b in layers], "learning_rate": learning_rate,
            "iterations": iterations}


def _column(values):
    return [[v] for v in values]


# the 2-2-1 network both XOR files start from: hidden unit 0 is x₀ + x₁, unit 1 −(x₀ + x₁),
# the output their sum − 1
XOR_LAYERS = [([[0.5, -0.5], [0.5, -0.5]], _column([0.0, 0.0])),
              ([[1.0], [1.0]], _column([-1.0]))]
_WIDE = [([[0.5, -0.5, 0.25, -0.75], [0.5, -0.5, -0.25, 0.5]], _column([0.0] * 4)),
         ([[1.0], [1.0], [0.5], [-0.5]], _column([-1.0]))]
_DEEP = [([[0.5, -0.5, 0.25], [0.5, -0.5, -0.75]], _column([0.0] * 3)),
         ([[1.0, -0.5, 0.25], [0.5, 1.0, -0.25], [-0.75, 0.5, 1.0]], _column([0.0] * 3)),
         ([[1.0], [1.0], [-1.0]], _column([-0.5]))]

SUM_SEED = 40
_SUM_X = _rows(_mixed(3 * 20, SUM_SEED, -4, 0), 20)
_SUM_Y = [_labels(20, SUM_SEED + 1), _labels(20, SUM_SEED + 5)]
_SUM_LAYERS = [(_rows(_mixed(9, SUM_SEED + 2, -4, -2), 3),
                _column(_mixed(3, SUM_SEED + 3, -4, -3))),
               (_rows(_mixed(6, SUM_SEED + 4, -3, -1), 2),
                _column(_mixed(2, SUM_SEED + 6, -4, -3)))]

SCENARIOS = [
    _scenario("xor", "XOR learned by a 2-2-1 network, logistic, a = 1, from W1 = "
              "[[0.5, −0.5], [0.5, −0.5]], b1 = [[0.0], [0.0]], W2 = [[1.0], [1.0]], b2 = "
              "[[−1.0]]. "
              "Every sample is right from update 340; hidden unit 0 becomes OR, unit 1 "
              "NAND, and the output their AND.",
              ["xor", "learns", "hidden-layer", "fixed-initialisation", "logistic",
               "integer-data", "logic-gate"],
              "logistic", X_GATES, GATES["xor"], XOR_LAYERS, 1.0, 1000),
    _scenario("xor-wide", "XOR learned by a 2-4-1 network, logistic, a = 0.7: a hidden "
              "layer of as many units as samples.",
              ["xor", "learns", "hidden-layer", "wide-hidden-layer", "logistic",
               "integer-data", "logic-gate"],
              "logistic", X_GATES, GATES["xor"], _WIDE, 0.7, 500),
    _scenario("xor-deep", "XOR learned by a 2-3-3-1 network, logistic, a = 1.5: two "
              "hidden layers, the middle W square.",
              ["xor", "learns", "hidden-layer", "two-hidden-layers", "logistic",
               "integer-data", "logic-gate"],
              "logistic", X_GATES, GATES["xor"], _DEEP, 1.5, 600),
    _scenario("sum-order-probe", "3 features × 20 samples of mixed magnitude and sign, "
              "3 hidden units, 2 outputs, m = 20, a = 0.3: every sum, forward and "
              "backward, changes with the order of its additions, with FMA and with 1/m.",
              ["hidden-layer", "summation-order", "fma", "division", "multi-output",
               "logistic"],
              "logistic", _SUM_X, _SUM_Y, _SUM_LAYERS, 0.3, 4),
    _scenario("sigmoid-probe", "One sample, x = 1; 16 hidden units whose z are 0 and the "
              "arguments where glibc's exp, NumPy's np.exp and V8's Math.exp misround; "
              "output weights 0, b = 0, y = −0.5, a = 1. After one update the output's "
              "W[k] is −s of hidden unit k, every bit of it.",
              ["hidden-sigmoid-probe", "exp-misrounded", "hidden-layer", "logistic"],
              "logistic", [[1.0]], [[-0.5]],
              [([list(_PROBE_Z)], _column([0.0] * len(_PROBE_Z))),
               (_column([0.0] * len(_PROBE_Z)), _column([0.0]))], 1.0, 2),
    _scenario("negative-zero", "A hidden unit saturated at s = 0.0 (z = −1000 and "
              "−2000), an output weight −0.0, y = 1 where every s is below 1: dW of the "
              "output sums 0.0·e = −0.0 for every sample, and W − a·(−0.0) turns −0.0 into "
              "+0.0.",
              ["negative-zero", "saturated-hidden", "exp-overflow", "hidden-layer",
               "logistic", "integer-data"],
              "logistic", [[1.0, 2.0]], [[1.0, 1.0]],
              [([[-1000.0]], _column([0.0])), ([[-0.0]], _column([-1.0]))], 0.5, 4),
    _scenario("subnormal-probe", "x = 3, 3, 3 and 9 times the least subnormal, one hidden "
              "unit with W = 0 and b = 0 (s = 0.5), output W = 3 and b = −1.5 (z = 0, s = "
              "0.5), y = −1.5, a = 1: the error carried back is 1.5 and the hidden W "
              "becomes −dW, Σ x·1.5 / 4, a subnormal rounded in every operation: −6 least "
              "subnormals, where one rounding of the exact 6.75 gives −7.",
              ["backward-subnormal", "subnormal", "hidden-layer", "logistic"],
              "logistic", [[3 * _SUB, 3 * _SUB, 3 * _SUB, 9 * _SUB]], [[-1.5] * 4],
              [([[0.0]], _column([0.0])), ([[3.0]], _column([-1.5]))], 1.0, 3),
]
BY_NAME = {s["name"]: s for s in SCENARIOS}


def named(name):
    """The checked golden scenario called name ("xor", "gate-and": this catalogue's, then
    the article's), for the learner commands; None for any other name, and where a file
    of that name exists (a file is read as a file)."""
    import os
    from . import scenarios
    from .document import checked
    if os.path.exists(name):
        return None
    for catalogue in (BY_NAME, scenarios.BY_NAME):
        if name in catalogue:
            return checked(catalogue[name])
    return None
