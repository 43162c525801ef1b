"""Mistakes made by real libraries, run through the libraries themselves: NumPy's np.exp,
np.dot and np.sum, and V8's Math.exp (through node). Each entry has the form of
ann_ref.oracle.mistakes.MISTAKES; available() lists those this machine can run."""
import json
import shutil
import subprocess

from ann_ref.oracle.mistakes import entry
from ann_ref.oracle.mistakes.step import Spec
from ann_ref.oracle.mistakes.variants import RowExp

try:
    import numpy as np
except ImportError:                       # the tests that need it are skipped
    np = None


def numpy_exp():
    def row(values):
        with np.errstate(all="ignore"):
            return np.exp(np.array(values, dtype=np.float64)).tolist()
    return RowExp(row)


class NumpyDot(Spec):
    """z and dW with np.dot of float64 vectors (BLAS ddot)."""
    def weighted_sum(self, W_column, x_column, b):
        with np.errstate(all="ignore"):
            return float(np.dot(np.array(W_column), np.array(x_column))) + b

    def dW_total(self, x_row, e_row):
        with np.errstate(all="ignore"):
            return float(np.dot(np.array(x_row), np.array(e_row)))


class NumpySum(Spec):
    """dW as np.sum(x[f] * e[o]) and db as np.sum(e)."""
    def dW_total(self, x_row, e_row):
        with np.errstate(all="ignore"):
            return float(np.sum(np.array(x_row) * np.array(e_row)))

    def db_total(self, e):
        with np.errstate(all="ignore"):
            return float(np.sum(np.array(e, dtype=np.float64)))


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
    def row(cls, values):
        from ann_ref.core.bits import from_hex, hex_bits
        if cls.process is None:
            cls.process = subprocess.Popen(["node", "-e", _NODE_SCRIPT], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True)
        cls.process.stdin.write(json.dumps([hex_bits(v) for v in values]) + "\n")
        cls.process.stdin.flush()
        return [from_hex(h) for h in json.loads(cls.process.stdout.readline())]


NUMPY = [
    entry("exp:numpy", "np.exp of a row of z (NumPy's SIMD exp)", numpy_exp),
    entry("blas-dot:numpy", "z and dW by np.dot of float64 vectors", NumpyDot),
    entry("sum-order:numpy-sum", "dW and db by np.sum", NumpySum),
]
V8 = [entry("exp:v8", "V8's Math.exp (through node)", lambda: RowExp(V8Exp.row))]


def available():
    return (NUMPY if np is not None else []) + (V8 if shutil.which("node") else [])
