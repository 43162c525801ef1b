"""Heap figures measured inside MicroPython, driven one call at a time by run.mjs --heap.

The heap in use is gc.mem_alloc() right after gc.collect(): what is alive. In the
WebAssembly build a collection frees nothing while Python code is running (the
WebAssembly stack cannot be scanned; the heap grows instead), only between two calls
from JavaScript. So run.mjs calls these functions one by one, and a run advances one
state per call:

- import: what `import ann_ref` leaves alive; "import allocated", all it allocated;
- alive: after gc.collect(), between states, above the mark;
- peak: gc.mem_alloc() right after a state was computed, with everything the step
  allocated still there (garbage included): an upper bound of what the step needs
  at once, since nothing was collected during it.

Lines printed: "heap NAME: BYTES".
"""
import gc

CORE = ("bits", "exponential", "matrix", "model", "training", "checks", "datasets",
        "trace", "libm", "softfloat")

_mark = 0
_run = None
_alive = _peak = 0


def alive():
    gc.collect()
    return gc.mem_alloc()


def mark():
    global _mark
    _mark = alive()


def report(name):
    print("heap %s: %d" % (name, alive() - _mark))


def allocated(name):
    """What was allocated since the mark, garbage included (nothing is freed during a
    call): an upper bound of what the work needed at once."""
    print("heap %s: %d" % (name, gc.mem_alloc() - _mark))


def import_module(name):
    __import__(name)


def start_article():
    """The article's 1000 iterations through the streaming states, inputs included."""
    global _run, _alive, _peak
    from ann_ref.core.checks import problem
    from ann_ref.core.datasets import ARTICLE
    from ann_ref.core.training import states
    mark()
    p = ARTICLE
    _run = states(*problem(p["x"], p["y"], p["W"], p["b"], p["learning_rate"],
                           p["iterations"], "threshold"))
    _alive = _peak = 0


def start_scenario(folder, name, software=None):
    """A golden scenario through trace_bits (the scenario object read beforehand)."""
    global _run, _alive, _peak
    from conformance import scenario_and_entries
    from ann_ref.core.trace import trace_bits
    entries = scenario_and_entries(folder + "/" + name)
    scenario = next(entries)
    entries.close()
    mark()
    _run = trace_bits(scenario, software)
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
    _alive = max(_alive, alive() - _mark)


def finish(name):
    global _run
    _run = None
    print("heap %s alive: %d" % (name, _alive))
    print("heap %s peak: %d" % (name, _peak))
