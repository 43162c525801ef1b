"""The kill matrix: for every modelled mistake and every golden scenario, does the
scenario catch it (some bit of some state differs from the spec's)?

    python3 benchmarks/kill_matrix.py          # the Markdown table of golden/README.md

Mistakes run through NumPy and node (tests/mistakes_external.py) are added when
available. Exit status 1 if some mistake is caught by no file.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from ann_ref.catalogue.scenarios import SCENARIOS  # noqa: E402
from mistakes import MISTAKES  # noqa: E402
from mistakes.kill import matrix, table  # noqa: E402
from mistakes_external import available  # noqa: E402


def main():
    mistakes = MISTAKES + available()
    start = time.perf_counter()
    result = matrix(mistakes, SCENARIOS)
    seconds = time.perf_counter() - start
    sys.stdout.write(table(result, mistakes, SCENARIOS))
    missed = [m["id"] for m in mistakes
              if all(result[(m["id"], s["name"])] is None for s in SCENARIOS)]
    sys.stdout.write("\n%d mistakes × %d files in %.1f s; caught by no file: %s\n"
                     % (len(mistakes), len(SCENARIOS), seconds, ", ".join(missed) or "none"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
