"""`ann-ref article` and `ann-ref explain` print the article's figures and every
intermediate of a step; checked against numbers worked out by hand and the golden
traces. And the bad input of the learners' commands: one line, exit 2, nothing written."""
import json
import os

import pytest

from helpers import GOLDEN, assert_one_line_error, cli


def golden(name):
    with open(os.path.join(GOLDEN, name)) as f:
        return json.load(f)


def after(lines, code):
    """The values printed under a line of the article's code."""
    i = lines.index("    " + code)
    values = []
    for line in lines[i + 1:]:
        if not line.startswith("      → "):
            break
        values.append(line[len("      → "):])
    return values


def test_article_prints_each_figure_under_the_code_that_makes_it():
    status, out, _ = cli("article")
    assert status == 0
    lines = out.splitlines()
    assert after(lines, "x = np.array ([ [ 0, 1, 0, 1 ], [ 0, 0, 1, 1 ] ])") == \
        ["x = [[0, 1, 0, 1], [0, 0, 1, 1]]"]
    assert after(lines, "y = np.array ([ [ 0, 0, 0, 1 ] ])") == ["y = [[0, 0, 0, 1]]"]
    assert after(lines, "W[0], W[1] = 0.4, 0.2") == ["W = [[0.4], [0.2]]"]
    # z = 0.4·x0 + 0.2·x1 + 1 for the four samples; all above 0, so every y_pred is 1
    assert after(lines, "z = np.dot ( W.T , x ) + b") == ["z = [[1.0, 1.4, 1.2, 1.6]]"]
    assert after(lines, "s = s >= 0.5") == ["s = [[True, True, True, True]]"]
    assert after(lines, "y_pred = np.array( s, dtype = 'int64' )") == ["y_pred = [[1, 1, 1, 1]]"]
    assert after(lines, "m = x.shape[1]") == ["m = 4"]
    # the error [1, 1, 1, 0]: dW = x·eᵀ/4 = [1/4, 1/4], db = 3/4
    assert after(lines, "dW = np.dot( x, (y_pred - y).T ) / m") == \
        ["y_pred - y = [[1, 1, 1, 0]]", "dW = [[0.25], [0.25]]"]
    assert after(lines, "db = np.sum( y_pred - y ) / m") == ["db = 0.75"]
    state = golden("article.json")["trace"]
    assert after(lines, "W = W - a * dW") == ["W = %s" % state[1]["W"]]
    assert after(lines, "b = b - a * db") == ["b = %r" % state[1]["b"]]
    final = after(lines, "for i in range (1000) : ...")
    assert final[0].startswith("W = %s" % state[1000]["W"])
    assert state[1000]["bits"]["W"][0][0] in final[0] and state[1000]["bits"]["b"] in final[1]
    assert "stopped changing after update 25" in out
    assert "y_pred = [[0, 0, 0, 1]], y = [[0, 0, 0, 1]]: no error" in out


def table_rows(out, first):
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.split()[:len(first)] == first)
    rows = []
    for line in lines[i + 1:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def test_explain_shows_the_articles_first_step():
    status, out, _ = cli("explain")
    assert status == 0
    rows = table_rows(out, ["j", "z"])
    assert [r[1] for r in rows] == ["1.0", "1.4", "1.2", "1.6"]
    assert [r[4:] for r in rows] == [["1", "0", "1"], ["1", "0", "1"], ["1", "0", "1"],
                                     ["1", "1", "0"]]
    assert table_rows(out, ["before", "gradient"]) == [
        ["W[0][0]", "0.4", "0.25", "0.375"], ["W[1][0]", "0.2", "0.25", "0.17500000000000002"],
        ["b", "1.0", "0.75", "0.925"]]


@pytest.mark.parametrize("name, k", [("article-logistic.json", 7), ("gate-xor.json", 3),
                                     ("multi-output-threshold.json", 12),
                                     ("sigmoid-saturation-logistic.json", 20)])
def test_explain_ends_in_the_golden_traces_state(name, k):
    status, out, err = cli("explain", os.path.join("golden", name), "--iteration", str(k),
                           "--bits")
    assert status == 0, err
    doc = golden(name)
    before, state = doc["trace"][k - 1]["bits"], doc["trace"][k]["bits"]
    rows = table_rows(out, ["before", "gradient"])
    assert [r[1] for r in rows] == [h for row in before["W"] for h in row] + [before["b"]]
    assert [r[3] for r in rows] == [h for row in state["W"] for h in row] + [state["b"]]
    assert out.splitlines()[0].startswith("iteration %d of scenario %s" % (k, doc["scenario"]["name"]))


@pytest.mark.parametrize("args, needle", [
    (["explain", "--iteration", "0"], "at least 1"),
    (["explain", "--iteration", "1001"], "--iteration 1001, but the article's example runs 1000"),
    (["explain", "nowhere.json"], "nowhere.json"),
    (["explain", "golden/README.md"], "golden/README.md"),
    (["article", "extra"], "unrecognized arguments"),
    (["train", "golden/gate-or.json", "--x", "[[1]]", "--y", "[[1]]"], "not both"),
    (["train", "--dataset", "or", "--x", "[[1]]", "--y", "[[1]]"], "not both"),
    (["train", "--x", "[[0, 1]]"], "--x and --y go together"),
    (["train", "--x", "[[0, 1]", "--y", "[[0, 1]]"], "not a JSON matrix"),
    (["train", "--x", "[[0, 1], [2]]", "--y", "[[0, 1]]"], "x is ragged"),
    (["train", "--x", "[[0, 1]]", "--y", "[[0, 1, 1]]"], "y has 3 samples"),
    (["train", "--x", "[[0, 1]]", "--y", "[[0, 1]]", "-W", "1,2"], "W has 2 rows"),
    (["train", "--trace", "t.json", "--exp", "libm"], "not portable"),
    (["train", "--trace", "no/such/folder/t.json"],
     "ann-ref: no/such/folder/t.json: cannot be written: the folder no/such/folder does not "
     "exist"),
])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, args, needle):
    status, out, err = cli(*args, cwd=None if args[0] != "train" or "--trace" not in args
                           else str(tmp_path))
    assert_one_line_error(status, err, needle)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_train_leaves_an_existing_trace_alone(tmp_path):
    trace = tmp_path / "t.json"
    trace.write_text("previous")
    status, _, err = cli("train", "-W", "1,2,3", "--trace", str(trace))
    assert_one_line_error(status, err, "W has 3 rows")
    assert trace.read_text() == "previous" and len(list(tmp_path.iterdir())) == 1
