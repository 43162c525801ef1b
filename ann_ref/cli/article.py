"""`ann-ref article`: the article, section by section, with every figure it points at
computed — each under the line of the article's code that produces it."""
from ..core.bits import hex_bits
from ..learn import scenario
from ..learn.run import Run
from ..learn.show import matrix, whole


def add_parser(sub):
    p = sub.add_parser("article", help="walk through the article with its figures computed",
                       description="The article's example, section by section: each line "
                       "of the article's code, and under it the value it produces here, "
                       "from the data to the predictions after 1000 iterations.")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    for line in walk():
        out.write(line + "\n")
    return 0


def _code(line, *values):
    return ["    " + line] + ["      → " + v for v in values]


def walk():
    s = scenario.article()
    x, y, a, n = s["x"], s["y"], s["learning_rate"], s["iterations"]
    run = Run(s)
    first = run.step(1)
    W, b = run.state(n)
    settled = run.settled
    y_pred = run.assess(n)[0]
    ints = lambda A: matrix(A, cell=whole)
    wrong = [j for j in range(len(x[0])) if first.y_pred[0][j] != y[0][j]]

    lines = ["Artificial Neural Network: From Scratch in Python — the article's figures, "
             "computed by ann_ref", "",
             "1. The data: each row of x is a feature, each column a sample (the AND gate)", ""]
    lines += _code("x = np.array ([ [ 0, 1, 0, 1 ], [ 0, 0, 1, 1 ] ])", "x = " + ints(x))
    lines += _code("y = np.array ([ [ 0, 0, 0, 1 ] ])", "y = " + ints(y))
    lines += ["", "2. Forward propagation: W is features × outputs, 2 × 1", ""]
    lines += _code("W = np.zeros ( (x.shape[0], y.shape[0]) )", "W = [[0.0], [0.0]]")
    lines += _code("W[0], W[1] = 0.4, 0.2", "W = " + matrix(s["W"]))
    lines += _code("b = 1", "b = %d" % s["b"])
    lines += _code("z = np.dot ( W.T , x ) + b", "z = " + matrix(first.z))
    lines += _code("s = 1 / ( 1 + np.exp(-z) )", "s = " + matrix(first.s))
    lines += _code("s = s >= 0.5", "s = " + matrix(first.s, cell=lambda v: repr(v >= 0.5)))
    lines += _code("y_pred = np.array( s, dtype = 'int64' )", "y_pred = " + ints(first.y_pred))
    lines += ["", "   \"Then our predicted outputs will be,\" y_pred = %s against y = %s: "
              "wrong for sample%s %s" % (ints(first.y_pred), ints(y), "s" * (len(wrong) > 1),
                                         ", ".join("%d" % j for j in wrong)), ""]
    lines += ["3. Backpropagation: the error gradients", ""]
    lines += _code("m = x.shape[1]", "m = %d" % first.m)
    lines += _code("dW = np.dot( x, (y_pred - y).T ) / m",
                   "y_pred - y = " + ints(first.e), "dW = " + matrix(first.dW))
    lines += _code("db = np.sum( y_pred - y ) / m", "db = %r" % first.db)
    lines += ["", "4. The update, with learning rate a = 0.1", ""]
    lines += _code("a = 0.1", "a = %r" % a)
    lines += _code("W = W - a * dW", "W = " + matrix(first.W_new))
    lines += _code("b = b - a * db", "b = %r" % first.b_new)
    lines += ["", "   \"Our updated weights and bias will be,\" W = %s, b = %r"
              % (matrix(first.W_new), first.b_new), ""]
    lines += ["5. %d iterations of forward propagation and backpropagation" % n, ""]
    lines += _code("for i in range (1000) : ...",
                   "W = " + matrix(W) + "   bits " + matrix(W, True),
                   "b = %r   bits %s" % (b, hex_bits(b)))
    lines += ["", "   \"After 1000 iteration our weights and bias are,\" as above; the state "
              "stopped changing after update %d" % settled, ""]
    lines += ["6. The trained network's predictions", ""]
    lines += _code("z = np.dot ( W.T , x ) + b ... y_pred = np.array( s, dtype = 'int64' )",
                   "y_pred = " + ints(y_pred))
    lines += ["", "   \"Using those parameters our predicted outputs are,\" y_pred = %s, "
              "y = %s: %s" % (ints(y_pred), ints(y), "no error" if y_pred == y
                              else "still wrong"),
              "", "Next: `ann-ref explain --iteration K` shows every number of iteration K; "
              "`ann-ref plot -o article.svg` draws the training."]
    return lines
