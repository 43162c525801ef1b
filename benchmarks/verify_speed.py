"""How long `verify` takes for the whole catalogue, and what a diagnosis adds.

    python3 benchmarks/verify_speed.py

1. `verify golden/ --backend CMD` against an agreeing backend (tests/backends/example.py),
   one process per file (-j 1, -j 2) and one process for all (--batch), beside the time
   the backend alone takes to write the same traces: target < 10 s.
2. For diverging traces (mistakes of tests/backends/mistaken.py), `verify` with its
   diagnosis beside the comparison alone, in one run: target < 2 s per diagnosis.

The machine is shared and noisy; each figure is the best of 3, and the ratios are
measured in the same run.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "backends"))

from ann_ref.oracle.batch import golden_files, scenario_bytes, scenario_header  # noqa: E402
from ann_ref.oracle.compare import compare  # noqa: E402
from ann_ref.oracle.diagnose import explain  # noqa: E402
import mistaken  # noqa: E402

EXAMPLE = os.path.join(ROOT, "tests", "backends", "example.py")


def best(f, times=3):
    out = []
    for _ in range(times):
        start = time.perf_counter()
        f()
        out.append(time.perf_counter() - start)
    return min(out)


def cli(*args):
    subprocess.run([sys.executable, "-m", "ann_ref"] + list(args), cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL)


def backend_alone():
    for path in golden_files(os.path.join(ROOT, "golden")):
        subprocess.run([sys.executable, EXAMPLE], input=scenario_bytes(path),
                       stdout=subprocess.DEVNULL, check=True)


def main():
    golden = os.path.join(ROOT, "golden")
    n = len(golden_files(golden))
    alone = best(backend_alone)
    print("whole catalogue (%d files) against an agreeing backend, best of 3:" % n)
    print("  the backend alone, one process per file   %6.2f s" % alone)
    for label, args in (("verify -j 1", ["-j", "1"]), ("verify -j 2", ["-j", "2"]),
                        ("verify --batch", ["--batch"]), ("verify --batch -j 2",
                                                          ["--batch", "-j", "2"])):
        command = "%s %s%s" % (sys.executable, EXAMPLE, " --batch" if "--batch" in args else "")
        t = best(lambda: cli("verify", golden, "--backend", command, *args))
        print("  %-40s %6.2f s  (%.2f × the backend alone)" % (label, t, t / alone))
    print()
    print("diagnosis of a diverging trace: compare alone, then compare + explain:")
    cases = [("fma-z", "real-valued-logistic"), ("fused-update", "article-logistic"),
             ("b-first", "real-valued-logistic"), ("strict", "gate-or"),
             ("reciprocal", "real-valued-logistic"), ("flush", "subnormal"),
             ("dW-reverse", "sum-order-probe"), ("split-sigmoid", "sigmoid-probe")]
    worst = 0.0
    for planted, name in cases:
        path = os.path.join(golden, name + ".json")
        if not os.path.exists(path):
            continue
        trace = "/tmp/ann-ref-speed-%d.jsonl" % os.getpid()
        with open(trace, "w") as f:
            f.write(mistaken.trace(scenario_header(path)["scenario"], {planted}))
        plain = best(lambda: compare(path, trace))

        def diagnosed():
            report = compare(path, trace)
            explain(report)
            return report
        full = best(diagnosed)
        report = diagnosed()
        os.remove(trace)
        first = report.diagnosis.causes[0].hypothesis.name if report.diagnosis.causes else "-"
        worst = max(worst, full)
        print("  %-14s %-28s compare %5.2f s, with diagnosis %5.2f s (%4.1f ×), first: %s"
              % (planted, name, plain, full, full / plain, first))
    print("  slowest diagnosis %.2f s (target < 2 s)" % worst)


if __name__ == "__main__":
    main()
