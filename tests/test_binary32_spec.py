"""The edges docs/SPEC.md §10 states, each checked against the reference (Singles and
exp32) and, for exp32, against the independent decimal exp32 of tests/independent."""
import os
import struct
import sys

import pytest

from ann_ref.core.binary32 import exp32
from ann_ref.core.single import BINARY32, Single
from helpers import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "independent"))
import reference32  # noqa: E402

with open(os.path.join(ROOT, "docs", "SPEC.md"), encoding="utf-8") as f:
    SECTION = f.read().split("## 10. binary32", 1)[1]


def f32(n):
    return struct.unpack("<f", struct.pack("<I", n))[0]


def b32(v):
    return "7fc00000" if v != v else "%08x" % struct.unpack("<I", struct.pack("<f", v))[0]


def s(z):
    one = Single(1.0)
    return one / (one + Single(exp32(-z)))


@pytest.mark.parametrize("argument, result", [
    (0x7FC00000, "7fc00000"), (0x7F800000, "7f800000"), (0xFF800000, "00000000"),
    (0xB3000000, "3f800000"), (0x337FFFFF, "3f800000"), (0x33800000, "3f800001"),
    (0xB3000001, "3f7fffff"),
    (0x42B17217, "7f7fff84"), (0x42B17218, "7f800000"),
    (0xC2CFF1B4, "00000001"), (0xC2CFF1B5, "00000000"),
    (0xC2AEAC50, "007fffe6"), (0xC2AEAC4F, "00800026"),
])
def test_the_exp32_table(argument, result):
    v = f32(argument)
    assert b32(exp32(v)) == b32(reference32.exp32(v)) == result
    assert "%08x" % argument not in ("42b17217", "c2cff1b4", "c2aeac50") or \
        "%08x" % argument in SECTION


def test_subnormal_results_end_where_the_table_says():
    assert exp32(f32(0xC2AEAC50)) < 2.0 ** -126 <= exp32(f32(0xC2AEAC4F))


def test_z_star_and_the_tiny_z_decisions():
    Z = BINARY32.z_star()
    assert BINARY32.hex_bits(Z) == "b43ffffe" and "b43ffffe" in SECTION
    assert Z.v == -0x17FFFFC * 2.0 ** -47                  # −0x1.7ffffcp−23
    assert s(-(2.0 ** -23)).v == 0.5 and s(-1.5 * 2.0 ** -23).v == 0.5 - 2.0 ** -24
    assert exp32(1.5 * 2.0 ** -23) == 1 + 2.0 ** -22
    assert (Single(1.0) + Single(1 + 2.0 ** -23)).v == 2.0           # a tie, to even
    assert s(-(2.0 ** -25)).v == 0.5 and exp32(2.0 ** -25) == 1.0


def test_saturation():
    assert s(f32(0xC2B17218)).v == 0.0 and s(f32(0xC2B17217)).v > 0.0     # −88.72283…
    assert b32(s(f32(0x41851592)).v) == "3f800000" and s(f32(0x41851591)).v < 1.0
    assert "41851592" in SECTION
    assert exp32(-f32(0x42CFF1B5)) == 0.0 and exp32(-f32(0x42CFF1B4)) > 0.0


def test_the_inputs_paragraph_rounds_straight_to_binary32():
    from fractions import Fraction
    from ann_ref.formats.validate import BINARY32 as P
    from ann_ref.formats.jsonstream import Decimal
    text = "1.000000059604644775390625000001"
    assert text in SECTION
    assert b32(P.of_decimal(Decimal(text))) == "3f800001"
    assert b32(float(Fraction(text))) == "3f800000"          # through binary64: twice
