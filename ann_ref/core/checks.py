"""Checks of what the public functions are given: clear errors instead of wrong bits.

Numbers become numbers of the arithmetic here, once (number()). What may be non-finite
is decided here too, once for the API, the command line and scenario files: x, y, W
and b may hold inf and NaN (golden/non-finite.json is such a run); the learning rate
must be finite — in the arithmetic's own format, so that a check means the same on a
board whose float is binary32.
"""
from .arithmetic import BINARY64
from .model import VARIANTS
from .numbers import shown

# train keeps every state in a list; longer runs go through states(), one at a time
MOST_KEPT = 10 ** 6


def number(name, v, A=BINARY64):
    """v as a number of A: an int (the nearest, ties to even), a float (exactly where
    A is binary64; the nearest otherwise), or already one of A's numbers. TypeError for
    anything else (a bool too: True is not a weight), ValueError for an int beyond A's
    range (its digits are never printed: a number of 5,000 digits would be the whole
    message)."""
    if type(v) is A.kind:
        return v
    if type(v) is bool or not isinstance(v, (int, float)):
        raise TypeError("%s is %s (%s), not a real number" % (name, shown(v), type(v).__name__))
    if isinstance(v, int) and A.too_large(v):
        raise ValueError("%s is too large for %s (an integer beyond ±%s)"
                         % (name, A.format, "1.8e308" if A.format == "binary64" else "3.4e38"))
    return A.of(v)


def matrix(name, M, A=BINARY64):
    """A copy of the matrix M as a list of rows of A's numbers, checked to be
    rectangular, with at least one row and one column."""
    if not isinstance(M, (list, tuple)):
        raise TypeError("%s is %s, not a matrix (a list of rows)" % (name, type(M).__name__))
    if not M:
        raise ValueError("%s has no rows" % name)
    rows = []
    kind = A.kind
    for i, row in enumerate(M):
        if not isinstance(row, (list, tuple)):
            raise TypeError("%s[%d] is %s, not a row (a matrix is a list of lists)"
                            % (name, i, type(row).__name__))
        if len(row) != len(M[0]):
            raise ValueError("%s is ragged: row 0 has %d entries, row %d has %d"
                             % (name, len(M[0]), i, len(row)))
        # the name is formatted only for a number that is not one of A's already
        rows.append([v if type(v) is kind else number("%s[%d][%d]" % (name, i, j), v, A)
                     for j, v in enumerate(row)])
    if not rows[0]:
        raise ValueError("%s has no columns" % name)
    return rows


def iterations(n, most=None):
    """n, a whole number of iterations, 0 or more (and at most `most` if given)."""
    if type(n) is not int:
        raise TypeError("iterations is %s (%s), not a whole number" % (shown(n), type(n).__name__))
    if n < 0:
        raise ValueError("iterations is %s; it must be 0 or more" % shown(n))
    if most is not None and n > most:
        raise ValueError("iterations is %s; train keeps every state, so at most %d: "
                         "states() gives them one at a time, for runs of any length"
                         % (shown(n), most))
    return n


def learning_rate(v, A=BINARY64):
    a = number("learning_rate", v, A)
    if not A.finite(a):
        raise ValueError("learning_rate is %s; it must be a finite number" % shown(v))
    return a


def variant(v):
    if not (type(v) is str and v in VARIANTS):
        raise ValueError("variant is %s; it must be one of %s" % (shown(v), ", ".join(VARIANTS)))
    return v


def features(x, W):
    """x and W (checked matrices), checked to have one row per feature each."""
    if len(W) != len(x):
        raise ValueError("W has %d rows but x has %d features (rows); W is features × outputs"
                         % (len(W), len(x)))
    return x, W


def shapes(x, y, W, A=BINARY64):
    """x, y and W, checked to be matrices that fit together."""
    x, W = features(matrix("x", x, A), matrix("W", W, A))
    y = matrix("y", y, A)
    if len(y[0]) != len(x[0]):
        raise ValueError("y has %d samples (columns) but x has %d" % (len(y[0]), len(x[0])))
    if len(W[0]) != len(y):
        raise ValueError("W has %d columns but y has %d outputs (rows); W is features × outputs"
                         % (len(W[0]), len(y)))
    return x, y, W


def problem(x, y, W, b, a, n, kind, most=None, A=BINARY64):
    """Every input of a training run, checked, as fresh matrices of A's numbers."""
    x, y, W = shapes(x, y, W, A)
    return (x, y, W, number("b", b, A), learning_rate(a, A), iterations(n, most),
            variant(kind))


def layers(x, y, given, a, n, kind, most=None, A=BINARY64):
    """Every input of a layered network's run (docs/SPEC.md §9), checked: layer l's W is
    n_{l−1} × n_l and its b a column of n_l, n_0 the features of x, the last n_l the
    outputs of y. (x, y, [(W, b), ...], a, n, variant), as fresh matrices of A's numbers."""
    x, y = matrix("x", x, A), matrix("y", y, A)
    if len(y[0]) != len(x[0]):
        raise ValueError("y has %d samples (columns) but x has %d" % (len(y[0]), len(x[0])))
    if not isinstance(given, (list, tuple)) or not given:
        raise TypeError("layers is %s, not a list of (W, b)" % shown(given))
    out, units = [], len(x)
    for l, layer in enumerate(given):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError("layers[%d] is %s, not a pair (W, b)" % (l, shown(layer)))
        W = matrix("layers[%d].W" % l, layer[0], A)
        b = matrix("layers[%d].b" % l, layer[1], A)
        if len(W) != units:
            raise ValueError("layers[%d].W has %d rows; it must have %d, the %s" % (
                l, len(W), units, "features of x" if l == 0 else "units of layer %d" % (l - 1)))
        if len(b) != len(W[0]) or len(b[0]) != 1:
            raise ValueError("layers[%d].b is %d × %d; it must be a column of %d, one bias "
                             "per unit" % (l, len(b), len(b[0]), len(W[0])))
        units = len(W[0])
        out.append((W, b))
    if units != len(y):
        raise ValueError("the last layer has %d units but y has %d outputs (rows)"
                         % (units, len(y)))
    return x, y, out, learning_rate(a, A), iterations(n, most), variant(kind)
