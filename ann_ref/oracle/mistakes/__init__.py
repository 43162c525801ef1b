"""Common mistakes of a backend, each a complete step that differs from docs/SPEC.md in
one way (or in a named pair of ways), to plant in a scenario and see what it does.

MISTAKES lists them: each an entry {"id", "description", "make"}, where id is
"<cause>" or "<cause>:<detail>" (a pair's causes joined by "+" in alphabetical order),
and make() returns the step (a step.Spec with one method replaced). `states(entry,
scenario)` gives its states 0..N of a scenario; `trace_lines` writes them as a trace.

These are written from the spec alone and share no code with the diagnosis that names
causes (ann_ref.oracle.diagnose), which is scored against them.
"""
from ...core.bits import float_to_bits, from_hex, hex_bits
from . import variants as v
from .step import Spec

__all__ = ["MISTAKES", "BY_ID", "entry", "cause", "inputs", "states", "trace_lines", "Spec"]


def entry(id, description, make):
    return {"id": id, "description": description, "make": make}


MISTAKES = [
    entry("exp:libm", "exp from the platform's C library (math.exp)", v.LibmExp),
    entry("exp:pow", "exp(v) computed as math.e ** v", v.PowExp),
    entry("bias-first", "b added first: z = b + W·x", v.BiasFirst),
    entry("sum-from-zero", "every sum started from +0.0 instead of its first term",
          v.SumFromZero),
    entry("sum-order:reverse", "dW summed from the last sample to the first", v.ReverseDW),
    entry("sum-order:pairwise", "dW summed pairwise (halves first)", v.PairwiseDW),
    entry("sum-order:numpy", "dW as (x[f]*e[o]).sum() and db as np.sum(e): NumPy's "
          "pairwise reduction, modelled", v.NumpySums),
    entry("sum-order:column-major", "db summed column by column instead of row by row",
          v.ColumnMajorDB),
    entry("fma:z", "z contracted into fused multiply-adds", v.FmaZ),
    entry("fma:dW", "dW contracted into fused multiply-adds", v.FmaDW),
    entry("fused-update", "the update w − a·d as one fused multiply-add", v.FusedUpdate),
    entry("fma+fused-update", "FMA in z and dW and a fused update (GCC "
          "-march=haswell -ffp-contract=fast)", v.FmaEverywhere),
    entry("exp+fused-update:libm", "a fused update with the C library's exp (a jit "
          "compiler on CPU)", v.FusedUpdateLibm),
    entry("blas-dot:gemm", "W.T·x and x·e.T by BLAS dgemm: one FMA accumulator per entry, "
          "started at 0", v.GemmDot),
    entry("blas-dot:ddot", "z and dW by OpenBLAS's AVX-512 ddot: 32 and 16 FMA "
          "lanes, combined at the end", v.BlasDdot),
    entry("float32", "binary32 throughout (inputs, every result, exp)", v.Float32),
    entry("extended-precision:x87", "x87 extended precision: 64-bit significands in "
          "registers, rounded again to binary64 when stored", lambda: v.Extended(64)),
    entry("extended-precision:pc53", "x87 with the precision control at 53 bits: the "
          "wide exponent range still rounds subnormal results twice",
          lambda: v.Extended(53)),
    entry("flush-subnormals", "subnormals flushed to zero (FTZ and DAZ)",
          v.FlushSubnormals),
    entry("division-by-reciprocal", "dW and db multiplied by 1/m instead of divided by m",
          v.Reciprocal),
    entry("reassociation", "a·(Σ/m) re-associated into Σ·(a/m)", v.Reassociated),
    entry("threshold-strict", "y_pred = 1 if s > 0.5 (strict)", v.StrictThreshold),
    entry("sigmoid-form:split", "the \"stable\" sigmoid: exp(z)/(1 + exp(z)) for z < 0",
          v.SplitSigmoid),
    entry("sigmoid-form:exp-ratio", "s = exp(z)/(1 + exp(z)) for every z",
          v.ExpRatioSigmoid),
    entry("sigmoid-form:tanh", "s = 0.5 + 0.5·tanh(z/2)", v.TanhSigmoid),
    entry("integer-error", "the error kept in integers, as the article's NumPy loop "
          "does (int64 y_pred − y)", v.IntegerError),
]
BY_ID = {e["id"]: e for e in MISTAKES}


def cause(mistake_id):
    """The cause part of an id: "exp" of "exp:libm", "fma+fused-update" of itself."""
    return mistake_id.split(":", 1)[0]


def _float(v):
    return v if isinstance(v, float) else float(v)


def inputs(scenario):
    """(x, y, W, b, a, N, logistic) of a scenario dict: from its "bits" where it has
    them (a golden file's scenario), else from its numbers (the catalogue's)."""
    bits = scenario.get("bits")
    if bits:
        def read(key):
            value = bits[key]
            return [[from_hex(h) for h in row] for row in value] if isinstance(
                value, list) else from_hex(value)
    else:
        def read(key):
            value = scenario[key]
            return [[_float(u) for u in row] for row in value] if isinstance(
                value, list) else _float(value)
    return (read("x"), read("y"), read("W"), read("b"), read("learning_rate"),
            int(scenario["iterations"]), scenario["variant"] == "logistic")


def _key(W, b):
    return [float_to_bits(u) for row in W for u in row] + [float_to_bits(b)]


def states(mistake, scenario):
    """Yield the states (W, b) 0..N of the scenario run with the mistake (an entry, an
    id, or a step.Spec). Once a step leaves the state unchanged bit for bit, every later
    state is that one (the step is a function of the state alone)."""
    step = mistake if isinstance(mistake, Spec) else (
        BY_ID[mistake] if isinstance(mistake, str) else mistake)["make"]()
    x, y, W, b, a, n, logistic = inputs(scenario)
    load = step.load
    x = [[load(u) for u in row] for row in x]
    y = [[load(u) for u in row] for row in y]
    W, b, a = [[load(u) for u in row] for row in W], load(b), load(a)
    yield W, b
    for k in range(1, n + 1):
        W_next, b_next = step.step(x, y, W, b, a, logistic)
        if _key(W_next, b_next) == _key(W, b):
            for _ in range(k, n + 1):
                yield W, b
            return
        W, b = W_next, b_next
        yield W, b


def trace_lines(state_list):
    """A trace as JSON lines, one entry per state (the format of golden/README.md)."""
    for k, (W, b) in enumerate(state_list):
        yield '{"iteration": %d, "bits": {"W": [%s], "b": "%s"}}\n' % (
            k, ", ".join("[%s]" % ", ".join('"%s"' % hex_bits(u) for u in row) for row in W),
            hex_bits(b))
