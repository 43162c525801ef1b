"""verify: agreement in one line; a planted one-bit change found exactly; the report;
backends in another language; bad input."""
import json
import os
import shutil

import pytest

from ann_ref.core.bits import bits_to_float
from ann_ref.oracle.compare import compare
from helpers import GOLDEN, assert_one_line_error, cli

ARTICLE = os.path.join(GOLDEN, "article.json")
NODE = shutil.which("node")
BACKEND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backends", "backend.js")


def flip_last_bit(source, target, k, field):
    """Copy a golden file with the last bit of W[field] (or b) flipped at iteration k,
    the decimal rewritten to agree with the new bits."""
    with open(source) as f:
        lines = f.read().split("\n")
    start = lines.index('"trace": [') + 1
    entry = json.loads(lines[start + k].rstrip(","))
    if field == "b":
        n = int(entry["bits"]["b"], 16) ^ 1
        entry["bits"]["b"], entry["b"] = "%016x" % n, bits_to_float(n)
    else:
        i, j = field
        n = int(entry["bits"]["W"][i][j], 16) ^ 1
        entry["bits"]["W"][i][j], entry["W"][i][j] = "%016x" % n, bits_to_float(n)
    comma = "," if lines[start + k].endswith(",") else ""
    lines[start + k] = json.dumps(entry, sort_keys=True, separators=(", ", ": ")) + comma
    with open(target, "w") as f:
        f.write("\n".join(lines))
    return n


def test_agreeing_trace_is_one_line_and_exit_0():
    status, out, err = cli("verify", ARTICLE, ARTICLE)
    assert (status, out, err) == (0, "1001 iterations, all bits equal\n", "")


@pytest.mark.parametrize("k", [0, 1, 500, 1000])
@pytest.mark.parametrize("field", [(0, 0), (1, 0), "b"])
def test_a_planted_one_bit_change_is_found_exactly(tmp_path, k, field):
    trace = str(tmp_path / "trace.json")
    n = flip_last_bit(ARTICLE, trace, k, field)
    report = compare(ARTICLE, trace)
    assert not report.agree
    assert report.diverging_iterations == 1
    assert (report.first.k, report.first.field) == (
        k, "b" if field == "b" else "W[%d][%d]" % field)
    assert report.first.obtained == n and report.first.ulps == 1
    status, out, _ = cli("verify", ARTICLE, trace)
    assert status == 1
    assert out.splitlines()[1].startswith("iteration %d, %s: expected " % (k, report.first.field))
    assert "%016x" % n in out and "1 ULP" in out


def test_report_of_a_changed_step_recomputes_it_and_is_capped(tmp_path):
    # a run where every state from iteration 26 on is one ULP off
    trace = str(tmp_path / "trace.json")
    flip_last_bit(ARTICLE, trace, 26, (1, 0))
    for k in range(27, 1001):
        flip_last_bit(trace, trace, k, (1, 0))
    status, out, _ = cli("verify", ARTICLE, trace)
    lines = out.splitlines()
    assert status == 1 and len(lines) <= 20
    assert "975 of 1001 iterations differ, the first at iteration 26" in out
    assert "step 26 recomputed from iteration 25, where every bit agrees" in out
    for name in ("z ", "exp(−z)", "s ", "y_pred", "e ", "dW", "db"):
        assert any(line.startswith("  " + name) for line in lines), name
    assert "no modelled cause reproduces step 26" in out
    for cap in range(1, 8):
        status, out, _ = cli("verify", ARTICLE, trace, "--max-lines", str(cap))
        assert status == 1 and 1 <= len(out.splitlines()) <= cap, out


def test_max_ulp_accepts_near_agreement_and_reports_the_largest_distance(tmp_path):
    trace = str(tmp_path / "trace.json")
    flip_last_bit(ARTICLE, trace, 40, "b")
    status, out, _ = cli("verify", ARTICLE, trace, "--max-ulp", "1")
    assert status == 0
    assert out == "1001 iterations, all within 1 ULP (largest: 1 ULP, iteration 40, b)\n"
    assert cli("verify", ARTICLE, trace, "--max-ulp", "0")[0] == 1


def test_a_short_trace_and_a_long_one_disagree(tmp_path):
    with open(ARTICLE) as f:
        entries = json.load(f)["trace"]
    path = str(tmp_path / "trace.json")
    for trace, needle in ((entries[:1], "the trace has 1 entries, the golden file 1001"),
                          (entries + [dict(entries[-1], iteration=1001)],
                           "the trace has 1002 entries, the golden file 1001")):
        with open(path, "w") as f:
            json.dump({"format": "ann-ref-golden", "version": 1, "trace": trace}, f)
        status, out, _ = cli("verify", ARTICLE, path)
        assert status == 1 and needle in out


def test_a_trace_of_another_scenario_is_named(tmp_path):
    status, out, _ = cli("verify", ARTICLE, os.path.join(GOLDEN, "article-logistic.json"))
    assert status == 1 and "scenario differs: variant is 'logistic'" in out


def test_json_lines_traces_are_accepted(tmp_path):
    path = str(tmp_path / "lines.jsonl")
    with open(ARTICLE) as f:
        entries = json.load(f)["trace"]
    with open(path, "w") as f:
        for e in entries:
            f.write(json.dumps({"iteration": e["iteration"], "bits": e["bits"]}) + "\n")
    assert cli("verify", ARTICLE, path)[:2] == (0, "1001 iterations, all bits equal\n")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
class TestBackendInJavaScript:
    """A second implementation in another language proves the format portable."""

    def test_an_agreeing_backend(self):
        status, out, _ = cli("verify", ARTICLE, "--backend", "node %s" % BACKEND)
        assert (status, out) == (0, "1001 iterations, all bits equal\n")
        status, out, _ = cli("verify", ARTICLE, "--backend", "node %s --document" % BACKEND)
        assert (status, out) == (0, "1001 iterations, all bits equal\n")

    def test_a_backend_with_a_strict_threshold_is_caught_and_explained(self):
        status, out, _ = cli("verify", os.path.join(GOLDEN, "gate-or.json"),
                             "--backend", "node %s --strict" % BACKEND)
        assert status == 1
        assert "iteration 1, W[0][0]: expected 0.0 (0000000000000000)" in out
        assert "consistent with: threshold-strict — reproduces iterations 1–100" in out

    def test_a_backend_adding_b_first_is_caught_and_explained(self):
        status, out, _ = cli("verify", os.path.join(GOLDEN, "real-valued-logistic.json"),
                             "--backend", "node %s --b-first" % BACKEND)
        # V8's exp is there too: the pair reproduces every iteration, b first alone fewer
        assert status == 1
        causes = [line for line in out.splitlines() if "consistent with" in line]
        assert causes[0].startswith("consistent with: bias-first+exp (bias-first+exp:v8) — "
                                    "reproduces iterations 25–200"), out
        assert causes[1].startswith("consistent with: bias-first — reproduces"), out

    def test_v8s_exp_is_caught_in_the_logistic_variant(self):
        status, out, _ = cli("verify", os.path.join(GOLDEN, "article-logistic.json"),
                             "--backend", "node %s" % BACKEND)
        assert status == 1
        assert "consistent with: exp (exp:v8) — reproduces iterations 43–1000: exp is " \
            "fdlibm's, as V8's Math.exp" in out


@pytest.mark.parametrize("make, needle", [
    (lambda d: b"not json", "expected a JSON object"),
    (lambda d: d.replace(b"\"iteration\": 5}", b"\"iteration\": 5,}"), "$.trace[5]: not JSON"),
    (lambda d: d.replace(b'"version": 1', b'"version": 2'), "$.version: version is 2"),
    (lambda d: d.replace(b'"format": "ann-ref-golden"', b'"format": "other"'), "$.format"),
    (lambda d: d[:len(d) // 2], "$.trace"),
    (lambda d: d.replace(b'"3fd999999999999a"', b'"3fd999999999999A"', 1), "16 lowercase hex"),
    (lambda d: d.replace(b'"b": 1.0, "bits"', b'"b": 1.5, "bits"', 1),
     "the decimal 1.5 disagrees with its bits"),
    (lambda d: d.replace(b'"iteration": 3}', b'"iteration": 4}', 1), "$.trace[3].iteration"),
    (lambda d: b"\xff" + d, "not UTF-8"),
    (lambda d: d.replace(b'"b": 1.0, "bits"', b'"b": NaN, "bits"', 1), "NaN is not standard JSON"),
    (lambda d: d.replace(b'"b": 1.0, "bits"', b'"b": 1e999, "bits"', 1), "overflows binary64"),
    (lambda d: d.replace(b'"iteration": 0', b'"iteration": ' + b"[" * 100000 + b"]" * 100000, 1),
     "nested too deeply"),
])
def test_bad_golden_or_trace_is_one_line_exit_2_naming_file_and_place(tmp_path, make, needle):
    with open(ARTICLE, "rb") as f:
        data = f.read()
    bad = str(tmp_path / "bad.json")
    with open(bad, "wb") as f:
        f.write(make(data))
    for args in ((bad, ARTICLE), (ARTICLE, bad)):
        status, out, err = cli("verify", *args)
        assert out == ""
        assert_one_line_error(status, err, "bad.json", needle)


def test_verify_needs_a_trace_or_a_backend_not_both():
    status, _, err = cli("verify", ARTICLE)
    assert_one_line_error(status, err, "either a TRACE file or --backend")
    status, _, err = cli("verify", ARTICLE, ARTICLE, "--backend", "true")
    assert_one_line_error(status, err, "either a TRACE file or --backend")
