"""How fast ann_ref's exp is, next to math.exp, and how much heap it takes in MicroPython.

    python benchmarks/bench_exp.py

Each range is timed as a ratio to math.exp on the same arguments, both measured in the
same run, taking turns (see report). math.exp is the C library's (not correctly
rounded): the ratio is the price of exactness in pure Python.
benchmarks/bench.py calls report().
"""
import math
import os
import random
import subprocess
import sys
import tempfile
import time

INF = float("inf")
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


def loop(f, xs):
    """f's time per call over xs, in ns."""
    start = time.perf_counter()
    for x in xs:
        f(x)
    return (time.perf_counter() - start) / len(xs) * 1e9


def shares(xs):
    """The fractions of xs that the fast path left to the accurate path, and that both
    left to the slow path."""
    count = {"accurate": 0, "slow": 0}
    accurate, slow = exponential._exp_accurate, exponential._exp_slow

    def counting_accurate(*args):
        count["accurate"] += 1
        return accurate(*args)

    def counting_slow(x):
        count["slow"] += 1
        return slow(x)

    exponential._exp_accurate, exponential._exp_slow = counting_accurate, counting_slow
    try:
        for x in xs:
            exponential.exp(x)
    finally:
        exponential._exp_accurate, exponential._exp_slow = accurate, slow
    return count["accurate"] / len(xs), count["slow"] / len(xs)


def report(n=500, pairs=101, out=print):
    """Print, per range, exp's time as a ratio to math.exp; return {range: ratio}.

    Each side's time is its best of `pairs` short loops over the same n arguments: a
    busy machine (this one has 2 cores shared with others) can only lengthen a loop, and
    a short loop is often left whole. The loops of exp and math.exp, and the ranges,
    take turns, so that both sides of a ratio see the machine in the same state."""
    rng = random.Random(2026)
    arguments = [[rng.uniform(low, high) for _ in range(n)] for _, low, high in RANGES]
    integers = [float_to_bits(rng.uniform(-30.0, 30.0)) for _ in range(n // 10)]
    best = [[INF, INF] for _ in RANGES]   # [exp, math.exp], ns per call
    best_bits = [INF, INF]
    for turn in range(pairs):
        for xs, times in zip(arguments, best):
            times[1] = min(times[1], loop(math.exp, xs))
            times[0] = min(times[0], loop(exponential.exp, xs))
        if turn % 5 == 0:
            best_bits[1] = min(best_bits[1], loop(math.exp, arguments[0][:len(integers)]))
            best_bits[0] = min(best_bits[0], loop(exponential.exp_bits, integers))
    out("exp per call, ratio to math.exp (best of %d loops of %d arguments each)"
        % (pairs, n))
    ratios = {}
    for i, ((name, low, high), (ns, reference)) in enumerate(zip(RANGES, best)):
        accurate, slow = shares([rng.uniform(low, high) for _ in range(40 * n)])
        ratios[name] = ns / reference
        out("  %-38s %5.1fx  (%4.0f ns; accurate path %.1f%%, slow path %.2f%%)%s"
            % (name, ns / reference, ns, 100 * accurate, 100 * slow,
               "  target ≤ 30x" if i == 0 else ""))
    out("  %-38s %5.0fx  (%4.0f ns; integers only)"
        % ("exp_bits on [-30, 30]", best_bits[0] / best_bits[1], best_bits[0]))
    times = [ns for ns, _ in best]
    out("  slowest range / [-30, 30]: %.2fx as a ratio to math.exp, %.2fx in time per call"
        "  target ≤ 2x" % (max(ratios.values()) / ratios[RANGES[0][0]], max(times) / times[0]))
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
    out("MicroPython 1.27 heap kept by the import from source, .py (gc.mem_alloc() after "
        "gc.collect()):")
    for name, size in figures.items():
        out("  import %-28s %6d bytes (%.1f KB)" % (name, size, size / 1024))
    return figures


if __name__ == "__main__":
    report()
    report_heap()
