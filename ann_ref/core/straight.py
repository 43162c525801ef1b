"""The step of a small network of layers written out without a loop: fast_layers.py's
step for one network's widths and number of samples, as Python source compiled once
per shape, every number a local variable and every sum one expression.

A small network's step is mostly the interpreter's work around the arithmetic (loops,
lists, indexing): XOR's 2-2-1 step takes 2.5 µs this way without the time of its 12
exps, 10.3 µs in fast_layers.py's loops (CPython 3.11). The operations and their order
are those of the loops (docs/SPEC.md §9), so are the bits (tests/test_layers_fast.py
proves it): every product rounded, every sum left to right from its first term,
`a + b + c` being Python's ((a + b) + c).

Imported off MicroPython only: on a board, compiling would take heap, and the loops
run. Networks above STRAIGHT_MOST products a step are left to the loops too: their
loops cost less next to their arithmetic, and their source would be long.
"""

STRAIGHT_MOST = 1024                      # samples × Σ inputs·units over the layers
_MADE = {}                                # (widths, samples) → the compiled make()


def stepper(A, x, y, a, otherwise):
    """fast_layers.network_stepper's step off MicroPython: straight_stepper's for the
    shape of the first layers it is given, or otherwise (the loops) where there is
    none."""
    straight = None

    def step(layers):
        nonlocal straight
        if straight is None:
            widths = [len(x)]
            for W, b in layers:
                widths.append(len(b))
            straight = straight_stepper(A, x, y, a, widths, otherwise) or otherwise
        return straight(layers)

    return step


def straight_stepper(A, x, y, a, widths, otherwise):
    """step([(W, b), ...]) for layers of these widths (the inputs' first), which hands
    layers of another shape to otherwise; None above STRAIGHT_MOST."""
    samples = len(x[0])
    products = 0
    for l in range(len(widths) - 1):
        products += widths[l] * widths[l + 1]
    if not 0 < samples * products <= STRAIGHT_MOST:
        return None
    shape = (tuple(widths), samples)
    if shape not in _MADE:
        space = {}
        exec(straight_source(widths, samples), space)
        _MADE[shape] = space["make"]
    return _MADE[shape](x, y, a, A.of(samples), A.one, A.exp, otherwise)


def _names(form, *indices):
    """form filled with the indices given, the last one taking each value of its range,
    joined by commas: _names("w%d_%d", 1, range(3)) → "w1_0, w1_1, w1_2"."""
    *fixed, last = indices
    return ", ".join(form % (tuple(fixed) + (i,)) for i in last)


def straight_source(widths, samples):
    """The source of make(x, y, a, m, one, exp, otherwise) → step, for layers of these
    widths (the inputs' first) and this many samples. Names: s{l}_{k}_{j}, layer l's
    input (s0 is x); y{o}_{j}; w{l}_{k}_{o} and b{l}_{o}, layer l's weights and biases,
    v{l}_{k}_{o} and c{l}_{o} the new ones; e{l}_{o}_{j}, layer l's error."""
    J, L = range(samples), len(widths) - 1
    out = ["def make(x, y, a, m, one, exp, otherwise):"]
    for k in range(widths[0]):
        out.append("    %s, = x[%d]" % (_names("s0_%d_%d", k, J), k))
    for o in range(widths[-1]):
        out.append("    %s, = y[%d]" % (_names("y%d_%d", o, J), o))
    out.append("    def step(layers):")
    out.append("        try:")
    out.append("            %s, = layers" % ", ".join("(W%d, B%d)" % (l, l) for l in range(L)))
    for l in range(L):
        units = range(widths[l + 1])
        rows = ", ".join("(%s,)" % _names("w%d_%d_%d", l, k, units) for k in range(widths[l]))
        out.append("            %s, = W%d" % (rows, l))
        out.append("            %s, = B%d" % (_names("(b%d_%d,)", l, units), l))
    out.append("        except ValueError:              # layers of another shape")
    out.append("            return otherwise(layers)")
    line = "        %s = %s"
    for l in range(L):                    # forward: z over k, then + b; s, or e = s − y
        for o in range(widths[l + 1]):
            for j in J:
                z = " + ".join(["w%d_%d_%d * s%d_%d_%d" % (l, k, o, l, k, j)
                                for k in range(widths[l])] + ["b%d_%d" % (l, o)])
                s = "one / (one + exp(-(%s)))" % z
                if l < L - 1:
                    out.append(line % ("s%d_%d_%d" % (l + 1, o, j), s))
                else:
                    out.append(line % ("e%d_%d_%d" % (l, o, j), "%s - y%d_%d" % (s, o, j)))
    for l in range(L - 1, -1, -1):        # backward, every layer from its old W
        for k in range(widths[l]):        # W − a·(Σ_j s[k][j]·e[o][j] / m)
            for o in range(widths[l + 1]):
                g = " + ".join("s%d_%d_%d * e%d_%d_%d" % (l, k, j, l, o, j) for j in J)
                out.append(line % ("v%d_%d_%d" % (l, k, o),
                                   "w%d_%d_%d - a * ((%s) / m)" % (l, k, o, g)))
        for o in range(widths[l + 1]):    # b − a·(Σ_j e[o][j] / m)
            g = " + ".join("e%d_%d_%d" % (l, o, j) for j in J)
            out.append(line % ("c%d_%d" % (l, o), "b%d_%d - a * ((%s) / m)" % (l, o, g)))
        if l:                             # the error below: (Σ_o W[k][o]·e[o] · s)·(1 − s)
            for k in range(widths[l]):
                for j in J:
                    g = " + ".join("w%d_%d_%d * e%d_%d_%d" % (l, k, o, l, o, j)
                                   for o in range(widths[l + 1]))
                    s = "s%d_%d_%d" % (l, k, j)
                    out.append(line % ("e%d_%d_%d" % (l - 1, k, j),
                                       "(%s) * %s * (one - %s)" % (g, s, s)))
    new = []
    for l in range(L):
        units = range(widths[l + 1])
        W = ", ".join("[%s]" % _names("v%d_%d_%d", l, k, units) for k in range(widths[l]))
        new.append("([%s], [%s])" % (W, _names("[c%d_%d]", l, units)))
    out.append("        return [%s]" % ", ".join(new))
    out.append("    return step")
    return "\n".join(out) + "\n"
