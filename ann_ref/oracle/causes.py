"""The causes a diagnosis can name: one record each, from which everything else about a
cause is derived — the order in which equally good causes are listed, which may be
paired, the scenario that tells them apart, the fix for each kind of backend, and the
table of docs/SPEC.md §6 (tests/test_causes.py checks that SPEC shows this table).

part: where in the step (docs/SPEC.md §3) the backend departs: t is exp, s the sigmoid,
y_pred the threshold, e the error, z, dW, db, update; "arithmetic" for the numbers
themselves. fix: what to change, by the kind of backend (backend.kind_of()): "c" for a
compiled program, "python" for an interpreted library (NumPy, PyTorch, JAX), "js";
"any" is what holds for every kind.
"""


class Cause:
    def __init__(self, id, part, symptom, does, fix, tells_apart, pairable=True):
        self.id, self.part, self.symptom, self.does = id, part, symptom, does
        self.fix, self.tells_apart, self.pairable = fix, tells_apart, pairable

    def fix_for(self, kind=None):
        """The fix that applies to a backend of this kind; all of them, each labelled,
        when the kind is unknown."""
        if kind in self.fix:
            return self.fix[kind]
        if "any" in self.fix or not self.fix:
            return self.fix.get("any", "")
        return "; ".join("%s: %s" % (KIND_NAMES[k], v) for k, v in self.fix.items())


KIND_NAMES = {"c": "in C and other compiled code", "python": "in NumPy, PyTorch or JAX",
              "js": "in JavaScript"}

EXACT_EXP = ("a correctly rounded exp: CORE-MATH's cr_exp (C), or the small exact exps "
             "of docs/backends/ (C, JavaScript, NumPy), or a port of ann_ref's exp")

# In order: when causes fit the evidence equally (and no experiment separates them),
# the simpler and more common one is named first.
CAUSES = [
    Cause("exp", "t",
          "s one ULP off here and there, mostly in the logistic variant",
          "the platform's exp, which is not correctly rounded: libm's `exp`, NumPy's "
          "`np.exp`, `torch.exp`, XLA's, V8's `Math.exp` (fdlibm's algorithm), `e ** v`; "
          "`scipy.special.expit` and `torch.sigmoid` use such an exp too",
          {"any": EXACT_EXP},
          "sigmoid-probe.json (every bit of s, at arguments where glibc's, NumPy's and "
          "V8's exp misround)"),
    Cause("bias-first", "z", "z off by an ULP",
          "b added first (`b + W.T @ x`)",
          {"any": "add b last (step 1)"},
          "real-valued-logistic.json (many features, b added last)"),
    Cause("threshold-strict", "y_pred", "y_pred 0 where s is exactly 0.5",
          "`s > 0.5`", {"any": "`s >= 0.5`, as the article"},
          "tiny-z-threshold.json and the gates (s exactly 0.5)"),
    Cause("integer-error", "e",
          "+0.0 where the spec has −0.0, threshold variant, integral x",
          "e in integers (`y_pred` and `y` int64, as the article's NumPy code), x·eᵀ in "
          "integer arithmetic (section 5)",
          {"any": "keep e in binary64 (`y_pred.astype(float) - y`)"},
          "negative-zero.json with non-integral x"),
    Cause("sum-from-zero", "dW",
          "+0.0 where the spec has −0.0",
          "sums started from 0.0 (`acc = 0.0; acc += …`)",
          {"any": "start each sum from its first term"},
          "negative-zero.json (sums of −0.0 products)"),
    Cause("fma", "dW",
          "z or dW an ULP off here and there",
          "fused multiply-adds in the sums: a compiler contracting `acc + u * v` "
          "(`-ffp-contract=fast`, the default of some targets, `-march=haswell`)",
          {"c": "`-ffp-contract=off`, or separate statements",
           "any": "round each product before adding it"},
          "real-valued-logistic.json (9 features, 40 samples)"),
    Cause("fused-update", "update",
          "W and b an ULP off after many updates",
          "`W − a·dW` as one fused multiply-add (contraction, XLA's fusion)",
          {"c": "`-ffp-contract=off`: round a·dW, then subtract",
           "python": "round a·dW, then subtract: `W - (a * dW)` outside a jit that fuses "
                     "it (JAX: compute the update without jit)",
           "js": "round a·dW, then subtract"},
          "long-run.json (many updates where a·dW is inexact)"),
    Cause("sum-order", "dW",
          "dW or db a few ULPs off, many samples; db off with several outputs",
          "another order: reversed, pairwise (NumPy's `sum`, by halves), compensated "
          "(Python 3.12's `sum()`, `math.fsum`), db column by column",
          {"any": "explicit loops in the order of steps 6 and 7"},
          "real-valued-logistic.json (40 samples: every order gives other bits)"),
    Cause("reassociation", "update",
          "W off by an ULP, m not a power of two",
          "`a·(Σ/m)` re-associated into `Σ·(a/m)` (XLA's jit, `-ffast-math`), or "
          "computed as `(a·Σ)/m` (`W -= a * np.dot(x, e.T) / m`)",
          {"c": "no `-ffast-math` (`-fno-associative-math`); dW = Σ ⊘ m, then a ⊗ dW",
           "any": "dW = Σ ⊘ m, then a ⊗ dW, in that order"},
          "real-valued-logistic.json (a/m is inexact)"),
    Cause("division-by-reciprocal", "dW",
          "dW and db off by an ULP, m not a power of two",
          "`Σ · (1/m)` instead of `Σ / m` (`-ffast-math`'s `-freciprocal-math`)",
          {"any": "divide by m"},
          "real-valued-logistic.json (m = 40 is not a power of two)"),
    Cause("sigmoid-form", "s",
          "s off for negative z, or NaN where exp(z) overflows",
          "`exp(z) / (1 + exp(z))`; the \"numerically stable\" split by the sign of z; "
          "`(1 + tanh(z/2)) / 2`",
          {"any": "exactly `1 ⊘ (1 ⊕ exp(−z))`"},
          "sigmoid-saturation-logistic.json (negative z of every size)"),
    Cause("blas-dot", "dW",
          "z and dW a few ULPs off, many features or samples",
          "`np.dot`, `@`, `torch.matmul`, `jnp.dot`: BLAS kernels, with FMA "
          "accumulators from 0.0 and their own blocking (OpenBLAS's ddot: 16 lanes)",
          {"python": "explicit loops (or np.add.reduce of rounded products, one "
                     "running sum) in the order of steps 1 and 6",
           "any": "explicit loops in the order of steps 1 and 6"},
          "real-valued-logistic.json (9 features: products summed in blocks)"),
    Cause("float64-accumulation", "dW",
          "z, dW or db an ULP off in a binary32 file: sums nearer the exact ones",
          "sums accumulated in binary64 and rounded to binary32 once: `double acc` in C, "
          "float64 reductions (`np.sum(..., dtype=np.float64)`, `torch.sum(..., "
          "dtype=torch.float64)`), kernels with wide accumulators",
          {"c": "a `float` accumulator, every addition rounded",
           "python": "reduce in float32 (no `dtype=float64`), or explicit loops in the "
                     "order of steps 1, 6 and 7",
           "any": "accumulate in binary32, every addition rounded"},
          "binary32/sum-order-probe.json (sums whose binary64 accumulation differs)"),
    Cause("binary64-rounded", "arithmetic",
          "values an ULP or more off from iteration 1 in a binary32 file",
          "binary64 arithmetic, rounded to binary32 only when stored or written: a float64 "
          "step on float32 state, a float64 array or Python float promoting NumPy's "
          "arithmetic, C's `double` literals and `exp`",
          {"c": "`float` throughout: `f` suffixes on literals, `expf`, "
                "`-fexcess-precision=standard`",
           "python": "every array and scalar float32 (`np.float32`, `torch.float32`)",
           "any": "binary32 for every operation"},
          "binary32/article.json (0.1 · dW is rounded to binary32)", pairable=False),
    Cause("extended-precision", "arithmetic",
          "an ULP off here and there, in C on 32-bit x86",
          "x87 registers (64-bit significand) kept across operations; even with "
          "precision control set to 53 bits the exponent stays wide, so subnormal "
          "results are rounded twice",
          {"c": "SSE2 (`-mfpmath=sse -msse2`), or store every result"},
          "subnormal.json and real-valued-logistic.json"),
    Cause("flush-subnormals", "arithmetic", "tiny values become 0",
          "flush-to-zero / denormals-are-zero (XLA on CPU, `-ffast-math`)",
          {"c": "no `-ffast-math` (it links crtfastmath, which sets FTZ/DAZ)",
           "python": "keep subnormals: XLA flushes them on CPU, NumPy and PyTorch do not",
           "any": "keep subnormals"},
          "subnormal.json"),
    Cause("reduced-precision", "z",
          "z and dW off by many ULPs in a binary32 file, where data have more than 8 or "
          "11 significant bits",
          "matrix products of operands rounded to bfloat16 or TF32 (tensor cores, "
          "oneDNN, autocast, `torch.backends.cuda.matmul.allow_tf32`)",
          {"python": "`torch.set_float32_matmul_precision('highest')`, no autocast",
           "any": "binary32 operands in every product"},
          "binary32/real-valued-logistic.json (data of 24 significant bits)"),
    Cause("float32", "arithmetic",
          "everything off from iteration 0 (0.4 is no binary32)",
          "binary32 arithmetic (PyTorch's and JAX's default dtype, GPUs)",
          {"python": "binary64 (`torch.float64`, `jax.config.update('jax_enable_x64', "
                     "True)`, `np.float64`); or check it against golden/binary32/",
           "any": "binary64 (`double`); or check it against golden/binary32/"},
          "article.json (0.4 is not a binary32)", pairable=False),
    Cause("golden-inconsistent", "golden",
          "the golden file's own step does not give its next state",
          "the golden file was altered",
          {"any": "`ann-ref golden check`; no backend is blamed"},
          "", pairable=False),
]
BY_ID = {c.id: c for c in CAUSES}
ORDER = {c.id: i for i, c in enumerate(CAUSES)}


def rank(cause_id):
    """The place of a cause (or a pair "a+b", after both of its parts) in CAUSES."""
    return max(ORDER[i] for i in cause_id.split("+"))


def tells_apart(cause_id):
    return BY_ID[cause_id.split("+")[0]].tells_apart


def spec_table():
    """The table of docs/SPEC.md §6, one row per cause."""
    rows = ["| id | symptom in `verify` | what the port does | fix |",
            "|---|---|---|---|"]
    for c in CAUSES:
        fix = c.fix_for(None)
        rows.append("| `%s` | %s | %s | %s |" % (c.id, c.symptom, c.does, fix))
    return "\n".join(rows) + "\n"
