"""The layered golden files (golden/layers/, docs/SPEC.md §9) from the core's one entry
point for runtimes, trace_bits: on CPython on floats and in software, and on MicroPython
1.27's unix builds (tools/micropython.py) — binary64 floats (the float path) and binary32
floats (the software path), 64- and 32-bit — from .mpy files alone and from source."""
import json
import os
import sys

import pytest

from ann_ref.core.trace import trace_bits
from helpers import GOLDEN, ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))
import runtimes  # noqa: E402
from test_boards import MPY_CROSS_MISSING, built, mpy_cross_present, need, only_mpy  # noqa: E402

LAYERS = os.path.join(GOLDEN, "layers")
with open(os.path.join(LAYERS, "manifest.json")) as _f:
    NAMES = sorted(json.load(_f)["files"])


def entries(name):
    with open(os.path.join(LAYERS, name)) as f:
        document = json.load(f)
    return document["scenario"], [e["bits"]["layers"] for e in document["trace"]]


@pytest.mark.parametrize("software", [False, True], ids=["floats", "software"])
@pytest.mark.parametrize("name", [n if n in ("xor.json",) or "probe" in n or "zero" in n
                                  else pytest.param(n, marks=pytest.mark.slow)
                                  for n in NAMES])
def test_trace_bits_gives_every_layered_golden_state(name, software):
    scenario, expected = entries(name)
    assert list(trace_bits(scenario, software)) == expected


def test_a_layered_state_is_given_as_its_trace_entry_holds_it():
    scenario, expected = entries("xor.json")
    first = next(trace_bits(scenario))
    assert first == expected[0] == [
        {"W": [["3fe0000000000000", "bfe0000000000000"],
               ["3fe0000000000000", "bfe0000000000000"]],
         "b": [["0000000000000000"], ["0000000000000000"]]},
        {"W": [["3ff0000000000000"], ["3ff0000000000000"]], "b": [["bff0000000000000"]]}]


def test_the_conformance_runner_names_a_changed_layered_bit(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))
    import conformance
    with open(os.path.join(LAYERS, "negative-zero.json")) as f:
        lines = f.read().split("\n")
    k = next(i for i, l in enumerate(lines) if l.startswith('{"bits"')
             and json.loads(l.rstrip(","))["iteration"] == 2)
    entry = json.loads(lines[k].rstrip(","))
    b = entry["bits"]["layers"][1]["b"]
    b[0][0] = "%016x" % (int(b[0][0], 16) ^ 1)
    lines[k] = json.dumps(entry, separators=(", ", ": ")) + ","
    path = tmp_path / "negative-zero.json"
    path.write_text("\n".join(lines))
    ok, _, message = conformance.check(str(path))
    assert not ok
    assert message == "iteration 2 differs in layers[1].b[0][0]: expected %s, obtained %s" % (
        b[0][0], "%016x" % (int(b[0][0], 16) ^ 1))


def assert_every_layered_file(result):
    assert result.ok, result.output
    assert result.summary().startswith("conformance: %d scenarios, %d agree"
                                       % (len(NAMES), len(NAMES))), result.output


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["double", "single", "double-32bit", "single-32bit",
                                     "single-30bit"])
def test_every_layered_file_on_micropython_from_mpy_files_alone(variant):
    built(variant)
    need(MPY_CROSS_MISSING, mpy_cross_present())
    assert_every_layered_file(runtimes.run("micropython-" + variant, NAMES, folder=LAYERS,
                                           mpy=True, stage=only_mpy))


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["double", "single"])
def test_every_layered_file_on_micropython_from_source(variant):
    built(variant)
    assert_every_layered_file(runtimes.run("micropython-" + variant, NAMES, folder=LAYERS))


@pytest.mark.slow
def test_the_software_path_of_a_layered_network_on_a_binary64_build():
    built("double")
    need(MPY_CROSS_MISSING, mpy_cross_present())
    result = runtimes.run("micropython-double", NAMES, folder=LAYERS, mpy=True,
                          options=["--software"])
    assert "arithmetic: binary64 in software (softfloat)" in result.lines
    assert_every_layered_file(result)
