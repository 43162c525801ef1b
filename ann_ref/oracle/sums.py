"""Sums and dot products as other code computes them, each a pure function that gives
the same bits on every machine: what a backend's dW, db or z may be instead of the
contract's one running sum from the first term.

A reducer takes the terms (a list of floats) and gives their sum; a dot takes pairs
(u, v) and gives Σ u·v, for those that fuse products into the sum (FMA). Each is
written from the library's source, named beside it, and checked against the real
library where it is installed (tests/test_sums.py): NumPy's pairwise sum, CPython's
sum(), OpenBLAS's kernels.
"""
from fractions import Fraction

from .arith import INF, fused_multiply_add as fused


# --- sums of terms ---------------------------------------------------------------------

def left_to_right(terms):
    """The contract: ((t0 + t1) + t2) + …, from the first term."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def from_zero(terms):
    """`total = 0.0; for t in terms: total += t`: a sum of −0.0 terms is +0.0."""
    total = 0.0
    for t in terms:
        total = total + t
    return total


def reverse(terms):
    """From the last term to the first."""
    return left_to_right(terms[::-1])


def halves(terms):
    """Pairwise by halves: the first ⌊n/2⌋ summed, the rest summed, then added."""
    n = len(terms)
    if n == 1:
        return terms[0]
    return halves(terms[:n // 2]) + halves(terms[n // 2:])


def numpy_pairwise(terms, start=-0.0):
    """NumPy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src): below 8 terms a
    loop from −0.0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3)) +
    ((r4+r5)+(r6+r7)), then the rest one by one; beyond, two halves cut at a multiple
    of 8. start is the −0.0 of the loop, of the terms' own type (binary32 Singles give
    theirs)."""
    n = len(terms)
    if n < 8:
        total = start
        for t in terms:
            total = total + t
        return total
    if n <= 128:
        r = list(terms[:8])
        i = 8
        while i < n - n % 8:
            r = [r[k] + terms[i + k] for k in range(8)]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for t in terms[i:]:
            total = total + t
        return total
    half = n // 2
    half -= half % 8
    return numpy_pairwise(terms[:half], start) + numpy_pairwise(terms[half:], start)


def numpy_sum(terms):
    """np.sum of a contiguous float64 array, and `.sum(axis=...)` along a contiguous
    row: the reduction's start, +0.0, plus the pairwise sum of every term (so a sum of
    −0.0 is +0.0)."""
    return 0.0 + numpy_pairwise(terms)


def python_sum(terms):
    """CPython 3.12's sum() of floats: Neumaier's compensated summation from 0 (the int
    start), the compensation added at the end where it is finite and nonzero."""
    total = 0 + terms[0]                  # the int 0 plus the first float: −0.0 is lost
    c = 0.0
    for x in terms[1:]:
        t = total + x
        if abs(total) >= abs(x):
            c = c + ((total - t) + x)
        else:
            c = c + ((x - t) + total)
        total = t
    if c and -INF < c < INF:
        total = total + c
    return total


def exact(terms):
    """math.fsum: the exact sum rounded once (inf and NaN as IEEE adds them)."""
    if any(not -INF < t < INF for t in terms):
        return left_to_right(terms)
    total = Fraction(0)
    for t in terms:                      # exactly: every partial sum a rational
        total += Fraction(t)
    return _rounded(total) if total else 0.0     # an exact zero is +0.0


def _rounded(q):
    """The float nearest the rational q (Python rounds an int ratio correctly)."""
    try:
        return q.numerator / q.denominator
    except OverflowError:
        return INF if q > 0 else -INF


REDUCERS = {"left-to-right": left_to_right, "from-zero": from_zero, "reverse": reverse,
            "halves": halves, "numpy": numpy_sum, "numpy-pairwise": numpy_pairwise,
            "python-sum": python_sum, "exact": exact}


# --- dot products --------------------------------------------------------------------

def rounded_products(reduce):
    """A dot product whose products are rounded, then summed by `reduce`."""
    def dot(pairs):
        return reduce([u * v for u, v in pairs])
    return dot


def fma_chain(pairs, start=None):
    """Σ u·v with every product fused into the running sum (a compiler contracting
    `acc + u * v`): from the first product rounded, or fused into `start` (0.0 for a
    BLAS kernel)."""
    if start is None:
        total = pairs[0][0] * pairs[0][1]
        pairs = pairs[1:]
    else:
        total = start
    for u, v in pairs:
        total = fused(u, v, total)
    return total


def gemm(pairs):
    """One entry of a BLAS dgemm (OpenBLAS's Haswell kernels, and SkylakeX's for the
    shapes tests/test_sums.py checks): one accumulator from 0.0, every product fused
    into it in order. SkylakeX's small-matrix kernels take some other shapes in lanes:
    not this."""
    return fma_chain(pairs, 0.0)


def lanes(count):
    """A vectorised dot: `count` running sums from 0.0, each fed by FMA with every
    count-th product, added lane after lane; the products left over fused in after."""
    def dot(pairs):
        acc = [0.0] * count
        n = len(pairs) - len(pairs) % count
        for i in range(n):
            u, v = pairs[i]
            acc[i % count] = fused(u, v, acc[i % count])
        total = left_to_right(acc)
        for u, v in pairs[n:]:
            total = fused(u, v, total)
        return total
    return dot


def ddot_haswell(pairs):
    """OpenBLAS's ddot on AVX2 (kernel/x86_64/ddot.c, ddot_microk_haswell-2.c): the first
    n − n % 16 products fused into four 4-wide registers from 0.0 (product i into
    register (i % 16) // 4, lane i % 4); each register folded to two lanes (its high
    half added to its low half), the registers added (r0 + r1) + (r2 + r3), the two lanes
    added; then the remaining products added one by one, each rounded (`dot += y[i] *
    x[i]`, not contracted in this kernel's build: tests/test_sums.py)."""
    n = len(pairs) - len(pairs) % 16
    total = 0.0
    if n:
        acc = [0.0] * 16
        for i in range(n):
            u, v = pairs[i]
            acc[i % 16] = fused(u, v, acc[i % 16])
        folded = [[acc[4 * r] + acc[4 * r + 2], acc[4 * r + 1] + acc[4 * r + 3]]
                  for r in range(4)]
        low = [folded[0][k] + folded[1][k] for k in range(2)]
        high = [folded[2][k] + folded[3][k] for k in range(2)]
        both = [low[k] + high[k] for k in range(2)]
        total = both[0] + both[1]
    for u, v in pairs[n:]:
        total = total + v * u
    return total


def ddot_skylakex(pairs):
    """OpenBLAS's ddot on AVX-512 (ddot_microk_skylakex-2.c): of the first n1 = n − n %
    16 products, blocks of 32 go into 32 lanes (four 8-wide registers) by FMA from 0,
    each register folded into 4 lanes (low half + high half); the rest of the n1 into
    16 lanes by FMA; the registers added ((r0 + r1) + r2) + r3, the halves of the
    result added, then its two lanes. The last n mod 16 products are fused in one by
    one."""
    n = len(pairs)
    n1 = n - n % 16
    n32 = n1 - n1 % 32
    total = 0.0
    if n1:
        acc = [0.0] * 16
        if n32:
            wide = [0.0] * 32
            for i in range(0, n32, 32):
                wide = [fused(pairs[i + k][0], pairs[i + k][1], wide[k]) for k in range(32)]
            acc = [wide[8 * r + k] + wide[8 * r + 4 + k] for r in range(4) for k in range(4)]
        for i in range(n32, n1, 16):
            acc = [fused(pairs[i + k][0], pairs[i + k][1], acc[k]) for k in range(16)]
        r = [((acc[k] + acc[4 + k]) + acc[8 + k]) + acc[12 + k] for k in range(4)]
        total = (r[0] + r[2]) + (r[1] + r[3])
    for u, v in pairs[n1:]:
        total = fused(v, u, total)
    return total


# --- matrix-vector products (dgemv) ---------------------------------------------------
# Here the order of an entry's sum depends on where the entry is in its result, not only
# on the number of terms: an "indexed dot" takes (pairs, index, count), the pairs of one
# entry and its index among the `count` entries that the same call computes, and gives
# that entry. Written from OpenBLAS's kernel/x86_64/dgemv_n_4.c, dgemv_t_4.c, their
# microkernels and interface/gemv.c, and checked bit for bit against the OpenBLAS 0.3.31
# that NumPy 2.4 bundles (tests/test_sums.py), both kernels forced in turn. One thread:
# OpenBLAS splits a dgemv among threads only from m·n ≥ 460800 (interface/gemv.c), which
# would change which kernel takes which entry; not modelled.

GEMV_NBMAX = 2048          # both kernels' block of rows (NBMAX)


def _first_fused(a0, x0, a1, x1):
    """`a0 * x0 + a1 * x1` as GCC contracts it: fused(a0, x0, a1·x1 rounded)."""
    return fused(a0, x0, a1 * x1)


def dgemv_n(kernel):
    """One entry y[row] of OpenBLAS's dgemv_n (y = A·x, A column-major, `rows` rows),
    from y = +0.0 (interface/gemv.c scales y by beta = 0 first); `pairs` are (A[row][c],
    x[c]) over the columns c, in order. kernel/x86_64/dgemv_n_4.c: the first rows − rows
    mod 4 rows (in blocks of NBMAX) go through microkernels that take the columns four
    at a time, adding each block's sum s to y (y += s·alpha, alpha = 1); then two
    columns, then one (dgemv_kernel_4x1: SSE, rounded product, added). The last rows mod
    4 rows are a C loop, `temp += a·x` from 0.0 over every column, then y += alpha·temp
    (a matrix of fewer than 4 rows, lda = rows, takes the columns four at a time, two
    pairs added to temp at a time).

    kernel "skylakex" (dgemv_n_microk_skylakex-4.c, intrinsics built with
    -march=skylake-avx512, so GCC contracts): s = fused(a3, x3, fused(a2, x2, fused(a0, x0,
    a1·x1))) for four columns, fused(a0, x0, a1·x1) for two; the C loop fused, temp =
    fused(a, x, temp). kernel "haswell" (dgemv_n_microk_haswell-4.c, assembly): s =
    fused(a2, x2, a0·x0) + fused(a3, x3, a1·x1) for four, a0·x0 + a1·x1 for two; the C loop
    is not contracted in that build (dgemv_n_HASWELL has no FMA outside the assembly):
    temp = temp + a·x."""
    contract = kernel == "skylakex"
    if kernel not in ("skylakex", "haswell"):
        raise ValueError("dgemv_n: kernel is 'skylakex' or 'haswell', not %r" % (kernel,))

    def two(a0, x0, a1, x1):
        return _first_fused(a0, x0, a1, x1) if contract else a0 * x0 + a1 * x1

    def dot(pairs, row, rows):
        n = len(pairs)
        tail = rows % 4
        if row < rows - tail:                       # the microkernels
            y = 0.0
            c = 0
            while c + 4 <= n:
                (a0, x0), (a1, x1), (a2, x2), (a3, x3) = pairs[c:c + 4]
                if contract:
                    s = fused(a3, x3, fused(a2, x2, _first_fused(a0, x0, a1, x1)))
                else:
                    s = fused(a2, x2, a0 * x0) + fused(a3, x3, a1 * x1)
                y = y + s
                c += 4
            if n & 2:
                (a0, x0), (a1, x1) = pairs[c:c + 2]
                y = y + two(a0, x0, a1, x1)
                c += 2
            if n & 1:
                a0, x0 = pairs[c]
                y = y + a0 * x0
            return y
        temp = 0.0                                  # the last rows mod 4 rows
        c = 0
        if rows == tail:                            # lda == m3 and inc_x == 1
            while c + 4 <= n:
                (a0, x0), (a1, x1), (a2, x2), (a3, x3) = pairs[c:c + 4]
                temp = temp + two(a0, x0, a1, x1)
                temp = temp + two(a2, x2, a3, x3)
                c += 4
        for a0, x0 in pairs[c:]:
            temp = fused(a0, x0, temp) if contract else temp + a0 * x0
        return 0.0 + temp                           # y (+0.0) += alpha·temp
    return dot


def dgemv_t(pairs, column, columns):
    """One entry y[column] of OpenBLAS's dgemv_t (y = Aᵀ·x, A column-major with
    `columns` columns), from y = +0.0; `pairs` are (A[r][column], x[r]) over the rows r,
    in order. kernel/x86_64/dgemv_t_4.c, the same on Haswell and SkylakeX: the first
    m − m mod 4 of the m rows, in blocks of NBMAX, give each block's sum t, added to y
    (y += t·alpha, alpha = 1). The first columns − columns mod 4 columns go four at a
    time through
    dgemv_t_microk_haswell-4.c: row r's product fused into lane r mod 4 from 0.0 (FMA), t
    = (l0 + l2) + (l1 + l3); then two columns (dgemv_kernel_4x2, SSE: rounded products
    added into lane r mod 2, t = l0 + l1); then one (dgemv_kernel_4x1, SSE: rounded
    products added into lane r mod 4, t = (l0 + l2) + (l1 + l3)). The last m mod 4 rows
    are C, contracted: y = fused(a0, x0, y) for one row; y + fused(a0, x0, a1·x1) for two; y +
    fused(a2, x2, fused(a0, x0, a1·x1)) for three."""
    m = len(pairs)
    tail = m % 4
    body = m - tail
    full = columns - columns % 4
    y = 0.0
    for start in range(0, body, GEMV_NBMAX):
        block = pairs[start:min(start + GEMV_NBMAX, body)]
        if column < full or column >= full + (columns & 2):
            lanes = [0.0] * 4
            for r, (u, v) in enumerate(block):
                if column < full:
                    lanes[r % 4] = fused(u, v, lanes[r % 4])
                else:
                    lanes[r % 4] = lanes[r % 4] + u * v
            t = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        else:
            lanes = [0.0] * 2
            for r, (u, v) in enumerate(block):
                lanes[r % 2] = lanes[r % 2] + u * v
            t = lanes[0] + lanes[1]
        y = y + t
    rest = pairs[body:]
    if tail == 1:
        (a0, x0), = rest
        y = fused(a0, x0, y)
    elif tail == 2:
        (a0, x0), (a1, x1) = rest
        y = y + _first_fused(a0, x0, a1, x1)
    elif tail == 3:
        (a0, x0), (a1, x1), (a2, x2) = rest
        y = y + fused(a2, x2, _first_fused(a0, x0, a1, x1))
    return y


def _ddot(kernel):
    return {"skylakex": ddot_skylakex, "haswell": ddot_haswell}[kernel]


def _daxpy(kernel, u, v, index, count):
    """Entry `index` of OpenBLAS's daxpy y += u·v into y = +0.0 (`count` entries,
    kernel/x86_64/daxpy.c): the first count − count mod 16 by the microkernel's FMA
    (daxpy_microk_haswell-2.c, _skylakex-2.c), the rest by `y[i] += da * x[i]`, which
    the SkylakeX build contracts and the Haswell build does not. The two differ only
    where u·v underflows to −0.0: fused, the sum keeps its sign; rounded first, −0.0 +
    0.0 is +0.0."""
    if kernel == "skylakex" or index < count - count % 16:
        return fused(u, v, 0.0)
    return 0.0 + u * v


def numpy_row_times_matrix(kernel):
    """Entry j of np.dot(r, M), r a 1×F row and M a C-contiguous F×N matrix (z =
    np.dot(W.T, x) with one output): `pairs` are (r[f], M[f][j]), index j, count N.
    numpy/_core/src/common/cblasfuncs.c: a vector times a matrix is cblas_dgemv(RowMajor,
    Trans, F, N, 1.0, M, N, r, 1, 0.0, out, 1), which OpenBLAS's interface/gemv.c swaps
    into column-major dgemv_n with N rows and F columns: entry j is row j. Where a
    dimension is 1: F = 1 makes r a scalar, so daxpy of M's row into the zeroed result;
    N = 1 makes M a column, so ddot (+0.0 plus it: NumPy's DOUBLE_dot); both 1, one
    product."""
    row = dgemv_n(kernel)
    ddot = _ddot(kernel)

    def dot(pairs, index, count):
        if len(pairs) == 1:
            (u, v), = pairs
            return u * v if count == 1 else _daxpy(kernel, u, v, index, count)
        if count == 1:
            return 0.0 + ddot(pairs)
        return row(pairs, index, count)
    return dot


def numpy_matrix_times_column(kernel):
    """Entry f of np.dot(M, c), M a C-contiguous F×N matrix and c an N×1 column (dW =
    np.dot(x, e.T) with one output): `pairs` are (M[f][j], c[j]), index f, count F.
    cblasfuncs.c: a matrix times a vector is cblas_dgemv(RowMajor, NoTrans, F, N, 1.0, M,
    N, c, 1, 0.0, out, 1), column-major dgemv_t with N rows and F columns: entry f is
    column f. N = 1 makes c a scalar (daxpy of M's column into the zeroed result); F = 1
    makes M a row (ddot, +0.0 plus it); both 1, one product."""
    ddot = _ddot(kernel)

    def dot(pairs, index, count):
        if len(pairs) == 1:
            (u, v), = pairs
            return u * v if count == 1 else _daxpy(kernel, u, v, index, count)
        if count == 1:
            return 0.0 + ddot(pairs)
        return dgemv_t(pairs, index, count)
    return dot


DOTS = {"fma": fma_chain, "gemm": gemm, "ddot-haswell": ddot_haswell,
        "ddot-skylakex": ddot_skylakex}
DOTS.update(("lanes-%d" % k, lanes(k)) for k in (2, 4, 8, 16, 32))
