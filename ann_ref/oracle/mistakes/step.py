"""The step of docs/SPEC.md §3, written out again from the spec (not from ann_ref.core)
with every operation a method, so that each mistake is this step with one method done
another way.

Names are the article's: x, y, W, b, z, s, y_pred, e, dW, db, m, a. The sums of dW and
db are kept undivided as "totals" until new_weight, so that a mistake may divide them
another way (by a reciprocal, or folded into a).
"""
from ...core.exponential import exp as correct_exp


class Spec:
    """docs/SPEC.md, version 1: binary64, each operation rounded on its own."""

    # --- the arithmetic (§1) ---------------------------------------------------------
    def load(self, v):                    # an input number as this machine holds it
        return v

    def mul(self, p, q):
        return p * q

    def add(self, p, q):
        return p + q

    def sub(self, p, q):
        return p - q

    def div(self, p, q):
        return p / q

    def sum(self, terms):
        """One running sum from the first term, left to right (§3 "Sums")."""
        total = terms[0]
        for t in terms[1:]:
            total = self.add(total, t)
        return total

    def dot(self, u, v):
        """Σ u[i]·v[i]: each product rounded, then summed left to right."""
        return self.sum([self.mul(p, q) for p, q in zip(u, v)])

    # --- the steps (§3) ----------------------------------------------------------------
    def weighted_sum(self, W_column, x_column, b):
        """Step 1: z = (W[0]·x[0] ⊕ … ⊕ W[F−1]·x[F−1]) ⊕ b, b last."""
        return self.add(self.dot(W_column, x_column), b)

    def exp_row(self, values):
        """Step 2: exp, correctly rounded (§4), of every argument of one output."""
        return [correct_exp(v) for v in values]

    def sigmoid_row(self, z_row):
        """Steps 2–3: s = 1 ⊘ (1 ⊕ exp(−z))."""
        t = self.exp_row([-v for v in z_row])
        return [self.div(1.0, self.add(1.0, v)) for v in t]

    def predict(self, s):
        """Step 4: y_pred = 1 if s ≥ 0.5 (a NaN compares false)."""
        return 1.0 if s >= 0.5 else 0.0

    def error(self, u, y):
        """Step 5: e = y_pred ⊖ y (threshold) or s ⊖ y (logistic)."""
        return self.sub(u, y)

    def dW_total(self, x_row, e_row):
        """Step 6 before the division: Σ_j x[f][j]·e[o][j], left to right."""
        return self.dot(x_row, e_row)

    def db_total(self, e):
        """Step 7 before the division: every e, row by row, left to right."""
        return self.sum([v for row in e for v in row])

    def mean(self, total, m):
        return self.div(total, m)

    def update(self, w, a, d):
        """Step 8: w ⊖ (a ⊗ d), the product rounded first."""
        return self.sub(w, self.mul(a, d))

    def new_weight(self, w, a, total, m):
        return self.update(w, a, self.mean(total, m))

    def state(self, v):                   # a state as it is written to a trace
        return v

    # --- one iteration -----------------------------------------------------------------
    def step(self, x, y, W, b, a, logistic):
        F, S, O = len(x), len(x[0]), len(y)
        m = self.load(float(S))
        x_columns = [[x[f][j] for f in range(F)] for j in range(S)]
        W_columns = [[W[f][o] for f in range(F)] for o in range(O)]
        z = [[self.weighted_sum(W_columns[o], x_columns[j], b) for j in range(S)]
             for o in range(O)]
        s = [self.sigmoid_row(row) for row in z]
        e = [[self.error(s[o][j] if logistic else self.predict(s[o][j]), y[o][j])
              for j in range(S)] for o in range(O)]
        W_next = [[self.new_weight(W[f][o], a, self.dW_total(x[f], e[o]), m)
                   for o in range(O)] for f in range(F)]
        b_next = self.new_weight(b, a, self.db_total(e), m)
        return W_next, b_next
