"""For Python backend authors: check your states against a golden file in a test.

    from ann_ref.testing import assert_matches_golden
    assert_matches_golden("golden/article.json", my_states)   # [(W, b), ...] for 0..N

W may be any nested sequence of numbers (lists, tuples, NumPy arrays); b a number.
Arguments of the wrong kind give a TypeError or ValueError that says which argument
and which state is wrong.
"""
import io
import os
import tempfile

from .oracle.compare import DEFAULT_LINES, compare
from .formats.validate import FORMAT, VERSION
from .formats.writer import write_document


def compare_states(golden, states, max_ulp=0):
    """A Report comparing states 0..N (or a trace file's path) with a golden file."""
    if not isinstance(golden, (str, os.PathLike)):
        raise TypeError("golden is %r (%s), not the path of a golden file"
                        % (golden, type(golden).__name__))
    if type(max_ulp) is not int or max_ulp < 0:
        raise ValueError("max_ulp is %r; it must be a whole number, 0 or more" % (max_ulp,))
    if isinstance(states, (str, os.PathLike)):
        report = compare(golden, states, max_ulp)
    else:
        checked = _states(states)
        fd, path = tempfile.mkstemp(prefix="ann-ref-states.", suffix=".json")
        try:
            with io.open(fd, "w", encoding="utf-8") as f:
                write_document(f, {"format": FORMAT, "version": VERSION}, checked)
            report = compare(golden, path, max_ulp, trace_label="the states given")
        finally:
            os.remove(path)
    if not report.agree:
        from .oracle.diagnose import explain   # only for a divergence: it loads NumPy
        explain(report)
    return report


def _states(states):
    """The states as (list of rows of floats, float), each checked."""
    try:
        items = list(states)
    except TypeError:
        raise TypeError("states is %r (%s), not a sequence of (W, b) states or the path of "
                        "a trace file" % (states, type(states).__name__))
    if not items:
        raise ValueError("states is empty; it must hold state 0 at least")
    out = []
    for k, state in enumerate(items):
        try:
            W, b = state
        except (TypeError, ValueError):
            raise TypeError("states[%d] is %r, not a pair (W, b)" % (k, state))
        out.append((_matrix(W, "states[%d]: W" % k), _number(b, "states[%d]: b" % k)))
    return out


def _matrix(W, name):
    try:
        rows = [list(row) for row in W]
    except TypeError:
        raise TypeError("%s is %r, not a matrix (a sequence of rows of numbers)" % (name, W))
    if not rows or not rows[0]:
        raise ValueError("%s is empty" % name)
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("%s is ragged: its rows have different lengths" % name)
    return [[_number(v, "%s[%d][%d]" % (name, i, j)) for j, v in enumerate(row)]
            for i, row in enumerate(rows)]


def _number(v, name):
    if isinstance(v, (bool, str, bytes)) or not hasattr(v, "__float__"):
        raise TypeError("%s is %r (%s), not a number" % (name, v, type(v).__name__))
    try:
        return float(v)
    except OverflowError:
        raise ValueError("%s is too large for binary64" % name)


def assert_matches_golden(golden, states, max_ulp=0, max_lines=DEFAULT_LINES):
    """Fail (AssertionError, so pytest shows it) with the report unless the states agree."""
    __tracebackhide__ = True
    if type(max_lines) is not int or max_lines < 1:
        raise ValueError("max_lines is %r; it must be a whole number, 1 or more" % (max_lines,))
    report = compare_states(golden, states, max_ulp)
    if not report.agree:
        from .oracle.report import text
        raise AssertionError(text(report, max_lines))
    return report
