"""Real float32 backends against golden/binary32/ (docs/SPEC.md §10): NumPy and PyTorch
in float32 (tests/backends/real/numpy32.py, torch32.py). Written the contract's way —
each sum a running sum, e^x correctly rounded to binary32 from a decimal exponential —
each agrees with every file; written as one writes them (np.exp, np.dot and np.sum in
float32; PyTorch's default dtype, torch.exp or torch.sigmoid, @ and .sum()) each is
caught, and verify names the float32 exp it uses. A missing library skips its test and
says so."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from helpers import GOLDEN, ROOT

REAL = os.path.join(ROOT, "tests", "backends", "real")
FOLDER = os.path.join(GOLDEN, "binary32")
CONTRACT = ["--exact-exp", "--loop-z", "--loop-dW", "--loop-db"]
BACKENDS = {"numpy32": "numpy", "torch32": "torch"}


def command(name, *switches):
    if importlib.util.find_spec(BACKENDS[name]) is None:
        pytest.skip("%s is not installed" % BACKENDS[name])
    return " ".join([sys.executable, os.path.join(REAL, name + ".py")] + list(switches))


def verify(*args):
    p = subprocess.run([sys.executable, "-m", "ann_ref", "verify"] + list(args) +
                       ["--json", "--timeout", "600"], cwd=ROOT, capture_output=True,
                       text=True, timeout=1800)
    return p.returncode, json.loads(p.stdout) if p.stdout else None, p.stderr


def test_the_backends_correctly_rounded_exp_gives_every_result_of_exp32_json():
    sys.path.insert(0, REAL)
    try:
        from common import exact_exp32, hex32, num32
    finally:
        sys.path.remove(REAL)
    with open(os.path.join(GOLDEN, "exp32.json"), encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    assert [hex32(exact_exp32(num32(v["argument"]))) for v in vectors] == \
        [v["result"] for v in vectors]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_a_float32_backend_following_the_contract_agrees_with_every_file(name):
    backend = command(name, "--batch", *CONTRACT)
    status, report, err = verify(FOLDER, "--backend", backend, "--batch")
    assert status == 0, err or [(f["file"], f["summary"]) for f in report["files"]
                                if not f["agree"]]
    assert len(report["files"]) == len(os.listdir(FOLDER)) - 2    # but manifest and schema
    assert all(f["agree"] for f in report["files"])


@pytest.mark.slow
@pytest.mark.parametrize("name, switches, detail", [
    ("numpy32", [], "numpy"),                  # np.exp on float32: NumPy's SIMD exp
    ("torch32", [], None),                     # torch.exp: 1 ULP off, no model of it
    ("torch32", ["--sigmoid"], "sleef"),       # torch.sigmoid: SLEEF's expf_u10
])
def test_a_float32_backend_as_written_is_caught_and_its_exp_named(name, switches, detail):
    status, report, err = verify(FOLDER, "--backend", command(name, "--batch", *switches),
                                 "--batch")
    assert status == 1, err
    assert any(not f["agree"] for f in report["files"])
    status, report, err = verify(os.path.join(FOLDER, "sigmoid-probe.json"), "--backend",
                                 command(name, *switches))
    assert status == 1, err
    first = report["causes"][0]
    assert report["diagnosed_by"] == "experiment"
    assert (first["part"], first["id"]) == ("t", "exp"), report["causes"]
    assert detail is None or first["detail"] == detail, first
    assert first["evidence"]
