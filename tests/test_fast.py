"""fast.py's step gives model.step's bits: at the threshold Z*, on every golden trace,
and on random scenarios of every shape and variant with NaN, ±inf, ±0.0 and subnormals.

    ANN_REF_FAST_SAMPLE=20000 python3 -m pytest tests/test_fast.py -m slow   # more"""
import json
import os
import random
import struct

import pytest

from ann_ref.core.arithmetic import BINARY64
from ann_ref.core.fast import stepper
from ann_ref.core.libm import LIBM
from ann_ref.core.model import LOGISTIC, THRESHOLD, step as model_step
from ann_ref.core.softfloat import SOFTWARE, Binary64
from ann_ref.core.training import trajectory
from decimal_exp import reference_exp
from helpers import GOLDEN, golden_names

INF = float("inf")
NAN = float("nan")
Z_STAR = BINARY64.z_star()


def sigmoid(z):
    return 1.0 / (1.0 + BINARY64.exp(-z))


def step(x, y, W, b, a, variant, A=BINARY64):
    """model.step of the article's one layer: the readable step, (W, b) → (W, b)."""
    return model_step(A, x, y, [(W, b)], a, variant)[0]


def bits(v):
    return "nan" if v != v else "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def f(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def key(W, b):
    return [bits(v) for row in W for v in row] + [bits(b)]


def neighbour(v, up):
    """The next float above (up) or below v, for v < 0 finite and nonzero."""
    n = struct.unpack("<Q", struct.pack("<d", v))[0]
    return f(n - 1 if up else n + 1)


# --- the threshold variant without exp ------------------------------------------------

def test_z_star_is_where_the_exact_sigmoid_reaches_one_half():
    # checked with the decimal reference exp, which shares nothing with ann_ref's
    def s(z):
        return 1.0 / (1.0 + reference_exp(-z))
    below, above = neighbour(Z_STAR, False), neighbour(Z_STAR, True)
    assert s(Z_STAR) >= 0.5 and s(above) >= 0.5 and s(below) < 0.5
    assert sigmoid(Z_STAR) >= 0.5 > sigmoid(below)
    # docs/SPEC.md §5: s(−2^−52) = 0.5 and s(−1.5·2^−52) < 0.5
    assert -1.5 * 2.0 ** -52 < Z_STAR <= -(2.0 ** -52)
    assert Z_STAR.hex() == "-0x1.7fffffffffffep-52"        # as the README gives it


def one_prediction(z, A=BINARY64, features=1):
    """y_pred for z, read off b after one step of x = [[1]], y = [[0]], W = [[z]],
    b = −0.0, a = 1 (so z + b = z and b becomes −y_pred), or of x = [[1], [1], ...],
    W = [[z], [−0.0], ...] (z + −0.0 is z): (fast step, model.step)."""
    return decision([1.0] * features, [z] + [-0.0] * (features - 1), -0.0, A)


def decision(xs, ws, b, A=BINARY64):
    """b after one step of one sample x = xs, W = ws, y = 0, a = 1: (fast, readable),
    after checking that both give the same W."""
    x, y, W = [[v] for v in xs], [[0.0]], [[w] for w in ws]
    fast = stepper(A, x, y, 1.0, THRESHOLD)((W, b))
    slow = step(x, y, W, b, 1.0, THRESHOLD, A)
    assert key(*fast) == key(*slow)
    return bits(fast[1]), bits(slow[1])


@pytest.mark.parametrize("features", [1, 2, 3])
@pytest.mark.parametrize("z", [
    Z_STAR, neighbour(Z_STAR, True), neighbour(Z_STAR, False),
    neighbour(neighbour(Z_STAR, False), False), -(2.0 ** -52), -1.5 * 2.0 ** -52,
    0.0, -0.0, 5e-324, -5e-324, INF, -INF, NAN, -NAN, 1e308, -1e308, -709.79, 36.74])
def test_the_threshold_decision_is_the_sigmoids(z, features):
    fast, slow = one_prediction(z, features=features)
    assert fast == slow
    expected = "bff0000000000000" if z == z and sigmoid(z) >= 0.5 else "8000000000000000"
    assert fast == expected


def test_the_decision_is_taken_on_z_with_b_added_last():
    # (3 + 1.35…) + b is 0.0 (s = 0.5, y_pred = 1); 3 + (1.35… + b) is −2^−51 < Z*
    xs, ws, b = [1.0, 1.0], [3.0, 1.3514609249020633], -4.351460924902064
    assert (3.0 + 1.3514609249020633) + b == 0.0 and 3.0 + (1.3514609249020633 + b) < Z_STAR
    assert decision(xs, ws, b) == (bits(b - 1.0),) * 2


def test_the_threshold_decision_on_a_sweep_around_z_star_and_at_random():
    rng = random.Random(12)
    zs = [f(struct.unpack("<Q", struct.pack("<d", Z_STAR))[0] + k) for k in range(-40, 40)]
    zs += [rng.uniform(-1e-15, 1e-15) for _ in range(300)]
    zs += [rng.choice((-1, 1)) * 10.0 ** rng.uniform(-320, 308) for _ in range(300)]
    for z in zs:
        for features in (1, 2):
            assert len(set(one_prediction(z, features=features))) == 1, z


def test_another_exp_is_asked_for_each_z():
    # libm's exp is not known to be correctly rounded, so Z* cannot stand for it: the
    # fast step computes its sigmoid, as model.step does
    for z in (Z_STAR, -(2.0 ** -52), 0.0, -1.0, 3.5, NAN):
        for features in (1, 2):
            assert len(set(one_prediction(z, LIBM, features))) == 1
    from ann_ref.core.arithmetic import Floats
    three = Floats("exp is 3", lambda v: 3.0, exact=False)     # s = 0.25 everywhere
    assert one_prediction(0.0, three)[0] == "8000000000000000"


# --- the catalogue: every state of every golden trace ---------------------------------

def unhex(A):
    return [[f(int(h, 16)) for h in row] for row in A]


@pytest.mark.parametrize("name", golden_names())
def test_every_step_of_every_golden_trace(name):
    with open(os.path.join(GOLDEN, name)) as fh:
        document = json.load(fh)
    s = document["scenario"]
    x, y = unhex(s["bits"]["x"]), unhex(s["bits"]["y"])
    a = f(int(s["bits"]["learning_rate"], 16))
    trace = [(unhex(t["bits"]["W"]), f(int(t["bits"]["b"], 16))) for t in document["trace"]]
    fast = stepper(BINARY64, x, y, a, s["variant"])
    for k in range(len(trace) - 1):
        W, b = trace[k]
        expected = key(*trace[k + 1])
        assert key(*fast((W, b))) == expected, "%s: iteration %d" % (name, k + 1)
        if k < 200:                              # the readable step is the slow one
            assert key(*step(x, y, W, b, a, s["variant"])) == expected
    n = len(trace) - 1
    got = [key(W, b) for W, b in trajectory(x, y, trace[0][0], trace[0][1], a, n, s["variant"])]
    assert got == [key(W, b) for W, b in trace]


# --- random scenarios -------------------------------------------------------------------

SPECIAL = [0.0, -0.0, NAN, INF, -INF, 5e-324, -5e-324, 2.2e-308, -1e-310, 1e308, -1e308,
           Z_STAR, -(2.0 ** -52), 2.0 ** -60, -709.79, 745.2, 36.74, -36.74, 1.0, -1.0]


def number(rng, special):
    """Mostly ordinary numbers of every size, sometimes an edge from SPECIAL."""
    r = rng.random()
    if r < special:
        return rng.choice(SPECIAL)
    if r < special + 0.1:
        return float(rng.randint(-3, 3))
    if r < special + 0.15:
        return rng.choice((-1, 1)) * 10.0 ** rng.uniform(-320, -290)   # subnormal products
    return rng.uniform(-4, 4) * 10.0 ** rng.choice((-20, -3, 0, 0, 0, 1, 2))


def scenario(rng):
    F, S, O = rng.randint(1, 5), rng.randint(1, 9), rng.randint(1, 3)
    special = rng.choice((0.0, 0.02, 0.1, 0.3))
    x = [[number(rng, special) for _ in range(S)] for _ in range(F)]
    y = [[rng.choice((0.0, 1.0, -0.0, number(rng, special))) for _ in range(S)]
         for _ in range(O)]
    W = [[number(rng, special) for _ in range(O)] for _ in range(F)]
    b = number(rng, special)
    a = rng.choice((0.1, 0.5, 1.0, 1e-3, 2.0 ** -1074, 3.0, -0.0, 0.0))
    return x, y, W, b, a, rng.choice((THRESHOLD, LOGISTIC))


def check_random_scenarios(count, seed):
    rng = random.Random(seed)
    for i in range(count):
        x, y, W0, b0, a, variant = scenario(rng)
        A = LIBM if rng.random() < 0.2 else BINARY64
        fast = stepper(A, x, y, a, variant)
        readable = [(W0, b0)]
        W, b = W0, b0
        for k in range(6):
            expected = step(x, y, W, b, a, variant, A)
            assert key(*fast((W, b))) == key(*expected), (seed, i, k, x, y, W, b, a, variant)
            W, b = expected
            readable.append(expected)
        got = list(trajectory(x, y, W0, b0, a, 6, variant, A))
        assert [key(*s) for s in got] == [key(*s) for s in readable], (seed, i)


def test_random_scenarios():
    check_random_scenarios(1000, seed=1)


@pytest.mark.slow
def test_many_random_scenarios():
    check_random_scenarios(int(os.environ.get("ANN_REF_FAST_SAMPLE", "20000")), seed=2)


# --- the shortcut and what states runs --------------------------------------------------

def test_the_shortcut_is_not_fooled_by_a_zero_of_the_other_sign():
    # W = −0.0 and an error of 0 everywhere: the update gives +0.0, which == −0.0; a
    # shortcut taken on == would repeat −0.0 for ever
    run = list(trajectory([[-1.0]], [[1.0]], [[-0.0]], 0.0, 0.5, 3))
    assert [bits(W[0][0]) for W, _ in run] == \
        ["8000000000000000"] + ["0000000000000000"] * 3


def test_the_shortcut_repeats_the_fixed_point():
    run = list(trajectory([[1.0]], [[1.0]], [[2.0]], 0.0, 0.5, 5))
    assert len(run) == 6 and all(key(*s) == key([[2.0]], 0.0) for s in run)


def test_the_fast_step_in_software_gives_the_readable_steps_bits():
    # the same fast step runs on softfloat's Binary64 where float is not binary64
    rng = random.Random(3)
    soft = lambda M: [[Binary64.of(v) for v in row] for row in M]
    hexes = lambda W, b: ["nan" if h == "7ff8000000000000" else h
                          for h in [v.hex_bits() for row in W for v in row] + [b.hex_bits()]]
    for i in range(40):
        x, y, W, b, a, variant = scenario(rng)
        expected = step(x, y, W, b, a, variant)
        got = stepper(SOFTWARE, soft(x), soft(y), Binary64.of(a), variant)(
            (soft(W), Binary64.of(b)))
        readable = step(soft(x), soft(y), soft(W), Binary64.of(b), Binary64.of(a), variant,
                        SOFTWARE)
        assert hexes(*got) == key(*expected) == hexes(*readable), i
