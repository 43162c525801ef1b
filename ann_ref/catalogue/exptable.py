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

from ..core.binary32 import bits32_to_float, exp32, hex_bits32
from ..core.bits import bits_to_float, hex_bits
from ..core.exponential import exp
from ..formats.writer import json_decimal
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
                             "x": json_decimal(x), "exp": json_decimal(y)})
                     + ("," if i < len(rows) - 1 else ""))
    lines.append("]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dumps(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


# --- golden/exp32.json: the same for exp32, e^x correctly rounded to binary32 ---------

FILENAME32 = "exp32.json"
FORMAT32 = "ann-ref-exp32"

# Every binary32 argument whose e^x lies within 2^-25 ULP of a binary32 midpoint, closest
# first: all of them, by tools/exp32_screen.c (the record in core/binary32.py)
HARD32 = ["c16912cd", "bbf0edf1", "c2b2e798", "377eff81", "bae0e25c", "b3000000",
          "39c6be5b", "38e69cc1", "383a3ef1", "3d1a274e", "40315b33", "4001b249",
          "39e5bb1d", "36fdffc1", "4288942b", "367bffe1", "35f7fff1", "356ffff9",
          "34dffffd", "343fffff", "33800000", "337fffff", "bc2a461a", "3fe67199",
          "c0781533", "38ad9e29", "bbb70ee8", "41cbf87b", "c13d6631", "4034d02b",
          "3c971aaa", "3a7bcd08", "3caffe2e", "bcb8f40f"]

# Measured on this project's machine (benchmarks/bench_exp32.py --misrounding, and the
# screen): NumPy 2.4's float32 np.exp (its SIMD code, AVX-512 here) misrounds 37 % of
# the screen's arguments, by up to 3 ULP (x = 1, -1 and 64 among them); glibc 2.36's
# expf 0.03 %. Those below are misrounded by NumPy, not glibc ...
MISROUNDED_BY_NUMPY = ["3f800000", "bf800000", "401659ac", "42800000", "c14d364c",
                       "c2b1f3c7", "b3000014", "3380000c"]
# ... and these by glibc (all but bc01716f and c2af442f by NumPy too; c16912cd is the
# record's closest)
MISROUNDED_BY_GLIBC = ["3a8e3a3d", "3c003cf0", "bc01716f", "3f84759a", "bf832c2b",
                       "4280285a", "c2af442f", "c16912cd"]

# the largest argument with a finite result; the least with a nonzero one; the
# largest with a subnormal one (the record in core/binary32.py)
BOUNDARIES32 = [0x42B17217, 0xC2CFF1B4, 0xC2AEAC50]


def arguments32():
    """(kind, bit pattern) of every argument of exp32.json, in the file's order."""
    out = [("special", n) for n in (0x7FC00000, 0x7F800000, 0xFF800000, 0, 0x80000000)]
    for n in BOUNDARIES32:
        out += [("boundary", v) for v in _near(n)]
    for n in (0x33800000, 0xB3000001,                   # e^x is 1 for -2^-25 <= x < 2^-24
              0x32800000, 0xB2800000,                   # ±2^-26
              0x00000001, 0x80000001):                  # ± the least subnormal
        out += [("tiny", v) for v in _near(n) if v & 0x7FFFFFFF]
    out += [("misrounded-by-numpy", int(h, 16)) for h in MISROUNDED_BY_NUMPY]
    out += [("misrounded-by-glibc", int(h, 16)) for h in MISROUNDED_BY_GLIBC]
    listed = set(n for _, n in out)
    out += [("hard", int(h, 16)) for h in HARD32 if int(h, 16) not in listed]
    return out


def vectors32():
    return [(kind, bits32_to_float(n), exp32(bits32_to_float(n))) for kind, n in arguments32()]


NOTES32 = {
    "special": "NaN, ±inf and ±0.",
    "boundary": "The largest argument with a finite result (42b17217, 88.72283), the "
                "least with a nonzero result (c2cff1b4, -103.97208), the largest with a "
                "subnormal result (c2aeac50, -87.33655), and their neighbours.",
    "tiny": "Around 2^-24 and -2^-25 (e^x rounds to 1 for -2^-25 <= x < 2^-24), ±2^-26, "
            "and the least subnormals.",
    "misrounded-by-numpy": "NumPy's float32 np.exp gives a neighbour of the correctly "
                           "rounded result (NumPy 2.4, its SIMD code on an AVX-512 CPU: "
                           "37 % of the arguments from 2^-27 to the thresholds are "
                           "misrounded, by up to 3 ULP); "
                           "glibc's expf rounds these right.",
    "misrounded-by-glibc": "glibc's expf gives a neighbour of the correctly rounded result "
                           "(glibc 2.36: 170,648 of the 562 million arguments from 2^-27 to "
                           "the thresholds); NumPy's np.exp misrounds most of these too. "
                           "c16912cd is also the hardest case.",
    "hard": "e^x within 2^-25 ULP of a midpoint between two binary32 values: all 34 such "
            "arguments (an exhaustive screen), but for those listed under another kind "
            "(c16912cd, the closest at 2^-28.66, is in misrounded-by-glibc; 33800000, "
            "337fffff and b3000000 in tiny). A binary64 exp rounded to binary32 gets them "
            "right; a float32 evaluation must carry about 53 bits.",
}


def render32():
    """The bytes of golden/exp32.json: one vector per line, keys sorted."""
    head = {"format": FORMAT32, "version": 1, "spec": 1, "generator": "ann_ref",
            "description": "exp32(argument): e^x correctly rounded to binary32, for "
                           "testing a float32 exp on its own. Arguments and results are "
                           "binary32 bit patterns (8 hex digits); compare bits; every "
                           "NaN is 7fc00000.",
            "notes": NOTES32}
    lines = ["{"]
    for key in sorted(head):
        lines.append("%s: %s," % (json.dumps(key), _dumps(head[key])))
    lines.append('"vectors": [')
    rows = vectors32()
    for i, (kind, x, y) in enumerate(rows):
        lines.append(_dumps({"kind": kind, "argument": hex_bits32(x), "result": hex_bits32(y),
                             "x": json_decimal(x), "exp": json_decimal(y)})
                     + ("," if i < len(rows) - 1 else ""))
    lines.append("]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


class _Table:
    """A table of test vectors as golden/ keeps it: its file name and its bytes."""

    def __init__(self, filename, render):
        self.FILENAME, self.render = filename, render


EXP32 = _Table(FILENAME32, render32)
