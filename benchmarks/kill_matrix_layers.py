"""The kill matrix of the layered catalogue (golden/layers/, docs/SPEC.md §9): for every
modelled mistake of a backend on a network of layers — backpropagation's own, and the
article's made in every layer — and every layered golden scenario, does the scenario
catch it (some bit of some state differs from the spec's)?

    python3 benchmarks/kill_matrix_layers.py     # the Markdown table of golden/README.md

Mistakes run through NumPy and node (tests/mistakes_external.py) are added when
available. Exit status 1 if some mistake is caught by no file.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from ann_ref.catalogue.layers import SCENARIOS  # noqa: E402
from mistakes.layers import EXCLUDED, caught, matrix, mistakes, table  # noqa: E402
from mistakes_external import available  # noqa: E402


def main():
    found = mistakes(available())
    start = time.perf_counter()
    result = matrix(found, SCENARIOS)
    seconds = time.perf_counter() - start
    sys.stdout.write(table(result, found, SCENARIOS))
    missed = [m["id"] for m in found if not caught(result, m["id"], SCENARIOS)]
    sys.stdout.write("\nleft out: %s\n" % "; ".join("%s (%s)" % item for item in
                                                   sorted(EXCLUDED.items())))
    sys.stdout.write("%d mistakes × %d files in %.1f s; caught by no file: %s\n"
                     % (len(found), len(SCENARIOS), seconds, ", ".join(missed) or "none"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
