"""The oracle under stress: tampered golden files, golden write interrupted, progress
only on a terminal."""
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ann_ref.catalogue import golden
from ann_ref.progress import progress
from helpers import GOLDEN, ROOT, assert_one_line_error, cli, replace_in_file


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


def write_process(folder):
    return subprocess.Popen([sys.executable, "-m", "ann_ref", "golden", "write", "--dir", folder],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_golden_write_interrupted_at_random_moments(tmp_path):
    new = {}
    for name in golden.read_manifest(GOLDEN):
        with open(os.path.join(GOLDEN, name), "rb") as f:
            new[name] = f.read()
    folder = str(tmp_path / "golden")
    shutil.copytree(GOLDEN, folder)
    make_old(folder)
    start = time.monotonic()
    assert write_process(folder).wait() == 0
    duration = time.monotonic() - start
    rng = random.Random(5)
    mixed = 0
    for attempt in range(16):
        old = make_old(folder)
        p = write_process(folder)
        if attempt < 8:                              # at any moment of the run
            time.sleep(rng.uniform(0.0, 1.05) * duration)
        else:                                        # while it writes: once a file appears
            deadline = time.monotonic() + 4 * duration
            while time.monotonic() < deadline and p.poll() is None and \
                    not [n for n in os.listdir(folder) if n.endswith(".%d.tmp" % p.pid)]:
                pass
            time.sleep(rng.uniform(0.0, 0.03))
        p.send_signal(signal.SIGKILL if attempt % 2 else signal.SIGTERM)
        p.wait()
        if attempt % 2 == 0:
            assert "Traceback" not in p.stderr.read().decode()
        p.stderr.close()
        states = {}
        for name in new:
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            assert data in (old[name], new[name]), "%s is neither old nor new" % name
            states[name] = "new" if data == new[name] else "old"
        leftovers = [n for n in os.listdir(folder) if n.endswith(".%d.tmp" % p.pid)]
        if attempt % 2 == 0:                         # SIGTERM unwinds: it leaves nothing
            assert leftovers == []
        mixed += len(set(states.values())) > 1
        problems = golden.check(folder)
        stale = {name for name, state in states.items() if state == "old"}
        named = {name for name in new if any("/%s: " % name in p for p in problems)}
        assert stale <= named                        # check names every stale file
        if not stale and not problems:
            continue
        assert problems
    assert mixed >= 2, "too few interruptions landed while files were being replaced"
    # the next write repairs whatever an interruption left
    assert write_process(folder).wait() == 0
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
