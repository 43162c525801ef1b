"""A comparison and its diagnosis, told two ways: text for people (capped at a number of
lines, the causes never dropped to fit) and one JSON object for programs."""
from ..core.bits import float_to_bits
from .values import show

STEP_NAMES = ("z", "exp(−z)", "s", "y_pred", "e")
MOST_SAMPLES = 3
FULL_CAUSES = 5                 # causes given a line of their own; the rest share one


def _bits(v):
    return 0x7FF8000000000000 if v != v else float_to_bits(v)


def _show(v):
    return show(_bits(v))


def _bits32(v):
    from ..core.binary32 import float_to_bits32
    return 0x7FC00000 if v != v else float_to_bits32(v)


def _formats(d):
    """(bits, show, digits) of the values of a diagnosis: binary64 patterns, or binary32
    ones where its models are the binary32 contract's (docs/SPEC.md §10)."""
    family = getattr(d, "family", None)
    if family is not None and family.spec.A.format == "binary32":
        return _bits32, lambda v: show(_bits32(v), 8), 8
    return _bits, _show, 16


# --- text ----------------------------------------------------------------------------

def cause_lines(d, room=None):
    """The verdict: the golden file blamed, or every consistent cause, best first, one
    line each while `room` lasts, the rest together in one line."""
    if d is None:
        return []
    if d.golden_inconsistent:
        return ["golden file inconsistent: " + d.notes[0]]
    extra = []
    if d.ambiguous:
        extra.append("ambiguous: %s fit equally well; a scenario that tells them apart: %s"
                     % (", ".join(d.ambiguous), d.tells_apart()))
    causes = d.causes
    found = [c for c in causes if c.experimental is not None]
    if found:                            # established by experiment: each with its evidence
        # twice the room of inferred causes, each cause's line first, then its fix, then
        # its evidence, as far as the room goes (no cause lost to another's evidence)
        left = 2 * room if room is not None else float("inf")
        blocks = [[c.line()] for c in found[:int(min(left, len(found)))]]
        left -= len(blocks)
        extras = [[("  fix: " + c.fix) if c.fix else None for c in found]] + [
            [("  " + c.experimental.evidence[i]) if len(c.experimental.evidence) > i
             else None for c in found] for i in range(2)]
        for row in extras:
            for block, line in zip(blocks, row):
                if line is not None and left > 0:
                    block.append(line)
                    left -= 1
        for block in blocks:              # in reading order: evidence, then the fix
            block[1:] = sorted(block[1:], key=lambda line: line.startswith("  fix: "))
        return [line for block in blocks for line in block]
    if room is not None and len(causes) + len(extra) > room:
        full = max(0, room - len(extra) - 1)
        rest = causes[full:]
        return [c.line() for c in causes[:full]] + extra + [
            ("also consistent with: " if full else "consistent with: ") + _spans(rest)]
    return [c.line() for c in causes] + extra


def _spans(causes):
    return ", ".join("%s (%s)" % (c.model.name, "%d–%d" % (c.first, c.last)
                                  if c.last > c.first else "%d" % c.first) for c in causes)


def short_causes(d):
    """The verdict in one line."""
    if d is None:
        return ""
    if d.golden_inconsistent:
        return "golden file inconsistent at iteration %d" % d.k
    if not d.causes:
        return "no modelled cause reproduces step %d" % d.k if d.k else ""
    text = "consistent with: " + _spans(d.causes)
    if d.ambiguous:
        text += "; ambiguous: " + ", ".join(d.ambiguous)
    return text


def _where(o, j, outputs):
    return "sample %d" % j if outputs == 1 else "[%d][%d]" % (o, j)


def step_lines(d):
    """The diverging step recomputed, at the samples that matter, beside the best (or
    nearest) model's values where they differ."""
    if d is None or d.steps is None or d.golden_inconsistent:
        return []
    spec, trial, name = d.steps, d.trial, d.trial_name
    _bits, _show, _ = _formats(d)
    outputs = len(spec["z"])
    samples = d.samples[:MOST_SAMPLES]
    total = len(spec["z"]) * len(spec["z"][0])
    which = ", ".join(_where(o, j, outputs) for o, j in samples)
    if len(d.samples) > len(samples):
        which += " and %d more" % (len(d.samples) - len(samples))
    lines = ["step %d recomputed from iteration %d, where every bit agrees (%s of %d%s):"
             % (d.k, d.k - 1, which, total,
                ", where %s parts from the spec" % name if trial is not None and d.samples
                and _differs(spec, trial, d.samples[0], _bits) else "")]
    for key in STEP_NAMES:
        cells = []
        for o, j in samples:
            u = spec[key][o][j]
            cell = "%s %s" % (_where(o, j, outputs), _show(u)) if len(samples) > 1 else _show(u)
            if trial is not None and _bits(trial[key][o][j]) != _bits(u):
                cell += " [%s: %s]" % (name, _show(trial[key][o][j]))
            cells.append(cell)
        lines.append("  %-8s %s" % (key, "; ".join(cells)))
    for key in ("dW", "db"):
        values = [v for row in spec[key] for v in row] if key == "dW" else [spec[key]]
        text = ", ".join(_show(v) for v in values[:4])
        if len(values) > 4:
            text += ", ... (%d values)" % len(values)
        if trial is not None and key in trial:
            other = [v for row in trial[key] for v in row] if key == "dW" else [trial[key]]
            if [_bits(v) for v in other] != [_bits(v) for v in values]:
                text += " [%s: %s]" % (name, ", ".join(_show(v) for v in other[:4]))
        lines.append("  %-8s %s" % (key, text))
    return lines


def _differs(spec, trial, sample, bits=_bits):
    o, j = sample
    return any(bits(spec[n][o][j]) != bits(trial[n][o][j]) for n in STEP_NAMES)


def text(report, max_lines):
    """The report: one line on agreement; otherwise at most max_lines lines, in which the
    summary and every consistent cause come first (in one line if need be)."""
    if report.agree:
        return report.summary() + "\n"
    d = report.diagnosis
    s = report.scenario
    head = "%s (%s, %s, %d iterations) against %s" % (
        report.golden, s["name"], s["variant"], s["iterations"], report.trace)
    context = ["scenario differs: %s" % x for x in report.scenario_differences[:3]]
    if report.nan_repaired:
        context.append("note: %d NaN bit patterns of the trace were not the canonical "
                       "7ff8000000000000; NaNs are compared as NaN" % report.nan_repaired)
    shown = [dv.line() for dv in report.divergences]
    summary = report.summary()
    verdict = cause_lines(d, max(1, min(FULL_CAUSES, max_lines - 3)))
    hints = ["hint: " + n for n in (d.notes[1:] if d and d.golden_inconsistent else
                                    (d.notes if d else []))]
    steps = step_lines(d)
    room = max_lines - 1 - len(verdict)
    if room < 0:                         # the causes in one line, or with the summary
        verdict = [short_causes(d)] if d else []
        room = max_lines - 1 - len(verdict)
        if room < 0:
            return summary + ("; " + verdict[0] if verdict and verdict[0] else "") + "\n"
    use_head = room >= 1
    room -= use_head
    first = shown[:1] if room >= 1 else []
    room -= len(first)
    context = context[:room]
    room -= len(context)
    steps = steps[:room] if room >= 3 else []
    room -= len(steps)
    hints = hints[:room]
    room -= len(hints)
    more = shown[1:1 + room]
    listed = first + more
    if report.diverging_iterations and len(report.divergences) > len(listed):
        summary += " (more values differ than are shown)"
    lines = ([head] if use_head else []) + context + listed + [summary] + steps + verdict \
        + hints
    return "\n".join(lines) + "\n"


# --- JSON ----------------------------------------------------------------------------

def _divergence(dv):
    if dv is None:
        return None
    field, index = dv.field, None
    if field.startswith("W["):
        index = [int(n) for n in field[2:-1].split("][")]
        field = "W"
    return {"iteration": dv.k, "field": field, "index": index,
            "expected": "%0*x" % (dv.digits, dv.expected),
            "obtained": "%0*x" % (dv.digits, dv.obtained),
            "kind": dv.kind, "ulps": dv.ulps,
            "distance": dv.ulps if dv.kind == "ulps" else dv.kind}


def as_json(report):
    """The report as one JSON-ready object."""
    d = report.diagnosis
    out = {
        "agree": report.agree,
        "golden": report.golden,
        "trace": report.trace,
        "iterations": report.expected_entries,
        "iterations_compared": report.compared,
        "obtained_entries": report.obtained_entries,
        "diverging_iterations": report.diverging_iterations,
        "beyond_tolerance": report.beyond_tolerance,
        "max_ulp": report.max_ulp,
        "first_divergence": _divergence(report.first),
        "largest": _divergence(report.largest),
        "scenario_differences": list(report.scenario_differences),
        "golden_inconsistent": bool(d and d.golden_inconsistent),
        "causes": [c.as_json() for c in d.causes] if d else [],
        "diagnosed_by": ("experiment" if d and d.experiments else "inference") if d else None,
        "experiments": [e.as_json() for e in d.experiments] if d else [],
        "backend_runs": getattr(d, "runs", 0) if d else 0,
        "ambiguous": list(d.ambiguous) if d else [],
        "tells_apart": d.tells_apart() if d else "",
        "notes": list(d.notes) if d else [],
        "summary": report.summary(),
    }
    if d is not None and d.steps is not None and not d.golden_inconsistent:
        bits, _, digits = _formats(d)
        out["step"] = {
            "iteration": d.k,
            "samples": [list(sj) for sj in d.samples],
            "compared_with": d.trial_name,
            "spec": {n: {"%d,%d" % (o, j): "%0*x" % (digits, bits(d.steps[n][o][j]))
                         for o, j in d.samples} for n in STEP_NAMES},
        }
    return out


__all__ = ["text", "as_json", "cause_lines", "short_causes"]
