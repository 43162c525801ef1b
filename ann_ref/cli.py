"""The command line: ann-ref train | run | verify | golden.

Bad input of any kind ends in one line on stderr and exit status 2, never a traceback.
"""
import argparse
import json
import os
import signal
import sys

from . import __version__
from .bits import hex_bits
from .checks import problem
from .datasets import ARTICLE, GATES, X_GATES
from .errors import AnnRefError, UsageError
from .libm import sigmoid_libm
from .model import THRESHOLD, VARIANTS, forward, sigmoid
from .training import states

PROG = "ann-ref"
SHOWN_PROBLEMS = 20                       # golden check lists at most this many


class _Parser(argparse.ArgumentParser):
    def error(self, message):             # one line, not argparse's usage block
        raise UsageError("%s: %s" % (self.prog, message))


def _number(text):
    try:
        v = json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a finite number" % text)
    if type(v) not in (int, float) or not -1e308 * 10 < v < 1e308 * 10:
        raise argparse.ArgumentTypeError("%r is not a finite number" % text)
    return v


def _matrix(text):
    """A JSON matrix ([[0.4], [0.2]]), or comma-separated numbers for one column."""
    try:
        v = json.loads(text if text.lstrip().startswith("[") else "[%s]" % text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is neither a JSON matrix nor numbers "
                                         "separated by commas" % text)
    if isinstance(v, list) and v and all(type(e) in (int, float) for e in v):
        v = [[e] for e in v]              # a column: one weight per feature
    return v


def _count(text):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text)
    if n < 0:
        raise argparse.ArgumentTypeError("%r is negative" % text)
    return n


def _positive(text):
    n = _count(text)
    if n == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def build_parser():
    parser = _Parser(prog=PROG, description="The article's neural network in plain Python, "
                     "exact to the bit, and the oracle that checks other implementations.")
    parser.add_argument("--version", action="version", version="ann_ref " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    t = sub.add_parser("train", help="train the network and print the final state",
                       description="Train the network (by default the article's example: "
                       "AND, W = [0.4, 0.2], b = 1, learning rate 0.1, 1000 iterations) "
                       "and print the final W and b in decimal and bits, the predictions, "
                       "and the last update that changed the state.")
    t.add_argument("--dataset", choices=["article"] + sorted(GATES), default="article",
                   help="the data: 'article' is the AND gate with the article's initial "
                   "W and b; the gates use x = [[0,1,0,1],[0,0,1,1]] (default: article)")
    t.add_argument("-W", "--W", type=_matrix, metavar="MATRIX",
                   help="initial weights, features × outputs: a JSON matrix such as "
                   "'[[0.4],[0.2]]' or '0.4,0.2' for one output (default: 0.4,0.2)")
    t.add_argument("-b", "--b", type=_number, metavar="NUMBER",
                   help="initial bias, one number shared by every output (default: 1)")
    t.add_argument("-a", "--learning-rate", type=_number, metavar="NUMBER",
                   help="learning rate a (default: 0.1)")
    t.add_argument("-n", "--iterations", type=_count, metavar="N",
                   help="number of updates (default: 1000)")
    t.add_argument("--variant", choices=VARIANTS, default=THRESHOLD,
                   help="'threshold': the article's error y_pred − y; 'logistic': the "
                   "error s − y, gradient descent on cross-entropy (default: threshold)")
    t.add_argument("--every", type=_positive, metavar="K",
                   help="also print the state at iterations 0, K, 2K, ... and the last")
    t.add_argument("--exp", choices=["exact", "libm"], default="exact",
                   help="'exact': the correctly rounded exp, same bits everywhere; "
                   "'libm': the platform's math.exp, NOT portable: its bits depend on the "
                   "machine's C library (default: exact)")
    t.set_defaults(handler=cmd_train)

    r = sub.add_parser("run", help="run a scenario file and write its golden-format trace",
                       description="Run the scenario of SCENARIO.json with the reference "
                       "and write the whole document, trace included, in the golden format "
                       "(to standard output, or atomically to OUT). The trace is written as "
                       "it is computed, so a run of any length takes little memory.")
    r.add_argument("scenario", metavar="SCENARIO.json")
    r.add_argument("-o", "--output", metavar="OUT.json",
                   help="write here (a temporary file, renamed when complete) instead of "
                   "to standard output")
    r.set_defaults(handler=cmd_run)

    v = sub.add_parser("verify", help="check a trace, or another implementation, against "
                       "a golden file", description="Compare the bits of a trace with a "
                       "golden file. On agreement one line, 'N iterations, all bits equal', "
                       "exit status 0. Otherwise a report (the first divergences with "
                       "expected and obtained values in decimal and bits and their distance "
                       "in ULPs, how many iterations differ, the diverging step recomputed "
                       "from the last agreeing state, and the likely cause), exit status 1. "
                       "Exit status 2 for a file that cannot be read as the format says.")
    v.add_argument("golden", metavar="GOLDEN.json")
    v.add_argument("trace", metavar="TRACE.json", nargs="?",
                   help="the trace to check: the golden format (scenario optional; only "
                   "bits are compared) or JSON lines, each with 'iteration' and 'bits'")
    v.add_argument("--backend", metavar="CMD",
                   help="instead of TRACE, run this command: it gets the scenario file on "
                   "stdin and must write its trace to stdout. Split into words as a shell "
                   "would, run without a shell (use sh -c '...' for pipes)")
    v.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop the backend after this long (default: 60)")
    v.add_argument("--max-output", type=_positive, default=512 * 1024 * 1024,
                   metavar="BYTES", help="stop the backend once it has written this much "
                   "(default: 512 MiB)")
    v.add_argument("--max-ulp", type=_count, default=0, metavar="N",
                   help="accept values within N ULPs of the golden ones and report the "
                   "largest distance (default: 0, every bit equal)")
    v.add_argument("--max-lines", type=_positive, default=20, metavar="N",
                   help="cap the report at N lines (default: 20)")
    v.set_defaults(handler=cmd_verify)

    g = sub.add_parser("golden", help="check or rewrite the golden files",
                       description="'check' regenerates every golden file in memory and "
                       "compares its bytes, and the manifest's SHA-256; 'write' rewrites "
                       "them (each atomically, the manifest last). Review 'git diff golden/' "
                       "before committing a rewrite.")
    g.add_argument("action", choices=["check", "write"])
    g.add_argument("--dir", default=None, metavar="DIR",
                   help="the golden folder (default: golden/ of the checkout ann_ref runs "
                   "from, else ./golden)")
    g.set_defaults(handler=cmd_golden)
    return parser


def cmd_train(args, out):
    W = ARTICLE["W"] if args.W is None else args.W
    b = ARTICLE["b"] if args.b is None else args.b
    a = ARTICLE["learning_rate"] if args.learning_rate is None else args.learning_rate
    n = ARTICLE["iterations"] if args.iterations is None else args.iterations
    y = ARTICLE["y"] if args.dataset == "article" else GATES[args.dataset]
    try:
        x, y, W, b, a, n, variant = problem(X_GATES, y, W, b, a, n, args.variant)
    except (TypeError, ValueError) as e:
        raise UsageError("%s train: %s" % (PROG, e))
    f = sigmoid_libm if args.exp == "libm" else sigmoid

    out.write("ann_ref %s: %s, %s variant, learning rate %r, %d iterations%s\n" % (
        __version__, "the article's example (AND)" if args.dataset == "article"
        else "the %s gate" % args.dataset.upper(), variant, a, n,
        "; exp from libm, NOT portable" if args.exp == "libm" else ""))
    last_change = 0
    previous = None
    for k, (W_k, b_k) in enumerate(states(x, y, W, b, a, n, variant, f)):
        key = _state_bits(W_k, b_k)
        if previous is not None and key != previous:
            last_change = k
        previous = key
        if args.every and (k % args.every == 0 or k == n):
            out.write("iteration %d: %s\n" % (k, _state_line(W_k, b_k)))
        W, b = W_k, b_k
    out.write("after %d iterations:\n" % n)
    for i, row in enumerate(W):
        for o, v in enumerate(row):
            out.write("  W[%d][%d] = %-24r %s\n" % (i, o, v, hex_bits(v)))
    out.write("  b       = %-24r %s\n" % (b, hex_bits(b)))
    y_pred = forward(W, b, x, f)[2]
    out.write("predictions y_pred = %s, targets y = %s\n" % (_ints(y_pred), _ints(y)))
    if n == 0:
        out.write("no update was made\n")
    elif last_change == n:
        out.write("the state still changed at update %d\n" % n)
    elif last_change == 0:
        out.write("no update changed the state\n")
    else:
        out.write("the state stopped changing after update %d\n" % last_change)
    return 0


def cmd_run(args, out):
    from .run import run_file
    run_file(args.scenario, args.output, out)
    return 0


def cmd_golden(args, out):
    from . import golden
    directory = args.dir or golden.default_dir()
    count = len(golden.SCENARIOS)
    if args.action == "write":
        changed = golden.write(directory)
        out.write("%d golden files written to %s; %d changed%s\n" % (
            count, directory, len(changed), (": " + ", ".join(changed)) if changed else ""))
        return 0
    problems = golden.check(directory)
    if not problems:
        out.write("%d golden files, all bytes equal; manifest agrees\n" % count)
        return 0
    for line in problems[:SHOWN_PROBLEMS]:
        out.write(line + "\n")
    if len(problems) > SHOWN_PROBLEMS:
        out.write("... and %d more\n" % (len(problems) - SHOWN_PROBLEMS))
    out.write("%d golden files, %d problems; 'ann-ref golden write' regenerates them\n"
              % (count, len(problems)))
    return 1


def cmd_verify(args, out):
    from . import backend
    from .compare import compare
    from .diagnose import explain
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
    from .fileformat import GOLDEN, write_document
    from .run import read_header
    text = io.StringIO()
    write_document(text, read_header(golden_path, GOLDEN)[1])
    return text.getvalue().encode("utf-8")


def _state_bits(W, b):
    return [hex_bits(v) for row in W for v in row] + [hex_bits(b)]


def _state_line(W, b):
    return "W = %s  b = %r  bits W = %s  b = %s" % (
        W, b, [[hex_bits(v) for v in row] for row in W], hex_bits(b))


def _ints(A):
    return "[%s]" % ", ".join("[%s]" % ", ".join("%d" % v for v in row) for row in A)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)        # unwinds, so temporary files are removed


def main(argv=None, out=None):
    out = out or sys.stdout
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:                    # not the main thread: leave signals alone
        pass
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args, out)
    except UsageError as e:               # already names the command
        sys.stderr.write("%s\n" % e)
        return 2
    except AnnRefError as e:              # names the file and the place in it
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % PROG)
        return 130
    except BrokenPipeError:               # e.g. piped into head
        return 0
