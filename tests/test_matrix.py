"""The hand-written matrix operations: shapes, and the order every sum is taken in."""
import struct

import pytest

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


@pytest.mark.parametrize("args, error, message", [
    (([[1, 2]], [[3], [4], [5]]), ValueError, "P has 2 columns but Q has 3 rows"),
    (([[1, 2], [3]], [[1], [2]]), ValueError, "P is ragged: row 0 has 2 entries, row 1 has 1"),
    (([[1]], [[1, 2], [3]]), ValueError, "Q is ragged"),
    (([], [[1]]), ValueError, "P has no rows"),
    (([[]], [[1]]), ValueError, "P"),
    (([[1]], "x"), TypeError, "Q is str, not a matrix"),
    (([[1, "a"]], [[1], [2]]), TypeError, "P[0][1] is 'a' (str), not a real number"),
    (([[True]], [[1]]), TypeError, "P[0][0] is True (bool), not a real number"),
    (([1, 2], [[1], [2]]), TypeError, "P"),
])
def test_dot_refuses_what_is_not_two_matching_matrices(args, error, message):
    # without the check, zip would quietly drop the extra terms: [[1,2]]·[[3],[4],[5]] = [[11]]
    with pytest.raises(error, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        dot(*args)


@pytest.mark.parametrize("M, error, message", [
    ([[1, 2], [3]], ValueError, "is ragged: row 0 has 2 entries, row 1 has 1"),
    ([], ValueError, "has no rows"),
    ("ab", TypeError, "not a matrix"),
    ([[None]], TypeError, "not a real number"),
])
def test_transpose_refuses_what_is_not_a_matrix(M, error, message):
    # without the check, [[1,2],[3]] would transpose to [[1,3]]
    with pytest.raises(error, match=message):
        transpose(M)
