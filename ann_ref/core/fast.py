"""The step of model.py for binary64 floats, computed the way the data lies.

model.step is the reader's step: one line per equation of the article. This one gives
the same bits (tests/test_fast.py proves it on the catalogue and on random scenarios)
with less work, and it is what training.states runs on floats:

- z = Wᵀ·x + b is accumulated feature by feature along the rows of x, which is the
  order docs/SPEC.md §3 fixes for each z[o][j] (over f, then b), so x is never
  transposed.
- The threshold variant needs only the sign of s − 0.5, which is z ≥ Z_STAR (below):
  it calls no exp at all, its error e = y_pred − y takes one of two values per
  sample, 1 − y or 0 − y, computed once per run, and the pass that adds the last
  feature and b picks it. The logistic variant's e = s − y is one pass over z.
- dW = x·eᵀ / m comes straight from the rows of x and e, and W − a·dW is applied as
  each dW is found; db = Σe / m is summed in the loop of the first feature.

Every sum still runs left to right from its first term, one rounding per operation.
"""
from .bits import bits_to_float, float_to_bits
from .exponential import exp
from .model import THRESHOLD


def _sigmoid(z):
    return 1.0 / (1.0 + exp(-z))


def _ordinal(v):
    """Integers that increase with the float v (−0.0 and +0.0 both 0)."""
    n = float_to_bits(v)
    return -(n & 0x7FFFFFFFFFFFFFFF) if n >> 63 else n


def _from_ordinal(n):
    return -bits_to_float(-n) if n < 0 else bits_to_float(n)


def _threshold():
    """The least binary64 z with s(z) ≥ 0.5, by bisection over the floats.

    Why one constant decides every z: s(z) = 1 ⊘ (1 ⊕ exp(−z)) is non-decreasing in z.
    For z1 ≤ z2, −z1 ≥ −z2 (negation is exact); e^v is increasing and rounding to
    nearest is monotone, so a correctly rounded exp gives t1 ≥ t2 ≥ 0 (+inf included);
    1 ⊕ t is then d1 ≥ d2 ≥ 1 by the same monotony of rounding; and 1 ⊘ d is
    non-increasing for d ≥ 1 (1 ⊘ inf = 0), so s1 ≤ s2. Hence {z : s(z) ≥ 0.5} is all
    floats from one Z_STAR up, +inf included (s(+inf) = 1), −inf excluded (s = 0), and
    a NaN z, whose s is NaN, compares false both ways: y_pred = 0.0 in both forms.
    −0.0 and +0.0 compare equal and have the same s (0.5). Bisection finds Z_STAR from
    s(−1) < 0.5 ≤ s(0) in 62 halvings of an interval of ordinals."""
    low, high = _ordinal(-1.0), _ordinal(0.0)   # s(low) < 0.5 <= s(high)
    while high - low > 1:
        middle = (low + high) // 2
        if _sigmoid(_from_ordinal(middle)) >= 0.5:
            high = middle
        else:
            low = middle
    return _from_ordinal(high)


Z_STAR = _threshold()          # −1.5·2^−52 < Z_STAR ≤ −2^−52 (docs/SPEC.md §5, tiny z)


def stepper(x, y, a, variant=THRESHOLD, sigmoid=None):
    """step(W, b) → (W, b): model.step(x, y, W, b, a, variant) for floats, same bits.

    x, y and a are fixed for a run, so what depends on them alone is computed here,
    once. sigmoid=None is the exact sigmoid of model.py; any other (libm.py's) is
    called on each z, as model.step would."""
    features = len(x)
    outputs = len(y)
    m = float(len(x[0]))
    x0 = x[0]
    x_last = x[features - 1]
    threshold = variant == THRESHOLD
    if threshold:
        hit = [[1.0 - t for t in row] for row in y]       # e where y_pred = 1
        miss = [[0.0 - t for t in row] for row in y]      # e where y_pred = 0
    samples = range(1, len(x[0]))                    # every sample but the first
    middle = [(f, x[f]) for f in range(1, features - 1)]  # between first and last
    later = [(f, x[f]) for f in range(1, features)]       # every feature but the first
    last = features - 1
    fused = threshold and sigmoid is None and features > 1
    exact_logistic = not threshold and sigmoid is None

    def step(W, b):
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
                e = [h if (u + w * v) + b >= Z_STAR else l
                     for u, v, h, l in zip(z, x_last, hit[o], miss[o])]
            else:
                if last:
                    z = [(u + w * v) + b for u, v in zip(z, x_last)]
                if exact_logistic:
                    e = [1.0 / (1.0 + exp(-v)) - t for v, t in zip(z, y[o])]
                elif sigmoid is None:
                    e = [h if v >= Z_STAR else l for v, h, l in zip(z, hit[o], miss[o])]
                elif threshold:
                    e = [h if sigmoid(v) >= 0.5 else l for v, h, l in zip(z, hit[o], miss[o])]
                else:
                    e = [sigmoid(v) - t for v, t in zip(z, y[o])]
            # dW = x·eᵀ / m along the rows of x and W = W − a·dW; db = Σe / m, row-major,
            # rides along with the first feature
            t = e[0]
            g = x0[0] * t
            db = t if db is None else db + t
            for j in samples:
                t = e[j]
                g = g + x0[j] * t
                db = db + t
            W_next[0].append(W[0][o] - a * (g / m))
            for f, row in later:
                g = row[0] * e[0]
                for j in samples:
                    g = g + row[j] * e[j]
                W_next[f].append(W[f][o] - a * (g / m))
        return W_next, b - a * (db / m)                 # b = b − a·db

    return step
