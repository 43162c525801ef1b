"""A scenario given by its bits, run, and its trace given as bits: what every runtime
checks against the golden files. Bits go through struct only, so a runtime's own way of
printing and parsing floats (MicroPython's is not CPython's) never enters.

Where float is not binary64 (a single-precision MicroPython build) the scenario runs on
softfloat.Binary64 instead, with the same bits; `software=True` asks for it anywhere."""
from .arithmetic import BINARY64
from .bits import binary64
from .training import trajectory


def arithmetic(software=None):
    """The Arithmetic to compute binary64 in: the platform's floats, or software where
    float is not binary64 (software None), or as asked (True, False)."""
    if software is None:
        software = not binary64()
    if not software:
        return BINARY64
    from .softfloat import SOFTWARE     # only where it is needed: a board's heap is small
    return SOFTWARE


def inputs(bits, A=BINARY64):
    """x, y, W, b and a as numbers of A, from a scenario's "bits" object."""
    def matrix(M):
        return [[A.from_hex(h) for h in row] for row in M]
    return (matrix(bits["x"]), matrix(bits["y"]), matrix(bits["W"]), A.from_hex(bits["b"]),
            A.from_hex(bits["learning_rate"]))


def trace_bits(scenario, software=None):
    """(W bits, b bits) for iterations 0..N of a scenario object (as in a golden file);
    for a layered network (docs/SPEC.md §9), [{"W": W bits, "b": b bits}, ...] as its
    trace entries' "bits"."layers" hold them.

    software: None (the default) computes in binary64 in software only where float is
    not binary64; True always (slow: for tests and comparisons); False never."""
    A = arithmetic(software)
    bits, n, variant = scenario["bits"], scenario["iterations"], scenario["variant"]
    hex_of = A.hex_bits

    def hexes(M):
        return [[hex_of(v) for v in row] for row in M]
    if "layers" in bits:
        from .training import network_trajectory
        def numbers(M):
            return [[A.from_hex(h) for h in row] for row in M]
        layers = [(numbers(l["W"]), numbers(l["b"])) for l in bits["layers"]]
        x, y, a = numbers(bits["x"]), numbers(bits["y"]), A.from_hex(bits["learning_rate"])
        bits = None                         # its hex strings: not held while the run lasts
        for state in network_trajectory(x, y, layers, a, n, variant, A):
            yield [{"W": hexes(W), "b": hexes(b)} for W, b in state]
        return
    x, y, W, b, a = inputs(bits, A)
    bits = None                             # its hex strings: not held while the run lasts
    for W_k, b_k in trajectory(x, y, W, b, a, n, variant, A):
        yield hexes(W_k), hex_of(b_k)
