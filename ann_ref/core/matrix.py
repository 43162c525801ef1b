"""Matrices as plain lists of rows, and the few operations the network needs.

Every sum runs left to right and starts from its first term, never from 0.0: starting
from 0.0 would turn a sum of -0.0 terms into +0.0, and Python's built-in sum of floats
is compensated since 3.12, so neither would give the bits the spec fixes.
"""


def transpose(A):
    """Aᵀ: rows become columns."""
    return [list(column) for column in zip(*A)]


def dot(A, B):
    """A·B, each entry ((A[i][0]*B[0][j] + A[i][1]*B[1][j]) + ...) rounded per operation."""
    Bt = transpose(B)
    C = []
    for row in A:
        out = []
        for column in Bt:
            total = row[0] * column[0]
            for k in range(1, len(row)):
                total = total + row[k] * column[k]
            out.append(total)
        C.append(out)
    return C


def total(A):
    """Σ of every entry, row by row, left to right: ((A[0][0] + A[0][1]) + ...) + A[1][0] ..."""
    first = True
    for row in A:
        for v in row:
            if first:
                result = v
                first = False
            else:
                result = result + v
    return result


def add_bias(A, b):
    """A + b: b one number added to every entry (the article's shared b, as NumPy
    broadcasts it), or a column, b[o][0] added to every entry of row o."""
    if type(b) is list:
        return [[v + c[0] for v in row] for row, c in zip(A, b)]
    return [[v + b for v in row] for row in A]
