"""Benchmarks of ann_ref: they measure and print, they never fail a build.

    python3 benchmarks/bench.py           # every figure: speed ratios, PyPy, exp, golden, verify
    python3 benchmarks/bench.py --quick   # fewer rounds
    python3 benchmarks/bench.py --huge    # also 10^6-iteration run and verify: time, peak memory

The machine is shared and noisy, so speed is given as ratios measured side by side:
in each round every contender runs once, in turn, and the round's ratio is taken; the
median over the rounds is printed with the lowest and highest (the spread). The
contenders are ann_ref, the article's NumPy loop (as published; the logistic variant
puts s − y where it has y_pred − y), and benchmarks/kernel.py, the fewest pure-Python
operations that follow docs/SPEC.md, whose bits are checked against ann_ref first.
"""
import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ann_ref  # noqa: E402
from ann_ref.core.datasets import ARTICLE, GATES, X_GATES  # noqa: E402
from ann_ref.core.bits import hex_bits  # noqa: E402
from ann_ref.core.checks import problem as checked  # noqa: E402
from ann_ref.core.arithmetic import BINARY64  # noqa: E402
from ann_ref.core.fast import stepper  # noqa: E402
from ann_ref.core.training import trajectory  # noqa: E402
from kernel import kernel  # noqa: E402

try:
    import numpy
except ImportError:
    numpy = None


def median_seconds(f, repeat=15, number=1):
    return statistics.median(timeit.repeat(f, number=number, repeat=repeat)) / number


def side_by_side(contenders, rounds):
    """{name: [seconds per round]} for functions timed in turn, round after round; the
    order rotates so that none always runs first. The time is the process's CPU time:
    on a shared machine wall time also counts the turns of other programs."""
    names = list(contenders)
    times = {name: [] for name in names}
    for r in range(rounds):
        for i in range(len(names)):
            name = names[(r + i) % len(names)]
            start = time.process_time()
            contenders[name]()
            times[name].append(time.process_time() - start)
    return times


def ratio(times, slow, fast):
    """(median, lowest, highest) of the per-round ratios slow/fast."""
    r = sorted(s / f for s, f in zip(times[slow], times[fast]))
    return statistics.median(r), r[0], r[-1]


def show(label, r, target=None):
    mid, low, high = r
    print("  %-52s %6.2f×  (%.2f–%.2f)%s" % (label, mid, low, high,
                                           "" if target is None else "  target %s" % target))


# --- the contenders ---------------------------------------------------------------------

def article_numpy(np, y=None, n=1000, logistic=False):
    """The article's program as published (its 1000-iteration loop); y another gate's
    labels; logistic puts s − y where the article has y_pred − y."""
    x = np.array([[0, 1, 0, 1], [0, 0, 1, 1]])
    y = np.array(y or [[0, 0, 0, 1]])
    W = np.zeros((x.shape[0], y.shape[0]))
    W[0], W[1] = 0.4, 0.2
    b = 1
    m = x.shape[1]
    a = 0.1
    for i in range(n):
        z = np.dot(W.T, x) + b
        s = 1 / (1 + np.exp(-z))
        if logistic:
            e = s - y
        else:
            s = s >= 0.5
            y_pred = np.array(s, dtype='int64')
            e = y_pred - y
        dW = np.dot(x, e.T) / m
        db = np.sum(e) / m
        W = W - a * dW
        b = b - a * db
    return W, b


def numpy_loop(np, x, y, W, b, a, n):
    """The same program, logistic, on float data of any shape."""
    x, y, W = np.array(x), np.array(y), np.array(W)
    m = x.shape[1]
    for i in range(n):
        z = np.dot(W.T, x) + b
        s = 1 / (1 + np.exp(-z))
        e = s - y
        dW = np.dot(x, e.T) / m
        db = np.sum(e) / m
        W = W - a * dW
        b = b - a * db
    return W, b


def without_shortcut(x, y, W, b, a, n, variant):
    """What ann_ref.train does with the fixed-point shortcut taken out: every step
    computed by the same fast step, every state copied."""
    x, y, W, b, a, n, variant = checked(x, y, W, b, a, n, variant)
    next_state = stepper(BINARY64, x, y, a, variant)
    trajectory = [(W, b)]
    for _ in range(n):
        W, b = next_state((W, b))
        trajectory.append(([row[:] for row in W], b))
    return trajectory


def problem(features, samples, seed=1):
    """Random logistic data: x in [−1, 1], labels 0 or 1, small weights."""
    rng = random.Random(seed)
    x = [[rng.uniform(-1.0, 1.0) for _ in range(samples)] for _ in range(features)]
    y = [[float(rng.random() < 0.5) for _ in range(samples)]]
    W = [[rng.uniform(-0.5, 0.5)] for _ in range(features)]
    return x, y, W, 0.25, 0.1


def same_bits(state1, state2):
    def key(W, b):
        return [hex_bits(v) for row in W for v in row] + [hex_bits(b)]
    return key(*state1) == key(*state2)


# --- the figures ------------------------------------------------------------------------

def consume(x, y, W, b, a, n, variant):
    """Every state of the core's states (training.py) on checked floats, none kept and
    none copied: what `run` and `golden write` do."""
    for state in trajectory(x, y, W, b, a, n, variant):
        pass
    return state


def bench_gates(rounds):
    """The article, XOR and AND logistic, 1000 iterations each, against NumPy."""
    article = dict(ARTICLE)
    xor = dict(ARTICLE, y=GATES["xor"])
    logistic = dict(ARTICLE, variant="logistic")
    x = [[float(v) for v in row] for row in X_GATES]
    W = [[0.4], [0.2]]
    xor_y = [[float(v) for v in GATES["xor"][0]]]
    and_y = [[float(v) for v in GATES["and"][0]]]
    contenders = {
        "article": lambda: ann_ref.train(**article),
        "article, every step": lambda: without_shortcut(
            article["x"], article["y"], article["W"], article["b"], 0.1, 1000, "threshold"),
        "xor": lambda: ann_ref.train(**xor),
        "xor states": lambda: consume(x, xor_y, W, 1.0, 0.1, 1000, "threshold"),
        "and logistic": lambda: ann_ref.train(**logistic),
        "and logistic states": lambda: consume(x, and_y, W, 1.0, 0.1, 1000, "logistic"),
    }
    if numpy is not None:
        contenders["numpy article"] = lambda: article_numpy(numpy)
        contenders["numpy xor"] = lambda: article_numpy(numpy, GATES["xor"])
        contenders["numpy and logistic"] = lambda: article_numpy(numpy, logistic=True)
    if not same_bits(contenders["article"]()[-1], contenders["article, every step"]()[-1]):
        raise SystemExit("the article's run without the shortcut ends elsewhere")
    times = side_by_side(contenders, rounds)
    print("The article's size (2 features × 4 samples), 1000 iterations; NumPy time / "
          "ann_ref time, (spread):")
    share = ratio(times, "article, every step", "article")
    if numpy is None:
        print("  NumPy is not installed: no comparison with the article's program")
    else:
        show("article (threshold AND), ann_ref.train", ratio(times, "numpy article", "article"))
        show("  the same, every step computed (no shortcut)",
             ratio(times, "numpy article", "article, every step"))
        show("XOR, threshold, ann_ref.train", ratio(times, "numpy xor", "xor"), "≥ 3×")
        show("  core states (no checks, no copies)",
             ratio(times, "numpy xor", "xor states"), "≥ 3×")
        show("AND, logistic, ann_ref.train", ratio(times, "numpy and logistic",
                                                   "and logistic"), "≥ 1.7×")
        show("  core states (no checks, no copies)",
             ratio(times, "numpy and logistic", "and logistic states"), "≥ 1.7×")
    show("the shortcut's share: article every step / article", share)
    print("  (the article's state stops changing after update 25: 975 steps are repeats)")


SIZES = [(2, 4, 1000), (8, 64, 100), (16, 1024, 8), (16, 4096, 4)]   # F, S, iterations
PYPY_SCALE = 30                  # PyPy runs these 30 times as many iterations


def bench_sizes(rounds, scale=1, warmup=0):
    """Logistic at growing sizes: the core's states against the kernel (and NumPy), and
    the one-off argument checks of ann_ref.train."""
    results = {}
    for features, samples, n in SIZES:
        n *= scale
        x, y, W, b, a = problem(features, samples)

        def ours():
            for state in trajectory(x, y, W, b, a, n, "logistic"):
                pass
            return state
        if not same_bits(kernel(x, y, W, b, a, n), ours()):
            raise SystemExit("kernel.py and ann_ref disagree at %d×%d" % (features, samples))
        contenders = {
            "ann_ref": ours,
            "kernel": lambda: kernel(x, y, W, b, a, n),
            "checks": lambda: checked(x, y, W, b, a, n, "logistic"),
        }
        if numpy is not None and sys.implementation.name == "cpython":
            contenders["numpy"] = lambda: numpy_loop(numpy, x, y, W, b, a, n)
        for _ in range(warmup):
            for f in contenders.values():
                f()
        times = side_by_side(contenders, rounds)
        results["%d×%d" % (features, samples)] = {
            "n": n, "step": statistics.median(times["ann_ref"]) / n,
            "kernel": ratio(times, "ann_ref", "kernel"),
            "checks": ratio(times, "checks", "kernel")[0] * n,
            "numpy": ratio(times, "numpy", "ann_ref") if "numpy" in times else None}
    return results


def show_sizes(results, target):
    for size, r in results.items():
        show("%s, %d it.: core states time / kernel time" % (size, r["n"]), r["kernel"], target)
    for size, r in results.items():
        if r["numpy"] is not None:
            show("%s: NumPy time / core states time" % size, r["numpy"])
    print("  ann_ref.train checks its arguments once, before the first step; that costs, "
          "in steps:\n    " + ",  ".join("%s %.2f" % (size, r["checks"])
                                          for size, r in results.items()))


def bench_pypy(cpython_sizes, rounds):
    """The sizes again under pypy3, after warm-up: ann_ref against the kernel there, and
    PyPy's ann_ref against CPython's."""
    try:
        out = subprocess.run(["pypy3", os.path.abspath(__file__), "--sizes-json",
                              "--rounds", str(rounds)], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print("  pypy3 did not run: %s" % e)
        return
    lines = out.strip().splitlines()
    print("PyPy (%s), %d× the iterations, after 3 warm-up runs; ratio, (spread):"
          % (lines[0], PYPY_SCALE))
    results = json.loads(lines[-1])
    show_sizes(results, "≤ 1.5×")
    for size, r in results.items():
        print("  %-52s %6.1f×" % ("%s: CPython / PyPy, time per step (medians)" % size,
                                  cpython_sizes[size]["step"] / r["step"]))


def bench_exp():
    """exp per call: bench_exp.py's figures when it is there, else one line here."""
    try:
        import bench_exp
    except ImportError:
        bench_exp = None
    if bench_exp is not None:
        bench_exp.report()
        bench_exp.report_heap()
        return
    rng = random.Random(1)
    xs = [rng.uniform(-30.0, 30.0) for _ in range(10000)]
    exp = ann_ref.exp

    def ours():
        for x in xs:
            exp(x)

    def libm():
        for x in xs:
            math.exp(x)

    def loop():
        for x in xs:
            pass

    base = median_seconds(loop, repeat=11)
    a = (median_seconds(ours, repeat=11) - base) / len(xs)
    b = (median_seconds(libm, repeat=11) - base) / len(xs)
    print("exp, per call (|x| ≤ 30):  ann_ref.exp  %6.2f µs   math.exp  %6.3f µs   "
          "ratio %.0f×" % (a * 1e6, b * 1e6, a / b))


def process_seconds(args, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "ann_ref"] + args, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if p.returncode not in (0, 1):
            raise SystemExit("ann-ref %s failed: %s" % (" ".join(args), p.stderr.decode()))
    return statistics.median(times)


def bench_golden_and_verify():
    t = process_seconds(["golden", "check"], repeat=3)
    print("golden check, whole catalogue:  %6.2f s   (target < 10 s: %.0f%% of it)"
          % (t, 100 * t / 10))
    long_run = os.path.join(ROOT, "golden", "long-run.json")
    t = process_seconds(["verify", long_run, long_run])
    print("verify, 10,000-iteration trace, whole process:  %6.3f s   (target < 1 s: %.0f%%)"
          % (t, 100 * t))


def peak(args):
    """Wall time and peak resident memory (MiB) of one `python -m ann_ref ARGS` process."""
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "print(time.perf_counter() - start, p.returncode,\n"
             "      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "ann_ref"] + args,
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]) / 1024.0


def bench_huge(iterations=10 ** 6):
    with tempfile.TemporaryDirectory() as tmp:
        scenario = os.path.join(tmp, "huge-scenario.json")
        with open(scenario, "w") as f:
            f.write('{"format": "ann-ref-golden", "version": 1, "scenario": {"name": "huge", '
                    '"variant": "logistic", "x": [[0, 1, 0, 1], [0, 0, 1, 1]], '
                    '"y": [[0, 0, 0, 1]], "W": [[0.4], [0.2]], "b": 1, '
                    '"learning_rate": 0.1, "iterations": %d}}\n' % iterations)
        trace = os.path.join(tmp, "huge.json")
        seconds, status, mib = peak(["run", scenario, "-o", trace])
        size = os.path.getsize(trace) / 2 ** 20
        print("run, %d iterations (logistic):  %6.1f s, peak memory %5.1f MiB "
              "(target < 50 MiB), output %d MiB" % (iterations, seconds, mib, size))
        seconds, status, mib = peak(["verify", trace, trace])
        print("verify, %d iterations:          %6.1f s, peak memory %5.1f MiB "
              "(target < 50 MiB), exit status %d" % (iterations, seconds, mib, status))
        seconds, status, mib = peak(["--version"])
        print("  (the interpreter alone: peak memory %.1f MiB)" % mib)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--rounds", type=int, help="rounds of the side-by-side timings")
    parser.add_argument("--speed", action="store_true",
                        help="only the speed ratios (CPython and PyPy)")
    parser.add_argument("--exp", action="store_true", help="only exp's timing")
    parser.add_argument("--huge", action="store_true",
                        help="also time a 10^6-iteration run and verify, with peak memory")
    parser.add_argument("--sizes-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds = args.rounds or (5 if args.quick else 15)
    if args.sizes_json:                       # the PyPy half of bench_pypy
        print("%s %s" % (sys.implementation.name, sys.version.split()[0].split("\n")[0]))
        print(json.dumps(bench_sizes(rounds, scale=PYPY_SCALE, warmup=3)))
        return
    print("ann_ref %s on %s %s, %s, %d CPUs; NumPy %s" % (
        ann_ref.__version__, sys.implementation.name, sys.version.split()[0], sys.platform,
        os.cpu_count(), numpy.__version__ if numpy else "not installed"))
    if not args.exp:
        bench_gates(rounds)
        print("Logistic, one output, features × samples (CPython); ratio, (spread):")
        cpython = bench_sizes(rounds)
        show_sizes(cpython, "≤ 1.1×")
        bench_pypy(cpython, rounds)
    if args.speed:
        return
    bench_exp()
    if args.exp:
        return
    bench_golden_and_verify()
    if args.huge:
        bench_huge()


if __name__ == "__main__":
    main()
