"""The golden catalogue: one scenario per thing a backend can get wrong.

Each scenario names the flags it exercises; NOTES explains every flag, and each golden
file carries the notes of its own flags. tests/test_catalogue.py checks that every
scenario really does what its flags claim.
"""
from ..core.datasets import ARTICLE, GATES, X_GATES

NOTES = {
    "article": "The example of the article, exactly as its NumPy program runs it.",
    "threshold": "The article's rule: the error is y_pred − y, where y_pred = 1 if "
                 "s ≥ 0.5 else 0. Only a flipped prediction changes the bits.",
    "logistic": "The error is s − y (gradient descent on cross-entropy), so every bit "
                "of exp and of the sigmoid reaches W and b.",
    "converges": "A state is reached that no later update changes; the entries after "
                 "it repeat it.",
    "never-converges": "No W and b classify every sample, so every update changes the state.",
    "logic-gate": "A two-input logic gate on x = [[0,1,0,1],[0,0,1,1]].",
    "integer-data": "Integers in the data, which become binary64 exactly.",
    "zero-z": "z is exactly 0 for some sample: s = 0.5, so y_pred = 1.",
    "tiny-z": "|z| is a few ULPs of 1 or less, where exp(−z) is 1 or a neighbour of it "
              "and 1 + exp(−z) rounds to 2 or a neighbour: s is 0.5 or next to it, so "
              "a misrounded exp flips the prediction.",
    "summation-order": "Sums of products of mixed magnitudes and signs, whose bits depend "
                       "on the order of the additions (the spec: left to right).",
    "fma": "Products and sums where a fused multiply-add gives other bits than a "
           "multiply and then an add (the spec: no FMA).",
    "multi-output": "y has several rows: W has a column per output and b is one number "
                    "shared by all (NumPy broadcasting); db sums the errors of every "
                    "output, row by row.",
    "exp-overflow": "z ≤ −710: exp(−z) overflows to inf and s is exactly 0.0.",
    "exp-underflow": "z ≥ 746: exp(−z) underflows to 0.0 and s is exactly 1.0.",
    "negative-zero": "−0.0 in the data and weights: the sign of every zero follows "
                     "IEEE-754 through products and sums, and shows in the bits.",
    "subnormal": "Subnormal numbers in the data and weights, and products that underflow.",
    "non-finite": "inf and NaN in the weights: NaN compares false (y_pred = 0), and every "
                  "NaN is written as 7ff8000000000000.",
    "long-run": "10,000 iterations: a difference in the last bit compounds.",
    "sigmoid-probe": "One-hot features with weight 0 and one feature carrying z with "
                     "weight 1, b = 0, y = 0, a = m a power of two: after one update "
                     "each one-hot weight is exactly −s of its sample, so every bit of "
                     "every s (and of exp(−z)) is in the state.",
    "exp-misrounded": "z values where common exps are not correctly rounded (glibc's "
                      "exp, NumPy's SIMD np.exp, V8's Math.exp): 1 + exp(−z) = exp(−z) "
                      "there, so s = 1/exp(−z) shows exp's last bit.",
    "division": "m is not a power of two, so dividing by m, multiplying by 1/m and "
                "folding a/m into the update give different bits.",
}


def _mixed(count, seed, low, high):
    """count numbers of mixed sign and magnitude (10^low to 10^(high + 3)), the same on
    every Python: an integer generator, and float() of a short decimal (correctly rounded)."""
    values, state = [], seed
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        mantissa = (state >> 16) % 1999 - 999
        exponent = low + (state >> 40) % (high - low + 1)
        values.append(float("%de%d" % (mantissa or 1, exponent)))
    return values


def _labels(count, seed):
    state, labels = seed, []
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        labels.append((state >> 33) & 1)
    return labels


def _rows(values, width):
    return [values[i:i + width] for i in range(0, len(values), width)]


def _scenario(name, description, flags, variant, x, y, W, b, learning_rate, iterations):
    return {"name": name, "description": description, "flags": flags, "variant": variant,
            "x": x, "y": y, "W": W, "b": b, "learning_rate": learning_rate,
            "iterations": iterations}


_REAL_X = _rows(_mixed(9 * 40, 1, -8, 0), 40)     # 9 features × 40 samples, 1e-8 to 1e3
_REAL_Y = [_labels(40, 2)]
_REAL_W = [[w] for w in _mixed(9, 3, -6, -4)]     # 1e-6 to 1e-1: |z| mostly below 10
_TINY = 2.0 ** -52
_SUB = 2.0 ** -1074                               # the least subnormal
SUM_SEED = 20                                     # found to catch every order


def _identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


# z = 0, then 15 arguments −z where exp misrounds (found against the correctly rounded
# exp): 5 for glibc 2.x's exp, 5 for NumPy's AVX-512 np.exp, 5 for V8's Math.exp
_PROBE_Z = [0.0, -78.14546039157158, -672.0618356909507, -52.29673767000432,
            -289.7767650250255, -391.62045533981933, -318.45622240148674,
            -76.51557568761226, -563.6735962494116, -593.898638479815, -466.0464305518444,
            -373.42989110458564, -452.9882264549057, -229.01095683790138,
            -422.6009085082151, -283.8995708271598]
_SUM_X = _rows(_mixed(3 * 20, SUM_SEED, -4, 0), 20)
_SUM_Y = [_labels(20, SUM_SEED + 1), _labels(20, SUM_SEED + 5)]
_SUM_W = _rows(_mixed(6, SUM_SEED + 2, -4, -2), 2)

SCENARIOS = [
    _scenario("article", "The article's example: AND, W = [0.4, 0.2]ᵀ, b = 1, a = 0.1, "
              "1000 iterations. Its last change of state is made by update 25.",
              ["article", "threshold", "converges", "integer-data", "logic-gate"],
              "threshold", **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate",
                                                      "iterations")}),
    _scenario("article-logistic", "The article's example with the error s − y.",
              ["article", "logistic", "integer-data", "logic-gate"],
              "logistic", **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate",
                                                     "iterations")}),
] + [
    _scenario("gate-%s" % gate, "The %s gate from W = 0 and b = 0, where every z is "
              "exactly 0 at first." % gate.upper(),
              ["logic-gate", "threshold", "zero-z", "integer-data",
               "never-converges" if gate == "xor" else "converges"],
              "threshold", X_GATES, GATES[gate], [[0.0], [0.0]], 0.0, 0.1, 100)
    for gate in ("and", "or", "nand", "nor", "xor")
] + [
    _scenario("real-valued-%s" % variant, "9 features × 40 samples of mixed magnitude "
              "(1e-8 to 1e3) and sign: the order of the additions in z and dW, and FMA, "
              "change the bits.",
              ["summation-order", "fma", variant] if variant == "logistic" else
              ["summation-order", variant], variant,
              _REAL_X, _REAL_Y, _REAL_W, 0.125, 1e-5, 200)
    for variant in ("logistic", "threshold")
] + [
    _scenario("multi-output-%s" % variant, "Three outputs (AND, OR, NAND) sharing one b.",
              ["multi-output", "logic-gate", "integer-data", variant], variant,
              X_GATES, GATES["and"] + GATES["or"] + GATES["nand"],
              [[0.4, -0.3, 0.2], [0.2, 0.5, -0.1]], 0.5, 0.1, 300)
    for variant in ("logistic", "threshold")
] + [
    _scenario("sigmoid-saturation-%s" % variant, "|z| near 1000: exp(−z) overflows to inf "
              "(s = 0) or underflows to 0 (s = 1), then W shrinks into the ordinary range.",
              ["exp-overflow", "exp-underflow", variant], variant,
              [[1000.0, -1000.0, 800.0, -750.0]], [[0, 1, 1, 0]], [[1.0]], 0.5, 0.002, 60)
    for variant in ("logistic", "threshold")
] + [
    _scenario("tiny-z-%s" % variant, "z = 0 exactly and |z| of a few 2^-52, where "
              "1 + exp(−z) rounds to 2 or a neighbour of 2.",
              ["zero-z", "tiny-z", variant], variant,
              [[0.0, 1.0, -1.0, 1.5, -1.5, 2.0, -2.0, 3.0, -3.0, 0.5]],
              [[1, 0, 1, 0, 1, 0, 1, 0, 1, 1]], [[_TINY]], 0.0, 2.0 ** -56, 40)
    for variant in ("threshold", "logistic")
] + [
    _scenario("negative-zero", "−0.0 in x, y, W and b. The second output is right from "
              "the start, so its dW sums only signed zeros: x·0 is −0.0 where x < 0, a sum "
              "of −0.0 is −0.0, and W − a·(−0.0) turns W = −0.0 into +0.0.",
              ["negative-zero", "multi-output", "threshold"], "threshold",
              [[-1.0, -2.0, -0.0, -3.0], [0.0, -0.0, 1.0, 2.0]], [[-0.0, 0, 1, 1], [1, 1, 1, 1]],
              [[-0.0, -0.0], [0.0, -0.0]], -0.0, 0.5, 20),
    _scenario("subnormal", "Subnormal data and weights; W·x underflows to zero or to "
              "subnormals.",
              ["subnormal", "logistic"], "logistic",
              [[_SUB, 1e-310, 2.0 ** -1022, 1.0], [3.0, -_SUB * 7, 1e-300, -2.5e-308]],
              [[0, 1, 1, 0]], [[1e-310], [-_SUB]], 2.0 ** -1060, 0.25, 30),
    _scenario("non-finite", "W holds inf and NaN; z is inf, −inf or NaN.",
              ["non-finite", "threshold"], "threshold",
              X_GATES, GATES["or"], [[float("inf")], [float("nan")]], 0.5, 0.1, 5),
    _scenario("sigmoid-probe", "16 samples: one-hot features (weights 0) and a last "
              "feature holding z (weight 1), b = 0, y = 0, a = m = 16. After the update "
              "W[j] = −s[j]: every bit of every s. The z are 0 and arguments where glibc's "
              "exp, NumPy's np.exp and V8's Math.exp misround.",
              ["sigmoid-probe", "exp-misrounded", "zero-z", "logistic"], "logistic",
              _identity(len(_PROBE_Z)) + [_PROBE_Z], [[0] * len(_PROBE_Z)],
              [[0.0]] * len(_PROBE_Z) + [[1.0]], 0.0, float(len(_PROBE_Z)), 2),
    _scenario("sum-order-probe", "3 features × 20 samples of mixed magnitude and sign, "
              "2 outputs, m = 20, a = 0.3: every sum in z, dW and db changes with the order "
              "of its additions, with FMA and with 1/m.",
              ["summation-order", "fma", "division", "multi-output", "logistic"],
              "logistic", _SUM_X, _SUM_Y, _SUM_W, 0.0625, 0.3, 4),
    _scenario("subnormal-probe", "x = 3, 3, 3 and 9 times the least subnormal, W = 0, "
              "b = 0, y = 0, a = 1: z = 0, s = 0.5, and dW = Σ x·0.5 / 4 is subnormal, "
              "rounded (ties to even) in every product, sum and division; W = −dW shows "
              "it. Flushing subnormals, or rounding twice (x87), "
              "gives other bits.",
              ["subnormal", "zero-z", "logistic"], "logistic",
              [[3 * _SUB, 3 * _SUB, 3 * _SUB, 9 * _SUB]], [[0, 0, 0, 0]],
              [[0.0]], 0.0, 1.0, 3),
    _scenario("long-run", "The article's example with the error s − y for 10,000 "
              "iterations.",
              ["long-run", "logistic", "article", "integer-data", "logic-gate"], "logistic",
              **{k: ARTICLE[k] for k in ("x", "y", "W", "b", "learning_rate")},
              iterations=10000),
]
BY_NAME = {s["name"]: s for s in SCENARIOS}
