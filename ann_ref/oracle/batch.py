"""The whole catalogue in one command: every golden file of a folder against a backend,
in parallel (-j N), with one backend process per worker in batch mode.

Each file gives a Result, plain data only: its exit status (0 agree, 1 differ, 2 bad
file, 3 the backend failed), one summary line, the JSON object of its report (or of its
error) and the text report. With -j N the files are checked by N worker processes, which
send their Results back; the main process alone decides when they stop: on SIGINT or
SIGTERM it stops the workers, then kills every backend process group they had started,
so that nothing is left running.
"""
import collections
import json
import os
import signal
import sys
import time

from ..errors import AnnRefError, FormatError, InternalError, crash_summary
from . import backend
from .compare import DEFAULT_LINES, compare

OK, DIFFER, BAD, FAILED = 0, 1, 2, 3

Result = collections.namedtuple("Result", "name status line obj text")


def golden_files(folder):
    """The golden files of a folder, sorted by name: those its manifest lists, or else
    the .json files that say they are golden files (format "ann-ref-golden", with a
    scenario and then a trace) — not the exp table, the schemas, traces, scenario files
    or any other JSON."""
    from ..catalogue.golden import MANIFEST, read_manifest
    if os.path.exists(os.path.join(folder, MANIFEST)):
        names = list(read_manifest(folder))
    else:
        names = [n for n in os.listdir(folder) if n.endswith(".json")
                 and _says_golden(os.path.join(folder, n))]
    return [os.path.join(folder, n) for n in sorted(names)]


def _says_golden(path):
    """Whether the document's top-level members, read up to its trace, make it a golden
    file. One that said so and then turned out damaged is one: it is checked, and
    reported as bad input."""
    from ..formats.jsonstream import Reader
    said = scenario = False
    try:
        with open(path, "rb") as f:
            for key, value in Reader(f, path).members("$", "trace"):
                if key == "format":
                    said = value == "ann-ref-golden"
                    if not said:
                        return False
                elif key == "scenario":
                    scenario = True
                elif key == "trace":
                    return said and scenario
    except FormatError:
        return said
    except OSError:
        return False
    return False


def scenario_header(golden_path):
    """The golden file's scenario as the header of a scenario document (what `ann-ref
    run` reads), with its description, flags and notes."""
    from ..catalogue.document import header
    from ..formats.reader import GOLDEN, open_document
    with open_document(golden_path, GOLDEN) as document:
        s = document.scenario()
        given = document.header
    return header(s, given.get("description"), given.get("flags"), given.get("notes"))


def scenario_bytes(golden_path):
    """The scenario document a backend gets on its stdin (the golden file's layout)."""
    import io
    from ..formats.writer import write_document
    text = io.StringIO()
    write_document(text, scenario_header(golden_path))
    return text.getvalue().encode("utf-8")


def scenario_line(golden_path):
    """The same scenario document on one line, for the batch protocol."""
    return json.dumps(scenario_header(golden_path), sort_keys=True, ensure_ascii=False,
                      separators=(", ", ": ")).encode("utf-8")


def judge(golden_path, trace_path, label, max_ulp, backend_output=True, errors=True,
          show_progress=False, max_lines=DEFAULT_LINES, lab=None):
    """Compare and diagnose one file; a Result. A trace that is not a trace is the
    backend's failure (3) when a backend wrote it, bad input (2) otherwise; with
    errors=False, the FormatError is raised instead. With a lab (experiment.Lab: the
    backend, to be run again), a divergence is diagnosed by experiment."""
    name = os.path.basename(golden_path)
    try:
        report = compare(golden_path, trace_path, max_ulp, trace_label=label,
                         show_progress=show_progress)
    except FormatError as e:
        if not errors:
            raise
        if backend_output and e.file == trace_path:
            reason = "wrote something that is not a trace: %s" % str(e).replace(
                trace_path, label, 1)
            return _failed(golden_path, reason)
        return _bad(golden_path, str(e).replace(trace_path, label, 1))
    if not report.agree:
        from .diagnose import explain   # only for a divergence
        explain(report)
        if lab is not None:
            from .experiment import investigate
            investigate(report, lab, backend.kind_of(lab.command))
    from .report import as_json, short_causes, text as report_text
    obj = as_json(report)
    obj["file"] = golden_path
    text = report_text(report, max_lines)
    if report.agree:
        obj["status"] = OK
        return Result(name, OK, "%s: %s" % (name, report.summary()), obj, text)
    obj["status"] = DIFFER
    verdict = short_causes(report.diagnosis)
    return Result(name, DIFFER, "%s: differs: %s%s" % (name, report.summary(),
                                                      "; " + verdict if verdict else ""),
                  obj, text)


def _failed(golden_path, error):
    name = os.path.basename(golden_path)
    line = "%s: backend failed: %s" % (name, error)
    return Result(name, FAILED, line, {"file": golden_path, "status": FAILED,
                                       "error": str(error)}, line + "\n")


def _bad(golden_path, error):
    name = os.path.basename(golden_path)
    line = "%s: bad input: %s" % (name, error)
    return Result(name, BAD, line, {"file": golden_path, "status": BAD, "error": str(error)},
                  line + "\n")


class Checker:
    """Checks golden files one after another against the backend: a process of its own
    for each file, or with batch=True one process that answers them all (a new one is
    started after a failure)."""

    def __init__(self, command, batch=False, timeout=backend.DEFAULT_TIMEOUT,
                 max_output=backend.DEFAULT_MAX_BYTES, max_ulp=0):
        self.command, self.batch = command, batch
        self.timeout, self.max_output, self.max_ulp = timeout, max_output, max_ulp
        self.label = "the output of backend %r" % command
        self.session = None

    def check(self, golden_path):
        """The Result of one golden file."""
        try:
            data = (scenario_line if self.batch else scenario_bytes)(golden_path)
        except AnnRefError as e:
            return _bad(golden_path, e)
        try:
            trace = self._trace(data)
        except backend.BackendError as e:
            return _failed(golden_path, e)
        from .experiment import Lab
        lab = Lab(self.command, self.batch, self.timeout, self.max_output)
        lab.session = self.session            # in a batch, the same process answers them
        try:
            return judge(golden_path, trace, self.label, self.max_ulp, lab=lab)
        finally:
            if self.batch:
                self.session = lab.session
            else:
                lab.close()
            os.remove(trace)

    def _trace(self, data):
        if not self.batch:
            return backend.run(self.command, data, self.timeout, self.max_output)
        try:
            if self.session is None:
                self.session = backend.Session(self.command, self.timeout, self.max_output)
            return self.session.trace(data)
        except backend.BackendError:
            if self.session is not None and self.session.p.poll() is not None:
                self.session = None
            raise

    def close(self, kill=False):
        """End the batch backend: it is given the end of its input, or with kill=True
        (an interruption) killed at once."""
        if self.session is not None:
            session, self.session = self.session, None
            session.close(kill)


def verify_folder(folder, command, jobs=1, batch=False, timeout=backend.DEFAULT_TIMEOUT,
                  max_output=backend.DEFAULT_MAX_BYTES, max_ulp=0):
    """A Result for every golden file of the folder, in the order of golden_files(): the
    same Results whatever the number of jobs."""
    paths = golden_files(folder)
    if not paths:
        raise AnnRefError("%s: no golden files in this folder" % folder)
    settings = (command, batch, timeout, max_output, max_ulp)
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:
        checker = Checker(*settings)
        try:
            results = [checker.check(path) for path in paths]
        except BaseException:
            checker.close(kill=True)
            raise
        checker.close()
        return results
    return _in_parallel(paths, jobs, settings)


# --- -j N: worker processes ----------------------------------------------------------
# A worker gets the index of a file to check, answers ("result", index, Result), and
# asks for nothing else; it tells ("group", id, True/False) each backend process group it
# starts and ends, so that the main process can kill what a stopped worker leaves. A
# crash of the oracle in a worker comes back as ("crash", "Type: message", traceback).
STOP_WAIT = 1.0                 # how long stopped workers get to end by themselves


def _in_parallel(paths, jobs, settings):
    import multiprocessing
    from multiprocessing.connection import wait
    context = multiprocessing.get_context("fork")    # backends need POSIX anyway
    for stream in (sys.stdout, sys.stderr):          # or a worker would write it again
        stream.flush()
    workers, groups = [], set()
    results = [None] * len(paths)
    waiting = collections.deque(range(len(paths)))
    try:
        for _ in range(jobs):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(theirs, paths, settings),
                                      daemon=True)
            workers.append((process, ours))          # known before it exists, and
            _start_deaf(process)                     # started with signals held
            theirs.close()
            ours.send(waiting.popleft())
        live, told_to_end = {conn: process for process, conn in workers}, set()
        while live:                     # until every worker has ended
            for conn in wait(list(live)):
                try:
                    message = conn.recv()
                except EOFError:
                    process = live.pop(conn)
                    if conn not in told_to_end:
                        raise InternalError("a worker process ended unexpectedly (exit "
                                            "status %s)" % _status(process))
                    continue
                if message[0] == "group":
                    (groups.add if message[2] else groups.discard)(message[1])
                elif message[0] == "result":
                    results[message[1]] = Result(*message[2])
                    if waiting:
                        conn.send(waiting.popleft())
                    else:
                        conn.send(None)
                        told_to_end.add(conn)
                else:
                    raise InternalError(message[1], message[2])
    except BaseException:
        _stop(workers, groups)
        raise
    for process, conn in workers:
        process.join()
        conn.close()
    return results


SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _start_deaf(process):
    """Start the worker with SIGINT and SIGTERM blocked, here and in the worker (which
    inherits the mask): one that arrives meanwhile waits until the worker's pid is known,
    so that _stop cannot miss it (it would wait for ever for work, holding our stdout and
    stderr open), and until the worker has set its own handlers (Ctrl-C would otherwise
    end it with a KeyboardInterrupt traceback). The main process of -j has no other
    thread that could take them instead."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _status(process):
    process.join(STOP_WAIT)
    return process.exitcode


def _work(conn, paths, settings):
    """A worker process: check the files it is given until it is given None."""
    signal.signal(signal.SIGINT, _ignore)            # Ctrl-C is for the main process
    signal.signal(signal.SIGTERM, _end)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)   # held since the fork
    backend.watch(lambda group, running: conn.send(("group", group, running)))
    checker = Checker(*settings)
    try:
        while True:
            index = conn.recv()
            if index is None:
                break
            conn.send(("result", index, tuple(checker.check(paths[index]))))
    except Exception as e:
        checker.close(kill=True)
        import traceback
        conn.send(("crash", crash_summary(e), traceback.format_exc()))
        return
    except BaseException:
        checker.close(kill=True)
        raise
    checker.close()


def _ignore(signum, frame):
    pass


def _end(signum, frame):
    raise SystemExit(128 + signum)      # unwinds, so the backend is killed on the way


def _stop(workers, groups):
    """Stop the workers (SIGTERM: each kills its backend as it unwinds), SIGKILL those
    still running after STOP_WAIT (and their children), then every backend process group
    not known to have ended. Further SIGINT and SIGTERM are ignored meanwhile."""
    try:
        held = [(s, signal.signal(s, signal.SIG_IGN)) for s in (signal.SIGINT,
                                                                 signal.SIGTERM)]
    except ValueError:                  # not the main thread
        held = []
    try:
        workers = [(process, conn) for process, conn in workers if process.pid]
        strays = set()
        for process, _ in workers:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT
        for process, conn in workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                strays.update(_halt(process.pid))
                process.kill()
                process.join()
            try:
                while conn.poll():      # what it said while it unwound
                    message = conn.recv()
                    if message[0] == "group":
                        (groups.add if message[2] else groups.discard)(message[1])
            except (EOFError, OSError):
                pass
            conn.close()
        for pid in strays:              # perhaps not yet in a group of its own
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for group in groups | strays:
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    finally:
        for s, handler in held:
            signal.signal(s, handler)


def _halt(pid):
    """Stop a worker that is to be killed (SIGSTOP: it starts nothing more) and return
    its children: the backends it has started, also one it has not told of yet (it was
    between the fork and the message, its signals held). Read from Linux's /proc; none
    found elsewhere."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except (ProcessLookupError, PermissionError):
        return []
    deadline = time.monotonic() + STOP_WAIT
    while _stat(pid)[0] not in ("T", "t", "Z", "X", None) and time.monotonic() < deadline:
        time.sleep(0.005)               # a fork under way ends before it stops
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    return [int(e) for e in entries if e.isdigit() and _stat(int(e))[1] == pid]


def _stat(pid):
    """(state, parent's pid) of the process, from /proc; (None, None) if unknown."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return fields[0].decode("ascii"), int(fields[1])
    except (OSError, IndexError, ValueError):
        return None, None


def totals(results):
    """(exit status, the total line, the counts)."""
    counts = {"agree": 0, "differ": 0, "bad_input": 0, "backend_failed": 0}
    keys = {OK: "agree", DIFFER: "differ", BAD: "bad_input", FAILED: "backend_failed"}
    for r in results:
        counts[keys[r.status]] += 1
    status = max(r.status for r in results)
    line = "%d files: %d agree, %d differ, %d backend failures, %d bad input" % (
        len(results), counts["agree"], counts["differ"], counts["backend_failed"],
        counts["bad_input"])
    return status, line, counts
