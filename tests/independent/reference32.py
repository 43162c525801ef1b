"""exp32 written again for golden/exp32.json, apart from ann_ref: e^x correctly rounded
to binary32, for binary32 x.

It imports nothing from ann_ref (tests/independent/test_reference32.py checks that). e^x
is the standard decimal module's, at 40 digits and more, rounded once to binary32 with
exact rational arithmetic (fractions), with Ziv's test: the rounding is accepted only
when the whole error interval of the decimal result rounds to the same binary32.

    python3 tests/independent/reference32.py golden/exp32.json
"""
import json
import math
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


def main(path):
    wrong, count = exp32_differences(path)
    print("%s: %d of %d results agree" % (path, count - len(wrong), count))
    for line in wrong:
        print("  " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "golden/exp32.json"))
