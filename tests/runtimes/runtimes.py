"""The conformance runner: every golden scenario, run by ann_ref as it is, on every
runtime — CPython 3.8 to 3.13 (pyenv), PyPy 3, MicroPython and Pyodide (npm, under
Node.js), and MicroPython's unix port built by tools/micropython.py in the float formats
and word sizes of boards (micropython-single-32bit and the others of UNIX_BUILDS) — with
the bits compared to the golden files.

    python3 tests/runtimes/runtimes.py            # every runtime found: table of timings
    python3 tests/runtimes/runtimes.py pypy3 micropython micropython-single-32bit

A unix build is found once built (python3 tools/micropython.py builds them all); named
here, it is built first if it is not.

A runtime that is not installed is reported as such; tests/test_runtimes.py turns that
into a failure when ANN_REF_ALL_RUNTIMES=1 (as .ci/run sets it). run() also stages the
core as .mpy files only (tests/test_mpy.py), runs it on softfloat (--software), or
measures MicroPython's heap instead (--heap, see heap.py and tools/heap.py).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(ROOT, "golden")
NODE_RUNTIMES = ("micropython", "pyodide")
EXP_VECTORS = [os.path.join(HERE, "exp_vectors.json"), os.path.join(HERE, "exp_vectors_binary32.json")]


def tool(name):
    """tools/NAME.py, loaded under a name of its own ("tools_NAME"): the runtime called
    micropython, and tests/runtimes/heap.py, must not stand for them."""
    import importlib.util
    module = sys.modules.get("tools_" + name)
    if module is None:
        spec = importlib.util.spec_from_file_location("tools_" + name,
                                                      os.path.join(ROOT, "tools", name + ".py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["tools_" + name] = module
    return module


def unix_builds():
    """{runtime name: variant of tools/micropython.py}: micropython-double, ..."""
    return dict(("micropython-" + v.name, v.name) for v in tool("micropython").VARIANTS)


UNIX_BUILDS = sorted(unix_builds())


def unix_binary(runtime, build=False):
    """The binary of a unix build: the cached one, or, with build=True, built if it is not
    (tools/micropython.py's Unavailable or BuildError otherwise)."""
    micropython = tool("micropython")
    variant = unix_builds()[runtime]
    return micropython.build(variant) if build else micropython.cached(variant)


def golden_names():
    with open(os.path.join(GOLDEN, "manifest.json")) as f:
        import json
        return sorted(json.load(f)["files"])


def pythons():
    """{name: interpreter} for the CPythons 3.8+ of pyenv, and PyPy."""
    found = {}
    paths = glob.glob("/root/.pyenv/versions/3.*/bin/python3")
    for path in sorted(paths, key=lambda p: [int(v) for v in re.findall(r"\d+", p)[:2]]):
        version = re.match(r".*/versions/(3\.\d+)", path).group(1)
        if tuple(int(v) for v in version.split(".")) >= (3, 8):
            found["cpython" + version] = path
    if shutil.which("pypy3"):
        found["pypy3"] = shutil.which("pypy3")
    return found


def available():
    names = list(pythons())
    modules = os.path.join(ROOT, "node_modules")
    if shutil.which("node"):
        if os.path.isdir(os.path.join(modules, "@micropython", "micropython-webassembly-pyscript")):
            names.append("micropython")
        if os.path.isdir(os.path.join(modules, "pyodide")):
            names.append("pyodide")
    names += [r for r in UNIX_BUILDS if unix_binary(r)]
    return names


def stage_core(target, mpy=False):
    """Copy what a runtime gets into target: ann_ref/__init__.py and ann_ref/core/, the
    numeric core, and nothing else, so that a tool module can never creep into it.
    mpy: the same modules compiled by tools/mpy.py, and no .py file at all."""
    if mpy:
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        try:
            import mpy as tool
        finally:
            sys.path.pop(0)
        tool.compile_core(target, ROOT)
        return target
    for folder in ("ann_ref", os.path.join("ann_ref", "core")):
        os.makedirs(os.path.join(target, folder))
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".py"):
                shutil.copy(os.path.join(ROOT, folder, name), os.path.join(target, folder))
    return target


def command(runtime, names, folder=GOLDEN, package=ROOT, options=()):
    """The command line; options are run.mjs's (--software is conformance.py's too)."""
    if runtime in NODE_RUNTIMES:
        return ["node", os.path.join(HERE, "run.mjs"), runtime] + list(options) + [
            package, folder] + names
    if runtime in UNIX_BUILDS:
        interpreter = unix_binary(runtime, build=True)
    else:
        interpreter = pythons()[runtime]
    return [interpreter, os.path.join(HERE, "conformance.py")] + list(options) + [
        folder, ",".join(EXP_VECTORS)] + names


class Result:
    def __init__(self, runtime, status, output, seconds):
        self.runtime, self.status, self.output, self.seconds = runtime, status, output, seconds
        self.lines = output.splitlines()

    @property
    def ok(self):
        return (self.status == 0 and self.summary() is not None
                and " 0 differ, 0 skipped" in self.summary() and self.exp_agreeing() > 0)

    def exp_agreeing(self):
        """How many exp arguments agree (conformance.py's exp line), 0 if none or no line."""
        line = next((l for l in self.lines if l.startswith("exp: ")), "")
        match = re.match(r"exp: (\d+) arguments agree", line)
        return int(match.group(1)) if match else 0

    def summary(self):
        return next((l for l in self.lines if l.startswith("conformance: ")), None)

    def seconds_of(self, name):
        """The time the runtime took for one scenario, or for all (name None)."""
        line = self.summary() if name is None else next(
            (l for l in self.lines if l.startswith(name + ":")), "")
        match = re.search(r"\(([\d.]+) s\)$", line)
        return float(match.group(1)) if match else None

    def version(self):
        return next((l[len("runtime: "):] for l in self.lines if l.startswith("runtime: ")), "")


def run(runtime, names=None, folder=GOLDEN, timeout=1800, env=None, mpy=False,
        options=(), stage=None):
    """Run the conformance check (or, with --heap in options, heap.py) in a runtime, on
    the core staged from .py files, or from .mpy files only (mpy=True); stage(package),
    if given, may change the staged copy before the run."""
    names = golden_names() if names is None else names
    with tempfile.TemporaryDirectory(prefix="ann-ref-runtime.") as package:
        stage_core(package, mpy)
        if stage:
            stage(package)
        # MICROPYPATH: where the unix port imports from, as PYTHONPATH for the others
        env = dict(os.environ, PYTHONPATH=package, MICROPYPATH=package, **(env or {}))
        start = time.perf_counter()
        p = subprocess.run(command(runtime, names, folder, package, options), cwd=package,
                           env=env, capture_output=True, text=True, timeout=timeout)
    return Result(runtime, p.returncode, p.stdout + p.stderr, time.perf_counter() - start)


def heap_figures(result):
    """{name: bytes} from heap.py's "heap NAME: BYTES" lines."""
    figures = {}
    for line in result.lines:
        match = re.match(r"heap (.+): (\d+)", line)
        if match:
            figures[match.group(1)] = int(match.group(2))
    return figures


VERSION_PROBE = ("import sys, platform; print('runtime: %s %s' % "
                 "(platform.python_implementation(), platform.python_version()) + "
                 "(' (PyPy %d.%d.%d)' % sys.pypy_version_info[:3] "
                 "if hasattr(sys, 'pypy_version_info') else ''))")


def describe(runtime):
    if runtime in NODE_RUNTIMES:
        return None
    if runtime in UNIX_BUILDS:
        variant = tool("micropython").BY_NAME[unix_builds()[runtime]]
        return "MicroPython 1.27.0 unix port, %s" % variant.summary
    return subprocess.run([pythons()[runtime], "-c", VERSION_PROBE], capture_output=True,
                          text=True).stdout.strip()[len("runtime: "):]


def main(wanted):
    runtimes = wanted or available()
    micropython = tool("micropython")
    for r in [r for r in wanted if r in UNIX_BUILDS and not unix_binary(r)]:
        print("%s: building it (tools/micropython.py)" % r)
        sys.stdout.flush()
        try:
            unix_binary(r, build=True)
        except (micropython.Unavailable, micropython.BuildError) as e:
            print("%s: cannot be built: %s" % (r, e))
    missing = [r for r in wanted if r not in available()]
    for r in missing:
        if r not in UNIX_BUILDS:
            print("%s: not installed" % r)
    rows, failed = [], bool(missing)
    for runtime in [r for r in runtimes if r not in missing]:
        result = run(runtime)
        version = result.version() or describe(runtime)
        if not result.ok:
            failed = True
            print("%s: FAILED\n%s" % (runtime, result.output))
        rows.append((runtime, version, result.seconds_of("article.json"), result.seconds_of(None),
                     result.seconds, result.summary() or "no summary"))
    print("| runtime | version | article | catalogue | process | result |")
    print("|---|---|---|---|---|---|")
    for runtime, version, article, catalogue, process, summary in rows:
        print("| %s | %s | %s | %s | %.1f s | %s |" % (
            runtime, version, "%.3f s" % article if article is not None else "?",
            "%.2f s" % catalogue if catalogue is not None else "?", process,
            summary[len("conformance: "):].split(" (")[0]))
    speeds = {r[0]: r[3] for r in rows if r[3]}
    cpython = [r for r in speeds if r.startswith("cpython3.11")] or [r for r in speeds if r.startswith("cpython")]
    if "pypy3" in speeds and cpython:
        print("PyPy against %s in this run: catalogue %.2f s against %.2f s, %.1f× %s"
              % (cpython[0], speeds["pypy3"], speeds[cpython[0]],
                 max(speeds["pypy3"], speeds[cpython[0]]) / min(speeds["pypy3"], speeds[cpython[0]]),
                 "faster" if speeds["pypy3"] < speeds[cpython[0]] else "slower"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
