"""fast32.py's step gives model.step's bits in binary32 (docs/SPEC.md §10): on every
golden binary32 trace, at the threshold Z*, and on random scenarios of every shape and
variant with NaN, ±inf, ±0.0, subnormals and overflows — with struct's rounding and with
array("f")'s, on Singles and on floats; and the readable step it falls back on.

    ANN_REF_FAST_SAMPLE=20000 python3 -m pytest tests/test_binary32_fast.py -m slow"""
import json
import os
import random
import struct

import pytest

from ann_ref.core import fast, fast32
from ann_ref.core.arithmetic import Arithmetic
from ann_ref.core.model import LOGISTIC, THRESHOLD, step as model_step
from ann_ref.core.single import BINARY32, FLOATS32, Single
from ann_ref.core.training import trajectory
from helpers import GOLDEN

INF = float("inf")
NAN = float("nan")
FOLDER = os.path.join(GOLDEN, "binary32")


def f32(n):
    return struct.unpack("<f", struct.pack("<I", n))[0]


def b32(v):
    return "nan" if v != v else "%08x" % struct.unpack("<I", struct.pack("<f", v))[0]


def singles(M):
    return [[Single(v) for v in row] for row in M]


def key(state):
    W, b = state
    value = (lambda v: v.v) if type(b) is Single else (lambda v: v)   # noqa: E731
    return [b32(value(v)) for row in W for v in row] + [b32(value(b))]


def readable(x, y, W, b, a, variant):
    """model.step on Singles: the contract, part by part."""
    [(W1, b1)] = model_step(BINARY32, singles(x), singles(y), [(singles(W), Single(b))],
                            Single(a), variant)
    return W1, b1


def fast_steps(x, y, a, variant):
    """stepper32's step on Singles and on floats, each taking float states."""
    on_singles = fast.stepper(BINARY32, singles(x), singles(y), Single(a), variant)
    on_floats = fast.stepper(FLOATS32, x, y, a, variant)
    return [lambda W, b: on_singles((singles(W), Single(b))),
            lambda W, b: on_floats((W, b))]


# --- the threshold, Z* -------------------------------------------------------------------

Z = FLOATS32.z_star()


def neighbours(v, k):
    n = struct.unpack("<I", struct.pack("<f", v))[0]
    return [f32(m) for m in range(n - k, n + k + 1)]


@pytest.mark.parametrize("features", [1, 2, 3])
def test_the_threshold_decision_is_the_sigmoids_around_z_star(features):
    # z = Σ of products and b: b's addition decides, on z + b before its rounding
    for z in neighbours(Z, 6) + [0.0, -0.0, f32(1), f32(0x80000001), INF, -INF, NAN,
                                 f32(0xB4000000), f32(0xB4400000), f32(0xB3800000)]:
        for b in (0.0, -0.0, f32(0x33800000), f32(0xB3800000), f32(0xB4000000)):
            x, W = [[1.0]] * features, [[z]] + [[-0.0]] * (features - 1)
            expected = key(readable(x, [[0.0]], W, b, 1.0, THRESHOLD))
            for step in fast_steps(x, [[0.0]], 1.0, THRESHOLD):
                assert key(step(W, b)) == expected, (z, b, features)


def test_the_decision_point_is_the_least_sum_that_rounds_to_z_star_or_above():
    T = fast32.T
    below = struct.unpack("<d", struct.pack("<q", struct.unpack("<q", struct.pack("<d", T))[0]
                                             + 1))[0]           # the next binary64 down
    rounded = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]   # noqa: E731
    assert fast32.Z == Z == BINARY32.z_star().v
    assert rounded(T) >= Z > rounded(below)


# --- the catalogue -----------------------------------------------------------------------

def catalogue():
    if not os.path.exists(os.path.join(FOLDER, "manifest.json")):
        return []
    with open(os.path.join(FOLDER, "manifest.json")) as f:
        return sorted(json.load(f)["files"])


def unhex(M):
    return [[f32(int(h, 16)) for h in row] for row in M]


@pytest.mark.parametrize("name", catalogue())
def test_every_step_of_every_golden_binary32_trace(name):
    with open(os.path.join(FOLDER, name)) as fh:
        document = json.load(fh)
    s = document["scenario"]
    x, y = unhex(s["bits"]["x"]), unhex(s["bits"]["y"])
    a = f32(int(s["bits"]["learning_rate"], 16))
    trace = [(unhex(t["bits"]["W"]), f32(int(t["bits"]["b"], 16))) for t in document["trace"]]
    steps = fast_steps(x, y, a, s["variant"])
    for k in range(len(trace) - 1):
        expected = key(trace[k + 1])
        for step in steps:
            assert key(step(*trace[k])) == expected, "%s: iteration %d" % (name, k + 1)
        if k < 100:                       # the readable step is the slow one
            assert key(readable(x, y, trace[k][0], trace[k][1], a, s["variant"])) == expected
    n = len(trace) - 1
    got = [key(state) for state in trajectory(x, y, trace[0][0], trace[0][1], a, n, s["variant"],
                                          FLOATS32)]
    assert got == [key(state) for state in trace]


# --- random scenarios ----------------------------------------------------------------------

SPECIAL = [0.0, -0.0, NAN, INF, -INF, f32(1), f32(0x80000001), f32(0x00800000),
           f32(0x807FFFFF), f32(0x7F7FFFFF), f32(0xFF7FFFFF), Z, f32(0xB4000000),
           f32(0x34000000), 88.72283935546875, -88.72284698486328, 103.97208404541016,
           -103.97209, 16.635532, -16.635532, 1.0, -1.0, 3e38, -3e38]


def number(rng, special):
    """A binary32, mostly ordinary, of every size; sometimes an edge from SPECIAL."""
    r = rng.random()
    if r < special:
        v = rng.choice(SPECIAL)
    elif r < special + 0.1:
        v = float(rng.randint(-3, 3))
    elif r < special + 0.15:
        v = rng.choice((-1, 1)) * 10.0 ** rng.uniform(-45, -30)     # subnormal products
    else:
        v = rng.uniform(-4, 4) * 10.0 ** rng.choice((-20, -3, 0, 0, 0, 1, 2, 19))
    return BINARY32.of(v).v


def scenario(rng, most=(5, 9, 3)):
    F, S, O = rng.randint(1, most[0]), rng.randint(1, most[1]), rng.randint(1, most[2])
    special = rng.choice((0.0, 0.02, 0.1, 0.3))
    x = [[number(rng, special) for _ in range(S)] for _ in range(F)]
    y = [[rng.choice((0.0, 1.0, -0.0, number(rng, special))) for _ in range(S)]
         for _ in range(O)]
    W = [[number(rng, special) for _ in range(O)] for _ in range(F)]
    b = number(rng, special)
    a = BINARY32.of(rng.choice((0.1, 0.5, 1.0, 1e-3, 1e-45, 3.0, -0.0, 0.0, 1e30))).v
    return x, y, W, b, a, rng.choice((THRESHOLD, LOGISTIC))


def check_random_scenarios(count, seed, most=(5, 9, 3)):
    rng = random.Random(seed)
    for i in range(count):
        x, y, W0, b0, a, variant = scenario(rng, most)
        steps = fast_steps(x, y, a, variant)
        W, b = W0, b0
        run = [(W0, b0)]
        for k in range(5):
            W, b = readable(x, y, W, b, a, variant)
            expected = key((W, b))
            for one in steps:
                assert key(one(*run[-1])) == expected, (seed, i, k, x, y, W0, b0, a,
                                                               variant)
            run.append(([[v.v for v in row] for row in W], b.v))
            W, b = run[-1]
        got = list(trajectory(x, y, W0, b0, a, 5, variant, FLOATS32))
        assert [key(s) for s in got] == [key(s) for s in run], (seed, i)


def test_random_scenarios():
    check_random_scenarios(300, seed=1)


def test_random_scenarios_of_the_step_on_singles_it_falls_back_on(monkeypatch):
    # where exec is missing
    monkeypatch.setattr(fast32, "source", lambda *shape: "raise NameError('no exec')")
    check_random_scenarios(60, seed=2)


def test_random_scenarios_rounded_through_array_alone(monkeypatch):
    # where struct has no Struct (MicroPython), array("f") rounds every row
    rounding = fast32._rounding
    monkeypatch.setattr(fast32, "_rounding", lambda n, cast=False: rounding(n, True))
    check_random_scenarios(100, seed=4)


def test_random_scenarios_in_blocks_of_samples(monkeypatch):
    # the written-out step takes the samples in blocks, the last one padded
    monkeypatch.setattr(fast32, "BLOCK", 3)
    check_random_scenarios(100, seed=6)


def test_random_scenarios_of_larger_shapes():
    check_random_scenarios(20, seed=3, most=(20, 70, 3))


def test_the_written_out_step_is_python_for_the_shape():
    text = fast32.source(2, 4, 1, THRESHOLD, True)
    assert "z0+b>=T" in text and "x1_3" in text and "x2_" not in text
    compile(fast32.source(3, 5, 2, LOGISTIC, False), "step", "exec")


@pytest.mark.slow
def test_many_random_scenarios():
    check_random_scenarios(int(os.environ.get("ANN_REF_FAST_SAMPLE", "20000")), seed=5)


def test_a_row_that_overflows_is_rounded_to_inf():
    # struct refuses MAX + MAX (finite in binary64, inf in binary32): z, then W − a·dW
    # with a = −MAX; the step is computed again through array("f")
    largest = f32(0x7F7FFFFF)
    x, y, W, b = [[1.0, 1.0]], [[0.0, 0.0]], [[largest]], largest
    for variant in (THRESHOLD, LOGISTIC):
        expected = key(readable(x, y, W, b, -largest, variant))
        assert expected == ["7f800000", "7f800000"]
        for step in fast_steps(x, y, -largest, variant):
            assert key(step(W, b)) == expected


def test_another_exp_is_asked_for_each_z():
    # an Arithmetic whose exp is not the correctly rounded one: no Z*, its sigmoid
    three = Arithmetic("binary32, exp is 3", Single, lambda v: Single(3.0), BINARY32.of,
                       BINARY32.from_bits, BINARY32.bits, exact=False, format="binary32")
    x, y = [[1.0, 2.0, -1.0]], [[0.0, 1.0, 1.0]]
    for variant in (THRESHOLD, LOGISTIC):
        [(W1, b1)] = model_step(three, singles(x), singles(y), [(singles([[0.5]]), Single(0.25))],
                                Single(0.5), variant)
        got = fast.stepper(three, singles(x), singles(y), Single(0.5), variant)(
            (singles([[0.5]]), Single(0.25)))
        assert key(got) == key((W1, b1))
