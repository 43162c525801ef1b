"""The catalogue of binary32 runs (docs/SPEC.md §10): golden/binary32/, with its own
manifest. The same kinds of scenario as the binary64 catalogue (scenarios.py) — the
article, its logistic twin, the five gates, real-valued data, several outputs, the
sigmoid's saturation, tiny z, −0.0, subnormals, inf and NaN, a long run — with their
numbers taken to binary32 and their edges moved to binary32's (exp32 overflows below
z = −88.72, a subnormal is below 2^-126, Z* is −0x1.7ffffcp−23), and probes designed
against what float32 code gets wrong: exps that misround (glibc's and musl's expf,
NumPy's, PyTorch's), FMA, summation orders, sums accumulated in binary64, a binary64
step rounded to binary32 at the end, flush-to-zero, bfloat16 and TF32 products.
tests/test_binary32_catalogue.py checks that each scenario does what its flags claim;
the kill matrix (golden/README.md) that every modelled mistake is caught.
"""
from ..core.binary32 import bits32_to_float, round32
from ..core.datasets import ARTICLE, GATES, X_GATES
from .scenarios import _identity, _labels, _mixed, _rows

FOLDER = "binary32"

NOTES = {
    "binary32": "Every value is a binary32 and every operation is rounded to binary32; "
                "exp is correctly rounded to binary32 (docs/SPEC.md §10). Bit patterns "
                "have 8 hex digits; every NaN is 7fc00000.",
    "article": "The example of the article, exactly as its NumPy program runs it, in "
               "binary32: 0.4, 0.2 and 0.1 are the binary32 values nearest to them.",
    "threshold": "The article's rule: the error is y_pred − y, where y_pred = 1 if "
                 "s ≥ 0.5 else 0. Only a flipped prediction changes the bits.",
    "logistic": "The error is s − y (gradient descent on cross-entropy), so exp and the "
                "sigmoid reach W and b, though W − a·dW can absorb a last-bit "
                "difference of s (sigmoid-probe.json shows every bit).",
    "converges": "A state is reached that no later update changes; the entries after "
                 "it repeat it.",
    "never-converges": "No W and b classify every sample, so every update changes the state.",
    "logic-gate": "A two-input logic gate on x = [[0,1,0,1],[0,0,1,1]].",
    "integer-data": "Integers in the data, which become binary32 exactly.",
    "zero-z": "z is exactly 0 for some sample: s = 0.5, so y_pred = 1.",
    "tiny-z": "|z| is a few ULPs of 1 or less (2^-24 to 2^-22), where exp(−z) is 1 or a "
              "neighbour of it and 1 + exp(−z) rounds to 2 or a neighbour: s is 0.5 or "
              "next to it. Z* = −0x1.7ffffcp−23 (b43ffffe) is the least z with "
              "y_pred = 1.",
    "summation-order": "Sums of products of mixed magnitudes and signs, whose bits depend "
                       "on the order of the additions (the spec: left to right).",
    "fma": "Products and sums where a fused multiply-add (fmaf) gives other bits than a "
           "multiply and then an add (the spec: no FMA).",
    "wide-accumulation": "Sums whose binary32 running sum differs from the same sum "
                         "accumulated in binary64 and rounded once: float64 "
                         "accumulators give other bits.",
    "reduced-precision": "Weights and data with more than 11 significant bits, so that "
                         "products of operands rounded to bfloat16 or TF32 differ.",
    "multi-output": "y has several rows: W has a column per output and b is one number "
                    "shared by all (NumPy broadcasting); db sums the errors of every "
                    "output, row by row.",
    "exp-overflow": "z < −88.72 (c2b17217): exp(−z) overflows to inf and s is exactly 0.0.",
    "exp-underflow": "z > 103.97 (42cff1b4): exp(−z) underflows to 0.0 and s is exactly "
                     "1.0; from z > 16.64, 1 + exp(−z) is 1.",
    "negative-zero": "−0.0 in the data and weights: the sign of every zero follows "
                     "IEEE-754 through products and sums, and shows in the bits.",
    "subnormal": "binary32 subnormals (below 2^-126) in the data and weights, and "
                 "products that underflow to them.",
    "non-finite": "inf and NaN in the weights: NaN compares false (y_pred = 0), and every "
                  "NaN is written as 7fc00000.",
    "long-run": "10,000 iterations: a difference in the last bit compounds.",
    "sigmoid-probe": "One-hot features with weight 0 and one feature carrying z with "
                     "weight 1, b = 0, y = 0, a = m a power of two: after one update "
                     "each one-hot weight is exactly −s of its sample, so every bit of "
                     "every s (and of exp(−z)) is in the state.",
    "exp-misrounded": "z values where float32 exps are not correctly rounded (glibc's and "
                      "musl's expf, NumPy's float32 np.exp, torch.exp): 1 + exp(−z) = "
                      "exp(−z) there (−z > 17.33), so s = 1/exp(−z) shows exp's last bit.",
    "division": "m is not a power of two, so dividing by m, multiplying by 1/m and "
                "folding a/m into the update give different bits.",
    "precision": "Values whose binary64 and binary32 computations part at once: a "
                 "binary64 step, or binary64 inputs, rounded to binary32 only at the "
                 "end give other bits.",
}


def f32(v):
    return round32(float(v))


def _f32(M):
    return [[f32(v) for v in row] for row in M]


def _bits(n):
    return bits32_to_float(n)


def _scenario(name, description, flags, variant, x, y, W, b, learning_rate, iterations):
    """A binary32 scenario: every number taken to binary32 here, so that the catalogue's
    numbers are the file's."""
    flags = ["binary32"] + flags
    return {"name": name, "description": description, "flags": flags,
            "notes": {f: NOTES[f] for f in flags}, "precision": "binary32",
            "variant": variant, "x": _f32(x),
            "y": _f32(y), "W": _f32(W), "b": f32(b), "learning_rate": f32(learning_rate),
            "iterations": iterations}


_REAL_X = _rows(_mixed(9 * 40, 1, -8, 0), 40)     # 9 features × 40 samples, 1e-8 to 1e3
_REAL_Y = [_labels(40, 2)]
_REAL_W = [[w] for w in _mixed(9, 3, -6, -4)]
_SUB = 2.0 ** -149                                # the least binary32 subnormal
SUM_SEED = 99                                     # found to catch every order, FMA, sgemm,
#                                                   binary64 accumulators, 1/m, bfloat16, TF32

# z = 0, then arguments −z (17.33 < −z < 84.5: 1 + exp(−z) = exp(−z), and s/16 is no
# subnormal, so a·dW = s exactly) where a float32 exp
# misrounds and s shows it: 5 for ARM's expf (glibc, musl), 5 for NumPy's float32 np.exp
# (AVX-512), 5 for torch.exp (found against exp32)
_PROBE_Z = [0.0] + [-_bits(n) for n in (
    0x41C0DA0F, 0x4259D9D6, 0x41B95FED, 0x426F36BD, 0x4216D03F,
    0x4219D5DB, 0x429D7279, 0x4285E48E, 0x4287ED7D, 0x429D8EF5,
    0x4298594F, 0x4236DCDC, 0x424DA7B4, 0x421D4042, 0x4249BC29)]
_SUM_X = _rows(_mixed(3 * 20, SUM_SEED, -4, 0), 20)
_SUM_Y = [_labels(20, SUM_SEED + 1), _labels(20, SUM_SEED + 5)]
_SUM_W = _rows(_mixed(6, SUM_SEED + 2, -4, -2), 2)

SCENARIOS = [
    _scenario("article", "The article's example in binary32: AND, W = [0.4, 0.2]ᵀ, b = 1, "
              "a = 0.1, 1000 iterations.",
              ["article", "threshold", "converges", "integer-data", "logic-gate"],
              "threshold", **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate",
                                                      "iterations")}),
    _scenario("article-logistic", "The article's example in binary32, with the error s − y.",
              ["article", "logistic", "integer-data", "logic-gate"],
              "logistic", **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate",
                                                     "iterations")}),
] + [
    _scenario("gate-%s" % gate, "The %s gate in binary32 from W = 0 and b = 0, where every "
              "z is exactly 0 at first." % gate.upper(),
              ["logic-gate", "threshold", "zero-z", "integer-data",
               "never-converges" if gate == "xor" else "converges"],
              "threshold", X_GATES, GATES[gate], [[0.0], [0.0]], 0.0, 0.1, 100)
    for gate in ("and", "or", "nand", "nor", "xor")
] + [
    _scenario("real-valued-%s" % variant, "9 features × 40 samples of mixed magnitude "
              "(1e-8 to 1e3) and sign, in binary32: the order of the additions in z and "
              "dW, FMA, binary64 accumulators and reduced-precision products change the "
              "bits.",
              (["summation-order", "fma", "wide-accumulation", "reduced-precision",
                "precision", "division"] if variant == "logistic" else
               ["summation-order", "wide-accumulation", "reduced-precision", "precision"])
              + [variant], variant,
              _REAL_X, _REAL_Y, _REAL_W, 0.125, 1e-5, 200)
    for variant in ("logistic", "threshold")
] + [
    _scenario("multi-output-%s" % variant, "Three outputs (AND, OR, NAND) sharing one b, "
              "in binary32.",
              ["multi-output", "logic-gate", "integer-data", variant], variant,
              X_GATES, GATES["and"] + GATES["or"] + GATES["nand"],
              [[0.4, -0.3, 0.2], [0.2, 0.5, -0.1]], 0.5, 0.1, 300)
    for variant in ("logistic", "threshold")
] + [
    _scenario("sigmoid-saturation-%s" % variant, "|z| near 100: exp(−z) overflows to inf "
              "(s = 0) below z = −88.72 or underflows to 0 (s = 1) above z = 103.97, then W "
              "shrinks into the ordinary range.",
              ["exp-overflow", "exp-underflow", variant], variant,
              [[120.0, -120.0, 96.0, -90.0]], [[0, 1, 1, 0]], [[1.0]], 0.5, 0.02, 60)
    for variant in ("logistic", "threshold")
] + [
    _scenario("tiny-z-%s" % variant, "z = 0 exactly and |z| of a few 2^-24, where "
              "1 + exp(−z) rounds to 2 or a neighbour of 2.",
              ["zero-z", "tiny-z", variant], variant,
              [[0.0, 1.0, -1.0, 1.5, -1.5, 2.0, -2.0, 3.0, -3.0, 0.5]],
              [[1, 0, 1, 0, 1, 0, 1, 0, 1, 1]], [[2.0 ** -23]], 0.0, 2.0 ** -27, 40)
    for variant in ("threshold", "logistic")
] + [
    _scenario("negative-zero", "−0.0 in x, y, W and b. The second output is right from "
              "the start, so its dW sums only signed zeros: x·0 is −0.0 where x < 0, a sum "
              "of −0.0 is −0.0, and W − a·(−0.0) turns W = −0.0 into +0.0.",
              ["negative-zero", "multi-output", "threshold"], "threshold",
              [[-1.0, -2.0, -0.0, -3.0], [0.0, -0.0, 1.0, 2.0]], [[-0.0, 0, 1, 1], [1, 1, 1, 1]],
              [[-0.0, -0.0], [0.0, -0.0]], -0.0, 0.5, 20),
    _scenario("subnormal", "binary32 subnormal data and weights; W·x underflows to zero "
              "or to subnormals.",
              ["subnormal", "logistic"], "logistic",
              [[_SUB, 1e-40, 2.0 ** -126, 1.0], [3.0, -_SUB * 7, 1e-30, -2.5e-38]],
              [[0, 1, 1, 0]], [[1e-40], [-_SUB]], 2.0 ** -140, 0.25, 30),
    _scenario("non-finite", "W holds inf and NaN; z is inf, −inf or NaN.",
              ["non-finite", "threshold"], "threshold",
              X_GATES, GATES["or"], [[float("inf")], [float("nan")]], 0.5, 0.1, 5),
    _scenario("sigmoid-probe", "16 samples: one-hot features (weights 0) and a last "
              "feature holding z (weight 1), b = 0, y = 0, a = m = 16. After the update "
              "W[j] = −s[j]: every bit of every s. The z are 0 and arguments where glibc's "
              "and musl's expf, NumPy's float32 np.exp and torch.exp misround.",
              ["sigmoid-probe", "exp-misrounded", "zero-z", "logistic"], "logistic",
              _identity(len(_PROBE_Z)) + [_PROBE_Z], [[0] * len(_PROBE_Z)],
              [[0.0]] * len(_PROBE_Z) + [[1.0]], 0.0, float(len(_PROBE_Z)), 2),
    _scenario("sum-order-probe", "3 features × 20 samples of mixed magnitude and sign, "
              "2 outputs, m = 20, a = 0.3: every sum in z, dW and db changes with the order "
              "of its additions, with fmaf, with a binary64 accumulator, with bfloat16 or "
              "TF32 operands, and with 1/m.",
              ["summation-order", "fma", "wide-accumulation", "reduced-precision",
               "division", "multi-output", "logistic"],
              "logistic", _SUM_X, _SUM_Y, _SUM_W, 0.0625, 0.3, 4),
    _scenario("subnormal-probe", "x = 3, 3, 3 and 9 times the least binary32 subnormal, "
              "W = 0, b = 0, y = 0, a = 1: z = 0, s = 0.5, and dW = Σ x·0.5 / 4 is "
              "subnormal, rounded (ties to even) in every product, sum and division; "
              "W = −dW shows it. Flushing subnormals gives other bits.",
              ["subnormal", "zero-z", "logistic"], "logistic",
              [[3 * _SUB, 3 * _SUB, 3 * _SUB, 9 * _SUB]], [[0, 0, 0, 0]],
              [[0.0]], 0.0, 1.0, 3),
    _scenario("long-run", "The article's example in binary32 with the error s − y for "
              "10,000 iterations.",
              ["long-run", "logistic", "article", "integer-data", "logic-gate"], "logistic",
              **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate")},
              iterations=10000),
]
BY_NAME = {s["name"]: s for s in SCENARIOS}
TABLES = []
