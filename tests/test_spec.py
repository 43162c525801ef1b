"""The edges docs/SPEC.md states, each checked against the reference."""
import struct

from ann_ref import exp, sigmoid, train
from ann_ref.core.arithmetic import BINARY64
from ann_ref.core import model
from decimal_exp import reference_exp


def predict(s):
    return model.threshold(BINARY64, s)


def forward(W, b, x):
    """z, s and y_pred of one layer (W, b) on x: the model's parts."""
    [(z, _, s)] = model.forward(BINARY64, [(W, b)], x)
    return z, s, predict(s)


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def f(h):
    return struct.unpack("<d", struct.pack("<Q", int(h, 16)))[0]


def test_z_zero_gives_s_one_half_and_predicts_1():
    assert sigmoid(0.0) == 0.5 and sigmoid(-0.0) == 0.5
    assert predict([[sigmoid(0.0)]]) == [[1.0]]


def test_tiny_z_decisions():
    for z in (2.0 ** -55, -(2.0 ** -55), -(2.0 ** -53), -(2.0 ** -52)):
        assert sigmoid(z) == 0.5, z                 # even for these negative z
    z = -1.5 * 2.0 ** -52
    t = exp(-z)
    assert t == 1 + 2 * 2.0 ** -52 and 1 + t == 2 + 2.0 ** -51
    assert sigmoid(z) == 0.5 - 2.0 ** -53 and predict([[sigmoid(z)]]) == [[0.0]]


def test_overflow_and_underflow_of_exp_in_the_sigmoid():
    assert exp(709.79) == float("inf") and bits(sigmoid(-709.79)) == "0000000000000000"
    assert 1 + exp(-36.74) == 1.0 and 1 + exp(-36.73) > 1.0
    assert sigmoid(36.74) == 1.0 and exp(-745.14) == 0.0
    assert sigmoid(float("inf")) == 1.0 and bits(sigmoid(float("-inf"))) == "0000000000000000"


def test_exp_boundaries_of_the_table():
    largest = f("40862e42fefa39ef")
    assert largest == 709.782712893384 and exp(largest) < float("inf")
    assert exp(f("40862e42fefa39f0")) == float("inf")
    least = f("c0874910d52d3051")
    assert exp(least) == 5e-324 and exp(f("c0874910d52d3052")) == 0.0
    normal = f("c086232bdd7abcd2")
    assert exp(normal) >= 2.0 ** -1022 > exp(f("c086232bdd7abcd3"))


def test_nan_predicts_zero():
    _, s, y_pred = forward([[float("nan")]], 0.0, [[1.0]])
    assert s[0][0] != s[0][0] and y_pred == [[0.0]]


def test_negative_zero_weight_flips_when_its_gradient_is_negative_zero():
    # one feature x = -1, error 0 (y = y_pred = 1 since z = 0): dW = (-1)·0/1 = -0.0
    (W0, _), (W1, b1) = train([[-1.0]], [[1.0]], [[-0.0]], 0.0, 0.5, 1)
    assert bits(W0[0][0]) == "8000000000000000"
    assert bits(W1[0][0]) == "0000000000000000"       # -0.0 - 0.5·(-0.0) = +0.0
    assert bits(b1) == "0000000000000000"


def test_b_is_added_last_and_shared_by_every_output():
    # (1e16 + 1) - 1e16 = 0, the 1 lost to rounding; b first, (-1e16 + 1e16) + 1 = 1
    z, _, _ = forward([[1e16, 1e16], [1.0, 1.0]], -1e16, [[1.0], [1.0]])
    assert z == [[0.0], [0.0]]


def test_subnormals_are_kept_not_flushed():
    # 1e-300 · 1e-10 = 1e-310, a subnormal; flush-to-zero would give 0
    z, _, _ = forward([[1e-300]], 0.0, [[1e-10]])
    assert z == [[1e-300 * 1e-10]] and 0 < z[0][0] < 2.0 ** -1022
    assert exp(-745.0) == 5e-324 and exp(-740.0) == reference_exp(-740.0) > 0


def test_exp_underflows_to_zero_and_the_sigmoid_to_one_at_z_746():
    assert exp(-746.0) == 0.0 and sigmoid(746.0) == 1.0 and sigmoid(1e308) == 1.0
