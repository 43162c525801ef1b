"""How fast exp32 is next to exp (ann_ref's correctly rounded binary64 exp), and what
rounding to binary32 costs, one value at a time and a list at once; with --misrounding,
how often NumPy's float32 np.exp and glibc's expf misround.

    python3 benchmarks/bench_exp32.py [--rounds N] [--misrounding [--sample N]]

Times are CPU time (time.process_time), so that another process on the machine does not
lengthen them. In each round, exp32 and exp run on the same binary32 arguments, one
after the other (in turn first), and the round gives the ratio of their times; the
report gives the median ratio over the rounds and its spread (the lowest and highest
ratio), with the median time per call of each. The target is exp32 within 1.5× exp.
Ratios are printed, never judged: tests/test_exp32.py only runs this.

--misrounding sweeps NumPy's float32 np.exp over every binary32 argument with a finite,
nonzero result, against (float)expl(x) computed through NumPy's longdouble (x87
extended): tools/exp32_screen.c shows that this rounds every binary32 argument right
(expl agrees with binary128 within 2^-40 ULP, and no e^x comes within 2^-28.66 ULP of a
midpoint). glibc's expf, called through ctypes, is measured on a random sample (the
screen counts it on every argument); exp32 runs on that sample too.
"""
import argparse
import os
import random
import statistics
import struct
import sys
import time
from array import array

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from ann_ref.core.binary32 import (X_MAX_BITS, X_MIN_BITS, exp32, round32,  # noqa: E402
                                   round32_list)
from ann_ref.core.exponential import exp  # noqa: E402

RANGES = [                                # name, low, high
    ("[-30, 30], sigmoids", -30.0, 30.0),
    ("[-87.33, 88.72], normal results", -87.33, 88.72),
    ("[-103.97, -87.34], subnormal results", -103.97, -87.34),
    ("[88, 88.72], the last binades", 88.0, 88.72),
    ("|x| < 2^-20, tiny", -2.0 ** -20, 2.0 ** -20),
]
TARGET = 1.5


def binary32_arguments(rng, n, low, high):
    return [round32(rng.uniform(low, high)) for _ in range(n)]


def cpu_time(f, xs):
    """CPU time of f over xs, in ns per call."""
    start = time.process_time()
    for x in xs:
        f(x)
    return (time.process_time() - start) / len(xs) * 1e9


def side_by_side(f, g, xs, rounds):
    """(median ns of f, median ns of g, median of f/g, lowest f/g, highest f/g) over
    rounds, f and g taking turns to go first."""
    tf, tg, ratios = [], [], []
    for r in range(rounds):
        if r % 2:
            b, a = cpu_time(g, xs), cpu_time(f, xs)
        else:
            a, b = cpu_time(f, xs), cpu_time(g, xs)
        tf.append(a)
        tg.append(b)
        ratios.append(a / b)
    return statistics.median(tf), statistics.median(tg), statistics.median(ratios), \
        min(ratios), max(ratios)


def report(n=2000, rounds=21, out=print):
    """Print, per range, exp32's time next to exp's; return {range: median ratio}."""
    rng = random.Random(2026)
    ratios = {}
    out("exp32 (binary32, correctly rounded) against exp (binary64, correctly rounded), "
        "CPU time per call, %d rounds of %d arguments" % (rounds, n))
    for name, low, high in RANGES:
        xs = binary32_arguments(rng, n, low, high)
        t32, t64, median, low_ratio, high_ratio = side_by_side(exp32, exp, xs, rounds)
        ratios[name] = median
        out("  %-38s exp32 %4.0f ns, exp %4.0f ns: exp32/exp %.2f (%.2f to %.2f)  "
            "target ≤ %.1f×" % (name, t32, t64, median, low_ratio, high_ratio, TARGET))
    return ratios


def rounding_report(n=1000, rounds=21, out=print):
    """Print what rounding to binary32 costs: round32 one value at a time, the ways it
    could be done, and round32_list on a list; return {way: median ns per value}."""
    rng = random.Random(7)
    values = [rng.uniform(-1e30, 1e30) for _ in range(n)]
    single = struct.Struct("<f")
    pack, unpack = single.pack, single.unpack
    many = struct.Struct("<%df" % n)

    ways = [
        ("round32(v)", lambda: [round32(v) for v in values]),
        ("struct unpack(pack(v))[0], no overflow check",
         lambda: [unpack(pack(v))[0] for v in values]),
        ("array('f', (v,))[0]", lambda: [array("f", (v,))[0] for v in values]),
        ("round32_list(values), per value", lambda: round32_list(values)),
        ("struct of n floats, per value (refuses overflow)",
         lambda: list(many.unpack(many.pack(*values)))),
        ("[v for v in values] (the loop alone)", lambda: [v for v in values]),
    ]
    times = {name: [] for name, _ in ways}
    for _ in range(rounds):
        for name, f in ways:
            start = time.process_time()
            f()
            times[name].append((time.process_time() - start) / n * 1e9)
    medians = {name: statistics.median(t) for name, t in times.items()}
    out("rounding a binary64 to binary32, CPU time per value (median of %d rounds of %d)"
        % (rounds, n))
    for name, _ in ways:
        out("  %-50s %5.1f ns" % (name, medians[name]))
    out("  round32 one at a time / round32_list: %.1f×"
        % (medians["round32(v)"] / medians["round32_list(values), per value"]))
    return medians


def misrounding_report(sample=1000000, out=print):
    """Sweep NumPy's float32 np.exp over every binary32 argument from X_MIN to X_MAX, and
    glibc's expf and exp32 over a random sample of them; print how many each misrounds."""
    import ctypes
    import numpy as np
    if np.finfo(np.longdouble).nmant < 63:
        out("NumPy's longdouble is not x87 extended here: no reference, no sweep")
        return None
    found = {}

    def sweep(low, high, step=1 << 24):
        wrong = total = screened_wrong = screened = worst = 0
        first = []
        for start in range(low, high + 1, step):
            n = np.arange(start, min(start + step, high + 1), dtype=np.uint32)
            x = n.view(np.float32)
            want = np.exp(x.astype(np.longdouble)).astype(np.float32).view(np.uint32)
            got = np.exp(x).view(np.uint32)
            bad = got != want
            far = (n & 0x7FFFFFFF) >= 0x32000000           # |x| >= 2^-27: the screen's
            wrong += int(bad.sum())
            total += len(n)
            screened_wrong += int((bad & far).sum())
            screened += int(far.sum())
            if bad.any():
                worst = max(worst, int(np.abs(got[bad].astype(np.int64)
                                              - want[bad].astype(np.int64)).max()))
                first += ["%08x" % v for v in n[bad][:3]]
        return wrong, total, screened_wrong, screened, worst, first

    start = time.time()
    parts = [sweep(0, X_MAX_BITS), sweep(0x80000000, X_MIN_BITS)]
    wrong, total, screened_wrong, screened = (sum(p[i] for p in parts) for i in range(4))
    worst = max(p[4] for p in parts)
    out("NumPy %s float32 np.exp, every binary32 argument with a finite nonzero result:"
        % np.__version__)
    out("  misrounds %d of %d (%.2f %%), by up to %d ULP; from 2^-27 up (the screen's "
        "arguments): %d of %d (%.2f %%)  [%.0f s]"
        % (wrong, total, 100.0 * wrong / total, worst, screened_wrong, screened,
           100.0 * screened_wrong / screened, time.time() - start))
    out("  first misrounded: %s" % " ".join(parts[0][5][:6] + parts[1][5][:6]))
    found["numpy"] = (wrong, total, screened_wrong, screened)

    libm = ctypes.CDLL("libm.so.6")
    libm.expf.restype, libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]
    rng = random.Random(3)
    patterns = [rng.randint(0x32000000, X_MAX_BITS) if rng.random() < 0.5 else
                rng.randint(0xB2000000, X_MIN_BITS) for _ in range(sample)]
    n = np.array(patterns, dtype=np.uint32)
    x = n.view(np.float32)
    want = np.exp(x.astype(np.longdouble)).astype(np.float32).view(np.uint32)
    floats = x.astype(np.float64).tolist()
    glibc = np.array([libm.expf(v) for v in floats], dtype=np.float32).view(np.uint32)
    ours = np.array([exp32(v) for v in floats], dtype=np.float32).view(np.uint32)
    for name, got in (("glibc expf", glibc), ("ann_ref exp32", ours)):
        bad = got != want
        out("%s, %d random arguments from 2^-27 up: misrounds %d (%.3f %%)%s"
            % (name, sample, int(bad.sum()), 100.0 * bad.sum() / sample,
               (": " + " ".join("%08x" % v for v in n[bad][:6])) if bad.any() else ""))
        found[name] = (int(bad.sum()), sample)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--misrounding", action="store_true",
                        help="also sweep NumPy's np.exp and sample glibc's expf (minutes)")
    parser.add_argument("--sample", type=int, default=1000000)
    args = parser.parse_args(argv)
    report(rounds=args.rounds)
    rounding_report(rounds=args.rounds)
    if args.misrounding:
        misrounding_report(args.sample)


if __name__ == "__main__":
    main()
