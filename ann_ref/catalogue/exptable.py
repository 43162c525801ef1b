"""golden/exp.json: arguments of exp and their correctly rounded results, as bits, so
that the author of a backend can test exp on its own before running a scenario.

The arguments are the boundaries of docs/SPEC.md §4 and their neighbours, special
values, tiny arguments around 2^−54, arguments next to the midpoints of 1 + x, the
arguments of the sigmoid probe (where glibc's exp, NumPy's np.exp and V8's Math.exp
misround), and hard cases: arguments whose e^x lies so near a rounding midpoint that
ann_ref's fast and accurate paths leave them to its slow one (found by scanning
400,000 uniform arguments). tests/test_catalogue.py checks every result against an independent decimal
evaluation.
"""
import json

from ..core.bits import bits_to_float, hex_bits
from ..core.exponential import exp
from ..formats.writer import number
from .scenarios import BY_NAME

FILENAME = "exp.json"
FORMAT = "ann-ref-exp"

# e^x within about 2^−70 relative of a midpoint between two binary64 values
HARD = ["408529c6173f5136", "c07ac9a2af11ee31", "40793e19269317ac", "407fb17bb2000c5c",
        "c085fdd5ea6cd161", "4070beb2d907f098", "407a0605f5093b64", "407c27a2a0e682cc",
        "c083087cc116028f", "c06452ab13eb65b8", "c06be3fd4a77908e", "40760ac55a9b00bc",
        "40704346ea6df4d2", "4084eaebcd986dc4", "407377ee48689ac8", "407b4af5832ee78c",
        "c069a644734c1916", "c0675524f8cd9fe8", "c083defbff8f405a", "c0575d41fc573e90",
        "4083ad4a8b88befa", "c081cca187de0ece", "4045e5a10e864f10", "40729cb0dc50ec16"]

# §4: the largest argument with a finite result; the least with a nonzero one; the
# largest with a subnormal one
BOUNDARIES = [0x40862e42fefa39ef, 0xc0874910d52d3051, 0xc086232bdd7abcd2]


def _near(n):
    """The bit patterns n − 1, n, n + 1 (neighbours of a positive or negative float)."""
    return [n - 1, n, n + 1]


def arguments():
    """(kind, bit pattern) of every argument, in the file's order."""
    out = [("special", n) for n in (0x7FF8000000000000, 0x7FF0000000000000,
                                    0xFFF0000000000000, 0, 0x8000000000000000)]
    for n in BOUNDARIES:
        out += [("boundary", v) for v in _near(n)]
    for n in (0x3C90000000000000, 0xBC90000000000000,        # ±2^−54
              0x3CB0000000000000, 0xBCB0000000000000,        # ±2^−52
              0xBCB8000000000000, 0x0000000000000001, 0x8000000000000001):
        out += [("tiny", v) for v in _near(n) if v & 0x7FFFFFFFFFFFFFFF]
    for k in range(4):                   # x next to (2k+1)·2^−53: 1 + x near a midpoint
        out += [("near-one", v) for v in _near(_bits((2 * k + 1) * 2.0 ** -53))]
    out += [("misrounded-by-libms", _bits(-z)) for z in BY_NAME["sigmoid-probe"]["x"][-1]
            if z != 0]
    out += [("hard", int(h, 16)) for h in HARD]
    return out


def _bits(v):
    return int(hex_bits(v), 16)


def vectors():
    return [(kind, bits_to_float(n), exp(bits_to_float(n))) for kind, n in arguments()]


NOTES = {
    "special": "NaN, ±inf and ±0.",
    "boundary": "The limits of docs/SPEC.md §4 and their neighbours: the largest argument "
                "with a finite result, the least with a nonzero result, the largest with "
                "a subnormal result.",
    "tiny": "Arguments around ±2^−54, ±2^−52 and the least subnormal, where e^x is 1 or "
            "a neighbour of 1.",
    "near-one": "x next to an odd multiple of 2^−53, where e^x ≈ 1 + x lies near a "
                "midpoint between two binary64 values.",
    "misrounded-by-libms": "The arguments of golden/sigmoid-probe.json, where glibc's "
                           "exp, NumPy's np.exp or V8's Math.exp give a neighbour of the "
                           "correctly rounded result.",
    "hard": "e^x within about 2^−70 (relative) of a midpoint between two binary64 values: "
            "an exp must compute far beyond 53 bits to round these right.",
}


def render():
    """The bytes of golden/exp.json: one vector per line, keys sorted."""
    head = {"format": FORMAT, "version": 1, "spec": 1, "generator": "ann_ref",
            "description": "exp(argument), correctly rounded to binary64 (docs/SPEC.md "
                           "§4), for testing an exp on its own. Compare bits; every NaN "
                           "is 7ff8000000000000.",
            "notes": NOTES}
    lines = ["{"]
    for key in sorted(head):
        lines.append("%s: %s," % (json.dumps(key), _dumps(head[key])))
    lines.append('"vectors": [')
    rows = vectors()
    for i, (kind, x, y) in enumerate(rows):
        lines.append(_dumps({"kind": kind, "argument": hex_bits(x), "result": hex_bits(y),
                             "x": number(x), "exp": number(y)})
                     + ("," if i < len(rows) - 1 else ""))
    lines.append("]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dumps(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


# Every binary32 argument whose e^x lies within 2^-25 ULP of a binary32 midpoint, closest
# first: all of them, by tools/exp32_screen.c (the record in core/binary32.py)
HARD32 = ["c16912cd", "bbf0edf1", "c2b2e798", "377eff81", "bae0e25c", "b3000000",
          "39c6be5b", "38e69cc1", "383a3ef1", "3d1a274e", "40315b33", "4001b249",
          "39e5bb1d", "36fdffc1", "4288942b", "367bffe1", "35f7fff1", "356ffff9",
          "34dffffd", "343fffff", "33800000", "337fffff", "bc2a461a", "3fe67199",
          "c0781533", "38ad9e29", "bbb70ee8", "41cbf87b", "c13d6631", "4034d02b",
          "3c971aaa", "3a7bcd08", "3caffe2e", "bcb8f40f"]
