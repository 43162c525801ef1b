"""Where the core's heap goes on MicroPython: measured inside MicroPython 1.27 (the
WebAssembly build, under Node.js), by tests/runtimes/heap.py; or, with --smallest, the
smallest heap each run fits in, on the unix builds of tools/micropython.py.

    python3 tools/heap.py              # import (per module too), the article's run
    python3 tools/heap.py --catalogue  # also every golden scenario, float and software
    python3 tools/heap.py --smallest [--step=BYTES] [BUILD ...]
                                       # default: the 32-bit builds, to 256 bytes

Figures in bytes: "import" is what `import ann_ref` leaves alive (gc.collect();
gc.mem_alloc()), "import allocated" all it allocated, garbage included; for a run,
"alive" is the most alive between two states and "peak" the most in use right after a
step, nothing having been collected during it (an upper bound of what it needs at once).

--smallest finds by bisection the smallest `micropython -X heapsize=N` (a multiple of the
step) in which a run succeeds, the core imported from .mpy files: `import ann_ref`, the
README's board example (tests/runtimes/board_example.py), and each golden scenario
through trace_bits to its golden bits (tests/runtimes/fits.py, with goldens.py, compiled
to .mpy too so that compiling them costs no heap). The heap is the interpreter's whole
heap, what a board's firmware sets aside for Python, collected each time an eighth of it
has been allocated (gc.threshold, see fits.py) and when it is full: a figure here is what
a board needs free, not what a run keeps alive. It
prints a Markdown table, one column per build; a run whose bits differ at any size shows
"differs". A run at a given size always ends the same way, but near the figure success is
not monotonic in the size (when collections happen, and how the heap fragments, move
with it): a few sizes up to about 10 % above the figure fail too, so a board needs that
margin.
"""
import concurrent.futures
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))

import runtimes  # noqa: E402

HEAP = "--heapsize=262144"      # small, so that each collection is quick; it grows as needed


def empty_init(package):
    """The package's __init__ replaced by an empty one: each core module on its own."""
    for name in os.listdir(os.path.join(package, "ann_ref")):
        if name.startswith("__init__."):
            os.remove(os.path.join(package, "ann_ref", name))
    open(os.path.join(package, "ann_ref", "__init__.py"), "w").close()


def figures(mpy, options, names, stage=None):
    result = runtimes.run("micropython", names, mpy=mpy, options=[HEAP] + options, stage=stage)
    if result.status != 0:
        raise SystemExit("heap.py: the measurement failed:\n" + result.output)
    return runtimes.heap_figures(result)


BUILDS = ["single-32bit", "single-30bit", "double-32bit"]
STEP = 256
MOST = 64 << 20                 # a run that does not fit in 64 MiB is reported as such


def stage_fits(package):
    """The core as .mpy files, and goldens.py, board_example.py and fits.py compiled
    beside them."""
    runtimes.stage_core(package, mpy=True)
    cross = runtimes.tool("mpy").mpy_cross()
    for name in ("goldens", "board_example", "fits"):
        p = subprocess.run(cross + ["-s", name + ".py", "-o", os.path.join(package, name + ".mpy"),
                                    os.path.join(runtimes.HERE, name + ".py")],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("heap.py: mpy-cross failed on %s.py: %s" % (name, p.stderr.strip()))


def attempt(binary, package, size, run):
    """"fits", "short" (out of memory, or too small to start) or "DIFFERS: ..." for one
    run (fits.py's arguments) in a heap of size bytes."""
    p = subprocess.run([binary, "-X", "heapsize=%d" % size, "-m", "fits"] + run, cwd=package,
                       env=dict(os.environ, MICROPYPATH=package), capture_output=True,
                       text=True)
    lines = (p.stdout + p.stderr).splitlines()
    if p.returncode == 0 and lines[-1:] == ["fits"]:
        return "fits"
    return next((l for l in lines if l.startswith("DIFFERS: ")), "short")


def smallest(binary, package, run, step=STEP, most=MOST):
    """The smallest heap size, a multiple of step, in which the run fits (bisection: a
    run that fits in a heap fits in any larger one); or what prevents it at `most` bytes:
    "DIFFERS: ...", or "short"."""
    outcome = attempt(binary, package, most, run)
    if outcome != "fits":
        return outcome
    low, high = 0, 16 * 1024                 # low: known not to fit (0 cannot)
    while high < most and attempt(binary, package, high, run) != "fits":
        low, high = high, min(2 * high, most)
    while high - low > step:
        middle = max(low + step, (low + high) // 2 // step * step)
        if attempt(binary, package, middle, run) == "fits":
            high = middle
        else:
            low = middle
    return high


def cell(outcome):
    if isinstance(outcome, int):
        return "{:,}".format(outcome)
    if outcome.startswith("DIFFERS: "):
        return "differs (%s)" % outcome[len("DIFFERS: "):].split(" differs")[0]
    return "over %d MiB" % (MOST >> 20)


def smallest_table(builds, step=STEP, jobs=None):
    """{(build, run label): outcome} for `import ann_ref` and each golden scenario."""
    micropython = runtimes.tool("micropython")
    binaries = dict((b, micropython.build(b)) for b in builds)
    runs = [("`import ann_ref`", ["import"]), ("the board example", ["example"])] + [
        (name, ["scenario", os.path.join(runtimes.GOLDEN, name)])
        for name in runtimes.golden_names()]
    with tempfile.TemporaryDirectory(prefix="ann-ref-heap.") as package:
        stage_fits(package)
        with concurrent.futures.ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
            futures = dict(((b, label), pool.submit(smallest, binaries[b], package, run, step))
                           for b in builds for label, run in runs)
            return [label for label, _ in runs], dict((k, f.result()) for k, f in futures.items())


def print_smallest(argv):
    micropython = runtimes.tool("micropython")
    step = STEP
    builds = []
    for a in argv:
        if a.startswith("--step="):
            try:
                step = int(a[len("--step="):])
            except ValueError:
                step = 0
            if step < 16:
                return usage("%s: the step must be a whole number of bytes, at least 16" % a)
        elif a in micropython.BY_NAME:
            builds.append(a)
        else:
            return usage("%s: no such build or option (builds: %s)"
                         % (a, ", ".join(v.name for v in micropython.VARIANTS)))
    builds = builds or BUILDS
    try:
        labels, outcomes = smallest_table(builds, step)
    except (micropython.Unavailable, micropython.BuildError) as e:
        return usage(str(e))
    print("Smallest `-X heapsize` in bytes (to %d) in which each run gets the golden bits, "
          "the core imported from .mpy files, gc.threshold(gc.mem_free() // 8); "
          "MicroPython 1.27 unix builds:" % step)
    print()
    print("| run | %s |" % " | ".join(builds))
    print("|---|%s" % ("---:|" * len(builds)))
    for label in labels:
        print("| %s | %s |" % (label, " | ".join(cell(outcomes[b, label]) for b in builds)))
    return 0


def usage(message):
    print("heap.py: " + message, file=sys.stderr)
    return 2


def main(argv):
    if "--smallest" in argv:
        return print_smallest([a for a in argv if a != "--smallest"])
    unknown = [a for a in argv if a != "--catalogue"]
    if unknown:
        return usage("%s: no such option (--catalogue, --smallest)" % unknown[0])
    names = runtimes.golden_names() if "--catalogue" in argv else []
    for mpy in (True, False):
        kind = ".mpy" if mpy else ".py"
        for name, size in figures(mpy, ["--heap=modules"], [], empty_init).items():
            print("%-5s %-40s %7d" % (kind, name, size))
        run = figures(mpy, ["--heap=all"], names if mpy else [])
        for name in sorted(run):
            print("%-5s %-40s %7d" % (kind, name, run[name]))
    if names:
        soft = figures(True, ["--heap=all", "--software"], names)
        for name in sorted(soft):
            if name.startswith("scenario"):
                print("%-5s %-40s %7d" % ("soft", name, soft[name]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
