"""Numbers, matrices and tables as text for people: decimal (repr, the shortest decimal
that gives the float back) or, with bits, the 16-hex-digit bit pattern."""
from ..core.bits import hex_bits

# data with more entries than this is described by its shape, not printed in full
SMALL = 16


def printed(v, bits=False):
    return hex_bits(v) if bits else repr(v)


def printed32(v):
    """A binary32 value (in a float) as the shortest decimal that reads back as it,
    rounded straight to binary32: 0.1, not 0.10000000149011612."""
    if v != v or v in (_INF, -_INF):
        return repr(v)
    from ..formats.writer import json_decimal
    return repr(json_decimal(v, "binary32"))


_INF = float("inf")


def whole(v):
    """A 0/1 prediction or an integral target as the article prints it."""
    return "%d" % v if v == v and v in (0.0, 1.0) else repr(v)


def matrix(A, bits=False, cell=None):
    """[[0.4], [0.2]] as Python would print it, or with bit patterns."""
    cell = cell or (lambda v: printed(v, bits))
    return "[%s]" % ", ".join("[%s]" % ", ".join(cell(v) for v in row) for row in A)


def integral(v):
    """Data as people write it: 2.0 as 2, 0.5 as 0.5."""
    return "%d" % v if v == v and abs(v) < 2.0 ** 53 and v == int(v) else repr(v)


def integral32(v):
    """integral for binary32 values: 0.1 for the binary32 nearest 0.1."""
    return "%d" % v if v == v and abs(v) < 2.0 ** 53 and v == int(v) else printed32(v)


def data(name, A, cell=integral):
    """x = [[0, 1, 0, 1], [0, 0, 1, 1]] when small, else its shape."""
    if len(A) * len(A[0]) <= SMALL:
        return "%s = %s" % (name, matrix(A, cell=cell))
    return "%s: %d × %d" % (name, len(A), len(A[0]))


def table(header, rows):
    """Columns left-aligned, two spaces apart, no trailing spaces."""
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for r in [header] + rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return lines
