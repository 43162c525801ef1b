"""verify on networks of layers (docs/SPEC.md §9): the diagnosis names the layer and the
part where a backend departs, and on the planted mistakes of backpropagation
(tests/mistakes/layers.py, which the diagnosis never imports) the planted one first."""
import json
import os
import re
import shutil
import struct

import pytest

from ann_ref.catalogue.layers import BY_NAME, SCENARIOS
from ann_ref.oracle import layered
from ann_ref.oracle.compare import compare
from ann_ref.oracle.diagnose import explain
from ann_ref.oracle.report import as_json, text
from helpers import GOLDEN, ROOT, cli
from mistakes.layers import BACKPROP, NOT_APPLICABLE, first_difference, reference, states, \
    trace_lines

LAYERS = os.path.join(GOLDEN, "layers")


def planted(mistake_id, name, tmp_path):
    """The report of the mistake's trace against the layered golden file, diagnosed."""
    path = tmp_path / ("%s-%s.jsonl" % (name, mistake_id.replace(":", "-")))
    path.write_text("".join(trace_lines(list(states(mistake_id, BY_NAME[name])))))
    report = compare(os.path.join(LAYERS, name + ".json"), str(path))
    explain(report)
    return report


def catching(mistake_id):
    """The layered files that catch the mistake."""
    return [s["name"] for s in SCENARIOS
            if first_difference(mistake_id, s, reference(s)) not in (None, NOT_APPLICABLE)]


# the fast suite keeps two of the backpropagation mistakes; -m slow every one
@pytest.mark.parametrize("mistake", [m if i < 1 else pytest.param(m, marks=pytest.mark.slow)
                                     for i, m in enumerate(BACKPROP)],
                         ids=lambda m: m["id"])
def test_a_planted_backpropagation_mistake_is_named_first(mistake, tmp_path):
    names = catching(mistake["id"])
    assert names
    for name in names:
        s = BY_NAME[name]
        report = planted(mistake["id"], name, tmp_path)
        d = report.diagnosis
        assert not report.agree and d.causes, name
        best = d.causes[0]
        assert best.model.name.split(" in ")[0] == mistake["id"], (name, best.model.name)
        assert best.reproduced == report.expected_entries - report.first.k and not best.cut
        # the layers: where the mistake was planted, as the mistake module places it
        widths = [len(s["x"])] + [len(W[0]) for W, _ in s["layers"]]
        assert list(best.model.layers) == list(mistake["placement"](widths, len(s["x"][0])))
        assert d.notes[0] == layered.departs(best.model)


def test_the_report_names_the_layer_and_part_in_words(tmp_path):
    report = planted("bias-axis:units", "xor-wide", tmp_path)
    shown = text(report, 20)
    assert "consistent with: bias-axis (bias-axis:units in layers[0]) — reproduces " \
           "iterations 1–500" in shown
    assert "hint: the backend departs in layers[0]: db (db)" in shown
    assert "is layers[0]: its b (db or its update)" in shown
    cause = as_json(report)["causes"][0]
    assert (cause["id"], cause["detail"], cause["layers"], cause["part"]) == \
        ("bias-axis", "units", [0], "db")
    assert cause["fix"].startswith("db[o] = Σ_j e[o][j] / m")


def test_the_error_carried_back_is_named_from_and_into(tmp_path):
    report = planted("update-before-back", "xor-deep", tmp_path)
    assert report.diagnosis.notes[0] == ("the backend departs where the error is carried "
                                         "back: from layers[1] into layers[0], from "
                                         "layers[2] into layers[1]")


def test_an_arithmetic_mistake_in_every_layer(tmp_path):
    report = planted("fma:dW", "sum-order-probe", tmp_path)
    best = report.diagnosis.causes[0]
    assert (best.id, best.model.layers) == ("fma", None)
    assert report.diagnosis.notes[0] == "the backend departs in every layer: dW (dW)"


def test_an_exp_that_misrounds_at_several_arguments_is_found_without_a_model(tmp_path):
    # glibc's exp misrounds several of the probe's 16 hidden arguments: exp one ULP off at
    # each of them, found one argument at a time
    s = BY_NAME["sigmoid-probe"]
    if first_difference("exp:libm", s, reference(s)) is None:
        pytest.skip("this machine's exp is correctly rounded at the probe's arguments")
    report = planted("exp:libm", "sigmoid-probe", tmp_path)
    best = report.diagnosis.causes[0]
    assert (best.id, best.model.part, best.model.layers) == ("exp", "t", None)


def test_a_layered_trace_that_agrees_has_no_diagnosis(tmp_path):
    status, out, _ = cli("verify", os.path.join(LAYERS, "xor.json"),
                         os.path.join(LAYERS, "xor.json"))
    assert status == 0 and out == "1001 iterations, all bits equal\n"


def test_an_altered_layered_golden_file_is_blamed_not_the_backend(tmp_path):
    folder = tmp_path / "layers"
    shutil.copytree(LAYERS, str(folder))
    path = folder / "negative-zero.json"
    lines = path.read_text().split("\n")
    k = next(i for i, l in enumerate(lines) if l.startswith('{"bits"')
             and json.loads(l.rstrip(","))["iteration"] == 2)
    entry = json.loads(lines[k].rstrip(","))
    trace = tmp_path / "trace.jsonl"
    trace.write_text("".join(json.dumps({"iteration": json.loads(l.rstrip(","))["iteration"],
                                         "bits": json.loads(l.rstrip(","))["bits"]}) + "\n"
                             for l in lines if l.startswith('{"bits"')))
    b = entry["bits"]["layers"][0]["b"]
    b[0][0] = "%016x" % (int(b[0][0], 16) ^ 1)
    entry["layers"][0]["b"][0][0] = struct.unpack(">d", bytes.fromhex(b[0][0]))[0]
    lines[k] = json.dumps(entry, sort_keys=True, ensure_ascii=False,
                          separators=(", ", ": ")) + ","
    path.write_text("\n".join(lines))
    os.remove(str(folder / "manifest.json"))            # altered: no manifest to disown it
    report = compare(str(path), str(trace))
    explain(report)
    assert report.diagnosis.golden_inconsistent and report.diagnosis.causes == []
    assert "golden file inconsistent" in text(report, 20)


def test_section_9_of_the_spec_shows_the_causes_of_backpropagation_code():
    with open(os.path.join(ROOT, "docs", "SPEC.md"), encoding="utf-8") as f:
        spec = f.read()
    assert layered.spec_table() in spec
    ids = re.findall(r"^\| `([\w-]+)` \|", layered.spec_table(), re.M)
    assert ids == [c.id for c in layered.CAUSES]
