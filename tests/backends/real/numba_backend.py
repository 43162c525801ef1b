"""The network with Numba: explicit loops in the spec's order compiled by @njit (LLVM),
math.exp (which Numba compiles to a call of the C library's exp). With --fastmath the
loops are compiled with fastmath=True, LLVM's seven fast-math flags.

    python3 numba_backend.py [--batch] [--fastmath] [switches] < scenario.json

Each switch turns one of its deviations from docs/SPEC.md off:
  --exact-exp      a correctly rounded exp (on the host, through numba.objmode)
  --no-FLAG        with --fastmath: leave out one of LLVM's flags (FLAG: contract,
                   reassoc, arcp, nsz, nnan, ninf, afn)
  --plain-SITE     with --fastmath: compile the function of one part of the step without
                   fast-math (SITE: z, dW, db, div, update); the parts are small
                   functions that LLVM inlines into the step
"""
import functools
import math

import numba
import numpy as np

from common import exact_exp, inputs, line, options, serve

FLAGS = ("contract", "reassoc", "arcp", "nsz", "nnan", "ninf", "afn")
SITES = ("z", "dW", "db", "div", "update")
SWITCHES = (("--fastmath", "--exact-exp") + tuple("--no-" + f for f in FLAGS)
            + tuple("--plain-" + s for s in SITES))


@functools.lru_cache(maxsize=None)          # one compilation per process and variant
def make_step(opt, logistic):
    fast = {f for f in FLAGS if "--fastmath" in opt and "--no-" + f not in opt}

    def jit(site):
        return numba.njit(fastmath=set() if "--plain-" + site in opt else fast)

    @jit("z")
    def zsum(W, x, o, j):
        acc = W[0, o] * x[0, j]
        for f in range(1, W.shape[0]):
            acc = acc + W[f, o] * x[f, j]
        return acc

    @jit("dW")
    def dwsum(x, e, f, o):
        acc = x[f, 0] * e[o, 0]
        for j in range(1, x.shape[1]):
            acc = acc + x[f, j] * e[o, j]
        return acc

    @jit("db")
    def dbsum(e):
        flat = e.ravel()
        acc = flat[0]
        for i in range(1, flat.size):
            acc = acc + flat[i]
        return acc

    @jit("div")
    def mean(total, m):
        return total / m

    @jit("update")
    def update(w, a, d):
        return w - a * d

    exact = "--exact-exp" in opt

    @numba.njit(fastmath=fast)
    def step(W, b, x, y, a):
        F, S, O = x.shape[0], x.shape[1], y.shape[0]
        m = float(S)
        e = np.empty((O, S))
        for o in range(O):
            for j in range(S):
                z = zsum(W, x, o, j) + b
                if exact:
                    with numba.objmode(t="float64"):
                        t = exact_exp(-z)
                else:
                    t = math.exp(-z)
                s = 1.0 / (1.0 + t)
                p = s if logistic else (1.0 if s >= 0.5 else 0.0)
                e[o, j] = p - y[o, j]
        Wn = np.empty((F, O))
        for f in range(F):
            for o in range(O):
                Wn[f, o] = update(W[f, o], a, mean(dwsum(x, e, f, o), m))
        return Wn, update(b, a, mean(dbsum(e), m))
    return step


def run(scenario, out, opt):
    x0, y0, W0, b, a = inputs(scenario)
    x, y, W = (np.array(v, dtype=np.float64) for v in (x0, y0, W0))
    step = make_step(frozenset(opt) - {"--batch"}, scenario["variant"] == "logistic")
    for i in range(scenario["iterations"] + 1):
        out.write(line(i, W.tolist(), b))
        if i == scenario["iterations"]:
            break
        W, b = step(W, b, x, y, a)


if __name__ == "__main__":
    serve(run, options(SWITCHES, __doc__))
