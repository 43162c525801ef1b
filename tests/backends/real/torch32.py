"""The article's program in PyTorch with its default dtype, float32, as one writes it
there (tensors made without a dtype), on a binary32 scenario:

    z = W.T @ x + b
    s = 1 / (1 + torch.exp(-z))                 (--sigmoid: torch.sigmoid(z))
    e = (s >= 0.5).to(s.dtype) - y              (the logistic variant: s - y)
    dW = x @ e.T / m;  db = e.sum() / m
    W = W - a * dW;  b = b - a * db

python3 torch32.py [--batch] [--sigmoid] [switches] < scenario.json. Each switch turns
one of its deviations from docs/SPEC.md §10 off (with all of them it is the contract):
  --exact-exp   e^x correctly rounded to binary32 (common.exact_exp32) instead of
                torch.exp, or of torch.sigmoid's own: s = 1 / (1 + exp(-z))
  --loop-z      z by a running sum (b last) instead of W.T @ x
  --loop-dW     x·eᵀ by a running sum instead of x @ e.T
  --loop-db     Σ e by a running sum instead of e.sum()
"""
import torch

from common import exact_exp32, inputs32, line32, options, serve
from nploops import total_loop, xe_loop, z_loop

SWITCHES = ("--sigmoid", "--exact-exp", "--loop-z", "--loop-dW", "--loop-db")


def exp32(v):
    return torch.tensor([exact_exp32(t) for t in v.reshape(-1).tolist()]).reshape(v.shape)


def run(scenario, out, opt):
    x0, y0, W0, b0, a = inputs32(scenario)
    x, y, W, b = (torch.tensor(v) for v in (x0, y0, W0, b0))      # the default: float32
    a, m = torch.tensor(a), torch.tensor(float(x.shape[1]))
    for i in range(scenario["iterations"] + 1):
        out.write(line32(i, W.tolist(), b.item()))
        if i == scenario["iterations"]:
            break
        z = z_loop(W, x, b) if "--loop-z" in opt else W.T @ x + b
        if "--exact-exp" in opt:
            s = 1 / (1 + exp32(-z))
        elif "--sigmoid" in opt:
            s = torch.sigmoid(z)
        else:
            s = 1 / (1 + torch.exp(-z))
        e = (s if scenario["variant"] == "logistic" else (s >= 0.5).to(s.dtype)) - y
        dW = (xe_loop(x, e) if "--loop-dW" in opt else x @ e.T) / m
        db = (total_loop(e) if "--loop-db" in opt else e.sum()) / m
        W = W - a * dW
        b = b - a * db
        assert W.dtype == torch.float32 and b.dtype == torch.float32


if __name__ == "__main__":
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)
    serve(run, options(SWITCHES, __doc__))
