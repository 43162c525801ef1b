"""Heap figures measured inside MicroPython, driven one call at a time by run.mjs --heap.

What is alive is gc.mem_alloc() after a collection. In the WebAssembly build a
collection frees nothing while Python code runs (the WebAssembly stack cannot be
scanned; the heap grows instead), and one made at the start of a call may still keep
what the previous call left: only a collection in a call of its own, twice, gives the
heap in use. So run.mjs collects that way, then calls these functions, which only read
gc.mem_alloc(); a run advances one state per call:

- import: what `import ann_ref` leaves alive; "import allocated", all it allocated,
  garbage included;
- alive: the most alive between two states, above the mark (taken before the run:
  its inputs count);
- peak: the most in use right after a step, everything the step allocated still there
  (nothing is freed during a call): an upper bound of what the run needs at once.

Lines printed: "heap NAME: BYTES".
"""
import gc

CORE = ("bits", "exponential", "matrix", "model", "training", "checks", "datasets",
        "trace", "libm", "softfloat")

_mark = 0
_run = _scenario = None
_alive = _peak = 0


def mark():
    global _mark
    _mark = gc.mem_alloc()


def report(name):
    print("heap %s: %d" % (name, gc.mem_alloc() - _mark))


def import_module(name):
    __import__(name)


def prepare_article():
    from ann_ref.core import checks, datasets, training   # noqa: F401


def start_article():
    """The article's 1000 iterations through the streaming states, inputs included."""
    global _run, _alive, _peak
    from ann_ref.core.checks import problem
    from ann_ref.core.datasets import ARTICLE
    from ann_ref.core.training import trajectory
    p = ARTICLE
    # states() is a Trajectory, iterable once; advance() takes one state at a time
    _run = iter(trajectory(*problem(p["x"], p["y"], p["W"], p["b"], p["learning_rate"],
                                p["iterations"], "threshold")))
    _alive = _peak = 0


def prepare_scenario(folder, name):
    """Read a golden scenario's object (not its trace) before the mark."""
    global _scenario
    from goldens import scenario_and_entries
    from ann_ref.core import trace    # noqa: F401
    entries = scenario_and_entries(folder + "/" + name)
    _scenario = next(entries)
    entries.close()


def start_scenario(software=None):
    """The prepared scenario through trace_bits."""
    global _run, _alive, _peak
    from ann_ref.core.trace import trace_bits
    _run = iter(trace_bits(_scenario, software))
    _alive = _peak = 0


def advance():
    """The next state of the run; False when there is none."""
    global _peak
    try:
        next(_run)
    except StopIteration:
        return False
    _peak = max(_peak, gc.mem_alloc() - _mark)
    return True


def settle():
    global _alive
    _alive = max(_alive, gc.mem_alloc() - _mark)


def finish(name):
    global _run, _scenario
    _run = _scenario = None
    print("heap %s alive: %d" % (name, _alive))
    print("heap %s peak: %d" % (name, _peak))
