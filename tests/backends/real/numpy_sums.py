"""NumPy without matrix products: every sum is a broadcast product and NumPy's .sum(),
everything float64:

    z = (W[:, :, None] * x[:, None, :]).sum(axis=0) + b
    s = 1 / (1 + np.exp(-z))
    e = (s >= 0.5).astype(np.float64) - y            (the logistic variant: s - y)
    dW = (x[:, None, :] * e[None, :, :]).sum(axis=2) / m;  db = e.sum() / m
    W = W - a * dW;  b = b - a * db

python3 numpy_sums.py [--batch] [switches] < scenario.json. Each switch turns one of
its deviations from docs/SPEC.md off:
  --exact-exp   a correctly rounded exp instead of np.exp
  --loop-z      z by a running sum (b last) instead of .sum(axis=0)
  --loop-dW     x·eᵀ by a running sum instead of .sum(axis=2)
  --loop-db     Σ e by a running sum instead of e.sum()
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
        if "--loop-z" in opt:
            z = z_loop(W, x, b)
        else:
            z = (W[:, :, None] * x[:, None, :]).sum(axis=0) + b
        s = 1.0 / (1.0 + (exp_exact(-z) if "--exact-exp" in opt else np.exp(-z)))
        p = s if scenario["variant"] == "logistic" else (s >= 0.5).astype(np.float64)
        e = p - y
        if "--loop-dW" in opt:
            dW = xe_loop(x, e) / m
        else:
            dW = (x[:, None, :] * e[None, :, :]).sum(axis=2) / m
        db = (total_loop(e) if "--loop-db" in opt else e.sum()) / m
        W = W - a * dW
        b = b - a * db


if __name__ == "__main__":
    serve(run, options(SWITCHES, __doc__))
