"""`ann-ref train`: the article's example by default, and its options."""
import json
import math
import os

import pytest

import ann_ref

from helpers import GOLDEN, assert_one_line_error, cli


def test_default_is_the_articles_example_with_its_final_bits():
    status, out, err = cli("train")
    assert status == 0, err
    for text in ("0.049999999999999954", "3fa9999999999993", "0.050000000000000024",
                 "3fa999999999999d", "-0.07499999999999982", "bfb3333333333326",
                 "predictions y_pred = [[0, 0, 0, 1]]",
                 "the state stopped changing after update 25"):
        assert text in out


def test_every_prints_a_table_row_at_multiples_and_the_last_iteration():
    status, out, _ = cli("train", "-n", "10", "--every", "4")
    assert status == 0
    lines = out.splitlines()
    start = lines.index(next(l for l in lines if l.startswith("iteration ")))
    assert lines[start].split() == ["iteration", "misclassified", "loss", "W[0][0]", "W[1][0]",
                                    "b"]
    rows = [l.split() for l in lines[start + 1:start + 5]]
    assert [r[0] for r in rows] == ["0", "4", "8", "10"]
    # state 0 predicts 1 everywhere (z = 1 + 0.4·x0 + 0.2·x1 > 0): 3 of the 4 targets are 0
    assert rows[0][1] == "3/4" and rows[0][3:] == ["0.4", "0.2", "1.0"]
    s = [1 / (1 + math.exp(-z)) for z in (1.0, 1.4, 1.2, 1.6)]
    loss = -(math.log(1 - s[0]) + math.log(1 - s[1]) + math.log(1 - s[2]) + math.log(s[3])) / 4
    assert rows[0][2] == "%.6f" % loss
    assert lines[start + 5] == "after 10 iterations:"


def test_json_lines_one_per_iteration():
    status, out, _ = cli("train", "--x", "[[0, 1, 2, 3]]", "--y", "[[0, 0, 1, 1]]", "-n", "1",
                         "--json")
    assert status == 0
    first, second = [json.loads(line) for line in out.splitlines()]
    assert first["iteration"] == 0 and first["W"] == [[0.0]] and first["b"] == 0.0
    assert first["misclassified"] == 2 and first["loss"] == round(math.log(2), 6)
    # z = 0, so s = 0.5 and y_pred = 1 everywhere: e = [1, 1, 0, 0], dW = 1/4, db = 2/4
    assert second["W"] == [[-0.025]] and second["b"] == -0.05
    assert second["bits"] == {"W": [["bf9999999999999a"]], "b": "bfa999999999999a"}


def test_the_header_says_what_is_trained():
    status, out, _ = cli("train", "-W", "0.1,-0.3", "-n", "2")
    first, data, initial = out.splitlines()[:3]
    assert "the article's example" not in out and "the AND gate" in first
    assert "2 iterations" in first and "threshold variant" in first
    assert data == "  x = [[0, 1, 0, 1], [0, 0, 1, 1]], y = [[0, 0, 0, 1]]"
    assert initial == "  initial W = [[0.1], [-0.3]], b = 1.0"
    status, out, _ = cli("train", "--x", "[[0, 1, 2]]", "--y", "[[0, 1, 1]]", "-n", "0")
    assert out.splitlines()[:3] == [
        "ann_ref %s: your data (--x, --y), threshold variant, learning rate 0.1, "
        "0 iterations" % ann_ref.__version__,
        "  x = [[0, 1, 2]], y = [[0, 1, 1]]", "  initial W = [[0.0]], b = 0.0"]


def test_a_scenario_file_is_trained_and_its_trace_is_the_golden_one(tmp_path):
    with open(os.path.join(GOLDEN, "gate-xor.json")) as f:
        golden = json.load(f)
    out_file = tmp_path / "xor.json"
    status, out, err = cli("train", os.path.join("golden", "gate-xor.json"), "-n", "5",
                           "--trace", str(out_file))
    assert status == 0, err
    assert "scenario gate-xor of golden/gate-xor.json" in out.splitlines()[0]
    final = golden["trace"][5]["bits"]
    assert "  b       = " in out and final["b"] in out and final["W"][0][0] in out
    written = json.loads(out_file.read_text())
    assert written["format"] == "ann-ref-golden" and written["scenario"]["iterations"] == 5
    assert [e["bits"] for e in written["trace"]] == [e["bits"] for e in golden["trace"][:6]]


def test_the_articles_trace_is_the_golden_files_trace(tmp_path):
    out_file = tmp_path / "article.json"
    status, out, _ = cli("train", "--trace", str(out_file))
    assert status == 0 and out.endswith("trace written to %s\n" % out_file)
    with open(os.path.join(GOLDEN, "article.json")) as f:
        golden = f.read()
    trace = lambda text: text[text.index('"trace"'):text.index('"version"')]
    assert trace(out_file.read_text()) == trace(golden)


def test_xor_never_settles():
    status, out, _ = cli("train", "--dataset", "xor")
    assert status == 0 and "the state still changed at update 1000" in out


def test_options_choose_the_initial_state_and_learning_rate():
    status, out, _ = cli("train", "--dataset", "or", "-W", "[[0.0],[0.0]]", "-b", "0",
                         "-a", "0.5", "-n", "1")
    # z = 0 everywhere, so y_pred = 1 and e = [1, 0, 0, 0]: dW = 0, db = 1/4
    assert status == 0
    assert "b       = -0.125" in out and "W[0][0] = 0.0 " in out


def test_logistic_variant_and_libm_exp_are_labelled():
    status, out, _ = cli("train", "--variant", "logistic", "--exp", "libm", "-n", "3")
    assert status == 0 and "logistic variant" in out and "NOT portable" in out


def test_help_explains_each_option():
    status, out, _ = cli("train", "--help")
    assert status == 0
    for option in ("SCENARIO.json", "--dataset", "--x", "--y", "--W", "--b",
                   "--learning-rate", "--iterations", "--every", "--bits", "--json", "--trace",
                   "--variant", "--exp"):
        assert option in out


@pytest.mark.parametrize("args, needle", [
    (["train", "-n", "-1"], "negative"),
    (["train", "-n", "ten"], "not a whole number"),
    (["train", "-a", "nan"], "learning_rate is nan; it must be a finite number"),
    (["train", "-a", "inf"], "learning_rate is inf; it must be a finite number"),
    (["train", "-a", "1e999"], "'1e999' is too large for binary64"),
    (["train", "-b", "9" * 5000], "'9999999999999999... is too large for binary64"),
    (["train", "-b", "2" + "0" * 308], "train: b is too large for binary64"),
    (["train", "-b", "NaN"], "'NaN' is not a number"),
    (["train", "-W", "[[NaN], [1]]"], "is not a JSON matrix"),
    (["train", "-W", "1,,2"], "'' is not a number"),
    (["train", "-W", "1,2,3"], "W has 3 rows"),
    (["train", "-W", "[[1],[2,3]]"], "W is ragged"),
    (["train", "-W", "[[true],[1]]"], "W[0][0] is True"),
    (["train", "-b", "[1]"], "'[1]' is not a number"),
    (["train", "--every", "0"], "at least 1"),
    (["train", "--dataset", "xnor"], "invalid choice"),
    (["train", "--frobnicate"], "unrecognized arguments"),
    ([], "required"),
])
def test_bad_input_is_one_line_and_exit_status_2(args, needle):
    status, _, err = cli(*args)
    assert_one_line_error(status, err, needle)


def test_run_with_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ann-ref-golden", "version": 1, "scenario": {"name": "s", '
                   '"variant": "threshold", "x": [[0, 1]], "y": [[0, 1]], "W": [[0.5]], '
                   '"b": 0, "learning_rate": 0.5, "iterations": -3}}')
    out = tmp_path / "out.json"
    status, stdout, err = cli("run", str(bad), "-o", str(out))
    assert_one_line_error(status, err, "bad.json", "$.scenario.iterations")
    assert stdout == "" and not out.exists()
    out.write_text("previous")
    status, _, err = cli("run", str(bad), "-o", str(out))
    assert status == 2 and out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
