"""The backend author's path of the README: the exact exps of docs/backends/ in C,
JavaScript and Python against every vector of golden/exp.json and against ann_ref's exp,
and every command the README shows for the C, JavaScript and NumPy backends, run as
shown (the whole catalogue: slow). A missing toolchain skips its language, except in CI
(ANN_REF_ALL_RUNTIMES), where it fails."""
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys

import pytest

from ann_ref.core.exponential import exp_bits
from doccommands import matches, run
from helpers import GOLDEN, ROOT

BACKENDS = os.path.join(ROOT, "docs", "backends")
VECTORS = json.load(open(os.path.join(GOLDEN, "exp.json")))["vectors"]


def need(tool):
    if tool == "numpy":
        try:
            import numpy  # noqa: F401
            return
        except ImportError:
            missing = "NumPy is not installed"
    elif shutil.which(tool) is None:
        missing = "%s is not installed" % tool
    else:
        return
    if os.environ.get("ANN_REF_ALL_RUNTIMES"):
        pytest.fail(missing + " (.ci/run installs it)")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def c_exp(tmp_path_factory):
    need("gcc")
    program = str(tmp_path_factory.mktemp("c") / "backend")
    subprocess.run(["gcc", "-O2", "-Wall", "-Werror", "-ffp-contract=off", "-o", program,
                    os.path.join(BACKENDS, "backend.c"), os.path.join(BACKENDS, "exact_exp.c"),
                    "-lm"], check=True)
    return [program, "--exp"]


def exps(command, arguments):
    """The results of an exp command-line program, as bit patterns."""
    out = subprocess.run(command, input="".join("%016x\n" % n for n in arguments),
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return [int(h, 16) for h in out.split()]


def random_arguments(count=400, seed=24):
    """Bit patterns over exp's whole domain, its subnormal results and tiny arguments."""
    rng = random.Random(seed)
    spans = [(-745.2, 709.8), (-40.0, 40.0), (-745.2, -707.0), (-1e-9, 1e-9)]
    return [struct.unpack("<Q", struct.pack("<d", rng.uniform(*rng.choice(spans))))[0]
            for _ in range(count)]


@pytest.mark.parametrize("language", ["C", "JavaScript", "Python"])
def test_the_exact_exp_gives_every_result_of_golden_exp_json(language, request):
    if language == "C":
        command = request.getfixturevalue("c_exp")
    elif language == "JavaScript":
        need("node")
        command = ["node", os.path.join(BACKENDS, "exact_exp.js")]
    else:
        command = [sys.executable, os.path.join(BACKENDS, "exact_exp.py")]
    arguments = [int(v["argument"], 16) for v in VECTORS]
    assert len(arguments) == 84
    assert ["%016x" % n for n in exps(command, arguments)] == [v["result"] for v in VECTORS]
    # and on arguments of no table, against the library's own exp (an independent method)
    extra = random_arguments()
    assert exps(command, extra) == [exp_bits(n) for n in extra]


# --- the README's commands, run as shown --------------------------------------------------

MARK = "$ # not run by test_readme.py: tests/test_backend_authors.py runs it ("
BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def shown_blocks():
    """{language: (tool, [(command, expected lines)])} from the README's blocks that
    carry MARK."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    found = {}
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        if not lines or not lines[0].startswith(MARK):
            continue
        language, tool = lines[0][len(MARK):].rstrip(")").split(": ")
        shown = []
        for line in lines[1:]:
            if line.startswith("$ "):
                shown.append((line[2:], []))
            else:
                shown[-1][1].append(line)
        found[language] = (tool, shown)
    return found


def test_the_readme_shows_the_path_for_c_javascript_and_numpy():
    blocks = shown_blocks()
    assert sorted(blocks) == ["C", "JavaScript", "NumPy"]
    for language, (tool, shown) in blocks.items():
        commands = [command for command, _ in shown]
        assert any("check_exp.py" in c for c in commands), language
        assert any(c.startswith("python3 -m ann_ref verify golden/ --backend") for c in
                   commands), language
        for name in re.findall(r"docs/backends/[\w.]+", " ".join(commands)):
            assert os.path.exists(os.path.join(ROOT, name)), name


@pytest.mark.slow
@pytest.mark.parametrize("language", ["C", "JavaScript", "NumPy"])
def test_the_readmes_commands_take_each_backend_through_the_whole_catalogue(language):
    tool, shown = shown_blocks()[language]
    need(tool)
    for command, expected in shown:
        obtained = run(command)
        assert matches(expected, obtained), "`%s` printed:\n%s\nbut the README shows:\n%s" % (
            command, "\n".join(obtained), "\n".join(expected))
