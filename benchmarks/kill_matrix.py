"""The kill matrix: for every modelled mistake and every golden scenario, does the
scenario catch it (some bit of some state differs from the spec's)?

    python3 benchmarks/kill_matrix.py          # the Markdown tables of golden/README.md

The binary64 table first (golden/, tests/mistakes), then the binary32 one
(golden/binary32/, tests/mistakes/single.py). Mistakes run through the real libraries
(tests/mistakes_external.py: NumPy and node; tests/mistakes/single_external.py: the C
library's expf, NumPy and PyTorch in float32) are added when available. Exit status 1 if
some mistake is caught by no file of its precision.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from ann_ref.catalogue.binary32 import SCENARIOS as SCENARIOS32  # noqa: E402
from ann_ref.catalogue.scenarios import SCENARIOS  # noqa: E402
from mistakes import MISTAKES  # noqa: E402
from mistakes.kill import matrix, table  # noqa: E402
from mistakes.single import MISTAKES32, available32, matrix32  # noqa: E402
from mistakes_external import available  # noqa: E402


def main():
    missed = []
    for title, mistakes, scenarios, compute in (
            ("binary64", MISTAKES + available(), SCENARIOS, matrix),
            ("binary32", MISTAKES32 + available32(), SCENARIOS32, matrix32)):
        start = time.perf_counter()
        result = compute(mistakes, scenarios)
        seconds = time.perf_counter() - start
        sys.stdout.write("%s\n\n" % title)
        sys.stdout.write(table(result, mistakes, scenarios))
        lost = [m["id"] for m in mistakes
                if all(result[(m["id"], s["name"])] is None for s in scenarios)]
        sys.stdout.write("\n%d mistakes × %d files in %.1f s; caught by no file: %s\n\n"
                         % (len(mistakes), len(scenarios), seconds, ", ".join(lost) or "none"))
        missed += lost
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
