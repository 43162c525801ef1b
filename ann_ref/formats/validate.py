"""The rules of the format: what each kind of document must hold, the scenario, and the
trace entry. Every check raises a FormatError naming the file, the JSON path and what is
wrong, in one line.

Three kinds of document share the format (golden/README.md):
- golden: scenario and trace, everything present, nothing unknown, NaN bits canonical;
- trace: what a backend produced; scenario optional; per entry only iteration and bits
  are required (decimals, where present, must agree with the bits); unknown keys ignored;
- scenario: what `run` reads; a trace, if present, is ignored (any JSON value); bits
  optional but checked where present.
"""
import itertools
import json
import re
import struct

from ..core.bits import CANONICAL_NAN, float_to_bits, is_nan_bits
from ..core.checks import problem
from ..core.model import VARIANTS
from ..errors import FormatError
from .writer import FORMAT, NON_FINITE, SPEC_VERSION, VERSION

GOLDEN, TRACE, SCENARIO = "golden", "trace", "scenario"
NAMES = {GOLDEN: "a golden file", TRACE: "a trace", SCENARIO: "a scenario file"}

TOP_KEYS = {"format", "version", "scenario", "trace", "description", "flags", "notes",
            "spec", "generator"}
REQUIRED = {GOLDEN: ("format", "version", "scenario", "trace"),
            TRACE: ("format", "version", "trace"),
            SCENARIO: ("format", "version", "scenario")}
SCENARIO_KEYS = ("name", "variant", "x", "y", "W", "b", "learning_rate", "iterations")
NUMBER_KEYS = ("x", "y", "W", "b", "learning_rate")
ENTRY_KEYS = frozenset(("iteration", "W", "b", "bits"))
_HEX = re.compile("[0-9a-f]{16}")
# finite bit patterns (not 7ff... or fff..., an infinity or NaN), joined by spaces
_FINITE_HEXES = re.compile("(?![7f]ff)[0-9a-f]{16}(?: (?![7f]ff)[0-9a-f]{16})*")
_MISSING = object()


def show(v):
    """A value as an error message quotes it: short, and never a whole object."""
    text = json.dumps(v) if not isinstance(v, (dict, list)) else type(v).__name__
    return text if len(text) <= 40 else text[:37] + "..."


# --- numbers and bits ---------------------------------------------------------------------

def bits(h, file, path, golden=True, repaired=None):
    """The bit pattern h (16 lowercase hex digits) as an integer. A NaN other than the
    canonical one is refused in a golden file; elsewhere it is made canonical (the sign
    and payload of a NaN are not compared) and counted in repaired[0]."""
    if not (type(h) is str and _HEX.fullmatch(h)):
        raise FormatError("%s is not a bit pattern: 16 lowercase hex digits" % show(h),
                          file, path)
    n = int(h, 16)
    if is_nan_bits(n) and n != CANONICAL_NAN:
        if golden:
            raise FormatError("the NaN %s is not the canonical 7ff8000000000000" % h,
                              file, path)
        if repaired is not None:
            repaired[0] += 1
        n = CANONICAL_NAN
    return n


def bits_matrix(A, file, path, golden=True, repaired=None):
    if not (type(A) is list and A and all(type(r) is list and r for r in A)):
        raise FormatError("must be a matrix: a non-empty list of non-empty lists",
                          file, path)
    if any(len(r) != len(A[0]) for r in A):
        raise FormatError("is ragged: rows of different lengths", file, path)
    return [[bits(h, file, "%s[%d][%d]" % (path, i, j), golden, repaired)
             for j, h in enumerate(r)] for i, r in enumerate(A)]


def number(v, file, path):
    """A decimal of the format as a float: a JSON number, or "inf", "-inf", "nan"."""
    if type(v) is str and v in NON_FINITE:
        return NON_FINITE[v]
    if type(v) is not int and type(v) is not float:
        raise FormatError("%s is not a number (non-finite values are the strings \"inf\", "
                          "\"-inf\" and \"nan\")" % show(v), file, path)
    if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):   # only an overflowing number parses so
        raise FormatError("a number that overflows binary64 (write inf as the string "
                          "\"inf\" with its bits)", file, path)
    try:
        return float(v)
    except OverflowError:
        raise FormatError("%s is too large for binary64" % show(v), file, path)


def agree(decimal, exact, file, path):
    """Decimals are for people, but must say the same as the bits (exact: an integer,
    or a matrix of them)."""
    if type(exact) is list:
        if not (type(decimal) is list and len(decimal) == len(exact)
                and all(type(r) is list and len(r) == len(e) for r, e in zip(decimal, exact))):
            raise FormatError("does not have the shape of its bits", file, path)
        for i, (row, bits_row) in enumerate(zip(decimal, exact)):
            for j, (v, n) in enumerate(zip(row, bits_row)):
                agree(v, n, file, "%s[%d][%d]" % (path, i, j))
        return
    v = number(decimal, file, path)
    n = CANONICAL_NAN if v != v else float_to_bits(v)
    if n != exact:
        raise FormatError("the decimal %s disagrees with its bits %016x (%s is %016x)"
                          % (show(decimal), exact, show(decimal), n), file, path)


# --- the header ---------------------------------------------------------------------------

def member(kind, key, value, file):
    """A top-level member other than the trace, checked: the value to keep, or
    _MISSING for a key this kind of document ignores."""
    path = "$.%s" % key
    if key not in TOP_KEYS or key == "trace":
        if kind == GOLDEN and key != "trace":
            raise FormatError("unknown key %r" % key, file, "$")
        return _MISSING
    if key == "format" and value != FORMAT:
        raise FormatError("format is %s, not %r" % (show(value), FORMAT), file, path)
    if key == "version" and (type(value) is not int or value != VERSION):
        raise FormatError("version is %s; this reader knows version %d"
                          % (show(value), VERSION), file, path)
    if key == "spec" and (type(value) is not int or value != SPEC_VERSION):
        raise FormatError("spec is %s; this reader knows spec version %d (docs/SPEC.md)"
                          % (show(value), SPEC_VERSION), file, path)
    if key == "scenario":
        return scenario(value, kind, file, path)
    if key in ("description", "generator") and type(value) is not str:
        raise FormatError("must be a string", file, path)
    if key == "flags" and not (type(value) is list and all(type(f) is str for f in value)):
        raise FormatError("must be a list of strings", file, path)
    if key == "notes" and not (type(value) is dict
                               and all(type(n) is str for n in value.values())):
        raise FormatError("must be an object of strings", file, path)
    return value


def finish(kind, header, has_trace, file):
    """The whole document has been read: what must be there is there."""
    for key in REQUIRED[kind]:
        if key not in header and not (key == "trace" and has_trace):
            raise FormatError("missing key %r" % key, file, "$")
    if kind == GOLDEN:
        notes = header.get("notes", {})
        for flag in header.get("flags", []):
            if flag not in notes:
                raise FormatError("flag %r has no note explaining it" % flag, file, "$.notes")


def scenario(s, kind, file, path="$.scenario"):
    """The checked scenario: its inputs as floats, by the rules of core.checks."""
    if type(s) is not dict:
        raise FormatError("the scenario must be an object", file, path)
    unknown = set(s) - set(SCENARIO_KEYS) - {"bits"}
    if unknown:
        raise FormatError("unknown key %r" % sorted(unknown)[0], file, path)
    for key in sorted(SCENARIO_KEYS):
        if key not in s:
            raise FormatError("missing key %r" % key, file, path)
    if type(s["name"]) is not str or not s["name"]:
        raise FormatError("the name must be a non-empty string", file, path + ".name")
    if s["variant"] not in VARIANTS:
        raise FormatError("variant is %s; it must be one of %s"
                          % (show(s["variant"]), ", ".join(VARIANTS)), file, path + ".variant")
    if type(s["iterations"]) is not int or s["iterations"] < 0:
        raise FormatError("iterations is %s; it must be a whole number, 0 or more"
                          % show(s["iterations"]), file, path + ".iterations")
    values = {}
    for key in NUMBER_KEYS:
        where = "%s.%s" % (path, key)
        if key == "b" or key == "learning_rate":
            values[key] = number(s[key], file, where)
            continue
        A = s[key]
        if not (type(A) is list and A and all(type(r) is list for r in A)):
            raise FormatError("must be a matrix: a non-empty list of lists", file, where)
        values[key] = [[number(v, file, "%s[%d][%d]" % (where, i, j)) for j, v in enumerate(r)]
                       for i, r in enumerate(A)]
    given = s.get("bits")
    if given is None and kind == GOLDEN:
        raise FormatError("missing key 'bits'", file, path)
    if given is not None:
        if type(given) is not dict:
            raise FormatError("bits must be an object", file, path + ".bits")
        for key in NUMBER_KEYS:
            where = "%s.bits.%s" % (path, key)
            if key not in given:
                if kind == GOLDEN:
                    raise FormatError("missing key %r" % key, file, path + ".bits")
                continue
            exact = (bits(given[key], file, where) if key in ("b", "learning_rate")
                     else bits_matrix(given[key], file, where))
            agree(s[key], exact, file, "%s.%s" % (path, key))
        if set(given) - set(NUMBER_KEYS):
            raise FormatError("unknown key %r" % sorted(set(given) - set(NUMBER_KEYS))[0],
                              file, path + ".bits")
    try:
        x, y, W, b, a, n, variant = problem(values["x"], values["y"], values["W"],
                                            values["b"], values["learning_rate"],
                                            s["iterations"], s["variant"])
    except (TypeError, ValueError) as e:
        raise FormatError(str(e), file, path)
    return {"name": s["name"], "variant": variant, "x": x, "y": y, "W": W, "b": b,
            "learning_rate": a, "iterations": n}


# --- trace entries ------------------------------------------------------------------------

class Entries:
    """The check of trace entries: entry(value, k) is (k, W bits, b bits), or a
    FormatError saying what is wrong.

    It is one validator: the rules are the functions above (bits, bits_matrix, agree),
    which say what is wrong. For speed, an entry is first tested as a whole with a few
    bulk operations (all bit patterns joined and matched by one regular expression,
    decoded by one struct call, compared with the packed decimals); each bulk test
    passes only where the rule it stands for passes, and anything else — a NaN, an
    integer decimal, a wrong shape — is judged by the rules themselves."""

    def __init__(self, file, kind, prefix, shape=None):
        self.file, self.kind, self.prefix = file, kind, prefix
        self.golden = kind == GOLDEN
        self.repaired = [0]             # non-canonical NaNs made canonical (traces)
        self.shape = None
        if shape is not None:
            self.set_shape(shape)

    def set_shape(self, shape):
        """W is rows × cols: every entry must say so."""
        self.shape = rows, cols = shape
        n = rows * cols + 1
        self._n = n
        self._words = struct.Struct(">%dQ" % n).unpack       # big-endian, as bytes.fromhex
        self._list_types, self._lengths = [list] * rows, [cols] * rows     # reads bits
        self._joined_length = 17 * n - 1
        self._row_starts = range(0, rows * cols, cols)

    def _path(self, k, tail=""):
        return "%s[%d]%s" % (self.prefix, k, tail)

    def _fail(self, message, k, tail=""):
        raise FormatError(message, self.file, self._path(k, tail))

    def entry(self, entry, k):
        """(k, W bits, b bits) of a checked entry."""
        if self.shape is not None and type(entry) is dict:
            usual = self._usual(entry, k)
            if usual is not None:
                return usual
        return self._rules(entry, k)

    def _usual(self, entry, k):
        """The usual entry, in a few bulk operations; None for anything else. Each bulk
        test passes only where the rule it stands for passes: exactly the keys a golden
        entry has; iteration k; the bit patterns of the shape, 16 lowercase hex digits
        each (one regular expression over all of them, joined by spaces: n tokens in
        17n - 1 characters), none an infinity or NaN (whose patterns begin 7ff or fff);
        every decimal a float whose binary64 is its bits (all packed by one struct call
        and compared as bytes with the bits). Anything else is left to the rules."""
        iteration = entry.get("iteration")
        given = entry.get("bits")
        if iteration != k or type(iteration) is not int or type(given) is not dict:
            return None
        if self.golden and (len(entry) != 4 or len(given) != 2 or "W" not in entry
                            or "b" not in entry):
            return None
        W_hex, b_hex = given.get("W"), given.get("b")
        if type(W_hex) is not list or list(map(type, W_hex)) != self._list_types or \
                list(map(len, W_hex)) != self._lengths:
            return None
        flat = list(_chain(W_hex))
        flat.append(b_hex)
        try:
            joined = " ".join(flat)
        except TypeError:               # a pattern that is not a string
            return None
        if len(joined) != self._joined_length or not _FINITE_HEXES_MATCH(joined):
            return None
        packed = bytes.fromhex(joined)
        ns = self._words(packed)
        cols = self.shape[1]
        W = [list(ns[i:i + cols]) for i in self._row_starts] if cols > 1 else \
            [[n] for n in ns[:-1]]
        W_dec, b_dec = entry.get("W", _MISSING), entry.get("b", _MISSING)
        if W_dec is not _MISSING:
            if type(W_dec) is not list or list(map(type, W_dec)) != self._list_types or \
                    list(map(len, W_dec)) != self._lengths:
                return None
            decimals = list(_chain(W_dec))
            if b_dec is not _MISSING:
                decimals.append(b_dec)
                wanted = packed
            else:
                wanted = packed[:-8]
        elif b_dec is not _MISSING:
            decimals, wanted = [b_dec], packed[-8:]
        else:
            return k, W, ns[-1]
        if set(map(type, decimals)) != _FLOAT or \
                _pack_doubles(len(decimals), decimals) != wanted:
            return None
        return k, W, ns[-1]

    def many(self, values, k):
        """[(k, W bits, b bits), ...] of entries k, k + 1, ...: the bulk test of _usual
        over all of them at once (one regular expression, one struct call for the bits,
        one for the decimals), or entry() one by one for a group it does not pass."""
        if self.shape is None or not values:
            return [self.entry(v, k + i) for i, v in enumerate(values)]
        golden, types, lengths = self.golden, self._list_types, self._lengths
        first = values[0]
        decimals_given = type(first) is dict and "W" in first   # all entries alike
        hexes, decimals = [], []
        i = k
        for entry in values:
            if type(entry) is not dict:
                break
            iteration, given = entry.get("iteration"), entry.get("bits")
            if iteration != i or type(iteration) is not int or type(given) is not dict:
                break
            if golden and (len(entry) != 4 or len(given) != 2):
                break
            W_hex = given.get("W")
            if type(W_hex) is not list or list(map(type, W_hex)) != types or \
                    list(map(len, W_hex)) != lengths:
                break
            hexes.extend(_chain(W_hex))
            hexes.append(given.get("b"))
            W_dec, b_dec = entry.get("W", _MISSING), entry.get("b", _MISSING)
            if decimals_given:
                if type(W_dec) is not list or b_dec is _MISSING or \
                        list(map(type, W_dec)) != types or list(map(len, W_dec)) != lengths:
                    break
                decimals.extend(_chain(W_dec))
                decimals.append(b_dec)
            elif W_dec is not _MISSING or b_dec is not _MISSING or golden:
                break
            i += 1
        else:
            count = len(hexes)
            try:
                joined = " ".join(hexes)
            except TypeError:           # a pattern that is not a string
                joined = ""
            if len(joined) == 17 * count - 1 and _FINITE_HEXES_MATCH(joined):
                packed = bytes.fromhex(joined)
                if not decimals_given or (set(map(type, decimals)) == _FLOAT and
                                          _pack_doubles(count, decimals) == packed):
                    ns = _unpack_words(count, packed)
                    n, cols = self._n, self.shape[1]
                    starts = self._row_starts
                    return [(k + e, [list(ns[at + r:at + r + cols]) for r in starts],
                             ns[at + n - 1]) for e, at in enumerate(range(0, count, n))]
        return [self.entry(v, k + i) for i, v in enumerate(values)]

    def _rules(self, entry, k):
        """The entry judged rule by rule: what is wrong, with its place; or the entry,
        for what the bulk tests leave out (NaNs, infinities, integer decimals)."""
        if type(entry) is not dict:
            self._fail("a trace entry must be an object", k)
        if self.golden:
            unknown = set(entry) - ENTRY_KEYS
            if unknown:
                self._fail("unknown key %r" % sorted(unknown)[0], k)
        iteration = entry.get("iteration", _MISSING)
        if iteration is _MISSING:
            self._fail("missing key 'iteration'", k)
        if type(iteration) is not int or iteration != k:
            self._fail("iteration is %s; entries must be iterations 0, 1, 2, ... in order, "
                       "so this one must be %d" % (show(iteration), k), k, ".iteration")
        given = entry.get("bits", _MISSING)
        if type(given) is not dict:
            self._fail("missing object 'bits'" if given is _MISSING or given is None
                       else "bits must be an object", k)
        if self.golden:
            unknown = set(given) - {"W", "b"}
            if unknown:
                self._fail("unknown key %r" % sorted(unknown)[0], k, ".bits")
        for key in ("W", "b"):
            if key not in given:
                self._fail("missing key %r" % key, k, ".bits")
        W = bits_matrix(given["W"], self.file, self._path(k, ".bits.W"), self.golden,
                        self.repaired)
        if self.shape is None:
            self.set_shape((len(W), len(W[0])))
        if (len(W), len(W[0])) != self.shape:
            self._fail("W is %d × %d; it must be %d × %d (features × outputs)"
                       % (len(W), len(W[0]), self.shape[0], self.shape[1]), k, ".bits.W")
        b = bits(given["b"], self.file, self._path(k, ".bits.b"), self.golden, self.repaired)
        for key, exact in (("W", W), ("b", b)):
            if key in entry:
                agree(entry[key], exact, self.file, self._path(k, "." + key))
            elif self.golden:
                self._fail("missing key %r" % key, k)
        return k, W, b


_FLOAT = {float}
_FINITE_HEXES_MATCH = _FINITE_HEXES.fullmatch
_chain = itertools.chain.from_iterable


def _pack_doubles(n, values, _cache={}):
    """The binary64s of n floats as big-endian bytes (as bytes.fromhex reads bits)."""
    pack = _cache.get(n)
    if pack is None:
        pack = _cache[n] = struct.Struct(">%dd" % n).pack
    return pack(*values)


def _unpack_words(n, data, _cache={}):
    """n 64-bit words from big-endian bytes."""
    unpack = _cache.get(n)
    if unpack is None:
        unpack = _cache[n] = struct.Struct(">%dQ" % n).unpack
    return unpack(data)
