"""Reading golden, trace and scenario documents as streams: the header first, then the
trace entry by entry, so that a trace of any length is read in constant memory.

A trace comes in one of two shapes: a document (an object with a "trace" array, laid
out in any way, one entry per line or all on one line), or JSON lines (one entry per
line, the first line holding exactly one object with the key "iteration" and no
"trace"). The reader says which kind of document it found (`found`), and a document of
another kind than the one asked for is refused with a WrongKind error saying what it is.
"""
from ..errors import FormatError
from . import validate
from .jsonstream import Reader
from .validate import GOLDEN, NAMES, SCENARIO, TRACE

__all__ = ["GOLDEN", "TRACE", "SCENARIO", "Document", "WrongKind", "open_document"]
# entries checked together: enough for the bulk test to take them at once, few enough
# that their objects (some 8 each) are freed before the cyclic garbage collector's first
# generation fills (700 objects) — 256 made it sweep them twice a group, 15 % of the time
GROUP = 32


class WrongKind(FormatError):
    """A document of another kind than the one asked for: e.g. a trace where a golden
    file is expected (`found` is TRACE, `expected` GOLDEN)."""

    def __init__(self, file, expected, found, why):
        self.expected, self.found = expected, found
        FormatError.__init__(self, "is %s, not %s (%s)" % (NAMES[found], NAMES[expected], why),
                             file, "$")


class Document:
    """A file being read as `kind`: header (every top-level member but the trace),
    then entries() or scenario().

    The members before the trace are read and checked when the document is opened;
    entries() yields (iteration, W bits, b bits), read and checked a small group at a
    time; the members after the trace are checked when it ends. For a scenario, use
    scenario()."""

    def __init__(self, stream, file, kind):
        self.file, self.kind = file, kind
        self.header = {}
        self.lines = False              # a trace in JSON lines
        self._reader = Reader(stream, file)
        self._trace = None              # the trace member's value: elements, streamed
        self._has_trace = self._done = False
        self._members = self._reader.members("$", "trace")
        start = self._reader.peek() and self._reader.line_number()
        given = []
        for key, value in self._members:
            if key == "trace":
                self._trace, self._has_trace = value, True
                break
            given.append((key, value))
        self.found = self._kind_found(given, start)
        if self.lines:
            self._first = dict(given)
            prefix = "$"
        else:
            prefix = "$.trace"
            for key, value in given:
                self._member(key, value)
        self._entries = validate.Entries(file, kind, prefix)
        scenario = self.header.get("scenario")
        if scenario is not None:
            self.layout(scenario)

    def layout(self, scenario):
        """Entries are read as the scenario's: its precision, its layers or W's shape."""
        precision = validate.PRECISIONS[scenario.get("precision", "binary64")]
        if "layers" in scenario:
            self._entries.set_layout(precision, [(len(W), len(W[0]))
                                                 for W, _ in scenario["layers"]])
        else:
            self._entries.set_shape((len(scenario["W"]), len(scenario["W"][0])))
            if precision is not validate.BINARY64:
                self._entries.set_layout(precision, None)

    def _kind_found(self, given, start):
        """Which kind of document this is, from its members up to the trace; WrongKind
        if it is not the kind asked for (a golden file's scenario comes before its
        trace, keys being sorted)."""
        keys = [key for key, _ in given]
        if not self._has_trace and "iteration" in keys and start == 1 and \
                self._reader.line_number() == 1 and self._reader.line_ends_here():
            self.lines = True
            found = TRACE
            why = "JSON lines, one entry per line; it has no scenario"
        elif self._has_trace:
            found = GOLDEN if "scenario" in keys else TRACE
            why = "no scenario comes before its trace"
        else:
            found = SCENARIO if "scenario" in keys else self.kind
            why = "it has no trace"
        wrong = (self.kind == GOLDEN and found != GOLDEN
                 or self.kind == TRACE and found == SCENARIO
                 or self.kind == SCENARIO and self.lines)
        if wrong:
            raise WrongKind(self.file, self.kind, found, why)
        return found

    def _member(self, key, value):
        checked = validate.member(self.kind, key, value, self.file)
        if checked is not validate._MISSING:
            self.header[key] = checked

    def _rest(self):
        """The members after the trace, the end of the text, and what must be there."""
        if self._done:
            return
        self._done = True
        if not self.lines:
            for key, value in self._members:
                self._member(key, value)
        self._reader.end()
        if not self.lines:              # JSON lines have entries only
            validate.finish(self.kind, self.header, self._has_trace, self.file)

    @property
    def shape(self):
        """(features, outputs) of W, once known."""
        return self._entries.shape

    @shape.setter
    def shape(self, shape):
        if shape is not None:
            self._entries.set_shape(shape)

    @property
    def nan_repaired(self):
        """How many non-canonical NaN bit patterns a trace had (made canonical)."""
        return self._entries.repaired[0]

    def expected_iterations(self):
        """The number of entries the scenario announces (for progress), if known yet."""
        scenario = self.header.get("scenario")
        return scenario["iterations"] + 1 if scenario else 0

    def close(self):
        if self._reader.stream is not None:
            self._reader.stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def scenario(self):
        """The checked scenario (a scenario file, or the scenario of any document); the
        trace, if any, is read to its end but not checked."""
        if self._has_trace and hasattr(self._trace, "__next__"):
            for _ in self._trace:       # ignored, but the file must still be JSON
                pass
        self._rest()
        return self.header["scenario"]

    def entries(self):
        """(k, W bits, b bits) for k = 0, 1, ..., checked one by one."""
        if self.lines:
            source = self._reader.lines("$", 1)
        else:
            if not self._has_trace:
                self._rest()            # says what is missing
                raise FormatError("missing key 'trace'", self.file, "$")
            if not hasattr(self._trace, "__next__"):     # the reader streams arrays only
                raise FormatError("the trace must be an array of entries", self.file,
                                  "$.trace")
            source = self._trace
        k = 0
        if self.lines:
            yield self._entries.entry(self._first, 0)
            k = 1
        # entries are checked in groups, which the bulk test takes at once; a group is
        # small (some 5 kB of text), so the trace is still read in constant memory
        many, group = self._entries.many, []
        for value in source:
            group.append(value)
            if len(group) == GROUP:
                yield from many(group, k)
                k += GROUP
                group = []
        yield from many(group, k)
        k += len(group)
        self._rest()
        if k == 0:
            raise FormatError("the trace is empty; it must hold iteration 0 at least",
                              self.file, "$")
        scenario = self.header.get("scenario")
        if scenario is not None and k != scenario["iterations"] + 1:
            raise FormatError("the trace has %d entries; the scenario has %d iterations, "
                              "so it needs %d" % (k, scenario["iterations"],
                                                  scenario["iterations"] + 1),
                              self.file, "$.trace")


def open_document(path, kind):
    """Open a file for reading as a Document; FormatError if it cannot be opened or its
    header is not what the format says."""
    try:
        stream = open(path, "rb")
    except OSError as e:
        raise FormatError("cannot be read: %s" % (e.strerror or e), path)
    except ValueError:                    # a NUL in the name: no file can have it
        raise FormatError("cannot be read: a file name has no NUL character", repr(path))
    try:
        return Document(stream, path, kind)
    except BaseException:
        stream.close()
        raise
