"""The oracle under stress: tampered golden files, golden write interrupted, progress
only on a terminal."""
import io
import os
import shutil
import signal
import subprocess
import sys

import pytest

from ann_ref.catalogue import golden
from ann_ref.progress import progress
from helpers import GOLDEN, ROOT, assert_one_line_error, cli, interrupted, replace_in_file


def test_verify_refuses_a_golden_file_that_its_manifest_disowns(copy_of_golden):
    path = os.path.join(copy_of_golden, "article.json")
    # a tampered last state whose decimal still agrees with its bits: only the SHA-256 tells
    replace_in_file(path, '"b": -0.07499999999999982, "bits": {"W": [["3fa9999999999993"], '
                    '["3fa999999999999d"]], "b": "bfb3333333333326"}, "iteration": 1000}',
                    '"b": -0.07499999999999983, "bits": {"W": [["3fa9999999999993"], '
                    '["3fa999999999999d"]], "b": "bfb3333333333327"}, "iteration": 1000}')
    status, out, err = cli("verify", path, os.path.join(GOLDEN, "article.json"))
    assert_one_line_error(status, err, "article.json", "SHA-256", "manifest.json")
    problems = golden.check(copy_of_golden)
    assert any("article.json: its SHA-256 is not the manifest's" in p for p in problems)


def test_verify_and_check_name_a_golden_file_whose_decimals_disagree_with_its_bits(copy_of_golden):
    path = os.path.join(copy_of_golden, "gate-and.json")
    replace_in_file(path, '{"W": [[0.0], [0.0]], "b": 0.0,', '{"W": [[0.0], [0.0]], "b": 0.5,')
    os.remove(os.path.join(copy_of_golden, "manifest.json"))   # so that only the bits tell
    status, _, err = cli("verify", path, os.path.join(GOLDEN, "gate-and.json"))
    assert_one_line_error(status, err, "gate-and.json", "the decimal 0.5 disagrees with its bits")
    problems = "\n".join(golden.check(copy_of_golden))
    assert "gate-and.json: differs from its regeneration" in problems


def make_old(folder):
    """Turn a copy of the golden folder into a consistent older version of itself."""
    old = {}
    for name in golden.read_manifest(folder):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            data = f.read().replace(b'"generator": "ann_ref"', b'"generator": "ann_ref (old)"')
        with open(path, "wb") as f:
            f.write(data)
        old[name] = data
    with open(os.path.join(folder, golden.MANIFEST), "wb") as f:
        f.write(golden.render_manifest(old))
    return old


# golden write replaces each file in four file operations (temporary file created,
# written, flushed and closed, renamed), the files in sorted order and the manifest last;
# tests/interrupted.py stops it at the Nth.
OPERATIONS_PER_FILE = 4
NAMES = sorted(golden.filename(s) for s in golden.SCENARIOS)
ALL_OPERATIONS = OPERATIONS_PER_FILE * (len(NAMES) + 1)


def interrupted_write(folder, at, signal_name):
    status, _, err = interrupted(at, signal_name, "golden", "write", "--dir", folder,
                                 stdout=subprocess.DEVNULL)
    return status, err


def kill_points():
    """Every operation of every 3rd file for SIGKILL, a spread for SIGTERM; the default
    run keeps one of them (a file half written), -m slow the rest (the manifest renamed
    last among them: the whole catalogue written first)."""
    slow = pytest.mark.slow
    points = [pytest.param(n, "KILL", marks=() if n == 7 else slow)
              for n in range(1, ALL_OPERATIONS + 1) if (n - 1) // 4 % 3 == 0 or n > 72]
    points += [pytest.param(n, "TERM", marks=slow)
               for n in range(2, ALL_OPERATIONS + 1, 7)] + [pytest.param(ALL_OPERATIONS, "TERM",
                                                                        marks=slow)]
    return points


@pytest.mark.parametrize("at, signal_name", kill_points())
def test_golden_write_interrupted_at_a_chosen_file_operation(tmp_path, at, signal_name):
    new = {name: golden.read_bytes(os.path.join(GOLDEN, name)) for name in NAMES}
    folder = str(tmp_path / "golden")
    shutil.copytree(GOLDEN, folder)
    old = make_old(folder)
    status, err = interrupted_write(folder, at, signal_name)
    assert status == -signal.SIGKILL if signal_name == "KILL" else 128 + signal.SIGTERM
    assert "Traceback" not in err
    replaced = at // OPERATIONS_PER_FILE              # files renamed into place so far
    for i, name in enumerate(NAMES):
        data = golden.read_bytes(os.path.join(folder, name))
        assert data == (new[name] if i < replaced else old[name]), name
    temporary = [n for n in os.listdir(folder) if n.endswith(".tmp")]
    half_done = at % OPERATIONS_PER_FILE != 0 and signal_name == "KILL"
    assert len(temporary) == (1 if half_done else 0)   # SIGTERM unwinds and removes it
    problems = golden.check(folder)
    if replaced > len(NAMES):                          # the manifest too: all new
        assert problems == []
    else:
        for i, name in enumerate(NAMES):               # check names every stale file
            stale = "%s: differs from its regeneration" % os.path.join(folder, name)
            assert any(p.startswith(stale) for p in problems) == (i >= replaced), name
    # the next write repairs whatever the interruption left
    status, err = interrupted_write(folder, 0, "KILL")
    assert status == 0, err
    assert golden.check(folder) == []
    assert [n for n in os.listdir(folder) if n.endswith(".tmp")] == []


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_on_a_terminal_only():
    shown = Terminal()
    assert list(progress(iter(range(3000)), 3000, stream=shown, after=0)) == list(range(3000))
    assert "iteration 0 of 3000 (0%)" in shown.getvalue()
    assert shown.getvalue().endswith("\r")           # and cleared at the end
    quiet = io.StringIO()
    assert list(progress(iter(range(3000)), 3000, stream=quiet, after=0)) == list(range(3000))
    assert quiet.getvalue() == ""
    patient = Terminal()
    list(progress(iter(range(3000)), 3000, stream=patient, after=60))
    assert patient.getvalue() == ""                  # a short run shows nothing


def test_a_long_run_streams_its_trace(tmp_path):
    """run writes each state as it is computed: the output grows while the run goes on."""
    scenario = tmp_path / "s.json"
    scenario.write_text('{"format": "ann-ref-golden", "version": 1, "scenario": {"name": "s", '
                        '"variant": "logistic", "x": [[0, 1, 0, 1], [0, 0, 1, 1]], '
                        '"y": [[0, 0, 0, 1]], "W": [[0.4], [0.2]], "b": 1, '
                        '"learning_rate": 0.1, "iterations": 2000000}}')
    p = subprocess.Popen([sys.executable, "-m", "ann_ref", "run", str(scenario)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = p.stdout.read(1 << 20)               # a MiB of trace, long before the end
        assert b'"iteration": 1000' in first
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()
        p.stdout.close()
        p.stderr.close()
