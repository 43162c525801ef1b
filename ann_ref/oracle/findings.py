"""What a diagnosis is made of, shared by the inference of one layer (diagnose.py), of
layers (layered.py), of binary32 (models32.py) and by the experiments: a Cause (a model
and how far it reproduces the run), the Diagnosis of a report, the Family of models a
scenario's arithmetic calls for, and the Budget of work, counted in values computed.
"""
from ..core.bits import CANONICAL_NAN, bits_to_float, float_to_bits
from .causes import tells_apart

# How much work a diagnosis may do, in values computed (one step of a model costs about
# F·S·O + S·O)
EVIDENCE_WORK = 250000          # running the candidates on, after the divergence
BEFORE_WORK = 60000             # checking them on the agreeing states before it
PAIR_WORK = 150000              # trying pairs


class Budget:
    def __init__(self, work, size):
        self.left = work
        self.size = size

    def spend(self, steps=1):
        """False once the work is used up."""
        self.left -= steps * self.size
        return self.left >= 0


class Cause:
    """A model that reproduces the diverging step, and how far it goes on doing so."""

    def __init__(self, model, first, rank):
        self.model = model
        self.id, self.detail = model.id, model.detail
        self.explanation = model.does
        self.first = self.last = first     # iterations reproduced: first … last
        self.cut = False                   # still reproducing when the work ran out
        self.rank = rank
        self.experimental = None           # the experiment.Finding that established it
        self.fix = ""

    @property
    def reproduced(self):
        return self.last - self.first + 1

    def line(self):
        name = self.model.name
        detail = " (%s)" % name if name != self.id else ""
        if self.experimental is not None:
            return "found by experiment: %s departs — %s%s: %s" % (
                PART_NAMES.get(self.experimental.part, self.experimental.part), self.id,
                detail, self.explanation)
        span = ("iteration %d" % self.first if self.first == self.last else
                "iterations %d–%d" % (self.first, self.last))
        if self.cut:
            span += " (and on, when the search stopped)"
        return "consistent with: %s%s — reproduces %s: %s" % (
            self.id, detail, span, self.explanation)

    def as_json(self):
        out = {"id": self.id, "detail": self.detail or None,
               "reproduces": {"from": self.first, "to": self.last,
                              "iterations": self.reproduced, "complete": not self.cut},
               "explanation": self.explanation, "fix": self.fix,
               "by": "experiment" if self.experimental is not None else "inference"}
        if self.experimental is not None:
            out["part"] = self.experimental.part
            out["evidence"] = list(self.experimental.evidence)
        return out


PART_NAMES = {"z": "the weighted sum z", "t": "exp", "s": "the sigmoid",
              "y_pred": "the threshold (y_pred)", "e": "the error e", "dW": "dW",
              "db": "db", "update": "the update"}


class Diagnosis:
    """What explains the first divergence at iteration k."""

    def __init__(self, k):
        self.k = k
        self.golden_inconsistent = False
        self.causes = []             # ranked Cause objects
        self.ambiguous = []          # ids that fit as well as the first
        self.steps = None            # the contract's intermediates of step k
        self.trial = None            # the intermediates of the best (or nearest) cause
        self.trial_name = None
        self.samples = []            # (o, j) of the samples that matter
        self.notes = []
        self.experiments = []        # what experiment.py ran, and what each showed

    def tells_apart(self):
        if len(self.ambiguous) < 2:
            return ""
        return "; ".join("%s: %s" % (i, tells_apart(i)) for i in self.ambiguous)


def _bits(v):
    return CANONICAL_NAN if v != v else float_to_bits(v)


class Family:
    """The models a diagnosis tries for one layout of the contract: its own step
    (spec), the models of other steps, the pairs real backends make, and how a state's
    bit patterns become the floats the models take (binary64 patterns, or binary32
    ones held in floats)."""

    def __init__(self, spec, models, common_pairs=(), value_of=bits_to_float, nudged=None,
                 cost=1):
        self.spec, self.models, self.common_pairs = spec, models, common_pairs
        self.value_of = value_of
        self.nudged = nudged              # an exp found off by some ULPs, without a model
        self.cost = cost                  # what a value costs its models, in work

    def floats(self, W_bits, b_bits):
        f = self.value_of
        return [[f(n) for n in row] for row in W_bits], f(b_bits)


def _next_state(model, x, y, W, b, a, variant):
    """The bits of the model's next state, or None where it cannot run."""
    try:
        return model.state(model.step(x, y, W, b, a, variant))
    except (ArithmeticError, ValueError, TypeError, IndexError):
        return None


def greedy_nudges(arguments, distance):
    """An exp (or s) off by an ULP or two where no model says: the table {argument: k}
    built one argument at a time, each taking the nudge k of 1, −1, 2, −2 that brings
    distance(table) — how many values differ from the backend's — lowest, until none
    differs. (table, distance); (None, None) when distance({}) is None."""
    table, best = {}, distance({})
    if best is None:
        return None, None
    for n in arguments:
        if best == 0:
            break
        chosen = None
        for k in (1, -1, 2, -2):
            trial = dict(table)
            trial[n] = k
            d = distance(trial)
            if d is not None and d < best:
                best, chosen = d, trial
        if chosen is not None:
            table = chosen
    return table, best
