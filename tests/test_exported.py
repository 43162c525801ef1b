"""Every exported function refuses bad input with one clear error that names the
argument, and never answers a question it was not asked: each argument of each function
in turn is given values of the wrong type, shape or range, the others staying valid."""
import pytest

import ann_ref
from ann_ref.testing import assert_matches_golden, compare_states
from helpers import GOLDEN

X = [[0, 0, 1, 1], [0, 1, 0, 1]]
Y = [[0, 0, 0, 1]]
W = [[0.4], [0.2]]
GOOD = {
    "train": dict(x=X, y=Y, W=W, b=1.0, learning_rate=0.1, iterations=3),
    "states": dict(x=X, y=Y, W=W, b=1.0, learning_rate=0.1, iterations=3),
    "step": dict(x=X, y=Y, W=W, b=1.0, learning_rate=0.1),
    "predict": dict(W=W, b=1.0, x=X),
    "dot": dict(P=[[1.0, 2.0]], Q=[[3.0], [4.0]]),
    "transpose": dict(P=[[1.0, 2.0]]),
    "sigmoid": dict(z=0.5),
    "exp": dict(x=0.5),
    "exp32": dict(x=0.5),
}
NOT_A_MATRIX = [None, 1.0, "ab", [], [[]], [1.0, 2.0], [[1.0], [2.0, 3.0]], [["a"]],
                [[True]], [[None]], {"0": [1.0]}]
NOT_A_NUMBER = [None, "1", [1.0], True, complex(1, 1), 2 ** 1100]
BAD = {
    "x": NOT_A_MATRIX + [[[0, 0, 1]], [[0, 0, 1, 1]]],          # wrong shapes for W, y
    "y": NOT_A_MATRIX + [[[0, 0, 1]], [[0, 0, 0, 1], [1, 1, 1, 1]]],
    "W": NOT_A_MATRIX + [[[0.4]], [[0.4], [0.2], [0.1]]],
    "P": NOT_A_MATRIX,
    "Q": NOT_A_MATRIX + [[[1.0], [2.0], [3.0]]],                # 2 columns against 3 rows
    "b": NOT_A_NUMBER + [[1.0, 2.0]],
    "learning_rate": NOT_A_NUMBER + [float("inf"), float("nan")],
    "iterations": [None, -1, 1.5, "3", True, float("inf")],
    "z": NOT_A_NUMBER[:-1],
}
BAD["exp x"] = BAD["z"]                 # exp's x is a number, as sigmoid's z (exp32's too)
CASES = [(name, arg, bad) for name, good in GOOD.items() for arg in good
         for bad in BAD["exp x" if name in ("exp", "exp32") else arg]]


@pytest.mark.parametrize("name, arg, bad", CASES,
                         ids=["%s-%s-%r" % (n, a, b)[:60] for n, a, b in CASES])
def test_an_exported_function_refuses_a_bad_argument_naming_it(name, arg, bad):
    function = getattr(ann_ref, name)
    kwargs = dict(GOOD[name], **{arg: bad})
    with pytest.raises((TypeError, ValueError)) as e:
        result = function(**kwargs)
        if name == "states":
            next(iter(result))           # a generator checks when it is made, not later
    message = str(e.value)
    assert "\n" not in message and message, message
    shown = {"learning_rate": ("learning_rate", "learning rate"), "P": ("P",), "Q": ("Q",),
             "iterations": ("iterations",), "z": ("z", "argument"), "x": ("x", "argument")}
    assert any(n in message for n in shown.get(arg, (arg,))), message


@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_exported_function_answers_its_valid_call(name):
    result = getattr(ann_ref, name)(**GOOD[name])
    assert result is not None


@pytest.mark.parametrize("states, message", [
    (None, "states"), ([], "states"), ([([[0.4]], 1.0)], "W"),
    ([([[0.4], [0.2]], "1")], "b"), ([([[0.4], ["x"]], 1.0)], "W"),
])
def test_the_testing_helpers_name_what_they_were_given_wrong(states, message):
    golden = GOLDEN + "/article.json"
    for function in (compare_states, assert_matches_golden):
        with pytest.raises((TypeError, ValueError), match=message):
            function(golden, states)
