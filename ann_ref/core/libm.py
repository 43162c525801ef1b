"""The sigmoid on the platform's math.exp: faster, and NOT portable.

C libraries round some arguments of exp differently, so the bits this gives depend
on the machine. It exists to run quickly and to show what a backend using libm gets;
golden data never uses it.
"""
import math

INF = float("inf")


def sigmoid_libm(z):
    try:
        e = math.exp(-z)
    except (OverflowError, ValueError):   # CPython raises OverflowError, MicroPython ValueError
        e = INF
    return 1.0 / (1.0 + e)
