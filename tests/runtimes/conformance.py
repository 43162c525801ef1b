"""The conformance check that runs inside each runtime (CPython, PyPy, MicroPython,
Pyodide): ann_ref.exp on the vectors of exp_vectors.json, then every golden scenario run
with ann_ref as it is, the bits of every state compared with the golden file's. Only
json, struct and time are needed.

    import conformance; conformance.main("golden", ["article.json", ...], "exp_vectors.json")

One line for exp and one per scenario, then a summary line:
    exp: 2400 arguments agree (0.012 s)
    article.json: 1001 iterations agree (0.012 s)
    conformance: 19 scenarios, 19 agree, 0 differ, 0 skipped (1.234 s)
"""
import json
import sys
import time

from ann_ref import exp
from ann_ref.core.bits import from_hex, hex_bits
from ann_ref.core.trace import trace_bits


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
    for k, (W, b) in enumerate(trace_bits(scenario, software)):
        expected = next(entries, None)
        if expected is None:
            return False, k, "the golden file ends at iteration %d" % (k - 1)
        if expected["bits"]["W"] != W or expected["bits"]["b"] != b:
            field = "b" if expected["bits"]["b"] != b else "W"
            return False, k, "iteration %d differs in %s: expected %s, obtained %s" % (
                k, field, expected["bits"][field], b if field == "b" else W)
    if next(entries, None) is not None:
        return False, k, "the golden file has more than %d iterations" % (k + 1)
    return True, k + 1, ""


def check_exp(path):
    """(agree, count, message): ann_ref.exp against precomputed correctly rounded bits."""
    with open(path) as f:
        vectors = json.load(f)
    for x, expected in vectors:
        got = hex_bits(exp(from_hex(x)))
        if got != expected:
            return False, len(vectors), "exp(%s) is %s, not %s" % (x, got, expected)
    return True, len(vectors), ""


def main(folder, names, vectors=None, software=None):
    """Check exp on the vectors (if given) and every named golden file. software=True
    runs the scenarios on softfloat.Binary64, as a single-precision build does."""
    start = _clock()
    if software:
        print("arithmetic: binary64 in software (softfloat)")
    agree = differ = skipped = 0
    if vectors is not None:
        t = _clock()
        ok, n, message = check_exp(vectors)
        print("exp: %d arguments agree (%.3f s)" % (n, _clock() - t) if ok
              else "exp: DIFFERS: %s" % message)
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
    # conformance.py [--software] GOLDEN_DIR EXP_VECTORS FILE.json ...
    args = sys.argv[1:]
    software = args[:1] == ["--software"]
    args = args[1:] if software else args
    sys.exit(0 if main(args[0], args[2:], args[1], software or None) else 1)
