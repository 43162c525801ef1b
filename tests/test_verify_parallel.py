"""verify of a folder with -j N: the same reports as -j 1, in text and JSON, whatever the
files' verdicts; a crash of the oracle is exit status 4 (never 1, "differs"); SIGINT and
SIGTERM end the command, its workers and every backend process, with 130 or 143."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ann_ref.oracle import batch
from helpers import GOLDEN, ROOT, cli, in_foreground, run_cli

BACKENDS = os.path.join(ROOT, "tests", "backends")
# small golden files: the gates differ under `s > 0.5`, non-finite.json makes the
# backend fail, the others agree
FILES = ("gate-and.json", "gate-or.json", "gate-xor.json", "negative-zero.json",
         "non-finite.json", "tiny-z-threshold.json")

BACKEND = """import json, sys
sys.path.insert(0, %r)
import mistaken

def answer(s):
    if s["name"] == "non-finite":
        return None
    return mistaken.trace(s, {"strict"} if s["name"].startswith("gate") else set())

if "--batch" in sys.argv:
    for line in sys.stdin:
        t = answer(json.loads(line)["scenario"])
        sys.stdout.write('{"error": "no NaN here"}\\n' if t is None else t + '{"end": true}\\n')
        sys.stdout.flush()
else:
    t = answer(json.load(sys.stdin)["scenario"])
    if t is None:
        sys.exit("no NaN here")
    sys.stdout.write(t)
""" % BACKENDS


def folder_of(tmp_path, names=FILES):
    folder = tmp_path / "golden"
    folder.mkdir()
    for name in names:
        shutil.copy(os.path.join(GOLDEN, name), str(folder / name))
    return str(folder)


@pytest.fixture
def mixed(tmp_path):
    """A folder of golden files, and a backend that agrees with some, differs on others
    and fails on one."""
    script = tmp_path / "mixed.py"
    script.write_text(BACKEND)
    return folder_of(tmp_path), "%s %s" % (sys.executable, script)


@pytest.mark.parametrize("mode, form, counts", [
    pytest.param([], [], ["2"], marks=pytest.mark.slow),
    (["--batch"], ["--json"], ["2"]),
    pytest.param([], ["--json"], ["2", "3"], marks=pytest.mark.slow),
    pytest.param(["--batch"], [], ["2", "3"], marks=pytest.mark.slow),
], ids=["text", "batch-json", "json", "batch-text"])
def test_every_jobs_count_gives_the_reports_of_one_job(mixed, mode, form, counts):
    folder, command = mixed
    command += " --batch" if mode else ""
    serial = cli("verify", folder, "--backend", command, "-j", "1", *(mode + form))
    status, out, err = serial
    assert status == 3 and "Traceback" not in err
    if form:
        assert [f["status"] for f in json.loads(out)["files"]] == [1, 1, 1, 0, 3, 0]
    else:
        lines = out.splitlines()
        assert [line.split(":")[1].strip() for line in lines[:-1]] == [
            "differs", "differs", "differs", "21 iterations, all bits equal",
            "backend failed", "41 iterations, all bits equal"]
        assert "threshold-strict" in lines[0]
    for jobs in counts:
        assert cli("verify", folder, "--backend", command, "-j", jobs, *(mode + form)) \
            == serial, jobs


def crash(*args, **kwargs):
    raise RuntimeError("a planted bug")


@pytest.mark.parametrize("args", [["-j", "1"], ["-j", "2"], ["--batch", "-j", "2"]])
def test_a_crash_of_the_oracle_is_exit_status_4_in_one_line(mixed, monkeypatch, args):
    folder, command = mixed
    monkeypatch.setattr(batch, "compare", crash)       # the workers inherit it
    command += " --batch" if "--batch" in args else ""
    status, out, err = run_cli(["verify", folder, "--backend", command] + args)
    assert (status, out) == (4, "")
    assert err == "ann-ref: internal error (a bug in ann-ref, not in the input): " \
                  "RuntimeError: a planted bug\n"
    status, out, err = run_cli(["verify", folder, "--backend", command, "--json"] + args)
    assert status == 4 and json.loads(out) == {
        "error": "internal error (a bug in ann-ref, not in the input): RuntimeError: a "
                 "planted bug", "status": 4}


def test_a_crash_in_any_command_is_status_4_and_debug_shows_where(monkeypatch):
    from ann_ref.cli import train
    monkeypatch.setattr(train, "summary", crash)
    status, out, err = run_cli(["train", "-n", "1"])
    assert status == 4 and err.endswith("RuntimeError: a planted bug\n") and \
        err.count("\n") == 1
    monkeypatch.setenv("ANN_REF_DEBUG", "1")
    status, out, err = run_cli(["train", "-n", "1"])
    assert status == 4 and "Traceback (most recent call last)" in err
    assert 'in crash\n    raise RuntimeError("a planted bug")' in err


# --- signals ----------------------------------------------------------------------------

HANG = """import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", %r])
open(os.path.join(%r, "%%d" %% os.getpid()), "w").close()
time.sleep(600)
"""


def marked(marker):
    """The pids of the processes whose command line holds the marker."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def left_running(marker, within=10.0):
    deadline = time.monotonic() + within
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return marked(marker)


def ignored_or_blocked(pid):
    """The signals the process ignores or blocks (from /proc; none known elsewhere)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return set()
    mask = int(fields["SigIgn"], 16) | int(fields["SigBlk"], 16)
    return {s for s in (signal.SIGINT, signal.SIGTERM) if mask >> (s - 1) & 1}


def wait_for(predicate, within=60.0):
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "the backends did not start"
        time.sleep(0.05)


@pytest.mark.parametrize("args, signum, to_group", [
    pytest.param(["-j", "2"], signal.SIGINT, False, marks=pytest.mark.slow),
    (["-j", "2"], signal.SIGTERM, False),
    # Ctrl-C in a terminal
    (["--batch", "-j", "2"], signal.SIGINT, True),
    pytest.param(["--batch", "-j", "2"], signal.SIGTERM, False, marks=pytest.mark.slow),
    pytest.param(["-j", "2"], signal.SIGINT, True, marks=pytest.mark.slow),
    pytest.param(["-j", "1"], signal.SIGTERM, False, marks=pytest.mark.slow),
    pytest.param(["--batch"], signal.SIGINT, False, marks=pytest.mark.slow),
], ids=["j2-INT", "j2-TERM", "batch-j2-INT-group", "batch-j2-TERM", "j2-INT-group",
        "j1-TERM", "batch-INT"])
def test_a_signal_ends_the_command_its_workers_and_every_backend(tmp_path, args, signum,
                                                                  to_group):
    interrupt(tmp_path, args, signum, to_group)


def test_ctrl_c_reaches_verify_from_a_suite_that_ignores_sigint(tmp_path):
    """As a suite run in the background by a script does; verify itself is started as a
    terminal's shell would start it."""
    ignoring = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        interrupt(tmp_path, ["--batch", "-j", "2"], signal.SIGINT, True)
    finally:
        signal.signal(signal.SIGINT, ignoring)


# verify, whose workers never tell the main process that their backend has started:
# each stays in backend._start, signals held, until it is killed
UNTOLD = """import sys, time
from ann_ref import cli
from ann_ref.oracle import backend
tell = backend._tell

def telling(group, running):
    if running:
        time.sleep(600)
    tell(group, running)

backend._tell = telling
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("args", [
    ["-j", "2"],
    pytest.param(["--batch", "-j", "2"], marks=pytest.mark.slow),
], ids=["j2", "batch-j2"])
def test_a_worker_killed_before_it_told_of_its_backend_leaves_no_backend(tmp_path, args):
    interrupt(tmp_path, args, signal.SIGTERM, False, ["-c", UNTOLD])


def interrupt(tmp_path, args, signum, to_group, run=("-m", "ann_ref")):
    """Start verify with a backend that hangs (and starts a child that hangs), send the
    signal once every backend has started, to verify's process or to its whole process
    group (as Ctrl-C in a terminal does); it must end at once, with nothing left."""
    marker = "hanging-backend-%d-%s" % (os.getpid(), tmp_path.name)
    started = tmp_path / "started"
    started.mkdir()
    script = tmp_path / (marker + ".py")
    script.write_text(HANG % (marker, str(started)))
    folder = folder_of(tmp_path, FILES[:3])
    backends = 1 if "-j" not in args or args[args.index("-j") + 1] == "1" else 2
    p = subprocess.Popen(in_foreground([sys.executable] + list(run) + [
                             "verify", folder, "--backend", "%s %s" % (sys.executable, script),
                             "--timeout", "600"] + args),
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        wait_for(lambda: len(os.listdir(str(started))) == backends)
        assert signum not in ignored_or_blocked(p.pid)
        if to_group:
            os.killpg(p.pid, signum)
        else:
            os.kill(p.pid, signum)
        out, err = p.communicate(timeout=30)
        left = left_running(marker)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        for pid in marked(marker):                    # leave nothing, whatever happened
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
    assert p.returncode == 128 + signum, err
    assert "Traceback" not in err.decode() and out == b""
    assert err.decode() in ("", "ann-ref: interrupted\n")
    assert left == [], "left running: %s" % [open("/proc/%d/cmdline" % pid).read()
                                            for pid in left]


# verify, with a signal that arrives as the first worker is forked: to the main process
# once fork() has returned there, and with "group" to the worker too, before it has set
# its own handlers (Ctrl-C at the very start of a run)
AT_THE_FORK = """import os, signal, sys
from multiprocessing import process
from ann_ref import cli
signum, to_group = getattr(signal, sys.argv[1]), sys.argv[2] == "group"
fork, run, first = os.fork, process.BaseProcess.run, [True]

def forking():
    pid = fork()
    if pid and first[0]:
        first[0] = False
        os.kill(os.getpid(), signum)
    return pid

def running(self):
    if first[0] and to_group:
        os.kill(os.getpid(), signum)
    return run(self)

os.fork, process.BaseProcess.run = forking, running
sys.exit(cli.main(sys.argv[4:]))
"""


@pytest.mark.parametrize("signame, to", [
    ("SIGINT", "main"),
    ("SIGINT", "group"),
    pytest.param("SIGTERM", "main", marks=pytest.mark.slow),
])
def test_a_signal_as_a_worker_is_forked_leaves_no_worker_and_no_traceback(tmp_path, signame,
                                                                          to):
    marker = "forked-worker-%d-%s" % (os.getpid(), tmp_path.name)
    folder = folder_of(tmp_path, FILES[:3])
    p = subprocess.Popen(in_foreground([sys.executable, "-c", AT_THE_FORK, signame, to,
                                        marker, "verify", folder, "--backend",
                                        "%s -c 'import time; time.sleep(600)'"
                                        % sys.executable, "-j", "2"]),
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=30)    # a worker left would hold them open
        left = left_running(marker, within=2.0)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for pid in marked(marker):                    # a worker, in verify's group
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    signum = getattr(signal, signame)
    assert p.returncode == 128 + signum, err
    assert (out, err.decode()) == (b"", "ann-ref: interrupted\n" if signum == signal.SIGINT
                                   else "")
    assert left == []
