"""The example backend with common mistakes planted, one option each, for testing that
the diagnosis names them. Written from docs/SPEC.md and the libraries' documentation,
sharing no code with ann_ref: e.g. python3 mistaken.py --fused-update < scenario.json."""
import json
import math
import struct
import sys
from decimal import Context, Decimal
from fractions import Fraction

MISTAKES = ("libm-exp", "pow-exp", "b-first", "from-zero", "dW-reverse", "db-by-column",
            "db-by-size", "fma-z", "fma-dW", "fused-update", "reciprocal", "reassociated",
            "scaled-first", "strict", "split-sigmoid", "integer-error", "flush")


def num(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def hex_(v):
    return "7ff8000000000000" if v != v else struct.pack(">d", v).hex()


def fused(p, q, r):
    """p*q + r rounded once (with the IEEE signs of zero for exact zeros)."""
    if not all(map(math.isfinite, (p, q, r))) or p == 0 or q == 0:
        return p * q + r
    exact = Fraction(p) * Fraction(q) + Fraction(r)
    return float(exact) if exact != 0 else 0.0


def step(x, y, W, b, a, variant, planted):
    F, S, O, m = len(x), len(x[0]), len(y), float(len(x[0]))
    tiny = 2.2250738585072014e-308
    ftz = (lambda v: math.copysign(0.0, v) if abs(v) < tiny else v) if "flush" in planted \
        else (lambda v: v)

    def exp(v):
        if "libm-exp" in planted:
            try:
                return math.exp(v)
            except OverflowError:
                return math.inf
        if "pow-exp" in planted:
            try:
                return math.e ** v
            except OverflowError:
                return math.inf
        return float(Decimal(v).exp(Context(prec=40)))

    def dot(us, vs, fma):
        if "from-zero" in planted:
            acc, pairs = 0.0, list(zip(us, vs))
        else:
            acc, pairs = ftz(us[0] * vs[0]), list(zip(us, vs))[1:]
        for u, v in pairs:
            acc = fused(u, v, acc) if fma else ftz(acc + ftz(u * v))
        return acc

    z = []
    for o in range(O):
        row = []
        for j in range(S):
            ws, xs = [W[f][o] for f in range(F)], [x[f][j] for f in range(F)]
            if "b-first" in planted:
                acc = b
                for u, v in zip(ws, xs):
                    acc = acc + u * v
                row.append(acc)
            else:
                row.append(ftz(dot(ws, xs, "fma-z" in planted) + b))
        z.append(row)
    s = []
    for row in z:
        out = []
        for v in row:
            if "split-sigmoid" in planted and v < 0:
                t = exp(v)
                out.append(t / (1.0 + t))
            else:
                out.append(ftz(1.0 / ftz(1.0 + ftz(exp(-v)))))
        s.append(out)
    cmp = (lambda v: v > 0.5) if "strict" in planted else (lambda v: v >= 0.5)
    if variant == "logistic":
        e = [[ftz(s[o][j] - y[o][j]) for j in range(S)] for o in range(O)]
    elif "integer-error" in planted and all(math.isfinite(v) and v == math.floor(v)
                                             for row in y for v in row):
        # NumPy's y is int64 only where every target is a whole number, e then too
        e = [[int(cmp(s[o][j])) - int(y[o][j]) for j in range(S)] for o in range(O)]
    else:
        e = [[(1.0 if cmp(s[o][j]) else 0.0) - y[o][j] for j in range(S)] for o in range(O)]
    integral = all(v == math.floor(v) for row in x for v in row if math.isfinite(v))
    integer_e = all(isinstance(v, int) for row in e for v in row)
    if "integer-error" in planted and integer_e and integral:
        # int64 e and integral x: NumPy's x.dot(e.T) of int64 arrays is integer arithmetic
        sums = [[float(sum(int(x[f][j]) * e[o][j] for j in range(S))) for o in range(O)]
                for f in range(F)]
        total = float(sum(v for row in e for v in row))
    elif "integer-error" in planted and integer_e:
        e = [[float(v) for v in row] for row in e]       # a float x makes e float
        planted = planted - {"integer-error"}
        sums = [[dot(x[f], e[o], False) for o in range(O)] for f in range(F)]
        total = float(sum(v for row in e for v in row))
    else:
        sums = []
        for f in range(F):
            row = []
            for o in range(O):
                xs, es = x[f], e[o]
                if "dW-reverse" in planted:
                    xs, es = xs[::-1], es[::-1]
                row.append(dot(xs, es, "fma-dW" in planted))
            sums.append(row)
        flat = ([e[o][j] for j in range(S) for o in range(O)] if "db-by-column" in planted
                else [v for row in e for v in row])
        if "db-by-size" in planted:       # an order no model knows: smallest first
            flat = sorted(flat, key=abs)
        total = 0.0 if "from-zero" in planted else flat[0]
        for v in (flat if "from-zero" in planted else flat[1:]):
            total = ftz(total + v)
    if "reassociated" in planted:
        c = a / m
        return ([[W[f][o] - sums[f][o] * c for o in range(O)] for f in range(F)],
                b - total * c)
    if "scaled-first" in planted:          # W -= a * np.dot(x, e.T) / m
        return ([[W[f][o] - a * sums[f][o] / m for o in range(O)] for f in range(F)],
                b - a * total / m)
    if "reciprocal" in planted:
        r = 1.0 / m
        dW, db = [[v * r for v in row] for row in sums], total * r
    else:
        dW, db = [[ftz(v / m) for v in row] for row in sums], ftz(total / m)
    if "fused-update" in planted:
        return ([[fused(-a, dW[f][o], W[f][o]) for o in range(O)] for f in range(F)],
                fused(-a, db, b))
    return ([[ftz(W[f][o] - ftz(a * dW[f][o])) for o in range(O)] for f in range(F)],
            ftz(b - ftz(a * db)))


def trace(scenario, planted):
    """The states 0..N as JSON lines."""
    bits = scenario["bits"]
    x, y, W = ([[num(h) for h in row] for row in bits[k]] for k in ("x", "y", "W"))
    b, a = num(bits["b"]), num(bits["learning_rate"])
    lines = []
    for k in range(scenario["iterations"] + 1):
        lines.append(json.dumps({"iteration": k, "bits": {
            "W": [[hex_(v) for v in row] for row in W], "b": hex_(b)}}))
        if k < scenario["iterations"]:
            W, b = step(x, y, W, b, a, scenario["variant"], planted)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    planted = {arg[2:] for arg in sys.argv[1:]}
    unknown = planted - set(MISTAKES)
    if unknown:
        sys.exit("unknown mistake %s; known: %s" % (sorted(unknown)[0], ", ".join(MISTAKES)))
    sys.stdout.write(trace(json.load(sys.stdin)["scenario"], planted))
