"""Training: a step repeated, every state given in turn.

State k is the network after k updates; state 0 is the initial one.
"""
from .arithmetic import BINARY64
from .fast import stepper
from .model import THRESHOLD, step


class Trajectory:
    """State 0, then next_state() of the one before, up to state `iterations`: iterate
    over it once.

    An exact shortcut: a step is a function of the state alone, so once an update leaves
    every bit of the state unchanged (key() equal), every later state is that same one:
    the same object is given again, and the step is not computed (the article's example
    gets there after update 25 and would otherwise spend 975 iterations recomputing it).
    Given states must not be changed by the caller.

    fixed: the first update that left the state unchanged, once found (None before, and
    if there is none); settled: the last update that changed it, once known — when the
    fixed point is found, or every state has been given."""

    def __init__(self, next_state, state, iterations, key):
        self.next_state, self.state, self.iterations, self.key = \
            next_state, state, iterations, key
        self.fixed = self.settled = None

    def __iter__(self):
        state, n = self.state, self.iterations
        yield state
        for k in range(1, n + 1):
            after = self.next_state(state)
            # == first: cheap and almost always false; the bits then settle ±0.0 (equal
            # to ==) and NaN (unequal to itself)
            if after == state and self.key(after) == self.key(state):
                self.fixed, self.settled = k, k - 1
                for _ in range(k, n + 1):
                    yield state
                return
            state = after
            yield state
        self.settled = n


def trajectory(x, y, W, b, a, iterations, variant=THRESHOLD, A=BINARY64):
    """The states (W, b) 0..iterations of the article's network (one layer, one shared
    b), for numbers of A already checked, as a Trajectory: fast.py's step, model.step's
    bits."""
    def key(state):
        return A.key((state,))
    return Trajectory(stepper(A, x, y, a, variant), (W, b), iterations, key)


def network_trajectory(x, y, layers, a, iterations, variant=THRESHOLD, A=BINARY64):
    """The layers [(W, b), ...] 0..iterations of a network of any depth (docs/SPEC.md
    §9, each b a column), for numbers of A already checked, as a Trajectory: fast.py's
    network step, model.step's bits. (§9 is the logistic variant; the threshold one,
    which it does not define, is model.step's.)"""
    if variant == THRESHOLD:
        def next_state(layers):
            return step(A, x, y, layers, a, variant)
    else:
        from .fast_layers import network_stepper   # here: a board's heap is small
        next_state = network_stepper(A, x, y, a)
    return Trajectory(next_state, layers, iterations, A.key)
