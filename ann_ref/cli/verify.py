"""`ann-ref verify`: a trace, or the output of another implementation, against a golden
file — or every golden file of a folder — bit for bit."""
import json
import os
import sys

from ..errors import AnnRefError, FormatError, UsageError
from .options import PROG, count, positive

EXIT_STATUSES = ("Exit status: 0 every bit agrees (or is within --max-ulp); 1 the trace "
                 "differs; 2 bad input or usage (a file that is not what the format says, "
                 "a trace of another shape, a bad option); 3 the backend failed (did not "
                 "start, crashed, timed out, exceeded its output limit, or wrote something "
                 "that is not a trace), with the reason on stderr. For a folder, the "
                 "largest status of its files.")


def add_parser(sub):
    p = sub.add_parser(
        "verify", help="check a trace, or another implementation, against a golden file "
        "or a folder of them",
        description="Compare the bits of a trace with a golden file. On agreement one "
        "line, 'N iterations, all bits equal'. Otherwise a report: the first divergences "
        "(expected and obtained values in decimal and bits, their distance in ULPs or "
        "'sign of zero'), how many iterations differ, the diverging step recomputed from "
        "the last agreeing state, and every modelled cause consistent with it, ranked by "
        "how many iterations each reproduces. With a folder instead of GOLDEN.json, every "
        "golden file in it is checked against --backend, one line per file and a total. "
        + EXIT_STATUSES)
    p.add_argument("golden", metavar="GOLDEN.json", nargs="?",
                   help="a golden file, or a folder of them (then --backend is needed); "
                   "with --backend and no GOLDEN.json, the catalogue: golden/ of the "
                   "checkout, or the one installed with the package")
    p.add_argument("trace", metavar="TRACE.json", nargs="?",
                   help="the trace to check: the golden format (scenario optional; only "
                   "bits are compared) or JSON lines, each with 'iteration' and 'bits'")
    p.add_argument("--backend", metavar="CMD",
                   help="instead of TRACE, run this command: it gets the scenario file on "
                   "stdin and must write its trace to stdout. Split into words as a shell "
                   "would, run without a shell (use sh -c '...' for pipes)")
    p.add_argument("--batch", action="store_true",
                   help="start the backend once and give it one scenario per line on "
                   "stdin; it answers each with its trace as JSON lines followed by the "
                   "line {\"end\": true} (golden/README.md, 'Checking the whole catalogue')")
    p.add_argument("-j", "--jobs", type=positive, metavar="N",
                   help="with a folder: check N files at a time (N backend processes)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of the report (for bad input too: "
                   "{\"error\": ...}, with the same exit status)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="stop the backend after this long, per scenario (default: 60)")
    p.add_argument("--max-output", type=positive,
                   metavar="BYTES", help="stop the backend once it has written this much "
                   "for one scenario (default: 512 MiB)")
    p.add_argument("--max-ulp", type=count, default=0, metavar="N",
                   help="accept values within N ULPs of the golden ones and report the "
                   "largest distance; a wrong sign of zero is never accepted (default: 0, "
                   "every bit equal)")
    p.add_argument("--max-lines", type=positive, metavar="N",
                   help="at most N lines of report (default: 20); every consistent cause "
                   "is kept, in one line if need be")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    try:
        return _run(args, out)
    except _BackendFailed as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        if args.json:
            _json(out, {"error": str(e), "status": 3})
        return 3
    except AnnRefError as e:
        if not args.json:
            raise
        message = str(e) if isinstance(e, UsageError) else "%s: %s" % (PROG, e)
        sys.stderr.write("%s\n" % message)
        _json(out, {"error": message, "status": 2})
        return 2


class _BackendFailed(AnnRefError):
    """The backend did not give a trace (exit status 3)."""


def _other_precision(reason):
    """(the trace's precision, its digits, the golden file's) when the FormatError's
    reason is a trace of the other precision (oracle/compare.py), else None."""
    for theirs, digits, ours in (("binary64", 16, "binary32"), ("binary32", 8, "binary64")):
        if "a %s trace, and " % theirs in reason and "a %s golden file" % ours in reason:
            return theirs, digits, ours
    return None


def _json(out, obj):
    out.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")


def _fail(message):
    raise UsageError("%s verify: %s" % (PROG, message))


def _options(args, folder):
    """Refuse an option that would do nothing here, in one line; then fill in the
    defaults."""
    from ..oracle import backend
    from ..oracle.compare import DEFAULT_LINES
    if args.backend is None:
        for given, name in ((args.batch, "--batch"), (args.jobs, "-j"),
                            (args.timeout, "--timeout"), (args.max_output, "--max-output")):
            if given:
                _fail("%s is for a backend: it does nothing without --backend CMD" % name)
    if args.jobs is not None and not folder:
        _fail("-j checks the files of a folder in parallel; give a folder of golden files")
    if args.max_lines is not None and (args.json or folder):
        _fail("--max-lines caps the report of one file in text; it does nothing with %s"
              % ("--json" if args.json else "a folder (one line per file)"))
    if args.timeout is not None and not args.timeout > 0:
        _fail("--timeout must be a positive number of seconds")
    args.jobs = args.jobs or 1
    args.timeout = backend.DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    args.max_output = args.max_output or backend.DEFAULT_MAX_BYTES
    args.max_lines = args.max_lines or DEFAULT_LINES


def _run(args, out):
    from ..oracle import backend
    from ..oracle.batch import judge, scenario_bytes, totals, verify_folder
    if args.golden is None:
        if args.backend is None:
            raise UsageError("%s verify: give a GOLDEN.json file and a TRACE.json, or "
                             "--backend CMD (then the whole catalogue is checked)" % PROG)
        from ..catalogue.golden import default_dir
        args.golden = default_dir()
    folder = os.path.isdir(args.golden)
    _options(args, folder)
    if folder:
        if args.backend is None or args.trace is not None:
            raise UsageError("%s verify: a folder of golden files is checked against "
                             "--backend CMD (and no TRACE)" % PROG)
        results = verify_folder(args.golden, args.backend, args.jobs, args.batch,
                                args.timeout, args.max_output, args.max_ulp)
        status, line, counts = totals(results)
        if args.json:
            _json(out, dict(counts, status=status, folder=args.golden,
                            files=[r.obj for r in results]))
        else:
            for r in results:
                out.write(r.line + "\n")
            out.write(line + "\n")
        for r in results:
            if r.status == 3:
                sys.stderr.write("%s: %s\n" % (PROG, r.line))
        return status
    if (args.trace is None) == (args.backend is None):
        raise UsageError("%s verify: give either a TRACE file or --backend CMD" % PROG)
    trace, label = args.trace, args.trace
    if args.backend is not None:
        label = "the output of backend %r" % args.backend
        data = scenario_bytes(args.golden)
        try:
            if args.batch:
                from ..oracle.batch import scenario_line
                session = backend.Session(args.backend, args.timeout, args.max_output)
                try:
                    trace = session.trace(scenario_line(args.golden))
                except BaseException:
                    session.close(kill=True)
                    raise
                session.close()
            else:
                trace = backend.run(args.backend, data, args.timeout, args.max_output)
        except backend.BackendError as e:
            raise _BackendFailed(str(e))
    lab = None
    if args.backend is not None:
        from ..oracle.experiment import Lab
        lab = Lab(args.backend, args.batch, args.timeout, args.max_output)
    try:
        result = judge(args.golden, trace, label, args.max_ulp, errors=False,
                       show_progress=not args.json, max_lines=args.max_lines, lab=lab)
    except FormatError as e:
        if args.backend is None:
            raise
        message = str(e).replace(trace, label, 1)      # name the backend, not a temporary file
        other = _other_precision(e.reason) if e.file == trace else None
        if other is not None:
            raise _BackendFailed("backend %r answered in %s (bit patterns of %d hex digits) "
                                 "for %s, a %s golden file: it does not follow the "
                                 "scenario's \"precision\"" % (args.backend, other[0],
                                                                 other[1], args.golden,
                                                                 other[2]))
        if e.file == trace:
            raise _BackendFailed("backend %r wrote something that is not a trace: %s"
                                 % (args.backend, message))
        raise AnnRefError(message)
    finally:
        if lab is not None:
            lab.close()
        if args.backend is not None:
            os.remove(trace)
    if args.json:
        _json(out, result.obj)
    else:
        out.write(result.text)
    return result.status
