"""Bit patterns as people read them, and how far apart two of them are: what the
comparison and its report both say of a value."""
from ..core.bits import bits_to_float


def ulp_distance(u, v, digits=16):
    """How many values of the format lie between the patterns u and v (−0.0 and +0.0
    one apart); None if either is a NaN."""
    sign = 1 << (4 * digits - 1)
    infinity = 0x7FF0000000000000 if digits == 16 else 0x7F800000
    if u & (sign - 1) > infinity or v & (sign - 1) > infinity:
        return None

    def ordinal(n):
        return -(n & (sign - 1)) - 1 if n & sign else n
    return abs(ordinal(u) - ordinal(v))


def show(n, digits=16):
    """A bit pattern as people read it: the shortest decimal, then the bits."""
    if digits == 8:
        from ..core.binary32 import bits32_to_float
        from ..formats.writer import json_decimal
        v = bits32_to_float(n)
        return "%r (%08x)" % (json_decimal(v, "binary32") if v == v else v, n)
    return "%r (%016x)" % (bits_to_float(n), n)
