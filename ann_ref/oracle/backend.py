"""Running another implementation: the scenario on its stdin, its trace from its stdout.

The backend is a command (split as a shell would, but run without one) started in a
session of its own, so that on a timeout, or when it writes more than the limit, it and
every process it started are killed together: nothing is left running.
"""
import os
import selectors
import shlex
import signal
import subprocess
import tempfile
import threading
import time

from ..errors import AnnRefError

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
STDERR_KEPT = 2000


class BackendError(AnnRefError):
    """The backend did not produce a trace: it failed, hung or wrote too much."""


def run(command, scenario_bytes, timeout=DEFAULT_TIMEOUT, max_bytes=DEFAULT_MAX_BYTES):
    """Run command with scenario_bytes on stdin; the path of a temporary file holding its
    stdout (the caller removes it). BackendError with one line if it did not succeed."""
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise BackendError("the backend command cannot be split into words: %s" % e)
    if not argv:
        raise BackendError("the backend command is empty")
    fd, path = tempfile.mkstemp(prefix="ann-ref-backend.", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as out:
            _run(argv, command, scenario_bytes, out, timeout, max_bytes)
    except BaseException:
        os.remove(path)
        raise
    return path


def _run(argv, command, data, out, timeout, max_bytes):
    try:
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        raise BackendError("the backend %r cannot be started: %s" % (argv[0], e.strerror or e))
    feeder = threading.Thread(target=_feed, args=(p.stdin, data), daemon=True)
    feeder.start()
    selector = selectors.DefaultSelector()
    selector.register(p.stdout, selectors.EVENT_READ, "out")
    selector.register(p.stderr, selectors.EVENT_READ, "err")
    written, stderr, open_pipes = 0, b"", 2
    deadline = time.monotonic() + timeout
    problem = None
    try:
        while open_pipes:
            left = deadline - time.monotonic()
            if left <= 0:
                problem = "did not finish within %g s; it was stopped" % timeout
                break
            for key, _ in selector.select(min(left, 1.0)):
                chunk = os.read(key.fileobj.fileno(), 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_pipes -= 1
                elif key.data == "out":
                    written += len(chunk)
                    if written > max_bytes:
                        problem = ("wrote more than %d bytes to stdout; it was stopped"
                                   % max_bytes)
                        break
                    out.write(chunk)
                else:
                    stderr = (stderr + chunk)[-STDERR_KEPT:]
            if problem:
                break
        if problem:
            _kill(p)
        else:
            try:
                p.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill(p)
                problem = "did not exit within %g s; it was stopped" % timeout
    except BaseException:
        _kill(p)
        raise
    finally:
        selector.close()
        _kill(p)                        # children the backend left behind
        p.stdout.close()
        p.stderr.close()
    last = _last_line(stderr)
    if problem:
        raise BackendError("backend %s %s%s" % (_name(command), problem, last))
    if p.returncode < 0:
        try:
            name = signal.Signals(-p.returncode).name
        except ValueError:
            name = "signal %d" % -p.returncode
        raise BackendError("backend %s was killed by %s%s" % (_name(command), name, last))
    if p.returncode:
        raise BackendError("backend %s exited with status %d%s"
                           % (_name(command), p.returncode, last))
    if written == 0:
        raise BackendError("backend %s wrote no trace to stdout%s" % (_name(command), last))


def _feed(pipe, data):
    try:
        pipe.write(data)
        pipe.close()
    except OSError:                     # the backend does not read its stdin: its choice
        pass


def _kill(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass


def _last_line(stderr):
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return "; its stderr ends: %s" % lines[-1][:300] if lines else ""


def _name(command):
    return repr(command if len(command) <= 60 else command[:57] + "...")
