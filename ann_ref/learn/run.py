"""A scenario trained once, for the learner commands (train, article, explain, plot):
its states, the last update that changed the state, each iteration's intermediates and
what each state predicts — all from the core's one step and one fixed-point detector."""
from ..core.arithmetic import BINARY64
from ..core.training import trajectory
from .loss import cross_entropy, misclassified, outputs
from .steps import Step


class Run:
    """The states 0..N of the scenario s, computed as far as they are asked for and
    kept up to the first that the next update leaves unchanged (every later state is
    that one, however large N is)."""

    def __init__(self, s, A=BINARY64):
        self.s, self.A, self.n = s, A, s["iterations"]
        self._trajectory = trajectory(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                  self.n, s["variant"], A)
        self._states = iter(self._trajectory)
        self.kept = []
        self._assessed = {}

    def state(self, k):
        """(W, b) after k updates (0 ≤ k ≤ N)."""
        while len(self.kept) <= k and self._trajectory.fixed is None:
            self.kept.append(next(self._states))
        return self.kept[min(k, len(self.kept) - 1)]

    @property
    def settled(self):
        """The last update that changed the state: 0 when none did, N when the last one
        still did (the states are computed up to it, or up to N)."""
        self.state(self.n)
        if self._trajectory.fixed is None:
            for _ in self._states:        # past state N: the trajectory knows it now
                pass
        return self._trajectory.settled

    @property
    def fixed(self):
        """The first update that changed nothing, or None."""
        self.state(self.n)
        return self._trajectory.fixed

    def step(self, k):
        """Every intermediate of iteration k, from state k − 1 to state k."""
        W, b = self.state(k - 1)
        s = self.s
        return Step(s["x"], s["y"], W, b, s["learning_rate"], s["variant"], self.A)

    def assess(self, k):
        """(y_pred, misclassified, mean cross-entropy) of state k."""
        W, b = self.state(k)
        if id(W) not in self._assessed:
            s, y_pred = outputs(self.s["x"], W, b, self.A)
            self._assessed[id(W)] = (y_pred, misclassified(y_pred, self.s["y"]),
                                     cross_entropy(s, self.s["y"]))
        return self._assessed[id(W)]
