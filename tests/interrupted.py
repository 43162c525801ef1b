"""`python3 tests/interrupted.py N SIGNAL ARGS...` runs `python3 -m ann_ref ARGS...` and
sends it SIGNAL (KILL or TERM) at its Nth file operation, so that a test interrupts a
write at a chosen point instead of at a measured time.

A replacement (formats/atomic.py) takes four operations, counted here from outside the
package by wrapping the calls it makes: the temporary file created (os.open), written
(os.fsync, which follows the writes), flushed and closed (os.chmod of the temporary
file, which follows the close), renamed (os.replace)."""
import os
import runpy
import signal
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

at, name, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
SIGNAL = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM}[name]
done = [0]


def operation():
    done[0] += 1
    if done[0] == at:
        os.kill(os.getpid(), SIGNAL)


def temporary(path):
    return os.fspath(path).endswith(".tmp")


_open, _fsync, _chmod, _replace = os.open, os.fsync, os.chmod, os.replace


def opened(path, flags, *more, **named):
    fd = _open(path, flags, *more, **named)
    if temporary(path) and not flags & os.O_EXCL:     # not check_target's probe
        operation()
    return fd


def synced(fd):
    operation()
    return _fsync(fd)


def chmodded(path, *more, **named):
    if temporary(path):
        operation()
    return _chmod(path, *more, **named)


def replaced(source, target, *more, **named):
    _replace(source, target, *more, **named)
    operation()


os.open, os.fsync, os.chmod, os.replace = opened, synced, chmodded, replaced
sys.path.insert(0, ROOT)
sys.argv = ["ann_ref"] + args
runpy.run_module("ann_ref", run_name="__main__", alter_sys=True)
