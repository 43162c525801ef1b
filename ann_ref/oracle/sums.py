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

from .arith import INF, fused_multiply_add as fma


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


def numpy_pairwise(terms):
    """NumPy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src): below 8 terms a
    loop from −0.0; up to 128, eight running sums combined as ((r0+r1)+(r2+r3)) +
    ((r4+r5)+(r6+r7)), then the rest one by one; beyond, two halves cut at a multiple
    of 8."""
    n = len(terms)
    if n < 8:
        total = -0.0
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
    return numpy_pairwise(terms[:half]) + numpy_pairwise(terms[half:])


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
    total = sum(Fraction(t) for t in terms)
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
        total = fma(u, v, total)
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
            acc[i % count] = fma(u, v, acc[i % count])
        total = left_to_right(acc)
        for u, v in pairs[n:]:
            total = fma(u, v, total)
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
            acc[i % 16] = fma(u, v, acc[i % 16])
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
                wide = [fma(pairs[i + k][0], pairs[i + k][1], wide[k]) for k in range(32)]
            acc = [wide[8 * r + k] + wide[8 * r + 4 + k] for r in range(4) for k in range(4)]
        for i in range(n32, n1, 16):
            acc = [fma(pairs[i + k][0], pairs[i + k][1], acc[k]) for k in range(16)]
        r = [((acc[k] + acc[4 + k]) + acc[8 + k]) + acc[12 + k] for k in range(4)]
        total = (r[0] + r[2]) + (r[1] + r[3])
    for u, v in pairs[n1:]:
        total = fma(v, u, total)
    return total


DOTS = {"fma": fma_chain, "gemm": gemm, "ddot-haswell": ddot_haswell,
        "ddot-skylakex": ddot_skylakex}
DOTS.update(("lanes-%d" % k, lanes(k)) for k in (2, 4, 8, 16, 32))
