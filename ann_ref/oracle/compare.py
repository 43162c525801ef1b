"""Comparing a trace with a golden file, bit for bit, and the report that says where
and by how much they differ (in the manner of Berkeley TestFloat).

Both files are read as streams, so a trace of any length is compared in constant
memory; the report keeps only the first divergences, the largest distance, and the
states around the first divergence that the diagnosis needs.
"""
import collections
import os

from .values import show, ulp_distance
from ..errors import FormatError
from ..formats.reader import GOLDEN, TRACE, open_document
from ..progress import progress

DEFAULT_LINES = 20
EVIDENCE_STATES = 2000              # obtained states kept after the first divergence


SIGN_OF_ZERO = "sign-of-zero"
NAN = "NaN against a number"
ZEROS = (0, 0x8000000000000000)


class Divergence:
    """One value of one iteration whose bits differ. kind is "ulps" (a distance in
    ULPs), "sign-of-zero" (+0.0 against −0.0: no distance, a wrong sign) or "nan".
    digits: 16 for binary64 patterns, 8 for binary32."""

    def __init__(self, k, field, expected, obtained, digits=16):
        self.k, self.field, self.expected, self.obtained = k, field, expected, obtained
        self.digits = digits
        sign = 1 << (4 * digits - 1)
        if expected in (0, sign) and obtained in (0, sign):
            self.kind, self.ulps = SIGN_OF_ZERO, None
        else:
            self.ulps = ulp_distance(expected, obtained, digits)
            self.kind = "nan" if self.ulps is None else "ulps"

    def distance(self):
        return _ulps(self.ulps) if self.kind == "ulps" else (
            "sign of zero" if self.kind == SIGN_OF_ZERO else NAN)

    def line(self):
        return "iteration %d, %s: expected %s, obtained %s, %s" % (
            self.k, self.field, show(self.expected, self.digits),
            show(self.obtained, self.digits), self.distance())


def _ulps(n):
    return "%d ULP" % n if n < 10 ** 6 else "%.3g ULP" % n


class Report:
    """What compare() found. agree is the verdict; text() the report for people."""

    def __init__(self, golden, trace, max_ulp=0):
        self.golden, self.trace, self.max_ulp = golden, trace, max_ulp
        self.scenario = None            # the golden file's scenario
        self.compared = 0               # iterations present in both
        self.expected_entries = self.obtained_entries = 0
        self.divergences = []           # the first few, in order
        self.diverging_iterations = 0   # iterations with any bit different
        self.beyond_tolerance = 0       # iterations with a distance above max_ulp
        self.largest = None             # the Divergence with the largest distance
        self.scenario_differences = []  # where the trace's own scenario is not the golden's
        self.nan_repaired = 0
        self.before = None              # (W bits, b bits) of the last iteration before the
        self.expected_state = None      #   first divergence, and the expected and obtained
        self.obtained_state = None      #   states of that iteration
        self.obtained_after = []        # the obtained states after it, for the evidence
        self.agreed = collections.deque(maxlen=EVIDENCE_STATES)   # the states before it
        self.diagnosis = None           # filled by diagnose.explain()

    @property
    def first(self):
        return self.divergences[0] if self.divergences else None

    @property
    def agree(self):
        return (not self.scenario_differences and self.beyond_tolerance == 0
                and self.expected_entries == self.obtained_entries)

    def summary(self):
        n = self.expected_entries
        if self.agree and not self.diverging_iterations:
            return "%d iterations, all bits equal" % n
        if self.agree:
            return ("%d iterations, all within %d ULP (largest: %d ULP, iteration %d, %s)"
                    % (n, self.max_ulp, self.largest.ulps, self.largest.k, self.largest.field))
        parts = []
        if self.diverging_iterations:
            parts.append("%d of %d iterations differ, the first at iteration %d" % (
                self.diverging_iterations, self.compared, self.first.k))
            if self.largest is not None and self.largest.ulps is not None:
                parts.append("largest distance %s (iteration %d, %s)" % (
                    _ulps(self.largest.ulps), self.largest.k, self.largest.field))
            if self.max_ulp:
                parts.append("%d beyond the %d ULP accepted" % (self.beyond_tolerance,
                                                                 self.max_ulp))
        if self.expected_entries != self.obtained_entries:
            parts.append("the trace has %d entries, the golden file %d" % (
                self.obtained_entries, self.expected_entries))
        return "; ".join(parts) if parts else "the trace's scenario is not the golden one"


def _fields(W, b, layered=False):
    if layered:                         # W and b: the layers' matrices, in order
        for l, (W_l, b_l) in enumerate(zip(W, b)):
            for name, M in (("W", W_l), ("b", b_l)):
                for i, row in enumerate(M):
                    for j, n in enumerate(row):
                        yield "layers[%d].%s[%d][%d]" % (l, name, i, j), n
        return
    for i, row in enumerate(W):
        for j, n in enumerate(row):
            yield "W[%d][%d]" % (i, j), n
    yield "b", b


def check_manifest(golden_path):
    """A golden file listed in the manifest beside it must have the manifest's SHA-256:
    otherwise it was altered (or the manifest is stale). FormatError naming it."""
    from ..catalogue.golden import MANIFEST, read_manifest, sha256_of_file
    directory = os.path.dirname(os.path.abspath(golden_path))
    if not os.path.exists(os.path.join(directory, MANIFEST)):
        return
    expected = read_manifest(directory).get(os.path.basename(golden_path))
    if expected is not None and sha256_of_file(golden_path) != expected:
        raise FormatError("its SHA-256 is not the one %s gives: the file was altered, or "
                          "the manifest is stale ('ann-ref golden check' tells which)"
                          % os.path.join(os.path.dirname(golden_path), MANIFEST), golden_path)


def compare(golden_path, trace_path, max_ulp=0, keep=DEFAULT_LINES, trace_label=None,
            show_progress=False):
    """Compare the trace file with the golden file; a Report. FormatError for a file
    that is not what the format says, a trace whose W has another shape than the golden
    file's, or a golden file that its manifest disowns."""
    check_manifest(golden_path)
    report = Report(golden_path, trace_label or trace_path, max_ulp)
    try:
        _compare(report, golden_path, trace_path, keep, show_progress, trace_label)
    except FormatError as e:
        if e.file == golden_path and _swapped(golden_path, trace_path):
            raise FormatError("this is a trace, not a golden file, and %s is a golden file: "
                              "the arguments are swapped; the order is GOLDEN TRACE"
                              % (trace_label or trace_path), golden_path)
        raise
    return report


def _swapped(golden_path, trace_path):
    """True if the golden file given is a trace without a scenario (so no golden file)
    and the trace given is a golden file."""
    try:
        with open_document(golden_path, TRACE) as d:
            next(d.entries(), None)
            if "scenario" in d.header:
                return False
        with open_document(trace_path, GOLDEN) as d:
            d.scenario()
        return True
    except (FormatError, OSError):
        return False


def _compare(report, golden_path, trace_path, keep, show_progress, trace_label):
    with open_document(golden_path, GOLDEN) as golden, \
            open_document(trace_path, TRACE) as trace:
        scenario = golden.header["scenario"]
        precision = scenario.get("precision", "binary64")
        layered, digits = "layers" in scenario, 16 if precision == "binary64" else 8
        theirs = trace.header.get("scenario")
        if theirs is not None and theirs.get("precision", "binary64") != precision:
            raise FormatError("a %s trace, and %s is a %s golden file: run its own scenario"
                              % (theirs.get("precision", "binary64"), golden_path, precision),
                              trace_label or trace_path)
        if theirs is None:
            trace.layout(scenario)      # read as the golden file's layout
        expected = golden.entries()
        if show_progress:
            expected = progress(expected, golden.expected_iterations())
        obtained = _checked_width(trace.entries(), precision, golden_path, trace_path)
        previous = None
        shape_checked = False
        for k, W_e, b_e in expected:
            report.expected_entries += 1
            if trace.shape is None:
                trace.shape = golden.shape
            entry = next(obtained, None)
            if not shape_checked and trace.shape != golden.shape and not layered:
                raise FormatError(
                    "W is %d × %d (features × outputs) here but %d × %d in the golden file "
                    "%s: a trace of another scenario" % (trace.shape + golden.shape
                                                         + (golden_path,)), trace_path)
            shape_checked = True
            if entry is None:
                continue                # the trace ended early: count the golden rest
            report.obtained_entries += 1
            report.compared += 1
            _, W_o, b_o = entry
            if report.diverging_iterations and \
                    len(report.obtained_after) < EVIDENCE_STATES:
                report.obtained_after.append((W_o, b_o))
            if b_e == b_o and W_e == W_o:   # all bits equal: nothing to look at
                previous = (W_e, b_e)
                if not report.diverging_iterations:
                    report.agreed.append(previous)
                continue
            differs = False
            for (field, e), (_, o) in zip(_fields(W_e, b_e, layered),
                                          _fields(W_o, b_o, layered)):
                if e == o:
                    continue
                d = Divergence(k, field, e, o, digits)
                if not differs:
                    report.diverging_iterations += 1
                    differs = True
                    if report.diverging_iterations == 1:
                        report.before = previous
                        report.expected_state = (W_e, b_e)
                        report.obtained_state = (W_o, b_o)
                if d.kind != "ulps" or d.ulps > report.max_ulp:
                    report.beyond_tolerance += 1
                if len(report.divergences) < keep:
                    report.divergences.append(d)
                if d.kind == "ulps" and (report.largest is None or d.ulps > report.largest.ulps):
                    report.largest = d
            previous = (W_e, b_e)
            if not report.diverging_iterations:
                report.agreed.append(previous)
        for _ in obtained:              # the trace went on: count, and check, the rest
            report.obtained_entries += 1
        report.scenario = golden.header["scenario"]
        report.nan_repaired = trace.nan_repaired
        theirs = trace.header.get("scenario")
        if theirs is not None:
            report.scenario_differences = _scenario_differences(report.scenario, theirs)


def _checked_width(entries, precision, golden_path, trace_path):
    """The trace's entries; a FormatError that says so, in one line, when they hold
    bit patterns of the other precision (16 hex digits for a binary32 golden file, or
    8 for a binary64 one)."""
    try:
        for entry in entries:
            yield entry
    except FormatError as e:
        other = {"binary64": ("8", "binary32"), "binary32": ("16", "binary64")}[precision]
        if " is not a bit pattern: " in str(e) and _width(str(e)) == int(other[0]):
            raise FormatError("its bit patterns have %s hex digits: a %s trace, and %s is "
                              "a %s golden file (its scenario %s)"
                              % (other[0], other[1], golden_path, precision,
                                 'says "precision": "binary32"' if precision == "binary32"
                                 else 'has no "precision": binary64'), trace_path)
        raise


def _width(message):
    """The number of hex digits of the quoted pattern a FormatError names."""
    import re
    found = re.search(r'"([0-9a-f]+)" is not a bit pattern', message)
    return len(found.group(1)) if found else 0


def _scenario_differences(ours, theirs):
    """Where the scenario a trace says it ran differs from the golden one, by bits."""
    from ..formats.validate import PRECISIONS
    precision = ours.get("precision", "binary64")
    p = PRECISIONS[precision]
    found = []
    for key in ("variant", "iterations"):
        if ours[key] != theirs[key]:
            found.append("%s is %r, the golden file's is %r" % (key, theirs[key], ours[key]))
    if ("layers" in ours) != ("layers" in theirs):
        return found + ["the trace's network has %s, the golden file's %s" % (
            "layers" if "layers" in theirs else "no layers",
            "layers" if "layers" in ours else "none")]
    matrices = [(key, ours[key], theirs[key]) for key in ("x", "y", "W", "b", "learning_rate")
                if key in ours]
    for l, ((W1, b1), (W2, b2)) in enumerate(zip(ours.get("layers", ()),
                                                 theirs.get("layers", ()))):
        matrices += [("layers[%d].W" % l, W1, W2), ("layers[%d].b" % l, b1, b2)]
    if len(ours.get("layers", ())) != len(theirs.get("layers", ())):
        found.append("the trace's network has %d layers, the golden file's %d"
                     % (len(theirs["layers"]), len(ours["layers"])))
    for key, a, b in matrices:
        if not isinstance(a, list):
            a, b = [[a]], [[b]]
        if [len(r) for r in a] != [len(r) for r in b]:
            found.append("%s has another shape" % key)
            continue
        for i, (ra, rb) in enumerate(zip(a, b)):
            for j, (u, v) in enumerate(zip(ra, rb)):
                if (u == u or v == v) and p.bits_of(u) != p.bits_of(v):
                    where = key if key in ("b", "learning_rate") else "%s[%d][%d]" % (key, i, j)
                    found.append("%s is %s, the golden file's is %s" % (
                        where, show(p.bits_of(v), p.digits), show(p.bits_of(u), p.digits)))
                    break
            else:
                continue
            break
    return found
