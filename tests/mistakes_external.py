"""Mistakes made by real libraries, run through the libraries themselves: NumPy's np.exp,
np.dot and np.sum, and V8's Math.exp (through node). Each entry has the form of
tests/mistakes' MISTAKES (the core's parts, some replaced); available() lists those
this machine can run."""
import json
import shutil
import subprocess

from mistakes import entry

try:
    import numpy as np
except ImportError:                       # the tests that need it are skipped
    np = None


def t_numpy(A, z):
    """np.exp of z's rows: NumPy's own (SIMD) exp."""
    with np.errstate(all="ignore"):
        return [np.exp(-np.array(row, dtype=np.float64)).tolist() for row in z]


def z_numpy(A, W, b, x):
    """The article's z = np.dot(W.T, x) + b on float64 arrays (BLAS dgemm or dgemv,
    whichever NumPy picks for the shapes)."""
    with np.errstate(all="ignore"):
        return (np.dot(np.array(W).T, np.array(x)) + b).tolist()


def dW_numpy(A, x, e, m):
    with np.errstate(all="ignore"):
        return (np.dot(np.array(x), np.array(e, dtype=np.float64).T) / m).tolist()


def dW_numpy_sum(A, x, e, m):
    """dW as np.sum(x[f] * e[o]) / m."""
    with np.errstate(all="ignore"):
        return [[float(np.sum(np.array(xf) * np.array(eo))) / m for eo in e] for xf in x]


def db_numpy_sum(A, e, m, shared):
    with np.errstate(all="ignore"):
        return float(np.sum(np.array(e, dtype=np.float64))) / m


_NODE_SCRIPT = r"""
const rl = require('readline').createInterface({input: process.stdin});
rl.on('line', line => {
  const out = JSON.parse(line).map(h => {
    const v = new DataView(new ArrayBuffer(8));
    v.setBigUint64(0, BigInt('0x' + h));
    v.setFloat64(0, Math.exp(v.getFloat64(0)));
    return v.getBigUint64(0).toString(16).padStart(16, '0');
  });
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


class V8Exp:
    """Math.exp of a node process that answers one JSON line of arguments (bits) with
    one line of results."""
    process = None

    @classmethod
    def t(cls, A, z):
        return [cls.row([-v for v in row]) for row in z]

    @classmethod
    def row(cls, values):
        from ann_ref.core.bits import from_hex, hex_bits
        if cls.process is None:
            cls.process = subprocess.Popen(["node", "-e", _NODE_SCRIPT], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True)
        cls.process.stdin.write(json.dumps([hex_bits(v) for v in values]) + "\n")
        cls.process.stdin.flush()
        return [from_hex(h) for h in json.loads(cls.process.stdout.readline())]


NUMPY = [
    entry("exp:numpy", "np.exp of a row of z (NumPy's SIMD exp)", {"t": t_numpy}),
    entry("blas-dot:numpy", "z = np.dot(W.T, x) + b and dW = np.dot(x, e.T) / m, as "
          "the article writes them", {"z": z_numpy, "dW": dW_numpy}),
    entry("sum-order:numpy-sum", "dW and db by np.sum",
          {"dW": dW_numpy_sum, "db": db_numpy_sum}),
]
V8 = [entry("exp:v8", "V8's Math.exp (through node)", {"t": V8Exp.t})]


def available():
    return (NUMPY if np is not None else []) + (V8 if shutil.which("node") else [])
