"""What `ann-ref train` prints of a run: the --every table (columns that line up as rows
are printed), one JSON line per iteration with --json, and the summary of the final
state; in binary64 or binary32 (8 hex digits, the shortest binary32 decimal)."""
import json
from collections import OrderedDict

from ..core.bits import hex_bits
from ..formats.writer import json_decimal
from .loss import outputs
from .show import printed as shown, printed32


def summary(out, s, final, last_change, A, trace):
    W, b = final
    n = s["iterations"]
    bits = _hex(A)
    out.write("after %d iterations:\n" % n)
    for i, row in enumerate(W):
        for o, v in enumerate(row):
            out.write("  W[%d][%d] = %-24s %s\n" % (i, o, decimal(v, A), bits(v)))
    out.write("  b       = %-24s %s\n" % (decimal(b, A), bits(b)))
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


def _hex(A):
    """The bit pattern of a value: 16 hex digits, 8 in binary32."""
    if A.format == "binary32":
        from ..core.binary32 import hex_bits32
        return hex_bits32
    return hex_bits


def decimal(v, A):
    """The shortest decimal that reads back as v in A's precision (A an Arithmetic or
    its format's name)."""
    name = A if isinstance(A, str) else A.format
    return printed32(v) if name == "binary32" else repr(v)


class Table:
    """The --every table: one row per shown iteration, columns of fixed width so that
    rows line up as they are printed."""

    def __init__(self, s, bits, out, precision="binary64"):
        self.bits, self.out = bits, out
        self.binary32 = precision == "binary32"
        self.samples = len(s["y"]) * len(s["y"][0])
        names = ["W[%d][%d]" % (i, o) for i in range(len(s["W"])) for o in range(len(s["W"][0]))]
        self.k_width = max(len("iteration"), len("%d" % s["iterations"]))
        self.wrong_width = max(len("misclassified"), 2 * len("%d" % self.samples) + 1)
        self.width = (8 if self.binary32 else 16) if bits else 24
        self.write(["iteration".ljust(self.k_width), "misclassified".ljust(self.wrong_width),
                    "loss".ljust(10)] + [name.ljust(self.width) for name in names] + ["b"])

    def write(self, cells):
        self.out.write("  ".join(cells).rstrip() + "\n")

    def row(self, k, wrong, loss, W, b):
        values = [v for r in W for v in r] + [b]
        self.write([("%d" % k).ljust(self.k_width),
                    ("%d/%d" % (wrong, self.samples)).ljust(self.wrong_width),
                    _loss(loss).ljust(10)] +
                   [self.cell(v).ljust(self.width) for v in values])

    def cell(self, v):
        if self.binary32:
            from ..core.binary32 import hex_bits32
            return hex_bits32(v) if self.bits else decimal(v, "binary32")
        return shown(v, self.bits)


def _loss(v):
    """Six decimals: the loss uses the C library's log, whose last bits vary."""
    return "%.6f" % v if v == v and v != float("inf") else repr(v)


def json_line(k, wrong, loss, W, b, precision="binary64"):
    # keys in reading order; the loss rounded as the table rounds it (libm's log)
    bits = hex_bits
    if precision == "binary32":
        from ..core.binary32 import hex_bits32 as bits
    return json.dumps(OrderedDict([
        ("iteration", k), ("misclassified", wrong),
        ("loss", json_decimal(round(loss, 6))),
        ("W", [[json_decimal(v, precision) for v in r] for r in W]),
        ("b", json_decimal(b, precision)),
        ("bits", OrderedDict([("W", [[bits(v) for v in r] for r in W]),
                              ("b", bits(b))]))]))


def _ints(A):
    return "[%s]" % ", ".join("[%s]" % ", ".join("%d" % v for v in row) for row in A)
