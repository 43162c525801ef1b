"""A backend of networks of layers (docs/SPEC.md §9) with the mistakes of
backpropagation code planted, one option each, for testing that the diagnosis by
experiment names them. Written from the spec alone and sharing no code with ann_ref:
python3 layered_mistaken.py --transposed-W < scenario.json; with --batch, one scenario
per line, each trace ended by {"end": true}; with --widths 2,2,1 it refuses any network
of other widths, or other samples than --samples S (a backend of one architecture).

Each mistake is made where the network's shapes let NumPy code make it silently (a
transposed W where W is square, the layer above's s where it broadcasts, db over the
units where a layer has as many units as samples) and the layer is computed as the spec
says elsewhere; a network where it can be made nowhere is refused, as a NumPy program
would stop on a shape error."""
import json
import math
import struct
import sys
from decimal import Context, Decimal
from fractions import Fraction

BACKPROP = ("update-before-back", "derivative-above", "derivative-input",
            "derivative-recomputed", "transposed-W", "bias-units", "bias-all")
# a mistake no model of the diagnosis knows: the derivative's roundings in another order,
# (g·(1 − s))·s
UNMODELLED = ("derivative-order",)
ARITHMETIC = ("libm-exp", "fma-dW", "b-first", "fused-update")
SHAPE = {}


def num(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def hex_(v):
    return "7ff8000000000000" if v != v else struct.pack(">d", v).hex()


def fused(p, q, r):
    """p*q + r rounded once."""
    if not all(map(math.isfinite, (p, q, r))) or p == 0 or q == 0:
        return p * q + r
    exact = Fraction(p) * Fraction(q) + Fraction(r)
    return float(exact) if exact != 0 else r + 0.0 * p


def total(terms):
    acc = terms[0]
    for t in terms[1:]:
        acc = acc + t
    return acc


class Network:
    def __init__(self, planted, widths, samples):
        self.planted, self.n, self.S = planted, widths, samples
        L = len(widths) - 1
        carrying = range(1, L)
        self.where = {
            "update-before-back": set(carrying),
            "derivative-recomputed": set(carrying),
            "derivative-above": {l for l in carrying if widths[l + 1] in (widths[l], 1)},
            "derivative-input": {l for l in carrying if widths[l - 1] in (widths[l], 1)},
            "transposed-W": {l for l in carrying if widths[l] == widths[l + 1]},
            "bias-units": {l for l in range(L - 1) if widths[l + 1] == samples},
            "bias-all": set(range(L - 1)),
        }
        for mistake in planted & set(BACKPROP):
            if not self.where[mistake]:
                raise SystemExit("layered_mistaken.py: %s: the shapes do not allow it on "
                                 "this network" % mistake)

    def made(self, mistake, l):
        return mistake in self.planted and l in self.where[mistake]

    def exp(self, v):
        if "libm-exp" in self.planted:
            try:
                return math.exp(v)
            except OverflowError:
                return math.inf
        if v != v or v > 710.0 or v < -746.0:      # NaN, or beyond binary64's range
            return v if v != v else (math.inf if v > 0 else 0.0)
        return float(Decimal(v).exp(Context(prec=40)))

    def dot(self, us, vs, fma):
        acc = us[0] * vs[0]
        for u, v in zip(us[1:], vs[1:]):
            acc = fused(u, v, acc) if fma else acc + u * v
        return acc

    def step(self, x, y, layers, a):
        S, m, L = self.S, float(self.S), len(layers)
        outs, zs = [x], []
        for W, b in layers:
            below = outs[-1]
            z = []
            for o in range(len(W[0])):
                row = []
                for j in range(S):
                    products = [W[k][o] * below[k][j] for k in range(len(W))]
                    row.append(total([b[o][0]] + products) if "b-first" in self.planted
                               else total(products) + b[o][0])
                z.append(row)
            zs.append(z)
            outs.append([[1.0 / (1.0 + self.exp(-v)) for v in row] for row in z])
        e = [[s - t for s, t in zip(rs, ry)] for rs, ry in zip(outs[-1], y)]
        grads = [None] * L
        layers = [([list(r) for r in W], [list(r) for r in b]) for W, b in layers]
        updated = [False] * L
        for l in range(L - 1, -1, -1):
            W, b = layers[l]
            below = outs[l]
            dW = [[self.dot(below[k], e[o], "fma-dW" in self.planted) / m
                   for o in range(len(W[0]))] for k in range(len(W))]
            if self.made("bias-units", l):
                db = [[total([e[u][o] for u in range(len(e))]) / m] for o in range(len(e[0]))]
            elif self.made("bias-all", l):
                every = total([v for row in e for v in row]) / m
                db = [[every] for _ in e]
            else:
                db = [[total(row) / m] for row in e]
            grads[l] = (dW, db)
            if l == 0:
                break
            if self.made("update-before-back", l):
                W = self.update(W, dW, a)
                layers[l] = (W, self.update(b, db, a))
                updated[l] = True
            if self.made("transposed-W", l):
                g = [[total([W[o][k] * e[o][j] for o in range(len(W))]) for j in range(S)]
                     for k in range(len(W))]
            else:
                g = [[total([W[k][o] * e[o][j] for o in range(len(W[0]))]) for j in range(S)]
                     for k in range(len(W))]
            s = outs[l]                          # the output of layer l − 1 (0-based)
            if self.made("derivative-recomputed", l):
                r = [[1.0 / (1.0 + self.exp(-v)) for v in row] for row in zs[l - 1]]
                e = [[g[k][j] * (r[k][j] * (1.0 - r[k][j])) for j in range(S)]
                     for k in range(len(g))]
                continue
            if self.made("derivative-above", l):
                s = outs[l + 1]
            elif self.made("derivative-input", l):
                s = outs[l - 1]
            if "derivative-order" in self.planted:
                e = [[(g[k][j] * (1.0 - s[k][j])) * s[k][j] for j in range(S)]
                     for k in range(len(g))]
                continue
            e = [[(g[k][j] * s[k if len(s) > 1 else 0][j]) * (1.0 - s[k if len(s) > 1 else 0][j])
                  for j in range(S)] for k in range(len(g))]
        return [(W, b) if updated[l] else (self.update(W, grads[l][0], a),
                                           self.update(b, grads[l][1], a))
                for l, (W, b) in enumerate(layers)]

    def update(self, P, dP, a):
        if "fused-update" in self.planted:
            return [[fused(-a, d, p) for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]
        return [[p - a * d for p, d in zip(rp, rd)] for rp, rd in zip(P, dP)]


def run(scenario, planted, out):
    bits = scenario["bits"]

    def read(M):
        return [[num(h) for h in row] for row in M]
    x, y, a = read(bits["x"]), read(bits["y"]), num(bits["learning_rate"])
    layers = [(read(l["W"]), read(l["b"])) for l in bits["layers"]]
    widths = [len(x)] + [len(W[0]) for W, _ in layers]
    if SHAPE and (widths != SHAPE["widths"] or len(x[0]) != SHAPE["samples"]):
        raise SystemExit("layered_mistaken.py: this network takes only widths %s and %d "
                         "samples" % (SHAPE["widths"], SHAPE["samples"]))
    net = Network(planted, widths, len(x[0]))
    lines = []
    for k in range(scenario["iterations"] + 1):
        lines.append(json.dumps({"iteration": k, "bits": {"layers": [
            {"W": [[hex_(v) for v in r] for r in W], "b": [[hex_(v) for v in r] for r in b]}
            for W, b in layers]}}) + "\n")
        if k < scenario["iterations"]:
            layers = net.step(x, y, layers, a)
    out.write("".join(lines))


if __name__ == "__main__":
    argv = sys.argv[1:]
    for name in ("widths", "samples"):
        if "--" + name in argv:
            i = argv.index("--" + name)
            SHAPE[name] = [int(v) for v in argv[i + 1].split(",")]
            del argv[i:i + 2]
    if SHAPE:
        SHAPE["samples"] = SHAPE.get("samples", [4])[0]
    options = [arg[2:] for arg in argv if arg.startswith("--")]
    planted = set(options) - {"batch"}
    known = BACKPROP + UNMODELLED + ARITHMETIC
    unknown = planted - set(known)
    if unknown:
        sys.exit("unknown mistake %s; known: %s" % (sorted(unknown)[0], ", ".join(known)))
    if "batch" in options:
        for line in sys.stdin:
            try:
                run(json.loads(line)["scenario"], planted, sys.stdout)
            except SystemExit as e:
                print(json.dumps({"error": str(e)}), flush=True)
                continue
            print('{"end": true}', flush=True)
    else:
        run(json.load(sys.stdin)["scenario"], planted, sys.stdout)
