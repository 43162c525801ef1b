"""The yardstick of benchmarks/bench_layers.py: the fewest pure-Python operations that
follow docs/SPEC.md §9 for a network of any depth, with nothing else — no checks, no
states kept, no shortcut; the sums written out as loops, the way one writes them by hand.

It returns the layers after n iterations. bench_layers.py checks that its bits are those
of ann_ref before it times anything.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ann_ref.core.exponential import exp  # noqa: E402  (the only correctly rounded exp)


def kernel(x, y, layers, a, n, logistic=True):
    """[(W, b), ...] after n iterations; x, y, W lists of rows of floats, each b a
    column [[b0], [b1], ...], a a float."""
    S = len(x[0])
    m = float(S)
    samples = range(1, S)
    for _ in range(n):
        # forward: a_l = 1 / (1 + exp(−(W_lᵀ·a_{l−1} + b_l)))
        active = [x]
        for W, b in layers:
            below = active[-1]
            out = []
            for o in range(len(W[0])):
                w = W[0][o]
                z = [w * v for v in below[0]]
                for k in range(1, len(below)):
                    w = W[k][o]
                    z = [u + w * v for u, v in zip(z, below[k])]
                c = b[o][0]
                out.append([1.0 / (1.0 + exp(-(u + c))) for u in z])
            active.append(out)
        s = active.pop()
        if logistic:
            e = [[p - t for p, t in zip(rs, ry)] for rs, ry in zip(s, y)]
        else:
            e = [[(1.0 if p >= 0.5 else 0.0) - t for p, t in zip(rs, ry)]
                 for rs, ry in zip(s, y)]
        # backward, from the output down, every layer from its old W
        new = [None] * len(layers)
        for l in range(len(layers) - 1, -1, -1):
            W, b = layers[l]
            below = active[l]
            W_next = []
            for k in range(len(W)):
                row, r = below[k], []
                for o in range(len(W[0])):
                    eo = e[o]
                    g = row[0] * eo[0]
                    for j in samples:
                        g = g + row[j] * eo[j]
                    r.append(W[k][o] - a * (g / m))
                W_next.append(r)
            b_next = []
            for o in range(len(W[0])):
                eo = e[o]
                g = eo[0]
                for j in samples:
                    g = g + eo[j]
                b_next.append([b[o][0] - a * (g / m)])
            new[l] = (W_next, b_next)
            if l:
                carried = []
                for k in range(len(W)):
                    Wk, sk = W[k], below[k]
                    r = []
                    for j in range(S):
                        g = Wk[0] * e[0][j]
                        for o in range(1, len(e)):
                            g = g + Wk[o] * e[o][j]
                        v = sk[j]
                        r.append((g * v) * (1.0 - v))
                    carried.append(r)
                e = carried
        layers = new
    return layers
