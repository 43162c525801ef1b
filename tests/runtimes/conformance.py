"""The conformance check that runs inside each runtime (CPython, PyPy, MicroPython,
Pyodide): ann_ref.exp on the vectors of exp_vectors.json, then every golden scenario run
with ann_ref as it is, the bits of every state compared with the golden file's. Only
json, struct and time are needed, and of the core only its two entry points, exp and
trace_bits.

    import conformance; conformance.main("golden", ["article.json", ...], ["exp_vectors.json"])

One line for exp and one per scenario, then a summary line:
    exp: 2400 arguments agree (0.012 s)
    article.json: 1001 iterations agree (0.012 s)
    conformance: 19 scenarios, 19 agree, 0 differ, 0 skipped (1.234 s)

Where float is not binary64 (a single-precision MicroPython build) exp can only be given
the arguments such a float holds exactly: the others are counted as skipped on the exp
line, and exp_vectors_binary32.json gives arguments that every float format holds.
"""
import json
import struct
import sys
import time

from ann_ref import exp
from ann_ref.core.trace import trace_bits


def float_of(h):
    """The float whose binary64 bit pattern is the 16 hex digits h, or None where this
    runtime's float cannot hold that value exactly (binary32: struct rounds it)."""
    v = struct.unpack("<d", struct.pack("<Q", int(h, 16)))[0]
    return v if bits_of(v) == h else None


def bits_of(v):
    """The binary64 bit pattern of a result, 16 hex digits: a float's through struct;
    where float is not binary64 exp returns a binary64 number of the core's own, whose
    hex_bits() gives them."""
    if type(v) is float:
        return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    return v.hex_bits()


def _clock():
    try:
        return time.ticks_ms() / 1000.0        # MicroPython
    except AttributeError:
        return time.perf_counter()


def scenario_and_entries(path):
    """Read a golden file line by line (one trace entry per line, as golden files are
    written), so that a small heap holds one entry at a time."""
    scenario = None
    with open(path) as f:
        in_trace = False
        for line in f:
            line = line.rstrip()
            if line.startswith('"scenario": '):
                scenario = json.loads(line[len('"scenario": '):].rstrip(","))
            elif line == '"trace": [':
                in_trace = True
                yield scenario
            elif in_trace and line.startswith("{"):
                yield json.loads(line.rstrip(","))
            elif in_trace:
                in_trace = False


def check(path, software=None):
    """(agree, iterations, message) for one golden file; software as trace_bits has it."""
    entries = scenario_and_entries(path)
    scenario = next(entries)
    k = -1
    for k, state in enumerate(trace_bits(scenario, software)):
        expected = next(entries, None)
        if expected is None:
            return False, k, "the golden file ends at iteration %d" % (k - 1)
        if "layers" in expected["bits"]:            # a layered network: [{"W", "b"}, ...]
            for l, layer in enumerate(expected["bits"]["layers"]):
                for key in ("W", "b"):
                    if layer[key] != state[l][key]:
                        return False, k, "iteration %d differs in layers[%d].%s%s" % (
                            k, l, key, first_difference(layer[key], state[l][key]))
            continue
        W, b = state
        if expected["bits"]["b"] != b:
            return False, k, "iteration %d differs in b: expected %s, obtained %s" % (
                k, expected["bits"]["b"], b)
        if expected["bits"]["W"] != W:
            return False, k, "iteration %d differs in W%s" % (k, first_difference(
                expected["bits"]["W"], W))
    if next(entries, None) is not None:
        return False, k, "the golden file has more than %d iterations" % (k + 1)
    return True, k + 1, ""


def first_difference(expected, obtained):
    """Where two matrices of bit patterns first differ: "[i][j]: expected E, obtained O"."""
    if len(expected) != len(obtained):
        return ": expected %d rows, obtained %d" % (len(expected), len(obtained))
    for i in range(len(expected)):
        if len(expected[i]) != len(obtained[i]):
            return "[%d]: expected %d columns, obtained %d" % (
                i, len(expected[i]), len(obtained[i]))
        for j in range(len(expected[i])):
            if expected[i][j] != obtained[i][j]:
                return "[%d][%d]: expected %s, obtained %s" % (
                    i, j, expected[i][j], obtained[i][j])
    return ""


def check_exp(paths):
    """(agree, count, skipped, message): ann_ref.exp against precomputed correctly
    rounded bits, on every argument of the files that this float holds exactly."""
    count = skipped = 0
    for path in paths:
        with open(path) as f:
            vectors = json.load(f)
        for x, expected in vectors:
            v = float_of(x)
            if v is None:
                skipped += 1
                continue
            got = bits_of(exp(v))
            if got != expected:
                return False, count, skipped, "exp(%s) is %s, not %s" % (x, got, expected)
            count += 1
        vectors = None
    return True, count, skipped, ""


def main(folder, names, vectors=None, software=None):
    """Check exp on the vectors (a file or a list of files, if given) and every named
    golden file. software=True runs the scenarios on binary64 in software, as a
    single-precision build does."""
    start = _clock()
    if software:
        print("arithmetic: binary64 in software (softfloat)")
    agree = differ = skipped = 0
    if vectors is not None:
        t = _clock()
        ok, n, left, message = check_exp([vectors] if type(vectors) is str else vectors)
        print("exp: DIFFERS: %s" % message if not ok else
              "exp: %d arguments agree (%.3f s)" % (n, _clock() - t) if not left else
              "exp: %d arguments agree, %d skipped: this float cannot hold them (%.3f s)"
              % (n, left, _clock() - t))
        differ += not ok
    for name in names:
        t = _clock()
        try:
            ok, n, message = check(folder + "/" + name, software)
        except MemoryError as e:
            skipped += 1
            print("%s: SKIPPED, out of memory (%s)" % (name, e))
            continue
        if ok:
            agree += 1
            print("%s: %d iterations agree (%.3f s)" % (name, n, _clock() - t))
        else:
            differ += 1
            print("%s: DIFFERS: %s" % (name, message))
    print("conformance: %d scenarios, %d agree, %d differ, %d skipped (%.3f s)" % (
        len(names), agree, differ, skipped, _clock() - start))
    return differ == 0 and skipped == 0


if __name__ == "__main__":
    # conformance.py [--software] GOLDEN_DIR EXP_VECTORS[,EXP_VECTORS...] FILE.json ...
    args = sys.argv[1:]
    software = args[:1] == ["--software"]
    args = args[1:] if software else args
    sys.exit(0 if main(args[0], args[2:], args[1].split(","), software or None) else 1)
