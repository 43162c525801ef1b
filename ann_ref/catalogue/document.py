"""A scenario's document, built in one place: its header (what `run` writes before the
trace, and what a backend is given) and its states, for every layout — the article's
network or a layered one, in binary64 or binary32 (docs/SPEC.md §3, §9, §10)."""
from ..core.arithmetic import BINARY64
from ..core.checks import layers as checked_layers, problem
from ..core import training
from ..formats.validate import FORMAT, SPEC_VERSION, VERSION
from ..formats.writer import scenario_object


def checked(s):
    """A catalogue scenario as the reader gives one: its inputs checked, as floats."""
    if "layers" in s:
        x, y, layers, a, n, variant = checked_layers(s["x"], s["y"], s["layers"],
                                                     s["learning_rate"], s["iterations"],
                                                     s["variant"])
        return dict(s, x=x, y=y, layers=layers, learning_rate=a, iterations=n,
                    variant=variant)
    x, y, W, b, a, n, variant = problem(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                        s["iterations"], s["variant"])
    return dict(s, x=x, y=y, W=W, b=b, learning_rate=a, iterations=n, variant=variant)


def header_members(scenario, description=None, flags=None, notes=None):
    """The top-level members of a document, all but the trace. A binary32 or layered
    scenario follows version 2 of docs/SPEC.md (its §9 and §10); the others version 1,
    as ever."""
    spec = 2 if "precision" in scenario or "layers" in scenario else SPEC_VERSION
    head = {"format": FORMAT, "version": VERSION, "spec": spec,
            "generator": "ann_ref", "scenario": scenario}
    for key, value in (("description", description), ("flags", flags), ("notes", notes)):
        if value is not None:
            head[key] = value
    return head


def header(s, description=None, flags=None, notes=None):
    """The header of the document of a checked scenario s (a dict as the reader gives
    it: floats; "layers" for a layered network; "precision")."""
    return header_members(scenario_object(
        s["name"], s["variant"], s["x"], s["y"], s.get("W"), s.get("b"),
        s["learning_rate"], s["iterations"], s.get("precision", "binary64"),
        s.get("layers")), description, flags, notes)


def arithmetic(s):
    """The Arithmetic a scenario computes in."""
    if s.get("precision", "binary64") == "binary32":
        from ..core.single import BINARY32
        return BINARY32
    return BINARY64


def trajectory(s):
    """The states 0..N of a checked scenario as floats, one at a time: (W, b), or
    [(W, b), ...] for a layered network (each b a column). Computed by the core's
    one step and fixed-point detector (training.py) in the scenario's arithmetic."""
    A = arithmetic(s)
    if A.format == "binary32" and "layers" not in s:
        from ..core.single import FLOATS32
        A = FLOATS32                      # binary32 values in floats: fast.stepper32

    def numbers(M):
        return [[A.of(v) for v in row] for row in M]
    x, y, a = numbers(s["x"]), numbers(s["y"]), A.of(s["learning_rate"])
    if "layers" in s:
        layers = [(numbers(W), numbers(b)) for W, b in s["layers"]]
        run = training.network_trajectory(x, y, layers, a, s["iterations"], s["variant"], A)
    else:
        run = training.trajectory(x, y, numbers(s["W"]), A.of(s["b"]), a, s["iterations"],
                                  s["variant"], A)
    if A.kind is float:
        return run                        # floats already
    return _floats(run, A, "layers" in s)


def _floats(run, A, layered):
    value = lambda v: v.v                 # noqa: E731 (a Single's float)
    last = last_floats = None
    for state in run:
        if state is last:                 # the fixed point repeated: the same floats
            yield last_floats
            continue
        if layered:
            floats = [([[value(v) for v in row] for row in W],
                       [[value(v) for v in row] for row in b]) for W, b in state]
        else:
            W, b = state
            floats = ([[value(v) for v in row] for row in W], value(b))
        last, last_floats = state, floats
        yield floats
