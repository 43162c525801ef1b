"""A golden file read line by line, and a scenario run through trace_bits and checked
against it bit for bit: what conformance.py does on every runtime, and fits.py (for
tools/heap.py --smallest) in a heap as small as it can be, so it keeps nothing it does
not need. Only json is needed, and of the core trace_bits."""
import json

from ann_ref.core.trace import trace_bits

# what trace_bits reads of a scenario object: its decimal values and its name would
# only take heap (a third of it, for 9 features × 40 samples)
READ = ("bits", "iterations", "variant")


def scenario_and_entries(path):
    """Read a golden file line by line (one trace entry per line, as golden files are
    written): its scenario, then its trace entries one at a time, so that a small heap
    holds one entry at a time. Of the scenario only what trace_bits reads is kept."""
    f = open(path)
    try:
        yield _scenario(f)
        for line in f:                    # the trace, then the lines after it
            if line.startswith("{"):
                yield json.loads(line.rstrip().rstrip(","))
            elif line.startswith("]"):
                break
    finally:
        f.close()


def _scenario(f):
    """The scenario object of a golden file open at its start, which is left at its
    first trace entry. A function of its own, not the generator: the scenario's line
    (12 KB for 9 features × 40 samples) and its copies must not outlive the parsing in
    a frame that stays."""
    scenario = None
    for line in f:
        if line.startswith('"scenario": '):
            whole = json.loads(line[len('"scenario": '):].rstrip().rstrip(","))
            scenario = dict((key, whole[key]) for key in READ)
        elif line.startswith('"trace": ['):
            return scenario


def check(path, software=None):
    """(agree, iterations, message) for one golden file; software as trace_bits has it."""
    entries = scenario_and_entries(path)
    scenario = next(entries)
    k = -1
    for k, state in enumerate(trace_bits(scenario, software)):
        if k == 0:
            # trace_bits has made its numbers of the bits before it gives state 0,
            # and holds the scenario to the end: the hex strings (21 KB for 9
            # features × 40 samples) are dropped now
            scenario["bits"] = None
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
