"""A mutation sample: realistic changes of behaviour, one at a time, each applied to a
copy of the project, and the README's fast test command run on it. A change is caught
(killed) when the suite fails. The score says how much of what could break the suite
notices.

    python3 tools/mutants.py              # every mutant; a table and the score
    python3 tools/mutants.py -j 2 --only 3,7

Each mutant is one textual change of one file, written as a programmer might make it
by mistake (an order of a sum, a comparison, a sign of zero, a check left out); the
tool refuses to run one whose text is not found exactly once, so the sample cannot
silently go stale.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (file, text, replacement, what the change does)
MUTANTS = [
    # --- the numeric core
    ("ann_ref/core/matrix.py", "            total = row[0] * column[0]\n",
     "            total = 0.0 + row[0] * column[0]\n", "dot starts its sums from 0.0"),
    ("ann_ref/core/matrix.py", "                result = v\n", "                result = 0.0 + v\n",
     "total starts from 0.0"),
    ("ann_ref/core/matrix.py", "        return [[v + c[0] for v in row] for row, c in zip(A, b)]",
     "        return [[c[0] + v for v in row] for row, c in zip(A, b[::-1])]",
     "the bias column taken upside down"),
    ("ann_ref/core/model.py", "    return [[one / (one + v) for v in row] for row in t]",
     "    return [[one - v / (one + v) for v in row] for row in t]",
     "the sigmoid as 1 − t/(1 + t)"),
    ("ann_ref/core/model.py", "    return [[one if v >= half else zero for v in row] for row in s]",
     "    return [[one if v > half else zero for v in row] for row in s]",
     "y_pred with s > 0.5"),
    ("ann_ref/core/model.py", "    return [[p - q for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]",
     "    return [[-(q - p) for p, q in zip(ru, ry)] for ru, ry in zip(u, y)]",
     "e = −(y − u): the sign of a zero error"),
    ("ann_ref/core/model.py", "    return [[v / m for v in row] for row in dot(x, transpose(e))]",
     "    return [[v * (A.one / m) for v in row] for row in dot(x, transpose(e))]",
     "dW multiplied by 1/m"),
    ("ann_ref/core/model.py", "    return [[total([row]) / m] for row in e]",
     "    return [[total([row[::-1]]) / m] for row in e]",
     "a layer's db summed from the last sample"),
    ("ann_ref/core/model.py", "    return [[(g * v) * (one - v) for g, v in zip(rg, rs)]",
     "    return [[g * (v * (one - v)) for g, v in zip(rg, rs)]",
     "the derivative multiplied in another order"),
    ("ann_ref/core/model.py", "    return w - a * d\n", "    return w - a * d + 0.0\n",
     "the update adds 0.0 (−0.0 becomes +0.0)"),
    # (db from 0.0 would be no mutant: no error e is −0.0, so 0.0 + e is e)
    ("ann_ref/core/fast.py", "        return W_next, descend(b, a, db / m)",
     "        return W_next, descend(b, a, db * (one / m))", "the fast db multiplied by 1/m"),
    ("ann_ref/core/fast.py", "                e = [h if (u + w * v) + b >= Z else l",
     "                e = [h if (u + w * v) + b > Z else l", "the fast threshold z > Z*"),
    ("ann_ref/core/fast.py", "                W_next[f].append(descend(W[f][o], a, g / m))",
     "                W_next[f].append(descend(W[f][o], a, g * (one / m)))",
     "the fast dW of later features by 1/m"),
    ("ann_ref/core/exponential.py", "        if Th + (lo - _D) == yh:",
     "        if Th + lo == yh:", "exp's fast path tests one side of its margin only"),
    ("ann_ref/core/exponential.py", "        if rest > half or rest == half and q & 1:",
     "        if rest >= half:", "exact rounding of ties away from zero"),
    ("ann_ref/core/arithmetic.py", "            while high - low > 1:",
     "            while high - low > 2:", "Z* found one float off"),
    ("ann_ref/core/training.py", "            if after == state and self.key(after) == self.key(state):",
     "            if after == state:", "the fixed point taken on == (−0.0 == +0.0)"),
    ("ann_ref/core/checks.py", "    if not A.finite(a):\n", "    if a != a:\n",
     "the learning rate may be infinite"),
    ("ann_ref/core/checks.py", "        if len(row) != len(M[0]):\n", "        if len(row) > len(M[0]):\n",
     "a shorter row passes the ragged check"),
    ("ann_ref/core/bits.py", '    if v != v:\n        return "7ff8000000000000"',
     '    if v != v and v > 0:\n        return "7ff8000000000000"', "NaN bits not canonical"),
    ("ann_ref/core/softfloat.py", "    if M == 0:                            # u - u is +0.0\n        return 0",
     "    if M == 0:                            # u - u is +0.0\n        return SIGN",
     "software u − u gives −0.0"),
    ("ann_ref/core/single.py", "        return Single(round32(self.v * o.v))",
     "        return Single(self.v * o.v)", "binary32 products not rounded"),
    # --- formats
    ("ann_ref/formats/validate.py", "    if n != exact:\n        raise FormatError(\"the decimal",
     "    if n != exact and False:\n        raise FormatError(\"the decimal",
     "decimals that disagree with their bits accepted"),
    ("ann_ref/formats/validate.py", '        self.pattern = re.compile("[0-9a-f]{%d}" % digits)',
     '        self.pattern = re.compile("[0-9a-fA-F]{%d}" % digits)', "upper-case hex accepted"),
    ("ann_ref/formats/jsonstream.py", "            if key in seen:\n                self.fail",
     "            if key in seen and False:\n                self.fail", "duplicate keys accepted"),
    ("ann_ref/formats/writer.py", '        return "inf" if v > 0 else "-inf"',
     '        return "-inf" if v > 0 else "inf"', "infinities written with the wrong sign"),
    # --- the oracle
    ("ann_ref/oracle/compare.py", '                if d.kind != "ulps" or d.ulps > report.max_ulp:',
     '                if d.kind == "nan" or d.ulps is not None and d.ulps > report.max_ulp:',
     "a wrong sign of zero accepted within --max-ulp"),
    ("ann_ref/oracle/compare.py", "            if entry is None:\n                continue",
     "            if entry is None:\n                break", "a short trace stops the count"),
    ("ann_ref/oracle/diagnose.py", '    causes.sort(key=lambda c: (-c.reproduced, "+" in c.id, c.rank))',
     '    causes.sort(key=lambda c: ("+" in c.id, c.rank))', "causes ranked by priority alone"),
    ("ann_ref/oracle/experiment.py", "    W = [[-0.0] * O for _ in range(F)]\n    y = [[-v for v in row] for row in e]",
     "    W = [[0.0] * O for _ in range(F)]\n    y = [[-v for v in row] for row in e]",
     "dW's experiment starts from +0.0 (a sign of zero lost)"),
    ("ann_ref/oracle/experiment.py", "LARGE = 1000.0", "LARGE = 30.0",
     "the experiments' z = −30: s is not 0"),
    ("ann_ref/oracle/sums.py", "        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))",
     "        total = ((r[0] + r[2]) + (r[1] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))",
     "NumPy's pairwise sum combined in another order"),
    ("ann_ref/oracle/causes.py", "        if kind in self.fix:\n            return self.fix[kind]",
     "        if kind in self.fix and False:\n            return self.fix[kind]",
     "a fix not chosen for the backend's kind"),
    ("ann_ref/oracle/batch.py", "    status = max(r.status for r in results)",
     "    status = min(r.status for r in results)", "a folder's status the best file's"),
    # --- the command line
    ("ann_ref/cli/__init__.py", '        sys.stderr.write("%s: %s\\n" % (PROG, e))\n        return 2',
     '        sys.stderr.write("%s: %s\\n" % (PROG, e))\n        return 1', "bad input exits 1"),
    ("ann_ref/cli/options.py", "    if n < 0:\n        raise argparse.ArgumentTypeError",
     "    if n < -1:\n        raise argparse.ArgumentTypeError", "−1 accepted as a count"),
    ("ann_ref/catalogue/golden.py", "            elif manifest[name] != sha256(on_disk):",
     "            elif manifest[name] != sha256(on_disk) and False:",
     "golden check ignores the manifest's SHA-256"),
]

FAST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]


def copy_of_project(target):
    """The tracked files of the checkout (git ls-files), and the ignored builds."""
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    for name in names:
        source = os.path.join(ROOT, name)
        if not os.path.isfile(source):
            continue
        os.makedirs(os.path.join(target, os.path.dirname(name)), exist_ok=True)
        shutil.copy2(source, os.path.join(target, name))
    if os.path.isdir(os.path.join(ROOT, "node_modules")):
        os.symlink(os.path.join(ROOT, "node_modules"), os.path.join(target, "node_modules"))


def check(mutant):
    """The mutant's file holds its text exactly once; SystemExit otherwise."""
    path, text = mutant[0], mutant[1]
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        count = f.read().count(text)
    if count != 1:
        raise SystemExit("mutants.py: %s: the text of mutant %r is found %d times, not once"
                         % (path, mutant[3], count))


def run(mutant, timeout):
    """(caught, seconds, the first failing test or what happened)."""
    path, text, replacement, _ = mutant
    with tempfile.TemporaryDirectory(prefix="ann-ref-mutant.") as copy:
        copy_of_project(copy)
        target = os.path.join(copy, path)
        with open(target, encoding="utf-8") as f:
            source = f.read()
        with open(target, "w", encoding="utf-8") as f:
            f.write(source.replace(text, replacement, 1))
        start = time.process_time()
        try:
            p = subprocess.run(FAST, cwd=copy, capture_output=True, text=True, timeout=timeout,
                               env=dict(os.environ, PYTHONPATH=copy))
        except subprocess.TimeoutExpired:
            return True, timeout, "the suite timed out"
        failed = [line for line in p.stdout.splitlines() if line.startswith("FAILED")]
        return p.returncode != 0, time.process_time() - start, (
            failed[0][7:90] if failed else "passed" if p.returncode == 0 else
            p.stdout.strip().splitlines()[-1][:80] if p.stdout.strip() else "error")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-j", type=int, default=1, help="mutants at a time")
    p.add_argument("--only", help="comma-separated numbers of mutants (from 1)")
    p.add_argument("--timeout", type=float, default=900.0)
    args = p.parse_args(argv)
    chosen = list(enumerate(MUTANTS, 1))
    if args.only:
        wanted = {int(n) for n in args.only.split(",")}
        chosen = [(i, m) for i, m in chosen if i in wanted]
    for _, m in chosen:
        check(m)
    with ThreadPoolExecutor(max_workers=args.j) as pool:
        results = list(pool.map(lambda im: run(im[1], args.timeout), chosen))
    caught = 0
    for (i, m), (killed, seconds, what) in zip(chosen, results):
        caught += killed
        print("%2d  %-8s %-52s %s" % (i, "caught" if killed else "MISSED", m[3][:52], what))
    print("\n%d of %d mutants caught (%.0f %%) by `python3 -m pytest`"
          % (caught, len(chosen), 100.0 * caught / len(chosen)))
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
