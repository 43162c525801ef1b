"""The catalogue travels with the package: `pip install .` installs golden/ (its only
copy, the top-level folder) as ann_ref/golden, where `ann-ref golden check` and
`ann-ref verify --backend CMD` find it outside any checkout. And a folder without a
manifest is checked for its golden files only."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import GOLDEN, ROOT, assert_one_line_error, cli, golden_names

# A backend that answers each scenario with the golden file's own trace (so it agrees
# with every file of the catalogue), in batch mode
ECHO = """import json, os, sys
for line in sys.stdin:
    name = json.loads(line)["scenario"]["name"]
    with open(os.path.join(%r, name + ".json")) as f:
        for entry in json.load(f)["trace"]:
            print(json.dumps({"iteration": entry["iteration"], "bits": entry["bits"]}))
    print('{"end": true}', flush=True)
""" % GOLDEN


@pytest.fixture
def echo(tmp_path):
    script = tmp_path / "echo.py"
    script.write_text(ECHO)
    return "%s %s" % (sys.executable, script)


def test_verify_with_a_backend_and_no_folder_checks_the_whole_catalogue(echo):
    status, out, err = cli("verify", "--backend", echo, "--batch")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == golden_names()
    assert lines[-1] == "22 files: 22 agree, 0 differ, 0 backend failures, 0 bad input"


def test_verify_with_neither_files_nor_a_backend_says_what_to_give():
    status, out, err = cli("verify")
    assert_one_line_error(status, err, "ann-ref verify: give a GOLDEN.json file and a "
                          "TRACE.json, or --backend CMD (then the whole catalogue is checked)")


def test_a_folder_without_a_manifest_checks_its_golden_files_only(tmp_path, echo):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("gate-and.json", "non-finite.json", "exp.json", "schema.json"):
        shutil.copy(os.path.join(GOLDEN, name), str(folder / name))
    document = json.load(open(os.path.join(GOLDEN, "negative-zero.json")))
    trace = dict(document)
    del trace["scenario"]                               # a trace, not a golden file
    (folder / "a-trace.json").write_text(json.dumps(trace))
    scenario = dict(document)
    del scenario["trace"]                               # a scenario file
    (folder / "a-scenario.json").write_text(json.dumps(scenario))
    (folder / "package.json").write_text('{"name": "something else", "version": "1.0.0"}')
    (folder / "broken.json").write_text("{")
    (folder / "a-folder.json").mkdir()
    # a golden file damaged after its header: it says what it is, so it is checked
    text = open(os.path.join(GOLDEN, "gate-or.json")).read()
    (folder / "damaged.json").write_text(text[:len(text) // 2])
    status, out, err = cli("verify", str(folder), "--backend", echo, "--batch")
    lines = out.splitlines()
    assert status == 2
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "damaged.json", "gate-and.json", "non-finite.json"]
    assert lines[0].startswith("damaged.json: bad input: ")
    assert lines[-1] == "3 files: 2 agree, 0 differ, 0 backend failures, 1 bad input"


def test_the_catalogue_has_one_copy_in_the_repository():
    assert not os.path.exists(os.path.join(ROOT, "ann_ref", "golden"))


def checkout_copy(target):
    """The checkout's files, without what building or running leaves in it."""
    shutil.copytree(ROOT, str(target), ignore=shutil.ignore_patterns(
        ".git", "node_modules", "build", "*.egg-info", "__pycache__", ".pytest_cache"))


@pytest.mark.slow
def test_the_installed_package_checks_its_own_catalogue(tmp_path, echo):
    source, venv, elsewhere = tmp_path / "source", tmp_path / "venv", tmp_path / "elsewhere"
    checkout_copy(source)
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(source)], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(str(source))                          # nothing may come from the copy
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    ann_ref = str(venv / "bin" / "ann-ref")

    def run(*args):
        p = subprocess.run([ann_ref] + list(args), cwd=str(elsewhere), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=300)
        return p.returncode, p.stdout, p.stderr

    from ann_ref.catalogue.golden import catalogues
    every = sum(len(scenarios) for _, scenarios, _ in catalogues())      # every folder
    assert run("golden", "check") == (0, "%d golden files, all bytes equal; manifest "
                                         "agrees\n" % every, "")
    status, out, err = run("verify", "--backend", echo, "--batch", "-j", "2")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "22 files: 22 agree, 0 differ, 0 backend failures, " \
                                   "0 bad input"
    status, out, err = run("golden", "write")
    assert_one_line_error(status, err, "ann-ref golden write: the catalogue installed "
                          "with the package is not rewritten; give the folder to write "
                          "with --dir")
    installed = subprocess.run([python, "-c", "import ann_ref.catalogue.golden as g; "
                                "print(g.default_dir())"], cwd=str(elsewhere), env=env,
                               stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    assert installed.startswith(str(venv)) and installed.endswith(os.path.join("ann_ref",
                                                                               "golden"))
    assert sorted(os.listdir(installed)) == sorted(os.listdir(GOLDEN))
    assert sorted(os.listdir(os.path.join(installed, "layers"))) == \
        sorted(os.listdir(os.path.join(GOLDEN, "layers")))
