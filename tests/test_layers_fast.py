"""fast_layers.network_stepper gives model.step's bits on networks of layers (docs/SPEC.md §9,
the logistic variant): on every golden layered trace, and on random networks of every
depth and width with NaN, ±inf, ±0.0 and subnormals, on floats, with another exp, and in
software. Both of its arrangements: straight.py's step written out for the network's
shape (what CPython runs) and looped_stepper's loops (what MicroPython runs).

    ANN_REF_FAST_SAMPLE=5000 python3 -m pytest tests/test_layers_fast.py -m slow   # more"""
import json
import os
import random
import struct

import pytest

from ann_ref.core.arithmetic import BINARY64
from ann_ref.core import straight
from ann_ref.core.fast_layers import looped_stepper, network_stepper
from ann_ref.core.libm import LIBM
from ann_ref.core.model import LOGISTIC, THRESHOLD, step
from ann_ref.core.softfloat import SOFTWARE, Binary64
from ann_ref.core.training import network_trajectory
from helpers import GOLDEN
from test_fast import number

LAYERS = os.path.join(GOLDEN, "layers")


def bits(v):
    return "nan" if v != v else "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def key(layers):
    return [bits(v) for W, b in layers for M in (W, b) for row in M for v in row]


def f(h):
    return struct.unpack("<d", struct.pack("<Q", int(h, 16)))[0]


def unhex(M):
    return [[f(h) for h in row] for row in M]


def layered_names():
    path = os.path.join(LAYERS, "manifest.json")
    if not os.path.exists(path):
        return []
    with open(path) as fh:
        return sorted(json.load(fh)["files"])


# --- the catalogue: every state of every golden layered trace ---------------------------

STEPPERS = [network_stepper, looped_stepper]


@pytest.mark.parametrize("stepper", STEPPERS)
@pytest.mark.parametrize("name", layered_names())
def test_every_step_of_every_golden_layered_trace(name, stepper):
    with open(os.path.join(LAYERS, name)) as fh:
        document = json.load(fh)
    s = document["scenario"]
    x, y = unhex(s["bits"]["x"]), unhex(s["bits"]["y"])
    a = f(s["bits"]["learning_rate"])
    trace = [[(unhex(l["W"]), unhex(l["b"])) for l in t["bits"]["layers"]]
             for t in document["trace"]]
    assert s["variant"] == LOGISTIC
    fast = stepper(BINARY64, x, y, a)
    for k in range(len(trace) - 1):
        expected = key(trace[k + 1])
        assert key(fast(trace[k])) == expected, "%s: iteration %d" % (name, k + 1)
        if k < 100:                              # the readable step is the slow one
            assert key(step(BINARY64, x, y, trace[k], a, s["variant"])) == expected
    got = [key(state) for state in network_trajectory(x, y, trace[0], a, len(trace) - 1,
                                                  s["variant"])]
    assert got == [key(state) for state in trace]


# --- random networks --------------------------------------------------------------------

def network(rng):
    """Inputs, targets and layers of a random network: 1 to 4 layers of 1 to 4 units,
    1 to 7 samples, numbers of every size with edges (NaN, ±inf, ±0.0, subnormals, Z*)."""
    widths = [rng.randint(1, 4) for _ in range(rng.randint(2, 5))]
    S = rng.randint(1, 7)
    special = rng.choice((0.0, 0.02, 0.1, 0.3))
    x = [[number(rng, special) for _ in range(S)] for _ in range(widths[0])]
    y = [[rng.choice((0.0, 1.0, -0.0, number(rng, special))) for _ in range(S)]
         for _ in range(widths[-1])]
    layers = [([[number(rng, special) for _ in range(widths[l + 1])]
                for _ in range(widths[l])],
               [[number(rng, special)] for _ in range(widths[l + 1])])
              for l in range(len(widths) - 1)]
    a = rng.choice((0.1, 0.5, 1.0, 1e-3, 2.0 ** -1074, 3.0, -0.0, 0.0))
    return x, y, layers, a, LOGISTIC


def check_random_networks(count, seed, stepper=network_stepper):
    rng = random.Random(seed)
    depths = set()
    for i in range(count):
        x, y, layers, a, variant = network(rng)
        depths.add(len(layers))
        A = LIBM if rng.random() < 0.2 else BINARY64
        fast = stepper(A, x, y, a)
        readable = [layers]
        state = layers
        for k in range(5):
            expected = step(A, x, y, state, a, variant)
            assert key(fast(state)) == key(expected), (seed, i, k, x, y, state, a, variant)
            state = expected
            readable.append(expected)
        got = list(network_trajectory(x, y, layers, a, 5, variant, A))
        assert [key(s) for s in got] == [key(s) for s in readable], (seed, i)
    assert depths == {1, 2, 3, 4}


@pytest.mark.parametrize("stepper", STEPPERS)
def test_random_networks(stepper):
    check_random_networks(200, 1, stepper)


@pytest.mark.slow
@pytest.mark.parametrize("stepper", STEPPERS)
def test_many_random_networks(stepper):
    check_random_networks(int(os.environ.get("ANN_REF_FAST_SAMPLE", "5000")), 2, stepper)


def test_the_network_step_in_software_gives_the_readable_steps_bits():
    rng = random.Random(3)

    def soft(M):
        return [[Binary64.of(v) for v in row] for row in M]

    def hexes(layers):
        return ["nan" if h == "7ff8000000000000" else h
                for W, b in layers for M in (W, b) for row in M for h in
                [v.hex_bits() for v in row]]
    for i in range(25):
        x, y, layers, a, variant = network(rng)
        expected = key(step(BINARY64, x, y, layers, a, variant))
        soft_layers = [(soft(W), soft(b)) for W, b in layers]
        readable = step(SOFTWARE, soft(x), soft(y), soft_layers, Binary64.of(a), variant)
        assert hexes(readable) == expected, i
        for stepper in STEPPERS:
            got = stepper(SOFTWARE, soft(x), soft(y), Binary64.of(a))(soft_layers)
            assert hexes(got) == expected, (i, stepper)


def test_one_layer_with_a_column_b_is_the_articles_step_for_one_output():
    # a network of one layer and one output: b a column of one is the article's b
    rng = random.Random(4)
    for _ in range(50):
        x, y, layers, a, variant = network(rng)
        y = y[:1]
        W = [row[:1] for row in layers[0][0]]
        b = layers[0][1][0][0]
        (W1, b1), = step(BINARY64, x, y, [(W, b)], a, variant)
        (W2, b2), = network_stepper(BINARY64, x, y, a)([(W, [[b]])])
        assert key([(W1, [[b1]])]) == key([(W2, b2)])


def test_the_threshold_variant_which_section_9_does_not_define_is_model_steps():
    rng = random.Random(5)
    for _ in range(30):
        x, y, layers, a, _ = network(rng)
        expected, state = [layers], layers
        for k in range(3):
            state = step(BINARY64, x, y, state, a, THRESHOLD)
            expected.append(state)
        got = list(network_trajectory(x, y, layers, a, 3, THRESHOLD))
        assert [key(s) for s in got] == [key(s) for s in expected]


# --- the straight code: when it runs, and what it does with another shape --------------

def xor():
    x = [[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]]
    layers = [([[0.5, -0.5], [0.5, -0.5]], [[0.0], [0.0]]), ([[1.0], [1.0]], [[-1.0]])]
    return x, [[0.0, 1.0, 1.0, 0.0]], layers, 0.5


def test_xor_is_stepped_by_the_straight_code_and_other_shapes_by_the_loops():
    x, y, layers, a = xor()
    calls = []
    looped = looped_stepper(BINARY64, x, y, a)

    def counting(layers):
        calls.append(len(layers))
        return looped(layers)
    fast = straight.stepper(BINARY64, x, y, a, counting)
    state = layers
    for _ in range(20):
        expected = step(BINARY64, x, y, state, a, LOGISTIC)
        state = fast(state)
        assert key(state) == key(expected)
    assert calls == []                    # the straight code did every step
    rng = random.Random(6)
    wider = [([[number(rng, 0.0) for _ in range(3)] for _ in range(2)],
              [[number(rng, 0.0)] for _ in range(3)]),
             ([[number(rng, 0.0)] for _ in range(3)], [[number(rng, 0.0)]])]
    deeper = wider[:1] + [([[number(rng, 0.0)] * 3 for _ in range(3)], [[0.5]] * 3)] + wider[1:]
    for other in (wider, deeper):
        assert key(fast(other)) == key(step(BINARY64, x, y, other, a, LOGISTIC))
    assert calls == [2, 3]


def test_the_straight_code_is_for_small_networks_only():
    x, y, layers, a = xor()
    assert straight.straight_stepper(BINARY64, x, y, a, [2, 2, 1], None) is not None
    samples = straight.STRAIGHT_MOST // 6 + 1     # 2-2-1: 6 products a sample
    wide = [[0.5] * samples, [0.25] * samples]
    assert straight.straight_stepper(BINARY64, wide, [[1.0] * samples], a, [2, 2, 1],
                                     None) is None
    fast = network_stepper(BINARY64, wide, [[1.0] * samples], a)
    assert key(fast(layers)) == key(step(BINARY64, wide, [[1.0] * samples], layers, a, LOGISTIC))


def test_the_straight_source_writes_every_sum_left_to_right_from_its_first_term():
    source = straight.straight_source([2, 2, 1], 4)
    assert ("        s1_0_0 = one / (one + exp(-(w0_0_0 * s0_0_0 + w0_1_0 * s0_1_0 + b0_0)))"
            in source.splitlines())
    assert ("        v1_0_0 = w1_0_0 - a * ((s1_0_0 * e1_0_0 + s1_0_1 * e1_0_1 + s1_0_2 * e1_0_2"
            " + s1_0_3 * e1_0_3) / m)" in source.splitlines())
    assert "        e0_1_2 = (w1_1_0 * e1_0_2) * s1_1_2 * (one - s1_1_2)" in source.splitlines()
    assert "sum(" not in source and "fsum" not in source and "for " not in source


def test_micropython_runs_the_loops(monkeypatch):
    """On a board compiling the straight code would take heap: network_stepper is
    looped_stepper's step there, and straight.py is not imported."""
    import sys
    x, y, layers, a = xor()
    monkeypatch.setattr(sys.implementation, "name", "micropython")
    monkeypatch.delitem(sys.modules, "ann_ref.core.straight")
    fast = network_stepper(BINARY64, x, y, a)
    assert "ann_ref.core.straight" not in sys.modules
    assert fast.__qualname__ == "looped_stepper.<locals>.step"
    assert key(fast(layers)) == key(step(BINARY64, x, y, layers, a, LOGISTIC))
