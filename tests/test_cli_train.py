"""`ann-ref train`: the article's example by default, and its options."""
import pytest

from helpers import assert_one_line_error, cli


def test_default_is_the_articles_example_with_its_final_bits():
    status, out, err = cli("train")
    assert status == 0, err
    for text in ("0.049999999999999954", "3fa9999999999993", "0.050000000000000024",
                 "3fa999999999999d", "-0.07499999999999982", "bfb3333333333326",
                 "predictions y_pred = [[0, 0, 0, 1]]",
                 "the state stopped changing after update 25"):
        assert text in out


def test_every_prints_the_state_at_multiples_and_the_last_iteration():
    status, out, _ = cli("train", "-n", "10", "--every", "4")
    assert status == 0
    printed = [line.split(":")[0] for line in out.splitlines() if line.startswith("iteration ")]
    assert printed == ["iteration 0", "iteration 4", "iteration 8", "iteration 10"]


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
    for option in ("--dataset", "--W", "--b", "--learning-rate", "--iterations", "--every",
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
