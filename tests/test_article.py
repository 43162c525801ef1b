"""The article's example, bit for bit: its final state, and every state against the
article's own NumPy program when NumPy is installed."""
import struct

import pytest

import ann_ref
from ann_ref.core.datasets import ARTICLE


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def test_final_state_has_the_articles_bits():
    # measured with the article's NumPy program (float64) after 1000 iterations
    W, b = ann_ref.train(**ARTICLE)[-1]
    assert [bits(W[0][0]), bits(W[1][0])] == ["3fa9999999999993", "3fa999999999999d"]
    assert bits(b) == "bfb3333333333326"
    assert W == [[0.049999999999999954], [0.050000000000000024]] and b == -0.07499999999999982


def test_predictions_after_training_match_y():
    W, b = ann_ref.train(**ARTICLE)[-1]
    assert ann_ref.predict(W, b, ARTICLE["x"]) == [[0, 0, 0, 1]]


def test_the_state_stops_changing_after_update_25():
    states = ann_ref.train(**ARTICLE)
    assert len(states) == 1001
    key = [([bits(v) for row in W for v in row], bits(b)) for W, b in states]
    assert key[24] != key[25] == key[26] == key[1000]


def test_first_update_by_hand():
    # z = Wᵀx + 1 = [1, 1.4, 1.2, 1.6] > 0, so y_pred = [1,1,1,1] and e = [1,1,1,0];
    # dW = [(1+0+1)/4... ] = x·eᵀ/4 = [[1/4], [1/4]], db = 3/4
    (W0, b0), (W1, b1) = ann_ref.train(**dict(ARTICLE, iterations=1))
    assert W0 == [[0.4], [0.2]] and b0 == 1.0
    assert W1 == [[0.4 - 0.1 * 0.25], [0.2 - 0.1 * 0.25]]
    assert b1 == 1.0 - 0.1 * 0.75


def article_numpy_trajectory(np, iterations):
    """The article's program, line for line, recording W and b after every update."""
    x = np.array([[0, 1, 0, 1], [0, 0, 1, 1]])
    y = np.array([[0, 0, 0, 1]])
    W = np.zeros((x.shape[0], y.shape[0]))
    W[0], W[1] = 0.4, 0.2
    b = 1
    m = x.shape[1]
    a = 0.1
    trajectory = [(W.copy(), b)]
    for i in range(iterations):
        z = np.dot(W.T, x) + b
        s = 1 / (1 + np.exp(-z))
        s = s >= 0.5
        y_pred = np.array(s, dtype='int64')
        dW = np.dot(x, (y_pred - y).T) / m
        db = np.sum(y_pred - y) / m
        W = W - a * dW
        b = b - a * db
        trajectory.append((W.copy(), b))
    return trajectory


def test_every_state_matches_the_articles_numpy_program():
    np = pytest.importorskip("numpy", reason="NumPy is not installed: the article's own "
                             "program cannot run, so the trajectory is not compared")
    expected = article_numpy_trajectory(np, 1000)
    got = ann_ref.train(**ARTICLE)
    assert len(got) == len(expected) == 1001
    for k, ((W, b), (W_np, b_np)) in enumerate(zip(got, expected)):
        assert [bits(v) for row in W for v in row] == \
            [bits(float(v)) for v in W_np.ravel()], "W differs at iteration %d" % k
        assert bits(b) == bits(float(b_np)), "b differs at iteration %d" % k
