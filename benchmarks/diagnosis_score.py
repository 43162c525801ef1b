"""How well `ann-ref verify --json` names a planted mistake.

For every planted mistake (tests/mistakes/, and the NumPy and V8 ones of
tests/mistakes_external.py where available) and every golden file that catches it, the
mistaken trace is written to a temporary file and checked with

    python3 -m ann_ref verify GOLDEN TRACE --json

whose one JSON object has "agree" and "causes", a ranked list of {"id", "reproduces",
"explanation"}. A run scores "first" when the first cause is the planted one and
"listed" when the planted one is anywhere in the list (a cause id matches the planted
id itself or its cause, the part before ':'). A file cannot tell apart mistakes that
give it the same trace bit for bit (x87 registers and a fused update do on the threshold
gates; a fused update with libm's exp and a fused update alone wherever libm rounds
right): the "equivalent" columns also accept, first or listed, the cause of any mistake
whose whole trace of that file is the planted one's. The spec's own trace of every file
is checked too: it must agree and be given no cause.

    python3 benchmarks/diagnosis_score.py [--repo CHECKOUT] [-j 2] [--only ID ...]
    python3 benchmarks/diagnosis_score.py --experiment      # the same, by experiment
    python3 benchmarks/diagnosis_score.py --binary32        # float32 code's mistakes
                                                            # against golden/binary32/

With --experiment the mistake is not given as a trace: it is a backend
(tests/mistakes/serve.py) that `verify GOLDEN --backend CMD --json` runs, and runs
again for its experiments; the report then also gives the backend runs it took.

--repo is the checkout whose `ann_ref verify` is scored (default: this one). Targets
(counting equivalent mistakes): first in ≥ 95 % of diverging runs, listed in 100 % (by
experiment ≥ 98 %: an experiment stops at the first part whose fix alone makes the step
agree, so a second mistake that shows only later is not looked for), the conforming
traces always agree. By experiment, the x87 mistakes are left out: the planted backend
is an x86-64 program, where the oracle rightly rules x87 registers out.
Exit status 0 when they are met, 1 when not, 2 when that verify has no --json.
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

from ann_ref.catalogue.binary32 import SCENARIOS as SCENARIOS32  # noqa: E402
from ann_ref.catalogue.scenarios import SCENARIOS  # noqa: E402
from mistakes import MISTAKES, cause, entry, states, trace_lines  # noqa: E402
from mistakes.kill import first_difference, key, reference  # noqa: E402
from mistakes import single as S32  # noqa: E402
from mistakes_external import available  # noqa: E402

# what a run plants, and how, in each precision: (mistakes, scenarios, golden subfolder,
# states, trace lines, bits of a state, reference keys, first difference)
BINARY64 = (lambda: MISTAKES + available(), SCENARIOS, "", states, trace_lines, key,
            reference, first_difference)
BINARY32 = (lambda: S32.MISTAKES32 + S32.available32(), SCENARIOS32, "binary32", S32.states32,
            S32.trace_lines32,
            lambda W, b: [S32.bits32(v) for row in W for v in row] + [S32.bits32(b)],
            S32.reference32, S32.first_difference32)
PRECISION = BINARY64


# `python3 -m ann_ref` that says on its last stderr line the CPU seconds of its own
# process: the oracle's work, without the backend's (its processes are children)
CPU = ("import runpy, sys, time\n"
       "sys.argv[0] = 'ann_ref'\n"
       "try:\n"
       "    runpy.run_module('ann_ref', run_name='__main__')\n"
       "finally:\n"
       "    sys.stderr.write('\\noracle cpu %.3f\\n' % time.process_time())\n")


def verify(repo, golden, trace, backend=None):
    """The JSON object of `verify GOLDEN TRACE --json` (or `--backend CMD`) run in the
    checkout repo, with its process's own CPU seconds as "oracle_cpu"."""
    given = [trace] if backend is None else ["--backend", backend]
    out = subprocess.run([sys.executable, "-c", CPU, "verify", golden] + given +
                         ["--json"], cwd=repo, capture_output=True, text=True)
    try:
        report = json.loads(out.stdout)
    except ValueError:
        raise NoJson(out.stderr.strip().splitlines()[-2:-1] or [out.stdout[:200]])
    report["oracle_cpu"] = float(out.stderr.strip().rsplit(" ", 1)[1])
    return report


class NoJson(Exception):
    pass


def matches(found, planted):
    return found == planted or found == cause(planted) or cause(found) == cause(planted)


def first_right(ids, planted):
    """The first cause is the planted one; for two mistakes at once, one of them, with
    the other listed too (a diagnosis by experiment names each part where the backend
    departs)."""
    if not ids:
        return False
    if matches(ids[0], planted):
        return True
    parts = cause(planted).split("+")
    return len(parts) > 1 and ids[0] in parts and all(p in ids for p in parts)


def _keys(mistake, scenario):
    """The whole trace of the mistake in the scenario, as bits."""
    return [PRECISION[5](W, b) for W, b in PRECISION[3](mistake, scenario)]


SERVE = os.path.join(ROOT, "tests", "mistakes", "serve.py")


def score_one(repo, golden, mistake, scenario, folder, same=(), experiment=False):
    path = os.path.join(folder, "%s-%s.jsonl" % (mistake["id"].replace(":", "_"),
                                                 scenario["name"]))
    with open(path, "w") as f:
        f.writelines(PRECISION[4](PRECISION[3](mistake, scenario)))
    backend = None
    if experiment:
        backend = "%s %s %s" % (sys.executable, SERVE,
                                mistake["id"] if mistake["id"] != "none" else "none")
    start = time.perf_counter()
    report = verify(repo, golden, path, backend)
    seconds = time.perf_counter() - start
    os.remove(path)
    ids = [c.get("id") for c in report.get("causes", [])]
    accepted = [mistake["id"]] + list(same)
    return {"mistake": mistake["id"], "file": scenario["name"], "agree": report.get("agree"),
            "first": first_right(ids, mistake["id"]),
            "listed": any(matches(i, mistake["id"]) for i in ids) or
            first_right(ids, mistake["id"]),
            "first_eq": any(first_right(ids, a) for a in accepted),
            "listed_eq": any(matches(i, a) for i in ids for a in accepted) or
            any(first_right(ids, a) for a in accepted),
            "causes": ids, "seconds": seconds, "runs": report.get("backend_runs", 0),
            "cpu": report["oracle_cpu"]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repo", default=ROOT)
    p.add_argument("-j", type=int, default=2)
    p.add_argument("--only", nargs="*", help="mistake ids to plant (default: all)")
    p.add_argument("--experiment", action="store_true",
                   help="give each mistake as a backend, for the diagnosis by experiment")
    p.add_argument("--binary32", action="store_true",
                   help="float32 code's mistakes (tests/mistakes/single.py) against "
                   "golden/binary32/")
    args = p.parse_args(argv)
    global PRECISION
    PRECISION = BINARY32 if args.binary32 else BINARY64
    every, scenarios, folder_name, _, _, _, reference_of, first_of = PRECISION
    repo = os.path.abspath(args.repo)
    golden_dir = os.path.join(repo, "golden", folder_name) if folder_name else \
        os.path.join(repo, "golden")
    mistakes = [m for m in every() if not args.only or m["id"] in args.only]
    if args.experiment:
        # the backend here is tests/mistakes/serve.py run by an x86-64 Python, where x87
        # registers cannot be: the oracle reads the program's machine and rules them out,
        # rightly. A real x87 backend (gcc -m32 -mfpmath=387) is diagnosed in
        # tests/test_diagnose.py instead.
        x87 = [m["id"] for m in mistakes if m["id"].startswith("extended-precision")]
        mistakes = [m for m in mistakes if m["id"] not in x87]
        if x87:
            sys.stdout.write("not scored by experiment (an x86-64 program cannot have x87 "
                             "registers): %s\n" % ", ".join(x87))
    scenarios = [s for s in scenarios if os.path.exists(
        os.path.join(golden_dir, s["name"] + ".json"))]

    spec = entry("none", "no mistake")
    golden = lambda s: os.path.join(golden_dir, s["name"] + ".json")  # noqa: E731
    with tempfile.TemporaryDirectory() as folder:
        try:                                          # one run first: is there a --json?
            score_one(repo, golden(scenarios[0]), spec, scenarios[0], folder)   # a trace
        except NoJson as e:
            sys.stdout.write("%s: `ann_ref verify --json` gives no JSON report (%s); this "
                             "script needs the --json interface of the diagnosis\n"
                             % (repo, " ".join(e.args[0])))
            return 2
        jobs = []
        for s in scenarios:
            expected = reference_of(s)
            caught = [m for m in mistakes if first_of(m, s, expected) is not None]
            traces = {m["id"]: _keys(m, s) for m in caught}
            for m in caught:
                same = [o["id"] for o in caught
                        if o is not m and traces[o["id"]] == traces[m["id"]]]
                jobs.append((m, s, same))
        with ThreadPoolExecutor(max_workers=args.j) as pool:
            runs = list(pool.map(
                lambda job: score_one(repo, golden(job[1]), job[0], job[1], folder, job[2],
                                      args.experiment), jobs))
            plain = list(pool.map(lambda s: score_one(repo, golden(s), spec, s, folder,
                                                      experiment=args.experiment),
                                  scenarios))

    w = max(len(m["id"]) for m in mistakes)
    sys.stdout.write("%-*s  runs  first  listed  (equivalent: first listed)  causes given "
                     "when not first\n" % (w, "mistake"))
    for m in mistakes:
        mine = [r for r in runs if r["mistake"] == m["id"]]
        wrong = sorted({"%s: %s" % (r["file"], ",".join(r["causes"][:3]) or "none")
                        for r in mine if not r["first_eq"]})
        sys.stdout.write("%-*s  %4d  %5d  %6d  %18d %6d  %s\n" % (
            w, m["id"], len(mine), sum(r["first"] for r in mine),
            sum(r["listed"] for r in mine), sum(r["first_eq"] for r in mine),
            sum(r["listed_eq"] for r in mine), "; ".join(wrong[:3])))
    n = len(runs)
    first_n, listed_n = sum(r["first"] for r in runs), sum(r["listed"] for r in runs)
    first_eq, listed_eq = sum(r["first_eq"] for r in runs), sum(r["listed_eq"] for r in runs)
    agreeing = sum(1 for r in plain if r["agree"] and not r["causes"])
    slowest = max(r["seconds"] for r in runs)
    sys.stdout.write("\n%d diverging runs: true cause first in %d (%.1f %%), listed in %d "
                     "(%.1f %%); conforming traces agreeing with no cause: %d of %d; "
                     "slowest diagnosis %.2f s\n"
                     "counting mistakes with the same trace as equivalent: first in %d "
                     "(%.1f %%), listed in %d (%.1f %%)\n"
                     % (n, first_n, 100.0 * first_n / n, listed_n, 100.0 * listed_n / n,
                        agreeing, len(plain), slowest, first_eq, 100.0 * first_eq / n,
                        listed_eq, 100.0 * listed_eq / n))
    if args.experiment:
        counts = sorted(r["runs"] for r in runs)
        sys.stdout.write("backend runs per diagnosis: median %d, most %d (target ≤ 20)\n"
                         % (counts[len(counts) // 2], counts[-1]))
    cpu = sorted(r["cpu"] for r in runs)
    sys.stdout.write("the oracle's own CPU per diagnosis (its process, not the backend's, "
                     "start-up included): median %.2f s, most %.2f s (target < 2 s)\n"
                     % (cpu[len(cpu) // 2], cpu[-1]))
    for r in sorted(runs, key=lambda r: -r["cpu"])[:5]:
        sys.stdout.write("  %.2f s  %s on %s\n" % (r["cpu"], r["mistake"], r["file"]))
    listed_target = 0.98 if args.experiment else 1.0
    met = (first_eq >= 0.95 * n and listed_eq >= listed_target * n and
           agreeing == len(plain))
    sys.stdout.write("targets (first ≥ 95 %%, listed %s, conforming always agree): %s\n"
                     % ("≥ 98 %" if args.experiment else "100 %",
                        "met" if met else "NOT met"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
