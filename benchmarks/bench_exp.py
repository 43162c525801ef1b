"""How fast ann_ref's exp is, next to math.exp, and how much heap it takes in MicroPython.

    python benchmarks/bench_exp.py

Each range is timed as a ratio to math.exp on the same arguments, the two loops run
one after the other, many times over; the ratio printed is the median of those paired
ratios, so that a busy machine slows both sides of a pair alike. math.exp is the C
library's (not correctly rounded); the ratio is the price of exactness in pure Python.
benchmarks/bench.py calls report().
"""
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import ann_ref.core.exponential as exponential  # noqa: E402
from ann_ref.core.bits import float_to_bits  # noqa: E402

RANGES = [                                # name, low, high: where each path of exp is
    ("[-30, 30], sigmoids", -30.0, 30.0),
    ("[-708, 709], normal results", -708.0, 709.0),
    ("[-745.1, -708.4], subnormal results", -745.1, -708.4),
    ("[709, 709.78], before overflow", 709.0, 709.78),
    ("|x| < 2^-30", -2.0 ** -30, 2.0 ** -30),
]


def paired_ratio(f, g, xs, pairs):
    """Median over `pairs` runs of time(f over xs) / time(g over xs), and f's median
    time per call in ns."""
    ratios, times = [], []
    for _ in range(pairs):
        start = time.perf_counter()
        for x in xs:
            g(x)
        middle = time.perf_counter()
        for x in xs:
            f(x)
        end = time.perf_counter()
        ratios.append((end - middle) / (middle - start))
        times.append((end - middle) / len(xs) * 1e9)
    return statistics.median(ratios), statistics.median(times)


def slow_share(xs):
    """The fraction of xs for which the fast path cannot decide the rounding."""
    count = [0]
    slow = exponential._exp_slow

    def counting(x):
        count[0] += 1
        return slow(x)

    exponential._exp_slow = counting
    try:
        for x in xs:
            exponential.exp(x)
    finally:
        exponential._exp_slow = slow
    return count[0] / len(xs)


def report(n=2000, pairs=31, out=print):
    """Print, per range, exp's time as a ratio to math.exp; return {range: ratio}."""
    rng = random.Random(2026)
    ratios = {}
    out("exp per call, ratio to math.exp (median of %d paired runs of %d arguments)"
        % (pairs, n))
    for name, low, high in RANGES:
        xs = [rng.uniform(low, high) for _ in range(n)]
        ratio, ns = paired_ratio(exponential.exp, math.exp, xs, pairs)
        share = slow_share([rng.uniform(low, high) for _ in range(20 * n)])
        ratios[name] = ratio
        out("  %-38s %5.1fx  (%4.0f ns; slow path %.2f%%)" % (name, ratio, ns, 100 * share))
    xs = [float_to_bits(rng.uniform(-30.0, 30.0)) for _ in range(n // 10)]
    ratio, ns = paired_ratio(exponential.exp_bits, lambda n: math.exp(1.0), xs, 5)
    out("  %-38s %5.0fx  (%4.0f ns; integers only)" % ("exp_bits on [-30, 30]", ratio, ns))
    worst = max(ratios.values())
    out("  slowest range / [-30, 30]: %.2fx" % (worst / ratios[RANGES[0][0]]))
    return ratios


HEAP_SCRIPT = r"""
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
const [micropython, packageDir, ...modules] = process.argv.slice(2);
const { loadMicroPython } = await import(micropython);
const mp = await loadMicroPython({ heapsize: 4 * 1024 * 1024, linebuffer: false,
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
for (const folder of ["/lib", "/lib/ann_ref", "/lib/ann_ref/core"]) mp.FS.mkdir(folder);
for (const folder of ["ann_ref", "ann_ref/core"]) {
  for (const name of readdirSync(join(packageDir, folder))) {
    if (name.endsWith(".py")) {
      mp.FS.writeFile("/lib/" + folder + "/" + name, readFileSync(join(packageDir, folder, name)));
    }
  }
}
// Separate runPython calls: within one, this port's gc.collect() frees nothing, so the
// import's garbage (the big integers that build the tables) would be counted as kept.
for (const name of modules) {
  mp.runPython("import gc\ngc.collect()\nbefore = gc.mem_alloc()");
  mp.runPython("import " + name);
  mp.runPython("gc.collect()\nprint('" + name + "', gc.mem_alloc() - before)");
}
"""


def micropython_heap(modules=("ann_ref.core.exponential", "ann_ref"), core_only=True):
    """{module: bytes of heap its import keeps}, measured inside MicroPython 1.27
    (WebAssembly, under Node.js) after gc.collect(); None where Node.js or the runtime
    is missing. With core_only, ann_ref/__init__.py is left empty for all but "ann_ref",
    so that a core module is measured alone."""
    runtime = os.path.join(ROOT, "node_modules", "@micropython",
                           "micropython-webassembly-pyscript", "micropython.mjs")
    if not os.path.exists(runtime):
        return None
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "heap.mjs")
        with open(script, "w") as f:
            f.write(HEAP_SCRIPT)
        for name in modules:
            package = ROOT
            if core_only and name != "ann_ref":
                package = os.path.join(tmp, "alone")
                for folder in ("ann_ref", os.path.join("ann_ref", "core")):
                    os.makedirs(os.path.join(package, folder), exist_ok=True)
                open(os.path.join(package, "ann_ref", "__init__.py"), "w").close()
                core = os.path.join(ROOT, "ann_ref", "core")
                for file in os.listdir(core):
                    if file.endswith(".py"):
                        with open(os.path.join(core, file), "rb") as src, \
                                open(os.path.join(package, "ann_ref", "core", file), "wb") as dst:
                            dst.write(src.read())
            try:
                done = subprocess.run(["node", script, runtime, package, name],
                                      capture_output=True, text=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired):
                return None
            for line in done.stdout.splitlines():
                module, _, size = line.partition(" ")
                if module == name and size.isdigit():
                    figures[name] = int(size)
    return figures


def report_heap(out=print):
    figures = micropython_heap()
    if figures is None:
        out("MicroPython heap: Node.js or the MicroPython runtime is missing")
        return None
    out("MicroPython 1.27 heap kept by the import (gc.mem_alloc() after gc.collect()):")
    for name, size in figures.items():
        out("  import %-28s %6d bytes (%.1f KB)" % (name, size, size / 1024))
    return figures


if __name__ == "__main__":
    report()
    report_heap()
