"""An independent correctly rounded exp for the tests: the standard decimal module.

Decimal computes e^x to `digits` significant digits (its exp is correctly rounded in
decimal); the binary64 rounding of that is trusted only when the decimal result,
widened by its own error, lies strictly between the two rounding boundaries around
the float it gives. Otherwise it tries again with more digits. Nothing here comes
from ann_ref but the bit helpers, which have tests of their own.
"""
import struct
from decimal import Decimal, localcontext

MAX = 1.7976931348623157e308


def _next(v, up):
    n = struct.unpack("<q", struct.pack("<d", v))[0]
    if v == 0.0:
        return 5e-324 if up else -5e-324
    n += 1 if (v > 0) == up else -1
    return struct.unpack("<d", struct.pack("<q", n))[0]


def boundaries(y):
    """The exact rounding interval (low, high) of the non-negative float y, as Decimals."""
    with localcontext() as c:
        c.prec = 2000
        below = Decimal(_next(y, False)) if y > 0 else -Decimal(5e-324)
        above = Decimal(2) ** 1024 if y == MAX else Decimal(_next(y, True))
        return (Decimal(y) + below) / 2, (Decimal(y) + above) / 2


def reference_exp(x, digits=60):
    """e^x rounded to nearest binary64, ties to even, for a finite float x."""
    if x > 710:                            # e^710 > 2^1024: beyond any float
        return float("inf")
    if x < -746:                           # e^-746 < 2^-1076: below half the least subnormal
        return 0.0
    while True:
        with localcontext() as c:
            c.prec = digits
            c.Emax, c.Emin = 999999, -999999
            d = Decimal(x).exp()
            y = float(d)                   # correctly rounded string conversion
            error = d.copy_abs() * Decimal(10) ** (2 - digits)
        if y == float("inf"):
            overflow = boundaries(MAX)[1]  # halfway from MAX to 2^1024
            if d - error > overflow:
                return y
        else:
            low, high = boundaries(y)
            with localcontext() as c:
                c.prec = 2000
                if low < d - error and d + error < high:
                    return y
        digits *= 2                        # too close to a boundary to tell: more digits
