"""verify --backend against backends that crash, hang, flood or mumble: one clear
message each, and no process left behind."""
import os
import sys
import time


from helpers import GOLDEN, cli

ARTICLE = os.path.join(GOLDEN, "article.json")
PY = sys.executable


def backend(tmp_path, body):
    path = tmp_path / "backend.py"
    path.write_text("import sys, os, time\n" + body)
    return "%s %s" % (PY, path)


def verify(command, *extra):
    return cli("verify", ARTICLE, "--backend", command, *extra)


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
    assert status == 1 and err == ""
    assert out.count("\n") == 1 and "did not finish within 1.5 s; it was stopped" in out
    for pid in map(int, pids.read_text().split()):
        assert gone(pid), "process %d was left running" % pid


def test_a_backend_that_prints_without_end_is_stopped_at_the_limit(tmp_path):
    command = backend(tmp_path, "while True:\n    sys.stdout.write('x' * 65536)\n")
    status, out, _ = verify(command, "--max-output", "1000000")
    assert status == 1 and "wrote more than 1000000 bytes to stdout; it was stopped" in out


def test_a_backend_that_exits_non_zero_is_reported_with_its_last_stderr_line(tmp_path):
    command = backend(tmp_path, "sys.stderr.write('reading the scenario\\nboom: no weights\\n')\n"
                      "sys.exit(3)\n")
    status, out, _ = verify(command)
    assert status == 1 and out.count("\n") == 1
    assert "exited with status 3; its stderr ends: boom: no weights" in out


def test_a_backend_that_writes_to_stderr_only(tmp_path):
    command = backend(tmp_path, "sys.stderr.write('all went well, I think\\n')\n")
    status, out, _ = verify(command)
    assert status == 1 and "wrote no trace to stdout; its stderr ends: all went well" in out


def test_a_backend_killed_by_a_signal(tmp_path):
    command = backend(tmp_path, "import signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    status, out, _ = verify(command)
    assert status == 1 and "was killed by SIGSEGV" in out


def test_a_backend_that_prints_garbage_gets_a_one_line_format_error(tmp_path):
    command = backend(tmp_path, "print('{\"iteration\": 0, \"bits\": 12}')\n")
    status, out, err = verify(command)
    assert status == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and "the output of backend" in err and "bits must be an object" in err


def test_a_command_that_does_not_exist(tmp_path):
    status, out, _ = verify("/nonexistent/backend --flag")
    assert status == 1 and "cannot be started" in out


def test_the_backend_gets_the_scenario_on_stdin(tmp_path):
    # a backend that answers with the golden trace only if it was given the scenario
    command = backend(tmp_path, "import json\n"
                      "scenario = json.load(sys.stdin)['scenario']\n"
                      "assert scenario['bits']['W'] == [['3fd999999999999a'], ['3fc999999999999a']]\n"
                      "sys.stdout.write(open(%r).read())\n" % ARTICLE)
    status, out, err = verify(command)
    assert (status, out) == (0, "1001 iterations, all bits equal\n"), err
