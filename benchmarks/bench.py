"""Benchmarks of ann_ref: they measure and print, they never fail a build.

    python benchmarks/bench.py           # the article's run, exp, golden check, verify
    python benchmarks/bench.py --huge    # also 10^6-iteration run and verify: time, peak memory

Every figure is the median of several repetitions on this machine, printed with the
ratio to its reference point or target.
"""
import argparse
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

import ann_ref  # noqa: E402
from ann_ref.core.datasets import ARTICLE  # noqa: E402


def median_seconds(f, repeat=15, number=1):
    return statistics.median(timeit.repeat(f, number=number, repeat=repeat)) / number


def article_numpy(np):
    """The article's program, as published (its 1000-iteration loop)."""
    x = np.array([[0, 1, 0, 1], [0, 0, 1, 1]])
    y = np.array([[0, 0, 0, 1]])
    W = np.zeros((x.shape[0], y.shape[0]))
    W[0], W[1] = 0.4, 0.2
    b = 1
    m = x.shape[1]
    a = 0.1
    for i in range(1000):
        z = np.dot(W.T, x) + b
        s = 1 / (1 + np.exp(-z))
        s = s >= 0.5
        y_pred = np.array(s, dtype='int64')
        dW = np.dot(x, (y_pred - y).T) / m
        db = np.sum(y_pred - y) / m
        W = W - a * dW
        b = b - a * db
    return W, b


def bench_article():
    ours = median_seconds(lambda: ann_ref.train(**ARTICLE), repeat=25, number=5)
    print("article, 1000 iterations:  ann_ref.train  %8.3f ms" % (ours * 1e3))
    try:
        import numpy as np
    except ImportError:
        print("  NumPy is not installed: no comparison with the article's program")
        return
    theirs = median_seconds(lambda: article_numpy(np), repeat=15)
    print("                           article NumPy  %8.3f ms   (NumPy %s)"
          % (theirs * 1e3, np.__version__))
    print("  ratio: ann_ref is %.1f× faster than the article's NumPy loop (target ≥ 5×)"
          % (theirs / ours))


def bench_exp():
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
          "ratio %.0f×  (target ≤ 5 µs)" % (a * 1e6, b * 1e6, a / b))


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
    print("golden check, whole catalogue (19 files):  %6.2f s   (target < 10 s: %.0f%% of it)"
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
    parser.add_argument("--huge", action="store_true",
                        help="also time a 10^6-iteration run and verify, with peak memory")
    args = parser.parse_args()
    print("ann_ref %s on %s %s, %s" % (ann_ref.__version__, sys.implementation.name,
                                       sys.version.split()[0], sys.platform))
    bench_article()
    bench_exp()
    bench_golden_and_verify()
    if args.huge:
        bench_huge()


if __name__ == "__main__":
    main()
