"""Training: the step of model.py, repeated, with every state kept.

State k is (W, b) after k updates; state 0 is the initial one.
"""
import struct

from .fast import stepper
from .model import THRESHOLD, sigmoid, step

_exact = sigmoid              # model.py's sigmoid: fast.py has it built in


def states(x, y, W, b, a, iterations, variant=THRESHOLD, sigmoid=sigmoid):
    """Yield the states 0..iterations of checked float inputs, one at a time.

    On floats each step is fast.py's, which gives model.step's bits with less work;
    any other number type goes through model.step itself.

    An exact shortcut: a step is a function of the state alone, so once an update
    leaves W and b bit for bit unchanged, every later state is that same one (the
    article's example gets there after update 25 and would otherwise spend 975
    iterations recomputing it). Yielded lists must not be changed by the caller."""
    yield W, b
    if iterations == 0:
        return
    if _floats(x, y, W, b, a):
        next_state = stepper(x, y, a, variant, None if sigmoid is _exact else sigmoid)
    else:
        def next_state(W, b):
            return step(x, y, W, b, a, variant, sigmoid)
    for k in range(1, iterations + 1):
        W_next, b_next = next_state(W, b)
        # == first: cheap and almost always false (b first, one float); bits then settle
        # ±0.0, and NaN, which == calls unequal to itself
        if b_next == b and W_next == W and _bits(W_next, b_next) == _bits(W, b):
            for _ in range(k, iterations + 1):
                yield W, b
            return
        W, b = W_next, b_next
        yield W, b


def _floats(*values):
    """True if every number in these floats and matrices of floats is a float."""
    for v in values:
        if type(v) is list:
            for row in v:
                for u in row:
                    if type(u) is not float:
                        return False
        elif type(v) is not float:
            return False
    return True

def _bits(W, b):
    """The bytes of every number of the state: equal exactly when all bits are."""
    flat = [v for row in W for v in row]
    flat.append(b)
    return struct.pack("<%dd" % len(flat), *flat)

