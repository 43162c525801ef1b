"""Why a layered network's trace diverges (docs/SPEC.md §9): the layer and the part of
the step where the backend departs, inferred from the states."""
from .diagnose import Diagnosis


def explain(report):
    """Attach a Diagnosis to a report of a layered network: the first diverging
    iteration, and where no model explains it, a note that says so."""
    d = Diagnosis(report.first.k)
    report.diagnosis = d
    d.notes.append("a layered network's divergence is shown, not yet explained")
