"""Training: the step of model.py, repeated, with every state kept.

State k is (W, b) after k updates; state 0 is the initial one.
"""
from .bits import float_to_bits
from .model import THRESHOLD, sigmoid, step


def states(x, y, W, b, a, iterations, variant=THRESHOLD, sigmoid=sigmoid):
    """Yield the states 0..iterations of checked float inputs, one at a time.

    An exact shortcut: a step is a function of the state alone, so once an update
    leaves W and b bit for bit unchanged, every later state is that same one (the
    article's example gets there after update 25 and would otherwise spend 975
    iterations recomputing it). Yielded lists must not be changed by the caller."""
    yield W, b
    for k in range(1, iterations + 1):
        W_next, b_next = step(x, y, W, b, a, variant, sigmoid)
        if W_next == W and b_next == b and _same_bits(W_next, b_next, W, b):
            for _ in range(k, iterations + 1):
                yield W, b
            return
        W, b = W_next, b_next
        yield W, b


def _same_bits(W1, b1, W2, b2):
    if float_to_bits(b1) != float_to_bits(b2):
        return False
    for r1, r2 in zip(W1, W2):
        for u, v in zip(r1, r2):
            if float_to_bits(u) != float_to_bits(v):
                return False
    return True

