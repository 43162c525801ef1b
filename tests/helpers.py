"""Shared helpers of the tests: running the command line as a user would."""
import io
import os
import subprocess
import sys

from ann_ref import cli as _cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "golden")


def golden_names():
    """The golden trace files: those the manifest lists (exp.json, the schemas and the
    README are not traces)."""
    import json
    with open(os.path.join(GOLDEN, "manifest.json")) as f:
        return sorted(json.load(f)["files"])


def cli(*args, input=None, cwd=None, timeout=120, stdout=subprocess.PIPE, env=None,
        process=False):
    """Run `python -m ann_ref ARGS` from the checkout; (exit status, stdout, stderr).
    stdout may be an open file instead (then "" is returned for it); env adds variables.

    A plain run (stdout captured, no env, no cwd, nothing read from "-") is made in this
    process, through the same cli.main that __main__ calls, which spares the suite an
    interpreter's start-up per command; process=True (or ANN_REF_TEST_PROCESSES=1) runs
    a real `python -m ann_ref`, as tests of exit codes, signals, pipes and the
    environment need."""
    if (process or stdout is not subprocess.PIPE or env or cwd or "-" in args or
            os.environ.get("ANN_REF_TEST_PROCESSES")):
        env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
        p = subprocess.run([sys.executable, "-m", "ann_ref"] + list(args), input=input,
                           stdout=stdout, stderr=subprocess.PIPE, text=True,
                           cwd=cwd or ROOT, env=env, timeout=timeout)
        return p.returncode, p.stdout or "", p.stderr
    return _in_process(list(args), input)


def _in_process(argv, input):
    import signal
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr, os.getcwd(), signal.getsignal(signal.SIGTERM)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), out, err
    os.chdir(ROOT)
    try:
        status = _cli.main(argv, out)
    except SystemExit as e:                  # argparse's errors and --help end so
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved[:3]
        os.chdir(saved[3])
        signal.signal(signal.SIGTERM, saved[4])
    return status, out.getvalue(), err.getvalue()


_FOREGROUND = """import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
os.execv(sys.argv[1], sys.argv[1:])
"""


def in_foreground(argv):
    """argv, to be run as a terminal's shell runs a command: SIGINT and SIGTERM at their
    defaults and not blocked. A suite started in the background by a script (`pytest &`
    in a non-interactive shell) ignores SIGINT; every process it starts would inherit
    that across exec, and Python leaves an ignored SIGINT ignored: a test's Ctrl-C would
    not reach the command at all."""
    return [sys.executable, "-c", _FOREGROUND] + list(argv)


def interrupted(at, signal_name, *args, **options):
    """cli(ARGS) sent signal_name (KILL or TERM) at its at-th file operation, by
    tests/interrupted.py."""
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "interrupted.py"),
                        str(at), signal_name] + list(args), stdout=options.get(
                            "stdout", subprocess.PIPE), stderr=subprocess.PIPE, text=True,
                       cwd=ROOT, timeout=120)
    return p.returncode, p.stdout or "", p.stderr


def assert_one_line_error(status, stderr, *needles):
    """Bad input: exit status 2, one line on stderr naming the problem, no traceback."""
    assert status == 2, stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    for needle in needles:
        assert needle in stderr, stderr


def replace_in_file(path, old, new):
    """Change the first `old` in a text file to `new`; the test fails if it is not there."""
    with open(path) as f:
        text = f.read()
    assert old in text, "%r is not in %s" % (old, path)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def run_cli(argv, out=None):
    """cli.main in this process, as the command line would run it: any exception that
    escapes it fails the test. (exit status, stdout, stderr)"""
    out = out or io.StringIO()
    err = io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err        # where argparse writes --help
    try:
        status = _cli.main(argv, out)
    except SystemExit as e:                  # --help and --version end so
        status = e.code
    finally:
        sys.stdout, sys.stderr = old
    return status, out.getvalue() if isinstance(out, io.StringIO) else "", err.getvalue()
