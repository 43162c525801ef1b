"""Binary64 in software (softfloat) against the float path, side by side.

    python3 benchmarks/bench_soft.py                  # CPython: operations and every scenario
    python3 benchmarks/bench_soft.py --micropython    # also inside MicroPython's unix
                                                      # double build (tools/micropython.py)
    python3 benchmarks/bench_soft.py --quick          # fewer rounds

With --micropython it also gives the article's time through trace_bits on the 32-bit
binary32 build (single-32bit), a board's arithmetic: there trace_bits takes the
software path by itself.

The float path is what runs wherever float is binary64; the software path is what a
single-precision board runs. Both run the same scenario through trace_bits, the core's
entry point, and the ratio software / float is what to read. The machine is shared and
noisy, so the two are timed side by side: in each round each runs in turn, timed in CPU
time, and the figure is the median of the rounds' ratios, with the lowest and highest
in brackets.

Every run is warm: one-time costs (exp's tables on the float path, Z* of the threshold
variant, found by bisection, on both) are paid before the first round; they are
printed apart. Inside MicroPython, which has no clock of its own process's CPU time,
each run is a process whose CPU time the parent reads from the operating system
(os.wait4), minus that of the same process with no run (import, reading the scenario,
the warm-up run): the core is imported from .mpy files, so that no compilation is
counted either.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))

from ann_ref.core import softfloat, trace  # noqa: E402
from ann_ref.core.softfloat import Binary64  # noqa: E402

import runtimes  # noqa: E402

TARGET = 20                       # software / float, at most, per scenario
MICROPYTHON_BUILD = "double"      # the unix build where both paths run
BOARD_BUILD = "single-32bit"      # a board's: 32-bit words, binary32 floats

# what runs inside MicroPython: the scenario's runs, `warm` of them untimed by the
# parent's subtraction (see the module's note)
CHILD = """import json, sys
from ann_ref.core.trace import trace_bits
path, runs = sys.argv[1], int(sys.argv[3])
software = {"software": True, "float": False}.get(sys.argv[2])   # else trace_bits chooses
with open(path) as f:
    for line in f:
        if line.startswith('"scenario": '):
            scenario = json.loads(line[len('"scenario": '):].rstrip().rstrip(","))
            break
for _ in range(runs + 1):
    for state in trace_bits(scenario, software):
        pass
"""


def scenario(name):
    with open(os.path.join(ROOT, "golden", name)) as f:
        return json.load(f)["scenario"]


def ratios(slow, fast):
    r = sorted(s / f for s, f in zip(slow, fast))
    return statistics.median(r), r[0], r[-1]


def show(label, float_s, soft_s, r, unit="ms"):
    scale = {"ms": 1e3, "us": 1e6}[unit]
    mid, low, high = r
    print("%-36s %9.3f %s %10.3f %s %7.1f×  (%.1f–%.1f)" % (
        label, float_s * scale, unit, soft_s * scale, unit, mid, low, high))


def operations():
    """One operation, on floats and on Binary64 numbers: normal operands."""
    u, v = 0.7390851332151607, -1.2345678901234567e-3
    U, V = Binary64.from_hex("3fe7a6b7a6c0e0c2"), Binary64.from_hex("bf543a5d5a4c3b2a")
    from ann_ref import exp
    n = 20000
    for name, f, s in (("+", lambda: u + v, lambda: U + V), ("*", lambda: u * v, lambda: U * V),
                       ("/", lambda: u / v, lambda: U / V),
                       (">=", lambda: u >= 0.5, lambda: U >= V),
                       ("exp (exp, exp_bits)", lambda: exp(-u), lambda: softfloat.exp(-U))):
        floats = timeit.repeat(f, number=n, repeat=7)
        soft = timeit.repeat(s, number=n // 10, repeat=7)
        soft = [t * 10 for t in soft]
        show("one " + name, statistics.median(floats) / n, statistics.median(soft) / n,
             ratios(soft, floats), "us")


def cpython_scenarios(names, rounds):
    """Each scenario through trace_bits, float and software, in CPU time, warm."""
    worst = 0
    for name in names:
        s = scenario(name)
        runs = {}
        for software in (False, True):       # warm: tables, Z*
            start = time.process_time()
            list(trace.trace_bits(s, software=software))
            runs[software] = time.process_time() - start
        # enough repetitions that each timing lasts about 20 ms
        repeat = dict((sw, max(1, int(0.02 / max(runs[sw], 1e-6)))) for sw in runs)
        times = {False: [], True: []}
        for r in range(rounds):
            for software in ((False, True) if r % 2 else (True, False)):
                start = time.process_time()
                for _ in range(repeat[software]):
                    list(trace.trace_bits(s, software=software))
                times[software].append((time.process_time() - start) / repeat[software])
        r = ratios(times[True], times[False])
        worst = max(worst, r[0])
        show(name, statistics.median(times[False]), statistics.median(times[True]), r)
    return worst


def cpu_seconds(command, env):
    """The CPU time (user + system) of a process running command."""
    p = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    error = p.stderr.read().decode()
    p.stderr.close()
    if p.returncode != 0:
        raise SystemExit("bench_soft.py: %s failed:\n%s" % (" ".join(command), error))
    return usage.ru_utime + usage.ru_stime


def micropython_scenarios(names, rounds):
    """Each scenario inside MicroPython (the unix double build), float and software."""
    micropython = runtimes.tool("micropython")
    try:
        binary = micropython.build(MICROPYTHON_BUILD)
    except (micropython.Unavailable, micropython.BuildError) as e:
        print("MicroPython: not measured: %s" % e)
        return None
    worst = 0
    with tempfile.TemporaryDirectory(prefix="ann-ref-bench.") as package:
        runtimes.stage_core(package, mpy=True)
        with open(os.path.join(package, "bench_child.py"), "w") as f:
            f.write(CHILD)
        env = dict(os.environ, MICROPYPATH=package)

        def run(path, software, count):
            return cpu_seconds([binary, os.path.join(package, "bench_child.py"), path,
                                "software" if software else "float", str(count)], env)
        print("MicroPython 1.27 unix port, %s build" % MICROPYTHON_BUILD)
        for name in names:
            path = os.path.join(ROOT, "golden", name)
            # runs per process: about 0.3 s of computing each
            count = {}
            for software in (False, True):
                once = run(path, software, 1) - run(path, software, 0)
                count[software] = max(1, int(0.3 / max(once, 1e-3)))
            times = {False: [], True: []}
            for r in range(rounds):
                for software in ((False, True) if r % 2 else (True, False)):
                    base = run(path, software, 0)
                    times[software].append(
                        max(run(path, software, count[software]) - base, 1e-6) / count[software])
            r = ratios(times[True], times[False])
            worst = max(worst, r[0])
            show("MicroPython " + name, statistics.median(times[False]),
                 statistics.median(times[True]), r)
    return worst


def board_article(rounds):
    """The article through trace_bits on the board build, in CPU time: what a board's
    arithmetic costs, where no float path is there to compare with."""
    micropython = runtimes.tool("micropython")
    try:
        binary = micropython.build(BOARD_BUILD)
    except (micropython.Unavailable, micropython.BuildError) as e:
        print("MicroPython %s: not measured: %s" % (BOARD_BUILD, e))
        return
    with tempfile.TemporaryDirectory(prefix="ann-ref-bench.") as package:
        runtimes.stage_core(package, mpy=True)
        with open(os.path.join(package, "bench_child.py"), "w") as f:
            f.write(CHILD)
        env = dict(os.environ, MICROPYPATH=package)
        path = os.path.join(ROOT, "golden", "article.json")

        def run(count):
            return cpu_seconds([binary, os.path.join(package, "bench_child.py"), path,
                                "default", str(count)], env)
        count = 10
        times = sorted((run(count) - run(0)) / count for _ in range(rounds))
        print("MicroPython 1.27 unix port, %s build: the article through trace_bits "
              "(software path) %.1f ms (%.1f–%.1f)" % (
                  BOARD_BUILD, statistics.median(times) * 1e3, times[0] * 1e3,
                  times[-1] * 1e3))


def main(argv):
    quick = "--quick" in argv
    names = runtimes.golden_names()
    print("%-36s %12s %13s %8s" % ("", "float", "software", "ratio"))
    operations()
    worst = cpython_scenarios(names, 3 if quick else 7)
    print("CPython %s: the most software / float of a scenario is %.1f× (target ≤ %d×)"
          % (sys.version.split()[0], worst, TARGET))
    if "--micropython" in argv:
        worst = micropython_scenarios(names, 3 if quick else 5)
        if worst is not None:
            print("MicroPython: the most software / float of a scenario is %.1f× (target ≤ %d×)"
                  % (worst, TARGET))
        board_article(3 if quick else 5)


if __name__ == "__main__":
    main(sys.argv[1:])
