"""The article's network, as named parts composed into one step.

Names are the article's: x (features × samples), y (outputs × samples), W (features ×
outputs), b, z, s, y_pred, m (samples), a (learning rate); e is the error y_pred − y
(or s − y), t is e^(−z). Each part is one operation of docs/SPEC.md §3, for the numbers
of any Arithmetic A (arithmetic.py): binary64 floats, binary64 in software, binary32.

The article's network is one layer whose b is one number shared by every output. A
network may have several layers (SPEC §9); each layer is (W, b) with b one number per
unit (a column), and the error is carried back through the layers above. The step is
the same for both: forward(), backward(), then the update.

PARTS names every part. Whatever needs another step — the learner tools, the diagnosis,
a backend's mistakes — replaces some of them (dict(PARTS, s=...)) and composes the rest;
`parts` may also be a list of such dicts, one per layer, for a step that departs in one
layer only (y_pred and e are the output layer's, the last dict's).
"""
from .matrix import add_bias, dot, total, transpose

THRESHOLD = "threshold"   # the article: the error is y_pred − y, with y_pred 0 or 1
LOGISTIC = "logistic"     # the error is s − y: gradient descent on cross-entropy
VARIANTS = (THRESHOLD, LOGISTIC)


# --- forward propagation (§3 steps 1–4) --------------------------------------------

def weighted_sum(A, W, b, x):
    """z = Wᵀ·x + b: each z[o][j] = ((W[0][o]·x[0][j] ⊕ W[1][o]·x[1][j]) ⊕ …) ⊕ b, every
    product rounded, the sum left to right from its first term, b added last."""
    return add_bias(dot(transpose(W), x), b)


def exponential(A, z):
    """t = e^(−z), correctly rounded (§4); the negation is exact."""
    exp = A.exp
    return [[exp(-v) for v in row] for row in z]


def activation(A, z, t):
    """s = sigmoid(z) = 1 / (1 + e^(−z)), the activation: 1 ⊘ (1 ⊕ t), exactly the
    article's formula."""
    one = A.one
    return [[one / (one + v) for v in row] for row in t]


def threshold(A, s):
    """y_pred = 1 where s ≥ 0.5, else 0 (a NaN compares false: 0)."""
    one, half, zero = A.one, A.half, A.zero
    return [[one if v >= half else zero for v in row] for row in s]


# --- backpropagation (§3 steps 5–7, §9) -------------------------------------------

def error(A, u, y):
    """e = u − y: y_pred − y (threshold) or s − y (logistic)."""
    return [[p - q for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]


def weight_gradient(A, x, e, m):
    """dW = x·eᵀ / m: each Σ_j x[f][j]·e[o][j] left to right, then divided by m."""
    return [[v / m for v in row] for row in dot(x, transpose(e))]


def bias_gradient(A, e, m, shared):
    """db = Σe / m. Shared (the article's one b): one running sum over every entry of
    e, row by row; otherwise one per unit: Σ_j e[o][j] / m, a column."""
    if shared:
        return total(e) / m
    return [[total([row]) / m] for row in e]


def carry_back(A, W, e, s):
    """The error of the layer below (§9): e'[k][j] = (Σ_o W[k][o]·e[o][j] · s[k][j]) ·
    (1 − s[k][j]), s being that layer's output: the chain rule through its sigmoid."""
    one = A.one
    return [[(g * v) * (one - v) for g, v in zip(rg, rs)]
            for rg, rs in zip(dot(W, e), s)]


# --- gradient descent (§3 step 8) --------------------------------------------------

def descend(w, a, d):
    """w − a·d: the product rounded, then subtracted."""
    return w - a * d


def update(A, P, a, dP):
    """W − a·dW, or b − a·db (a number, or a column of them)."""
    if type(P) is list:
        return [[descend(p, a, d) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
    return descend(P, a, dP)


# the step's parts, named by what they give
PARTS = {"z": weighted_sum, "t": exponential, "s": activation, "y_pred": threshold,
         "e": error, "dW": weight_gradient, "db": bias_gradient, "back": carry_back,
         "update": update}


# --- the step ----------------------------------------------------------------------

def by_layer(parts, count):
    """The parts of each of count layers: one dict for all, or a list of one per layer."""
    return parts if type(parts) is list else [parts] * count


def forward(A, layers, x, parts=PARTS):
    """Forward propagation: (z, t, s) of every layer, s feeding the next one."""
    passes = []
    s = x
    for (W, b), p in zip(layers, by_layer(parts, len(layers))):
        z = p["z"](A, W, b, s)                        # z = Wᵀ·x + b
        t = p["t"](A, z)                              # e^(−z)
        s = p["s"](A, z, t)                           # s = 1 / (1 + e^(−z))
        passes.append((z, t, s))
    return passes


def backward(A, layers, x, passes, e, m, parts=PARTS):
    """Backpropagation from the output layer down: (e, dW, db) of every layer. Every
    layer's W is the old one: no update is made before every gradient is known."""
    grads = [None] * len(layers)
    each = by_layer(parts, len(layers))
    for l in range(len(layers) - 1, -1, -1):
        W, b = layers[l]
        p = each[l]
        below = passes[l - 1][2] if l else x          # this layer's input
        dW = p["dW"](A, below, e, m)                  # dW = x·eᵀ / m
        db = p["db"](A, e, m, type(b) is not list)    # db = Σe / m
        grads[l] = (e, dW, db)
        if l:
            e = p["back"](A, W, e, below)             # the error of the layer below
    return grads


def step(A, x, y, layers, a, variant=THRESHOLD, parts=PARTS, keep=False):
    """One iteration, from the layers [(W, b), ...]: forward propagation,
    backpropagation, then every layer updated from its old weights. The new layers;
    with keep, also a dict of every intermediate (lists by layer, y_pred and m)."""
    m = A.of(len(x[0]))                               # m = x.shape[1]
    each = by_layer(parts, len(layers))
    passes = forward(A, layers, x, each)
    s = passes[-1][2]
    out = each[-1]                                    # the output layer's parts
    y_pred = out["y_pred"](A, s)                      # y_pred = s ≥ 0.5
    e = out["e"](A, y_pred if variant == THRESHOLD else s, y)   # y_pred − y, or s − y
    grads = backward(A, layers, x, passes, e, m, each)
    new = [(p["update"](A, W, a, dW), p["update"](A, b, a, db))   # W − a·dW, b − a·db
           for (W, b), (_, dW, db), p in zip(layers, grads, each)]
    if not keep:
        return new
    return new, {"z": [p[0] for p in passes], "t": [p[1] for p in passes],
                 "s": [p[2] for p in passes], "y_pred": y_pred, "m": m,
                 "e": [g[0] for g in grads], "dW": [g[1] for g in grads],
                 "db": [g[2] for g in grads]}
