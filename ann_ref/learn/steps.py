"""One step of training with every intermediate kept, for people to look at.

The numbers are the real step's (core.model.step with keep=True), bit for bit: nothing
here computes them again. tests/test_learn_steps.py checks the new W and b against the
trace.
"""
from ..core.arithmetic import BINARY64
from ..core.model import THRESHOLD, step


class Step:
    """Everything one iteration of the article's network computes from (W, b): forward,
    backward, update.

    Attribute names are the article's; e is the error (y_pred − y in the threshold
    variant, s − y in the logistic one), W_new and b_new the state after the update."""

    def __init__(self, x, y, W, b, a, variant=THRESHOLD, A=BINARY64):
        self.x, self.y, self.W, self.b, self.a, self.variant = x, y, W, b, a, variant
        [(self.W_new, self.b_new)], kept = step(A, x, y, [(W, b)], a, variant, keep=True)
        self.z, self.exp_minus_z, self.s = kept["z"][0], kept["t"][0], kept["s"][0]
        self.y_pred, self.e = kept["y_pred"], kept["e"][0]
        self.dW, self.db = kept["dW"][0], kept["db"][0]
        self.m = len(x[0])

    def error_name(self):
        return "y_pred - y" if self.variant == THRESHOLD else "s - y"
