"""A backend with NumPy, written from docs/SPEC.md: the scenario document on stdin, its
trace on stdout as JSON lines.

NumPy's own shortcuts give other bits than the spec: np.dot and @ run BLAS kernels
(other summation orders, FMA), np.sum adds pairwise, np.exp is not correctly rounded.
So the sums below are element-wise operations applied term after term, in the spec's
order, and exp comes from exact_exp.py beside this file.

    python3 -m ann_ref verify golden/ --backend 'python3 docs/backends/backend_numpy.py' -j 2
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exact_exp import exp  # noqa: E402


def from_bits(rows):
    """A matrix of bit patterns as float64: the numbers are read from scenario.bits,
    never from the decimals."""
    return np.array([[int(h, 16) for h in row] for row in rows],
                    dtype=np.uint64).view(np.float64)


def to_bits(A):
    """float64 values as bit patterns, every NaN as 7ff8000000000000."""
    A = np.where(np.isnan(A), np.nan, A)       # NumPy's NaN is the canonical one
    return ["%016x" % n for n in np.asarray(A, dtype=np.float64).reshape(-1).view(np.uint64)]


def step(x, y, W, b, a, variant):
    F, S = x.shape
    O = y.shape[0]
    m = np.float64(S)
    # z[o][j] = ((W[0][o] x[0][j] + W[1][o] x[1][j]) + ...) + b: one product per
    # feature, added in order to the running sum (started from the first), b last
    z = W[0][:, None] * x[0][None, :]
    for f in range(1, F):
        z = z + W[f][:, None] * x[f][None, :]
    z = z + b
    t = np.array([exp(-v) for v in z.reshape(-1).tolist()]).reshape(O, S)
    s = 1.0 / (1.0 + t)
    y_pred = (s >= 0.5).astype(np.float64)
    e = (y_pred if variant == "threshold" else s) - y
    # dW[f][o] = (x[f][0] e[o][0] + x[f][1] e[o][1] + ...) / m, the samples in order
    g = x[:, 0][:, None] * e[:, 0][None, :]
    for j in range(1, S):
        g = g + x[:, j][:, None] * e[:, j][None, :]
    dW = g / m
    # db: one running sum over e row by row (not np.sum: it adds pairwise), then / m
    flat = e.reshape(-1)
    total = flat[0]
    for v in flat[1:]:
        total = total + v
    db = total / m
    return W - a * dW, b - a * db


def main():
    scenario = json.load(sys.stdin)["scenario"]
    bits = scenario["bits"]
    x, y, W = from_bits(bits["x"]), from_bits(bits["y"]), from_bits(bits["W"])
    b = from_bits([[bits["b"]]])[0, 0]
    a = from_bits([[bits["learning_rate"]]])[0, 0]
    rows, cols = W.shape
    out = []
    for k in range(scenario["iterations"] + 1):
        if k:
            W, b = step(x, y, W, b, a, scenario["variant"])
        flat = to_bits(W)
        out.append(json.dumps({"iteration": k, "bits": {
            "W": [flat[i * cols:(i + 1) * cols] for i in range(rows)],
            "b": to_bits(np.array([b]))[0]}}))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    with np.errstate(all="ignore"):            # inf and NaN are data here, not errors
        main()
