"""The fast step of a network of layers (docs/SPEC.md §9), model.step's bits arranged
the way the data lie, as fast.py does for the article's one layer
(tests/test_layers_fast.py proves it). A module of its own, imported by the first
layered run: a run of one layer, all a board runs, does not load its bytecode into
the heap.

Two arrangements of the same operations in the same order: looped_stepper's loops
over lists, for any network; and, off MicroPython, straight.py's step written out
without a loop for the network's shape, four times as fast without the exps for XOR's
2-2-1 network.
"""
import sys


def network_stepper(A, x, y, a):
    """step([(W, b), ...]) → [(W, b), ...]: model.step on a network of any depth in
    the logistic variant (docs/SPEC.md §9), with the same bits: off MicroPython,
    straight.py's step for the shape of the first layers it is given (the loops for
    layers of another shape, or a network too large to write out); on MicroPython,
    looped_stepper's."""
    looped = looped_stepper(A, x, y, a)
    if sys.implementation.name == "micropython":
        return looped
    from .straight import stepper       # here: a board never loads it
    return stepper(A, x, y, a, looped)


def looped_stepper(A, x, y, a):
    """network_stepper's step in loops over lists, for a network of any shape: the
    logistic variant (docs/SPEC.md §9: e = s − y at the output, each b a column).

    Forward, each unit's z is accumulated along the rows of the layer's input (over k,
    then + b[o][0]) and, for two inputs, turned into s in the same expression; only the
    activations are kept. Backward, from the output layer down, each layer's dW, db and
    new weights are computed from its old W, and the error is carried to the layer
    below: g[k][j] = Σ_o W[k][o]·e[o][j] from o = 0, then (g·s)·(1 − s)."""
    exp, one = A.exp, A.one
    m = A.of(len(x[0]))
    samples = range(1, len(x[0]))

    def weighted(W, b, below):
        """z[o] = Σ_k W[k][o]·below[k] + b[o][0] of every unit o."""
        if len(below) == 2:                 # two inputs: each z in one expression
            r0, r1 = below
            return [[(p * u + q * v) + c for u, v in zip(r0, r1)]
                    for p, q, (c,) in zip(W[0], W[1], b)]
        out = []
        for o, (c,) in enumerate(b):
            w = W[0][o]
            z = [w * v for v in below[0]]
            for k in range(1, len(below)):
                w = W[k][o]
                z = [u + w * v for u, v in zip(z, below[k])]
            out.append([u + c for u in z])
        return out

    def activations(W, b, below):
        """s = 1 / (1 + exp(−z)) of every unit of a hidden layer."""
        if len(below) == 2:                 # z and s in one expression
            r0, r1 = below
            return [[one / (one + exp(-((p * u + q * v) + c))) for u, v in zip(r0, r1)]
                    for p, q, (c,) in zip(W[0], W[1], b)]
        return [[one / (one + exp(-v)) for v in row] for row in weighted(W, b, below)]

    def step(layers):
        # forward propagation: the activations a_0 = x, a_1 … a_{L−1} that backward needs
        active = [x]
        for W, b in layers[:-1]:
            active.append(activations(W, b, active[-1]))
        W, b = layers[-1]                   # e = s − y
        e = [[one / (one + exp(-v)) - t for v, t in zip(z, ry)]
             for z, ry in zip(weighted(W, b, active[-1]), y)]
        # backpropagation, from the output layer down, every layer from its old W
        new = []
        for l in range(len(layers) - 1, -1, -1):
            W, b = layers[l]
            below = active[l]
            W_next = []
            for row, Wk in zip(below, W):   # dW[k][o] = Σ_j below[k][j]·e[o][j] / m
                new_row = []
                for w, eo in zip(Wk, e):
                    g = row[0] * eo[0]
                    for j in samples:
                        g = g + row[j] * eo[j]
                    new_row.append(w - a * (g / m))
                W_next.append(new_row)
            b_next = []
            for (c,), eo in zip(b, e):      # db[o] = Σ_j e[o][j] / m
                g = eo[0]
                for j in samples:
                    g = g + eo[j]
                b_next.append([c - a * (g / m)])
            new.append((W_next, b_next))
            if l:                           # the error below: (Σ_o W[k][o]·e[o] · s)·(1 − s)
                carried = []
                for Wk, sk in zip(W, below):
                    w = Wk[0]
                    g = [w * t for t in e[0]]
                    for o in range(1, len(e)):
                        w = Wk[o]
                        g = [u + w * t for u, t in zip(g, e[o])]
                    carried.append([(u * v) * (one - v) for u, v in zip(g, sk)])
                e = carried
        new.reverse()
        return new

    return step
