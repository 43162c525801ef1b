"""The same bits on every Python: each golden scenario run by ann_ref, unchanged, on
CPython 3.8 to 3.13, PyPy, MicroPython and Pyodide. A runtime that is not installed is
skipped, visibly; with ANN_REF_ALL_RUNTIMES=1 (as in .ci/run) it is a failure."""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "runtimes"))
import runtimes  # noqa: E402

pytestmark = pytest.mark.slow            # minutes: every interpreter, Node.js and WebAssembly

EXPECTED = ["cpython3.%d" % v for v in range(8, 14)] + ["pypy3", "micropython", "pyodide"]
REQUIRED = os.environ.get("ANN_REF_ALL_RUNTIMES") == "1"


def need(runtime):
    if runtime not in runtimes.available():
        message = "%s is not installed (.ci/run installs every runtime)" % runtime
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("runtime", EXPECTED)
def test_every_golden_scenario_reproduces_bit_for_bit(runtime):
    need(runtime)
    result = runtimes.run(runtime)
    assert result.ok, result.output
    names = runtimes.golden_names()
    assert len([l for l in result.lines if l.endswith(" s)") and "iterations agree" in l]) == len(names)
    assert result.summary().startswith("conformance: %d scenarios, %d agree" % (len(names), len(names)))


@pytest.mark.parametrize("runtime", ["micropython", "pypy3"])
def test_a_changed_bit_is_reported_by_the_runner(runtime, tmp_path):
    need(runtime)
    folder = tmp_path / "golden"
    folder.mkdir()
    with open(os.path.join(runtimes.GOLDEN, "gate-xor.json")) as f:
        text = f.read()
    # the b of iteration 100, last bit flipped
    last = text.rindex('"b": "')
    digit = text[last + 21]
    text = text[:last + 21] + ("0" if digit != "0" else "1") + text[last + 22:]
    (folder / "gate-xor.json").write_text(text)
    shutil.copy(os.path.join(runtimes.GOLDEN, "gate-or.json"), str(folder))
    result = runtimes.run(runtime, ["gate-or.json", "gate-xor.json"], folder=str(folder))
    assert not result.ok and result.status == 1
    assert "gate-xor.json: DIFFERS: iteration 100 differs in b" in result.output
    assert "2 scenarios, 1 agree, 1 differ, 0 skipped" in result.summary()
