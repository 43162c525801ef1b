"""A network of layers (docs/SPEC.md §9) trained once, for the learner commands: its
states, what each state predicts, and every number of one iteration, forward and
backward, as a table.

The numbers are the real step's (core.model.step with keep=True), bit for bit; the one
sum it does not keep, g = W·e of the error carried back, is the core's own dot of the
same operands (tests/test_layers_learn.py checks that (g·s)·(1 − s) gives the kept
error again).
"""
from ..core.arithmetic import BINARY64
from ..core.matrix import dot
from ..core.model import PARTS, forward, step
from ..core.training import network_trajectory
from .loss import cross_entropy, misclassified
from .show import matrix, printed, table, whole


def widths(s):
    """n_0 … n_L: the features of x, then the units of every layer."""
    return [len(s["x"])] + [len(W[0]) for W, _ in s["layers"]]


def shape(s):
    """2-2-1, as a network is named by its widths."""
    return "-".join("%d" % n for n in widths(s))


def units(n):
    return "1 unit" if n == 1 else "%d units" % n


def role(l, count):
    return "output" if l == count - 1 else "hidden"


class NetworkRun:
    """The states 0..N of a layered scenario s, computed as far as they are asked for
    and kept up to the first that the next update leaves unchanged."""

    def __init__(self, s, A=BINARY64):
        self.s, self.A, self.n = s, A, s["iterations"]
        self._trajectory = network_trajectory(s["x"], s["y"], s["layers"], s["learning_rate"],
                                          self.n, s["variant"], A)
        self._states = iter(self._trajectory)
        self.kept = []
        self._assessed = {}

    def state(self, k):
        """The layers [(W, b), ...] after k updates (0 ≤ k ≤ N)."""
        while len(self.kept) <= k and self._trajectory.fixed is None:
            self.kept.append(next(self._states))
        return self.kept[min(k, len(self.kept) - 1)]

    @property
    def settled(self):
        """The last update that changed the state (N when the last one still did)."""
        self.state(self.n)
        for _ in self._states:
            pass
        return self._trajectory.settled

    def outputs(self, k, x=None):
        """The output of every layer of state k for the inputs x (the scenario's)."""
        return [p[2] for p in forward(self.A, self.state(k), self.s["x"] if x is None else x)]

    def assess(self, k):
        """(y_pred, misclassified, mean cross-entropy) of state k."""
        key = id(self.state(k))
        if key not in self._assessed:
            out = self.outputs(k)[-1]
            y_pred = PARTS["y_pred"](self.A, out)
            self._assessed[key] = (y_pred, misclassified(y_pred, self.s["y"]),
                                   cross_entropy(out, self.s["y"]))
        return self._assessed[key]

    def step(self, k):
        """Every intermediate of iteration k, from state k − 1 to state k."""
        return NetworkStep(self.s, self.state(k - 1), self.A)


class NetworkStep:
    """Everything one iteration computes: for every layer z, exp(−z), s (lists by layer,
    input first), the errors e, the sums g = W·e carried back (g[l] for the error of layer
    l, None for the output's), dW and db, and the new layers."""

    def __init__(self, s, layers, A=BINARY64):
        self.layers = layers
        self.new, kept = step(A, s["x"], s["y"], layers, s["learning_rate"], s["variant"],
                              keep=True)
        self.z, self.t, self.s = kept["z"], kept["t"], kept["s"]
        self.e, self.dW, self.db = kept["e"], kept["dW"], kept["db"]
        self.m = len(s["x"][0])
        self.g = [dot(layers[l + 1][0], self.e[l + 1]) for l in range(len(layers) - 1)]
        self.g.append(None)


def explain(s, k, bits=False, path=None):
    """The lines of `ann-ref explain` for iteration k of a layered scenario."""
    run = NetworkRun(s)
    st = run.step(k)
    count = len(st.layers)
    n = lambda v: printed(v, bits)                    # noqa: E731
    target = n if bits else whole
    title = ("scenario %s (the layered catalogue)" % s["name"] if path == s["name"] or path is None
             else "scenario %s of %s" % (s["name"], path))
    sizes = widths(s)
    lines = ["iteration %d of %s, a %s network, %s variant: from state %d to state %d"
             % (k, title, shape(s), s["variant"], k - 1, k),
             "  %d inputs; %s; a = %s   m = %d samples" % (
                 sizes[0], "; ".join("layers[%d] (%s): %s" % (l, role(l, count),
                                                               units(sizes[l + 1]))
                                     for l in range(count)), n(s["learning_rate"]), st.m),
             "", "forward propagation, layer by layer, from s = x; one row per sample j and "
             "unit o:",
             "  z = np.dot ( W.T , s ) + b",
             "  s = 1 / ( 1 + np.exp(-z) )"]
    for l, (W, b) in enumerate(st.layers):
        lines += ["", "layers[%d] (%s): W = %s   b = %s" % (l, role(l, count), matrix(W, bits),
                                                         matrix(b, bits))]
        last = l == count - 1
        header = ["j", "o", "z", "exp(-z)", "s"] + (["y", "error s - y"] if last else [])
        rows = []
        for j in range(st.m):
            for o in range(len(W[0])):
                row = ["%d" % j, "%d" % o, n(st.z[l][o][j]), n(st.t[l][o][j]), n(st.s[l][o][j])]
                if last:
                    row += [target(s["y"][o][j]), n(st.e[l][o][j])]
                rows.append(row)
        lines += ["  " + line for line in table(header, rows)]
    lines += ["", "backpropagation, from the output layer down; s_in is a layer's input "
              "(x for layers[0]):",
              "  e = s - y                                  the output layer's error",
              "  e_in = np.dot( W, e ) * s_in * (1 - s_in)  the error carried back into "
              "the layer below",
              "  dW = np.dot( s_in, e.T ) / m",
              "  db = np.sum( e, axis=1, keepdims=True ) / m"]
    for l in range(count - 1, 0, -1):
        lines += ["", "carried back from layers[%d] into layers[%d]: g = np.dot( W, e ), "
                  "then (g * s) * (1 - s)" % (l, l - 1)]
        rows = [["%d" % j, "%d" % o, n(st.g[l - 1][o][j]), n(st.s[l - 1][o][j]),
                 n(st.e[l - 1][o][j])]
                for j in range(st.m) for o in range(len(st.g[l - 1]))]
        lines += ["  " + line for line in table(["j", "o", "g", "s", "e"], rows)]
    rows = []
    for l in range(count - 1, -1, -1):
        rows += [["layers[%d].dW[%d][%d]" % (l, i, o), n(v)]
                 for i, r in enumerate(st.dW[l]) for o, v in enumerate(r)]
        rows += [["layers[%d].db[%d][0]" % (l, o), n(r[0])] for o, r in enumerate(st.db[l])]
    lines += ["", "gradients:", ""] + ["  " + line for line in table(["", "value"], rows)]
    lines += ["", "update (W = W - a * dW, b = b - a * db), every layer from its old W, "
              "state %d:" % k, ""]
    rows = []
    for l, ((W, b), (W1, b1)) in enumerate(zip(st.layers, st.new)):
        rows += [["layers[%d].W[%d][%d]" % (l, i, o), n(W[i][o]), n(st.dW[l][i][o]), n(v)]
                 for i, r in enumerate(W1) for o, v in enumerate(r)]
        rows += [["layers[%d].b[%d][0]" % (l, o), n(b[o][0]), n(st.db[l][o][0]), n(r[0])]
                 for o, r in enumerate(b1)]
    lines += ["  " + line for line in table(["", "before", "gradient", "after"], rows)]
    return lines
