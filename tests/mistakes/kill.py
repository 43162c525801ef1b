"""The kill matrix: which golden scenario catches which mistake (some bit of some state
differs from the contract's)."""
from ann_ref.core.bits import CANONICAL_NAN, float_to_bits
from ann_ref.core.checks import problem
from ann_ref.core.training import trajectory as reference_states

from . import states


def key(W, b):
    """A state as bits (every NaN the same, as in the files)."""
    return [CANONICAL_NAN if u != u else float_to_bits(u) for row in W for u in row] + [
        CANONICAL_NAN if b != b else float_to_bits(b)]


def reference(scenario):
    """The contract's states of a catalogue scenario, as bit keys."""
    s = scenario
    x, y, W, b, a, n, variant = problem(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                        s["iterations"], s["variant"])
    return [key(W_k, b_k) for W_k, b_k in reference_states(x, y, W, b, a, n, variant)]


def first_difference(mistake, scenario, expected):
    """The first iteration where the mistake's state differs from `expected` (bit keys),
    or None when every state agrees."""
    for k, (W, b) in enumerate(states(mistake, scenario)):
        if key(W, b) != expected[k]:
            return k
    return None


def matrix(mistakes, scenarios):
    """{(mistake id, scenario name): first diverging iteration or None}."""
    out = {}
    for s in scenarios:
        expected = reference(s)
        for m in mistakes:
            out[(m["id"], s["name"])] = first_difference(m, s, expected)
    return out


def table(result, mistakes, scenarios):
    """The matrix as Markdown: a row per mistake, a column per golden file (numbered,
    with a key below), ● where the file catches the mistake, · where it does not."""
    lines = ["| mistake | " + " | ".join(str(i + 1) for i in range(len(scenarios)))
             + " | caught by |",
             "|---|" + "---|" * len(scenarios) + "---|"]
    for m in mistakes:
        cells = ["●" if result[(m["id"], s["name"])] is not None else "·" for s in scenarios]
        lines.append("| `%s` | %s | %d |" % (m["id"], " | ".join(cells), cells.count("●")))
    lines.append("")
    lines.append("Files: " + ", ".join("%d `%s.json`" % (i + 1, s["name"])
                                       for i, s in enumerate(scenarios)) + ".")
    return "\n".join(lines) + "\n"
