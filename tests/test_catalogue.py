"""Every golden scenario does what its flags say, and every common mistake of a
backend changes the bits of at least one golden file."""
import pytest

from ann_ref.core.bits import float_to_bits
from ann_ref.catalogue.scenarios import NOTES, SCENARIOS
from ann_ref.core.checks import problem
from ann_ref.oracle.hypotheses import HYPOTHESES as CAUSES, run_step
from ann_ref.core.training import states

BY_NAME = {s["name"]: s for s in SCENARIOS}
# x87 with 53-bit precision control differs only where a sum rounds to a subnormal,
# which no scenario of the catalogue does yet
HYPOTHESES = [(h.explanation, h.parts) for h in CAUSES
              if h.name != "extended-precision:x87-pc53"]


def parts(x, y, W, b, a, variant, **change):
    return run_step(x, y, W, b, a, variant, change)


def run(s):
    x, y, W, b, a, n, variant = problem(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                        s["iterations"], s["variant"])
    return (x, y, a, variant), list(states(x, y, W, b, a, n, variant))


def key(W, b):
    return [float_to_bits(v) for row in W for v in row] + [float_to_bits(b)]


def steps(s, most=300):
    """The intermediates of the first `most` steps of a scenario."""
    (x, y, a, variant), trajectory = run(s)
    return [parts(x, y, W, b, a, variant) for W, b in trajectory[:most]]


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


def changed_bits(s, change, most=200):
    """Does one step with the change give other bits than the reference, from some
    state of the scenario's trajectory?"""
    (x, y, a, variant), trajectory = run(s)
    for W, b in trajectory[:most]:
        ours, theirs = parts(x, y, W, b, a, variant), parts(x, y, W, b, a, variant, **change)
        if key(ours["W"], ours["b"]) != key(theirs["W"], theirs["b"]):
            return True
    return False


MACHINE_DEPENDENT = ("exp is this machine's", "s is computed with tanh", "exp is NumPy's")


@pytest.mark.parametrize("explanation, change",
                         [h for h in HYPOTHESES if not h[0].startswith(MACHINE_DEPENDENT)],
                         ids=lambda v: v[:40] if isinstance(v, str) else "")
def test_every_common_mistake_changes_some_golden_file(explanation, change):
    assert any(changed_bits(s, change) for s in SCENARIOS), explanation


@pytest.mark.parametrize("s", [s for s in SCENARIOS
                               if {"fma", "summation-order"} & set(s["flags"])],
                         ids=lambda s: s["name"])
def test_summation_order_and_fma_flags_are_earned(s):
    def changes(words):
        return any(changed_bits(s, change) for explanation, change in HYPOTHESES
                   if any(w in explanation for w in words))
    if "fma" in s["flags"]:
        assert changes(["fused multiply-add", "as one FMA"])
    if "summation-order" in s["flags"]:
        assert changes(["reverse order", "pairwise"])


def test_the_reference_parts_are_the_model_step():
    from ann_ref.core.model import step
    for s in SCENARIOS:
        (x, y, a, variant), trajectory = run(s)
        for W, b in trajectory[:20]:
            p = parts(x, y, W, b, a, variant)
            assert key(p["W"], p["b"]) == key(*step(x, y, W, b, a, variant)), s["name"]
