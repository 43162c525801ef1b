"""Check an exp against every vector of golden/exp.json: the command gets the arguments
on stdin, one 16-digit bit pattern a line, and must answer each with the bit pattern of
its exp, one a line (NaN as 7ff8000000000000).

    python3 docs/backends/check_exp.py 'node docs/backends/exact_exp.js'
"""
import json
import os
import shlex
import subprocess
import sys

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "golden",
                       "exp.json")


def main(command):
    with open(VECTORS) as f:
        vectors = json.load(f)["vectors"]
    given = "".join(v["argument"] + "\n" for v in vectors)
    try:
        answer = subprocess.run(shlex.split(command), input=given, stdout=subprocess.PIPE,
                                text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as e:
        print("%s: %s" % (command, e))
        return 2
    wrong = [(v, got) for v, got in zip(vectors, answer) if got != v["result"]]
    if len(answer) != len(vectors):
        print("%d arguments, %d answers" % (len(vectors), len(answer)))
        return 1
    for v, got in wrong[:10]:
        print("exp(%s) = %s, not %s (x = %r, %s)" % (v["argument"], got, v["result"], v["x"],
                                                     v["kind"]))
    print("%d arguments of golden/exp.json: %s" % (
        len(vectors), "%d wrong" % len(wrong) if wrong else "every result correctly rounded"))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
