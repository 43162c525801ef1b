"""Streaming run and verify: time and peak memory of long traces in every layout.

    python3 benchmarks/streaming.py                    # 10^6 iterations (several minutes)
    python3 benchmarks/streaming.py --iterations 100000

The scenario is golden/article-logistic.json's with the iterations asked for. Each
command runs in its own process, one after the other in this run, and is measured from
outside: wall time, CPU time, and peak resident memory (ru_maxrss of the child). The
interpreter alone and `ann-ref --version` are the baselines. Three trace layouts are
verified against the run's output: one entry per line (what `run` writes), JSON lines,
and the whole document on one line (what json.dump writes). `run` is split into its
compute (the core's states, nothing written) and its writing (a cycle of precomputed
states written as a document), so that the share of each is known. The targets (under
20 s and 50 MiB each) are printed beside the figures; on a shared machine, compare the
lines of one run with each other, not with another run's.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_SECONDS, TARGET_MIB = 20.0, 50.0

PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, r.ru_utime + r.ru_stime, r.ru_maxrss, p.returncode)
sys.stderr.write(p.stderr.decode("utf-8", "replace")[-300:])
"""

# the writing of `run` alone: the first 1000 states of the scenario, precomputed, then
# written again and again with increasing iteration numbers (the bits of a state do not
# change the work of writing it)
WRITE_ONLY = """
import itertools, sys
sys.path.insert(0, %(root)r)
from ann_ref.cli.run import read_header
from ann_ref.core.training import trajectory
from ann_ref.formats.writer import write_document
s, head = read_header(sys.argv[1])
first = list(itertools.islice(states(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                     999, s["variant"]), 1000))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    write_document(f, head, itertools.islice(itertools.cycle(first), s["iterations"] + 1))
"""

# the compute of `run` alone: the states, nothing written
COMPUTE_ONLY = """
import sys
sys.path.insert(0, %(root)r)
from ann_ref.cli.run import read_header
from ann_ref.core.training import trajectory
s, head = read_header(sys.argv[1])
for state in states(s["x"], s["y"], s["W"], s["b"], s["learning_rate"], s["iterations"],
                    s["variant"]):
    pass
"""


def measure(argv):
    """(wall s, CPU s, peak MiB, exit status) of one process."""
    p = subprocess.run([sys.executable, "-c", PROBE] + argv, cwd=ROOT, capture_output=True,
                       text=True, check=True)
    wall, cpu, rss, status = p.stdout.split()
    return float(wall), float(cpu), int(rss) / 1024.0, int(status), p.stderr.strip()


def ann_ref(*args):
    return [sys.executable, "-m", "ann_ref"] + list(args)


def script(text, *args):
    return [sys.executable, "-c", text % {"root": ROOT}] + list(args)


def make_scenario(path, iterations):
    with open(os.path.join(ROOT, "golden", "article-logistic.json"), encoding="utf-8") as f:
        document = json.load(f)
    del document["trace"]
    document["scenario"]["iterations"] = iterations
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f)


def json_lines(source, target):
    """The entries of a per-line document, one per line, nothing else."""
    with open(source, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as out:
        for line in f:
            if line.startswith('{"W"'):
                out.write(line.rstrip().rstrip(",") + "\n")


def one_line(source, target):
    """The whole document on one line, as json.dump writes it (newlines are only ever
    between tokens in the per-line layout)."""
    with open(source, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as out:
        for block in iter(lambda: f.read(1 << 20), ""):
            out.write(block.replace("\n", " "))
        out.write("\n")


def spoil_third_entry(source, target):
    """The one-line document with entry 3 not JSON (a comma before its closing brace)."""
    with open(source, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as out:
        head = f.read(1 << 16)
        out.write(head.replace('"iteration": 3}', '"iteration": 3,}', 1))
        for block in iter(lambda: f.read(1 << 20), ""):
            out.write(block)


def row(label, figures, note=""):
    wall, cpu, mib, status, err = figures
    print("%-44s %7.1f s %7.1f s %7.1f MiB  exit %d%s" % (label, wall, cpu, mib, status,
                                                      "  " + note if note else ""))
    if err and status not in (0, 1):
        print("    " + err.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=10 ** 6)
    n = parser.parse_args().iterations
    print("%s %s, %d iterations of the logistic article (golden/article-logistic.json)"
          % (sys.implementation.name, sys.version.split()[0], n))
    print("load average %.1f on %d cores at the start (wall time stretches with it; CPU "
          "time much less)" % (os.getloadavg()[0], os.cpu_count()))
    print("%-44s %9s %9s %11s" % ("", "wall", "CPU", "peak"))
    with tempfile.TemporaryDirectory() as tmp:
        scenario = os.path.join(tmp, "scenario.json")
        make_scenario(scenario, n)
        per_line, lines, single, spoiled = (os.path.join(tmp, name) for name in (
            "per-line.json", "lines.jsonl", "one-line.json", "spoiled.json"))
        row("the interpreter alone", measure([sys.executable, "-c", "pass"]))
        row("ann-ref --version", measure(ann_ref("--version")))
        run = measure(ann_ref("run", scenario, "-o", per_line))
        row("run (compute and write)", run, "target < %g s, < %g MiB" % (TARGET_SECONDS,
                                                                         TARGET_MIB))
        compute = measure(script(COMPUTE_ONLY, scenario))
        row("  its compute alone (core states)", compute)
        write = measure(script(WRITE_ONLY, scenario, os.path.join(tmp, "written.json")))
        row("  its writing alone (precomputed states)", write)
        json_lines(per_line, lines)
        one_line(per_line, single)
        spoil_third_entry(single, spoiled)
        print("trace sizes: %.0f MiB per line, %.0f MiB JSON lines, %.0f MiB one line"
              % tuple(os.path.getsize(p) / 2 ** 20 for p in (per_line, lines, single)))
        for label, trace in (("verify, one entry per line", per_line),
                             ("verify, JSON lines", lines),
                             ("verify, the whole document on one line", single)):
            row(label, measure(ann_ref("verify", per_line, trace)),
                "target < %g s, < %g MiB" % (TARGET_SECONDS, TARGET_MIB))
        row("verify, one line, entry 3 not JSON", measure(ann_ref("verify", per_line, spoiled)),
            "(refused without reading the rest)")


if __name__ == "__main__":
    main()
