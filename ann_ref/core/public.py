"""The public functions: each checks what it is given, with an error that names the
argument, then calls the core (model.py, training.py, exponential.py), which trusts
its inputs for speed.

Where float is not binary64 (most MicroPython boards are built with binary32 floats)
they compute on softfloat.Binary64 instead, so the bits are still the spec's: the
numbers given are taken exactly as they are (a binary32 float widens exactly; the checks
round an int beyond 2^24 to the board's float first, so give such numbers, and
decimals, as bit patterns there: trace.trace_bits), and the results are Binary64 numbers
(`.hex_bits()` gives their bits)."""
from .bits import binary64
from .checks import MOST_KEPT, features, matrix, problem
from .exponential import INF, exp as _exp
from .model import THRESHOLD, forward, sigmoid as _sigmoid, step as _step
from .numbers import real, too_large
from .training import states as _states

SOFTWARE = not binary64()                 # measured once, at import


def _software(*values):
    """The values (numbers and matrices) as Binary64, and the sigmoid to use on them."""
    from .softfloat import Binary64, sigmoid  # only where needed: a board's heap is small
    out = [[[Binary64.of(v) for v in row] for row in A] if type(A) is list
           else Binary64.of(A) for A in values]
    return out, sigmoid


def _run(x, y, W, b, a, n, variant):
    """The core's states, on floats or, where float is not binary64, in software."""
    if not SOFTWARE:
        return _states(x, y, W, b, a, n, variant)
    (x, y, W, b, a), sigmoid = _software(x, y, W, b, a)
    return _states(x, y, W, b, a, n, variant, sigmoid)


def train(x, y, W, b, learning_rate, iterations, variant=THRESHOLD):
    """The states (W, b) for iterations 0..N as new lists and floats.

    x is features × samples, y outputs × samples, W features × outputs, b one number;
    variant is "threshold" (the article) or "logistic". The arguments are not modified.
    Every state is kept, so N is at most MOST_KEPT (10^6); states() streams longer runs."""
    x, y, W, b, a, n, variant = problem(x, y, W, b, learning_rate, iterations, variant,
                                        MOST_KEPT)
    kept, last = [], None
    for W_k, b_k in _run(x, y, W, b, a, n, variant):
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
    x, y, W, b, a, n, variant = problem(x, y, W, b, learning_rate, iterations, variant)
    return _copies(_run(x, y, W, b, a, n, variant))


def _copies(trajectory):
    for W_k, b_k in trajectory:           # the core shares lists between states
        yield [row[:] for row in W_k], b_k


def step(x, y, W, b, learning_rate, variant=THRESHOLD):
    """One iteration from (W, b): forward propagation, backpropagation, update; the new
    (W, b)."""
    x, y, W, b, a, _, variant = problem(x, y, W, b, learning_rate, 1, variant)
    if SOFTWARE:
        (x, y, W, b, a), sigmoid = _software(x, y, W, b, a)
        return _step(x, y, W, b, a, variant, sigmoid)
    return _step(x, y, W, b, a, variant)


def predict(W, b, x):
    """The article's y_pred for the data x: 1 where s ≥ 0.5, else 0, as ints (outputs ×
    samples)."""
    x, W = features(matrix("x", x), matrix("W", W))
    b = real("b", b)
    if SOFTWARE:
        (W, b, x), sigmoid = _software(W, b, x)
        y_pred = forward(W, b, x, sigmoid)[2]
    else:
        y_pred = forward(W, b, x)[2]
    return [[int(v) for v in row] for row in y_pred]


def exp(x):
    """e^x correctly rounded to binary64 (exponential.py). An int beyond binary64 is
    allowed here, unlike anywhere else: e^x of it overflows to inf or underflows to 0.0
    whatever its value."""
    if type(x) is int and too_large(x):
        return INF if x > 0 else 0.0
    if SOFTWARE:
        (x,), _ = _software(real("x", x))
        from .softfloat import exp as software_exp
        return software_exp(x)
    return _exp(real("x", x))


def sigmoid(z):
    """s = 1 / (1 + e^(−z)), the article's formula (model.py); as with exp, an int
    beyond binary64 gives the limit, 1.0 or 0.0."""
    if type(z) is int and too_large(z):
        return 1.0 if z > 0 else 0.0
    if SOFTWARE:
        (z,), sigmoid = _software(real("z", z))
        return sigmoid(z)
    return _sigmoid(real("z", z))
