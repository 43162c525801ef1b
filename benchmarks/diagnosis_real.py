"""How well `ann-ref verify` names the cause of a divergence on REAL backends.

The backends of tests/backends/real/ use the real libraries (NumPy, PyTorch, JAX,
Numba, glibc through gcc, V8); none of their mistakes was planted or modelled here.
For every backend and every golden file of golden/manifest.json:

1. `python3 -m ann_ref verify golden/FILE --backend 'CMD' --json` gives the verdict and
   the diagnosis (exit status 0 agree, 1 differ, 2 bad input, 3 backend failed);
2. the backend's trace, compared here bit for bit with the golden file, gives the first
   diverging iteration k;
3. the TRUE cause is found by experiment: the backend is run again with each of its
   deviations from docs/SPEC.md switched off, one at a time (its switches); a switch
   whose removal moves the first divergence after k, or removes it, names a true cause
   (pairs are tried when no single switch does). Switches say what they change (which
   cause ids of docs/SPEC.md §6 that can be) or where (which part of the step they keep
   as the spec has it); the true causes are the "what" ids narrowed to the "where" ids
   of the places that matter, when any do.

A divergence scores "first" when the report's first cause is a true cause (for a pair
like fma+fused-update, when each of its parts is), and "listed" when some cause of the
report is. Reports whose causes cannot apply to the backend's kind (x87 registers for
a program on x86-64, a compiler's contraction for NumPy, ...), or whose fix (the cause's
own, else its id's in docs/SPEC.md §6) cannot (a compiler flag for a Python library,
-mfpmath=sse on x86-64), are listed too.

    python3 benchmarks/diagnosis_real.py [--backends name,...] [--files a.json,...]
                                         [--json OUT] [--repo CHECKOUT] [-j N]

--repo is the checkout whose `ann_ref verify` is judged (default: this one); the
backends and golden files are this checkout's. A backend whose library or compiler is
missing is skipped, and said so. Exit status 0 when every conforming backend agrees on
every file and every deviating one is caught somewhere, 1 otherwise.
"""
import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.path.join(ROOT, "tests", "backends", "real")
GOLDEN = os.path.join(ROOT, "golden")
PY = sys.executable


# --- the backends and their switches ---------------------------------------------------

class Knob:
    """One switch: `what` it turns off (the cause ids that can be), or `where` (the
    part of the step it keeps as the spec has it, and the ids possible there)."""

    def __init__(self, name, ids, role="what", add=(), drop=()):
        self.name, self.ids, self.role = name, frozenset(ids), role
        self.add, self.drop = tuple(add), tuple(drop)


def knob(flag, *ids, role="what"):
    """A switch that is one more command-line argument (or compiler flag)."""
    return Knob(flag, ids, role, add=(flag,))


# the ids of docs/SPEC.md §6 possible at each part of the step
Z_IDS = ("blas-dot", "fma", "sum-order", "bias-first", "flush-subnormals")
S_IDS = ("exp", "sigmoid-form", "flush-subnormals")
SUM_IDS = ("blas-dot", "fma", "sum-order", "flush-subnormals")
DIV_IDS = ("division-by-reciprocal", "reassociation", "flush-subnormals")
UPDATE_IDS = ("fused-update", "reassociation", "flush-subnormals")


class Backend:
    """A program and its switches. kind decides which causes can apply to it at all:
    'numpy', 'torch', 'jax', 'numba', 'js', 'c' (x86-64 SSE2) or 'x87'."""

    def __init__(self, name, kind, knobs, argv=None, flags=None, source=None,
                 needs=None, conforming=False):
        self.name, self.kind, self.knobs = name, kind, knobs
        self.argv, self.flags, self.source = argv, flags, source
        self.needs, self.conforming = needs, conforming

    def missing(self):
        """Why this backend cannot run here, or None."""
        for what in self.needs or ():
            if what in ("gcc", "node") and not shutil.which(what):
                return "%s is not installed" % what
            if what == "gcc -m32" and not _compiles(["-m32"]):
                return "gcc cannot build 32-bit programs (gcc-multilib)"
            if what == "libquadmath" and not _compiles([], quad=True):
                return "libquadmath is missing"
            if what not in ("gcc", "node", "gcc -m32", "libquadmath"):
                probe = subprocess.run([PY, "-c", "import " + what], capture_output=True)
                if probe.returncode:
                    return "the Python module %s is not installed" % what
        return None

    def command(self, knobs, build_dir):
        """argv with these knobs applied (a C backend is compiled for it, once)."""
        adds = [a for k in knobs for a in k.add]
        drops = {d for k in knobs for d in k.drop}
        if self.source is None:
            return [a for a in self.argv if a not in drops] + adds
        flags = [f for f in self.flags if f not in drops] + adds
        exe = os.path.join(build_dir, re.sub(r"[^\w.=-]+", "_", "%s%s" % (
            self.name, "".join(flags))))
        if not os.path.exists(exe):
            out = subprocess.run(["gcc"] + flags + ["-o", exe, os.path.join(REAL, self.source),
                                  "-lquadmath", "-lm"], capture_output=True, text=True)
            if out.returncode:
                raise RuntimeError("gcc %s: %s" % (" ".join(flags), out.stderr.strip()))
        return [exe]


def _compiles(flags, quad=False):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "t.c")
        with open(src, "w") as f:
            f.write("#include <quadmath.h>\nint main(void){return (int)expq(0);}\n" if quad
                    else "int main(void){return 0;}\n")
        cmd = ["gcc"] + flags + [src, "-o", os.path.join(d, "t")] + (["-lquadmath"] if quad else [])
        try:
            return subprocess.run(cmd, capture_output=True).returncode == 0
        except OSError:
            return False


def py(script, *args):
    return [PY, os.path.join(REAL, script)] + list(args)


EXACT = knob("--exact-exp", "exp")
# a library's reduction starts from 0.0 (NumPy's and PyTorch's accumulators, a BLAS
# kernel's): a loop from the first term turns that off as well as the library's order
LOOPS = [knob("--loop-z", "blas-dot", "sum-from-zero"),
         knob("--loop-dW", "blas-dot", "sum-from-zero"),
         knob("--loop-db", "sum-order", "sum-from-zero")]
C_SITES = [knob("-DKEEP_Z", "fma", "sum-order", role="where"),
           knob("-DKEEP_ZB", "bias-first", role="where"),
           knob("-DKEEP_DW", "fma", "sum-order", role="where"),
           knob("-DKEEP_DB", "sum-order", role="where"),
           knob("-DKEEP_DIV", "division-by-reciprocal", "reassociation", role="where"),
           knob("-DKEEP_UPDATE", "fused-update", "reassociation", role="where")]
C_EXACT = knob("-DEXACT_EXP", "exp")
UNMODELLED = "unmodelled:"


def x87_knobs():
    return [C_EXACT, knob("-DPC53", "extended-precision"),
            knob("-DKEEP_ALL", "extended-precision"),
            Knob("sse2", ["extended-precision"], add=("-msse2", "-mfpmath=sse"),
                 drop=("-mfpmath=387",))]


FASTMATH_FLAGS = {"contract": ("fma", "fused-update"),
                  "reassoc": ("sum-order", "bias-first", "reassociation"),
                  "arcp": ("division-by-reciprocal", "reassociation"),
                  "nsz": (UNMODELLED + "no-signed-zeros",),
                  "nnan": (UNMODELLED + "no-nans",), "ninf": (UNMODELLED + "no-infs",),
                  "afn": ("exp",)}

BACKENDS = [
    Backend("numpy-article", "numpy", [EXACT] + LOOPS + [knob("--float-error", "integer-error")],
            argv=py("numpy_article.py"), needs=["numpy"]),
    Backend("numpy-careful", "numpy", [EXACT] + LOOPS, argv=py("numpy_careful.py"),
            needs=["numpy"]),
    Backend("numpy-sums", "numpy", [EXACT, knob("--loop-z", "sum-order", "sum-from-zero"),
                                    knob("--loop-dW", "sum-order", "sum-from-zero"),
                                    knob("--loop-db", "sum-order", "sum-from-zero")],
            argv=py("numpy_sums.py"), needs=["numpy"]),
    Backend("torch-float64", "torch", [EXACT] + LOOPS, argv=py("torch_backend.py"),
            needs=["torch"]),
    Backend("torch-sigmoid", "torch", [EXACT] + LOOPS, argv=py("torch_backend.py", "--sigmoid"),
            needs=["torch"]),
    Backend("torch-float32", "torch", [Knob("float64", ["float32"], drop=("--default-dtype",)),
                                       EXACT] + LOOPS,
            argv=py("torch_backend.py", "--default-dtype"), needs=["torch"]),
    Backend("jax-jit", "jax", [EXACT] + LOOPS + [
        knob("--no-fma", "fma", "fused-update", "blas-dot"),
        knob("--no-ftz", "flush-subnormals"),
        knob("--arg-a", "reassociation"),
        knob("--arg-m", "division-by-reciprocal", "reassociation"),
        knob("--host-z", *Z_IDS, role="where"), knob("--host-s", *S_IDS, role="where"),
        knob("--host-sums", *SUM_IDS, role="where"),
        knob("--host-div", *DIV_IDS, role="where"),
        knob("--host-update", *UPDATE_IDS, role="where")],
        argv=py("jax_backend.py"), needs=["jax"]),
    Backend("numba", "numba", [EXACT], argv=py("numba_backend.py"), needs=["numba"]),
    Backend("numba-fastmath", "numba", [EXACT] + [
        knob("--no-" + flag, *ids) for flag, ids in FASTMATH_FLAGS.items()] + [
        knob("--plain-z", "fma", "sum-order", role="where"),
        knob("--plain-dW", "fma", "sum-order", role="where"),
        knob("--plain-db", "sum-order", role="where"),
        knob("--plain-div", "division-by-reciprocal", "reassociation", role="where"),
        knob("--plain-update", "fused-update", "reassociation", role="where")],
        argv=py("numba_backend.py", "--fastmath"), needs=["numba"]),
    Backend("c-O2", "c", [C_EXACT], flags=["-O2"], source="backend.c",
            needs=["gcc", "libquadmath"]),
    Backend("c-march-native", "c", [C_EXACT, knob("-ffp-contract=off", "fma", "fused-update")]
            + C_SITES, flags=["-O2", "-march=native"], source="backend.c",
            needs=["gcc", "libquadmath"]),
    Backend("c-ffast-math", "c", [
        C_EXACT, knob("-fno-associative-math", "sum-order", "bias-first", "reassociation"),
        knob("-fno-reciprocal-math", "division-by-reciprocal", "reassociation"),
        knob("-fsigned-zeros", UNMODELLED + "no-signed-zeros"),
        knob("-fno-finite-math-only", UNMODELLED + "finite-math-only"),
        # -ftrapping-math turns off what needs no traps; in this program that is one
        # thing (the assembly shows it): a/m hoisted out of the loop, a·(Σ/m) become
        # Σ·(a/m); -fno-associative-math and -fno-reciprocal-math leave it, even both
        knob("-ftrapping-math", "reassociation"),
        knob("-fmath-errno", UNMODELLED + "no-math-errno"),
        knob("-ffp-contract=off", "fma", "fused-update"),
        knob("-DNO_FTZ", "flush-subnormals")] + C_SITES,
        flags=["-O2", "-ffast-math"], source="backend.c", needs=["gcc", "libquadmath"]),
    Backend("c-x87-O0", "x87", x87_knobs(), flags=["-m32", "-mfpmath=387", "-O0"],
            source="backend.c", needs=["gcc", "gcc -m32", "libquadmath"]),
    Backend("c-x87-O2", "x87", x87_knobs(), flags=["-m32", "-mfpmath=387", "-O2"],
            source="backend.c", needs=["gcc", "gcc -m32", "libquadmath"]),
    Backend("c-spec-port", "c", [], flags=["-O2", "-ffp-contract=off"], source="spec_port.c",
            needs=["gcc", "libquadmath"], conforming=True),
    Backend("js-math-exp", "js", [Knob("exact-exp", ["exp"], add=("--exact-exp",))],
            argv=["node", os.path.join(REAL, "backend.js")], needs=["node"]),
    Backend("js-exact-exp", "js", [], argv=["node", os.path.join(REAL, "backend.js"),
                                            "--exact-exp"], needs=["node"], conforming=True),
]

# what each kind of backend is here, and the causes that cannot happen in it (so
# neither can their fix apply): x87 registers only on 32-bit x86, contraction only where
# a compiler (gcc, LLVM in Numba, XLA) compiles the arithmetic, BLAS only in libraries
# that call it, integers only where arrays can hold them, flushing only where something
# sets the FPU so (XLA, -ffast-math; PyTorch's set_flush_denormal)
KINDS = {"numpy": "NumPy library calls", "torch": "PyTorch eager on the CPU",
         "jax": "JAX compiled by XLA", "numba": "Numba loops (no BLAS)",
         "c": "C loops on x86-64 (SSE2, no BLAS)", "x87": "C loops on 32-bit x87 (no BLAS)",
         "js": "JavaScript numbers"}
IMPOSSIBLE = {
    "extended-precision": {"numpy", "torch", "jax", "numba", "js", "c"},
    "fma": {"numpy", "torch", "js"},
    "fused-update": {"numpy", "torch", "js"},
    "blas-dot": {"js", "c", "x87", "numba"},
    "integer-error": {"js", "c", "x87", "numba"},
    "float32": {"js"},
    "flush-subnormals": {"js", "numpy"},
}
COMPILER_FLAG = re.compile(r"(?<![\w=-])-(?:f[a-z][\w=-]*|m[a-z][\w=-]*|O\d)")
NO_COMPILER_FLAGS = {"numpy", "torch", "jax", "js"}    # Numba's fastmath flags are LLVM's


def spec_fixes():
    """id -> the fix column of docs/SPEC.md §6: what a report naming that id suggests."""
    with open(os.path.join(ROOT, "docs", "SPEC.md"), encoding="utf-8") as f:
        section = f.read().split("\n## 6.", 1)[-1].split("\n## 7.", 1)[0]
    fixes = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            fixes[cells[0].strip("`")] = cells[3]
    return fixes


FIXES = spec_fixes()


# --- running a backend -------------------------------------------------------------------

def golden_files(names=None):
    with open(os.path.join(GOLDEN, "manifest.json")) as f:
        listed = sorted(json.load(f)["files"])
    return [n for n in listed if not names or n in names]


def load_golden(name):
    """The scenario document (one compact line) and the trace's bits, per iteration."""
    with open(os.path.join(GOLDEN, name)) as f:
        doc = json.load(f)
    trace = [_key(entry["bits"]) for entry in doc.pop("trace")]
    return json.dumps(doc, separators=(",", ":")), trace


def _key(bits):
    return json.dumps(bits, sort_keys=True)


UNCERTAIN = []      # what an exact exp said of arguments it could not round for certain


def run_batch(argv, docs, timeout=1200):
    """The backend's trace of each document (a list of bit keys), or None where it
    failed; one process for all, through the --batch protocol."""
    proc = subprocess.run(argv + ["--batch"], input="".join(d + "\n" for d in docs),
                          capture_output=True, text=True, timeout=timeout)
    UNCERTAIN.extend(line for line in proc.stderr.splitlines() if "not certain" in line)
    traces, current = [], []
    for text in proc.stdout.splitlines():
        entry = json.loads(text)
        if entry.get("end"):
            traces.append(current)
            current = []
        elif "error" in entry:
            traces.append(None)
            current = []
        else:
            current.append(_key(entry["bits"]))
    traces += [None] * (len(docs) - len(traces))
    return traces


def first_divergence(trace, golden):
    """The first iteration whose bits differ (or is missing), None when all agree."""
    if trace is None:
        return -1
    for k, want in enumerate(golden):
        if k >= len(trace) or trace[k] != want:
            return k
    return None if len(trace) == len(golden) else len(golden)


def verify(repo, name, argv, timeout):
    """The --json report of `ann_ref verify golden/NAME --backend CMD` run in repo."""
    cmd = " ".join("'%s'" % a if re.search(r"[^\w./=+:-]", a) else a for a in argv)
    start = time.perf_counter()
    out = subprocess.run([PY, "-m", "ann_ref", "verify", os.path.join(GOLDEN, name),
                          "--backend", cmd, "--json", "--timeout", str(timeout)],
                         cwd=repo, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(out.stdout)
    except ValueError:
        report = {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    report["exit"], report["seconds"] = out.returncode, seconds
    return report


# --- the experiment -----------------------------------------------------------------------

def later(k, k0):
    """Switching something off helped: the divergence moved after k0, or went away."""
    return k is None or (k is not None and k > k0)


def fixing_sets(knobs, k0, effect):
    """The switches that, turned off, move the divergence after k0: each single one
    that does; else each pair that does; else one smallest set found by leaving out,
    one by one, what is not needed from all of them (when all of them do)."""
    singles = [(k,) for k in knobs if later(effect((k,)), k0)]
    if singles or len(knobs) < 2:
        return singles
    pairs = [p for p in itertools.combinations(knobs, 2) if later(effect(p), k0)]
    if pairs or len(knobs) < 3 or not later(effect(tuple(knobs)), k0):
        return pairs
    needed = list(knobs)
    for k in knobs:
        rest = tuple(n for n in needed if n is not k)
        if later(effect(rest), k0):
            needed = list(rest)
    return [tuple(needed)]


def true_causes(backend, k0, effect):
    """The cause ids at the first divergence k0, from effect(knobs) -> first divergence
    with those switches on. Returns (ids, how): how names the switches that showed
    them, "a+b" for switches that only together move the divergence."""
    whats = [k for k in backend.knobs if k.role == "what"]
    wheres = [k for k in backend.knobs if k.role == "where"]
    fixing = fixing_sets(whats, k0, effect)
    places = fixing_sets(wheres, k0, effect) if fixing else []
    ids = frozenset().union(*(k.ids for group in fixing for k in group))
    at = frozenset().union(*(k.ids for group in places for k in group))
    how = ["+".join(k.name for k in group) for group in fixing]
    how += ["at " + "+".join(k.name for k in group) for group in places]
    return sorted(ids & at or ids), how


def is_true(cause_id, truth):
    return bool(truth) and all(part in truth for part in cause_id.split("+"))


def inapplicable(backend, causes):
    """The causes of a report that cannot apply to this kind of backend, with why."""
    found = []
    for i, c in enumerate(causes):
        for part in c.get("id", "").split("+"):
            if backend.kind in IMPOSSIBLE.get(part, ()):
                found.append((i + 1, c["id"], "%s cannot happen in %s"
                              % (part, KINDS[backend.kind])))
        fix = " ".join(str(c[k]) for k in ("fix", "fixes") if c.get(k)) or " ".join(
            FIXES.get(part, "") for part in c.get("id", "").split("+"))
        flag = COMPILER_FLAG.search(fix)
        if backend.kind in NO_COMPILER_FLAGS and flag:
            found.append((i + 1, c["id"], "its fix is a compiler flag (%s), for %s"
                          % (flag.group(0), KINDS[backend.kind])))
        if backend.kind == "c" and "mfpmath" in fix:
            found.append((i + 1, c["id"], "its fix is -mfpmath=sse, on x86-64"))
    return found


def study(backend, names, goldens, repo, build_dir, timeout, jobs, log):
    """Every file: verdict, report, first divergence, and the true causes by ablation."""
    start = time.perf_counter()
    docs = [goldens[n][0] for n in names]
    base = backend.command((), build_dir)
    firsts = {n: first_divergence(t, goldens[n][1])
              for n, t in zip(names, run_batch(base, docs, timeout))}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        reports = dict(zip(names, pool.map(
            lambda n: verify(repo, n, base, timeout), names)))
    diverging = [n for n in names if firsts[n] is not None and firsts[n] >= 0]
    cache = {}

    def effects(knobs):
        key = tuple(sorted(k.name for k in knobs))
        if key not in cache:
            argv = backend.command(knobs, build_dir)
            traces = run_batch(argv, [goldens[n][0] for n in diverging], timeout)
            cache[key] = {n: first_divergence(t, goldens[n][1])
                          for n, t in zip(diverging, traces)}
        return cache[key]

    rows = []
    for n in names:
        report = reports[n]
        row = {"backend": backend.name, "kind": backend.kind, "file": n,
               "exit": report["exit"], "first_divergence": firsts[n],
               "verify_agrees": report.get("agree"), "verify_seconds": report["seconds"],
               "causes": [{"id": c.get("id"), "detail": c.get("detail")}
                          for c in report.get("causes", [])]}
        if firsts[n] == -1:
            row["failed"] = True
        if n in diverging:
            k0 = firsts[n]
            truth, how = true_causes(backend, k0, lambda ks: effects(ks)[n])
            ids = [c["id"] for c in row["causes"]]
            row.update(truth=truth, shown_by=how,
                       first=bool(ids) and is_true(ids[0], truth),
                       listed=any(is_true(i, truth) for i in ids),
                       inapplicable=inapplicable(backend, report.get("causes", [])))
        rows.append(row)
    log("%s: %d files, %d diverge, %d experiments, %.0f s\n" % (
        backend.name, len(names), len(diverging), len(cache), time.perf_counter() - start))
    return rows


# --- the report ---------------------------------------------------------------------------

def label(cause):
    """fma:dW, or for a pair its details alone (exp:numpy+sum-order:numpy)."""
    if cause["detail"] and "+" in cause["id"]:
        return cause["detail"]
    return cause["id"] + (":" + cause["detail"] if cause["detail"] else "")


def show(rows, skipped, out):
    w = max([len(r["backend"]) for r in rows] + [7])
    out.write("%-*s  %-34s %5s  %-40s %s\n" % (w, "backend", "file", "k", "true causes (by experiment)",
                                              "report's causes (first ✓/✗)"))
    for r in rows:
        if "truth" not in r:
            continue
        given = ", ".join(label(c) for c in r["causes"][:3]) or "none"
        if len(r["causes"]) > 3:
            given += ", … (%d)" % len(r["causes"])
        out.write("%-*s  %-34s %5d  %-40s %s %s\n" % (
            w, r["backend"], r["file"], r["first_divergence"],
            ", ".join(r["truth"]) or "? (no switch moves it)", "✓" if r["first"] else
            ("~" if r["listed"] else "✗"), given))
    scored = [r for r in rows if "truth" in r]
    n = len(scored)
    first = sum(r["first"] for r in scored)
    listed = sum(r["listed"] for r in scored)
    out.write("\n✓ first cause true, ~ a true cause listed but not first, ✗ none listed\n")
    out.write("%d diverging runs: first cause true in %d (%.1f %%), a true cause listed in %d "
              "(%.1f %%)\n" % (n, first, 100.0 * first / max(n, 1), listed,
                               100.0 * listed / max(n, 1)))
    unknown = [r for r in scored if not r["truth"]]
    if unknown:
        out.write("no switch explains %d of them: %s\n" % (
            len(unknown), ", ".join("%s/%s" % (r["backend"], r["file"]) for r in unknown)))
    per = {}
    for r in rows:
        p = per.setdefault(r["backend"], {"files": 0, "diverge": 0, "first": 0, "listed": 0,
                                           "failed": 0, "truth": set(), "mismatch": 0})
        p["files"] += 1
        p["failed"] += bool(r.get("failed"))
        if "truth" in r:
            p["diverge"] += 1
            p["first"] += r["first"]
            p["listed"] += r["listed"]
            p["truth"] |= set(r["truth"])
        agrees_here = r["first_divergence"] is None
        if r.get("failed") is None and r["verify_agrees"] is not None \
                and bool(r["verify_agrees"]) != agrees_here:
            p["mismatch"] += 1
    out.write("\nper backend: files, diverging, first, listed, backend failures, true causes\n")
    for name, p in per.items():
        out.write("  %-*s %3d %3d %3d %3d %3d  %s%s\n" % (
            w, name, p["files"], p["diverge"], p["first"], p["listed"], p["failed"],
            ", ".join(sorted(p["truth"])) or "-",
            "  (verify's verdict differs from the bits on %d files!)" % p["mismatch"]
            if p["mismatch"] else ""))
    wrong = [r for r in scored if not r["first"]]
    if wrong:
        out.write("\nwrong first causes:\n")
        for r in wrong:
            out.write("  %s %s (k=%d): said %s, true %s\n" % (
                r["backend"], r["file"], r["first_divergence"],
                label(r["causes"][0]) if r["causes"] else "nothing",
                ", ".join(r["truth"]) or "?"))
    bad = [r for r in scored if r["inapplicable"]]
    out.write("\n%d reports name causes that cannot apply to the backend (%d of them first):\n"
              % (len(bad), sum(1 for r in bad if r["inapplicable"][0][0] == 1)))
    for r in bad:
        whys = {}
        for pos, cid, why in r["inapplicable"]:
            whys.setdefault(why, []).append(pos)
        out.write("  %s %s: %s\n" % (r["backend"], r["file"], "; ".join(
            "%s (cause%s %s of %d)" % (why, "s" if len(p) > 1 else "",
                                       ",".join(map(str, sorted(set(p)))), len(r["causes"]))
            for why, p in whys.items())))
    for name, why in skipped:
        out.write("skipped %s: %s\n" % (name, why))


def check(rows, backends):
    """Conforming backends agree everywhere; every other is caught by some file."""
    problems = []
    for b in backends:
        mine = [r for r in rows if r["backend"] == b.name]
        if not mine:
            continue
        if b.conforming and any(r["first_divergence"] is not None or r["exit"] != 0
                                for r in mine):
            problems.append("%s should agree with every file" % b.name)
        if not b.conforming and not any(r["exit"] == 1 for r in mine):
            problems.append("%s is caught by no file" % b.name)
    return problems


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backends", help="comma-separated names (default: all): " +
                   ", ".join(b.name for b in BACKENDS))
    p.add_argument("--files", help="comma-separated golden file names (default: all)")
    p.add_argument("--json", metavar="OUT", help="write every row as JSON here")
    p.add_argument("--repo", default=ROOT, help="the checkout whose verify is judged")
    p.add_argument("-j", type=int, default=2, help="verify runs at a time")
    p.add_argument("--timeout", type=int, default=600)
    args = p.parse_args(argv)
    chosen = args.backends.split(",") if args.backends else [b.name for b in BACKENDS]
    unknown = set(chosen) - {b.name for b in BACKENDS}
    if unknown:
        p.error("unknown backend %s" % sorted(unknown)[0])
    names = golden_files(args.files.split(",") if args.files else None)
    if args.files and len(names) < len(set(args.files.split(","))):
        p.error("not in golden/manifest.json: %s" % ", ".join(
            sorted(set(args.files.split(",")) - set(names))))
    goldens = {n: load_golden(n) for n in names}
    rows, skipped, ran = [], [], []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="diagnosis-real.") as build_dir:
        for b in BACKENDS:
            if b.name not in chosen:
                continue
            why = b.missing()
            if why:
                skipped.append((b.name, why))
                sys.stderr.write("skipping %s: %s\n" % (b.name, why))
                continue
            rows += study(b, names, goldens, os.path.abspath(args.repo), build_dir,
                          args.timeout, args.j, sys.stderr.write)
            ran.append(b)
    show(rows, skipped, sys.stdout)
    sys.stdout.write("\nthe exact exps (C's crexp) were %s\n" % (
        "never near a rounding midpoint" if not UNCERTAIN else
        "uncertain %d times: %s" % (len(UNCERTAIN), "; ".join(sorted(set(UNCERTAIN))))))
    sys.stdout.write("%d backends, %d files, %.0f s in all\n" % (
        len(ran), len(names), time.perf_counter() - start))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "skipped": skipped}, f, indent=1, sort_keys=True)
    problems = check(rows, ran)
    for text in problems:
        sys.stdout.write("PROBLEM: %s\n" % text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
