"""The benchmarks of networks of layers run and print what the README quotes from them.
No figure is judged (speed is measured, never tested); what can fail is a benchmark that
crashes, one whose contenders stop giving the same bits, or a line that is no longer
printed."""
import os
import subprocess
import sys

import pytest

from helpers import ROOT

BENCHMARKS = os.path.join(ROOT, "benchmarks")


def run(script, *args):
    p = subprocess.run([sys.executable, os.path.join(BENCHMARKS, script)] + list(args),
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.slow
def test_bench_layers_checks_the_bits_then_prints_every_ratio():
    pytest.importorskip("numpy")
    out = run("bench_layers.py", "--rounds", "1")
    for line in ("NumPy time / core states time", "core states time / kernel time",
                 "model.step time / core states time",
                 "NumPy time / core states with libm's exp (not the contract)"):
        assert line in out, line
    assert "target ≥ 2×" in out and "target ≤ 1.1×" in out


def test_the_kernel_gives_the_cores_bits():
    sys.path.insert(0, BENCHMARKS)
    try:
        from kernel_layers import kernel
    finally:
        sys.path.remove(BENCHMARKS)
    from ann_ref.catalogue.document import checked
    from ann_ref.catalogue.layers import BY_NAME
    from ann_ref.core.training import network_trajectory
    for name in ("xor", "xor-deep", "sum-order-probe"):
        s = checked(BY_NAME[name])
        n = 25
        for state in network_trajectory(s["x"], s["y"], s["layers"], s["learning_rate"], n,
                                    "logistic"):
            pass
        assert kernel(s["x"], s["y"], s["layers"], s["learning_rate"], n) == state, name


@pytest.mark.slow
def test_the_kill_matrix_script_prints_the_table_and_catches_everything():
    out = run("kill_matrix_layers.py")
    assert "| back | `update-before-back` |" in out and "caught by no file: none" in out


@pytest.mark.slow
def test_the_diagnosis_score_names_every_backpropagation_mistake_first():
    out = run("diagnosis_score_layers.py")
    assert "mistakes of backpropagation: 27 of 27 named first" in out
