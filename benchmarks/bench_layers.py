"""The speed of a network of layers (docs/SPEC.md §9): XOR on golden/layers/xor.json's
2-2-1 network, 10,000 iterations, measured side by side (benchmarks/bench.py's way: in
each round every contender runs once, in turn, in the process's CPU time; the median of
the rounds' ratios, with the lowest and highest).

    python3 benchmarks/bench_layers.py             # 15 rounds
    python3 benchmarks/bench_layers.py --rounds 5

The contenders: the core's network_states (fast_layers.network_stepper, what run and golden
use: on CPython the step written out for the network's shape, core/straight.py); the
same loop in NumPy, float64, as the article writes its own (np.dot, np.exp, np.sum; the
hidden error np.dot(W2, e2) * s1 * (1 - s1)); benchmarks/kernel_layers.py, the fewest
pure-Python operations that follow §9 in loops, whose bits are checked against the core's
first; the core's own loops (fast_layers.looped_stepper, what MicroPython runs); the
readable model.step in a loop; and, to show what the correctly rounded exp costs, the
core's step with the C library's exp (not the contract's).

Figures of one run with 5 rounds on this project's machine (2 cores, busy), before the
straight code and the faster exp / after: NumPy / core states 1.31× / 3.09×; NumPy /
kernel 1.26× / 1.44×; NumPy / core states with libm's exp 2.01× / 7.87×; a step of the
core 18.7 µs / 7.3 µs.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ann_ref.catalogue.document import checked  # noqa: E402
from ann_ref.catalogue.layers import BY_NAME  # noqa: E402
from ann_ref.core.arithmetic import BINARY64  # noqa: E402
from ann_ref.core.bits import hex_bits  # noqa: E402
from ann_ref.core.fast_layers import looped_stepper  # noqa: E402
from ann_ref.core.libm import LIBM  # noqa: E402
from ann_ref.core.model import step  # noqa: E402
from ann_ref.core.training import network_trajectory  # noqa: E402
from bench import ratio, show, side_by_side  # noqa: E402
from kernel_layers import kernel  # noqa: E402

try:
    import numpy
except ImportError:
    numpy = None

ITERATIONS = 10000


def numpy_loop(np, x, y, layers, a, n):
    """The 2-2-1 network in NumPy, float64, each line as the article writes its own."""
    (W1, b1), (W2, b2) = [(np.array(W), np.array(b)) for W, b in layers]
    x, y = np.array(x), np.array(y)
    m = x.shape[1]
    for i in range(n):
        z1 = np.dot(W1.T, x) + b1
        s1 = 1 / (1 + np.exp(-z1))
        z2 = np.dot(W2.T, s1) + b2
        s2 = 1 / (1 + np.exp(-z2))
        e2 = s2 - y
        e1 = np.dot(W2, e2) * s1 * (1 - s1)
        dW2 = np.dot(s1, e2.T) / m
        db2 = np.sum(e2, axis=1, keepdims=True) / m
        dW1 = np.dot(x, e1.T) / m
        db1 = np.sum(e1, axis=1, keepdims=True) / m
        W2 = W2 - a * dW2
        b2 = b2 - a * db2
        W1 = W1 - a * dW1
        b1 = b1 - a * db1
    return [(W1, b1), (W2, b2)]


def last(run):
    for state in run:
        pass
    return state


def bits(layers):
    return [hex_bits(float(v)) for W, b in layers for M in (W, b) for row in M for v in row]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    s = checked(BY_NAME["xor"])
    x, y, layers, a = s["x"], s["y"], s["layers"], s["learning_rate"]
    n = ITERATIONS

    def readable():
        state = layers
        for _ in range(n):
            state = step(BINARY64, x, y, state, a, "logistic")
        return state

    def looped():
        state, next_state = layers, looped_stepper(BINARY64, x, y, a)
        for _ in range(n):
            state = next_state(state)
        return state
    contenders = {
        "ann_ref": lambda: last(network_trajectory(x, y, layers, a, n, "logistic")),
        "kernel": lambda: kernel(x, y, layers, a, n),
        "loops": looped,
        "model.step": readable,
        "libm exp": lambda: last(network_trajectory(x, y, layers, a, n, "logistic", LIBM)),
    }
    if numpy is not None:
        contenders["numpy"] = lambda: numpy_loop(numpy, x, y, layers, a, n)
    ours = bits(contenders["ann_ref"]())
    if bits(contenders["kernel"]()) != ours or bits(readable()) != ours or bits(looped()) != ours:
        raise SystemExit("kernel_layers.py, model.step, the core's loops and its states disagree")
    if numpy is not None:
        theirs = [float(v) for v in numpy_loop(numpy, x, y, layers, a, n)[0][0].flat]
        close = max(abs(u - float(v)) for u, v in zip(theirs, [v for r in contenders[
            "ann_ref"]()[0][0] for v in r]))
        print("NumPy's first-layer W after %d iterations is within %.1e of ann_ref's (its "
              "exp and sums are not the spec's)" % (n, close))
    times = side_by_side(contenders, args.rounds)
    print("XOR, the 2-2-1 network of golden/layers/xor.json, logistic, %d iterations, "
          "%d rounds; ratio, (spread):" % (n, args.rounds))
    if numpy is None:
        print("  NumPy is not installed: no comparison with NumPy")
    else:
        show("NumPy time / core states time", ratio(times, "numpy", "ann_ref"), "≥ 2×")
        show("NumPy time / kernel time", ratio(times, "numpy", "kernel"))
        show("NumPy time / core states with libm's exp (not the contract)",
             ratio(times, "numpy", "libm exp"))
    show("core states time / kernel time", ratio(times, "ann_ref", "kernel"), "≤ 1.1×")
    show("the core's loops (MicroPython's step) / core states time",
         ratio(times, "loops", "ann_ref"))
    show("the core's loops / kernel time", ratio(times, "loops", "kernel"))
    show("model.step time / core states time", ratio(times, "model.step", "ann_ref"))
    show("the correctly rounded exp's share: core time / core with libm's exp",
         ratio(times, "ann_ref", "libm exp"))
    per_step = sorted(times["ann_ref"])[len(times["ann_ref"]) // 2] / n
    print("  a step of the core: %.1f µs, of which 12 correctly rounded exps" % (per_step * 1e6))


if __name__ == "__main__":
    main()
