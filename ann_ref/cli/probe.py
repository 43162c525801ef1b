"""`ann-ref probe`: every part of the step, tried on a backend, without a golden file."""
import json

from ..errors import UsageError
from .options import PROG


def add_parser(sub):
    p = sub.add_parser(
        "probe", help="try every part of the step on a backend: a table of what conforms",
        description="Run the backend on small scenarios, each built so that one part of "
        "the step (reading the scenario, exp and the sigmoid, the threshold, dW, db, the "
        "update and the division by m, the weighted sum z) shows exactly in the state after "
        "one update, and compare it with the contract (docs/SPEC.md): one line per part, "
        "'conforms' or what the backend does there, with the evidence. Unlike verify, which "
        "stops at the first divergence of a golden file, it shows every way the backend "
        "departs from the contract.")
    p.add_argument("--backend", metavar="CMD", required=True,
                   help="the backend: it gets each scenario on stdin and writes its trace "
                   "to stdout (as for verify)")
    p.add_argument("--batch", action="store_true",
                   help="start the backend once and give it one scenario per line (the "
                   "batch protocol of golden/README.md)")
    p.add_argument("--shape", metavar="F,O,S", default="3,2,8",
                   help="features, outputs and samples of the scenarios (default: 3,2,8; "
                   "2,1,4 for a backend that takes only the article's shape)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop the backend after this long, per scenario (default: 60)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run_command)


def _shape(text):
    try:
        shape = tuple(int(v) for v in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) != 3 or min(shape) < 1 or shape[2] < shape[0]:
        raise UsageError("%s probe: --shape %s: three whole numbers F,O,S with 1 ≤ F ≤ S"
                         % (PROG, text))
    return shape


def run_command(args, out):
    from ..oracle.backend import kind_of
    from ..oracle.experiment import Lab, survey
    shape = _shape(args.shape)
    if not args.timeout > 0:
        raise UsageError("%s probe: --timeout must be a positive number of seconds" % PROG)
    lab = Lab(args.backend, args.batch, args.timeout, most=60)
    try:
        rows = survey(lab, kind_of(args.backend), shape)
    finally:
        lab.close()
    departs = [r for r in rows if r.verdict == "departs"]
    if args.json:
        out.write(json.dumps({"backend": args.backend, "parts": [r.as_json() for r in rows],
                              "conforms": not departs and all(r.ran for r in rows),
                              "backend_runs": lab.processes, "scenarios": lab.scenarios},
                             ensure_ascii=False, sort_keys=True) + "\n")
    else:
        width = max(len(r.part) for r in rows)
        for r in rows:
            if r.finding is None:
                out.write("%-*s  %s%s\n" % (width, r.part, r.verdict,
                                            ": " + r.note if r.note else ""))
                continue
            f = r.finding
            out.write("%-*s  departs: %s%s — %s\n" % (width, r.part, f.id,
                                                       " (%s)" % f.detail if f.detail else "",
                                                       f.explanation))
            for line in f.evidence[:3]:
                out.write("%-*s    %s\n" % (width, "", line))
            if r.fix:
                out.write("%-*s    fix: %s\n" % (width, "", r.fix))
        out.write("%d parts: %d conform, %d depart, %d not run; %d scenarios, %d backend "
                  "processes\n" % (len(rows), len([r for r in rows if r.verdict == "conforms"]),
                                   len(departs), len([r for r in rows if not r.ran]),
                                   lab.scenarios, lab.processes))
    return 1 if departs or not all(r.ran for r in rows) else 0
