"""The public functions: each checks what it is given, with an error that names the
argument, then calls the core (model.py, training.py, exponential.py), which trusts
its inputs for speed.

Where float is not binary64 (most MicroPython boards are built with binary32 floats)
they compute in binary64 in software (softfloat.SOFTWARE) instead, so the bits are still
the spec's: the numbers given are taken exactly (a board's binary32 float widens
exactly, an int is rounded once to binary64, a Binary64 — what they return there, or
Binary64.from_hex of a bit pattern — is itself), and the results are Binary64 numbers
(`.hex_bits()` gives their bits).

The rest of the core is imported when a function is first called, not by `import
ann_ref`: on a board the bytecode of every module imported stays in the heap, and the
software path where float is binary64 is not imported at all."""
from .model import PARTS, THRESHOLD, forward

A = None                                  # the platform's floats, or software: on first use
_checks = _matrix = _stepper = _states = None


def _load():
    """Import what the functions call, and choose the arithmetic, once."""
    global A, _checks, _matrix, _stepper, _states
    from . import checks, matrix
    from .fast import stepper
    from .trace import arithmetic
    from .training import trajectory
    if A is None:
        A = arithmetic()
    _checks, _matrix, _stepper, _states = checks, matrix, stepper, trajectory


def train(x, y, W, b, learning_rate, iterations, variant=THRESHOLD):
    """The states (W, b) for iterations 0..N as new lists and numbers.

    x is features × samples, y outputs × samples, W features × outputs, b one number;
    variant is "threshold" (the article) or "logistic". The arguments are not modified.
    Every state is kept, so N is at most checks.MOST_KEPT (10^6); states() streams
    longer runs."""
    if _states is None:
        _load()
    x, y, W, b, a, n, variant = _checks.problem(x, y, W, b, learning_rate, iterations,
                                                variant, _checks.MOST_KEPT, A)
    kept, last = [], None
    for W_k, b_k in _states(x, y, W, b, a, n, variant, A):
        if W_k is last:                   # the shortcut repeats one state's lists
            W_k = [row[:] for row in W_k]
        else:                             # every step makes new ones: no copy needed
            last = W_k
        kept.append((W_k, b_k))
    return kept


def states(x, y, W, b, learning_rate, iterations, variant=THRESHOLD):
    """The states (W, b) for iterations 0..N one at a time, each a new list: a run of
    any length in little memory. The arguments are checked at once, not at the first
    state."""
    if _states is None:
        _load()
    x, y, W, b, a, n, variant = _checks.problem(x, y, W, b, learning_rate, iterations,
                                                variant, None, A)
    return _copies(_states(x, y, W, b, a, n, variant, A))


def _copies(trajectory):
    for W_k, b_k in trajectory:           # the core shares lists between states
        yield [row[:] for row in W_k], b_k


def step(x, y, W, b, learning_rate, variant=THRESHOLD):
    """One iteration from (W, b): forward propagation, backpropagation, update; the new
    (W, b)."""
    if _states is None:
        _load()
    x, y, W, b, a, _, variant = _checks.problem(x, y, W, b, learning_rate, 1, variant,
                                                None, A)
    return _stepper(A, x, y, a, variant)((W, b))


def predict(W, b, x):
    """The article's y_pred for the data x: 1 where s ≥ 0.5, else 0, as ints (outputs ×
    samples)."""
    if _states is None:
        _load()
    x, W = _checks.features(_checks.matrix("x", x, A), _checks.matrix("W", W, A))
    b = _checks.number("b", b, A)
    s = forward(A, [(W, b)], x)[-1][2]
    one = A.one
    return [[1 if v == one else 0 for v in row] for row in PARTS["y_pred"](A, s)]


def exp(x):
    """e^x correctly rounded to binary64 (exponential.py). An int beyond binary64 is
    allowed here, unlike anywhere else: e^x of it overflows to inf or underflows to 0.0
    whatever its value."""
    if _states is None:
        _load()
    if type(x) is int and A.too_large(x):
        return A.exp(_infinity(x))
    return A.exp(_checks.number("x", x, A))


def exp32(x):
    """e^x correctly rounded to binary32, as a float (binary32.py, docs/SPEC.md §10):
    x is taken as the binary32 nearest it; an int beyond binary64 gives inf or 0.0, as
    in exp. binary32.py, its tables included, is imported on the first call, so that
    `import ann_ref` costs a board no more heap than before."""
    from .binary32 import exp32 as checked_exp32     # it checks x itself
    return checked_exp32(x)


def _infinity(n):
    """±inf of A, signed as the int n."""
    inf = A.from_bits(A.infinity)
    return inf if n > 0 else -inf


def sigmoid(z):
    """s = 1 / (1 + e^(−z)), the article's formula (model.activation); as with exp, an int
    beyond binary64 gives the limit, 1.0 or 0.0."""
    if _states is None:
        _load()
    z = [[_infinity(z) if type(z) is int and A.too_large(z) else _checks.number("z", z, A)]]
    return PARTS["s"](A, z, PARTS["t"](A, z))[0][0]


def from_hex(h):
    """The number whose binary64 bit pattern is the 16 hex digits h, as the functions
    take it: a float where float is binary64, a Binary64 elsewhere. Exact on every
    platform, where a decimal like 0.1 is first rounded to binary32 by a board's
    parser."""
    if _states is None:
        _load()
    if type(h) is not str or len(h) != 16 or h.strip("0123456789abcdefABCDEF"):
        raise ValueError("h is %s; it must be 16 hex digits (a binary64 bit pattern)"
                         % _checks.shown(h))
    return A.from_hex(h)


def hex_bits(v):
    """The 16-hex-digit binary64 bit pattern of the number v (NaN canonical), as golden
    files write it: of a float, a Binary64, an int (the nearest binary64), whatever the
    platform."""
    if _states is None:
        _load()
    return A.hex_bits(_checks.number("v", v, A))


def dot(P, Q):
    """P·Q of two matrices (lists of rows), every sum left to right from its first term:
    the article's np.dot. Checked: rectangular matrices of real numbers, P's columns as
    many as Q's rows."""
    if _states is None:
        _load()
    P, Q = _checks.matrix("P", P, A), _checks.matrix("Q", Q, A)
    if len(P[0]) != len(Q):
        raise ValueError("P has %d columns but Q has %d rows; P·Q needs them equal"
                         % (len(P[0]), len(Q)))
    return _matrix.dot(P, Q)


def transpose(P):
    """Pᵀ of a matrix (a list of rows): rows become columns. Checked like dot."""
    if _states is None:
        _load()
    return _matrix.transpose(_checks.matrix("P", P, A))
