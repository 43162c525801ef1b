"""`ann-ref verify`: a trace, or the output of another implementation, against a golden
file, bit for bit."""
import os

from ..errors import AnnRefError, UsageError
from .options import PROG, count, positive


def add_parser(sub):
    p = sub.add_parser("verify", help="check a trace, or another implementation, against "
                       "a golden file", description="Compare the bits of a trace with a "
                       "golden file. On agreement one line, 'N iterations, all bits equal', "
                       "exit status 0. Otherwise a report (the first divergences with "
                       "expected and obtained values in decimal and bits and their distance "
                       "in ULPs, how many iterations differ, the diverging step recomputed "
                       "from the last agreeing state, and the likely cause), exit status 1. "
                       "Exit status 2 for a file that cannot be read as the format says.")
    p.add_argument("golden", metavar="GOLDEN.json")
    p.add_argument("trace", metavar="TRACE.json", nargs="?",
                   help="the trace to check: the golden format (scenario optional; only "
                   "bits are compared) or JSON lines, each with 'iteration' and 'bits'")
    p.add_argument("--backend", metavar="CMD",
                   help="instead of TRACE, run this command: it gets the scenario file on "
                   "stdin and must write its trace to stdout. Split into words as a shell "
                   "would, run without a shell (use sh -c '...' for pipes)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop the backend after this long (default: 60)")
    p.add_argument("--max-output", type=positive, default=512 * 1024 * 1024,
                   metavar="BYTES", help="stop the backend once it has written this much "
                   "(default: 512 MiB)")
    p.add_argument("--max-ulp", type=count, default=0, metavar="N",
                   help="accept values within N ULPs of the golden ones and report the "
                   "largest distance (default: 0, every bit equal)")
    p.add_argument("--max-lines", type=positive, default=20, metavar="N",
                   help="cap the report at N lines (default: 20)")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    from ..oracle import backend
    from ..oracle.compare import compare
    from ..oracle.diagnose import explain
    if (args.trace is None) == (args.backend is None):
        raise UsageError("%s verify: give either a TRACE file or --backend CMD" % PROG)
    if not args.timeout > 0:
        raise UsageError("%s verify: --timeout must be a positive number of seconds" % PROG)
    trace, label = args.trace, args.trace
    if args.backend is not None:
        label = "the output of backend %r" % args.backend
        try:
            trace = backend.run(args.backend, _scenario_bytes(args.golden), args.timeout,
                                args.max_output)
        except backend.BackendError as e:
            out.write("%s\n" % e)
            return 1
    try:
        report = compare(args.golden, trace, args.max_ulp, trace_label=label,
                         show_progress=True)
    except AnnRefError as e:
        if args.backend is not None:     # name the backend, not a temporary file
            raise AnnRefError(str(e).replace(trace, label, 1))
        raise
    finally:
        if args.backend is not None:
            os.remove(trace)
    if not report.agree:
        explain(report)
    out.write(report.text(args.max_lines))
    return 0 if report.agree else 1


def _scenario_bytes(golden_path):
    """The golden file's scenario, as a scenario file, for a backend's stdin."""
    import io
    from ..formats.reader import GOLDEN
    from ..formats.writer import write_document
    from .run import read_header
    text = io.StringIO()
    write_document(text, read_header(golden_path, GOLDEN)[1])
    return text.getvalue().encode("utf-8")
