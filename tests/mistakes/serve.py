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


def find(mistake_id, binary32=False):
    """The planted mistake of that id, of the binary32 ones where the scenario says
    "precision": "binary32"."""
    if mistake_id == "none":
        from mistakes import entry
        return entry("none", "no mistake")
    if binary32:
        from mistakes.single import BY_ID32, available32
        every = dict((e["id"], e) for e in available32())
        every.update(BY_ID32)
    else:
        from mistakes_external import available
        every = dict((e["id"], e) for e in available())
        every.update(BY_ID)
    if mistake_id in every:
        return every[mistake_id]
    raise SystemExit("serve.py: no mistake %r" % mistake_id)


def answer(mistake_id, scenario):
    """The trace lines of the mistake in the scenario, in the scenario's precision."""
    if scenario.get("precision") == "binary32":
        from mistakes.single import states32, trace_lines32
        return trace_lines32(states32(find(mistake_id, True), scenario))
    return trace_lines(states(find(mistake_id), scenario))


def main(argv):
    if "--batch" not in argv:
        sys.stdout.writelines(answer(argv[0], json.load(sys.stdin)["scenario"]))
        return 0
    for line in sys.stdin:
        if line.strip():
            sys.stdout.writelines(answer(argv[0], json.loads(line)["scenario"]))
            sys.stdout.write('{"end": true}\n')
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
