"""What is being trained, as one dict with the names of a scenario file: name, variant,
x, y, W, b, learning_rate, iterations; and the words that describe it to people."""
from ..core.checks import problem
from ..core.datasets import ARTICLE
from ..core.model import THRESHOLD
from ..formats.reader import SCENARIO, open_document
from .show import SMALL, data, integral, integral32, matrix, printed, printed32


def article():
    """The article's example, checked (x, y and W as float matrices, b a float)."""
    return checked("article", THRESHOLD, ARTICLE["x"], ARTICLE["y"], ARTICLE["W"],
                   ARTICLE["b"], ARTICLE["learning_rate"], ARTICLE["iterations"])


def checked(name, variant, x, y, W, b, learning_rate, iterations):
    """The scenario of these inputs; TypeError or ValueError naming what is wrong."""
    x, y, W, b, a, n, variant = problem(x, y, W, b, learning_rate, iterations, variant)
    return {"name": name, "variant": variant, "x": x, "y": y, "W": W, "b": b,
            "learning_rate": a, "iterations": n}


def read(path):
    """The checked scenario of a scenario, golden or trace file; FormatError naming the
    file and the place otherwise."""
    with open_document(path, SCENARIO) as document:
        return document.scenario()


def is_article(s, a=None):
    """Whether s is the article's example (a: the article as s's precision holds it)."""
    a = a or article()
    return all(_same(s[k], a[k]) for k in ("variant", "x", "y", "W", "b", "learning_rate",
                                           "iterations"))


def _same(u, v):
    if isinstance(u, list):
        return len(u) == len(v) and all(_same(p, q) for p, q in zip(u, v))
    if isinstance(u, float):
        return isinstance(v, float) and printed(u, True) == printed(v, True)
    return u == v


def describe(s):
    """Two lines that say exactly what data and initial state are trained: the data in
    full when it is small (else its shape), then W and b."""
    W = s["W"]
    cell = printed32 if s.get("precision") == "binary32" else None     # binary32: 0.4
    shown = matrix(W, cell=cell) if len(W) * len(W[0]) <= SMALL else \
        "%d × %d" % (len(W), len(W[0]))
    whole = integral32 if cell else integral
    return ["  %s, %s" % (data("x", s["x"], whole), data("y", s["y"], whole)),
            "  initial W = %s, b = %s" % (shown, (cell or repr)(s["b"]))]
