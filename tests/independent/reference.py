"""A second implementation of docs/SPEC.md, written from the document alone.

It imports nothing from ann_ref (tests/independent/test_independent.py checks that), so
that the golden files are not certified by the code that wrote them. Its exp is the
standard decimal module at high precision, rounded once to binary64 with exact rational
arithmetic (fractions), with Ziv's test: the rounding is accepted only when the whole
error interval of the decimal result rounds to the same binary64. Everything else is
CPython's float, which is IEEE-754 binary64, rounded to nearest, one operation at a time.

    python3 tests/independent/reference.py golden/       # every golden file, bit for bit
"""
import json
import math
import os
import struct
import sys
from decimal import Decimal, localcontext
from fractions import Fraction

CANONICAL_NAN = 0x7FF8000000000000


# --- binary64 bit patterns (SPEC §7) ----------------------------------------------------

def bits_of(v):
    """The 64-bit pattern of v, with every NaN canonical."""
    if v != v:
        return CANONICAL_NAN
    return struct.unpack(">Q", struct.pack(">d", v))[0]


def float_of(hex16):
    return struct.unpack(">d", struct.pack(">Q", int(hex16, 16)))[0]


# --- rounding an exact positive rational to binary64, ties to even -----------------------

def round_to_binary64(q):
    """The binary64 nearest to the rational q > 0 (ties to even), inf on overflow,
    a subnormal or +0.0 below 2^-1022."""
    n, d = q.numerator, q.denominator
    e = n.bit_length() - d.bit_length()       # 2^(e-1) < q < 2^(e+1)
    if Fraction(n, d) < Fraction(2) ** e:
        e -= 1                                # now 2^e <= q < 2^(e+1)
    quantum = max(e - 52, -1074)              # the spacing of binary64 at q
    scaled = q / Fraction(2) ** quantum       # q in units of the spacing
    integer = scaled.numerator // scaled.denominator
    rest = scaled - integer
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and integer % 2 == 1):
        integer += 1
    if integer == 0:
        return 0.0
    if integer * Fraction(2) ** quantum >= Fraction(2) ** 1024:
        return math.inf
    return math.ldexp(float(integer), quantum)   # integer < 2^54, exact as a float


# --- exp (SPEC §4) ---------------------------------------------------------------------

_exp_memo = {}


def exp(v):
    """e^v correctly rounded to binary64."""
    if v != v:
        return v
    if v == math.inf:
        return math.inf
    if v == -math.inf:
        return 0.0
    if v == 0.0:
        return 1.0
    if v > 710.0:                             # e^710 > 2^1024
        return math.inf
    if v < -746.0:                            # e^-746 < 2^-1075
        return 0.0
    if v in _exp_memo:
        return _exp_memo[v]
    digits = 50
    while True:
        with localcontext() as context:
            context.prec = digits
            context.Emin, context.Emax = -99999, 99999
            value = Decimal(v).exp()          # within half a unit of its last digit
        exact = Fraction(value)
        error = exact / Fraction(10) ** (digits - 1)     # generous: 10 units of the last digit
        low, high = round_to_binary64(exact - error), round_to_binary64(exact + error)
        if bits_of(low) == bits_of(high):
            _exp_memo[v] = low
            return low
        digits *= 2                           # too close to a rounding boundary: more digits


# --- one iteration (SPEC §3) -----------------------------------------------------------

def iteration(x, y, W, b, a, variant):
    F, S, O = len(x), len(x[0]), len(y)
    m = float(S)
    z = [[None] * S for _ in range(O)]
    for o in range(O):
        for j in range(S):
            acc = W[0][o] * x[0][j]           # 1. the first product starts the sum
            for f in range(1, F):
                acc = acc + W[f][o] * x[f][j]
            z[o][j] = acc + b                 #    b added last
    s = [[1.0 / (1.0 + exp(-v)) for v in row] for row in z]          # 2., 3.
    if variant == "threshold":
        e = [[(1.0 if v >= 0.5 else 0.0) - t for v, t in zip(rs, ry)]  # 4., 5.
             for rs, ry in zip(s, y)]
    else:
        e = [[v - t for v, t in zip(rs, ry)] for rs, ry in zip(s, y)]
    dW = [[None] * O for _ in range(F)]
    for f in range(F):
        for o in range(O):
            acc = x[f][0] * e[o][0]           # 6.
            for j in range(1, S):
                acc = acc + x[f][j] * e[o][j]
            dW[f][o] = acc / m
    acc = None                                # 7. row by row, from the first entry
    for row in e:
        for v in row:
            acc = v if acc is None else acc + v
    db = acc / m
    W_next = [[W[f][o] - a * dW[f][o] for o in range(O)] for f in range(F)]   # 8.
    return W_next, b - a * db


def trace(scenario):
    """The states 0..N of a scenario (a golden file's "scenario" object), from its bits."""
    bits = scenario["bits"]
    x = [[float_of(h) for h in row] for row in bits["x"]]
    y = [[float_of(h) for h in row] for row in bits["y"]]
    W = [[float_of(h) for h in row] for row in bits["W"]]
    b, a = float_of(bits["b"]), float_of(bits["learning_rate"])
    yield W, b
    for _ in range(scenario["iterations"]):
        W, b = iteration(x, y, W, b, a, scenario["variant"])
        yield W, b


def first_difference(path):
    """None when every state of the golden file at path is reproduced bit for bit;
    otherwise where the first difference is."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    entries = document["trace"]
    count = 0
    for k, ((W, b), entry) in enumerate(zip(trace(document["scenario"]), entries)):
        count += 1
        ours = [[bits_of(v) for v in row] for row in W] + [[bits_of(b)]]
        theirs = [[int(h, 16) for h in row] for row in entry["bits"]["W"]] + \
            [[int(entry["bits"]["b"], 16)]]
        if ours != theirs:
            return "iteration %d: W, b = %s, golden %s" % (
                k, ["%016x" % n for row in ours for n in row],
                ["%016x" % n for row in theirs for n in row])
    if count != len(entries):
        return "%d states computed, the golden file has %d" % (count, len(entries))
    return None


def golden_names(folder):
    """The golden traces of the folder: the files its manifest lists."""
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        return sorted(json.load(f)["files"])


def exp_differences(path):
    """The vectors of an exp table (golden/exp.json) whose result is not this exp's."""
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    wrong = []
    for v in vectors:
        argument = float_of(v["argument"])
        if bits_of(exp(argument)) != int(v["result"], 16):
            wrong.append("exp(%r) (%s): %016x, the table has %s" % (
                argument, v["argument"], bits_of(exp(argument)), v["result"]))
    return wrong, len(vectors)


def main(folder):
    names = golden_names(folder)
    failures = 0
    for name in names:
        problem = first_difference(os.path.join(folder, name))
        print("%s: %s" % (name, problem or "every state reproduced"))
        failures += problem is not None
    print("%d golden files, %d reproduced, %d differ" % (len(names), len(names) - failures,
                                                        failures))
    table = os.path.join(folder, "exp.json")
    if os.path.exists(table):
        wrong, count = exp_differences(table)
        print("exp.json: %d of %d results agree" % (count - len(wrong), count))
        for line in wrong:
            print("  " + line)
        failures += len(wrong)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "golden"))
