"""golden/binary32/: each scenario does what its flags claim (checked on the contract's
own intermediates, model.step on Singles), every file satisfies binary32/schema.json,
and `ann-ref run` of a binary32 scenario writes the golden file again, byte for byte,
with 8-digit bit patterns."""
import json
import os
import struct

import pytest

from ann_ref.catalogue.binary32 import BY_NAME, NOTES, SCENARIOS
from ann_ref.core.model import step
from ann_ref.core.single import BINARY32, Single
from helpers import GOLDEN, cli

FOLDER = os.path.join(GOLDEN, "binary32")


def f32(n):
    return struct.unpack("<f", struct.pack("<I", n))[0]


def intermediates(s, most=None):
    """[(z, t, s, e, W, b)] of every step of a catalogue scenario, as floats."""
    A = BINARY32
    single = lambda M: [[Single(v) for v in row] for row in M]     # noqa: E731
    x, y, W, b, a = single(s["x"]), single(s["y"]), single(s["W"]), Single(s["b"]), \
        Single(s["learning_rate"])
    out = []
    for _ in range(min(s["iterations"], most or s["iterations"])):
        [(W, b)], kept = step(A, x, y, [(W, b)], a, s["variant"], keep=True)
        value = lambda M: [u.v for row in M for u in row]          # noqa: E731
        out.append((value(kept["z"][0]), value(kept["t"][0]), value(kept["s"][0]),
                    value(kept["e"][0]), value(W), b.v))
    return out


def flagged(flag):
    return [s["name"] for s in SCENARIOS if flag in s["flags"]]


def test_the_catalogue_has_the_article_its_twin_the_gates_and_the_probes():
    names = set(BY_NAME)
    assert {"article", "article-logistic", "gate-and", "gate-or", "gate-nand", "gate-nor",
            "gate-xor", "sigmoid-probe", "sum-order-probe", "subnormal-probe"} <= names
    for s in SCENARIOS:
        assert s["precision"] == "binary32" and "binary32" in s["flags"]
        assert set(s["flags"]) <= set(NOTES), s["name"]


def test_every_number_of_the_catalogue_is_a_binary32():
    for s in SCENARIOS:
        values = [v for k in ("x", "y", "W") for row in s[k] for v in row]
        values += [s["b"], s["learning_rate"]]
        assert all(v != v or BINARY32.of(v).v == v for v in values), s["name"]


@pytest.mark.parametrize("name", flagged("exp-overflow"))
def test_exp_overflows(name):
    steps = intermediates(BY_NAME[name])
    assert any(t == float("inf") and s == 0.0 and z > -float("inf")
               for zs, ts, ss, _, _, _ in steps for z, t, s in zip(zs, ts, ss))
    assert any(z < -88.72 for zs, _, _, _, _, _ in steps for z in zs)


@pytest.mark.parametrize("name", flagged("exp-underflow"))
def test_exp_underflows(name):
    steps = intermediates(BY_NAME[name])
    assert any(t == 0.0 and s == 1.0 and z < float("inf")
               for zs, ts, ss, _, _, _ in steps for z, t, s in zip(zs, ts, ss))


@pytest.mark.parametrize("name", flagged("zero-z"))
def test_some_z_is_exactly_zero(name):
    steps = intermediates(BY_NAME[name], 50)
    assert any(z == 0.0 for zs, _, _, _, _, _ in steps for z in zs)


@pytest.mark.parametrize("name", flagged("tiny-z"))
def test_tiny_z_around_z_star(name):
    steps = intermediates(BY_NAME[name])
    tiny = [z for zs, _, _, _, _, _ in steps for z in zs if 0 < abs(z) <= 2.0 ** -21]
    Z = BINARY32.z_star().v
    assert any(z >= Z for z in tiny if z < 0) and any(z < Z for z in tiny)


@pytest.mark.parametrize("name", flagged("subnormal"))
def test_subnormals_appear(name):
    s = BY_NAME[name]
    values = [v for row in s["x"] for v in row] + [v for step_ in intermediates(s)
                                                   for v in step_[4] + [step_[5]]]
    assert any(0 < abs(v) < 2.0 ** -126 for v in values)


@pytest.mark.parametrize("name", flagged("negative-zero"))
def test_negative_zeros_appear_and_flip(name):
    steps = intermediates(BY_NAME[name])
    signs = [struct.pack("<f", w)[3] >> 7 for w in steps[0][4] if w == 0]
    assert 1 in signs and 0 in signs


@pytest.mark.parametrize("name", flagged("converges") + flagged("never-converges"))
def test_convergence_is_as_claimed(name):
    s = BY_NAME[name]
    steps = intermediates(s)
    states = [(step_[4], step_[5]) for step_ in steps]
    fixed = any(states[k] == states[k + 1] for k in range(len(states) - 1))
    assert fixed == ("converges" in s["flags"])


@pytest.mark.parametrize("name", flagged("division"))
def test_m_is_not_a_power_of_two(name):
    m = len(BY_NAME[name]["x"][0])
    assert m & (m - 1)


def test_the_sigmoid_probe_shows_every_bit_of_s():
    s = BY_NAME["sigmoid-probe"]
    (z, t, sig, e, W, b), = intermediates(s, 1)
    assert [-w for w in W[:-1]] == sig                   # W[j] = −s[j], exactly
    assert all((Single(1.0) + Single(u)).v == u for u in t[1:])       # 1 + t = t


def test_the_sigmoid_probe_arguments_are_misrounded_by_expf():
    from mistakes.single import expf_arm
    from ann_ref.core.binary32 import exp32
    z = BY_NAME["sigmoid-probe"]["x"][-1]
    assert z[0] == 0.0
    assert all(expf_arm(-v) != exp32(-v) for v in z[1:6])


@pytest.mark.slow
def test_every_file_satisfies_the_binary32_schema():
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(FOLDER, "schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    for s in SCENARIOS:
        with open(os.path.join(FOLDER, s["name"] + ".json"), encoding="utf-8") as f:
            jsonschema.validate(json.load(f), schema)


def test_a_binary64_file_does_not_satisfy_it():
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(FOLDER, "schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(os.path.join(GOLDEN, "gate-and.json"), encoding="utf-8") as f:
        document = json.load(f)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_run_writes_the_golden_file_again_with_8_digit_bits(tmp_path):
    path = os.path.join(FOLDER, "multi-output-logistic.json")
    out = str(tmp_path / "out.json")
    status, _, err = cli("run", path, "-o", out)
    assert status == 0, err
    with open(out, "rb") as f, open(path, "rb") as g:
        assert f.read() == g.read()
    with open(out, encoding="utf-8") as f:
        document = json.load(f)
    assert all(len(h) == 8 for row in document["trace"][7]["bits"]["W"] for h in row)
    assert document["spec"] == 2 and document["scenario"]["precision"] == "binary32"


def test_run_of_a_scenario_file_rounds_its_decimals_straight_to_binary32(tmp_path):
    # 1.000000059604644775390625000001 lies just above the midpoint 1 + 2^-24: straight
    # to binary32 it is 1 + 2^-23; through binary64 (1 + 2^-24) and then binary32, 1.0
    scenario = {"format": "ann-ref-golden", "version": 1, "scenario": {
        "name": "twice", "variant": "logistic", "precision": "binary32", "x": [[1.0]],
        "y": [[0.0]], "W": [[0.0]], "b": 0.0, "learning_rate": 1.0, "iterations": 0}}
    text = json.dumps(scenario).replace('"W": [[0.0]]',
                                        '"W": [[1.000000059604644775390625000001]]')
    path = tmp_path / "s.json"
    path.write_text(text)
    status, out, err = cli("run", str(path))
    assert status == 0, err
    assert json.loads(out)["trace"][0]["bits"]["W"] == [["3f800001"]]


def test_the_readme_of_golden_lists_every_binary32_scenario_with_its_flags():
    with open(os.path.join(GOLDEN, "README.md"), encoding="utf-8") as f:
        text = f.read().split("## binary32:")[1].split("\n## ")[0]
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines()
            if line.startswith("| `") and line.split("|")[1].strip().endswith(".json`")}
    assert set(rows) == {s["name"] + ".json" for s in SCENARIOS}
    for s in SCENARIOS:
        row = rows[s["name"] + ".json"]
        assert "| %s | %d |" % (s["variant"], s["iterations"]) in row
        assert row.rstrip(" |").endswith(", ".join(s["flags"]))


@pytest.mark.parametrize("name", [n if n != "long-run" else pytest.param(n, marks=pytest.mark.slow)
                                  for n in sorted(BY_NAME)])
def test_every_binary32_file_verifies_against_itself(name):
    # its decimals agree with its bits (−0.0 included), and its bits with themselves
    path = os.path.join(FOLDER, name + ".json")
    status, out, err = cli("verify", path, path)
    assert status == 0 and out.endswith("all bits equal\n"), err
