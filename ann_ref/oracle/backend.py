"""Running another implementation: the scenario on its stdin, its trace from its stdout.

The backend is a command (split as a shell would, but run without one) started in a
session of its own, so that on a timeout, or when it writes more than the limit, it and
every process it started are killed together: nothing is left running.
"""
import contextlib
import os
import select
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


# Who is told of each backend process group started and ended: a -j worker tells the
# main process, which kills the groups a stopped worker leaves behind.
_watcher = [None]


def watch(callback):
    """callback(group, running) is called with each backend's process group id, with
    running True once it has started and False once it is gone."""
    _watcher[0] = callback


def _tell(group, running):
    if _watcher[0] is not None:
        _watcher[0](group, running)


@contextlib.contextmanager
def _signals_held():
    """SIGINT and SIGTERM wait while a backend is being started and made known, and are
    delivered right after, each that came, in the order they came (a -j worker ignores
    Ctrl-C but not the SIGTERM that follows it): a process is never left unknown (and so
    never left running) by a signal that arrived between its fork and its record."""
    held = []
    try:
        old = [(s, signal.signal(s, lambda signum, frame: held.append(signum)))
               for s in (signal.SIGINT, signal.SIGTERM)]
    except ValueError:                  # not the main thread: signals are not ours
        yield
        return
    try:
        yield
    finally:
        for s, handler in old:
            signal.signal(s, handler)
        for s in sorted(set(held), key=held.index):
            os.kill(os.getpid(), s)


def _thread(target, *args):
    """Start a daemon thread that blocks SIGINT and SIGTERM, so that the kernel gives
    them to the main thread. Python runs a handler only in the main thread, when that
    thread next runs Python code: a signal taken by another thread would leave the main
    thread asleep in select() until its timeout, and a stopped -j worker would outlive
    its STOP_WAIT (then be killed before it could kill its own backend)."""
    signals = {signal.SIGINT, signal.SIGTERM}
    try:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    except AttributeError:              # no pthread_sigmask: nothing to choose
        mask = None
    try:                                # (the new thread inherits this thread's mask)
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return thread


def _start(argv):
    """Popen the backend in a session of its own (its pid is its process group)."""
    p = None
    try:
        with _signals_held():
            try:
                p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
            except OSError as e:
                raise BackendError("the backend %r cannot be started: %s"
                                   % (argv[0], e.strerror or e))
            _tell(p.pid, True)
    except BaseException:               # a signal held back, delivered on the way out
        if p is not None:
            _kill(p)
        raise
    return p


def _words(command):
    """The command split into words as a shell would; BackendError if it cannot be."""
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise BackendError("the backend command cannot be split into words: %s" % e)
    if not argv:
        raise BackendError("the backend command is empty")
    return argv


def kind_of(command):
    """What kind of program the backend is, for the fixes a report suggests: "python"
    (an interpreter: NumPy, PyTorch, JAX), "js" (Node.js), "c" (a compiled program), or
    None when the command does not say."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if not argv:
        return None
    name = os.path.basename(argv[0]).lower()
    if name.startswith(("python", "pypy", "micropython", "ipython", "uv", "conda")):
        return "python"
    if name in ("node", "nodejs", "deno", "bun") or name.endswith((".js", ".mjs")):
        return "js"
    if name.endswith(".py"):
        return "python"
    path = argv[0] if os.sep in argv[0] else None
    if path is None:
        import shutil
        path = shutil.which(argv[0])
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except (OSError, TypeError):
        return None
    if head in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf") or head[:2] == b"MZ":
        return "c"
    return None


# ELF's e_machine numbers of the processors named here
_MACHINES = {3: "i386", 62: "x86-64", 40: "arm", 183: "aarch64", 243: "riscv"}


def machine(command):
    """The processor the backend's program (a compiled program, or the interpreter that
    runs a script) is built for, read from its ELF header: "i386", "x86-64", "arm",
    "aarch64", "riscv"; None where the command does not say (not an ELF file, or not
    found)."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if not argv:
        return None
    path = argv[0] if os.sep in argv[0] else None
    if path is None:
        import shutil
        path = shutil.which(argv[0])
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except (OSError, TypeError):
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    order = "little" if head[5] == 1 else "big"
    number = int.from_bytes(head[18:20], order)
    return _MACHINES.get(number, "ELF machine %d" % number)


def impossible(command):
    """The cause ids that cannot happen in this backend, from what its program is: x87
    registers only in a program built for 32-bit x86 (an x86-64 or ARM program computes
    doubles in SSE or NEON registers, which round as binary64)."""
    found = machine(command)
    if found is not None and found != "i386":
        return {"extended-precision"}
    return set()


def run(command, scenario_bytes, timeout=DEFAULT_TIMEOUT, max_bytes=DEFAULT_MAX_BYTES):
    """Run command with scenario_bytes on stdin; the path of a temporary file holding its
    stdout (the caller removes it). BackendError with one line if it did not succeed."""
    argv = _words(command)
    fd, path = tempfile.mkstemp(prefix="ann-ref-backend.", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as out:
            _run(argv, command, scenario_bytes, out, timeout, max_bytes)
    except BaseException:
        os.remove(path)
        raise
    return path


def _run(argv, command, data, out, timeout, max_bytes):
    p = _start(argv)
    selector = selectors.DefaultSelector()
    written, stderr, open_pipes = 0, b"", 2
    deadline = time.monotonic() + timeout
    problem = None
    try:
        _thread(_feed, p.stdin, data)
        selector.register(p.stdout, selectors.EVENT_READ, "out")
        selector.register(p.stderr, selectors.EVENT_READ, "err")
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
    """Kill the backend's whole process group; tell the watcher it is gone."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass
    _tell(p.pid, False)


def _last_line(stderr):
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return "; its stderr ends: %s" % lines[-1][:300] if lines else ""


def _name(command):
    return repr(command if len(command) <= 60 else command[:57] + "...")


# --- batch: one process serves many scenarios ---------------------------------------------


class Session:
    """A backend started once that answers scenario after scenario (the batch protocol of
    golden/README.md): ann-ref writes one scenario document per line on its stdin; the
    backend answers each with the trace as JSON lines, then the line {"end": true} (or
    one line {"error": "..."} if it cannot run that scenario). Closing stdin ends it."""

    def __init__(self, command, timeout=DEFAULT_TIMEOUT, max_bytes=DEFAULT_MAX_BYTES):
        argv = _words(command)
        self.command, self.timeout, self.max_bytes = command, timeout, max_bytes
        self.p = _start(argv)
        self.stderr = b""
        self._pending = b""
        self._err = _thread(self._drain)

    def _drain(self):
        while True:
            try:
                chunk = os.read(self.p.stderr.fileno(), 1 << 14)
            except (OSError, ValueError):   # closed by close()
                return
            if not chunk:
                return
            self.stderr = (self.stderr + chunk)[-STDERR_KEPT:]

    def _fail(self, problem):
        self.close(kill=True)
        raise BackendError("backend %s %s%s" % (_name(self.command), problem,
                                                _last_line(self.stderr)))

    def trace(self, scenario_line):
        """Send one scenario (one line of JSON, bytes); the path of a temporary file with
        the trace it answered (the caller removes it). BackendError if it failed: the
        session is then closed."""
        try:
            self.p.stdin.write(scenario_line.rstrip(b"\n") + b"\n")
            self.p.stdin.flush()
        except OSError:
            self._ended_early()
        fd, path = tempfile.mkstemp(prefix="ann-ref-backend.", suffix=".jsonl")
        try:
            with os.fdopen(fd, "wb") as out:
                self._answer(out)
        except BaseException:
            os.remove(path)
            raise
        return path

    def _answer(self, out):
        deadline = time.monotonic() + self.timeout
        written = 0
        fileno = self.p.stdout.fileno()
        while True:
            while b"\n" in self._pending:
                line, self._pending = self._pending.split(b"\n", 1)
                stripped = line.strip()
                if stripped.startswith(b'{"end"') or stripped.startswith(b'{"error"'):
                    self._verdict(stripped)
                    return
                out.write(line + b"\n")
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail("did not answer within %g s; it was stopped" % self.timeout)
            ready, _, _ = select.select([fileno], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fileno, 1 << 16)
            if not chunk:
                self._ended_early()
            written += len(chunk)
            if written > self.max_bytes:
                self._fail("wrote more than %d bytes for one scenario; it was stopped"
                           % self.max_bytes)
            self._pending += chunk

    def _verdict(self, line):
        from ..formats.jsonstream import loads
        try:
            message = loads(line.decode("utf-8"))
        except ValueError:                  # FormatError, UnicodeDecodeError
            self._fail("ended an answer with a line that is not JSON: %r" % line[:80])
        if isinstance(message, dict) and message.get("end") is True and len(message) == 1:
            return
        if isinstance(message, dict) and "error" in message:
            raise BackendError("backend %s could not run the scenario: %s"
                               % (_name(self.command), str(message["error"])[:300]))
        self._fail('ended an answer with %r; expected {"end": true}' % line[:80])

    def _ended_early(self):
        try:
            status = self.p.wait(5)
        except subprocess.TimeoutExpired:
            status = None
        self._err.join(1)
        if status is not None and status < 0:
            try:
                how = "was killed by %s" % signal.Signals(-status).name
            except ValueError:
                how = "was killed by signal %d" % -status
        elif status:
            how = "exited with status %d" % status
        else:
            how = "ended"
        self._fail('%s before it answered with {"end": true}' % how)

    def close(self, kill=False):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        if not kill:
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        _kill(self.p)
        for pipe in (self.p.stdout, self.p.stderr):
            try:
                pipe.close()
            except OSError:
                pass
