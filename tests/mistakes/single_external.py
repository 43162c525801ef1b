"""Mistakes of float32 code run through the real libraries: the C library's expf (ctypes),
NumPy's float32 np.exp, np.dot and np.sum, PyTorch's float32 torch.exp, torch.sigmoid,
torch.matmul and torch.sum. Each entry has the form of mistakes.single's (the core's
parts on Singles, some replaced); available() lists those this machine can run. Their
bits depend on the machine (the C library, NumPy's SIMD code and BLAS, PyTorch's
kernels)."""
import ctypes
import ctypes.util

from ann_ref.core.single import Single

from . import entry

try:
    import numpy as np
except ImportError:                       # the tests that need it are skipped
    np = None
try:
    import torch
except ImportError:
    torch = None


def _floats(M):
    return [[v.v for v in row] for row in M]


def _singles(M):
    return [[Single(float(v)) for v in row] for row in M]


def _libm():
    name = ctypes.util.find_library("m")
    if name is None:
        return None
    try:
        libm = ctypes.CDLL(name)
        libm.expf.restype, libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]
    except (OSError, AttributeError):
        return None
    return libm


LIBM = _libm()


def t_libm(A, z):
    """expf of the C library, one argument at a time."""
    return [[Single(LIBM.expf(-v.v)) for v in row] for row in z]


def t_numpy(A, z):
    """np.exp of a float32 row: NumPy's own SIMD exp."""
    with np.errstate(all="ignore"):
        return _singles(np.exp(-np.array(_floats(z), dtype=np.float32)).tolist())


def z_numpy(A, W, b, x):
    """The article's z = np.dot(W.T, x) + b on float32 arrays (BLAS sgemm or sgemv)."""
    with np.errstate(all="ignore"):
        return _singles((np.dot(np.array(_floats(W), dtype=np.float32).T,
                                np.array(_floats(x), dtype=np.float32)) +
                         np.float32(b.v)).tolist())


def dW_numpy(A, x, e, m):
    with np.errstate(all="ignore"):
        return _singles((np.dot(np.array(_floats(x), dtype=np.float32),
                                np.array(_floats(e), dtype=np.float32).T) /
                         np.float32(m.v)).tolist())


def dW_numpy_sum(A, x, e, m):
    """dW as np.sum(x[f] * e[o]) / m, in float32."""
    with np.errstate(all="ignore"):
        X, E = np.array(_floats(x), dtype=np.float32), np.array(_floats(e), dtype=np.float32)
        return [[Single(float(np.sum(xf * eo) / np.float32(m.v))) for eo in E] for xf in X]


def db_numpy_sum(A, e, m, shared):
    with np.errstate(all="ignore"):
        return Single(float(np.sum(np.array(_floats(e), dtype=np.float32)) /
                            np.float32(m.v)))


def _tensor(M):
    return torch.tensor(_floats(M), dtype=torch.float32)


def t_torch(A, z):
    return _singles(torch.exp(-_tensor(z)).tolist())


def s_torch(A, z, t):
    """torch.sigmoid of z, in float32 (its own kernel)."""
    return _singles(torch.sigmoid(_tensor(z)).tolist())


def z_torch(A, W, b, x):
    return _singles((torch.matmul(_tensor(W).T, _tensor(x)) +
                     torch.tensor(b.v, dtype=torch.float32)).tolist())


def dW_torch(A, x, e, m):
    return _singles((torch.matmul(_tensor(x), _tensor(e).T) /
                     torch.tensor(m.v, dtype=torch.float32)).tolist())


def db_torch_sum(A, e, m, shared):
    return Single(float(torch.sum(_tensor(e)) / torch.tensor(m.v, dtype=torch.float32)))


LIBM_ENTRIES = [entry("exp:libm", "the C library's expf (through ctypes)", {"t": t_libm})]
NUMPY = [
    entry("exp:numpy", "np.exp of a float32 row (NumPy's SIMD exp)", {"t": t_numpy}),
    entry("blas-dot:numpy", "z = np.dot(W.T, x) + b and dW = np.dot(x, e.T) / m in "
          "float32, as the article writes them", {"z": z_numpy, "dW": dW_numpy}),
    entry("sum-order:numpy-sum", "dW and db by np.sum in float32",
          {"dW": dW_numpy_sum, "db": db_numpy_sum}),
]
TORCH = [
    entry("exp:torch", "torch.exp of a float32 tensor", {"t": t_torch}),
    entry("exp:torch-sigmoid", "s = torch.sigmoid(z) in float32 (its kernel is "
          "1 / (1 + exp(−z)) with SLEEF's expf)", {"s": s_torch}),
    entry("blas-dot:torch", "z = W.T @ x + b and dW = x @ e.T / m with torch.matmul in "
          "float32", {"z": z_torch, "dW": dW_torch}),
    entry("sum-order:torch-sum", "db = torch.sum(e) / m in float32", {"db": db_torch_sum}),
]


def available():
    return ((LIBM_ENTRIES if LIBM is not None else []) + (NUMPY if np is not None else []) +
            (TORCH if torch is not None else []))
