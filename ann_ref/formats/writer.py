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

FORMAT = "ann-ref-golden"
VERSION = 1
SPEC_VERSION = 1
NON_FINITE = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}
_HEX = "%016x".__mod__


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


def entry_line(k, W, b):
    """One trace entry, as the single line it takes in a file."""
    return EntryTemplate(len(W), len(W[0])).line(k, W, b)


def write_document(out, header, states=None):
    """Write the document: one top-level member per line, keys sorted, and the trace
    (states 0..N as (W, b)) one entry per line. UTF-8 text, newline at the end."""
    keys = sorted(set(header) | ({"trace"} if states is not None else set()))
    out.write("{\n")
    for i, key in enumerate(keys):
        out.write("%s: " % dumps(key))
        if key == "trace":
            _write_trace(out, states)
        else:
            out.write(dumps(header[key]))
        out.write(",\n" if i < len(keys) - 1 else "\n")
    out.write("}\n")


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
