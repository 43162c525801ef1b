"""The public API: what train returns, that it leaves its arguments alone, and the
errors it gives for bad input."""
import copy
import math

import pytest

import ann_ref
from ann_ref.core.datasets import ARTICLE, GATES, X_GATES


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
    (dict(W=[[10 ** 400], [0.2]]), ValueError, "too large for binary64"),
])
def test_bad_input_is_refused_with_a_message_naming_it(change, error, message):
    with pytest.raises(error, match=message):
        ann_ref.train(**dict(ARTICLE, **change))


def test_inf_and_nan_in_the_data_are_allowed():
    states = ann_ref.train(**dict(ARTICLE, W=[[math.inf], [math.nan]], iterations=2))
    assert len(states) == 3
