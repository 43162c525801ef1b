"""Checks of what the public functions are given: clear errors instead of wrong bits.

Numbers become binary64 here, once, through numbers.real. What may be non-finite is
decided here too, once for the API, the command line and scenario files: x, y, W and b
may hold inf and NaN (golden/non-finite.json is such a run); the learning rate must be
finite.
"""
from .model import VARIANTS
from .numbers import finite, real, shown

# train keeps every state in a list; longer runs go through states(), one at a time
MOST_KEPT = 10 ** 6


def matrix(name, A):
    """A copy of the matrix A as a list of rows of floats, checked to be rectangular."""
    if not isinstance(A, (list, tuple)):
        raise TypeError("%s is %s, not a matrix (a list of rows)" % (name, type(A).__name__))
    if not A:
        raise ValueError("%s has no rows" % name)
    rows = []
    for i, row in enumerate(A):
        if not isinstance(row, (list, tuple)):
            raise TypeError("%s[%d] is %s, not a row (a matrix is a list of lists)"
                            % (name, i, type(row).__name__))
        if len(row) != len(A[0]):
            raise ValueError("%s is ragged: row 0 has %d entries, row %d has %d"
                             % (name, len(A[0]), i, len(row)))
        # the name is formatted only for a number that is not a float already
        rows.append([v if type(v) is float else real("%s[%d][%d]" % (name, i, j), v)
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


def learning_rate(v):
    a = real("learning_rate", v)
    if not finite(a):
        raise ValueError("learning_rate is %r; it must be a finite number" % a)
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


def shapes(x, y, W):
    """x, y and W, checked to be matrices that fit together."""
    x, W = features(matrix("x", x), matrix("W", W))
    y = matrix("y", y)
    if len(y[0]) != len(x[0]):
        raise ValueError("y has %d samples (columns) but x has %d" % (len(y[0]), len(x[0])))
    if len(W[0]) != len(y):
        raise ValueError("W has %d columns but y has %d outputs (rows); W is features × outputs"
                         % (len(W[0]), len(y)))
    return x, y, W


def problem(x, y, W, b, a, n, kind, most=None):
    """Every input of a training run, checked, as fresh float matrices."""
    x, y, W = shapes(x, y, W)
    return (x, y, W, real("b", b), learning_rate(a), iterations(n, most), variant(kind))
