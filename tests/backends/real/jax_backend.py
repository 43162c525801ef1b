"""The article's program in JAX, float64 (jax_enable_x64), each step compiled by
jax.jit (XLA on the CPU), with a and m the program's constants:

    z = W.T @ x + b
    s = 1 / (1 + jnp.exp(-z))
    e = (s >= 0.5).astype(jnp.float64) - y      (the logistic variant: s - y)
    dW = x @ e.T / m;  db = jnp.sum(e) / m
    W = W - a * dW;  b = b - a * db

python3 jax_backend.py [--batch] [switches] < scenario.json. Each switch turns one of
its deviations from docs/SPEC.md off:
  --exact-exp   a correctly rounded exp (on the host, by jax.pure_callback) for jnp.exp
  --loop-z      z by a running sum (b last) instead of W.T @ x
  --loop-dW     x·eᵀ by a running sum instead of x @ e.T
  --loop-db     Σ e by a running sum instead of jnp.sum
  --no-fma      XLA compiles for AVX (--xla_cpu_max_isa=AVX), which has no FMA
  --no-ftz      subnormals kept: a host callback at the start of each step resets the
                floating-point environment that XLA sets to flush them
  --arg-a       a given to the compiled step as an argument, not a constant
                (XLA folds the constants of a·(Σ/m) into Σ·(a/m))
  --arg-m       m given as an argument, not a constant (XLA turns Σ/m into Σ·(1/m),
                and folds 1/m with a)
and these compute one part of the step on the host, with the spec's operations,
the rest compiled around it:
  --host-z  --host-s  --host-sums  --host-div  --host-update
"""
import ctypes
import os
import sys

SWITCHES = ("--exact-exp", "--loop-z", "--loop-dW", "--loop-db", "--no-fma", "--no-ftz",
            "--arg-a", "--arg-m", "--host-z", "--host-s", "--host-sums", "--host-div", "--host-update")
if "--no-fma" in sys.argv:
    os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + " --xla_cpu_max_isa=AVX"

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from common import inputs, line, options, serve  # noqa: E402
from nploops import exp_exact, total_loop, xe_loop, z_loop  # noqa: E402

STAGES = ("z", "s", "sums", "div", "update")


def exp_on_host(v):
    return jax.pure_callback(lambda u: exp_exact(np.asarray(u)),
                             jax.ShapeDtypeStruct(v.shape, v.dtype), v)


def keep_subnormals(v):
    """v itself, after the host has reset the floating-point environment (FE_DFL_ENV:
    no flush to zero) of the thread that runs the step."""
    libm = ctypes.CDLL("libm.so.6")

    def reset(u):
        libm.fesetenv(ctypes.c_void_p(-1))
        return np.asarray(u)
    return jax.pure_callback(reset, jax.ShapeDtypeStruct(v.shape, v.dtype), v)


def stage(name, v, variant, opt, host):
    """One part of the step on the dict v; on the host (NumPy, the spec's operations)
    when host is true, else as the program writes it with jnp."""
    if name == "z":
        if host or "--loop-z" in opt:
            return z_loop(v["W"], v["x"], v["b"])
        return v["W"].T @ v["x"] + v["b"]
    if name == "s":
        z = v["z"]
        t = exp_exact(z * -1.0) if host else (exp_on_host(-z) if "--exact-exp" in opt
                                               else jnp.exp(-z))
        s = 1 / (1 + t)
        return (s if variant == "logistic" else (s >= 0.5).astype(np.float64)) - v["y"]
    if name == "sums":
        x, e = v["x"], v["e"]
        SW = xe_loop(x, e) if host or "--loop-dW" in opt else x @ e.T
        return SW, (total_loop(e) if host or "--loop-db" in opt else jnp.sum(e))
    if name == "div":
        return v["SW"] / v["m"], v["Sb"] / v["m"]
    return v["W"] - v["a"] * v["dW"], v["b"] - v["a"] * v["db"]


OUT = {"z": ("z",), "s": ("e",), "sums": ("SW", "Sb"), "div": ("dW", "db"),
       "update": ("W", "b")}


def make_step(variant, a, m, opt):
    """The step as segments: each run of compiled stages one jax.jit, each host stage
    NumPy; a and m constants of the compiled code unless --arg-a, --arg-m."""
    def segment(names, host):
        def run(v):
            v = dict(v)
            if not host:
                v["a"] = v["a"] if "--arg-a" in opt else a
                v["m"] = v["m"] if "--arg-m" in opt else m
            if not host and "--no-ftz" in opt:
                v["W"] = keep_subnormals(v["W"])
            for name in names:
                out = stage(name, v, variant, opt, host)
                v.update(zip(OUT[name], out if len(OUT[name]) > 1 else (out,)))
            return {k: v[k] for k in ("W", "b", "x", "y", "z", "e", "SW", "Sb", "dW", "db")
                    if k in v}
        if host:
            return lambda v: run({k: np.asarray(u) if not isinstance(u, float) else u
                                  for k, u in v.items()})
        jitted = jax.jit(run)
        return lambda v: jitted({k: u for k, u in v.items()
                                 if k not in ("a", "m") or "--arg-" + k in opt})
    segments, names = [], []
    for name in STAGES:
        if "--host-" + name in opt:
            if names:
                segments.append(segment(names, False))
            segments.append(segment([name], True))
            names = []
        else:
            names.append(name)
    if names:
        segments.append(segment(names, False))

    def step(W, b, x, y):
        v = {"W": W, "b": b, "x": x, "y": y, "a": np.float64(a), "m": np.float64(m)}
        for seg in segments:
            v.update(seg(v))
        return v["W"], v["b"]
    return step


def run(scenario, out, opt):
    x0, y0, W0, b0, a = inputs(scenario)
    x, y, W, b = (jnp.array(v, dtype=jnp.float64) for v in (x0, y0, W0, b0))
    step = make_step(scenario["variant"], a, x.shape[1], opt)
    for i in range(scenario["iterations"] + 1):
        out.write(line(i, np.asarray(W).tolist(), float(b)))
        if i == scenario["iterations"]:
            break
        W, b = step(W, b, x, y)


if __name__ == "__main__":
    serve(run, options(SWITCHES, __doc__))
