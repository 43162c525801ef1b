"""Golden, trace and scenario files (format "ann-ref-golden", version 1): writing them
byte for byte the same on every interpreter, and reading them strictly.

golden/README.md describes the format for people who write their own reader;
golden/schema.json is its JSON Schema. Three kinds of document share it:
- golden: scenario and trace, everything present, nothing unknown, NaN bits canonical;
- trace: what a backend produced; scenario optional; per entry only iteration and bits
  are required (decimals, where present, must agree with the bits); unknown keys ignored;
- scenario: what `run` reads; trace ignored; bits optional but checked where present.
"""
import json
import re
import struct

from ..core.bits import CANONICAL_NAN, hex_bits
from ..core.checks import problem
from ..errors import FormatError
from .jsonstream import Reader
from ..core.model import VARIANTS

FORMAT = "ann-ref-golden"
VERSION = 1
SPEC_VERSION = 1
GOLDEN, TRACE, SCENARIO = "golden", "trace", "scenario"

TOP_KEYS = {"format", "version", "scenario", "trace", "description", "flags", "notes",
            "spec", "generator"}
SCENARIO_KEYS = {"name", "variant", "x", "y", "W", "b", "learning_rate", "iterations",
                 "bits"}
NUMBER_KEYS = ("x", "y", "W", "b", "learning_rate")
NON_FINITE = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}
_HEX = re.compile("[0-9a-f]{16}")
_HEX_RUN = re.compile("[0-9a-f]*")
_DOUBLE = struct.Struct("<d")
_WORD = struct.Struct("<Q")


def float_to_bits(v):                     # bits.float_to_bits, with compiled structs
    return _WORD.unpack(_DOUBLE.pack(v))[0]


# --- writing ---------------------------------------------------------------------------

def number(v):
    """A float as JSON: itself when finite (repr, the shortest decimal that round-trips),
    else the string "inf", "-inf" or "nan"."""
    if v != v:
        return "nan"
    if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):
        return "inf" if v > 0 else "-inf"
    return v


def _matrix(A, f):
    return [[f(v) for v in row] for row in A]


def scenario_object(name, variant, x, y, W, b, learning_rate, iterations):
    """The scenario as written in a file, from checked float inputs."""
    values = {"x": x, "y": y, "W": W, "b": b, "learning_rate": learning_rate}
    scenario = {"name": name, "variant": variant, "iterations": iterations, "bits": {}}
    for key, v in values.items():
        if isinstance(v, list):
            scenario[key] = _matrix(v, number)
            scenario["bits"][key] = _matrix(v, hex_bits)
        else:
            scenario[key] = number(v)
            scenario["bits"][key] = hex_bits(v)
    return scenario


def _dumps(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def entry_line(k, W, b):
    """One trace entry, as the single line it takes in a file."""
    return _dumps({"iteration": k, "W": _matrix(W, number), "b": number(b),
                   "bits": {"W": _matrix(W, hex_bits), "b": hex_bits(b)}})


def write_document(out, header, states=None):
    """Write the document: one top-level member per line, keys sorted, and the trace
    (states 0..N as (W, b)) one entry per line. UTF-8 text, newline at the end."""
    keys = sorted(set(header) | ({"trace"} if states is not None else set()))
    out.write("{\n")
    for i, key in enumerate(keys):
        out.write("%s: " % _dumps(key))
        if key == "trace":
            out.write("[\n")
            for k, (W, b) in enumerate(states):
                out.write(("" if k == 0 else ",\n") + entry_line(k, W, b))
            out.write("\n]")
        else:
            out.write(_dumps(header[key]))
        out.write(",\n" if i < len(keys) - 1 else "\n")
    out.write("}\n")


# --- reading ---------------------------------------------------------------------------

class Document:
    """A file being read: header (every top-level member but the trace) and entries().

    Members before the trace are checked as soon as they are read; entries() yields
    (iteration, W bits, b bits) one at a time, checked; the members after the trace
    are checked when it ends. For a scenario, use scenario() instead of entries()."""

    def __init__(self, stream, file, kind):
        self.file, self.kind = file, kind
        self.header = {}
        self.shape = None               # (features, outputs) of W, once known
        self.nan_repaired = 0           # non-canonical NaN bits seen in a trace
        self._saw_trace = False
        self._reader = Reader(stream, file)
        first = self._reader.peek()
        self._lines = kind == TRACE and first == "{" and self._first_is_entry()
        self._members = None if self._lines else self._reader.members("$", "trace")
        self._done = False

    def _first_is_entry(self):
        """JSON lines: a stream of entries, one per line, instead of a document."""
        try:
            first = json.loads(self._reader.current_line())
        except (ValueError, RecursionError):
            return False
        return isinstance(first, dict) and "iteration" in first

    def fail(self, message, path):
        raise FormatError(message, self.file, path)

    # --- the walk ----------------------------------------------------------------------
    def _header_until_trace(self):
        for key, value in self._members:
            if key == "trace":
                if not hasattr(value, "__next__"):    # the reader streams arrays only
                    self.fail("the trace must be an array of entries", "$.trace")
                return value
            self._member(key, value)
        self._finish()
        return None

    def _member(self, key, value):
        path = "$.%s" % key
        if key not in TOP_KEYS:
            if self.kind == GOLDEN:
                self.fail("unknown key %r" % key, "$")
            return
        self.header[key] = value
        if key == "format" and value != FORMAT:
            self.fail("format is %r, not %r" % (value, FORMAT), path)
        if key == "version" and (type(value) is not int or value != VERSION):
            self.fail("version is %r; this reader knows version %d" % (value, VERSION), path)
        if key == "scenario":
            self.header[key] = self._scenario(value, path)
            self.shape = (len(self.header[key]["W"]), len(self.header[key]["W"][0]))
        if key in ("description", "generator") and not isinstance(value, str):
            self.fail("must be a string", path)
        if key == "spec" and (type(value) is not int or value < 1):
            self.fail("must be the spec version, a whole number from 1", path)
        if key == "flags" and not (isinstance(value, list)
                                   and all(isinstance(f, str) for f in value)):
            self.fail("must be a list of strings", path)
        if key == "notes" and not (isinstance(value, dict)
                                   and all(isinstance(n, str) for n in value.values())):
            self.fail("must be an object of strings", path)

    def _finish(self):
        if self._done or self._lines:
            return
        self._done = True
        required = {GOLDEN: ("format", "version", "scenario", "trace"),
                    TRACE: ("format", "version", "trace"),
                    SCENARIO: ("format", "version", "scenario")}[self.kind]
        for key in required:
            if key not in self.header and not (key == "trace" and self._saw_trace):
                self.fail("missing key %r" % key, "$")
        if self.kind == GOLDEN:
            notes = self.header.get("notes", {})
            for flag in self.header.get("flags", []):
                if flag not in notes:
                    self.fail("flag %r has no note explaining it" % flag, "$.notes")

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
        """The checked scenario (a scenario file, or the scenario of any document)."""
        trace = self._header_until_trace()
        if trace is not None:
            self._saw_trace = True
            for _ in trace:              # ignored, but the file must still be JSON
                pass
            for key, value in self._members:
                self._member(key, value)
            self._reader.end()
            self._finish()
        return self.header["scenario"]

    def entries(self):
        """(k, W bits, b bits) for k = 0, 1, ..., checked one by one."""
        if self._lines:
            source = self._reader.lines("$")
        else:
            source = self._header_until_trace()
            if source is None:
                self.fail("missing key 'trace'", "$")
            self._saw_trace = True
        k = 0
        for entry in source:
            yield self._entry(entry, k, "$[%d]" % k if self._lines else "$.trace[%d]" % k)
            k += 1
        if not self._lines:
            for key, value in self._members:
                self._member(key, value)
        self._reader.end()
        self._finish()
        if k == 0:
            self.fail("the trace is empty; it must hold iteration 0 at least", "$")
        scenario = self.header.get("scenario")
        if scenario is not None and k != scenario["iterations"] + 1:
            self.fail("the trace has %d entries; the scenario has %d iterations, so it "
                      "needs %d" % (k, scenario["iterations"], scenario["iterations"] + 1),
                      "$.trace")

    # --- checks ------------------------------------------------------------------------
    def _entry(self, entry, k, path):
        """(k, W bits, b bits) of a checked entry: the fast path when all is well, else
        the careful one, which says what is wrong."""
        return self._entry_fast(entry, k) or self._entry_checked(entry, k, path)

    def _entry_fast(self, entry, k):
        """The usual entry, checked in a few bulk operations; None for anything unusual
        (which the careful path then judges, and explains)."""
        if type(entry) is not dict or entry.get("iteration") != k or \
                type(entry["iteration"]) is not int or self.shape is None:
            return None
        bits = entry.get("bits")
        if type(bits) is not dict:
            return None
        if self.kind == GOLDEN and (len(entry) != 4 or len(bits) != 2 or "W" not in entry
                                    or "b" not in entry):
            return None
        rows, cols = self.shape
        W_hex, b_hex = bits.get("W"), bits.get("b")
        if type(W_hex) is not list or len(W_hex) != rows or \
                any(type(r) is not list or len(r) != cols for r in W_hex):
            return None
        flat = [h for r in W_hex for h in r] + [b_hex]
        if any(type(h) is not str or len(h) != 16 for h in flat) or \
                not _HEX_RUN.fullmatch("".join(flat)):
            return None
        ns = [int(h, 16) for h in flat]
        if any((n >> 52) & 0x7FF == 0x7FF and n & 0xFFFFFFFFFFFFF for n in ns):
            return None                 # NaNs take the careful path
        if "W" in entry or "b" in entry:
            W_dec, b_dec = entry.get("W"), entry.get("b")
            decimals = []
            if W_dec is not None:
                if type(W_dec) is not list or len(W_dec) != rows or \
                        any(type(r) is not list or len(r) != cols for r in W_dec):
                    return None
                decimals += [v for r in W_dec for v in r]
            if b_dec is not None:
                decimals.append(b_dec)
            if any(type(v) is not float or v - v != 0.0 for v in decimals):
                return None             # ints, strings, inf: the careful path
            packed = struct.unpack("<%dQ" % len(decimals), struct.pack("<%dd" % len(decimals),
                                                                       *decimals))
            wanted = (ns[:-1] if W_dec is not None else []) + ([ns[-1]] if b_dec is not None
                                                                else [])
            if list(packed) != wanted:
                return None
        return k, [ns[i * cols:(i + 1) * cols] for i in range(rows)], ns[-1]

    def _entry_checked(self, entry, k, path):
        if not isinstance(entry, dict):
            self.fail("a trace entry must be an object", path)
        if self.kind == GOLDEN:
            unknown = set(entry) - {"iteration", "W", "b", "bits"}
            if unknown:
                self.fail("unknown key %r" % sorted(unknown)[0], path)
        if "iteration" not in entry:
            self.fail("missing key 'iteration'", path)
        if type(entry["iteration"]) is not int or entry["iteration"] != k:
            self.fail("iteration is %r; entries must be iterations 0, 1, 2, ... in order, "
                      "so this one must be %d" % (entry["iteration"], k), path + ".iteration")
        bits = entry.get("bits")
        if not isinstance(bits, dict):
            self.fail("missing object 'bits'" if bits is None else "bits must be an object",
                      path)
        if self.kind == GOLDEN and set(bits) - {"W", "b"}:
            self.fail("unknown key %r" % sorted(set(bits) - {"W", "b"})[0], path + ".bits")
        for key in ("W", "b"):
            if key not in bits:
                self.fail("missing key %r" % key, path + ".bits")
        W = self._bits_matrix(bits["W"], path + ".bits.W")
        if self.shape is None:
            self.shape = (len(W), len(W[0]))
        if (len(W), len(W[0])) != self.shape:
            self.fail("W is %d × %d; it must be %d × %d (features × outputs)"
                      % (len(W), len(W[0]), self.shape[0], self.shape[1]), path + ".bits.W")
        b = self._bits(bits["b"], path + ".bits.b")
        for key, exact in (("W", W), ("b", b)):
            if key in entry:
                self._agree(entry[key], exact, path + "." + key)
            elif self.kind == GOLDEN:
                self.fail("missing key %r" % key, path)
        return k, W, b

    def _bits(self, h, path):
        if not (isinstance(h, str) and _HEX.fullmatch(h)):
            self.fail("%s is not a bit pattern: 16 lowercase hex digits"
                      % _show(h), path)
        n = int(h, 16)
        if (n >> 52) & 0x7FF == 0x7FF and n & 0xFFFFFFFFFFFFF and n != CANONICAL_NAN:
            if self.kind == GOLDEN:
                self.fail("the NaN %s is not the canonical 7ff8000000000000" % h, path)
            self.nan_repaired += 1
            n = CANONICAL_NAN           # the sign and payload of a NaN are not compared
        return n

    def _bits_matrix(self, A, path):
        if not (isinstance(A, list) and A and all(isinstance(r, list) and r for r in A)):
            self.fail("must be a matrix: a non-empty list of non-empty lists", path)
        if any(len(r) != len(A[0]) for r in A):
            self.fail("is ragged: rows of different lengths", path)
        return [[self._bits(h, "%s[%d][%d]" % (path, i, j)) for j, h in enumerate(r)]
                for i, r in enumerate(A)]

    def _agree(self, decimal, exact, path):
        """Decimals are for people, but must say the same as the bits."""
        if isinstance(exact, list):
            if not (isinstance(decimal, list) and len(decimal) == len(exact)
                    and all(isinstance(r, list) and len(r) == len(e)
                            for r, e in zip(decimal, exact))):
                self.fail("does not have the shape of its bits", path)
            for i, (row, bits_row) in enumerate(zip(decimal, exact)):
                for j, (v, n) in enumerate(zip(row, bits_row)):
                    if type(v) is not float or v != v or _WORD.unpack(_DOUBLE.pack(v))[0] != n:
                        self._agree(v, n, "%s[%d][%d]" % (path, i, j))
            return
        v = self._number(decimal, path)
        n = CANONICAL_NAN if v != v else float_to_bits(v)
        if n != exact:
            self.fail("the decimal %s disagrees with its bits %016x (%s is %016x)"
                      % (_show(decimal), exact, _show(decimal), n), path)

    def _number(self, v, path):
        if isinstance(v, str) and v in NON_FINITE:
            return NON_FINITE[v]
        if type(v) not in (int, float):
            self.fail("%s is not a number (non-finite values are the strings \"inf\", "
                      "\"-inf\" and \"nan\")" % _show(v), path)
        if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):   # only an overflowing number parses so
            self.fail("a number that overflows binary64 (write inf as the string "
                      "\"inf\" with its bits)", path)
        try:
            return float(v)
        except OverflowError:
            self.fail("%s is too large for binary64" % _show(v), path)

    def _scenario(self, s, path):
        if not isinstance(s, dict):
            self.fail("the scenario must be an object", path)
        unknown = set(s) - SCENARIO_KEYS
        if unknown:
            self.fail("unknown key %r" % sorted(unknown)[0], path)
        for key in sorted(SCENARIO_KEYS - {"bits"}):
            if key not in s:
                self.fail("missing key %r" % key, path)
        if not isinstance(s["name"], str) or not s["name"]:
            self.fail("the name must be a non-empty string", path + ".name")
        if s["variant"] not in VARIANTS:
            self.fail("variant is %s; it must be one of %s"
                      % (_show(s["variant"]), ", ".join(VARIANTS)), path + ".variant")
        if type(s["iterations"]) is not int or s["iterations"] < 0:
            self.fail("iterations is %s; it must be a whole number, 0 or more"
                      % _show(s["iterations"]), path + ".iterations")
        values = {}
        for key in NUMBER_KEYS:
            where = "%s.%s" % (path, key)
            if key == "b" or key == "learning_rate":
                values[key] = self._number(s[key], where)
            else:
                A = s[key]
                if not (isinstance(A, list) and A and all(isinstance(r, list) for r in A)):
                    self.fail("must be a matrix: a non-empty list of lists", where)
                values[key] = [[self._number(v, "%s[%d][%d]" % (where, i, j))
                                for j, v in enumerate(r)] for i, r in enumerate(A)]
        bits = s.get("bits")
        if bits is None and self.kind == GOLDEN:
            self.fail("missing key 'bits'", path)
        if bits is not None:
            if not isinstance(bits, dict):
                self.fail("bits must be an object", path + ".bits")
            for key in NUMBER_KEYS:
                where = "%s.bits.%s" % (path, key)
                if key not in bits:
                    if self.kind == GOLDEN:
                        self.fail("missing key %r" % key, path + ".bits")
                    continue
                exact = (self._bits(bits[key], where) if key in ("b", "learning_rate")
                         else self._bits_matrix(bits[key], where))
                self._agree(s[key], exact, "%s.%s" % (path, key))
            if set(bits) - set(NUMBER_KEYS):
                self.fail("unknown key %r" % sorted(set(bits) - set(NUMBER_KEYS))[0],
                          path + ".bits")
        try:
            x, y, W, b, a, n, variant = problem(values["x"], values["y"], values["W"],
                                                values["b"], values["learning_rate"],
                                                s["iterations"], s["variant"])
        except (TypeError, ValueError) as e:
            self.fail(str(e), path)
        return {"name": s["name"], "variant": variant, "x": x, "y": y, "W": W, "b": b,
                "learning_rate": a, "iterations": n}


def _show(v):
    text = json.dumps(v) if not isinstance(v, (dict, list)) else type(v).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def open_document(path, kind):
    """Open a file for reading as a Document; FormatError if it cannot be opened."""
    try:
        stream = open(path, "rb")
    except OSError as e:
        raise FormatError("cannot be read: %s" % (e.strerror or e), path)
    return Document(stream, path, kind)
