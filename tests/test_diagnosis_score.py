"""The diagnosis names planted mistakes (benchmarks/diagnosis_score.py), by inference
from a trace and by experiment on a backend: the true cause first in ≥ 95 % of diverging
runs, listed in all (by experiment in ≥ 98 %), a conforming trace never given one.
Where `verify` has no --json yet, the script must say so and fail.

By inference every planted mistake is scored; by experiment, which runs the backend
again for each divergence, a mistake of each part of the step (the whole sample is
benchmarks/diagnosis_score.py --experiment's, whose figures the README gives)."""
import subprocess
import sys

import pytest

from helpers import ROOT


def score(*args):
    return subprocess.run([sys.executable, "benchmarks/diagnosis_score.py", "-j", "2"] +
                          list(args), cwd=ROOT, capture_output=True, text=True)


# one of each part of the step: exp, z, the sums, FMA, the update, the arithmetic, the
# threshold, the sigmoid's form, a pair
BY_PART = ["exp:pow", "bias-first", "sum-from-zero", "sum-order:reverse", "fma:dW",
           "fused-update", "fma+fused-update", "blas-dot:gemm", "flush-subnormals",
           "division-by-reciprocal", "reassociation", "threshold-strict",
           "sigmoid-form:split", "integer-error"]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [[], ["--experiment", "--only"] + BY_PART],
                         ids=["inference", "experiment"])
def test_the_diagnosis_names_the_planted_mistakes(mode):
    help_text = subprocess.run([sys.executable, "-m", "ann_ref", "verify", "--help"],
                               cwd=ROOT, capture_output=True, text=True).stdout
    out = score(*mode)
    if "--json" not in help_text:
        assert out.returncode == 2 and "gives no JSON report" in out.stdout, out.stdout
    else:
        assert out.returncode == 0, out.stdout + out.stderr
        assert ", conforming always agree): met" in out.stdout
