"""Test vectors for exp on every runtime: arguments and the correctly rounded results, as
bit patterns, computed by the decimal reference of tests/decimal_exp.py (not by ann_ref).

    python3 tests/runtimes/exp_vectors.py > tests/runtimes/exp_vectors.json

tests/test_exp.py checks that the committed file is what this script makes.
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


def vectors():
    return [[bits(x), bits(reference_exp(x))] for x in arguments()]


def render():
    return ("[\n" + ",\n".join(json.dumps(v) for v in vectors()) + "\n]\n")


if __name__ == "__main__":
    sys.stdout.write(render())
