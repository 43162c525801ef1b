"""learn.steps keeps every intermediate of a step; the state it ends in must be the
golden trace's next state, bit for bit, and its intermediates the article's numbers."""
import json
import math
import os
import struct

import pytest

from ann_ref.learn.loss import cross_entropy, misclassified
from ann_ref.learn.steps import Step
from helpers import GOLDEN, golden_names

FILES = golden_names()


def f64(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def bits(v):
    return "7ff8000000000000" if v != v else struct.pack(">d", v).hex()


@pytest.mark.parametrize("name", FILES)
def test_each_step_ends_in_the_golden_traces_next_state(name):
    with open(os.path.join(GOLDEN, name)) as f:
        doc = json.load(f)
    given = doc["scenario"]["bits"]
    x = [[f64(h) for h in row] for row in given["x"]]
    y = [[f64(h) for h in row] for row in given["y"]]
    a = f64(given["learning_rate"])
    trace = doc["trace"][:41]          # the first 40 steps of each: the interesting ones
    for before, after in zip(trace, trace[1:]):
        W = [[f64(h) for h in row] for row in before["bits"]["W"]]
        step = Step(x, y, W, f64(before["bits"]["b"]), a, doc["scenario"]["variant"])
        assert [[bits(v) for v in row] for row in step.W_new] == after["bits"]["W"], \
            "%s iteration %d" % (name, after["iteration"])
        assert bits(step.b_new) == after["bits"]["b"], "%s iteration %d" % (name, after["iteration"])


def test_the_articles_first_step_by_hand():
    # z = 0.4·x0 + 0.2·x1 + 1; every prediction is 1, so the error is [1, 1, 1, 0]
    step = Step([[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]], [[0.0, 0.0, 0.0, 1.0]],
                [[0.4], [0.2]], 1.0, 0.1)
    assert step.z == [[1.0, 1.4, 1.2, 1.6]]
    assert step.exp_minus_z[0][0] == 0.36787944117144233       # e^−1, correctly rounded
    assert [[v >= 0.5 for v in row] for row in step.s] == [[True] * 4]
    assert step.y_pred == [[1.0, 1.0, 1.0, 1.0]] and step.e == [[1.0, 1.0, 1.0, 0.0]]
    assert step.m == 4 and step.dW == [[0.25], [0.25]] and step.db == 0.75
    assert bits(step.W_new[0][0]) == "3fd8000000000000"      # 0.375, golden/README.md
    assert bits(step.W_new[1][0]) == "3fc6666666666667"
    assert bits(step.b_new) == "3fed99999999999a"


def test_the_logistic_error_is_s_minus_y():
    step = Step([[0.0, 1.0]], [[0.0, 1.0]], [[0.0]], 0.0, 1.0, "logistic")
    assert step.s == [[0.5, 0.5]] and step.e == [[0.5, -0.5]] and step.error_name() == "s - y"


def test_cross_entropy_and_its_log_of_zero():
    # −(log 0.5 + log 0.5)/2 = log 2
    assert cross_entropy([[0.5, 0.5]], [[0.0, 1.0]]) == -math.log(0.5)
    # a saturated s = 1.0 that is right adds nothing; against its target it is infinite
    assert cross_entropy([[1.0, 0.0]], [[1.0, 0.0]]) == 0.0
    assert cross_entropy([[1.0, 0.5]], [[0.0, 0.0]]) == math.inf
    assert cross_entropy([[0.0]], [[1.0]]) == math.inf
    assert misclassified([[1.0, 0.0, 1.0]], [[1.0, 1.0, 0.0]]) == 2
