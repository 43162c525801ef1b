"""Writing golden, trace and scenario documents (format "ann-ref-golden", version 1),
byte for byte the same on every interpreter.

The layout is the one golden/README.md describes: keys sorted, one top-level member per
line, the trace one entry per line, numbers as the shortest decimal that round-trips
(repr), non-finite numbers as the strings "inf", "-inf" and "nan", UTF-8, a newline at
the end. A trace entry is written through a template made once per shape of W, which
gives the same bytes as json.dumps of the entry with sorted keys, several times faster:
a run of a million iterations spends its time computing, not formatting.
"""
import json
import struct

from ..core.bits import hex_bits
from .validate import BINARY32, NON_FINITE
_HEX = "%016x".__mod__


def json_decimal(v, precision="binary64"):
    """A float as JSON: itself when finite (repr, the shortest decimal that round-trips),
    else the string "inf", "-inf" or "nan". A binary32 value is written as the shortest
    decimal that reads back as it, rounded straight to binary32."""
    if v != v:
        return "nan"
    if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):
        return "inf" if v > 0 else "-inf"
    if precision == "binary32":
        return _shortest32(v)
    return v


def _shortest32(v):
    """The shortest decimal that a reader rounding straight to binary32 reads as v."""
    from ..core.binary32 import float_to_bits32
    from .jsonstream import Decimal
    for digits in range(1, 10):
        shorter = float("%.*g" % (digits, v))
        if float_to_bits32(BINARY32.of_decimal(Decimal(repr(shorter)))) == \
                float_to_bits32(v):
            return shorter
    return v


def hex_of(v, precision="binary64"):
    """The bit pattern of the float v as written: 16 hex digits, or 8 for binary32."""
    if precision == "binary32":
        from ..core.binary32 import hex_bits32
        return hex_bits32(v)
    return hex_bits(v)


def _matrix(A, f):
    return [[f(v) for v in row] for row in A]


def scenario_object(name, variant, x, y, W, b, learning_rate, iterations,
                    precision="binary64", layers=None):
    """The scenario as written in a file, from checked float inputs (binary32 values in
    a binary32 scenario; a layered network's [(W, b), ...] in place of W and b)."""
    values = {"x": x, "y": y, "learning_rate": learning_rate}
    if layers is None:
        values.update(W=W, b=b)
    scenario = {"name": name, "variant": variant, "iterations": iterations, "bits": {}}
    if precision != "binary64":
        scenario["precision"] = precision
    decimal = lambda v: json_decimal(v, precision)     # noqa: E731
    bits = lambda v: hex_of(v, precision)        # noqa: E731
    for key, v in values.items():
        if isinstance(v, list):
            scenario[key] = _matrix(v, decimal)
            scenario["bits"][key] = _matrix(v, bits)
        else:
            scenario[key] = decimal(v)
            scenario["bits"][key] = bits(v)
    if layers is not None:
        scenario["layers"] = [{"W": _matrix(W_l, decimal), "b": _matrix(b_l, decimal)}
                              for W_l, b_l in layers]
        scenario["bits"]["layers"] = [{"W": _matrix(W_l, bits), "b": _matrix(b_l, bits)}
                                      for W_l, b_l in layers]
    return scenario


def entry_object(k, state, precision="binary64"):
    """A trace entry as an object: state (W, b), or a layered network's [(W, b), ...]."""
    decimal = lambda v: json_decimal(v, precision)     # noqa: E731
    bits = lambda v: hex_of(v, precision)        # noqa: E731
    if isinstance(state, list):
        return {"iteration": k,
                "layers": [{"W": _matrix(W, decimal), "b": _matrix(b, decimal)}
                           for W, b in state],
                "bits": {"layers": [{"W": _matrix(W, bits), "b": _matrix(b, bits)}
                                    for W, b in state]}}
    W, b = state
    return {"iteration": k, "W": _matrix(W, decimal), "b": decimal(b),
            "bits": {"W": _matrix(W, bits), "b": bits(b)}}


def dumps(value):
    """A JSON value as this format writes it: keys sorted, ", " and ": " as separators."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


class EntryTemplate:
    """The line of a trace entry for one shape of W (rows × cols): what dumps() writes
    for {"iteration": k, "W": ..., "b": ..., "bits": {...}}, filled in with % formatting.
    All bit patterns of an entry come from one struct call."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        n = rows * cols + 1
        matrix = "[%s]" % ", ".join(["[%s]" % ", ".join(["%s"] * cols)] * rows)
        quoted = "[%s]" % ", ".join(["[%s]" % ", ".join(['"%s"'] * cols)] * rows)
        self.text = ('{"W": %s, "b": %%s, "bits": {"W": %s, "b": "%%s"}, "iteration": %%d}'
                     % (matrix, quoted))
        self._words = struct.Struct("<%dQ" % n).unpack
        self._doubles = struct.Struct("<%dd" % n).pack

    def line(self, k, W, b):
        flat = [v for row in W for v in row]
        flat.append(b)
        texts = list(map(repr, flat))
        hexes = list(map(_HEX, self._words(self._doubles(*flat))))
        if "n" in "".join(texts):        # "inf", "-inf", "nan" (no finite repr has an n):
            for i, t in enumerate(texts):   # a string, and the canonical NaN's bits
                if t in NON_FINITE:
                    texts[i] = '"%s"' % t
                    if t == "nan":
                        hexes[i] = "7ff8000000000000"
        texts += hexes
        texts.append(k)
        return self.text % tuple(texts)     # W, b; their bits; k


def write_document(out, header, states=None):
    """Write the document: one top-level member per line, keys sorted, and the trace
    (states 0..N as (W, b), or as [(W, b), ...] for a layered network: floats, binary32
    values in a binary32 scenario) one entry per line. UTF-8 text, newline at the end."""
    keys = sorted(set(header) | ({"trace"} if states is not None else set()))
    scenario = header.get("scenario") or {}
    precision = scenario.get("precision", "binary64")
    generic = precision != "binary64" or "layers" in scenario
    out.write("{\n")
    for i, key in enumerate(keys):
        out.write("%s: " % dumps(key))
        if key == "trace":
            if generic:
                _write_entries(out, states, precision)
            else:
                _write_trace(out, states)
        else:
            out.write(dumps(header[key]))
        out.write(",\n" if i < len(keys) - 1 else "\n")
    out.write("}\n")


def _write_entries(out, states, precision):
    """The trace of a binary32 or layered run: each entry as dumps() writes it."""
    out.write("[\n")
    separator = ""
    for k, state in enumerate(states):
        out.write(separator + dumps(entry_object(k, state, precision)))
        separator = ",\n"
    out.write("\n]")


def _write_trace(out, states):
    out.write("[\n")
    template = None
    lines, separator = [], ""
    last_W = last_b = repeated = None
    for k, (W, b) in enumerate(states):
        if W is last_W and b is last_b:  # the same state again (a fixed point): only
            lines.append(repeated % k)   # the iteration number is new
        else:
            last_W, last_b = W, b
            if template is None or len(W) != template.rows or len(W[0]) != template.cols:
                template = EntryTemplate(len(W), len(W[0]))
            line = template.line(k, W, b)
            lines.append(line)
            repeated = line[:line.rindex(" ") + 1].replace("%", "%%") + "%d}"
        if len(lines) == 256:            # one write per 256 lines: fewer calls, and the
            out.write(separator + ",\n".join(lines))    # trace still streams as computed
            lines, separator = [], ",\n"
    if lines:
        out.write(separator + ",\n".join(lines))
    out.write("\n]")
