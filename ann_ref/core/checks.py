"""Checks of what the public functions are given: clear errors instead of wrong bits.

Numbers become binary64 here, once: an int becomes the nearest float (exact up to
2^53), a bool is refused (True is not a weight).
"""
from .model import VARIANTS


def real(name, v):
    """v as a float; TypeError unless v is an int or a float."""
    if type(v) is not float and (type(v) is bool or not isinstance(v, (int, float))):
        raise TypeError("%s is %r (%s), not a real number" % (name, v, type(v).__name__))
    try:
        return float(v)
    except OverflowError:
        raise ValueError("%s = %d is too large for binary64" % (name, v))


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
        rows.append([real("%s[%d][%d]" % (name, i, j), v) for j, v in enumerate(row)])
    if not rows[0]:
        raise ValueError("%s has no columns" % name)
    return rows


def iterations(n):
    if type(n) is not int:
        raise TypeError("iterations is %r (%s), not a whole number" % (n, type(n).__name__))
    if n < 0:
        raise ValueError("iterations is %d; it must be 0 or more" % n)
    return n


def problem(x, y, W, b, learning_rate, n, variant):
    """Every input of a training run, checked, as fresh float matrices."""
    x = matrix("x", x)
    y = matrix("y", y)
    W = matrix("W", W)
    b = real("b", b)
    if len(y[0]) != len(x[0]):
        raise ValueError("y has %d samples (columns) but x has %d" % (len(y[0]), len(x[0])))
    if len(W) != len(x):
        raise ValueError("W has %d rows but x has %d features (rows); W is features × outputs"
                         % (len(W), len(x)))
    if len(W[0]) != len(y):
        raise ValueError("W has %d columns but y has %d outputs (rows); W is features × outputs"
                         % (len(W[0]), len(y)))
    a = real("learning_rate", learning_rate)
    if not -1e308 * 10 < a < 1e308 * 10:
        raise ValueError("learning_rate is %r; it must be a finite number" % a)
    if variant not in VARIANTS:
        raise ValueError("variant is %r; it must be one of %s" % (variant, ", ".join(VARIANTS)))
    return x, y, W, b, a, iterations(n), variant
