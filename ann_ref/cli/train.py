"""`ann-ref train`: train the network and print the final state, in decimal and bits;
along the way, how many samples it gets wrong and its loss; optionally its trace."""
import argparse

from .. import __version__
from ..catalogue.document import header_members
from ..core.arithmetic import BINARY64
from ..core.datasets import ARTICLE, GATES, X_GATES
from ..core.libm import LIBM
from ..core.model import VARIANTS
from ..core.numbers import shown as quoted
from ..core.training import trajectory
from ..errors import UsageError
from ..formats.atomic import check_target, replacing
from ..formats.writer import scenario_object, write_document
from ..learn import scenario
from ..learn.loss import assess
from ..learn.printout import Table, decimal, json_line, summary
from ..progress import progress
from .options import PROG, count, json_value, matrix, number_argument, positive

INF = float("inf")


def add_parser(sub):
    p = sub.add_parser("train", help="train the network and print the final state",
                       description="Train the network — by default the article's example: "
                       "AND, W = [0.4, 0.2], b = 1, learning rate 0.1, 1000 iterations; or "
                       "a gate (--dataset), your own data (--x and --y), or the scenario of "
                       "SCENARIO.json — and print the final W and b in decimal and bits, the "
                       "predictions, and the last update that changed the state. The "
                       "options -W, -b, -a, -n and --variant replace the scenario's values.")
    p.add_argument("scenario", metavar="SCENARIO.json", nargs="?",
                   help="a scenario, golden or trace file to train (instead of --dataset "
                   "or --x/--y)")
    p.add_argument("--dataset", choices=["article"] + sorted(GATES),
                   help="the data: 'article' is the AND gate with the article's initial "
                   "W and b; the gates use x = [[0,1,0,1],[0,0,1,1]] (default: article)")
    p.add_argument("--x", type=json_matrix, metavar="JSON",
                   help="your own inputs, features × samples, e.g. '[[0,1,2],[1,0,1]]'")
    p.add_argument("--y", type=json_matrix, metavar="JSON",
                   help="your own targets, outputs × samples, e.g. '[[0,1,1]]'; with --x, "
                   "W starts at zeros and b at 0 unless -W and -b say otherwise")
    p.add_argument("-W", "--W", type=matrix, metavar="MATRIX",
                   help="initial weights, features × outputs: a JSON matrix such as "
                   "'[[0.4],[0.2]]' or '0.4,0.2' for one output (default: 0.4,0.2)")
    p.add_argument("-b", "--b", type=number_argument, metavar="NUMBER",
                   help="initial bias, one number shared by every output (default: 1)")
    p.add_argument("-a", "--learning-rate", type=number_argument, metavar="NUMBER",
                   help="learning rate a (default: 0.1)")
    p.add_argument("-n", "--iterations", type=count, metavar="N",
                   help="number of updates (default: 1000)")
    p.add_argument("--variant", choices=VARIANTS,
                   help="'threshold': the article's error y_pred − y; 'logistic': the "
                   "error s − y, gradient descent on cross-entropy (default: threshold)")
    p.add_argument("--every", type=positive, metavar="K",
                   help="print a table row at iterations 0, K, 2K, ... and the last: the "
                   "number of misclassified samples, the mean cross-entropy loss, W and b")
    p.add_argument("--bits", action="store_true",
                   help="in the --every table, bit patterns instead of decimals")
    p.add_argument("--json", action="store_true",
                   help="print only JSON lines, one per iteration (or per --every K)")
    p.add_argument("--trace", metavar="OUT.json",
                   help="also write the golden-format document (scenario and every "
                   "state), atomically")
    p.add_argument("--exp", choices=["exact", "libm"], default="exact",
                   help="'exact': the correctly rounded exp, same bits everywhere; "
                   "'libm': the platform's math.exp, NOT portable: its bits depend on the "
                   "machine's C library (default: exact)")
    p.add_argument("--precision", choices=["binary64", "binary32"],
                   help="'binary32': every number a binary32 and every operation rounded "
                   "to binary32, exp correctly rounded to binary32 (docs/SPEC.md §10); "
                   "decimals are rounded straight to binary32 and bits have 8 hex digits "
                   "(default: binary64, or the SCENARIO.json's precision)")
    p.set_defaults(handler=run_command)


def json_matrix(text):
    try:
        return json_value(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s is not a JSON matrix such as [[0, 1], [1, 0]]"
                                         % quoted(text))


def _fail(message):
    raise UsageError("%s train: %s" % (PROG, message))


def chosen(args):
    """(scenario, title): what the command line asks to train, checked."""
    own = args.x is not None or args.y is not None
    if args.scenario is not None and (own or args.dataset):
        _fail("give SCENARIO.json or --dataset or --x/--y, not both")
    if own and args.dataset:
        _fail("give --dataset or --x/--y, not both")
    if own and (args.x is None or args.y is None):
        _fail("--x and --y go together: your data needs both inputs and targets")
    if args.trace and args.exp == "libm":
        _fail("--trace writes the reference's trace; --exp libm is not portable")
    if args.scenario is not None:
        base = scenario.read(args.scenario)
        if args.precision is None:
            args.precision = base.get("precision", "binary64")
        if "layers" in base:
            _fail("%s is a network of layers: 'ann-ref run' writes its trace, 'ann-ref "
                  "explain' and 'ann-ref plot' show it" % args.scenario)
        title = "scenario %s of %s" % (base["name"], args.scenario)
    elif own:
        base = {"name": "your-data", "x": args.x, "y": args.y, "b": 0, "W": _zeros(args)}
        title = "your data (--x, --y)"
    else:
        gate = args.dataset or "article"
        base = {"name": "article" if gate == "article" else "gate-" + gate, "x": X_GATES,
                "y": GATES["and" if gate == "article" else gate], "W": ARTICLE["W"],
                "b": ARTICLE["b"]}
        title = "the %s gate" % ("and" if gate == "article" else gate).upper()
    given = {"W": args.W, "b": args.b, "learning_rate": args.learning_rate,
             "iterations": args.iterations, "variant": args.variant}
    defaults = {"learning_rate": ARTICLE["learning_rate"], "iterations": ARTICLE["iterations"],
                "variant": VARIANTS[0]}
    values = dict(defaults, **base)
    values.update((k, v) for k, v in given.items() if v is not None)
    if args.precision == "binary32":
        if args.exp == "libm":
            _fail("--exp libm is binary64's exp; binary32 computes with exp32, correctly "
                  "rounded to binary32")
        values = _binary32(values)
    try:
        s = scenario.checked(values["name"], values["variant"], values["x"], values["y"],
                             values["W"], values["b"], values["learning_rate"],
                             values["iterations"])
    except (TypeError, ValueError) as e:
        _fail(e)
    if scenario.is_article(s, _binary32(scenario.article()) if args.precision ==
                           "binary32" else None):
        title = "the article's example (AND)"
    if args.precision == "binary32":
        s["precision"] = "binary32"
    return s, title


def _binary32(values):
    """The inputs in binary32 (docs/SPEC.md §10): each number the binary32 nearest its
    decimal, rounded once, straight from the decimal, as C's strtof does — the text the
    command line gave, or the shortest decimal of a binary64 value (a scenario file's,
    the article's defaults). Anything else is left for the checks to name."""
    from ..formats.jsonstream import Decimal
    from ..formats.validate import BINARY32

    def near(v):
        if type(v) is bool or not isinstance(v, (int, float)):
            return v
        if isinstance(v, int):
            return v if abs(v) >= 1 << 1000 else BINARY32.of_decimal(Decimal(str(v)))
        if hasattr(v, "text") or v != v or v in (INF, -INF):
            return BINARY32.of_decimal(v)
        return BINARY32.of_decimal(Decimal(repr(v)))

    def matrix(M):
        if not isinstance(M, list):
            return M
        return [[near(v) for v in row] if isinstance(row, list) else row for row in M]
    out = dict(values)
    for key in ("x", "y", "W"):
        out[key] = matrix(values[key])
    for key in ("b", "learning_rate"):
        out[key] = near(values[key])
    return out


def _zeros(args):
    """Zeros of the shape features × outputs of your data (when --x and --y are matrices)."""
    try:
        return [[0] * len(args.y) for _ in args.x]
    except TypeError:
        return [[0]]                   # the check of x and y names what is wrong


def run_command(args, out):
    if args.bits and args.json:
        _fail("--bits changes the --every table; --json lines always give both the decimals "
              "and the bits")
    if args.bits and not args.every:
        _fail("--bits changes the --every table: give --every K too")
    s, title = chosen(args)
    if args.trace is not None:
        check_target(args.trace)        # before any work, as every command's output
    precision = s.get("precision", "binary64")
    A = LIBM if args.exp == "libm" else BINARY64
    if precision == "binary32":
        from ..core.single import FLOATS32
        A = FLOATS32                    # binary32 values in floats, each result rounded
    x, y, n = s["x"], s["y"], s["iterations"]
    every = args.every or (1 if args.json else None)
    if not args.json:
        out.write("ann_ref %s: %s, %s variant, learning rate %s, %d iterations%s%s\n" % (
            __version__, title, s["variant"], decimal(s["learning_rate"], precision), n,
            ", in binary32" if precision == "binary32" else "",
            "; exp from libm, NOT portable" if args.exp == "libm" else ""))
        for line in scenario.describe(s):
            out.write(line + "\n")
    table = Table(s, args.bits, out, precision) if every and not args.json else None
    seen = {"final": (s["W"], s["b"]), "assessed": (None, None)}
    run = trajectory(x, y, s["W"], s["b"], s["learning_rate"], n, s["variant"], A)

    def show(k, W_k, b_k):
        if seen["assessed"][0] is not W_k:          # a repeated state is assessed once
            seen["assessed"] = (W_k, assess(x, y, W_k, b_k, A))
        wrong, loss = seen["assessed"][1]
        if args.json:
            out.write(json_line(k, wrong, loss, W_k, b_k, precision) + "\n")
        else:
            table.row(k, wrong, loss, W_k, b_k)

    def watched(every_state):
        """The states, shown in the table when due. Once an update leaves the state
        unchanged, trajectory() yields the very same objects again, and every later state is
        that one: the rest is yielded only if every_state, and the due rows are shown
        without computing anything."""
        previous = None
        for k, state in enumerate(run):
            if previous is not None and state[0] is previous[0] and state[1] is previous[1]:
                if every_state:
                    for j in range(k, n + 1):
                        if every and (j % every == 0 or j == n):
                            show(j, *state)
                        yield state
                elif every:
                    for j in range(-(-k // every) * every, n + 1, every):
                        show(j, *state)
                    if n % every:
                        show(n, *state)
                return
            previous = seen["final"] = state
            if every and (k % every == 0 or k == n):
                show(k, *state)
            yield state

    if args.trace is not None:
        head = header_members(scenario_object(s["name"], s["variant"], x, y, s["W"], s["b"],
                                              s["learning_rate"], n, precision))
        with replacing(args.trace) as t:
            write_document(t, head, progress(watched(True), n))
    else:
        for _ in watched(False):
            pass
    if not args.json:
        summary(out, s, seen["final"], run.settled, A, args.trace)
    return 0
