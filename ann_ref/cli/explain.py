"""`ann-ref explain`: every number one iteration computes, as a table."""
from ..core.model import THRESHOLD
from ..catalogue.layers import named
from ..errors import UsageError
from ..learn import scenario
from ..learn.run import Run
from ..learn.show import matrix, printed, table, whole
from .options import PROG, positive


def add_parser(sub):
    p = sub.add_parser("explain", help="show every intermediate of one iteration",
                       description="Show every number that iteration K computes, from the "
                       "state before it (state K−1) to the state after it (state K): z, "
                       "exp(−z), s, y_pred, the error, dW, db and the new W and b, for the "
                       "article's example or the scenario of SCENARIO.json.")
    p.add_argument("scenario", metavar="SCENARIO.json", nargs="?",
                   help="a scenario, golden or trace file, or a golden scenario's name "
                   "such as xor (default: the article's example)")
    p.add_argument("-k", "--iteration", type=positive, default=1, metavar="K",
                   help="the iteration to show, 1 for the first update (default: 1)")
    p.add_argument("--bits", action="store_true",
                   help="print the bit pattern of every number instead of its decimal")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    s = scenario.article() if args.scenario is None else (named(args.scenario) or
                                                           scenario.read(args.scenario))
    k = args.iteration
    if k > s["iterations"]:
        raise UsageError("%s explain: --iteration %d, but %s runs %d iterations"
                         % (PROG, k, args.scenario or "the article's example", s["iterations"]))
    if "layers" in s:                        # a network of layers (docs/SPEC.md §9)
        from ..learn.network import explain as explain_network
        lines = explain_network(s, k, args.bits, args.scenario)
    else:
        lines = explain(s, k, args.bits, args.scenario)
    for line in lines:
        out.write(line + "\n")
    return 0


def explain(s, k, bits=False, path=None):
    step = Run(s).step(k)
    W, b = step.W, step.b
    n = lambda v: printed(v, bits)
    title = ("the article's example (AND)" if path is None
             else "scenario %s of %s" % (s["name"], path))
    lines = ["iteration %d of %s, %s variant: from state %d to state %d"
             % (k, title, s["variant"], k - 1, k),
             "  W = %s   b = %s   a = %s   m = %d samples" % (matrix(W, bits), n(b),
                                                             n(s["learning_rate"]), step.m),
             "", "forward propagation, one row per sample j (and output o):",
             "  z = np.dot ( W.T , x ) + b",
             "  s = 1 / ( 1 + np.exp(-z) )",
             "  y_pred = np.array( s >= 0.5, dtype = 'int64' )", ""]
    outputs = len(step.z)
    header = (["j"] + (["o"] if outputs > 1 else []) +
              ["z", "exp(-z)", "s", "y_pred", "y", "error " + step.error_name()])
    # targets and the threshold error are whole numbers: shown as the article shows them
    target = n if bits else whole
    error = target if s["variant"] == THRESHOLD else n
    rows = []
    for j in range(step.m):
        for o in range(outputs):
            rows.append(["%d" % j] + (["%d" % o] if outputs > 1 else []) +
                        [n(step.z[o][j]), n(step.exp_minus_z[o][j]), n(step.s[o][j]),
                         whole(step.y_pred[o][j]), target(s["y"][o][j]), error(step.e[o][j])])
    lines += ["  " + line for line in table(header, rows)]
    lines += ["", "backpropagation:",
              "  dW = np.dot( x, (%s).T ) / m" % step.error_name(),
              "  db = np.sum( %s ) / m" % step.error_name(), ""]
    rows = [["dW[%d][%d]" % (i, o), n(v)] for i, r in enumerate(step.dW) for o, v in enumerate(r)]
    rows.append(["db", n(step.db)])
    lines += ["  " + line for line in table(["", "value"], rows)]
    lines += ["", "update (W = W - a * dW, b = b - a * db), state %d:" % k, ""]
    rows = [["W[%d][%d]" % (i, o), n(W[i][o]), n(step.dW[i][o]), n(v)]
            for i, r in enumerate(step.W_new) for o, v in enumerate(r)]
    rows.append(["b", n(b), n(step.db), n(step.b_new)])
    lines += ["  " + line for line in table(["", "before", "gradient", "after"], rows)]
    return lines
