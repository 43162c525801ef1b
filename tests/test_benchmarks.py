"""The benchmarks run and print what the README quotes from them. No figure is judged
here (speed is measured, never tested); what can fail is a benchmark that crashes, one
whose contenders stop giving the same bits (bench.py checks the kernel and the run
without the shortcut against ann_ref before it times anything, and exits otherwise),
or a line the README relies on that is no longer printed."""
import os
import random
import struct
import subprocess
import sys

import pytest

from helpers import ROOT

BENCHMARKS = os.path.join(ROOT, "benchmarks")


@pytest.mark.slow
def test_bench_speed_runs_and_prints_every_target():
    pytest.importorskip("numpy")          # the targets are ratios to the NumPy program
    p = subprocess.run([sys.executable, os.path.join(BENCHMARKS, "bench.py"), "--speed",
                        "--rounds", "2"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    for line in ("XOR, threshold, ann_ref.train", "AND, logistic, ann_ref.train",
                 "the same, every step computed (no shortcut)", "the shortcut's share",
                 "2×4, 1000 it.: core states time / kernel time",
                 "16×4096, 4 it.: core states time / kernel time"):
        assert line in out, line
    assert out.count("target ≥ 3×") == 2 and out.count("target ≥ 1.7×") == 2, out
    assert out.count("target ≤ 1.1×") == 4, out


def test_bench_exp_prints_every_range_and_its_paths():
    sys.path.insert(0, BENCHMARKS)
    try:
        import bench_exp
    finally:
        sys.path.remove(BENCHMARKS)
    lines = []
    ratios = bench_exp.report(n=20, pairs=2, out=lines.append)
    assert list(ratios) == [name for name, _, _ in bench_exp.RANGES]
    assert all(r > 0 for r in ratios.values())
    text = "\n".join(lines)
    assert text.count("accurate path") == len(bench_exp.RANGES)
    assert "target ≤ 30x" in text and "target ≤ 2x" in text


def ulp_of(v):
    """The gap from a positive float to the next one up (math.ulp, which is 3.9's)."""
    bits = struct.unpack("<Q", struct.pack("<d", v))[0]
    return struct.unpack("<d", struct.pack("<Q", bits + 1))[0] - v


def test_bench_exp_shares_count_the_paths_taken():
    """shares() counts through hooks on exp's paths. Arguments built to be hard (the
    midpoints of 1 + x, where e^x is within x²/2 of a rounding boundary) must all reach
    the slow path, through the accurate one. Arguments whose e^x lies at least 1/8 of
    an ulp from every midpoint, by the decimal reference, must all be decided by the
    fast path, whose rounding test leaves only those within about 2^-6 of a half ulp."""
    from decimal import Decimal, localcontext
    sys.path.insert(0, BENCHMARKS)
    try:
        import bench_exp
    finally:
        sys.path.remove(BENCHMARKS)
    midpoints = [(2 * k + 1) * 2.0 ** -53 for k in range(1, 20)]
    assert bench_exp.shares(midpoints) == (1.0, 1.0)
    rng = random.Random(3)
    easy = []
    with localcontext() as c:
        c.prec = 60
        while len(easy) < 200:
            x = rng.uniform(-30.0, 30.0)
            e = Decimal(x).exp()
            nearest = float(e)
            ulp = Decimal(ulp_of(nearest))
            from_midpoint = abs(ulp / 2 - abs(e - Decimal(nearest)))
            if from_midpoint > ulp / 8 and ulp_of(nearest) == ulp_of(nearest * 0.999):
                easy.append(x)
    assert bench_exp.shares(easy) == (0.0, 0.0)
