"""The spec's sums (docs/SPEC.md §3) written with NumPy's element-wise operations only,
for the switches that take a library's dot or sum away: every sum one running sum, left
to right, from its first term; each `+` and `*` an IEEE operation on float64 (or int64
where the arrays are integers, as the article's are)."""
import numpy as np

from common import exact_exp


def z_loop(W, x, b):
    """z[o][j] = (W[0][o]·x[0][j] + W[1][o]·x[1][j] + …) + b."""
    z = W[0][:, None] * x[0][None, :]
    for f in range(1, W.shape[0]):
        z = z + W[f][:, None] * x[f][None, :]
    return z + b


def xe_loop(x, e):
    """x·eᵀ: [f][o] = x[f][0]·e[o][0] + x[f][1]·e[o][1] + …"""
    acc = x[:, 0][:, None] * e[:, 0][None, :]
    for j in range(1, x.shape[1]):
        acc = acc + x[:, j][:, None] * e[:, j][None, :]
    return acc


def total_loop(e):
    """Σ e, row by row, as one running sum."""
    flat = e.ravel()
    acc = flat[0]
    for v in flat[1:]:
        acc = acc + v
    return acc


def exp_exact(v):
    """A correctly rounded exp of every entry, as a float64 array of v's shape."""
    return np.array([exact_exp(t) for t in np.asarray(v, dtype=np.float64).ravel()],
                    dtype=np.float64).reshape(np.shape(v))
