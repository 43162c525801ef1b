"""The article's network: one layer, sigmoid output, trained by gradient descent.

Names are the article's: x (features × samples), y (outputs × samples), W (features ×
outputs), b (one number shared by every output), m (samples), a (learning rate).
"""
from .exponential import exp
from .matrix import add_scalar, apply, divide, dot, scale, subtract, total, transpose

THRESHOLD = "threshold"   # the article: the error is y_pred − y, with y_pred 0 or 1
LOGISTIC = "logistic"     # the error is s − y: gradient descent on cross-entropy
VARIANTS = (THRESHOLD, LOGISTIC)


def sigmoid(z):
    """s = 1 / (1 + e^(−z)), exactly the article's formula (other forms change the bits).
    Unchecked, for any number type; the public ann_ref.sigmoid checks its argument."""
    return 1.0 / (1.0 + exp(-z))


def predict(s):
    """y_pred = 1 where s ≥ 0.5, else 0 (a NaN compares false, so it predicts 0)."""
    return [[1.0 if v >= 0.5 else 0.0 for v in row] for row in s]


def forward(W, b, x, sigmoid=sigmoid):
    """Forward propagation: z, s and y_pred."""
    z = add_scalar(dot(transpose(W), x), b)      # z = Wᵀ·x + b
    s = apply(sigmoid, z)                        # s = 1 / (1 + e^(−z))
    y_pred = predict(s)                          # y_pred = [s ≥ 0.5]
    return z, s, y_pred


def gradients(x, e, m):
    """Backpropagation of the error e: dW and db."""
    dW = divide(dot(x, transpose(e)), m)         # dW = x·eᵀ / m
    db = total(e) / m                            # db = Σe / m
    return dW, db


def update(W, b, a, dW, db):
    """Gradient descent: new W and b."""
    W = subtract(W, scale(a, dW))                # W = W − a·dW
    b = b - a * db                               # b = b − a·db
    return W, b


def step(x, y, W, b, a, variant=THRESHOLD, sigmoid=sigmoid):
    """One iteration: forward propagation, backpropagation, update.

    This is the reader's step, the article's equations line by line, for any number type
    with + − * / and comparisons. On floats, training.states runs fast.py's step
    instead: the same bits with less work. sigmoid is replaceable only to show what
    another backend computes (see libm.py)."""
    z, s, y_pred = forward(W, b, x, sigmoid)
    e = subtract(y_pred if variant == THRESHOLD else s, y)   # y_pred − y, or s − y
    dW, db = gradients(x, e, len(x[0]))
    return update(W, b, a, dW, db)
