"""The oracle's models of library functions written otherwise than the contract's exp
(oracle/arith.py): math.e ** v and the sigmoid through tanh. Each is checked to be
correctly rounded, against rationals bounded independently here (a Taylor series of
exp with its remainder, no Decimal), and against the C library it stands for: the model
is what a correctly rounded library gives, so it must agree with glibc nearly always
and, where they differ, be the nearer one."""
import math
import random
import struct
from fractions import Fraction

from ann_ref.oracle.arith import pow_exp, tanh

E = Fraction(math.e)                    # the binary64 e, 2.718281828459045090795…


SCALE = 1 << 300                        # bounds are kept as multiples of 2⁻³⁰⁰


def down(q):
    return Fraction(q.numerator * SCALE // q.denominator, SCALE)


def up(q):
    return Fraction(-(-q.numerator * SCALE // q.denominator), SCALE)


def exp_bounds(q, terms=30):
    """Rationals lo ≤ e^q ≤ hi for a rational q with |q| ≤ 1/2: the series to `terms`
    terms, its remainder bounded by twice the next term, every partial result rounded
    outwards to a multiple of 2⁻³⁰⁰ (each term too: 2⁻³⁰⁰ a term is in the slack)."""
    q = down(q)
    total, term = Fraction(0), Fraction(1)
    for n in range(1, terms + 1):
        total += term
        term = down(term * q / n)
    slack = 2 * abs(term) + Fraction(terms + 8, SCALE)     # q rounded too: e^q ≤ 2
    return down(total - slack), up(total + slack)


def exp_interval(q):
    """e^q for a rational q, in a tight interval: halved until small, then squared."""
    k = 0
    while abs(q) > Fraction(1, 2):
        q /= 2
        k += 1
    lo, hi = exp_bounds(q)
    for _ in range(k):
        lo, hi = down(lo * lo), up(hi * hi)
    return lo, hi


def neighbours(v):
    """v and the binary64 numbers on each side of it (v finite and not 0), as rationals;
    by the bit pattern, as math.nextafter (Python 3.9) would give them."""
    n = struct.unpack("<q", struct.pack("<d", v))[0]
    return [Fraction(struct.unpack("<d", struct.pack("<q", k))[0]) for k in
            ((n - 1, n, n + 1) if v > 0 else (n + 1, n, n - 1))]


def nearest_in(lo, hi, v):
    """v is the binary64 number nearest every real in [lo, hi]."""
    below, at, above = neighbours(v)
    return (below + at) / 2 < lo and hi < (at + above) / 2


def test_the_power_of_e_is_correctly_rounded():
    r = random.Random(20261203)
    ln_e = None
    for v in [r.uniform(-30.0, 30.0) for _ in range(80)] + [1.0, -1.0, 0.5, 2.0]:
        # math.e ** v = exp(v · ln(math.e)); ln(math.e) = 1 + ln(1 − δ), δ = (e − math.e)/e,
        # bracketed here by the series of ln(1 − δ) (δ < 2⁻⁵², two terms and a bound)
        if ln_e is None:
            lo_e, hi_e = exp_interval(Fraction(1))
            d_lo, d_hi = (lo_e - E) / lo_e, (hi_e - E) / hi_e
            ln_e = (1 - d_hi - d_hi * d_hi, 1 - d_lo - d_lo * d_lo / 2)
        q = Fraction(v)
        ends = sorted([q * ln_e[0], q * ln_e[1]])
        lo, hi = exp_interval(ends[0])[0], exp_interval(ends[1])[1]
        assert nearest_in(lo, hi, pow_exp(v)), v


def test_tanh_is_correctly_rounded():
    r = random.Random(3)
    for v in [r.uniform(-20.0, 20.0) for _ in range(80)] + [1e-3, -0.25, 19.5]:
        lo_u, hi_u = exp_interval(2 * Fraction(v))          # u = e^(2v)
        lo, hi = (lo_u - 1) / (lo_u + 1), (hi_u - 1) / (hi_u + 1)   # increasing in u
        assert nearest_in(lo, hi, tanh(v)), v
    assert tanh(25.0) == 1.0 and tanh(-25.0) == -1.0 and tanh(-0.0) == -0.0


def test_the_models_stand_for_the_c_library():
    # glibc's pow and tanh are not correctly rounded everywhere; where they differ from
    # the model, the model is the nearer to the true value
    r = random.Random(11)
    differ = {"pow": 0, "tanh": 0}
    for _ in range(1000):
        v = r.uniform(-40.0, 40.0)
        if pow_exp(v) != math.e ** v:
            differ["pow"] += 1
        if tanh(v / 2) != math.tanh(v / 2):
            differ["tanh"] += 1
    assert differ["pow"] < 12 and differ["tanh"] < 60, differ
