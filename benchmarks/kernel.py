"""The yardstick of benchmarks/bench.py: the fewest pure-Python operations that follow
docs/SPEC.md §3, with nothing else — no checks, no states kept, no shortcut.

It returns the state after n iterations. bench.py checks that its bits are those of
ann_ref before it times anything, and ann_ref's own step should stay close to it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ann_ref.core.exponential import exp  # noqa: E402  (the only correctly rounded exp)


def kernel(x, y, W, b, a, n, logistic=True):
    """(W, b) after n iterations; x, y, W lists of rows of floats, b and a floats."""
    F, O, m = len(x), len(y), float(len(x[0]))
    for _ in range(n):
        W_next = [[0.0] * O for _ in range(F)]
        db = None
        for o in range(O):
            w = W[0][o]
            z = [w * v for v in x[0]]                 # Σ over f, from the first term
            for f in range(1, F):
                w = W[f][o]
                z = [u + w * v for u, v in zip(z, x[f])]
            if logistic:
                e = [1.0 / (1.0 + exp(-(u + b))) - t for u, t in zip(z, y[o])]
            else:
                e = [(1.0 if 1.0 / (1.0 + exp(-(u + b))) >= 0.5 else 0.0) - t
                     for u, t in zip(z, y[o])]
            for f in range(F):
                xf = x[f]
                g = xf[0] * e[0]
                for j in range(1, len(e)):
                    g = g + xf[j] * e[j]
                W_next[f][o] = W[f][o] - a * (g / m)
            for t in e:
                db = t if db is None else db + t
        W, b = W_next, b - a * (db / m)
    return W, b
