"""Every layered golden scenario (golden/layers/, docs/SPEC.md §9) does what its flags and
its description say, and catches the mistakes its flags promise."""
import pytest

from ann_ref.catalogue.layers import NOTES, SCENARIOS, XOR_LAYERS
from ann_ref.core.arithmetic import BINARY64
from ann_ref.core.bits import float_to_bits
from ann_ref.core.checks import layers as checked
from ann_ref.core.datasets import GATES, X_GATES
from ann_ref.core.model import LOGISTIC, forward, step
from ann_ref.core.training import network_trajectory

BY_NAME = {s["name"]: s for s in SCENARIOS}
NEGATIVE_ZERO = 0x8000000000000000


def run(s):
    x, y, layers, a, n, variant = checked(s["x"], s["y"], s["layers"], s["learning_rate"],
                                          s["iterations"], s["variant"])
    return (x, y, a, variant), list(network_trajectory(x, y, layers, a, n, variant))


def key(state):
    return [float_to_bits(v) for W, b in state for M in (W, b) for row in M for v in row]


def predictions(x, state):
    s = forward(BINARY64, state, x)[-1][2]
    return [[1.0 if v >= 0.5 else 0.0 for v in row] for row in s]


def kept(s, most=300):
    (x, y, a, variant), trajectory = run(s)
    return [step(BINARY64, x, y, state, a, variant, keep=True)[1]
            for state in trajectory[:most]]


def test_names_are_unique_and_every_flag_has_its_note():
    assert len(BY_NAME) == len(SCENARIOS)
    for s in SCENARIOS:
        assert s["variant"] in s["flags"], s["name"]
        assert s["notes"] == {f: NOTES[f] for f in s["flags"]}, s["name"]
        assert len(s["layers"]) >= 2, s["name"]            # every one has a hidden layer
    assert {f for s in SCENARIOS for f in s["flags"]} == set(NOTES)


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s["name"])
def test_flags_are_true(s):
    flags = set(s["flags"])
    (x, y, a, variant), trajectory = run(s)
    p = kept(s)
    output_z = [v for k in p for row in k["z"][-1] for v in row]
    hidden_z = [v for k in p for z in k["z"][:-1] for row in z for v in row]
    hidden_s = [v for k in p for sl in k["s"][:-1] for row in sl for v in row]
    widths = [len(x)] + [len(W[0]) for W, _ in trajectory[0]]
    if "xor" in flags:
        assert x == X_GATES and y == [[float(v) for v in GATES["xor"][0]]]
    if "learns" in flags:
        assert predictions(x, trajectory[-1]) == y
    if "hidden-layer" in flags:
        assert len(widths) >= 3
    if "wide-hidden-layer" in flags:
        assert len(x[0]) in widths[1:-1]
    if "two-hidden-layers" in flags:
        assert len(widths) == 4 and widths[1] == widths[2]
    if "fixed-initialisation" in flags:
        assert s["layers"] == XOR_LAYERS
        for W, b in XOR_LAYERS:
            assert str(W).replace("-", "−") in NOTES["fixed-initialisation"]
    if "saturated-hidden" in flags:
        assert any(v <= -710 for v in hidden_z) and 0.0 in hidden_s
    if "exp-overflow" in flags:
        assert any(v <= -710 for v in hidden_z + output_z)
    if "negative-zero" in flags:
        assert NEGATIVE_ZERO in [n for state in trajectory for n in key([state[-1]])]
    if "subnormal" in flags:
        dW = [v for k in p for M in k["dW"] for row in M for v in row]
        assert any(0 < abs(v) < 2.0 ** -1022 for v in dW + [u for row in x for u in row])
    if "multi-output" in flags:
        assert len(y) > 1
    if "integer-data" in flags:
        assert all(float(v).is_integer() for row in s["x"] + s["y"] for v in row)
    assert variant == LOGISTIC                          # docs/SPEC.md §9


def first_right(s):
    """The first state from which every later state classifies every sample right."""
    (x, y, _, _), trajectory = run(s)
    found = None
    for k, state in enumerate(trajectory):
        if predictions(x, state) == y:
            found = k if found is None else found
        else:
            found = None
    return found


def test_the_xor_description_says_when_every_sample_is_right():
    s = BY_NAME["xor"]
    assert first_right(s) == 340
    assert "from update 340" in s["description"]


def test_the_xor_network_learns_or_and_nand_in_its_hidden_layer():
    (x, y, _, _), trajectory = run(BY_NAME["xor"])
    hidden = forward(BINARY64, trajectory[-1], x)[0][2]
    assert [[1.0 if v >= 0.5 else 0.0 for v in row] for row in hidden] == \
        [[0.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]]


def test_the_hidden_sigmoid_probe_puts_every_bit_of_every_hidden_s_in_the_state():
    (x, y, a, variant), trajectory = run(BY_NAME["sigmoid-probe"])
    s = forward(BINARY64, trajectory[0], x)[0][2]
    W_out = trajectory[1][-1][0]
    assert [float_to_bits(row[0]) for row in W_out] == [float_to_bits(-v[0]) for v in s]


def test_the_subnormal_probe_carries_back_one_and_a_half():
    p = kept(BY_NAME["subnormal-probe"], 1)[0]
    assert p["s"][-1] == [[0.5] * 4] and p["e"][-1] == [[2.0] * 4]
    assert p["e"][0] == [[1.5] * 4]
    assert p["dW"][0] == [[6 * 2.0 ** -1074]]


# what a flag promises to catch: every scenario with the flag (and, where a variant is
# named, of that variant) changes some bit under each of these mistakes
FLAG_CATCHES = {
    ("two-hidden-layers", None): ["transposed-W", "update-before-back",
                                  "derivative:layer-above", "derivative:input"],
    ("wide-hidden-layer", None): ["bias-axis:units", "bias-axis:all"],
    ("learns", "logistic"): ["update-before-back", "derivative:recomputed",
                             "bias-axis:all"],
    ("hidden-sigmoid-probe", None): ["exp:libm", "sigmoid-form:split",
                                     "sigmoid-form:exp-ratio"],
    ("exp-misrounded", None): ["exp:libm"],
    ("backward-subnormal", None): ["flush-subnormals", "extended-precision:pc53"],
    ("negative-zero", None): ["sum-from-zero"],
    ("summation-order", None): ["sum-order:reverse", "sum-order:pairwise"],
    ("fma", None): ["fma:z", "fma:dW"],
    ("division", None): ["division-by-reciprocal", "reassociation",
                         "reassociation:scaled-first"],
}


def promised(s):
    return sorted({m for (flag, variant), ids in FLAG_CATCHES.items()
                   if flag in s["flags"] and variant in (None, s["variant"]) for m in ids})


@pytest.mark.parametrize("s", [s for s in SCENARIOS if promised(s)], ids=lambda s: s["name"])
def test_a_flag_catches_the_mistakes_it_promises(s):
    from mistakes.layers import NOT_APPLICABLE, first_difference, reference
    expected = reference(s)
    missed = [m for m in promised(s)
              if first_difference(m, s, expected) in (None, NOT_APPLICABLE)]
    assert missed == [], "%s does not catch %s" % (s["name"], missed)


def test_every_layered_golden_file_satisfies_the_schema():
    import json
    import os
    from helpers import GOLDEN
    from test_docs import SCHEMA, validate
    for s in SCENARIOS:
        with open(os.path.join(GOLDEN, "layers", s["name"] + ".json")) as f:
            document = json.load(f)
        assert document["spec"] == 2
        assert validate(document, SCHEMA) == [], s["name"]
        document["scenario"]["W"] = [[0.0]]                 # W and b belong to §3's layout
        assert validate(document, SCHEMA)
