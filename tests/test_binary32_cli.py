"""The command line in binary32 (docs/SPEC.md §10): `run` on a binary32 scenario and
`train --precision binary32`. Expected bits come from golden/binary32/, which
tests/independent/reference32.py regenerates bit for bit without ann_ref, or from that
reference itself."""
import json
import os
import sys
from decimal import Decimal, localcontext

import pytest

from helpers import GOLDEN, ROOT, cli

sys.path.insert(0, os.path.join(ROOT, "tests", "independent"))
import reference32 as R  # noqa: E402

FOLDER = os.path.join(GOLDEN, "binary32")


def golden(name):
    with open(os.path.join(FOLDER, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def final_bits(document):
    last = document["trace"][-1]["bits"]
    return [h for row in last["W"] for h in row] + [last["b"]]


def printed_bits(out):
    """The bit patterns train prints after the final W and b, in order."""
    return [line.split()[-1] for line in out.splitlines()
            if line.startswith("  W[") or line.startswith("  b ")]


@pytest.mark.parametrize("name", ["gate-and", "negative-zero", "subnormal-probe"])
def test_run_writes_a_binary32_scenarios_trace_in_8_hex_digits(tmp_path, name):
    document = golden(name)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({k: v for k, v in document.items() if k != "trace"}))
    out = tmp_path / "out.json"
    status, _, err = cli("run", str(scenario), "-o", str(out))
    assert status == 0 and err == "", err
    written = json.loads(out.read_text())
    assert written["scenario"]["precision"] == "binary32"
    for entry in written["trace"]:
        for h in [h for row in entry["bits"]["W"] for h in row] + [entry["bits"]["b"]]:
            assert len(h) == 8 and int(h, 16) >= 0, h
    assert [e["bits"] for e in written["trace"]] == [e["bits"] for e in document["trace"]]
    # and the independent reference, on the scenario as run wrote it
    states = R.trace(written["scenario"])
    assert [["%08x" % R.bits32_of(v) for row in W for v in row] + ["%08x" % R.bits32_of(b)]
            for W, b in states] == \
        [[h for row in e["bits"]["W"] for h in row] + [e["bits"]["b"]]
         for e in written["trace"]]


@pytest.mark.parametrize("variant, name", [("threshold", "article"),
                                           ("logistic", "article-logistic")])
def test_train_in_binary32_prints_the_golden_files_final_bits(variant, name):
    status, out, err = cli("train", "--precision", "binary32", "--variant", variant)
    assert status == 0 and err == "", err
    assert "in binary32" in out.splitlines()[0]
    assert printed_bits(out) == final_bits(golden(name))


def test_train_in_binary32_writes_the_golden_files_trace(tmp_path):
    trace = tmp_path / "t.json"
    status, out, err = cli("train", "--precision", "binary32", "--trace", str(trace))
    assert status == 0, err
    written = json.loads(trace.read_text())
    expected = golden("article")
    assert written["scenario"]["bits"] == expected["scenario"]["bits"]
    assert [e["bits"] for e in written["trace"]] == [e["bits"] for e in expected["trace"]]


def test_train_in_binary32_json_lines_carry_8_digit_bits():
    status, out, _ = cli("train", "--precision", "binary32", "--json", "-n", "3")
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    expected = golden("article")["trace"][:4]
    assert [line["bits"] for line in lines] == [e["bits"] for e in expected]


def test_train_runs_a_binary32_file_in_binary32_without_the_option():
    status, out, _ = cli("train", os.path.join(FOLDER, "gate-or.json"))
    assert status == 0 and "in binary32" in out.splitlines()[0]
    assert printed_bits(out) == final_bits(golden("gate-or"))


def test_a_decimal_is_rounded_straight_to_binary32_not_through_binary64():
    # 1 + 2^-24 + 2^-60: through binary64 it is the midpoint 1 + 2^-24, which rounds to
    # even (1.0); rounded once it is above the midpoint: the next binary32, 3f800001
    with localcontext() as c:
        c.prec = 80
        text = str(Decimal(1) + Decimal(2) ** -24 + Decimal(2) ** -60)
    for option in (["-b", text], ["-W", "%s,0.2" % text], ["-W", "[[%s], [0.2]]" % text]):
        status, out, err = cli("train", "--precision", "binary32", "-n", "0", *option)
        assert status == 0, err
        bits = printed_bits(out)
        assert (bits[2] if option[0] == "-b" else bits[0]) == "3f800001", out


@pytest.mark.parametrize("args, named", [
    (["--precision", "binary16"], "--precision"),
    (["--precision", ""], "--precision"),
    (["--precision", "binary32", "--exp", "libm"], "--exp libm"),
])
def test_a_bad_precision_is_refused_in_one_line(tmp_path, args, named):
    trace = tmp_path / "t.json"
    status, out, err = cli("train", *args, "--trace", str(trace))
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err, err
    assert "Traceback" not in err and not trace.exists()


# --- verify: a trace of the other precision is named as such ----------------------------

def lines_of(document, path):
    path.write_text("".join(json.dumps({"iteration": e["iteration"], "bits": e["bits"]}) + "\n"
                            for e in document["trace"]))
    return str(path)


def binary64_document(name):
    with open(os.path.join(GOLDEN, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.parametrize("golden_file, trace_of, theirs, ours", [
    ("binary32/gate-and.json", "binary64", "binary64", "binary32"),
    ("gate-and.json", "binary32", "binary32", "binary64"),
])
@pytest.mark.parametrize("form", ["document", "lines"])
def test_verify_names_a_trace_of_the_other_precision_in_one_line(tmp_path, golden_file,
                                                                 trace_of, theirs, ours, form):
    document = golden("gate-and") if trace_of == "binary32" else binary64_document("gate-and")
    if form == "lines":
        trace = lines_of(document, tmp_path / "t.jsonl")
    else:
        trace = str(tmp_path / "t.json")
        with open(trace, "w", encoding="utf-8") as f:
            json.dump(document, f)
    status, out, err = cli("verify", os.path.join(GOLDEN, golden_file), trace)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "a %s trace" % theirs in err and "a %s golden file" % ours in err, err
    assert trace in err


BINARY64_BACKEND = r'''
import json, struct, sys
s = json.load(sys.stdin)["scenario"]          # precision ignored: a binary64 program
h = lambda v: "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
W = s["W"]
for k in range(s["iterations"] + 1):
    print(json.dumps({"iteration": k, "bits": {"W": [[h(v) for v in r] for r in W],
                                               "b": h(float(s["b"]))}}))
'''


def test_verify_names_a_binary64_backend_given_a_binary32_file(tmp_path):
    script = tmp_path / "b64.py"
    script.write_text(BINARY64_BACKEND)
    status, out, err = cli("verify", os.path.join(FOLDER, "gate-and.json"), "--backend",
                           "%s %s" % (sys.executable, script))
    assert status == 3 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "answered in binary64" in err and "a binary32 golden file" in err, err


def test_train_in_binary32_shows_the_shortest_decimals_of_binary32_values():
    status, out, _ = cli("train", "--precision", "binary32", "--x", "[[0.1, 0.7], [2, 3]]",
                         "--y", "[[0, 1]]", "-W", "0.3,1e-40", "-a", "0.2", "-n", "0")
    assert status == 0
    lines = out.splitlines()
    assert "learning rate 0.2," in lines[0]
    assert lines[1] == "  x = [[0.1, 0.7], [2, 3]], y = [[0, 1]]"
    assert lines[2] == "  initial W = [[0.3], [1e-40]], b = 0.0"
    # 1e-40 is the subnormal 0x000116c2 (0x116c2 · 2^-149), the nearest to 1e-40
    assert printed_bits(out)[:2] == ["3e99999a", "000116c2"]
