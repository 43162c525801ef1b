"""Binary64 in software (softfloat) against the float path, side by side in one run.

    python benchmarks/bench_soft.py                 # CPython: operations, steps, scenarios
    python benchmarks/bench_soft.py --micropython   # also both paths inside MicroPython

The float path is what runs wherever float is binary64; the software path is what a
single-precision board runs. Each figure is the median of several repetitions; the
ratio software / float is what to read (the machine is shared and noisy).
"""
import json
import os
import statistics
import sys
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))

from ann_ref.core import softfloat, trace  # noqa: E402
from ann_ref.core.softfloat import Binary64  # noqa: E402

SCENARIOS = ["article.json", "article-logistic.json", "gate-xor.json",
             "multi-output-logistic.json", "real-valued-threshold.json"]


def median_seconds(f, repeat=7, number=1):
    return statistics.median(timeit.repeat(f, number=number, repeat=repeat)) / number


def scenario(name):
    with open(os.path.join(ROOT, "golden", name)) as f:
        return json.load(f)["scenario"]


def row(label, float_s, soft_s, unit="s"):
    scale = {"s": 1, "us": 1e6}[unit]
    print("%-34s %10.3f %s %10.3f %s %8.0f×" % (label, float_s * scale, unit, soft_s * scale,
                                                unit, soft_s / float_s))


def operations():
    u, v = 0.7390851332151607, -1.2345678901234567e-3
    U, V = Binary64.from_hex("3fe7a6b7a6c0e0c2"), Binary64.from_hex("bf543a5d5a4c3b2a")
    n = 20000
    for name, f, s in (("+", lambda: u + v, lambda: U + V), ("*", lambda: u * v, lambda: U * V),
                       ("/", lambda: u / v, lambda: U / V),
                       (">=", lambda: u >= 0.5, lambda: U >= 0.5)):
        row("one %s" % name, median_seconds(f, number=n), median_seconds(s, number=n), "us")
    from ann_ref import exp
    row("one exp (exp vs exp_bits)", median_seconds(lambda: exp(-u), number=2000),
        median_seconds(lambda: softfloat.exp(-U), number=200), "us")


def scenarios():
    total_float = total_soft = 0.0
    for name in SCENARIOS:
        s = scenario(name)
        f = median_seconds(lambda: list(trace.trace_bits(s, software=False)), repeat=5)
        g = median_seconds(lambda: list(trace.trace_bits(s, software=True)), repeat=3)
        total_float += f
        total_soft += g
        row(name, f, g)
    row("these %d scenarios" % len(SCENARIOS), total_float, total_soft)


def micropython():
    import runtimes
    names = runtimes.golden_names()
    results = {}
    for label, options in (("float", []), ("software", ["--software"])):
        result = runtimes.run("micropython", names, mpy=True, options=options)
        if not result.ok:
            print("micropython %s path FAILED\n%s" % (label, result.output))
            return
        results[label] = result
    for name in SCENARIOS + [None]:
        row("MicroPython " + (name or "catalogue (%d)" % len(names)),
            results["float"].seconds_of(name), results["software"].seconds_of(name))


def main(argv):
    print("%-34s %13s %13s %9s" % ("", "float", "software", "ratio"))
    operations()
    scenarios()
    if "--micropython" in argv:
        micropython()


if __name__ == "__main__":
    main(sys.argv[1:])
