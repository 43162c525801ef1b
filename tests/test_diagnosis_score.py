"""The diagnosis names planted mistakes (benchmarks/diagnosis_score.py), by inference
from a trace and by experiment on a backend: the true cause first in ≥ 95 % of diverging
runs, listed in all (by experiment in ≥ 98 %), a conforming trace never given one.
Where `verify` has no --json yet, the script must say so and fail."""
import subprocess
import sys

import pytest

from helpers import ROOT


def score(*args):
    return subprocess.run([sys.executable, "benchmarks/diagnosis_score.py", "-j", "2"] +
                          list(args), cwd=ROOT, capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("mode", [[], ["--experiment"]], ids=["inference", "experiment"])
def test_the_diagnosis_names_the_planted_mistakes(mode):
    help_text = subprocess.run([sys.executable, "-m", "ann_ref", "verify", "--help"],
                               cwd=ROOT, capture_output=True, text=True).stdout
    out = score(*mode)
    if "--json" not in help_text:
        assert out.returncode == 2 and "gives no JSON report" in out.stdout, out.stdout
    else:
        assert out.returncode == 0, out.stdout + out.stderr
        assert ", conforming always agree): met" in out.stdout
