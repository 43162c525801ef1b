"""The diagnosis names planted mistakes (benchmarks/diagnosis_score.py): the true cause
first in ≥ 95 % of diverging runs, listed in all, a conforming trace never given one.
Where `verify` has no --json yet, the script must say so and fail."""
import subprocess
import sys

import pytest

from helpers import ROOT


@pytest.mark.slow
def test_the_diagnosis_names_the_planted_mistakes():
    help_text = subprocess.run([sys.executable, "-m", "ann_ref", "verify", "--help"],
                               cwd=ROOT, capture_output=True, text=True).stdout
    out = subprocess.run([sys.executable, "benchmarks/diagnosis_score.py"], cwd=ROOT,
                         capture_output=True, text=True)
    if "--json" not in help_text:
        assert out.returncode == 2 and "gives no JSON report" in out.stdout, out.stdout
    else:
        assert out.returncode == 0, out.stdout + out.stderr
        assert "targets (first ≥ 95 %, listed 100 %, conforming always agree): met" in out.stdout
