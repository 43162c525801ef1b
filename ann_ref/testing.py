"""For Python backend authors: check your states against a golden file in a test.

    from ann_ref.testing import assert_matches_golden
    assert_matches_golden("golden/article.json", my_states)   # [(W, b), ...] for 0..N

W may be any nested sequence of numbers (lists, tuples, NumPy arrays); b a number.
"""
import io
import os
import tempfile

from .oracle.compare import DEFAULT_LINES, compare
from .oracle.diagnose import explain
from .formats.writer import FORMAT, VERSION, write_document


def compare_states(golden, states, max_ulp=0):
    """A Report comparing states 0..N (or a trace file's path) with a golden file."""
    if isinstance(states, (str, bytes, os.PathLike)):
        report = compare(golden, states, max_ulp)
    else:
        fd, path = tempfile.mkstemp(prefix="ann-ref-states.", suffix=".json")
        try:
            with io.open(fd, "w", encoding="utf-8") as f:
                write_document(f, {"format": FORMAT, "version": VERSION},
                               ((_matrix(W), float(b)) for W, b in states))
            report = compare(golden, path, max_ulp, trace_label="the states given")
        finally:
            os.remove(path)
    if not report.agree:
        explain(report)
    return report


def _matrix(W):
    return [[float(v) for v in row] for row in W]


def assert_matches_golden(golden, states, max_ulp=0, max_lines=DEFAULT_LINES):
    """Fail (AssertionError, so pytest shows it) with the report unless the states agree."""
    __tracebackhide__ = True
    report = compare_states(golden, states, max_ulp)
    if not report.agree:
        raise AssertionError(report.text(max_lines))
    return report
