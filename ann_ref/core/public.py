"""The public functions: each checks what it is given, with an error that names the
argument, then calls the core (model.py, training.py, exponential.py), which trusts
its inputs for speed."""
from .checks import MOST_KEPT, features, matrix, problem
from .exponential import INF, exp as _exp
from .model import THRESHOLD, forward, sigmoid as _sigmoid, step as _step
from .numbers import real, too_large
from .training import states as _states


def train(x, y, W, b, learning_rate, iterations, variant=THRESHOLD):
    """The states (W, b) for iterations 0..N as new lists and floats.

    x is features × samples, y outputs × samples, W features × outputs, b one number;
    variant is "threshold" (the article) or "logistic". The arguments are not modified.
    Every state is kept, so N is at most MOST_KEPT (10^6); states() streams longer runs."""
    x, y, W, b, a, n, variant = problem(x, y, W, b, learning_rate, iterations, variant,
                                        MOST_KEPT)
    return [([row[:] for row in W_k], b_k) for W_k, b_k in _states(x, y, W, b, a, n, variant)]


def states(x, y, W, b, learning_rate, iterations, variant=THRESHOLD):
    """The states (W, b) for iterations 0..N one at a time, each a new list: a run of
    any length in little memory. The arguments are checked at once, not at the first
    state."""
    x, y, W, b, a, n, variant = problem(x, y, W, b, learning_rate, iterations, variant)
    return _copies(_states(x, y, W, b, a, n, variant))


def _copies(trajectory):
    for W_k, b_k in trajectory:           # the core shares lists between states
        yield [row[:] for row in W_k], b_k


def step(x, y, W, b, learning_rate, variant=THRESHOLD):
    """One iteration from (W, b): forward propagation, backpropagation, update; the new
    (W, b)."""
    x, y, W, b, a, _, variant = problem(x, y, W, b, learning_rate, 1, variant)
    return _step(x, y, W, b, a, variant)


def predict(W, b, x):
    """The article's y_pred for the data x: 1 where s ≥ 0.5, else 0, as ints (outputs ×
    samples)."""
    x, W = features(matrix("x", x), matrix("W", W))
    y_pred = forward(W, real("b", b), x)[2]
    return [[int(v) for v in row] for row in y_pred]


def exp(x):
    """e^x correctly rounded to binary64 (exponential.py). An int beyond binary64 is
    allowed here, unlike anywhere else: e^x of it overflows to inf or underflows to 0.0
    whatever its value."""
    if type(x) is int and too_large(x):
        return INF if x > 0 else 0.0
    return _exp(real("x", x))


def sigmoid(z):
    """s = 1 / (1 + e^(−z)), the article's formula (model.py); as with exp, an int
    beyond binary64 gives the limit, 1.0 or 0.0."""
    if type(z) is int and too_large(z):
        return 1.0 if z > 0 else 0.0
    return _sigmoid(real("z", z))
