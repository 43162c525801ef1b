"""The binary32 step next to the binary64 step, and exp32 next to exp.

    python3 benchmarks/bench_binary32.py [--rounds N] [--quick]

For each shape, the same scenario (binary32 inputs, which binary64 holds exactly) runs
its steps in binary64 — training.trajectory' step on floats (fast.py) — and in binary32:
fast32.py's step on floats holding binary32 values (single.FLOATS32, what `run` and
`golden write` use), the same on single.BINARY32's Singles (made again at every step),
and model.step on Singles (the readable step, every part an object operation). Every
step is computed (the steps are applied in a loop: no fixed-point shortcut). In each
round every contender runs once, in turn, timed in the process's CPU time; the figure
is the median of the rounds' ratios, with the lowest and highest. The target is the
binary32 step within 2× the binary64 step. Then bench_exp32.py's exp32/exp ratios
(target 1.5×). Ratios are printed, never judged.
"""
import argparse
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ann_ref.core.arithmetic import BINARY64  # noqa: E402
from ann_ref.core.binary32 import round32  # noqa: E402
from ann_ref.core.datasets import ARTICLE, GATES, X_GATES  # noqa: E402
from ann_ref.core.fast import stepper  # noqa: E402
from ann_ref.core.model import step as model_step  # noqa: E402
from ann_ref.core.single import BINARY32, FLOATS32  # noqa: E402

TARGET = 2.0


def shapes(quick):
    """(label, x, y, W, b, a, variant, steps) of every scenario measured."""
    rng = random.Random(32)

    def real(F, S):
        x = [[round32(rng.uniform(-2.0, 2.0)) for _ in range(S)] for _ in range(F)]
        y = [[float(rng.random() < 0.5) for _ in range(S)]]
        W = [[round32(rng.uniform(-0.1, 0.1))] for _ in range(F)]
        return x, y, W, 0.25, 0.0625
    out = []
    for variant in ("threshold", "logistic"):
        out.append(("the article, %s, 2×4" % variant, X_GATES, GATES["and"], ARTICLE["W"],
                    1.0, round32(0.1), variant, 1000))
    out.append(("XOR, threshold, 2×4", X_GATES, GATES["xor"], [[0.0], [0.0]], 0.0,
                round32(0.1), "threshold", 1000))
    for F, S, n in ((9, 40, 200), (8, 64, 100), (16, 1024, 4)):
        if quick and S > 100:
            continue
        for variant in ("threshold", "logistic"):
            x, y, W, b, a = real(F, S)
            out.append(("%d×%d, %s" % (F, S, variant), x, y, W, b, a, variant, n))
    return out


def contenders(x, y, W, b, a, variant, n):
    """{name: function running n steps}, each checked to give the others' bits."""
    def on(A, readable=False):
        X = [[A.of(v) for v in row] for row in x]
        Y = [[A.of(v) for v in row] for row in y]
        W0, b0, a0 = [[A.of(v) for v in row] for row in W], A.of(b), A.of(a)
        if readable:
            def one(state):
                return model_step(A, X, Y, [state], a0, variant)[0]
        else:
            one = stepper(A, X, Y, a0, variant)

        def run():
            state = (W0, b0)
            for _ in range(n):
                state = one(state)
            return state
        return run
    runs = {"binary64": on(BINARY64), "binary32 on floats": on(FLOATS32),
            "binary32 on Singles": on(BINARY32),
            "model.step on Singles": on(BINARY32, readable=True)}
    bits = []
    for name in ("binary32 on floats", "binary32 on Singles", "model.step on Singles"):
        W1, b1 = runs[name]()
        A = FLOATS32 if name == "binary32 on floats" else BINARY32
        bits.append([A.bits(v) for row in W1 for v in row] + [A.bits(b1)])
    if bits[0] != bits[1] or bits[0] != bits[2]:
        sys.exit("bench_binary32.py: the binary32 steps give different bits")
    return runs


def side_by_side(runs, rounds):
    names = list(runs)
    times = {name: [] for name in names}
    for r in range(rounds):
        for i in range(len(names)):
            name = names[(r + i) % len(names)]
            start = time.process_time()
            runs[name]()
            times[name].append(time.process_time() - start)
    return times


def ratio(times, slow, fast):
    r = sorted(s / f for s, f in zip(times[slow], times[fast]))
    return statistics.median(r), r[0], r[-1]


def report(rounds=15, quick=False, out=print):
    """Print the ratios; return {(label, contender): median ratio to binary64}."""
    out("binary32 step / binary64 step, CPU time, median of %d rounds (lowest–highest); "
        "target ≤ %.1f×" % (rounds, TARGET))
    found = {}
    for label, x, y, W, b, a, variant, n in shapes(quick):
        runs = contenders(x, y, W, b, a, variant, n)
        if label.startswith("16×"):
            del runs["model.step on Singles"]          # minutes; nothing to learn
        times = side_by_side(runs, rounds)
        per_step = statistics.median(times["binary64"]) / n * 1e6
        cells = []
        for name in list(runs)[1:]:
            mid, low, high = ratio(times, name, "binary64")
            found[(label, name)] = mid
            cells.append("%s %.2f× (%.2f–%.2f)" % (name, mid, low, high))
        out("  %-26s binary64 %7.1f µs/step; %s" % (label + ",", per_step, "; ".join(cells)))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and shapes")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else args.rounds
    report(rounds, args.quick)
    import bench_exp32
    bench_exp32.report(n=500 if args.quick else 2000, rounds=rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
