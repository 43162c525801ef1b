"""Test vectors for exp on every runtime: arguments and the correctly rounded results, as
bit patterns, computed by the decimal reference of tests/decimal_exp.py (not by ann_ref).

    python3 tests/runtimes/exp_vectors.py > tests/runtimes/exp_vectors.json
    python3 tests/runtimes/exp_vectors.py --binary32 > tests/runtimes/exp_vectors_binary32.json

The second file's arguments are binary32 numbers with at most 20 significant bits, which
every float format of MicroPython holds exactly (binary64, binary32, and the 30-bit
floats of MICROPY_OBJ_REPR_C, which drop a binary32's last 2 bits and put back a copy of
the 2 above them), so that exp can be checked on single-precision builds too, where the
first file's arguments cannot be given to it. tests/test_exp.py and
tests/test_boards.py check that the committed files are what this script makes.
"""
import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from decimal_exp import reference_exp  # noqa: E402


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def arguments():
    rng = random.Random(2026)
    xs = [rng.uniform(-745.2, 709.8) for _ in range(800)]              # the whole domain
    xs += [rng.uniform(-40.0, 40.0) for _ in range(600)]               # where sigmoids live
    xs += [rng.uniform(-745.2, -708.3) for _ in range(300)]            # subnormal results
    xs += [rng.uniform(709.0, 709.79) for _ in range(200)]             # before overflow
    xs += [rng.uniform(709.7813, 709.79) for _ in range(60)]           # the binade of overflow
    xs += [rng.uniform(-708.0, -707.5) for _ in range(60)]             # least normal binade
    xs += [rng.choice((-1, 1)) * rng.random() * 2.0 ** -rng.randint(40, 1074)
           for _ in range(200)]                                         # tiny arguments
    for k in range(20):                                                 # next to a midpoint
        for mid in ((2 * k + 1) * 2.0 ** -53, -(2 * k + 1) * 2.0 ** -54):
            n = struct.unpack("<q", struct.pack("<d", mid))[0]
            xs += [struct.unpack("<d", struct.pack("<q", n + d))[0] for d in (-1, 0, 1)]
    while len(xs) < 2400:                                               # any bit pattern
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if x == x and abs(x) != float("inf"):
            xs.append(x)
    return xs


def short(x):
    """x rounded to binary32, then its last 4 significand bits cleared (toward zero): a
    value that a 30-bit float holds."""
    n = struct.unpack("<I", struct.pack("<f", x))[0]
    return struct.unpack("<f", struct.pack("<I", n & ~15))[0]


def binary32_arguments():
    rng = random.Random(2027)
    xs = [rng.uniform(-745.2, 709.8) for _ in range(200)]              # the whole domain
    xs += [rng.uniform(-40.0, 40.0) for _ in range(300)]               # where sigmoids live
    xs += [rng.uniform(-745.2, -708.3) for _ in range(80)]             # subnormal results
    xs += [rng.uniform(709.0, 709.78) for _ in range(40)]              # before overflow
    xs += [rng.uniform(-708.0, -707.5) for _ in range(20)]             # least normal binade
    xs += [rng.choice((-1, 1)) * rng.random() * 2.0 ** -rng.randint(20, 126)
           for _ in range(60)]                                          # tiny arguments
    xs = [short(x) for x in xs]
    xs += [float(n) for n in range(-746, 711, 7)]                      # integers
    for k in range(20):                                                 # on a midpoint
        xs += [(2 * k + 1) * 2.0 ** -53, -(2 * k + 1) * 2.0 ** -54]
    return xs


def vectors(xs=None):
    return [[bits(x), bits(reference_exp(x))] for x in (arguments() if xs is None else xs)]


def render(xs=None):
    return ("[\n" + ",\n".join(json.dumps(v) for v in vectors(xs)) + "\n]\n")


if __name__ == "__main__":
    sys.stdout.write(render(binary32_arguments() if sys.argv[1:] == ["--binary32"] else None))
