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


# --- binary32 scenarios (docs/SPEC.md §10): 8-digit bits -----------------------------------

NAN32 = "7fc00000"


def num32(h):
    return struct.unpack(">f", bytes.fromhex(h))[0]


def hex32(v):
    """The 8-digit pattern of v, a binary32 value (a float, NumPy's or PyTorch's float32)."""
    v = float(v)
    return NAN32 if v != v else struct.pack(">f", v).hex()


def inputs32(scenario):
    """x, y, W as lists of rows of floats holding binary32 values, b and a as such
    floats, from a binary32 scenario's bits."""
    bits = scenario["bits"]
    x, y, W = ([[num32(h) for h in row] for row in bits[k]] for k in ("x", "y", "W"))
    return x, y, W, num32(bits["b"]), num32(bits["learning_rate"])


def line32(k, W, b):
    return json.dumps({"iteration": k, "bits": {"W": [[hex32(v) for v in row] for row in W],
                                               "b": hex32(b)}}) + "\n"


def exact_exp32(v):
    """e^v correctly rounded to binary32 (docs/SPEC.md §10), as a float: a 50-digit
    decimal exponential, converted exactly to a fraction and rounded once to binary32
    (ties to even, subnormals kept). No binary64 rounding in between."""
    from fractions import Fraction
    v = float(v)
    if v != v:
        return v
    if v > 100.0:
        return float("inf")
    if v < -110.0:
        return 0.0
    q = Fraction(Decimal(v).exp(Context(prec=50)))
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if q < Fraction(2) ** e:
        e -= 1                                  # 2^e <= q < 2^(e+1)
    quantum = Fraction(2) ** max(e - 23, -149)  # binary32's spacing at q
    n, rest = divmod(q, quantum)
    if rest > quantum / 2 or (rest == quantum / 2 and n % 2):
        n += 1
    if n * quantum >= Fraction(2) ** 128:
        return float("inf")
    return float(n * quantum)                   # n < 2^25: exact in binary64
