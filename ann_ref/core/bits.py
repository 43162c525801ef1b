"""IEEE-754 binary64 bit patterns, through struct alone (MicroPython has no float.hex).

A bit pattern is the 64-bit integer that stores a float; written as 16 lowercase hex
digits it is how golden files give exact values. Every NaN is written as the canonical
7ff8000000000000, because the sign and payload of a NaN differ between CPUs.
"""
import struct

CANONICAL_NAN = 0x7FF8000000000000


def float_to_bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def bits_to_float(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def is_nan_bits(n):
    """Whether the bit pattern n is a NaN (exponent all ones, fraction not zero), of
    either sign and any payload."""
    return n & 0x7FFFFFFFFFFFFFFF > 0x7FF0000000000000


def hex_bits(v):
    """The 16-hex-digit bit pattern of the float v (NaN canonical)."""
    if v != v:
        return "7ff8000000000000"
    return "%016x" % float_to_bits(v)


def from_hex(h):
    """The float whose bit pattern is the 16-hex-digit string h."""
    return bits_to_float(int(h, 16))


def ulp_distance(u, v):
    """How many binary64 values lie between u and v (0 when their bits are equal).

    Floats are mapped to integers that increase with the value (-0.0 and +0.0 one
    apart), so the distance counts representable steps; None if either is a NaN."""
    if u != u or v != v:
        return None
    return abs(_ordinal(u) - _ordinal(v))


def _ordinal(v):
    n = float_to_bits(v)
    return -(n & 0x7FFFFFFFFFFFFFFF) - 1 if n >> 63 else n


def precision(add=None):
    """The number of significand bits of the float type, measured: halve eps until
    1 + eps rounds to 1. `add` is the addition to measure (the float type's own)."""
    add = add or (lambda u, v: u + v)
    eps, bits = 1.0, 0
    while add(1.0, eps) != 1.0 and bits < 200:
        eps = eps / 2
        bits += 1
    return bits


def binary64(add=None):
    """Whether float is IEEE-754 binary64 (a 53-bit significand, stored in 8 bytes).
    Single-precision MicroPython builds (most boards) have a 24-bit float."""
    return precision(add) == 53 and len(struct.pack("<d", 1.0)) == 8


try:                    # the same function, with structs compiled once (where there are)
    _pack_double, _unpack_word = struct.Struct("<d").pack, struct.Struct("<Q").unpack

    def float_to_bits(v):       # noqa: F811 (replaces the portable one above)
        return _unpack_word(_pack_double(v))[0]
except AttributeError:          # MicroPython's struct has no Struct
    pass
