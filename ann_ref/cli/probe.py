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
        "departs from the contract. With --layers, the same for a network of layers "
        "(docs/SPEC.md §9): the sigmoid, dW and db, the error carried back into every "
        "layer below the output and its db, the update and the weighted sum, each part of "
        "the layer it shows in.")
    p.add_argument("--backend", metavar="CMD", required=True,
                   help="the backend: it gets each scenario on stdin and writes its trace "
                   "to stdout (as for verify)")
    p.add_argument("--batch", action="store_true",
                   help="start the backend once and give it one scenario per line (the "
                   "batch protocol of golden/README.md)")
    p.add_argument("--shape", metavar="F,O,S", default="3,2,8",
                   help="features, outputs and samples of the scenarios (default: 3,2,8; "
                   "2,1,4 for a backend that takes only the article's shape)")
    p.add_argument("--layers", metavar="N0,N1,...,NL",
                   help="probe a backend of networks of layers (docs/SPEC.md §9) with "
                   "networks of these widths: features, the units of each layer, outputs "
                   "(2,2,1 for XOR's network); --shape is then not used")
    p.add_argument("--samples", type=int, metavar="S",
                   help="with --layers, the samples of every scenario (default: 8; the "
                   "number a backend that takes only its own shape expects)")
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


def _widths(text, samples):
    try:
        widths = [int(v) for v in text.split(",")]
    except ValueError:
        widths = []
    if len(widths) < 2 or min(widths) < 1:
        raise UsageError("%s probe: --layers %s: the widths N0,N1,...,NL of a network, at "
                         "least two whole numbers ≥ 1 (2,2,1 for XOR's network)" % (PROG, text))
    if samples is not None and samples < 1:
        raise UsageError("%s probe: --samples must be a whole number ≥ 1" % PROG)
    return widths, samples if samples is not None else 8


def run_command(args, out):
    from ..oracle.backend import kind_of
    from ..oracle.experiment import Lab, survey
    if args.layers is None:
        if args.samples is not None:
            raise UsageError("%s probe: --samples goes with --layers" % PROG)
        shape = _shape(args.shape)
    else:
        widths, samples = _widths(args.layers, args.samples)
    if not args.timeout > 0:
        raise UsageError("%s probe: --timeout must be a positive number of seconds" % PROG)
    lab = Lab(args.backend, args.batch, args.timeout, most=60)
    try:
        if args.layers is None:
            rows = survey(lab, kind_of(args.backend), shape)
        else:
            from ..oracle.experiment_layers import survey_layers
            rows = survey_layers(lab, kind_of(args.backend), widths, samples)
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
            layers = getattr(f, "layers", None)       # a network of layers: where
            out.write("%-*s  departs: %s%s%s — %s\n" % (
                width, r.part, f.id, " (%s)" % f.detail if f.detail else "",
                " in %s" % ", ".join("layers[%d]" % l for l in layers) if layers else "",
                f.explanation))
            for line in f.evidence[:3]:
                out.write("%-*s    %s\n" % (width, "", line))
            if r.fix:
                out.write("%-*s    fix: %s\n" % (width, "", r.fix))
        hidden = len([r for r in rows if r.verdict == "not isolated"])
        out.write("%d parts: %d conform, %d depart, %d not run%s; %d scenarios, %d backend "
                  "processes\n" % (len(rows), len([r for r in rows if r.verdict == "conforms"]),
                                   len(departs), len([r for r in rows if not r.ran]),
                                   ", %d not isolated" % hidden if hidden else "",
                                   lab.scenarios, lab.processes))
    return 1 if departs or not all(r.ran for r in rows) else 0
