"""How wrong a state is: the number of misclassified samples and the mean cross-entropy.

Neither is part of the arithmetic contract (docs/SPEC.md); they are for people watching
a network learn. The loss uses math.log, whose last bit may differ between C libraries,
so it is printed rounded, never compared bit for bit.

The mean cross-entropy of sigmoid outputs s against targets y, over every sample and
output (m·outputs terms), is

    L = −(1 / (m·outputs)) · Σ [ y·log(s) + (1 − y)·log(1 − s) ]

A term whose factor y or 1 − y is 0 counts as 0, as its limit does, so a saturated
s = 1.0 with target 1 adds nothing. When s rounds to exactly 0 or 1 against its target,
log(0) makes the term, and L, infinite: L is then inf, and printed so.
"""
import math

from ..core.arithmetic import BINARY64
from ..core.model import PARTS, forward


def cross_entropy(s, y):
    """The mean cross-entropy of s against y (float('inf') when a term is log(0))."""
    terms = 0
    total = 0.0
    for s_row, y_row in zip(s, y):
        for s_i, y_i in zip(s_row, y_row):
            term = 0.0
            if y_i != 0.0:
                term = term + (y_i * -math.log(s_i) if s_i != 0.0 else math.inf)
            if y_i != 1.0:
                q = 1.0 - s_i
                term = term + ((1.0 - y_i) * -math.log(q) if q != 0.0 else math.inf)
            total = term if terms == 0 else total + term     # left to right, from the first
            terms += 1
    return total / terms


def misclassified(y_pred, y):
    """How many predictions differ from their targets."""
    return len([1 for p_row, y_row in zip(y_pred, y) for p, t in zip(p_row, y_row) if p != t])


def outputs(x, W, b, A=BINARY64):
    """(s, y_pred) of the state (W, b) on the data x: the step's forward parts. Binary32
    values held in floats (core.single.FLOATS32) go through the parts as Singles, which
    round every operation to binary32, and come back as floats."""
    if A.format == "binary32" and A.kind is float:
        from ..core.single import BINARY32

        def singles(M):
            return [[BINARY32.of(v) for v in row] for row in M]
        s, y_pred = outputs(singles(x), singles(W), BINARY32.of(b), BINARY32)
        return [[v.v for v in row] for row in s], [[v.v for v in row] for row in y_pred]
    s = forward(A, [(W, b)], x)[-1][2]
    return s, PARTS["y_pred"](A, s)


def assess(x, y, W, b, A=BINARY64):
    """(misclassified, mean cross-entropy) of the state (W, b) on the data."""
    s, y_pred = outputs(x, W, b, A)
    return misclassified(y_pred, y), cross_entropy(s, y)

