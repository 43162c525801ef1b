"""A scenario given by its bits, run, and its trace given as bits: what every runtime
checks against the golden files. Bits go through struct only, so a runtime's own way of
printing and parsing floats (MicroPython's is not CPython's) never enters."""
from .bits import from_hex, hex_bits
from .training import states


def inputs(bits):
    """x, y, W, b and a as floats, from a scenario's "bits" object."""
    def matrix(A):
        return [[from_hex(h) for h in row] for row in A]
    return (matrix(bits["x"]), matrix(bits["y"]), matrix(bits["W"]), from_hex(bits["b"]),
            from_hex(bits["learning_rate"]))


def trace_bits(scenario):
    """(W bits, b bits) for iterations 0..N of a scenario object (as in a golden file)."""
    x, y, W, b, a = inputs(scenario["bits"])
    for W_k, b_k in states(x, y, W, b, a, scenario["iterations"], scenario["variant"]):
        yield [[hex_bits(v) for v in row] for row in W_k], hex_bits(b_k)
