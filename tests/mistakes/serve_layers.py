"""A planted mistake of a network of layers as a backend: `python3
tests/mistakes/serve_layers.py ID` reads a layered scenario document on stdin and writes
the mistake's trace as JSON lines, as golden/README.md says a backend does, so that
`ann-ref verify --backend` can be shown a backpropagation mistake
(tests/mistakes/layers.py)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from mistakes.layers import BY_ID, states, trace_lines  # noqa: E402


def main(argv):
    if not argv or argv[0] not in BY_ID:
        raise SystemExit("serve_layers.py: give a mistake of tests/mistakes/layers.py: %s"
                         % ", ".join(sorted(BY_ID)))
    run = states(argv[0], json.load(sys.stdin)["scenario"])
    if run is None:
        raise SystemExit("serve_layers.py: %s cannot be made on this network" % argv[0])
    sys.stdout.writelines(trace_lines(run))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
