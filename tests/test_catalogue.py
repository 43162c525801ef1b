"""Every golden scenario does what its flags say, and every common mistake of a
backend changes the bits of at least one golden file."""
import math
import platform

import pytest

from ann_ref.core.bits import float_to_bits
from ann_ref.catalogue.scenarios import NOTES, SCENARIOS
from ann_ref.core.checks import problem
from ann_ref.core.arithmetic import BINARY64
from ann_ref.core.model import step
from ann_ref.core.training import trajectory

BY_NAME = {s["name"]: s for s in SCENARIOS}


def run(s):
    x, y, W, b, a, n, variant = problem(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                        s["iterations"], s["variant"])
    return (x, y, a, variant), list(trajectory(x, y, W, b, a, n, variant))


def key(W, b):
    return [float_to_bits(v) for row in W for v in row] + [float_to_bits(b)]


def steps(s, most=300):
    """The intermediates of the first `most` steps of a scenario."""
    (x, y, a, variant), trajectory = run(s)
    kept = [step(BINARY64, x, y, [(W, b)], a, variant, keep=True)[1]
            for W, b in trajectory[:most]]
    return [{"z": k["z"][0], "exp(−z)": k["t"][0], "e": k["e"][0], "dW": k["dW"][0]}
            for k in kept]


def values(steps_, name):
    return [v for p in steps_ for row in p[name] for v in row] if isinstance(
        steps_[0][name], list) else [p[name] for p in steps_]


def test_names_are_unique_and_every_flag_has_a_note():
    assert len(BY_NAME) == len(SCENARIOS)
    for s in SCENARIOS:
        assert s["flags"] and all(flag in NOTES for flag in s["flags"]), s["name"]
        assert s["variant"] in s["flags"]


def test_the_catalogue_covers_what_a_backend_can_get_wrong():
    flags = {flag for s in SCENARIOS for flag in s["flags"]}
    assert flags == set(NOTES)
    gates = {s["name"] for s in SCENARIOS if s["name"].startswith("gate-")}
    assert gates == {"gate-and", "gate-or", "gate-nand", "gate-nor", "gate-xor"}
    assert any(s["iterations"] >= 10000 for s in SCENARIOS if "long-run" in s["flags"])


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s["name"])
def test_flags_are_true(s):
    flags = set(s["flags"])
    _, trajectory = run(s)
    keys = [key(W, b) for W, b in trajectory]
    changes = [k for k in range(1, len(keys)) if keys[k] != keys[k - 1]]
    if "converges" in flags:
        assert changes and changes[-1] < len(keys) - 1
    if "never-converges" in flags:
        assert len(changes) == len(keys) - 1
    p = steps(s)
    z, e_z = values(p, "z"), values(p, "exp(−z)")
    if "zero-z" in flags:
        assert 0.0 in z
    if "tiny-z" in flags:
        assert any(0 < abs(v) < 2.0 ** -50 for v in z)
    if "exp-overflow" in flags:
        assert any(v <= -710 for v in z) and float("inf") in e_z
    if "exp-underflow" in flags:
        assert any(v >= 746 for v in z) and 0.0 in e_z
    if "negative-zero" in flags:
        computed = [n for k in keys[1:] for n in k] + [
            float_to_bits(v) for name in ("z", "e", "dW") for v in values(p, name)]
        assert 0x8000000000000000 in computed
    if "subnormal" in flags:
        everything = [abs(v) for name in ("z", "dW") for v in values(p, name)]
        everything += [abs(v) for row in s["x"] + s["W"] for v in row]
        assert any(0 < v < 2.0 ** -1022 for v in everything)
    if "non-finite" in flags:
        finals = [v for W, b in trajectory for row in W for v in row]
        assert any(v != v for v in finals) and float("inf") in finals
    if "multi-output" in flags:
        assert len(s["y"]) > 1
    if "integer-data" in flags:
        assert all(float(v).is_integer() for row in s["x"] + s["y"] for v in row)


# what a scenario's flag promises to catch: every scenario with the flag (and, where a
# variant is named, of that variant) changes some bit under each of these mistakes
FLAG_CATCHES = {
    ("summation-order", None): ["sum-order:reverse", "sum-order:pairwise"],
    ("fma", None): ["fma:z", "fma:dW"],
    ("division", None): ["division-by-reciprocal", "reassociation",
                         "reassociation:scaled-first"],
    ("exp-misrounded", None): ["exp:libm"],
    ("sigmoid-probe", None): ["sigmoid-form:split", "sigmoid-form:exp-ratio"],
    ("subnormal", None): ["flush-subnormals"],
    ("negative-zero", None): ["sum-from-zero", "integer-error"],
    ("zero-z", "threshold"): ["threshold-strict"],
    ("tiny-z", None): ["sigmoid-form:split", "sigmoid-form:exp-ratio"],
    ("exp-overflow", None): ["sigmoid-form:exp-ratio"],
}


def promised(s):
    return sorted({m for (flag, variant), ids in FLAG_CATCHES.items()
                   if flag in s["flags"] and variant in (None, s["variant"]) for m in ids})


@pytest.mark.parametrize("s", [s for s in SCENARIOS if promised(s)], ids=lambda s: s["name"])
def test_a_flag_catches_the_mistakes_it_promises(s):
    from mistakes.kill import first_difference, reference
    expected = reference(s)
    missed = [m for m in promised(s) if first_difference(m, s, expected) is None]
    assert missed == [], "%s does not catch %s" % (s["name"], missed)


def test_real_valued_threshold_no_longer_claims_fma():
    # e is −1, 0 or 1 there, so x·e is exact and an FMA in dW changes nothing
    assert "fma" not in BY_NAME["real-valued-threshold"]["flags"]


def test_exp_table_satisfies_its_schema():
    import json
    import os
    jsonschema = pytest.importorskip("jsonschema")
    from helpers import ROOT
    with open(os.path.join(ROOT, "golden", "exp.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(os.path.join(ROOT, "golden", "exp.json"), encoding="utf-8") as f:
        table = json.load(f)
    jsonschema.validate(table, schema)
    table["vectors"][0]["result"] = "7FF8000000000000"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(table, schema)


def test_probe_flags_are_true():
    from ann_ref import sigmoid
    for s in SCENARIOS:
        (x, y, a, variant), trajectory = run(s)
        if "division" in s["flags"]:
            m = len(x[0])
            assert m & (m - 1), s["name"]                 # not a power of two: 1/m inexact
        if "sigmoid-probe" in s["flags"]:
            z = x[-1]
            W1 = trajectory[1][0]
            assert all(W1[j][0] == -sigmoid(z[j]) for j in range(len(z))), s["name"]
        if "exp-misrounded" in s["flags"] and platform.libc_ver()[0] == "glibc":
            from ann_ref.core.exponential import exp
            assert any(math.exp(-v) != exp(-v) for v in x[-1]), s["name"]   # glibc's


def test_exp_table_is_correctly_rounded_by_an_independent_evaluation():
    import json
    import os
    from decimal_exp import reference_exp
    from ann_ref.core.bits import from_hex
    from helpers import ROOT
    with open(os.path.join(ROOT, "golden", "exp.json"), encoding="utf-8") as f:
        table = json.load(f)
    assert table["format"] == "ann-ref-exp" and table["version"] == 1
    kinds = {v["kind"] for v in table["vectors"]}
    assert kinds == set(table["notes"])
    for v in table["vectors"]:
        x = from_hex(v["argument"])
        expected = "7ff8000000000000" if x != x else "%016x" % float_to_bits(reference_exp(x))
        assert v["result"] == expected, v
