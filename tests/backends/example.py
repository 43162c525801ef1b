"""A backend in plain Python, written from docs/SPEC.md: scenario in, trace out.
python3 example.py < scenario.json; with --batch, one scenario per line, each trace
ended by {"end": true}."""
import json, struct, sys
from decimal import Context, Decimal

def num(h): return struct.unpack(">d", bytes.fromhex(h))[0]
def hex_(v): return "7ff8000000000000" if v != v else struct.pack(">d", v).hex()
def exp(v): return float(Decimal(v).exp(Context(prec=40)))   # then rounded once: exact
def total(terms):                        # left to right, from the first term
    acc = terms[0]
    for t in terms[1:]: acc = acc + t
    return acc

def run(s, out):
    x, y, W = ([[num(h) for h in row] for row in s["bits"][k]] for k in ("x", "y", "W"))
    b, a, m = num(s["bits"]["b"]), num(s["bits"]["learning_rate"]), float(len(x[0]))
    F, S, O = len(x), len(x[0]), len(y)
    for k in range(s["iterations"] + 1):
        out.write(json.dumps({"iteration": k, "bits": {"W": [[hex_(v) for v in r] for r in W],
                                                      "b": hex_(b)}}) + "\n")
        if k == s["iterations"]: break
        z = [[total([W[f][o] * x[f][j] for f in range(F)]) + b for j in range(S)] for o in range(O)]
        sg = [[1.0 / (1.0 + exp(-v)) for v in row] for row in z]
        p = sg if s["variant"] == "logistic" else [[1.0 if v >= 0.5 else 0.0 for v in r] for r in sg]
        e = [[p[o][j] - y[o][j] for j in range(S)] for o in range(O)]
        dW = [[total([x[f][j] * e[o][j] for j in range(S)]) / m for o in range(O)] for f in range(F)]
        db = total([v for row in e for v in row]) / m
        W = [[W[f][o] - a * dW[f][o] for o in range(O)] for f in range(F)]
        b = b - a * db

if "--batch" in sys.argv:
    for line in sys.stdin:
        run(json.loads(line)["scenario"], sys.stdout)
        print('{"end": true}', flush=True)
else:
    run(json.load(sys.stdin)["scenario"], sys.stdout)
