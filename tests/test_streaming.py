"""Streaming: every layout of a trace reads the same bits, in bounded memory, and an
error early in a large file is reported without reading the rest.

Memory is proved by counting, not timing: the streams here count the bytes the reader
has asked for, and the large documents are made on demand, never held whole."""
import io
import json
import os

import pytest

from ann_ref.errors import FormatError
from ann_ref.formats.jsonstream import CHUNK
from ann_ref.formats.reader import GOLDEN, TRACE, Document
from helpers import GOLDEN as GOLDEN_DIR

NAN = 0x7FF8000000000000


class Counting(io.RawIOBase):
    """A binary stream over pieces of bytes made on demand, counting what was read;
    `most` caps each read (to cut the text anywhere)."""

    def __init__(self, pieces, most=None):
        self.pieces, self.most = iter(pieces), most
        self.pending, self.read_bytes = b"", 0

    def readable(self):
        return True

    def read(self, size=-1):
        want = size if size >= 0 else 1 << 62
        if self.most:
            want = min(want, self.most)
        while len(self.pending) < want:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.pending += piece
        data, self.pending = self.pending[:want], self.pending[want:]
        self.read_bytes += len(data)
        return data


def expected_entries(name):
    """(k, W bits, b bits) of a golden file, by the json module and int()."""
    with open(os.path.join(GOLDEN_DIR, name), encoding="utf-8") as f:
        doc = json.load(f)

    def n(h):
        v = int(h, 16)
        return NAN if (v >> 52) & 0x7FF == 0x7FF and v & (2 ** 52 - 1) else v
    return doc, [(e["iteration"], [[n(h) for h in r] for r in e["bits"]["W"]],
                  n(e["bits"]["b"])) for e in doc["trace"]]


def layouts(doc):
    """The same trace as text, laid out in every way a writer may choose."""
    entries = doc["trace"]
    lines = "".join(json.dumps(e) + "\n" for e in entries)
    bare = {"format": "ann-ref-golden", "version": 1, "trace": entries}
    return {"per line": None, "JSON lines": lines, "one line": json.dumps(doc),
            "one line, compact": json.dumps(bare, separators=(",", ":")),
            "indented": json.dumps(doc, indent=2), "one line, no scenario": json.dumps(bare)}


def read(data, kind=TRACE, most=None):
    stream = Counting([data], most)
    with Document(stream, "t.json", kind) as d:
        return list(d.entries())


@pytest.mark.parametrize("name", ["article.json", "non-finite.json", "negative-zero.json",
                                  "multi-output-logistic.json", "subnormal.json"])
def test_every_layout_reads_the_same_bits(name):
    doc, expected = expected_entries(name)
    with open(os.path.join(GOLDEN_DIR, name), "rb") as f:
        per_line = f.read()
    for layout, text in layouts(doc).items():
        data = per_line if text is None else text.encode("utf-8")
        assert read(data) == expected, layout
    assert read(per_line, GOLDEN) == expected


@pytest.mark.parametrize("most", [1, 2, 3, 7, 16, 17])
def test_text_cut_anywhere_reads_the_same(most):
    """Reads of a few bytes cut every token somewhere: a number ("1.5e|10"), a string,
    a UTF-8 character, a line end. The bits are the same."""
    doc, expected = expected_entries("non-finite.json")
    for layout, text in layouts(doc).items():
        if text is not None:
            assert read(text.encode("utf-8"), most=most) == expected, layout
    scenario = dict(doc["scenario"], learning_rate=1.5e-10)
    scenario.pop("bits")
    text = json.dumps({"format": "ann-ref-golden", "version": 1, "scenario": scenario,
                       "description": "\u00e9t\u00e9 \u2212 \U0001f600"})
    with Document(Counting([text.encode("utf-8")], most), "s.json", "scenario") as d:
        assert d.scenario()["learning_rate"] == 1.5e-10
        assert d.header["description"] == "\u00e9t\u00e9 \u2212 \U0001f600"


ENTRY = ('{"W": [[0.5], [-0.0]], "b": 0.25, "bits": {"W": [["3fe0000000000000"], '
         '["8000000000000000"]], "b": "3fd0000000000000"}, "iteration": %d}')


def one_line_document(count, bad=None):
    """A trace document of `count` entries on ONE line, made piece by piece (entry
    `bad` not JSON), and the offsets at which each entry starts."""
    head = '{"format": "ann-ref-golden", "version": 1, "trace": ['
    starts = []

    def pieces():
        offset = len(head)
        yield head.encode()
        for k in range(count):
            entry = (ENTRY % k) if k != bad else (ENTRY % k)[:-1] + ",}"
            text = (", " if k else "") + entry
            starts.append(offset + (2 if k else 0))
            offset += len(text)
            yield text.encode()
        yield b"]}"
    return pieces(), starts


def test_a_document_on_one_line_streams_in_bounded_memory():
    """20,000 entries (2.8 MB, fifteen times the buffer) on one line: when entry k is
    yielded the reader has asked for at most two reads beyond its start, and the first
    entry comes after one read — the line is never read whole."""
    pieces, starts = one_line_document(20000)
    stream = Counting(pieces)
    with Document(stream, "one-line.json", TRACE) as d:
        entries = d.entries()
        for k, W, b in entries:
            if k == 0:
                assert stream.read_bytes <= CHUNK
            if k % 997 == 0:
                assert stream.read_bytes - starts[k] <= 2 * CHUNK, k
                assert len(d._reader.buf) <= 3 * CHUNK
            assert W == [[0x3FE0000000000000], [0x8000000000000000]]
        assert k == 19999
    assert stream.read_bytes > 2.5 * 10 ** 6


@pytest.mark.parametrize("layout", ["one line", "per line", "JSON lines"])
def test_a_decode_error_at_entry_3_of_a_large_file_stops_there(layout):
    """Entry 3 is not JSON, and 100 MB follow: the error names entry 3, and the reader
    has read no more than its first chunk."""
    count = 600000                                  # about 100 MB
    if layout == "one line":
        pieces, _ = one_line_document(count, bad=3)
        path = "$.trace[3]"
    else:
        def pieces():
            if layout == "per line":
                yield b'{\n"format": "ann-ref-golden",\n"trace": [\n'
            for k in range(count):
                entry = (ENTRY % k) if k != 3 else (ENTRY % k)[:-1] + ",}"
                end = ",\n" if layout == "per line" and k < count - 1 else "\n"
                yield (entry + end).encode()
            if layout == "per line":
                yield b'],\n"version": 1\n}\n'
        pieces = pieces()
        path = "$.trace[3]" if layout == "per line" else "$[3]"
    stream = Counting(pieces)
    with pytest.raises(FormatError) as e:
        with Document(stream, "large.json", TRACE) as d:
            for _ in d.entries():
                pass
    assert str(e.value).startswith("large.json: %s: not JSON" % path)
    assert "\n" not in str(e.value)
    assert stream.read_bytes <= CHUNK


def test_a_string_cut_by_a_read_is_not_an_error():
    """An unterminated string at the end of what has been read only means: read more.
    A 200 kB string in an unknown key of a trace entry is read whole."""
    long = "x" * 200000
    entry = json.loads(ENTRY % 0)
    entry["comment"] = long
    text = json.dumps({"format": "ann-ref-golden", "version": 1, "trace": [entry]})
    assert read(text.encode()) == [(0, [[0x3FE0000000000000], [0x8000000000000000]],
                                    0x3FD0000000000000)]
