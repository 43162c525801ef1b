"""A scenario given by its bits, run, and its trace given as bits: what every runtime
checks against the golden files. Bits go through struct only, so a runtime's own way of
printing and parsing floats (MicroPython's is not CPython's) never enters.

Where float is not binary64 (a single-precision MicroPython build) the scenario runs on
softfloat.Binary64 instead, with the same bits; `software=True` asks for it anywhere."""
from .bits import binary64, from_hex, hex_bits
from .model import step
from .training import states


def inputs(bits):
    """x, y, W, b and a as floats, from a scenario's "bits" object."""
    def matrix(A):
        return [[from_hex(h) for h in row] for row in A]
    return (matrix(bits["x"]), matrix(bits["y"]), matrix(bits["W"]), from_hex(bits["b"]),
            from_hex(bits["learning_rate"]))


def trace_bits(scenario, software=None):
    """(W bits, b bits) for iterations 0..N of a scenario object (as in a golden file).

    software: None (the default) computes in binary64 in software only where float is
    not binary64; True always (slow: for tests and comparisons); False never."""
    if software is None:
        software = not binary64()
    if software:
        for W_k, b_k in _software_states(scenario):
            yield [[v.hex_bits() for v in row] for row in W_k], b_k.hex_bits()
        return
    x, y, W, b, a = inputs(scenario["bits"])
    for W_k, b_k in states(x, y, W, b, a, scenario["iterations"], scenario["variant"]):
        yield [[hex_bits(v) for v in row] for row in W_k], hex_bits(b_k)


def _software_states(scenario):
    """The states of training.states, computed by model.step on Binary64 numbers."""
    from .softfloat import Binary64, sigmoid    # only where it is needed: heap is scarce
    bits = scenario["bits"]

    def matrix(A):
        return [[Binary64.from_hex(h) for h in row] for row in A]
    x, y, W = matrix(bits["x"]), matrix(bits["y"]), matrix(bits["W"])
    b, a = Binary64.from_hex(bits["b"]), Binary64.from_hex(bits["learning_rate"])
    iterations = scenario["iterations"]
    yield W, b
    for k in range(1, iterations + 1):
        W_next, b_next = step(x, y, W, b, a, scenario["variant"], sigmoid)
        # the same exact shortcut as training.states: once a step leaves the bits of W
        # and b unchanged, every later state is that one
        if b_next.n == b.n and all(u.n == v.n for r1, r2 in zip(W_next, W)
                                   for u, v in zip(r1, r2)):
            for _ in range(k, iterations + 1):
                yield W, b
            return
        W, b = W_next, b_next
        yield W, b
