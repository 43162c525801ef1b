"""The binary32 contract (docs/SPEC.md §10) written again from the document alone, apart
from ann_ref: exp32 for golden/exp32.json, and the step for every file of
golden/binary32/.

It imports nothing from ann_ref (tests/independent/test_reference32.py checks that). e^x
is the standard decimal module's, at 40 digits and more, rounded once to binary32 with
exact rational arithmetic (fractions), with Ziv's test: the rounding is accepted only
when the whole error interval of the decimal result rounds to the same binary32. Every
+, −, × and ÷ of the step is computed exactly, as a fraction, and rounded once to
binary32 by the same rounding: nothing relies on binary64 arithmetic rounding to
binary32 as binary32 arithmetic would (which ann_ref's step does, on its argument).

    python3 tests/independent/reference32.py golden/exp32.json
    python3 tests/independent/reference32.py golden/binary32/     # every file, bit for bit
"""
import json
import math
import os
import struct
import sys
from decimal import Decimal, localcontext
from fractions import Fraction

CANONICAL_NAN32 = 0x7FC00000


def bits32_of(v):
    """The 32-bit pattern of v, a float holding a binary32 value; every NaN canonical."""
    if v != v:
        return CANONICAL_NAN32
    return struct.unpack(">I", struct.pack(">f", v))[0]


def float32_of(hex8):
    return struct.unpack(">f", struct.pack(">I", int(hex8, 16)))[0]


def round_to_binary32(q):
    """The binary32 nearest to the rational q > 0 (ties to even), as a float: inf from
    2^128 - 2^103 on, a subnormal or +0.0 below 2^-126."""
    n, d = q.numerator, q.denominator
    e = n.bit_length() - d.bit_length()       # 2^(e-1) < q < 2^(e+1)
    if q < Fraction(2) ** e:
        e -= 1                                # now 2^e <= q < 2^(e+1)
    quantum = max(e - 23, -149)               # the spacing of binary32 at q
    scaled = q / Fraction(2) ** quantum
    integer = scaled.numerator // scaled.denominator
    rest = scaled - integer
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and integer % 2 == 1):
        integer += 1
    if integer * Fraction(2) ** quantum >= Fraction(2) ** 128:
        return math.inf
    return math.ldexp(float(integer), quantum)   # integer <= 2^24, exact


def exp32(v):
    """e^v correctly rounded to binary32, for a float v holding a binary32 value."""
    if v != v:
        return v
    if v == math.inf:
        return math.inf
    if v == -math.inf or v < -104.0:          # e^-104 < 2^-150: rounds to 0
        return 0.0
    if v > 89.0:                              # e^89 > 2^128
        return math.inf
    if v == 0.0:
        return 1.0
    digits = 40
    while True:
        with localcontext() as context:
            context.prec = digits
            context.Emin, context.Emax = -99999, 99999
            value = Decimal(v).exp()          # within half a unit of its last digit
        exact = Fraction(value)
        error = exact / Fraction(10) ** (digits - 1)     # generous: 10 units of the last digit
        low, high = round_to_binary32(exact - error), round_to_binary32(exact + error)
        if low == high:
            return low
        digits *= 2                           # too close to a rounding boundary: more digits


def exp32_differences(path):
    """The vectors of an exp32 table (golden/exp32.json) whose result is not this exp32's."""
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    wrong = []
    for v in vectors:
        argument = float32_of(v["argument"])
        ours = bits32_of(exp32(argument))
        if ours != int(v["result"], 16):
            wrong.append("exp32(%r) (%s): %08x, the table has %s" % (
                argument, v["argument"], ours, v["result"]))
    return wrong, len(vectors)


# --- binary32 arithmetic, exact then rounded once (SPEC §10) --------------------------

def _negative(v):
    return struct.pack(">f", v)[0] >> 7 == 1


def _signed(q, negative):
    """The binary32 nearest to the rational q, its sign `negative` where q rounds to 0."""
    if q == 0:
        return -0.0 if negative else 0.0
    r = round_to_binary32(abs(q))
    if q < 0:
        return -r
    return r if r else (-0.0 if negative else 0.0)


def add(u, v):
    if u != u or v != v or math.isinf(u) or math.isinf(v):
        return u + v                          # NaN, inf, inf − inf: IEEE's
    q = Fraction(u) + Fraction(v)
    return _signed(q, q == 0 and u == 0 and v == 0 and _negative(u) and _negative(v) or q < 0)


def sub(u, v):
    return add(u, -v)


def mul(u, v):
    if u != u or v != v or math.isinf(u) or math.isinf(v):
        return u * v                          # inf·0 is NaN: IEEE's
    return _signed(Fraction(u) * Fraction(v), _negative(u) != _negative(v))


def div(u, v):
    if u != u or v != v:
        return math.nan
    if v == 0:
        if u == 0:
            return math.nan
        return -math.inf if _negative(u) != _negative(v) else math.inf
    if math.isinf(u) or math.isinf(v):
        return u / v                          # inf/inf NaN, x/inf a signed zero
    return _signed(Fraction(u) / Fraction(v), _negative(u) != _negative(v))


def total(terms):
    """A running sum from the first term, left to right."""
    acc = terms[0]
    for t in terms[1:]:
        acc = add(acc, t)
    return acc


# --- one iteration (SPEC §3, in binary32) ----------------------------------------------

def iteration(x, y, W, b, a, variant):
    F, S, O = len(x), len(x[0]), len(y)
    m = float(S)                              # exact in binary32 below 2^24
    z = [[add(total([mul(W[f][o], x[f][j]) for f in range(F)]), b) for j in range(S)]
         for o in range(O)]
    s = [[div(1.0, add(1.0, exp32(-v))) for v in row] for row in z]
    if variant == "threshold":
        u = [[1.0 if v >= 0.5 else 0.0 for v in row] for row in s]
    else:
        u = s
    e = [[sub(p, q) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]
    dW = [[div(total([mul(x[f][j], e[o][j]) for j in range(S)]), m) for o in range(O)]
          for f in range(F)]
    db = div(total([v for row in e for v in row]), m)
    return ([[sub(W[f][o], mul(a, dW[f][o])) for o in range(O)] for f in range(F)],
            sub(b, mul(a, db)))


def trace(scenario):
    """The states 0..N of a binary32 scenario (a golden file's "scenario"), from its bits."""
    bits = scenario["bits"]
    x = [[float32_of(h) for h in row] for row in bits["x"]]
    y = [[float32_of(h) for h in row] for row in bits["y"]]
    W = [[float32_of(h) for h in row] for row in bits["W"]]
    b, a = float32_of(bits["b"]), float32_of(bits["learning_rate"])
    yield W, b
    for _ in range(scenario["iterations"]):
        W, b = iteration(x, y, W, b, a, scenario["variant"])
        yield W, b


def first_difference(path):
    """None when every state of the binary32 golden file at path is reproduced bit for
    bit; otherwise where the first difference is."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    if document["scenario"].get("precision") != "binary32":
        return "not a binary32 golden file"
    entries = document["trace"]
    count = 0
    for k, ((W, b), entry) in enumerate(zip(trace(document["scenario"]), entries)):
        count += 1
        ours = [bits32_of(v) for row in W for v in row] + [bits32_of(b)]
        theirs = [int(h, 16) for row in entry["bits"]["W"] for h in row] + \
            [int(entry["bits"]["b"], 16)]
        if ours != theirs:
            return "iteration %d: W, b = %s, golden %s" % (
                k, ["%08x" % n for n in ours], ["%08x" % n for n in theirs])
    if count != len(entries):
        return "%d states computed, the golden file has %d" % (count, len(entries))
    return None


def golden_names(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        return sorted(json.load(f)["files"])


def main_folder(folder):
    names = golden_names(folder)
    failures = 0
    for name in names:
        problem = first_difference(os.path.join(folder, name))
        print("%s: %s" % (name, problem or "every state reproduced"))
        failures += problem is not None
    print("%d golden files, %d reproduced, %d differ" % (len(names), len(names) - failures,
                                                        failures))
    return 1 if failures else 0


def main(path):
    wrong, count = exp32_differences(path)
    print("%s: %d of %d results agree" % (path, count - len(wrong), count))
    for line in wrong:
        print("  " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    where = sys.argv[1] if len(sys.argv) > 1 else "golden/exp32.json"
    sys.exit(main_folder(where) if os.path.isdir(where) else main(where))
