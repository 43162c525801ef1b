"""The public API: what train returns, that it leaves its arguments alone, and the
errors every public function gives for bad input."""
import copy
import itertools
import math
import os
import shutil
import struct
import subprocess

import pytest

import ann_ref
from ann_ref.core.datasets import ARTICLE, GATES, X_GATES
from helpers import ROOT


def test_train_returns_plain_lists_and_floats_for_iterations_0_to_n():
    states = ann_ref.train(**dict(ARTICLE, iterations=5))
    assert len(states) == 6
    for W, b in states:
        assert type(W) is list and all(type(row) is list for row in W)
        assert all(type(v) is float for row in W for v in row) and type(b) is float


def test_train_does_not_modify_its_arguments_and_states_are_independent():
    args = copy.deepcopy(ARTICLE)
    states = ann_ref.train(**args)
    assert args == ARTICLE
    states[-1][0][0][0] = 123.0            # states past the fixed point are separate lists
    assert states[-2][0][0][0] != 123.0
    lists = [id(W) for W, _ in states] + [id(row) for W, _ in states for row in W]
    assert len(set(lists)) == len(lists)   # no two states share a list


def test_zero_iterations_gives_the_initial_state_only():
    assert ann_ref.train(**dict(ARTICLE, iterations=0)) == [([[0.4], [0.2]], 1.0)]


def test_tuples_and_ints_are_accepted_as_data():
    a = ann_ref.train(((0, 1, 0, 1), (0, 0, 1, 1)), ((0, 0, 0, 1),), ((0.4,), (0.2,)), 1, 0.1, 30)
    assert a == ann_ref.train(**dict(ARTICLE, iterations=30))


def test_multi_output_shares_one_bias():
    # two outputs (AND and OR): b is one number, db sums the errors of both rows
    states = ann_ref.train(X_GATES, GATES["and"] + GATES["or"], [[0.4, 0.1], [0.2, 0.3]], 1,
                           0.1, 1)
    (W, b) = states[1]
    # z > 0 everywhere at first: y_pred is all 1, e = [[1,1,1,0],[1,0,0,0]]
    assert W == [[0.4 - 0.1 * 0.25, 0.1 - 0.0], [0.2 - 0.1 * 0.25, 0.3 - 0.0]]
    assert b == 1.0 - 0.1 * (4 / 4)


def test_logistic_variant_changes_every_iteration():
    states = ann_ref.train(**dict(ARTICLE, iterations=50, variant="logistic"))
    assert all(states[k] != states[k + 1] for k in range(50))


@pytest.mark.parametrize("change, error, message", [
    (dict(x=[[0, 1, 0, 1], [0, 0, 1]]), ValueError, "x is ragged"),
    (dict(x=[[], []]), ValueError, "x has no columns"),
    (dict(x=[]), ValueError, "x has no rows"),
    (dict(x=[[0, 1, 0, 1]]), ValueError, "W has 2 rows but x has 1 features"),
    (dict(y=[[0, 0, 1]]), ValueError, "y has 3 samples"),
    (dict(W=[[0.4, 0.1], [0.2, 0.1]]), ValueError, "W has 2 columns but y has 1 outputs"),
    (dict(x=[[0, 1, 0, True], [0, 0, 1, 1]]), TypeError, r"x\[0\]\[3\] is True \(bool\)"),
    (dict(W=[["0.4"], [0.2]]), TypeError, r"W\[0\]\[0\] is '0.4' \(str\)"),
    (dict(W=[0.4, 0.2]), TypeError, r"W\[0\] is float, not a row"),
    (dict(x="0101"), TypeError, "x is str, not a matrix"),
    (dict(b=[1.0]), TypeError, "b is"),
    (dict(b=True), TypeError, "b is True"),
    (dict(learning_rate=math.nan), ValueError, "learning_rate is nan"),
    (dict(learning_rate=math.inf), ValueError, "learning_rate is inf"),
    (dict(learning_rate="0.1"), TypeError, "learning_rate is '0.1'"),
    (dict(iterations=-1), ValueError, "iterations is -1"),
    (dict(iterations=10.0), TypeError, "iterations is 10.0"),
    (dict(iterations=True), TypeError, "iterations is True"),
    (dict(variant="sigmoid"), ValueError, "variant is 'sigmoid'"),
    (dict(W=[[10 ** 400], [0.2]]), ValueError, r"W\[0\]\[0\] is too large for binary64"),
    (dict(b=10 ** 5000), ValueError, r"^b is too large for binary64 \(an integer beyond"),
    (dict(b=2 ** 1024 - 2 ** 970), ValueError, "b is too large"),   # rounds to inf
    (dict(b="1"), TypeError, r"b is '1' \(str\), not a real number"),
    (dict(b="9" * 1000), TypeError, r"b is '9{36}\.\.\. \(str\)"),
    (dict(variant="logistc"), ValueError, "variant is 'logistc'; it must be one of "
                                          "threshold, logistic"),
    (dict(variant=None), ValueError, "variant is None"),
    (dict(iterations=10 ** 8), ValueError, "iterations is 100000000; train keeps every state, "
                                           "so at most 1000000: states"),
])
def test_bad_input_is_refused_with_a_message_naming_it(change, error, message):
    with pytest.raises(error, match=message):
        ann_ref.train(**dict(ARTICLE, **change))


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def test_inf_and_nan_in_the_data_are_allowed():
    states = ann_ref.train(**dict(ARTICLE, W=[[math.inf], [math.nan]], iterations=2))
    # W[1] = NaN makes every z NaN (NaN · 0 is NaN): y_pred = 0, e = −y = [0, 0, 0, −1],
    # dW = x·eᵀ / 4 = [−0.25, −0.25], db = −0.25; inf and NaN stay, b grows by 0.1 · 0.25
    b = 1.0
    for k, (W, b_k) in enumerate(states):
        assert W[0][0] == math.inf and math.isnan(W[1][0])
        assert bits(b_k) == bits(b), k
        b = b - 0.1 * -0.25


def test_2_1024_minus_2_970_is_the_first_integer_refused():
    assert ann_ref.train(**dict(ARTICLE, b=2 ** 1024 - 2 ** 970 - 1, iterations=0)) == \
        [([[0.4], [0.2]], 1.7976931348623157e308)]


# --- the other public functions check like train --------------------------------------

def test_states_checks_its_arguments_at_once_and_streams_any_length():
    with pytest.raises(ValueError, match="variant is 'logistc'"):
        ann_ref.states(**dict(ARTICLE, variant="logistc"))        # before any next()
    with pytest.raises(ValueError, match="iterations is -1"):
        ann_ref.states(**dict(ARTICLE, iterations=-1))
    with pytest.raises(ValueError, match=r"x is ragged: row 0 has 4 entries, row 1 has 3"):
        ann_ref.states(**dict(ARTICLE, x=[[0, 1, 0, 1], [0, 0, 1]]))
    long_run = ann_ref.states(**dict(ARTICLE, iterations=10 ** 8))
    first = list(itertools.islice(long_run, 1001))
    assert first == ann_ref.train(**ARTICLE)


def test_states_yields_new_lists():
    run = ann_ref.states(**dict(ARTICLE, iterations=100))
    W, _ = next(itertools.islice(run, 50, None))
    W[0][0] = 123.0                                  # past the fixed point (update 25)
    assert all(W_k[0][0] != 123.0 for W_k, _ in run)


def test_step_is_one_update_of_the_article():
    # from W = [0.4, 0.2], b = 1 every z > 0: y_pred = 1, e = [1, 1, 1, 0],
    # dW = [(0 + 1 + 0 + 0) / 4, (0 + 0 + 1 + 0) / 4], db = 3 / 4
    W, b = ann_ref.step(X_GATES, GATES["and"], [[0.4], [0.2]], 1, 0.1)
    assert W == [[0.4 - 0.1 * 0.25], [0.2 - 0.1 * 0.25]] and b == 1 - 0.1 * 0.75
    assert ann_ref.step(X_GATES, GATES["and"], [[0.4], [0.2]], 1, 0.1, "threshold") == (W, b)
    assert ann_ref.step(X_GATES, GATES["and"], [[0.4], [0.2]], 1, 0.1, "logistic") != (W, b)


@pytest.mark.parametrize("change, error, message", [
    (dict(variant="logistc"), ValueError, "variant is 'logistc'; it must be one of "
                                          "threshold, logistic"),
    (dict(x=[[0, 1, 0, 1], [0, 0, 1]]), ValueError, "x is ragged"),
    (dict(b="1"), TypeError, r"b is '1' \(str\), not a real number"),
    (dict(b=10 ** 400), ValueError, "b is too large for binary64"),
    (dict(W=[[True], [0.2]]), TypeError, r"W\[0\]\[0\] is True \(bool\)"),
    (dict(learning_rate=math.nan), ValueError, "learning_rate is nan"),
])
def test_step_refuses_bad_input_like_train(change, error, message):
    args = dict(x=X_GATES, y=GATES["and"], W=[[0.4], [0.2]], b=1, learning_rate=0.1)
    with pytest.raises(error, match=message):
        ann_ref.step(**dict(args, **change))


def test_predict_gives_the_articles_y_pred_as_ints():
    W, b = ann_ref.train(**ARTICLE)[-1]
    assert ann_ref.predict(W, b, X_GATES) == [[0, 0, 0, 1]]
    # from the initial state every z = 0.4·x0 + 0.2·x1 + 1 > 0, so every s > 0.5
    assert ann_ref.predict([[0.4], [0.2]], 1, X_GATES) == [[1, 1, 1, 1]]
    # z = 0 exactly gives s = 0.5, which the article's s ≥ 0.5 counts as 1; NaN gives 0
    assert ann_ref.predict([[0.0]], 0, [[1.0]]) == [[1]]
    assert ann_ref.predict([[math.nan]], 0, [[1.0]]) == [[0]]
    assert ann_ref.predict([[1.0, -1.0]], -0.5, [[1.0, 0.0]]) == [[1, 0], [0, 0]]
    with pytest.raises(ValueError, match="W has 1 rows but x has 2 features"):
        ann_ref.predict([[0.4]], 1, X_GATES)
    with pytest.raises(TypeError, match=r"x\[1\]\[0\] is None"):
        ann_ref.predict([[0.4], [0.2]], 1, [[0], [None]])


@pytest.mark.parametrize("function", [ann_ref.exp, ann_ref.sigmoid])
@pytest.mark.parametrize("bad", [True, "1", None, [1.0], 1j])
def test_exp_and_sigmoid_refuse_what_is_not_a_real_number(function, bad):
    name = "x" if function is ann_ref.exp else "z"
    with pytest.raises(TypeError, match="^%s is .*, not a real number$" % name):
        function(bad)


def test_exp_and_sigmoid_of_an_integer_beyond_binary64_are_their_limits():
    # e^x overflows or underflows for any such x, so its exact value does not matter
    assert ann_ref.exp(10 ** 400) == math.inf and bits(ann_ref.exp(-10 ** 400)) == 0
    assert ann_ref.sigmoid(10 ** 5000) == 1.0 and bits(ann_ref.sigmoid(-10 ** 5000)) == 0
    assert ann_ref.exp(1) == 2.718281828459045 and ann_ref.sigmoid(0) == 0.5


def test_an_int_beyond_binary64_is_refused_where_float_of_it_gives_inf():
    """On MicroPython float(10**400) is inf, with no OverflowError: the check compares."""
    class MicroPythonInt(int):
        def __float__(self):
            return math.inf
    for value in (MicroPythonInt(10 ** 400), MicroPythonInt(-(2 ** 1024 - 2 ** 970))):
        with pytest.raises(ValueError, match="^b is too large for binary64"):
            ann_ref.train(**dict(ARTICLE, b=value, iterations=0))


MICROPYTHON = r"""
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
const root = process.argv[2];
const { loadMicroPython } = await import(
  join(root, "node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"));
const mp = await loadMicroPython({ heapsize: 16 * 1024 * 1024, linebuffer: false,
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
for (const folder of ["ann_ref", "ann_ref/core"]) {
  mp.FS.mkdir("/" + folder);
  for (const name of readdirSync(join(root, folder)))
    if (name.endsWith(".py"))
      mp.FS.writeFile("/" + folder + "/" + name, readFileSync(join(root, folder, name)));
}
mp.runPython(readFileSync(process.argv[3], "utf8"));
"""

ON_MICROPYTHON = """
import sys
sys.path.insert(0, "/")
import ann_ref
print(float(10 ** 400))
for b in (10 ** 400, 2 ** 1024 - 2 ** 970, True, "1"):
    try:
        ann_ref.train([[0]], [[0]], [[0]], b, 0.1, 0)
        print("accepted")
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
print(ann_ref.train([[0]], [[0]], [[0]], 2 ** 1024 - 2 ** 970 - 1, 0.1, 0)[0][1] < float("inf"))
"""


@pytest.mark.slow
def test_the_checks_on_micropython_where_float_of_a_huge_int_is_inf(tmp_path):
    module = os.path.join(ROOT, "node_modules", "@micropython", "micropython-webassembly-pyscript")
    if not (shutil.which("node") and os.path.isdir(module)):
        if os.environ.get("ANN_REF_ALL_RUNTIMES") == "1":
            pytest.fail("MicroPython is not installed (.ci/run installs it)")
        pytest.skip("MicroPython is not installed (npm ci)")
    runner, script = tmp_path / "run.mjs", tmp_path / "check.py"
    runner.write_text(MICROPYTHON)
    script.write_text(ON_MICROPYTHON)
    p = subprocess.run(["node", str(runner), ROOT, str(script)], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "inf",                                       # what the check must not rely on
        "ValueError b is too large for binary64 (an integer beyond ±1.8e308)",
        "ValueError b is too large for binary64 (an integer beyond ±1.8e308)",
        "TypeError b is True (bool), not a real number",
        "TypeError b is '1' (str), not a real number",
        "True"]
