"""`ann-ref train`: train the network and print the final state, in decimal and bits;
along the way, how many samples it gets wrong and its loss; optionally its trace."""
import argparse
import json
from collections import OrderedDict

from .. import __version__
from ..catalogue.document import header_members
from ..core.arithmetic import BINARY64
from ..core.bits import hex_bits
from ..core.datasets import ARTICLE, GATES, X_GATES
from ..core.libm import LIBM
from ..core.model import VARIANTS
from ..core.numbers import shown as quoted
from ..core.training import states
from ..errors import UsageError
from ..formats.atomic import check_target, replacing
from ..formats.writer import number as json_number, scenario_object, write_document
from ..learn import scenario
from ..learn.loss import assess, outputs
from ..learn.show import number as shown
from ..progress import progress
from .options import PROG, count, json_value, matrix, number, positive


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
    p.add_argument("-b", "--b", type=number, metavar="NUMBER",
                   help="initial bias, one number shared by every output (default: 1)")
    p.add_argument("-a", "--learning-rate", type=number, metavar="NUMBER",
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
    try:
        s = scenario.checked(values["name"], values["variant"], values["x"], values["y"],
                             values["W"], values["b"], values["learning_rate"],
                             values["iterations"])
    except (TypeError, ValueError) as e:
        _fail(e)
    if scenario.is_article(s):
        title = "the article's example (AND)"
    return s, title


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
    A = LIBM if args.exp == "libm" else BINARY64
    x, y, n = s["x"], s["y"], s["iterations"]
    every = args.every or (1 if args.json else None)
    if not args.json:
        out.write("ann_ref %s: %s, %s variant, learning rate %r, %d iterations%s\n" % (
            __version__, title, s["variant"], s["learning_rate"], n,
            "; exp from libm, NOT portable" if args.exp == "libm" else ""))
        for line in scenario.describe(s):
            out.write(line + "\n")
    table = Table(s, args.bits, out) if every and not args.json else None
    seen = {"final": (s["W"], s["b"]), "assessed": (None, None)}
    trajectory = states(x, y, s["W"], s["b"], s["learning_rate"], n, s["variant"], A)

    def show(k, W_k, b_k):
        if seen["assessed"][0] is not W_k:          # a repeated state is assessed once
            seen["assessed"] = (W_k, assess(x, y, W_k, b_k, A))
        wrong, loss = seen["assessed"][1]
        if args.json:
            out.write(json_line(k, wrong, loss, W_k, b_k) + "\n")
        else:
            table.row(k, wrong, loss, W_k, b_k)

    def watched(every_state):
        """The states, shown in the table when due. Once an update leaves the state
        unchanged, states() yields the very same objects again, and every later state is
        that one: the rest is yielded only if every_state, and the due rows are shown
        without computing anything."""
        previous = None
        for k, state in enumerate(trajectory):
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
                                              s["learning_rate"], n))
        with replacing(args.trace) as t:
            write_document(t, head, progress(watched(True), n))
    else:
        for _ in watched(False):
            pass
    if not args.json:
        summary(out, s, seen["final"], trajectory.settled, A, args.trace)
    return 0


def summary(out, s, final, last_change, A, trace):
    W, b = final
    n = s["iterations"]
    out.write("after %d iterations:\n" % n)
    for i, row in enumerate(W):
        for o, v in enumerate(row):
            out.write("  W[%d][%d] = %-24r %s\n" % (i, o, v, hex_bits(v)))
    out.write("  b       = %-24r %s\n" % (b, hex_bits(b)))
    y_pred = outputs(s["x"], W, b, A)[1]
    out.write("predictions y_pred = %s, targets y = %s\n" % (_ints(y_pred), _ints(s["y"])))
    if n == 0:
        out.write("no update was made\n")
    elif last_change == n:
        out.write("the state still changed at update %d\n" % n)
    elif last_change == 0:
        out.write("no update changed the state\n")
    else:
        out.write("the state stopped changing after update %d\n" % last_change)
    if trace:
        out.write("trace written to %s\n" % trace)


class Table:
    """The --every table: one row per shown iteration, columns of fixed width so that
    rows line up as they are printed."""

    def __init__(self, s, bits, out):
        self.bits, self.out = bits, out
        self.samples = len(s["y"]) * len(s["y"][0])
        names = ["W[%d][%d]" % (i, o) for i in range(len(s["W"])) for o in range(len(s["W"][0]))]
        self.k_width = max(len("iteration"), len("%d" % s["iterations"]))
        self.wrong_width = max(len("misclassified"), 2 * len("%d" % self.samples) + 1)
        self.width = 16 if bits else 24
        self.write(["iteration".ljust(self.k_width), "misclassified".ljust(self.wrong_width),
                    "loss".ljust(10)] + [name.ljust(self.width) for name in names] + ["b"])

    def write(self, cells):
        self.out.write("  ".join(cells).rstrip() + "\n")

    def row(self, k, wrong, loss, W, b):
        values = [v for r in W for v in r] + [b]
        self.write([("%d" % k).ljust(self.k_width),
                    ("%d/%d" % (wrong, self.samples)).ljust(self.wrong_width),
                    _loss(loss).ljust(10)] +
                   [shown(v, self.bits).ljust(self.width) for v in values])


def _loss(v):
    """Six decimals: the loss uses the C library's log, whose last bits vary."""
    return "%.6f" % v if v == v and v != float("inf") else repr(v)


def json_line(k, wrong, loss, W, b):
    # keys in reading order; the loss rounded as the table rounds it (libm's log)
    return json.dumps(OrderedDict([
        ("iteration", k), ("misclassified", wrong),
        ("loss", json_number(round(loss, 6))),
        ("W", [[json_number(v) for v in r] for r in W]), ("b", json_number(b)),
        ("bits", OrderedDict([("W", [[hex_bits(v) for v in r] for r in W]),
                              ("b", hex_bits(b))]))]))


def _ints(A):
    return "[%s]" % ", ".join("[%s]" % ", ".join("%d" % v for v in row) for row in A)
