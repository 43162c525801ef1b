"""The layered diagnosis (ann_ref/oracle/layered.py) scored on the planted mistakes of
tests/mistakes/layers.py, which it never imports: for every mistake and every layered
golden file that catches it, is the planted cause named first, and listed?

    python3 benchmarks/diagnosis_score_layers.py

A named cause that is not the planted one but reproduces every obtained iteration to
the end counts apart: that file cannot tell the two mistakes apart. Mistakes run through
NumPy and node (tests/mistakes_external.py) are added when available.

    python3 benchmarks/diagnosis_score_layers.py --experiment [-j 2] [--only ID ...]

With --experiment each mistake is a backend (tests/mistakes/serve_layers.py) that
`verify GOLDEN --backend CMD --json` runs, and runs again for its experiments: the
planted cause must be named first by experiment (a mistake of backpropagation with its
detail and the layers where it was planted), and the report gives the backend processes
each divergence took (target ≤ 20) and the oracle's own CPU (its process, start-up
included, not the backend's; target < 2 s).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from ann_ref.catalogue.layers import SCENARIOS  # noqa: E402
from ann_ref.oracle.compare import compare  # noqa: E402
from ann_ref.oracle.diagnose import explain  # noqa: E402
from mistakes.layers import BACKPROP, mistakes, states, trace_lines, widths_of, \
    inputs  # noqa: E402
from mistakes_external import available  # noqa: E402

SERVE = os.path.join(ROOT, "tests", "mistakes", "serve_layers.py")
# `python3 -m ann_ref` that says on its last stderr line the CPU seconds of its own
# process: the oracle's work, without the backend's (its processes are children)
CPU = ("import runpy, sys, time\n"
       "sys.argv[0] = 'ann_ref'\n"
       "try:\n"
       "    runpy.run_module('ann_ref', run_name='__main__')\n"
       "finally:\n"
       "    sys.stderr.write('\\noracle cpu %.3f\\n' % time.process_time())\n")



def _planted(golden, mistake, scenario):
    """The comparison of the mistake's trace of the scenario with its golden file; None
    where the mistake cannot be made in that scenario."""
    run = states(mistake, scenario)
    if run is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.writelines(trace_lines(list(run)))
    try:
        return compare(golden, f.name)
    finally:
        os.remove(f.name)

def cause(mistake_id):
    return mistake_id.split(":", 1)[0]


def by_experiment(m, s, backprop):
    """verify GOLDEN --backend (the mistake served) --json: whether the planted cause is
    named first by experiment, the backend processes and the oracle's CPU."""
    golden = os.path.join(ROOT, "golden", "layers", s["name"] + ".json")
    backend = "%s %s %s" % (sys.executable, SERVE, m["id"])
    out = subprocess.run([sys.executable, "-c", CPU, "verify", golden, "--backend", backend,
                          "--json"], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(out.stdout)
    cpu = float(out.stderr.strip().rsplit(" ", 1)[1])
    if "error" in report:
        return {"mistake": m["id"], "file": s["name"], "right": False, "listed": False,
                "runs": 0, "cpu": cpu, "named": "error: %s" % report["error"][:300]}
    causes = report["causes"]
    first = causes[0] if causes else {}
    planted, _, detail = m["id"].partition(":")
    ids = [c.get("id") for c in causes]
    parts = planted.split("+")
    # a pair: one of its mistakes first, the other listed too; float32 differs from
    # state 0 on, where there is no agreeing state to experiment from
    right = (first.get("by") == "experiment" or report["diagnosed_by"] == "inference"
             and report["first_divergence"]["iteration"] == 0) and \
        (first.get("id") == planted or len(parts) > 1 and first.get("id") in parts and
         all(p in ids for p in parts))
    if m["id"] in backprop:
        x, _, layers, _, _, _ = inputs(s)
        where = list(m["placement"](widths_of(x, layers), len(x[0])))
        right = right and (first.get("detail") or "") == detail and first["layers"] == where
    return {"mistake": m["id"], "file": s["name"], "right": right,
            "listed": planted in ids or len(parts) > 1 and all(p in ids for p in parts),
            "runs": report["backend_runs"], "cpu": cpu,
            "named": ", ".join("%s%s (%s, %s)" % (c["id"], ":" + c["detail"] if c.get("detail")
                                                  else "", c.get("by"), c.get("layers", ""))
                               for c in causes[:2]) or "no cause"}


def experiment(jobs, only):
    backprop = {m["id"] for m in BACKPROP}
    pairs = []
    # served by tests/mistakes/serve_layers.py, an x86-64 program: no x87 registers,
    # which the oracle rightly rules out (tests/test_diagnose.py has a real x87 backend)
    served = [m for m in mistakes() if not m["id"].startswith("extended-precision")]
    print("not scored by experiment (an x86-64 program cannot have x87 registers): %s"
          % ", ".join(m["id"] for m in mistakes() if m["id"].startswith("extended-precision")))
    for s in SCENARIOS:
        golden = os.path.join(ROOT, "golden", "layers", s["name"] + ".json")
        for m in served:
            if only and m["id"] not in only:
                continue
            report = _planted(golden, m, s)
            if report is not None and not report.agree:
                pairs.append((m, s))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda p: by_experiment(p[0], p[1], backprop), pairs))
    right = [r for r in results if r["right"]]
    bp = [r for r in results if r["mistake"] in backprop]
    print("%d pairs of a mistake and a layered file that catches it, by experiment: the "
          "planted cause named first in %d, listed in %d" % (
              len(results), len(right), len([r for r in results if r["listed"]])))
    print("mistakes of backpropagation: %d of %d named first by experiment, with the "
          "layers where they were planted" % (len([r for r in bp if r["right"]]), len(bp)))
    runs = sorted(r["runs"] for r in results)
    cpu = sorted(r["cpu"] for r in results)
    print("backend processes per divergence: median %d, most %d (target ≤ 20)" % (
        runs[len(runs) // 2], runs[-1]))
    slowest = max(results, key=lambda r: r["cpu"])
    print("the oracle's own CPU per divergence (its process, start-up included): median "
          "%.2f s, most %.2f s (%s on %s; target < 2 s)" % (
              cpu[len(cpu) // 2], cpu[-1], slowest["mistake"], slowest["file"]))
    for r in results:
        if not r["right"]:
            print("  %s on %s: %s" % (r["mistake"], r["file"], r["named"]))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--experiment", action="store_true",
                   help="each mistake as a backend, diagnosed by experiment")
    p.add_argument("-j", type=int, default=2)
    p.add_argument("--only", nargs="*", help="mistake ids to plant (default: all)")
    args = p.parse_args(argv)
    if args.experiment:
        return experiment(args.j, args.only)
    backprop = {m["id"] for m in BACKPROP}
    counts = {"pairs": 0, "first": 0, "listed": 0, "same trace": 0,
              "backprop": 0, "backprop first": 0}
    slowest, missed = 0.0, []
    for s in SCENARIOS:
        golden = os.path.join(ROOT, "golden", "layers", s["name"] + ".json")
        for m in mistakes(available()):
            report = _planted(golden, m, s)
            if report is None or report.agree:
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
