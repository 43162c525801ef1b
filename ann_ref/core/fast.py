"""The article's step (model.step, one layer, one shared b) arranged the way the data
lie: the same operations on the same operands in the same order, with less work.

model.step is the reader's step: one part per equation of the article. This one gives
the same bits (tests/test_fast.py proves it on the catalogue and on random scenarios)
and is what training.trajectory runs:

- z = Wᵀ·x + b is accumulated feature by feature along the rows of x, which is the
  order docs/SPEC.md §3 fixes for each z[o][j] (over f, then b), so x is never
  transposed.
- The threshold variant needs only whether s ≥ 0.5, which is z ≥ Z* (A.z_star(), with
  its proof): it calls no exp at all, its error e = y_pred − y takes one of two values
  per sample, 1 − y or 0 − y, computed once per run, and the pass that adds the last
  feature and b picks it. The logistic variant's e = s − y is one pass over z.
- dW = x·eᵀ / m comes straight from the rows of x and e, and the update (model.descend)
  is applied as each dW is found; db = Σe / m is summed in the loop of the first feature.

Every sum still runs left to right from its first term, one rounding per operation. It
uses only the operators and A's constants, so it runs on any number type of model.py.
"""
from .model import THRESHOLD, descend


def stepper(A, x, y, a, variant=THRESHOLD):
    """step((W, b)) → (W, b): model.step on one layer [(W, b)], same bits.

    x, y and a are fixed for a run, so what depends on them alone is computed here,
    once. For binary32 numbers held in floats, fast32.py's step."""
    if A.format == "binary32" and A.kind is float:
        from .fast32 import stepper32     # imported only here: a board's heap stays small
        return stepper32(A, x, y, a, variant)
    exp, one, zero = A.exp, A.one, A.zero
    features = len(x)
    outputs = len(y)
    m = A.of(len(x[0]))
    x0 = x[0]
    x_last = x[features - 1]
    threshold = variant == THRESHOLD
    decided = threshold and A.exact           # s ≥ 0.5 decided by z ≥ Z*
    if threshold:
        hit = [[one - t for t in row] for row in y]       # e where y_pred = 1
        miss = [[zero - t for t in row] for row in y]     # e where y_pred = 0
        Z = A.z_star() if decided else None
        half = A.half
    samples = range(1, len(x[0]))                    # every sample but the first
    middle = [(f, x[f]) for f in range(1, features - 1)]  # between first and last
    later = [(f, x[f]) for f in range(1, features)]       # every feature but the first
    last = features - 1
    fused = decided and features > 1

    def step(state):
        W, b = state
        W_next = [[] for _ in x]
        db = None
        for o in range(outputs):
            # z = Wᵀ·x + b: the products summed feature by feature, b added last
            w = W[0][o]
            if last:
                z = [w * v for v in x0]
                for f, row in middle:
                    w = W[f][o]
                    z = [u + w * v for u, v in zip(z, row)]
                w = W[last][o]
            else:
                z = [w * v + b for v in x0]
            # e = y_pred − y, or s − y with s = 1 / (1 + e^(−z)); in the threshold
            # variant the pass that adds the last feature and b gives e at once (fusing
            # exp into it too makes PyPy's loops slower, and saves nothing on CPython)
            if fused:
                e = [h if (u + w * v) + b >= Z else l
                     for u, v, h, l in zip(z, x_last, hit[o], miss[o])]
            else:
                if last:
                    z = [(u + w * v) + b for u, v in zip(z, x_last)]
                if decided:
                    e = [h if v >= Z else l for v, h, l in zip(z, hit[o], miss[o])]
                elif threshold:
                    e = [h if one / (one + exp(-v)) >= half else l
                         for v, h, l in zip(z, hit[o], miss[o])]
                else:
                    e = [one / (one + exp(-v)) - t for v, t in zip(z, y[o])]
            # dW = x·eᵀ / m along the rows of x, and W − a·dW at once; db = Σe / m,
            # row-major, rides along with the first feature
            t = e[0]
            g = x0[0] * t
            db = t if db is None else db + t
            for j in samples:
                t = e[j]
                g = g + x0[j] * t
                db = db + t
            W_next[0].append(descend(W[0][o], a, g / m))
            for f, row in later:
                g = row[0] * e[0]
                for j in samples:
                    g = g + row[j] * e[j]
                W_next[f].append(descend(W[f][o], a, g / m))
        return W_next, descend(b, a, db / m)

    return step

