"""The layered diagnosis (ann_ref/oracle/layered.py) scored on the planted mistakes of
tests/mistakes/layers.py, which it never imports: for every mistake and every layered
golden file that catches it, is the planted cause named first, and listed?

    python3 benchmarks/diagnosis_score_layers.py

A named cause that is not the planted one but reproduces every obtained iteration to
the end counts apart: that file cannot tell the two mistakes apart. Mistakes run through
NumPy and node (tests/mistakes_external.py) are added when available.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from ann_ref.catalogue.layers import SCENARIOS  # noqa: E402
from ann_ref.oracle.compare import compare  # noqa: E402
from ann_ref.oracle.diagnose import explain  # noqa: E402
from mistakes.layers import BACKPROP, mistakes, states, trace_lines  # noqa: E402
from mistakes_external import available  # noqa: E402


def cause(mistake_id):
    return mistake_id.split(":", 1)[0]


def main():
    backprop = {m["id"] for m in BACKPROP}
    counts = {"pairs": 0, "first": 0, "listed": 0, "same trace": 0,
              "backprop": 0, "backprop first": 0}
    slowest, missed = 0.0, []
    for s in SCENARIOS:
        golden = os.path.join(ROOT, "golden", "layers", s["name"] + ".json")
        for m in mistakes(available()):
            run = states(m, s)
            if run is None:
                continue
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
                f.writelines(trace_lines(list(run)))
            try:
                report = compare(golden, f.name)
            finally:
                os.remove(f.name)
            if report.agree:
                continue
            start = time.process_time()
            explain(report)
            slowest = max(slowest, time.process_time() - start)
            causes = report.diagnosis.causes
            ids = [c.id for c in causes]
            counts["pairs"] += 1
            first = ids[:1] == [cause(m["id"])]
            counts["first"] += first
            counts["listed"] += cause(m["id"]) in ids
            if m["id"] in backprop:
                counts["backprop"] += 1
                counts["backprop first"] += causes[0].model.name.split(" in ")[0] == m["id"]
            if not first:
                whole = causes and not causes[0].cut and \
                    causes[0].last == report.expected_entries - 1
                counts["same trace"] += bool(whole)
                missed.append("%s on %s: %s%s" % (m["id"], s["name"], ", ".join(
                    c.model.name for c in causes[:2]) or "no cause",
                    " (the same trace to the end)" if whole else ""))
    print("%(pairs)d pairs of a mistake and a layered file that catches it: the planted "
          "cause named first in %(first)d, listed in %(listed)d; of the others, %(same "
          "trace)d name a cause whose trace is the planted one's to the end" % counts)
    print("mistakes of backpropagation: %(backprop first)d of %(backprop)d named first, "
          "in the layers where they were planted" % counts)
    print("slowest diagnosis: %.2f s of CPU" % slowest)
    for line in missed:
        print("  " + line)


if __name__ == "__main__":
    main()
