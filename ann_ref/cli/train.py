"""`ann-ref train`: train the network and print the final state, in decimal and bits."""
from .. import __version__
from ..core.bits import hex_bits
from ..core.checks import problem
from ..core.datasets import ARTICLE, GATES, X_GATES
from ..core.libm import sigmoid_libm
from ..core.model import THRESHOLD, VARIANTS, forward, sigmoid
from ..core.training import states
from ..errors import UsageError
from .options import PROG, count, matrix, number, positive


def add_parser(sub):
    p = sub.add_parser("train", help="train the network and print the final state",
                       description="Train the network (by default the article's example: "
                       "AND, W = [0.4, 0.2], b = 1, learning rate 0.1, 1000 iterations) "
                       "and print the final W and b in decimal and bits, the predictions, "
                       "and the last update that changed the state.")
    p.add_argument("--dataset", choices=["article"] + sorted(GATES), default="article",
                   help="the data: 'article' is the AND gate with the article's initial "
                   "W and b; the gates use x = [[0,1,0,1],[0,0,1,1]] (default: article)")
    p.add_argument("-W", "--W", type=matrix, metavar="MATRIX",
                   help="initial weights, features × outputs: a JSON matrix such as "
                   "'[[0.4],[0.2]]' or '0.4,0.2' for one output (default: 0.4,0.2)")
    p.add_argument("-b", "--b", type=number, metavar="NUMBER",
                   help="initial bias, one number shared by every output (default: 1)")
    p.add_argument("-a", "--learning-rate", type=number, metavar="NUMBER",
                   help="learning rate a (default: 0.1)")
    p.add_argument("-n", "--iterations", type=count, metavar="N",
                   help="number of updates (default: 1000)")
    p.add_argument("--variant", choices=VARIANTS, default=THRESHOLD,
                   help="'threshold': the article's error y_pred − y; 'logistic': the "
                   "error s − y, gradient descent on cross-entropy (default: threshold)")
    p.add_argument("--every", type=positive, metavar="K",
                   help="also print the state at iterations 0, K, 2K, ... and the last")
    p.add_argument("--exp", choices=["exact", "libm"], default="exact",
                   help="'exact': the correctly rounded exp, same bits everywhere; "
                   "'libm': the platform's math.exp, NOT portable: its bits depend on the "
                   "machine's C library (default: exact)")
    p.set_defaults(handler=run_command)


def run_command(args, out):
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


def _state_bits(W, b):
    return [hex_bits(v) for row in W for v in row] + [hex_bits(b)]


def _state_line(W, b):
    return "W = %s  b = %r  bits W = %s  b = %s" % (
        W, b, [[hex_bits(v) for v in row] for row in W], hex_bits(b))


def _ints(A):
    return "[%s]" % ", ".join("[%s]" % ", ".join("%d" % v for v in row) for row in A)
