"""The article's NumPy program as published, on any scenario: x and y are int64 where
their values are integers (the article writes them so), y_pred is int64, b is a
scalar broadcast over every output, and every operation is the article's:

    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    y_pred = np.array(s >= 0.5, dtype='int64')        (the logistic variant: e = s - y)
    dW = np.dot(x, (y_pred - y).T) / m
    db = np.sum(y_pred - y) / m
    W = W - a * dW;  b = b - a * db

python3 numpy_article.py [--batch] [switches] < scenario.json. Each switch turns one of
its deviations from docs/SPEC.md off:
  --exact-exp     a correctly rounded exp instead of np.exp
  --loop-z        z by a running sum (b last) instead of np.dot(W.T, x)
  --loop-dW       x·eᵀ by a running sum instead of np.dot(x, e.T)
  --loop-db       Σ e by a running sum instead of np.sum
  --float-error   y_pred (so e) as float64 instead of int64
"""
import sys

import numpy as np

from common import inputs, line, options, serve
from nploops import exp_exact, total_loop, xe_loop, z_loop

SWITCHES = ("--exact-exp", "--loop-z", "--loop-dW", "--loop-db", "--float-error")


def as_written(rows):
    """int64 where every value is an integer, as the article writes its data (−0.0 is
    not one: no integer literal gives it)."""
    a = np.array(rows, dtype=np.float64)
    whole = (np.isfinite(a).all() and (a == np.floor(a)).all() and (abs(a) < 2.0 ** 53).all()
             and not np.signbit(a[a == 0]).any())
    return a.astype(np.int64) if whole else a


def run(scenario, out, opt):
    x0, y0, W0, b, a = inputs(scenario)
    x, y = as_written(x0), as_written(y0)
    W = np.zeros((x.shape[0], y.shape[0]))
    W[:] = W0
    m = x.shape[1]
    for i in range(scenario["iterations"] + 1):
        out.write(line(i, W.tolist(), b))
        if i == scenario["iterations"]:
            break
        z = z_loop(W, x, b) if "--loop-z" in opt else np.dot(W.T, x) + b
        s = 1 / (1 + (exp_exact(-z) if "--exact-exp" in opt else np.exp(-z)))
        if scenario["variant"] == "logistic":
            e = s - y
        else:
            s = s >= 0.5
            y_pred = np.array(s, dtype="float64" if "--float-error" in opt else "int64")
            e = y_pred - y
        dW = (xe_loop(x, e) if "--loop-dW" in opt else np.dot(x, e.T)) / m
        db = (total_loop(e) if "--loop-db" in opt else np.sum(e)) / m
        W = W - a * dW
        b = b - a * db


if __name__ == "__main__":
    serve(run, options(SWITCHES, __doc__))
