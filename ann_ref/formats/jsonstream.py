"""Strict JSON, read as a stream: the values of one top-level object, key by key, with
the array under one chosen key ("trace") handed over element by element.

It reads standard JSON (RFC 8259) only: no NaN or Infinity tokens, no duplicate keys,
no integer of more than MAX_DIGITS digits, UTF-8 without BOM. A number too large for
binary64 is read as inf, which only a JSON number that overflows can produce: the
format's checks refuse it where a number is used. Each element is parsed by the
standard library's decoder, so the semantics are exactly JSON's; only the top level is
walked here, which is what lets a trace of a million iterations be checked in constant
memory. The text is read CHUNK bytes at a time and only what is not yet consumed is
kept, so a document all on one line takes no more memory than one laid out line by
line; an element is read whole however long it is. A value that does not decode is
read further only if the error may come from the end of what has been read (a token
cut in two): an error earlier in the text is reported at once, the rest left unread.
Every error is a FormatError naming the file, the JSON path and the line.

Nesting is limited to MAX_DEPTH arrays and objects inside each other, counted from the
top-level value, and checked here on the text before a value that could pass the limit
is decoded: so a document is refused, or read, the same way on every interpreter,
whatever its recursion limit or its decoder (CPython's C one, PyPy's in Python).
"""
import codecs
import json
import re

from ..errors import FormatError

CHUNK = 1 << 16
_SPACES = re.compile("[ \t\n\r]*").match
_BLANKS = re.compile("[ \t\r]*").match
_LONGEST_TOKEN = 16         # "-Infinity", "\\uXXXX", "1e+": what a cut may leave unfinished
MAX_DIGITS = 400                        # an integer longer than this is nobody's data
MAX_DEPTH = 64                          # a golden file nests 6 deep


class _Reject(Exception):
    """Raised by the decoder hooks; turned into a FormatError with the place."""


def _constant(token):
    raise _Reject("the token %s is not standard JSON (write non-finite values as their "
                  "bits, with the string \"inf\", \"-inf\" or \"nan\" as the decimal)" % token)


def _int(text):
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Reject("an integer of %d digits is too large" % len(text.lstrip("-")))
    return int(text)


def _object(pairs):
    d = dict(pairs)
    if len(d) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _Reject("duplicate key %r" % _short(key))
            seen.add(key)
    return d


def _short(text):
    return text if len(text) <= 40 else text[:37] + "..."


class Decimal(float):
    """A JSON number as the float nearest it, that also keeps its text: where a number
    must be rounded to another precision than binary64 (a binary32 scenario), it is
    rounded once, from the text, not twice through binary64."""
    __slots__ = ("text",)

    def __new__(cls, text):
        v = float.__new__(cls, text)
        v.text = text
        return v


DECODER = json.JSONDecoder(parse_int=_int, parse_constant=_constant,
                           object_pairs_hook=_object)
# the scenario's numbers keep their text (scenarios are small; traces use DECODER)
EXACT = json.JSONDecoder(parse_int=_int, parse_float=Decimal, parse_constant=_constant,
                         object_pairs_hook=_object)
_decode = DECODER.raw_decode
_scan = DECODER.scan_once               # raw_decode without its wrapper: the C scanner
_AFTER_ELEMENT = re.compile("[ \t\n\r]*([,\\]])").match
# what nesting depends on: brackets, and strings (skipped whole; group 1 is the closing
# quote, absent when the string runs past the end of what has been read)
_NESTING = re.compile(r'[\[{\]}]|"[^"\\]*(?:\\[\s\S][^"\\]*)*(")?')


def _at(path, index):
    return path if index is None else "%s[%d]" % (path, index)


def loads(text, file=None, path="$", exact=False):
    """One whole JSON value from a str, strictly; with exact, its floats are Decimal
    (they keep their text)."""
    reader = Reader(None, file, text)
    value = reader.value(path, exact=exact)
    reader.end()
    return value


def _too_deep(text, start, room):
    """Where the value at text[start] opens its (room + 1)th level of arrays and objects
    (an index of text), or None: the text is scanned until the value closes, or to the
    end of what it holds."""
    if text[start:start + 1] not in ("[", "{"):
        return None
    depth = 0
    for m in _NESTING.finditer(text, start):
        c = text[m.start()]
        if c in "[{":
            depth += 1
            if depth > room:
                return m.start()
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return None
        elif m.group(1) is None:        # a string that goes on past what has been read
            return None
    return None


class Reader:
    """A pull parser over a binary file object (or a str), for one top-level value."""

    def __init__(self, stream, file, text=None):
        self.stream, self.file = stream, file
        self.buf = text if text is not None else ""
        self.pos = 0                    # index in buf
        self.line = 1                   # line number of buf[0]
        self.eof = text is not None
        self.bytes_read = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    # --- input ---------------------------------------------------------------------
    def _more(self, at_least=CHUNK):
        """Read more text; False at the end of the input."""
        if self.eof:
            return False
        data = self.stream.read(max(at_least, CHUNK))
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:       # e.object: the bytes held back, then data
            offset = self.bytes_read + len(data) - len(e.object) + e.start
            if not data:
                raise FormatError("not UTF-8: the text ends inside a character (offset %d)"
                                  % offset, self.file)
            raise FormatError("not UTF-8: byte 0x%02x at offset %d"
                              % (e.object[e.start], offset), self.file)
        if self.bytes_read == 0 and text.startswith("\ufeff"):
            raise FormatError("starts with a byte order mark; JSON text is plain UTF-8",
                              self.file)
        self.bytes_read += len(data)
        if not data:
            self.eof = True
        # drop what has been consumed, keeping line numbers right
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(data) or bool(text)

    def _line_at(self, pos):
        return self.line + self.buf.count("\n", 0, pos)

    def fail(self, message, path, pos=None):
        at = self._line_at(self.pos if pos is None else pos)
        raise FormatError("%s (line %d)" % (message, at), self.file, path)

    def skip_space(self):
        while True:
            self.pos = _SPACES(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return

    def peek(self):
        self.skip_space()
        return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def expect(self, char, path, what):
        if self.peek() != char:
            found = self.peek()
            self.fail("expected %s, found %s" % (what, repr(found) if found else "the end"),
                      path)
        self.pos += 1

    # --- values --------------------------------------------------------------------
    def value(self, path, index=None, depth=0, exact=False):
        """The next whole JSON value (path, or path[index], names it in an error), inside
        `depth` arrays and objects; with exact, its floats are Decimal (they keep their
        text)."""
        scan, decode = (EXACT.scan_once, EXACT.raw_decode) if exact else (_scan, _decode)
        buf = self.buf
        pos = _SPACES(buf, self.pos).end()
        room = MAX_DEPTH - depth
        try:                            # the usual case, at C speed: a whole value that
            v, end = scan(buf, pos)     # ends well before the end of what has been read
        except (Exception, RecursionError):
            end = None                  # said properly below, the depth checked first
        if end is not None and end < len(buf) - _LONGEST_TOKEN:
            # fewer brackets than levels allowed (strings included): not too deep
            if buf.count("[", pos, end) + buf.count("{", pos, end) > room:
                self._check_depth(path, index, pos, room)
            self.pos = end
            return v
        self.skip_space()
        while True:
            self._check_depth(path, index, self.pos, room)
            try:
                v, end = decode(self.buf, self.pos)
            except _Reject as e:
                self.fail(str(e), _at(path, index))
            except RecursionError:
                self.fail("nested too deeply", _at(path, index))
            except json.JSONDecodeError as e:
                # only a value cut off by the end of what has been read may be fine:
                # the error is then at most a token from the end (or in an unterminated
                # string); an error further back is reported now, the rest left unread
                if not self.eof and (e.pos >= len(self.buf) - _LONGEST_TOKEN
                                     or e.msg.startswith("Unterminated string")):
                    self._more(len(self.buf) - self.pos)
                    continue
                self.fail("not JSON: %s" % e.msg, _at(path, index), e.pos)
            except ValueError as e:     # int() over its digit limit
                self.fail(str(e), _at(path, index))
            # a number near the end of the buffer may go on in the next chunk ("1.5e|10")
            if end > len(self.buf) - _LONGEST_TOKEN and not self.eof and \
                    not isinstance(v, (dict, list, str)):
                self._more()            # (which moves the buffer: decode again)
                continue
            self.pos = end
            return v

    def _check_depth(self, path, index, pos, room):
        where = _too_deep(self.buf, pos, room)
        if where is not None:
            self.fail("nested too deeply: more than %d arrays and objects inside each "
                      "other" % MAX_DEPTH, _at(path, index), where)

    def members(self, path, stream_key):
        """Walk the top-level object: yield (key, value) for each member, except that for
        stream_key the value is an iterator over the array's elements (which must be
        consumed before the walk goes on)."""
        self.expect("{", path, "a JSON object")
        seen = set()
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                self.fail("expected a key in double quotes", path)
            key = self.value(path)
            if key in seen:
                self.fail("duplicate key %r" % _short(key), path)
            seen.add(key)
            self.expect(":", path, "':' after the key")
            if key == stream_key and self.peek() == "[":
                yield key, self._elements("%s.%s" % (path, key))
            else:
                yield key, self.value("%s.%s" % (path, key), depth=1,
                                      exact=key == "scenario")
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}", path, "',' or '}'")
            return

    def _elements(self, path):
        self.expect("[", path, "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        i = 0
        while True:
            yield self.value(path, i, 2)
            i += 1
            after = _AFTER_ELEMENT(self.buf, self.pos)
            if after is not None:
                self.pos = after.end()
                if after.group(1) == ",":
                    continue
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]", path, "',' or ']'")
            return

    def end(self):
        """Only white space may follow the value."""
        if self.peek():
            self.fail("extra data after the JSON value", "$")

    def lines(self, path, first=0):
        """JSON lines: one value per line until the end (path[first] is the next)."""
        i = first
        while self.peek():
            yield self.value(path, i)
            i += 1

    def line_ends_here(self):
        """Whether only blanks are left on the current line (or nothing at all)."""
        while True:
            blanks = _BLANKS(self.buf, self.pos).end()
            if blanks < len(self.buf):
                return self.buf[blanks] == "\n"
            if not self._more():
                return True

    def line_number(self):
        return self._line_at(self.pos)
