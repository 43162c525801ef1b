"""ann_ref.testing, for Python backend authors."""
import os

import pytest

import ann_ref
from ann_ref.core.datasets import ARTICLE
from ann_ref.testing import assert_matches_golden, compare_states
from helpers import GOLDEN

ARTICLE_GOLDEN = os.path.join(GOLDEN, "article.json")


def test_agreeing_states_pass_and_return_the_report():
    report = assert_matches_golden(ARTICLE_GOLDEN, ann_ref.train(**ARTICLE))
    assert report.agree and report.summary() == "1001 iterations, all bits equal"


def test_a_trace_file_path_is_accepted_too():
    assert compare_states(ARTICLE_GOLDEN, ARTICLE_GOLDEN).agree


def test_disagreeing_states_fail_with_the_report():
    states = ann_ref.train(**dict(ARTICLE, variant="logistic"))   # not the article's rule
    with pytest.raises(AssertionError) as failure:
        assert_matches_golden(ARTICLE_GOLDEN, states)
    text = str(failure.value)
    assert "against the states given" in text
    assert "iteration 1, W[0][0]: expected" in text
    assert "step 1 recomputed from iteration 0" in text
    assert len(text.splitlines()) <= 20


def test_numpy_arrays_are_accepted():
    np = pytest.importorskip("numpy", reason="NumPy is not installed")
    states = [(np.array(W), np.float64(b)) for W, b in ann_ref.train(**ARTICLE)]
    assert compare_states(ARTICLE_GOLDEN, states).agree


def test_max_ulp_is_passed_through():
    states = ann_ref.train(**ARTICLE)
    W, b = states[500]
    states[500] = (W, b + 2 * abs(b) * 2.0 ** -53)       # one ULP up
    assert not compare_states(ARTICLE_GOLDEN, states).agree
    assert compare_states(ARTICLE_GOLDEN, states, max_ulp=1).agree


@pytest.mark.parametrize("states, error, needle", [
    ([(1, 2)], TypeError, "states[0]: W is 1, not a matrix"),
    (None, TypeError, "states is None (NoneType), not a sequence of (W, b) states"),
    ([], ValueError, "states is empty"),
    ([([[0.4], [0.2]], 1.0, 3)], TypeError, "states[0] is ([[0.4], [0.2]], 1.0, 3), not a pair (W, b)"),
    ([([[0.4], [0.2]], "1")], TypeError, "states[0]: b is '1' (str), not a number"),
    ([([[0.4], [0.2, 0.1]], 1.0)], ValueError, "states[0]: W is ragged"),
    ([([[0.4], [10 ** 400]], 1.0)], ValueError, "states[0]: W[1][0] is too large for binary64"),
])
def test_states_of_the_wrong_kind_are_named(states, error, needle):
    with pytest.raises(error) as failure:
        assert_matches_golden(ARTICLE_GOLDEN, states)
    assert needle in str(failure.value)


def test_other_arguments_of_the_wrong_kind_are_named():
    states = ann_ref.train(**ARTICLE)
    with pytest.raises(TypeError, match="golden is None"):
        compare_states(None, states)
    with pytest.raises(ValueError, match="max_ulp is -1"):
        compare_states(ARTICLE_GOLDEN, states, max_ulp=-1)
    with pytest.raises(ValueError, match="max_lines is 0"):
        assert_matches_golden(ARTICLE_GOLDEN, states, max_lines=0)
