"""binary64 with the platform's math.exp: faster, and NOT portable.

C libraries round some arguments of exp differently, so the bits this gives depend on
the machine. It exists to run quickly and to show what a backend using libm gets
(`ann-ref train --exp libm`); golden data never uses it.
"""
import math

from .arithmetic import Floats

INF = float("inf")


def exp_libm(v):
    try:
        return math.exp(v)
    except OverflowError:               # CPython raises where C returns inf
        return INF
    except ValueError:                  # MicroPython, likewise
        return INF


LIBM = Floats("binary64 with the platform's exp (not portable)", exp_libm, exact=False)
