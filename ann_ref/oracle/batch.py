"""The whole catalogue in one command: every golden file of a folder against a backend,
in parallel (-j N), with one backend process per worker in batch mode.

Each file gives a Result: its exit status (0 agree, 1 differ, 2 bad file, 3 the backend
failed), one summary line, and the JSON object of its report (or of its error).
"""
import json
import os
import re

from ..errors import AnnRefError, FormatError
from . import backend
from .compare import compare

OK, DIFFER, BAD, FAILED = 0, 1, 2, 3


class Result:
    def __init__(self, name, status, line, obj, report=None):
        self.name, self.status, self.line, self.obj = name, status, line, obj
        self.report = report


def golden_files(folder):
    """The golden files of a folder: those its manifest lists, or else every .json file
    but the manifest and the schema; sorted by name."""
    from ..catalogue.golden import MANIFEST, read_manifest
    if os.path.exists(os.path.join(folder, MANIFEST)):
        names = list(read_manifest(folder))
    else:
        names = [n for n in os.listdir(folder) if n.endswith(".json")
                 and n not in (MANIFEST, "schema.json")
                 and not _other_format(os.path.join(folder, n))]
    return [os.path.join(folder, n) for n in sorted(names)]


def _other_format(path):
    """True for a document that says it is of another format than the golden one (the
    exp table, exp.json): not a golden file, not an error either."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    found = re.search(rb'"format"\s*:\s*"([^"]*)"', head)
    return bool(found) and found.group(1) != b"ann-ref-golden" and \
        found.group(1).startswith(b"ann-ref-")


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
          show_progress=False, lab=None):
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
            return Result(name, FAILED, "%s: backend failed: %s" % (name, reason),
                          {"file": golden_path, "status": FAILED, "error": reason})
        message = str(e).replace(trace_path, label, 1)
        return Result(name, BAD, "%s: bad input: %s" % (name, message),
                      {"file": golden_path, "status": BAD, "error": message})
    if not report.agree:
        from .diagnose import explain   # only for a divergence
        explain(report)
        if lab is not None:
            from .experiment import investigate
            investigate(report, lab, backend.kind_of(lab.command))
    from .report import as_json, short_causes
    obj = as_json(report)
    obj["file"] = golden_path
    if report.agree:
        obj["status"] = OK
        return Result(name, OK, "%s: %s" % (name, report.summary()), obj, report)
    obj["status"] = DIFFER
    verdict = short_causes(report.diagnosis)
    return Result(name, DIFFER, "%s: differs: %s%s" % (name, report.summary(),
                                                      "; " + verdict if verdict else ""),
                  obj, report)


def _failed(golden_path, error):
    name = os.path.basename(golden_path)
    return Result(name, FAILED, "%s: backend failed: %s" % (name, error),
                  {"file": golden_path, "status": FAILED, "error": str(error)})


def _bad(golden_path, error):
    name = os.path.basename(golden_path)
    return Result(name, BAD, "%s: bad input: %s" % (name, error),
                  {"file": golden_path, "status": BAD, "error": str(error)})


def one_file(golden_path, command, timeout, max_output, max_ulp):
    """Run the backend on one golden file's scenario (a process of its own) and judge."""
    try:
        data = scenario_bytes(golden_path)
    except AnnRefError as e:
        return _bad(golden_path, e)
    try:
        trace = backend.run(command, data, timeout, max_output)
    except backend.BackendError as e:
        return _failed(golden_path, e)
    from .experiment import Lab
    lab = Lab(command, False, timeout, max_output)
    try:
        return judge(golden_path, trace, "the output of backend %r" % command, max_ulp,
                     lab=lab)
    finally:
        lab.close()
        os.remove(trace)


def served(paths, command, timeout, max_output, max_ulp):
    """The batch protocol: one backend process answers the scenarios one after another
    (a new one is started after a failure)."""
    results = []
    session = None
    try:
        for path in paths:
            try:
                line = scenario_line(path)
            except AnnRefError as e:
                results.append(_bad(path, e))
                continue
            try:
                if session is None:
                    session = backend.Session(command, timeout, max_output)
                trace = session.trace(line)
            except backend.BackendError as e:
                if session is not None and session.p.poll() is not None:
                    session = None
                results.append(_failed(path, e))
                continue
            from .experiment import Lab
            lab = Lab(command, True, timeout, max_output)
            lab.session = session             # the same process answers the experiments
            try:
                results.append(judge(path, trace, "the output of backend %r" % command,
                                     max_ulp, lab=lab))
            finally:
                session = lab.session
                os.remove(trace)
    finally:
        if session is not None:
            session.close()
    return results


def _served_chunk(args):
    return served(*args)


def _one(args):
    return one_file(*args)


def verify_folder(folder, command, jobs=1, batch=False, timeout=backend.DEFAULT_TIMEOUT,
                  max_output=backend.DEFAULT_MAX_BYTES, max_ulp=0):
    """A Result for every golden file of the folder, in the order of golden_files()."""
    paths = golden_files(folder)
    if not paths:
        raise AnnRefError("%s: no golden files in this folder" % folder)
    jobs = max(1, min(jobs, len(paths)))
    if batch:
        chunks = [paths[i::jobs] for i in range(jobs)]
        work = [(chunk, command, timeout, max_output, max_ulp) for chunk in chunks]
        if jobs == 1:
            found = served(*work[0])
        else:
            with _pool(jobs) as pool:
                found = [r for part in pool.map(_served_chunk, work) for r in part]
        order = {os.path.basename(p): i for i, p in enumerate(paths)}
        return sorted(found, key=lambda r: order[r.name])
    work = [(p, command, timeout, max_output, max_ulp) for p in paths]
    if jobs == 1:
        return [_one(w) for w in work]
    with _pool(jobs) as pool:
        return list(pool.map(_one, work))


def _pool(jobs):
    import concurrent.futures
    import multiprocessing
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:                  # no fork (Windows): threads, the backends still
        return concurrent.futures.ThreadPoolExecutor(jobs)     # run in parallel
    return concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context)


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
