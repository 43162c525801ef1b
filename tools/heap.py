"""Where the core's heap goes on MicroPython: measured inside MicroPython 1.27 (the
WebAssembly build, under Node.js), by tests/runtimes/heap.py.

    python3 tools/heap.py              # import (per module too), the article's run
    python3 tools/heap.py --catalogue  # also every golden scenario, float and software

Figures in bytes: "import" is what `import ann_ref` leaves alive (gc.collect();
gc.mem_alloc()), "import allocated" all it allocated, garbage included; for a run,
"alive" is the most alive between two states and "peak" the most in use right after a
step, nothing having been collected during it (an upper bound of what it needs at once).
"""
import os
import sys

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


def main(argv):
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
    main(sys.argv[1:])
