"""One step of training with every intermediate kept, for people to look at.

The numbers are the ones the real step computes, bit for bit: each line below is the
same operation, on the same operands, in the same order as core.model.step, only kept
instead of thrown away (exp(−z) in particular is computed once and then used exactly as
sigmoid uses it). tests/test_learn_steps.py checks the new W and b against the trace.
"""
from ..core.exponential import exp
from ..core.matrix import add_scalar, apply, dot, subtract, transpose
from ..core.model import THRESHOLD, gradients, predict, update


class Step:
    """Everything one iteration computes from (W, b): forward, backward, update.

    Attribute names are the article's; e is the error (y_pred − y in the threshold
    variant, s − y in the logistic one), W_new and b_new the state after the update."""

    def __init__(self, x, y, W, b, a, variant=THRESHOLD):
        self.x, self.y, self.W, self.b, self.a, self.variant = x, y, W, b, a, variant
        self.z = add_scalar(dot(transpose(W), x), b)          # z = Wᵀ·x + b
        self.exp_minus_z = apply(lambda v: exp(-v), self.z)   # e^(−z)
        self.s = [[1.0 / (1.0 + q) for q in row]               # s = 1 / (1 + e^(−z))
                  for row in self.exp_minus_z]
        self.y_pred = predict(self.s)                          # y_pred = [s ≥ 0.5]
        self.e = subtract(self.y_pred if variant == THRESHOLD else self.s, y)
        self.m = len(x[0])
        self.dW, self.db = gradients(x, self.e, self.m)        # dW = x·eᵀ/m, db = Σe/m
        self.W_new, self.b_new = update(W, b, a, self.dW, self.db)

    def error_name(self):
        return "y_pred - y" if self.variant == THRESHOLD else "s - y"
