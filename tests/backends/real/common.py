"""What the Python backends of this folder share: reading a scenario (its bits, not its
decimals), writing the trace as JSON lines, the --batch protocol of golden/README.md,
and a correctly rounded exp for the --exact-exp switch (a 40-digit decimal exponential
rounded once to binary64). Nothing here computes a step."""
import json
import struct
import sys
from decimal import Context, Decimal

NAN = "7ff8000000000000"


def num(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def hex_(v):
    v = float(v)
    return NAN if v != v else struct.pack(">d", v).hex()


def exact_exp(v):
    """e^v correctly rounded (docs/SPEC.md §4): 40 digits, then one rounding."""
    return float(Decimal(float(v)).exp(Context(prec=40)))


def inputs(scenario):
    """x, y, W as lists of rows of floats, b and a as floats, from the scenario's bits."""
    bits = scenario["bits"]
    x, y, W = ([[num(h) for h in row] for row in bits[k]] for k in ("x", "y", "W"))
    return x, y, W, num(bits["b"]), num(bits["learning_rate"])


def line(k, W, b):
    """One trace entry: W is any rows-of-numbers (a list, an array's .tolist())."""
    return json.dumps({"iteration": k, "bits": {"W": [[hex_(v) for v in row] for row in W],
                                               "b": hex_(b)}}) + "\n"


def serve(run, options):
    """Run `run(scenario, out, options)` on the scenario document of stdin, or with
    --batch on one document per line, each trace ended by {"end": true} (or, for a
    scenario that fails, the one line {"error": ...} instead)."""
    out = sys.stdout
    if "--batch" not in options:
        run(json.load(sys.stdin)["scenario"], out, options)
        out.flush()
        return
    for text in sys.stdin:
        if not text.strip():
            continue
        try:
            scenario = json.loads(text)["scenario"]
            lines = []
            run(scenario, _Collect(lines), options)
            out.write("".join(lines) + '{"end": true}\n')
        except Exception as e:              # one failed scenario is reported, not fatal
            out.write(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}) + "\n")
        out.flush()


class _Collect:
    def __init__(self, lines):
        self.write = lines.append


def options(known, doc):
    """The switches given on the command line; an unknown one ends the program with
    the list of known ones."""
    given = set(sys.argv[1:])
    unknown = given - set(known) - {"--batch"}
    if unknown:
        sys.exit("unknown switch %s\n%s" % (sorted(unknown)[0], doc))
    return given
