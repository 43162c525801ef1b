"""The article's NumPy program in float32, as one writes it for single precision:
every array np.float32 (x, y, W, the error too), b and a np.float32 scalars:

    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    e = (s >= 0.5).astype(np.float32) - y            (the logistic variant: s - y)
    dW = np.dot(x, e.T) / m;  db = np.sum(e) / m
    W = W - a * dW;  b = b - a * db

NumPy's float32 operations on arrays round each element once to binary32, so with every
switch below this is docs/SPEC.md §10's binary32 contract: it must agree with every file
of golden/binary32/. Without them it uses NumPy's float32 np.exp (SIMD, not correctly
rounded), BLAS sgemm for np.dot and NumPy's pairwise np.sum.

python3 numpy32.py [--batch] [switches] < scenario.json (a binary32 scenario):
  --exact-exp   e^x correctly rounded to binary32 (common.exact_exp32) instead of np.exp
  --loop-z      z by a running sum (b last) instead of np.dot(W.T, x)
  --loop-dW     x·eᵀ by a running sum instead of np.dot(x, e.T)
  --loop-db     Σ e by a running sum instead of np.sum
"""
import numpy as np

from common import exact_exp32, inputs32, line32, options, serve
from nploops import total_loop, xe_loop, z_loop

SWITCHES = ("--exact-exp", "--loop-z", "--loop-dW", "--loop-db")
F32 = np.float32


def exp32(v):
    return np.array([exact_exp32(t) for t in np.asarray(v).ravel()],
                    dtype=F32).reshape(np.shape(v))


def run(scenario, out, opt):
    x0, y0, W0, b, a = inputs32(scenario)
    x, y, W = (np.array(v, dtype=F32) for v in (x0, y0, W0))
    b, a, m = F32(b), F32(a), F32(x.shape[1])
    one = F32(1.0)
    for i in range(scenario["iterations"] + 1):
        out.write(line32(i, W.tolist(), b))
        if i == scenario["iterations"]:
            break
        z = z_loop(W, x, b) if "--loop-z" in opt else np.dot(W.T, x) + b
        s = one / (one + (exp32(-z) if "--exact-exp" in opt else np.exp(-z)))
        p = s if scenario["variant"] == "logistic" else (s >= F32(0.5)).astype(F32)
        e = p - y
        dW = (xe_loop(x, e) if "--loop-dW" in opt else np.dot(x, e.T)) / m
        db = (total_loop(e) if "--loop-db" in opt else np.sum(e)) / m
        W = W - a * dW
        b = b - a * db
        assert W.dtype == F32 and e.dtype == F32 and type(b) is F32


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        serve(run, options(SWITCHES, __doc__))
