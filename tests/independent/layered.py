"""A second implementation of docs/SPEC.md §9, networks of layers, written from the
document alone: it imports nothing from ann_ref (tests/independent/test_layered.py
checks that). Its exp is reference.py's (the decimal module, rounded once with exact
rationals, Ziv's test); everything else is CPython's float, IEEE-754 binary64, one
rounding per operation, written as the spec states each sum: from its first term,
left to right.

    python3 tests/independent/layered.py golden/layers/    # every layered golden file
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reference import bits_of, exp, float_of, golden_names  # noqa: E402


def running_sum(terms):
    """t0 ⊕ t1 ⊕ … from the first term, left to right."""
    acc = terms[0]
    for t in terms[1:]:
        acc = acc + t
    return acc


def iteration(x, y, layers, a, variant):
    """One step of SPEC §9 from [(W_1, b_1), ..., (W_L, b_L)], each b a column."""
    S = len(x[0])
    m = float(S)
    # forward: a_0 = x; z_l[o][j] = (Σ_k W_l[k][o]·a_{l−1}[k][j]) + b_l[o][0]
    act = [x]
    for W, b in layers:
        below = act[-1]
        units = len(W[0])
        z = [[running_sum([W[k][o] * below[k][j] for k in range(len(below))]) + b[o][0]
              for j in range(S)] for o in range(units)]
        act.append([[1.0 / (1.0 + exp(-v)) for v in row] for row in z])
    # the output's error: y_pred − y (y_pred = 1.0 where a_L ≥ 0.5) or a_L − y
    out = act[-1]
    if variant == "threshold":
        e = [[(1.0 if v >= 0.5 else 0.0) - t for v, t in zip(ro, ry)]
             for ro, ry in zip(out, y)]
    else:
        e = [[v - t for v, t in zip(ro, ry)] for ro, ry in zip(out, y)]
    # backward: gradients of layer l from e_l, then e_{l−1} through the old W_l
    grads = [None] * len(layers)
    for l in range(len(layers), 0, -1):
        W, b = layers[l - 1]
        below = act[l - 1]
        dW = [[running_sum([below[k][j] * e[o][j] for j in range(S)]) / m
               for o in range(len(W[0]))] for k in range(len(W))]
        db = [[running_sum(e[o]) / m] for o in range(len(W[0]))]
        grads[l - 1] = (dW, db)
        if l > 1:
            g = [[running_sum([W[k][o] * e[o][j] for o in range(len(W[0]))])
                  for j in range(S)] for k in range(len(W))]
            e = [[(g[k][j] * below[k][j]) * (1.0 - below[k][j]) for j in range(S)]
                 for k in range(len(W))]
    # the update, every gradient computed from the old weights
    return [([[W[k][o] - a * dW[k][o] for o in range(len(W[0]))] for k in range(len(W))],
             [[b[o][0] - a * db[o][0]] for o in range(len(b))])
            for (W, b), (dW, db) in zip(layers, grads)]


def trace(scenario):
    """The states 0..N of a layered scenario (a golden file's "scenario" object)."""
    bits = scenario["bits"]

    def read(M):
        return [[float_of(h) for h in row] for row in M]
    x, y, a = read(bits["x"]), read(bits["y"]), float_of(bits["learning_rate"])
    layers = [(read(l["W"]), read(l["b"])) for l in bits["layers"]]
    yield layers
    for _ in range(scenario["iterations"]):
        layers = iteration(x, y, layers, a, scenario["variant"])
        yield layers


def first_difference(path):
    """None when every state of the layered golden file at path is reproduced bit for
    bit; otherwise where the first difference is."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    entries = document["trace"]
    count = 0
    for k, (layers, entry) in enumerate(zip(trace(document["scenario"]), entries)):
        count += 1
        ours = [["%016x" % bits_of(v) for M in (W, b) for row in M for v in row]
                for W, b in layers]
        theirs = [[h for M in (l["W"], l["b"]) for row in M for h in row]
                  for l in entry["bits"]["layers"]]
        if ours != theirs:
            return "iteration %d: layers %s, golden %s" % (k, ours, theirs)
    if count != len(entries):
        return "%d states computed, the golden file has %d" % (count, len(entries))
    return None


def main(folder):
    names = golden_names(folder)
    failures = 0
    for name in names:
        problem = first_difference(os.path.join(folder, name))
        print("%s: %s" % (name, problem or "every state reproduced"))
        failures += problem is not None
    print("%d layered golden files, %d reproduced, %d differ"
          % (len(names), len(names) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join("golden", "layers")))
