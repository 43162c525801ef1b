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

from ..core.bits import CANONICAL_NAN, float_to_bits
from ..core.checks import problem
from ..core.model import VARIANTS
from ..errors import FormatError

FORMAT = "ann-ref-golden"
VERSION = 1
SPEC_VERSION = 1
NON_FINITE = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}

GOLDEN, TRACE, SCENARIO = "golden", "trace", "scenario"
NAMES = {GOLDEN: "a golden file", TRACE: "a trace", SCENARIO: "a scenario file"}

TOP_KEYS = {"format", "version", "scenario", "trace", "description", "flags", "notes",
            "spec", "generator"}
REQUIRED = {GOLDEN: ("format", "version", "scenario", "trace"),
            TRACE: ("format", "version", "trace"),
            SCENARIO: ("format", "version", "scenario")}
SCENARIO_KEYS = ("name", "variant", "x", "y", "W", "b", "learning_rate", "iterations")
LAYERED_KEYS = ("name", "variant", "x", "y", "layers", "learning_rate", "iterations")
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

class Precision:
    """How the numbers of one precision are written: a bit pattern of `digits` hex
    digits, its canonical NaN, and a decimal read as the nearest number of it (from the
    decimal's own text, jsonstream.Decimal, so that it is rounded once)."""

    def __init__(self, name, digits, nan, exponent):
        self.name, self.digits, self.nan, self.exponent = name, digits, nan, exponent
        self.pattern = re.compile("[0-9a-f]{%d}" % digits)
        self.sign = 1 << (4 * digits - 1)

    def is_nan(self, n):
        return n & (self.sign - 1) > self.exponent

    def of_decimal(self, v):
        """The number nearest the decimal v (a float, or a Decimal with its text)."""
        if self.digits == 16 or v != v or v in (NON_FINITE["inf"], NON_FINITE["-inf"]):
            return float(v)
        from fractions import Fraction
        from ..core.binary32 import round32
        text = getattr(v, "text", None)
        q = Fraction(text) if text is not None else Fraction(v)
        if q == 0:                            # a fraction has no −0: the sign is the text's
            return -0.0 if (text if text is not None else repr(float(v))).startswith("-") \
                else 0.0
        return _nearest32(q, round32)

    def bits_of(self, v):
        """The bit pattern of the float v (a number of this precision)."""
        if v != v:
            return self.nan
        if self.digits == 16:
            return float_to_bits(v)
        from ..core.binary32 import float_to_bits32
        return float_to_bits32(v)


def _nearest32(q, round32):
    """The binary32 nearest the rational q, ties to even: q rounded to binary64 twice
    over would round twice; so it is scaled to an integer significand first."""
    if q == 0:
        return 0.0 if q.numerator >= 0 else -0.0
    negative, q = q < 0, abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    while (q / 2 ** e if e >= 0 else q * 2 ** -e) >= 2:
        e += 1
    while (q / 2 ** e if e >= 0 else q * 2 ** -e) < 1:
        e -= 1                                # now 2^e <= q < 2^(e+1)
    quantum = max(e - 23, -149)               # the binary32 spacing at q
    scaled = q / 2 ** quantum if quantum >= 0 else q * 2 ** -quantum
    n, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and n & 1):
        n += 1
    v = round32(float(n) * 2.0 ** quantum) if n.bit_length() + quantum <= 128 else \
        NON_FINITE["inf"]
    return -v if negative else v


BINARY64 = Precision("binary64", 16, CANONICAL_NAN, 0x7FF0000000000000)
BINARY32 = Precision("binary32", 8, 0x7FC00000, 0x7F800000)
PRECISIONS = {"binary64": BINARY64, "binary32": BINARY32}


def bits(h, file, path, golden=True, repaired=None, p=BINARY64):
    """The bit pattern h (16 lowercase hex digits; 8 for binary32) as an integer. A NaN
    other than the canonical one is refused in a golden file; elsewhere it is made
    canonical (the sign and payload of a NaN are not compared) and counted in
    repaired[0]."""
    if not (type(h) is str and p.pattern.fullmatch(h)):
        raise FormatError("%s is not a bit pattern: %d lowercase hex digits" % (
            show(h), p.digits), file, path)
    n = int(h, 16)
    if p.is_nan(n) and n != p.nan:
        if golden:
            raise FormatError("the NaN %s is not the canonical %0*x" % (h, p.digits, p.nan),
                              file, path)
        if repaired is not None:
            repaired[0] += 1
        n = p.nan
    return n


def bits_matrix(A, file, path, golden=True, repaired=None, p=BINARY64):
    if not (type(A) is list and A and all(type(r) is list and r for r in A)):
        raise FormatError("must be a matrix: a non-empty list of non-empty lists",
                          file, path)
    if any(len(r) != len(A[0]) for r in A):
        raise FormatError("is ragged: rows of different lengths", file, path)
    return [[bits(h, file, "%s[%d][%d]" % (path, i, j), golden, repaired, p)
             for j, h in enumerate(r)] for i, r in enumerate(A)]


def read_decimal(v, file, path, p=BINARY64):
    """A decimal of the format as a float: a JSON number, or "inf", "-inf", "nan"; in a
    binary32 scenario, the binary32 nearest it."""
    if type(v) is str and v in NON_FINITE:
        return NON_FINITE[v]
    if type(v) is not int and not isinstance(v, float) or type(v) is bool:
        raise FormatError("%s is not a number (non-finite values are the strings \"inf\", "
                          "\"-inf\" and \"nan\")" % show(v), file, path)
    if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):   # only an overflowing number parses so
        raise FormatError("a number that overflows binary64 (write inf as the string "
                          "\"inf\" with its bits)", file, path)
    try:
        value = float(v)
    except OverflowError:
        raise FormatError("%s is too large for binary64" % show(v), file, path)
    return p.of_decimal(v) if p is not BINARY64 else value


def agree(decimal, exact, file, path, p=BINARY64):
    """Decimals are for people, but must say the same as the bits (exact: an integer,
    or a matrix of them)."""
    if type(exact) is list:
        if not (type(decimal) is list and len(decimal) == len(exact)
                and all(type(r) is list and len(r) == len(e) for r, e in zip(decimal, exact))):
            raise FormatError("does not have the shape of its bits", file, path)
        for i, (row, bits_row) in enumerate(zip(decimal, exact)):
            for j, (v, n) in enumerate(zip(row, bits_row)):
                agree(v, n, file, "%s[%d][%d]" % (path, i, j), p)
        return
    v = read_decimal(decimal, file, path, p)
    n = p.bits_of(v)
    if n != exact:
        raise FormatError("the decimal %s disagrees with its bits %0*x (%s is %0*x)"
                          % (show(decimal), p.digits, exact, show(decimal), p.digits, n),
                          file, path)


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
    if key == "spec" and (type(value) is not int or value not in (SPEC_VERSION, 2)):
        raise FormatError("spec is %s; this reader knows spec versions 1 and 2 (docs/SPEC.md)"
                          % show(value), file, path)
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
    """The checked scenario: its inputs as floats (binary32 values, in a binary32
    scenario), by the rules of core.checks. A scenario of the article's network has W and
    b; one of a layered network (docs/SPEC.md §9) has "layers", a list of {"W", "b"};
    "precision" is "binary64" (the default) or "binary32" (§10)."""
    if type(s) is not dict:
        raise FormatError("the scenario must be an object", file, path)
    layered = "layers" in s
    keys = LAYERED_KEYS if layered else SCENARIO_KEYS
    unknown = set(s) - set(keys) - {"bits", "precision"}
    if unknown:
        raise FormatError("unknown key %r" % sorted(unknown)[0], file, path)
    for key in sorted(keys):
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
    name = s.get("precision", "binary64")
    if name not in PRECISIONS:
        raise FormatError("precision is %s; it must be binary64 or binary32" % show(name),
                          file, path + ".precision")
    p = PRECISIONS[name]
    if layered and s["variant"] != "logistic":
        raise FormatError("a layered network learns with the logistic variant (docs/SPEC.md "
                          "§9); variant is %s" % show(s["variant"]), file, path + ".variant")

    def matrix(M, where):
        if not (type(M) is list and M and all(type(r) is list for r in M)):
            raise FormatError("must be a matrix: a non-empty list of lists", file, where)
        return [[read_decimal(v, file, "%s[%d][%d]" % (where, i, j), p) for j, v in enumerate(r)]
                for i, r in enumerate(M)]

    values = {"x": matrix(s["x"], path + ".x"), "y": matrix(s["y"], path + ".y"),
              "learning_rate": read_decimal(s["learning_rate"], file, path + ".learning_rate", p)}
    if layered:
        given_layers = s["layers"]
        if not (type(given_layers) is list and given_layers):
            raise FormatError("must be a non-empty list of layers {\"W\", \"b\"}", file,
                              path + ".layers")
        values["layers"] = []
        for l, layer in enumerate(given_layers):
            where = "%s.layers[%d]" % (path, l)
            if type(layer) is not dict or set(layer) != {"W", "b"}:
                raise FormatError("a layer is an object with exactly W and b", file, where)
            values["layers"].append((matrix(layer["W"], where + ".W"),
                                     matrix(layer["b"], where + ".b")))
    else:
        values["W"] = matrix(s["W"], path + ".W")
        values["b"] = read_decimal(s["b"], file, path + ".b", p)
    given = s.get("bits")
    if given is None and kind == GOLDEN:
        raise FormatError("missing key 'bits'", file, path)
    if given is not None:
        _scenario_bits(s, given, kind, file, path, p, layered)
    from ..core.checks import layers as checked_layers
    try:
        if layered:
            x, y, layers, a, n, variant = checked_layers(
                values["x"], values["y"], values["layers"], values["learning_rate"],
                s["iterations"], s["variant"])
        else:
            x, y, W, b, a, n, variant = problem(values["x"], values["y"], values["W"],
                                                values["b"], values["learning_rate"],
                                                s["iterations"], s["variant"])
    except (TypeError, ValueError) as e:
        raise FormatError(str(e), file, path)
    out = {"name": s["name"], "variant": variant, "x": x, "y": y, "learning_rate": a,
           "iterations": n, "precision": name}
    if layered:
        out["layers"] = layers
    else:
        out["W"], out["b"] = W, b
    return out


def _scenario_bits(s, given, kind, file, path, p, layered):
    """The scenario's "bits": each pattern checked, and the decimals agreeing with it."""
    if type(given) is not dict:
        raise FormatError("bits must be an object", file, path + ".bits")
    keys = ("x", "y", "learning_rate") + (("layers",) if layered else ("W", "b"))
    for key in keys:
        where = "%s.bits.%s" % (path, key)
        if key not in given:
            if kind == GOLDEN:
                raise FormatError("missing key %r" % key, file, path + ".bits")
            continue
        if key == "layers":
            layers = given[key]
            if not (type(layers) is list and len(layers) == len(s["layers"])):
                raise FormatError("must list as many layers as the scenario", file, where)
            for l, layer in enumerate(layers):
                at = "%s[%d]" % (where, l)
                if type(layer) is not dict or set(layer) != {"W", "b"}:
                    raise FormatError("a layer is an object with exactly W and b", file, at)
                for part in ("W", "b"):
                    agree(s["layers"][l][part], bits_matrix(layer[part], file,
                                                            "%s.%s" % (at, part), True,
                                                            None, p),
                          file, "%s.layers[%d].%s" % (path, l, part), p)
            continue
        exact = (bits(given[key], file, where, True, None, p) if key in ("b", "learning_rate")
                 else bits_matrix(given[key], file, where, True, None, p))
        agree(s[key], exact, file, "%s.%s" % (path, key), p)
    if set(given) - set(keys):
        raise FormatError("unknown key %r" % sorted(set(given) - set(keys))[0],
                          file, path + ".bits")


# --- trace entries ------------------------------------------------------------------------

class Entries:
    """The check of trace entries: entry(value, k) is (k, W bits, b bits), or a
    FormatError saying what is wrong. For a layered network's trace W is the list of
    the layers' W and b the list of their b columns.

    The rules (_rules, with the functions above) decide what an entry must be and say
    what is wrong. For speed, many() first tests a group of entries of the article's
    network in binary64 as a whole with a few bulk operations (all bit patterns joined
    and matched by one regular expression, decoded by one struct call, compared with the
    packed decimals); each bulk test passes only where the rule it stands for passes,
    and anything else — a NaN, an integer decimal, a wrong shape, another layout — is
    judged by the rules. tests/test_formats.py checks that the two agree."""

    def __init__(self, file, kind, prefix, shape=None):
        self.file, self.kind, self.prefix = file, kind, prefix
        self.golden = kind == GOLDEN
        self.repaired = [0]             # non-canonical NaNs made canonical (traces)
        self.shape = None
        self.precision = BINARY64
        self.layers = None              # a layered network's [(rows, cols)], else None
        if shape is not None:
            self.set_shape(shape)

    def set_layout(self, precision, layers):
        """A binary32 trace, or a layered network's: entries are judged by the rules."""
        self.precision = precision
        self.layers = layers
        if layers is not None:
            self.shape = tuple(layers)

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
        return self.many([entry], k)[0]

    def many(self, values, k):
        """[(k, W bits, b bits), ...] of entries k, k + 1, ...: the bulk tests over all of
        them at once, or the rules entry by entry for a group they do not pass."""
        return self._bulk(values, k) or [self._rules(v, k + i) for i, v in enumerate(values)]

    def _bulk(self, values, k):
        """The bulk tests over a group of entries (one regular expression, one struct call
        for the bits, one for the decimals): their states, or None when any test fails
        (the rules then say whether the group is right, and if not, what is wrong)."""
        if self.shape is None or not values or self.layers is not None or \
                self.precision is not BINARY64:
            return None
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
        return None

    def _rules(self, entry, k):
        """The entry judged rule by rule: what is wrong, with its place; or the entry,
        for what the bulk tests leave out (NaNs, infinities, integer decimals)."""
        if type(entry) is not dict:
            self._fail("a trace entry must be an object", k)
        if self.golden and self.layers is None:
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
        if self.layers is not None:
            return self._layered(entry, given, k)
        if self.golden:
            unknown = set(given) - {"W", "b"}
            if unknown:
                self._fail("unknown key %r" % sorted(unknown)[0], k, ".bits")
        for key in ("W", "b"):
            if key not in given:
                self._fail("missing key %r" % key, k, ".bits")
        p = self.precision
        W = bits_matrix(given["W"], self.file, self._path(k, ".bits.W"), self.golden,
                        self.repaired, p)
        if self.shape is None:
            self.set_shape((len(W), len(W[0])))
        if (len(W), len(W[0])) != self.shape:
            self._fail("W is %d × %d; it must be %d × %d (features × outputs)"
                       % (len(W), len(W[0]), self.shape[0], self.shape[1]), k, ".bits.W")
        b = bits(given["b"], self.file, self._path(k, ".bits.b"), self.golden, self.repaired,
                 p)
        for key, exact in (("W", W), ("b", b)):
            if key in entry:
                agree(entry[key], exact, self.file, self._path(k, "." + key), p)
            elif self.golden:
                self._fail("missing key %r" % key, k)
        return k, W, b

    def _layered(self, entry, given, k):
        """A layered network's entry: {"iteration", "layers": [{"W", "b"}], "bits":
        {"layers": [{"W", "b"}]}}: (k, [W bits of each layer], [b bits of each layer])."""
        if self.golden:
            unknown = set(entry) - {"iteration", "layers", "bits"}
            if unknown:
                self._fail("unknown key %r" % sorted(unknown)[0], k)
            if set(given) != {"layers"}:
                self._fail("bits must hold exactly 'layers'", k, ".bits")
        layers = given.get("layers", _MISSING)
        if not (type(layers) is list and len(layers) == len(self.layers)):
            self._fail("bits.layers must list the %d layers" % len(self.layers), k, ".bits")
        p, Ws, bs = self.precision, [], []
        for l, (layer, (rows, cols)) in enumerate(zip(layers, self.layers)):
            at = ".bits.layers[%d]" % l
            if type(layer) is not dict or not {"W", "b"} <= set(layer):
                self._fail("a layer is an object with W and b", k, at)
            W = bits_matrix(layer["W"], self.file, self._path(k, at + ".W"), self.golden,
                            self.repaired, p)
            b = bits_matrix(layer["b"], self.file, self._path(k, at + ".b"), self.golden,
                            self.repaired, p)
            if (len(W), len(W[0])) != (rows, cols) or (len(b), len(b[0])) != (cols, 1):
                self._fail("layer %d is W %d × %d, b %d × %d; it must be W %d × %d, b %d × 1"
                           % (l, len(W), len(W[0]), len(b), len(b[0]), rows, cols, cols),
                           k, at)
            Ws.append(W)
            bs.append(b)
        decimals = entry.get("layers", _MISSING)
        if decimals is _MISSING:
            if self.golden:
                self._fail("missing key 'layers'", k)
        else:
            if not (type(decimals) is list and len(decimals) == len(Ws)):
                self._fail("layers must list the %d layers" % len(Ws), k, ".layers")
            for l, layer in enumerate(decimals):
                if type(layer) is not dict or set(layer) != {"W", "b"}:
                    self._fail("a layer is an object with exactly W and b", k,
                               ".layers[%d]" % l)
                agree(layer["W"], Ws[l], self.file, self._path(k, ".layers[%d].W" % l), p)
                agree(layer["b"], bs[l], self.file, self._path(k, ".layers[%d].b" % l), p)
        return k, Ws, bs


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
