"""The article's program in PyTorch, as one writes it there:

    z = W.T @ x + b
    s = 1 / (1 + torch.exp(-z))                 (--sigmoid: torch.sigmoid(z))
    e = (s >= 0.5).to(dtype) - y                (the logistic variant: s - y)
    dW = x @ e.T / m;  db = e.sum() / m
    W = W - a * dW;  b = b - a * db

with float64 tensors, or with --default-dtype tensors made without a dtype, which is
PyTorch's default, float32 (the state is written widened, exactly, to binary64).

python3 torch_backend.py [--batch] [--sigmoid] [--default-dtype] [switches] < scenario.json.
Each switch turns one of its deviations from docs/SPEC.md off:
  --exact-exp   a correctly rounded exp (in float64, then converted to the dtype) instead
                of torch.exp, or of torch.sigmoid's own: s = 1 / (1 + exp(-z))
  --loop-z      z by a running sum (b last) instead of W.T @ x
  --loop-dW     x·eᵀ by a running sum instead of x @ e.T
  --loop-db     Σ e by a running sum instead of e.sum()
and leaving out --sigmoid or --default-dtype turns that one off.
"""
import numpy as np
import torch

from common import inputs, line, options, serve
from nploops import exp_exact, total_loop, xe_loop, z_loop

SWITCHES = ("--sigmoid", "--default-dtype", "--exact-exp", "--loop-z", "--loop-dW", "--loop-db")


def run(scenario, out, opt):
    x0, y0, W0, b0, a = inputs(scenario)
    dtype = None if "--default-dtype" in opt else torch.float64
    x, y, W, b = (torch.tensor(v, dtype=dtype) for v in (x0, y0, W0, b0))
    m = x.shape[1]
    for i in range(scenario["iterations"] + 1):
        out.write(line(i, W.tolist(), b.item()))
        if i == scenario["iterations"]:
            break
        z = z_loop(W, x, b) if "--loop-z" in opt else W.T @ x + b
        if "--exact-exp" in opt:
            s = 1 / (1 + torch.from_numpy(exp_exact(-z.double().numpy())).to(z.dtype))
        elif "--sigmoid" in opt:
            s = torch.sigmoid(z)
        else:
            s = 1 / (1 + torch.exp(-z))
        e = (s if scenario["variant"] == "logistic" else (s >= 0.5).to(s.dtype)) - y
        dW = (xe_loop(x, e) if "--loop-dW" in opt else x @ e.T) / m
        db = (total_loop(e) if "--loop-db" in opt else e.sum()) / m
        W = W - a * dW
        b = b - a * db


if __name__ == "__main__":
    torch.set_grad_enabled(False)
    serve(run, options(SWITCHES, __doc__))
