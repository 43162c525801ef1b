"""The hand-written matrix operations: shapes, and the order every sum is taken in."""
import struct

from ann_ref import dot, transpose
from ann_ref.core.matrix import add_bias, total


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def test_transpose_swaps_rows_and_columns():
    assert transpose([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert transpose([[7.0]]) == [[7.0]]


def test_dot_shapes_and_values():
    A = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]       # 3 × 2
    B = [[1.0, 0.0, 2.0, 1.0], [0.0, 1.0, 1.0, 3.0]]  # 2 × 4
    assert dot(A, B) == [[1.0, 2.0, 4.0, 7.0], [3.0, 4.0, 10.0, 15.0], [5.0, 6.0, 16.0, 23.0]]


def test_dot_sums_left_to_right():
    # (1e16 + 1) rounds back to 1e16 (spacing 2 there), then - 1e16 gives 0; a
    # compensated sum (Python 3.12's sum()) or one that cancels the big terms first gives 1
    assert dot([[1e16, 1.0, -1e16]], [[1.0], [1.0], [1.0]]) == [[0.0]]
    assert dot([[1e16, -1e16, 1.0]], [[1.0], [1.0], [1.0]]) == [[1.0]]


def test_dot_starts_from_the_first_term_not_from_zero():
    # -0.0 + -0.0 is -0.0; starting from +0.0 would give +0.0
    (v,), = dot([[-1.0, -2.0]], [[0.0], [0.0]])
    assert bits(v) == bits(-0.0)


def test_total_runs_row_major_left_to_right():
    assert total([[1e16, 1.0], [-1e16, 1.0]]) == 1.0      # ((1e16 + 1) - 1e16) + 1
    assert total([[1.0, 1e16], [1.0, -1e16]]) == 0.0      # each 1.0 is lost to rounding
    assert bits(total([[-0.0], [-0.0]])) == bits(-0.0)


def test_add_bias_broadcasts_one_number_or_a_column():
    assert add_bias([[1.0, 2.0], [3.0, 4.0]], 0.5) == [[1.5, 2.5], [3.5, 4.5]]
    assert add_bias([[1.0, 2.0], [3.0, 4.0]], [[0.5], [-1.0]]) == [[1.5, 2.5], [2.0, 3.0]]
