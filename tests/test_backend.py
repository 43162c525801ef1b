"""verify --backend against backends that crash, hang, flood or mumble: one clear
line on stderr each, exit status 3 (not 1, which means "differs"), and no process left
behind."""
import json
import os
import signal
import sys
import time

import pytest

from ann_ref.oracle import backend as backend_module
from helpers import GOLDEN, cli

ARTICLE = os.path.join(GOLDEN, "article.json")
PY = sys.executable


def backend(tmp_path, body):
    path = tmp_path / "backend.py"
    path.write_text("import sys, os, time\n" + body)
    return "%s %s" % (PY, path)


def verify(command, *extra):
    return cli("verify", ARTICLE, "--backend", command, *extra)


def failed(status, out, err, *needles):
    """The backend failed: exit status 3, nothing on stdout, one line on stderr."""
    assert (status, out) == (3, ""), (status, out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


def gone(pid, within=5.0):
    """True once the process pid has ended (no longer running, or only a zombie)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/status" % pid) as f:
                if "\nState:\tZ" in f.read():
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_a_backend_that_hangs_is_stopped_at_the_timeout_with_its_children(tmp_path):
    pids = tmp_path / "pids"
    command = backend(tmp_path, "import subprocess\n"
                      "child = subprocess.Popen(['sleep', '1000'])\n"
                      "open(%r, 'w').write('%%d %%d' %% (os.getpid(), child.pid))\n"
                      "time.sleep(1000)\n" % str(pids))
    start = time.monotonic()
    status, out, err = verify(command, "--timeout", "1.5")
    assert time.monotonic() - start < 20
    failed(status, out, err, "did not finish within 1.5 s; it was stopped")
    for pid in map(int, pids.read_text().split()):
        assert gone(pid), "process %d was left running" % pid


def test_a_backend_that_prints_without_end_is_stopped_at_the_limit(tmp_path):
    command = backend(tmp_path, "while True:\n    sys.stdout.write('x' * 65536)\n")
    failed(*verify(command, "--max-output", "1000000"),
           "wrote more than 1000000 bytes to stdout; it was stopped")


def test_a_backend_that_exits_non_zero_is_reported_with_its_last_stderr_line(tmp_path):
    command = backend(tmp_path, "sys.stderr.write('reading the scenario\\nboom: no weights\\n')\n"
                      "sys.exit(3)\n")
    failed(*verify(command), "exited with status 3; its stderr ends: boom: no weights")


def test_a_backend_that_writes_to_stderr_only(tmp_path):
    command = backend(tmp_path, "sys.stderr.write('all went well, I think\\n')\n")
    failed(*verify(command), "wrote no trace to stdout; its stderr ends: all went well")


def test_a_backend_killed_by_a_signal(tmp_path):
    command = backend(tmp_path, "import signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    failed(*verify(command), "was killed by SIGSEGV")


def test_a_backend_that_prints_garbage_gets_a_one_line_format_error(tmp_path):
    command = backend(tmp_path, "print('{\"iteration\": 0, \"bits\": 12}')\n")
    failed(*verify(command), "wrote something that is not a trace", "the output of backend",
           "bits must be an object")


def test_a_command_that_does_not_exist(tmp_path):
    failed(*verify("/nonexistent/backend --flag"), "cannot be started")


def test_an_empty_command(tmp_path):
    failed(*verify("  "), "the backend command is empty")


def test_a_backend_failure_with_json_is_json_with_status_3(tmp_path):
    command = backend(tmp_path, "sys.exit(4)\n")
    status, out, err = verify(command, "--json")
    assert status == 3 and "exited with status 4" in err
    obj = json.loads(out)
    assert obj["status"] == 3 and "exited with status 4" in obj["error"]


def test_the_backend_gets_the_scenario_on_stdin(tmp_path):
    # a backend that answers with the golden trace only if it was given the scenario
    command = backend(tmp_path, "import json\n"
                      "scenario = json.load(sys.stdin)['scenario']\n"
                      "assert scenario['bits']['W'] == [['3fd999999999999a'], ['3fc999999999999a']]\n"
                      "sys.stdout.write(open(%r).read())\n" % ARTICLE)
    status, out, err = verify(command)
    assert (status, out) == (0, "1001 iterations, all bits equal\n"), err


def test_a_backend_that_succeeds_leaves_no_child_behind(tmp_path):
    # The child has let go of the pipes, so the backend's exit 0 ends the run; the
    # process group is still stopped, or the child would outlive every verify.
    pids = tmp_path / "pids"
    command = backend(tmp_path, "import subprocess\n"
                      "child = subprocess.Popen(['sleep', '1000'], stdin=subprocess.DEVNULL,\n"
                      "                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                      "open(%r, 'w').write('%%d' %% child.pid)\n"
                      "sys.stdout.write(open(%r).read())\n" % (str(pids), ARTICLE))
    status, out, err = verify(command)
    assert (status, out) == (0, "1001 iterations, all bits equal\n"), err
    assert gone(int(pids.read_text())), "the backend's child was left running"


def blocked_here():
    """The signals the calling thread blocks, from /proc (Linux)."""
    with open("/proc/thread-self/status") as f:
        mask = int(f.read().split("SigBlk:")[1].split()[0], 16)
    return {s for s in (signal.SIGINT, signal.SIGTERM) if mask >> (s - 1) & 1}


@pytest.mark.skipif(not os.path.exists("/proc/thread-self"), reason="Linux's /proc")
def test_the_threads_that_feed_and_drain_a_backend_leave_signals_to_the_main_thread(
        tmp_path, monkeypatch):
    """A signal taken by another thread waits, in Python, for the main thread to wake up
    (up to a second, or for ever in a read): Ctrl-C must wake the main thread itself."""
    seen = {}
    feed, drain = backend_module._feed, backend_module.Session._drain

    def feeding(*args):
        seen["feed"] = blocked_here()
        feed(*args)

    def draining(self):
        seen["drain"] = blocked_here()
        drain(self)

    monkeypatch.setattr(backend_module, "_feed", feeding)
    monkeypatch.setattr(backend_module.Session, "_drain", draining)
    os.remove(backend_module.run(backend(tmp_path, "sys.stdout.write(sys.stdin.read())\n"),
                                 b"{}"))
    session = backend_module.Session(backend(tmp_path, "sys.stdin.read()\n"))
    session.close()
    session._err.join(5)
    assert seen == {"feed": {signal.SIGINT, signal.SIGTERM},
                    "drain": {signal.SIGINT, signal.SIGTERM}}
    assert not blocked_here()


def test_signals_held_while_a_backend_starts_are_each_delivered_after():
    """A -j worker given Ctrl-C (which it ignores) and then its SIGTERM while it starts a
    backend must still end: the SIGTERM is not lost behind the SIGINT."""
    seen = []

    def record(signum, frame):
        seen.append(signum)

    saved = [(s, signal.signal(s, record)) for s in (signal.SIGINT, signal.SIGTERM)]
    try:
        with backend_module._signals_held():
            for s in (signal.SIGINT, signal.SIGTERM, signal.SIGINT):
                os.kill(os.getpid(), s)
            assert seen == []
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        for s, handler in saved:
            signal.signal(s, handler)
    assert seen == [signal.SIGINT, signal.SIGTERM]
