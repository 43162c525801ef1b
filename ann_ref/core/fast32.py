"""The article's step in binary32 (docs/SPEC.md §10), on floats: model.step on
single.BINARY32, one layer and one shared b, with the same bits and less work; what
training.trajectory runs in binary32 (tests/test_binary32_fast.py proves the bits equal).

A float holds every binary32 value exactly, and a +, −, × or ÷ of two binary32 values
computed in binary64 and rounded to binary32 is the binary32 result (single.py). So each
operation of the contract is a float operation, then a rounding to binary32; struct
rounds a whole row of values at once (a C cast each, one IEEE rounding). The step is
arranged in such rows of independent operations, the contract's order kept within
every sum:
- z: the products W[0][o]·x[0][j] of every sample j, then feature after feature its
  products added, each rounded; b added last;
- logistic: 1 + e^(−z), s = 1 / (1 + e^(−z)) and e = s − y, row after row; then the
  products x[f][j]·e[j] of every feature and sample;
- threshold: e is 1 − y or 0 − y, and so are its products: both are rounded once per run.
  y_pred = 1 exactly where z ≥ Z* (arithmetic.py: s is monotone), decided on z + b
  before its rounding: rounding is monotone too, so round32(v) ≥ Z* exactly when v ≥ T,
  T the least binary64 that rounds to Z* or above (_decision);
- dW and db: a lane per feature and one for db, whose "product" is e[j] itself, each a
  running sum over the samples from its first term, every lane added at once; db runs on
  over every output (row by row); then Σ/m, a·(Σ/m) and W − a·(Σ/m) of every lane, b's
  from the last output's.

The step is written out for the run's shape — Python source with one local variable per
value of a row, compiled once by exec() — because CPython runs such straight-line code
several times as fast as loops over short rows. struct refuses a finite float that
rounds to ±inf: the step is then computed again with array("f"), which casts without
refusing (and which rounds every row where struct has no Struct). Where exec is missing,
or the shape too large to write out, the readable step runs instead, on Singles.
"""
import struct

from .model import THRESHOLD

BLOCK = 32                 # the most samples a block of the written-out step holds
Z = -0x17FFFFC * 2.0 ** -47    # Z*, b43ffffe (arithmetic.py; tests check it is z_star())
T = -0x17FFFFD * 2.0 ** -47    # the midpoint of Z* and the binary32 below: the tie goes
#                                to Z* (its last bit is even), so T is the least v whose
#                                rounding to binary32 is Z* or above


def _rounding(n, cast=False):
    """(pack, unpack): unpack(pack(*values)) rounds n floats to binary32: with struct,
    which raises OverflowError where one rounds to ±inf; or (cast, or where struct has
    no Struct) with array("f"), which never refuses."""
    try:
        if not cast:
            shape = struct.Struct("<%df" % n)
            return shape.pack, shape.unpack
    except AttributeError:                 # MicroPython
        pass
    from array import array
    return (lambda *values: array("f", values)), list


def source(F, B, O, variant, decided):
    """The written-out step for F features, O outputs and samples in blocks of B: make()
    gives step(W, b) → the new W and b of each output, a row of F + 1 values."""
    L = F + 1

    def row(template, n=B):               # template with # = 0 … n−1, each with a comma
        return "".join(template.replace("#", str(k)) + "," for k in range(n))

    def rounded(target, terms, n="B"):    # target = the row terms, rounded to binary32
        return "  %s=u%s(p%s(%s))" % (target, n, n, terms)
    z, g, w = row("z#"), row("g#", L), row("w#", F)
    lines = ["def make(blocks,T,m,a,exp,pB,uB,pL,uL,pQ,uQ):",
             " def block(%sb,x,y,h,l,n,g,db):" % w]
    lines += ["  %s=x[%d]" % (row("x%d_#" % f), f) for f in range(F)]
    lines += [rounded(z, row("w0*x0_#"))]
    for f in range(1, F):
        lines += [rounded(row("p#"), row("w%d*x%d_#" % (f, f))), rounded(z, row("z#+p#"))]
    test = "z#+b>=T"                      # y_pred = 1 exactly where z ≥ Z*
    if not decided:
        lines += [rounded(z, row("z#+b")), rounded(z, row("1.0+exp(-z#)")),
                  rounded(z, row("1.0/z#"))]
        test = "z#>=0.5"
    if variant == THRESHOLD:
        lines += ["  r=iter((%s)[:n])" % row("h[#] if %s else l[#]" % test)]
    else:
        lines += ["  %s=y" % row("y#"), rounded(row("e#"), row("z#-y#")),
                  rounded("r", "".join(row("x#_%d*e%d" % (j, j), F) + "e%d," % j
                                       for j in range(B)), "Q"),
                  "  r=zip(*[iter(r[:n*%d])]*%d)" % (L, L)]
    lines += ["  if g:\n   %s=g\n  else:\n   %s=next(r)" % (g, g),
              "   if db is not None:", "  " + rounded(g, row("g#", F) + "db+g%d" % F, "L"),
              "  for %sin r:" % row("q#", L), " " + rounded(g, row("g#+q#", L), "L"),
              "  return %s" % g,
              " def step(W,b):\n  new=[]\n  db=None\n  for o in range(%d):" % O,
              "   %s=[r[o] for r in W]\n   g=None" % w,
              "   for x,y,h,l,n in blocks[o]:\n    g=block(%sb,x,y,h,l,n,g,db)" % w,
              "   %s=g\n   db=g%d" % (g, F),
              " " + rounded(g, row("g#/m", L), "L"), " " + rounded(g, row("a*g#", L), "L"),
              "   new.append(uL(pL(%sb-g%d)))\n  return new\n return step\n" % (
                  row("w#-g#", F), F)]
    return "\n".join(lines)


def stepper32(A, x, y, a, variant=THRESHOLD):
    """step((W, b)) → (W, b): model.step on one layer [(W, b)] in the binary32 contract,
    same bits, for numbers that are floats holding binary32 values (single.FLOATS32)."""
    from .binary32 import exp32, round32_list as rounded
    F, S, O = len(x), len(x[0]), len(y)
    L = F + 1
    count = (S + BLOCK - 1) // BLOCK
    B = (S + count - 1) // count          # blocks of B samples, the last one padded
    threshold = variant == THRESHOLD
    names = {}
    try:
        exec(source(F, B, O, variant, threshold and A.exact and A.z_star() == Z), names)
    except NameError:                     # no exec: fast.py's step on Singles
        return _on_singles(x, y, a, variant)
    def part(row, k):                     # samples k … k+B−1 of a row, padded with 0.0
        return tuple(row[k:k + B] + [0.0] * (k + B - min(S, k + B)))

    def lanes(e):                         # the lanes' products of e, sample after sample
        return [tuple(rounded([r[j] * e[j] for r in x] + [e[j]])) for j in range(S)]
    hit = miss = [[0.0] * S] * O
    if threshold:                         # e where y_pred = 1, and where y_pred = 0
        hit = [lanes(rounded([1.0 - t for t in r])) for r in y]
        miss = [lanes(rounded([0.0 - t for t in r])) for r in y]
    blocks = [[([part(r, k) for r in x], part(y[o], k), part(hit[o], k), part(miss[o], k),
                min(B, S - k)) for k in range(0, S, B)] for o in range(O)]
    fast, slow = (names["make"](blocks, T, A.of(S), a, exp32 if A.exact else A.exp,
                                *_rounding(B, cast) + _rounding(L, cast) +
                                _rounding(B * L, cast)) for cast in (0, 1))

    def step(state):
        try:
            new = fast(*state)
        except OverflowError:             # a result rounds to ±inf: struct refused it
            new = slow(*state)
        return [[u[f] for u in new] for f in range(F)], new[-1][F]
    return step


def _on_singles(x, y, a, variant):
    """fast.py's step on single.BINARY32's Singles, taking and giving floats."""
    from .fast import stepper
    from .single import Single, BINARY32

    def singles(M):
        return [[Single(v) for v in r] for r in M]
    step = stepper(BINARY32, singles(x), singles(y), Single(a), variant)

    def on_floats(state):
        W, b = step((singles(state[0]), Single(state[1])))
        return [[v.v for v in r] for r in W], b.v
    return on_floats
