"""A planted mistake as a backend: `python3 tests/mistakes/serve.py ID [--batch]` reads a
scenario document on stdin and writes the mistake's trace as JSON lines (with --batch,
one scenario per line, each answer ended by {"end": true}), as golden/README.md says a
backend does. It lets `ann-ref verify --backend` run its experiments on the mistakes
(benchmarks/diagnosis_score.py --experiment)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from mistakes import BY_ID, states, trace_lines  # noqa: E402


def find(mistake_id):
    if mistake_id == "none":
        from mistakes import entry
        return entry("none", "no mistake")
    if mistake_id in BY_ID:
        return BY_ID[mistake_id]
    from mistakes_external import available
    for entry in available():
        if entry["id"] == mistake_id:
            return entry
    raise SystemExit("serve.py: no mistake %r" % mistake_id)


def main(argv):
    mistake = find(argv[0])
    if "--batch" not in argv:
        scenario = json.load(sys.stdin)["scenario"]
        sys.stdout.writelines(trace_lines(states(mistake, scenario)))
        return 0
    for line in sys.stdin:
        if line.strip():
            sys.stdout.writelines(trace_lines(states(mistake, json.loads(line)["scenario"])))
            sys.stdout.write('{"end": true}\n')
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
