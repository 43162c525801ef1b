"""The article's NumPy program written carefully: everything float64 (y_pred included),
but the library's own np.dot, np.exp and np.sum:

    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    e = (s >= 0.5).astype(np.float64) - y            (the logistic variant: s - y)
    dW = np.dot(x, e.T) / m;  db = np.sum(e) / m
    W = W - a * dW;  b = b - a * db

python3 numpy_careful.py [--batch] [switches] < scenario.json. Each switch turns one of
its deviations from docs/SPEC.md off:
  --exact-exp   a correctly rounded exp instead of np.exp
  --loop-z      z by a running sum (b last) instead of np.dot(W.T, x)
  --loop-dW     x·eᵀ by a running sum instead of np.dot(x, e.T)
  --loop-db     Σ e by a running sum instead of np.sum
"""
import numpy as np

from common import inputs, line, options, serve
from nploops import exp_exact, total_loop, xe_loop, z_loop

SWITCHES = ("--exact-exp", "--loop-z", "--loop-dW", "--loop-db")


def run(scenario, out, opt):
    x0, y0, W0, b, a = inputs(scenario)
    x, y, W = (np.array(v, dtype=np.float64) for v in (x0, y0, W0))
    b, a, m = np.float64(b), np.float64(a), np.float64(x.shape[1])
    for i in range(scenario["iterations"] + 1):
        out.write(line(i, W.tolist(), b))
        if i == scenario["iterations"]:
            break
        z = z_loop(W, x, b) if "--loop-z" in opt else np.dot(W.T, x) + b
        s = 1.0 / (1.0 + (exp_exact(-z) if "--exact-exp" in opt else np.exp(-z)))
        p = s if scenario["variant"] == "logistic" else (s >= 0.5).astype(np.float64)
        e = p - y
        dW = (xe_loop(x, e) if "--loop-dW" in opt else np.dot(x, e.T)) / m
        db = (total_loop(e) if "--loop-db" in opt else np.sum(e)) / m
        W = W - a * dW
        b = b - a * db


if __name__ == "__main__":
    serve(run, options(SWITCHES, __doc__))
