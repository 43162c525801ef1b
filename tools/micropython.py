"""MicroPython 1.27's unix port built from its source tarball, in the float formats and
word sizes of the boards the core must run on, so that tests run the real interpreters.

    python3 tools/micropython.py                  # every variant: builds what is missing
    python3 tools/micropython.py single-32bit     # some of them; prints each binary's path
    python3 tools/micropython.py --list           # the variants, and which are built

Variants (each with the make arguments of the vendor README, COMMON below):
    double        64-bit, binary64 float (the port's default)
    single        64-bit, binary32 float
    single-32bit  32-bit, binary32 float: like an ESP32, RP2040 or STM32F4
    single-30bit  32-bit, binary32 float stored in 30 bits (MICROPY_OBJ_REPR_C): like ESP8266
    double-32bit  32-bit, binary64 float
    mpy-cross     the tarball's own bytecode compiler

The tarball is ANN_REF_MICROPYTHON_TARBALL, or ../shared/vendor/micropython-1.27.0.tar.gz
beside the repository; its sha256 must be SHA256. Each binary is kept as
build/micropython/VARIANT-KEY/NAME, KEY a hash of the tarball's sha256 and the make
arguments: it is built only when missing, in a folder named .partial-PID that becomes the
final one only once the binary is built and has been checked to be what the variant says
(the float's precision and the pointer size, measured by the binary itself), so an
interrupted or failed build leaves nothing that looks complete. 32-bit builds need gcc's
multilib (Debian: apt-get install gcc-multilib).
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "build", "micropython")
TARBALL_VARIABLE = "ANN_REF_MICROPYTHON_TARBALL"
DEFAULT_TARBALL = os.path.join(os.path.dirname(ROOT), "shared", "vendor",
                               "micropython-1.27.0.tar.gz")
SHA256 = "727205891c7e6940ebda9801b775b711fc18d929a931d9d8d8a8f9a79abe9b05"
TOP = "micropython-1.27.0"                # the tarball's one top folder
# The version a build writes into its banner: MicroPython takes it from `git describe`,
# which, under build/, would describe this repository instead of the tarball
VERSION_ENV = {"MICROPY_GIT_TAG": "v1.27.0", "MICROPY_GIT_HASH": "78ff170de9"}

# The unix port without what needs a submodule (libffi, berkeley-db, mbedtls), and no
# frozen modules: only the interpreter, its standard modules and the number formats.
COMMON = ["VARIANT=standard", "FROZEN_MANIFEST=", "MICROPY_PY_FFI=0", "MICROPY_PY_BTREE=0",
          "MICROPY_PY_SSL=0", "MICROPY_SSL_AXTLS=0", "MICROPY_SSL_MBEDTLS=0"]
COMMON_CFLAGS = ["-DMPZ_DIG_SIZE=16"]
SINGLE = "-DMICROPY_FLOAT_IMPL=MICROPY_FLOAT_IMPL_FLOAT"
BITS32 = ["MICROPY_FORCE_32BIT=1", "MICROPY_PY_THREAD=0"]
# 32-bit x86 code computes on the x87 FPU by default, in 80-bit registers, so a binary64
# result is rounded twice (1.0 + (2^-53 + 2^-80) gives 1.0): no board's FPU or software
# float does that. With SSE2 each operation is rounded once, as on a board.
SSE = ["-msse2", "-mfpmath=sse"]


class Variant:
    """A build: its make arguments and what its binary must measure itself to be —
    precision, the float's significand bits (1.0 + 2^-precision == 1.0, 2^-(precision-1)
    not), and pointer, sizeof(void *); a binary64 float must also round each addition
    once (see SSE)."""

    def __init__(self, name, make, cflags, precision, pointer, summary):
        self.name, self.make, self.cflags = name, make, cflags
        self.precision, self.pointer, self.summary = precision, pointer, summary

    def arguments(self):
        return COMMON + self.make + ['CFLAGS_EXTRA=%s' % " ".join(COMMON_CFLAGS + self.cflags)]


VARIANTS = [
    Variant("double", [], [], 53, 8, "64-bit, binary64 float (the port's default)"),
    Variant("single", [], [SINGLE], 24, 8, "64-bit, binary32 float"),
    Variant("single-32bit", BITS32, SSE + [SINGLE], 24, 4,
            "32-bit, binary32 float, like a board"),
    # MICROPY_OBJ_REPR_C keeps a float inside the object word: the binary32 value loses
    # the 2 low bits of its significand (a copy of the 2 above them is put back), so
    # 1.0 + 2^-22 is 1.0
    Variant("single-30bit", BITS32, SSE + [SINGLE, "-DMICROPY_OBJ_REPR=MICROPY_OBJ_REPR_C"],
            22, 4, "32-bit, binary32 float stored in 30 bits, like ESP8266"),
    Variant("double-32bit", BITS32, SSE, 53, 4, "32-bit, binary64 float"),
]
BY_NAME = dict((v.name, v) for v in VARIANTS)
MPY_CROSS = "mpy-cross"

# What the binary reports about itself, one line: significand bits of float,
# sizeof(void *), the version, and whether 1.0 + (2^-53 + 2^-80) rounds up once (binary64)
PROBE = """import struct, sys
e, p = 1.0, 0
while 1.0 + e != 1.0 and p < 200:
    e = e / 2
    p += 1
one, above_half = 1.0, 2 ** -53 + 2 ** -80
print(p, struct.calcsize("P"), sys.version.split("; ")[1].split()[1],
      one + above_half == one + 2 ** -52)
"""


class Unavailable(Exception):
    """What a build needs is not on this machine (the tarball, a compiler, multilib)."""


class BuildError(Exception):
    """Not the expected tarball, a build that failed, or a binary that is not what its
    variant says."""


def tarball():
    """The tarball's path, checked to exist and to have the expected sha256."""
    path = os.environ.get(TARBALL_VARIABLE) or DEFAULT_TARBALL
    if not os.path.isfile(path):
        raise Unavailable("%s: no such file (MicroPython's source tarball; set %s to its "
                          "path)" % (path, TARBALL_VARIABLE))
    digest = tarball_sha256(path)
    if digest != SHA256:
        raise BuildError("%s: sha256 is %s, not %s (MicroPython 1.27.0's tarball)"
                          % (path, digest, SHA256))
    return path


def tarball_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def key(arguments):
    """The cache key of a build: the tarball's sha256, the make arguments and the version
    given to it."""
    version = ["%s=%s" % item for item in sorted(VERSION_ENV.items())]
    return hashlib.sha256("\n".join([SHA256] + arguments + version).encode()).hexdigest()[:12]


def arguments_of(name):
    return ["mpy-cross"] if name == MPY_CROSS else BY_NAME[name].arguments()


def binary_name(name):
    return "mpy-cross" if name == MPY_CROSS else "micropython"


def final_folder(name):
    return os.path.join(CACHE, "%s-%s" % (name, key(arguments_of(name))))


def cached(name):
    """The binary of a variant if it has been built (nothing is built), else None."""
    path = os.path.join(final_folder(name), binary_name(name))
    return path if os.path.isfile(path) else None


def names():
    return [v.name for v in VARIANTS] + [MPY_CROSS]


def build(name, jobs=None):
    """The binary of a variant, built first if it is not in the cache."""
    if name not in names():
        raise BuildError("%s: no such variant (one of %s)" % (name, ", ".join(names())))
    path = cached(name)
    if path:
        return path
    source = source_tree(tarball())
    compilers(name)
    final = final_folder(name)
    remove_abandoned(final)
    partial = "%s.partial-%d" % (final, os.getpid())
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    try:
        binary = make(name, source, partial, jobs or os.cpu_count() or 1)
        if name == MPY_CROSS:
            check_mpy_cross(binary)
        else:
            check(BY_NAME[name], binary)
        kept = os.path.join(partial, binary_name(name))
        os.rename(binary, kept)
        shutil.rmtree(os.path.join(partial, "objects"))
        with open(os.path.join(partial, "built-with.txt"), "w") as f:
            f.write("tarball sha256 %s\nmake %s\n" % (SHA256, " ".join(arguments_of(name))))
        try:
            os.rename(partial, final)
        except OSError:                  # built meanwhile by another process: keep that one
            if not cached(name):
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return cached(name)


def remove_abandoned(final):
    """Partial folders of this build left by processes that no longer run."""
    prefix = os.path.basename(final) + ".partial-"
    if not os.path.isdir(CACHE):
        return
    for entry in os.listdir(CACHE):
        if entry.startswith(prefix) and entry[len(prefix):].isdigit():
            pid = int(entry[len(prefix):])
            if pid == os.getpid() or not running(pid):
                shutil.rmtree(os.path.join(CACHE, entry), ignore_errors=True)


def running(pid):
    try:
        os.kill(pid, 0)                  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def source_tree(path):
    """The tarball extracted once, to build/micropython/src-SHA/; its root folder."""
    folder = os.path.join(CACHE, "src-" + SHA256[:12])
    root = os.path.join(folder, TOP)
    if os.path.isdir(root):
        return root
    os.makedirs(CACHE, exist_ok=True)
    partial = tempfile.mkdtemp(prefix="src-%s.partial-" % SHA256[:12], dir=CACHE)
    try:
        with tarfile.open(path) as archive:
            members = archive.getmembers()
            outside = [m.name for m in members if not (m.name == TOP or m.name.startswith(TOP + "/"))
                       or ".." in m.name.split("/")]
            if outside:
                raise BuildError("%s: holds %s outside %s/" % (path, outside[0], TOP))
            if hasattr(tarfile, "data_filter"):
                archive.extractall(partial, filter="data")
            else:
                archive.extractall(partial)
        try:
            os.rename(partial, folder)
        except OSError:                  # extracted meanwhile by another process
            if not os.path.isdir(root):
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return root


def compilers(name):
    """make, gcc and, for a 32-bit variant, gcc -m32 (multilib) must work."""
    for tool in ("make", "gcc"):
        if not shutil.which(tool):
            raise Unavailable("%s: not found (building MicroPython needs make and gcc)" % tool)
    if name != MPY_CROSS and "MICROPY_FORCE_32BIT=1" in BY_NAME[name].make:
        with tempfile.TemporaryDirectory() as tmp:
            program = os.path.join(tmp, "m32.c")
            with open(program, "w") as f:
                f.write("#include <stdio.h>\n#include <math.h>\n"
                        "int main(void) { printf(\"%d\\n\", (int)sizeof(void *)); return 0; }\n")
            p = subprocess.run(["gcc", "-m32", program, "-lm", "-o", os.path.join(tmp, "m32")],
                               capture_output=True, text=True)
        if p.returncode != 0:
            raise Unavailable("gcc -m32 cannot build a program, so %s cannot be built: needs "
                              "gcc's multilib (apt-get install gcc-multilib)" % name)


def make(name, source, partial, jobs):
    """Run make; the path of the binary it made, inside partial/objects."""
    objects = os.path.join(partial, "objects")
    if name == MPY_CROSS:
        command = ["make", "-C", os.path.join(source, "mpy-cross"), "-j%d" % jobs,
                   "BUILD=" + objects]
    else:
        command = (["make", "-C", os.path.join(source, "ports", "unix"), "-j%d" % jobs]
                   + arguments_of(name) + ["BUILD=" + objects])
    log_path = os.path.join(CACHE, "%s.log" % name)
    with open(log_path, "w") as out:
        out.write(" ".join(command) + "\n")
        out.flush()
        p = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                           env=dict(os.environ, **VERSION_ENV))
    if p.returncode != 0:
        with open(log_path) as f:
            lines = [l.strip() for l in f]
        errors = ([l for l in lines if "error:" in l] or [l for l in lines if "Error" in l]
                  or lines[-1:])
        raise BuildError("building %s failed (make exit status %d; its output is in %s): %s"
                         % (name, p.returncode, log_path, errors[0]))
    binary = os.path.join(objects, binary_name(name))
    if not os.path.isfile(binary):
        raise BuildError("building %s: make succeeded but made no %s" % (name, binary))
    return binary


def measure(binary):
    """(precision, pointer size, version: v1.27.0 as in its banner, rounds once) as the
    binary measures them."""
    try:
        p = subprocess.run([binary, "-c", PROBE], capture_output=True, text=True, timeout=60)
        precision, pointer, version, once = p.stdout.split()
        return int(precision), int(pointer), version, once == "True"
    except (OSError, ValueError, subprocess.TimeoutExpired):
        raise BuildError("%s: does not run the probe" % binary)


def elf_pointer(binary):
    """4 or 8: the word size written in the executable's ELF header (its class)."""
    with open(binary, "rb") as f:
        header = f.read(5)
    if header[:4] != b"\x7fELF":
        raise BuildError("%s: not an ELF executable" % binary)
    return {1: 4, 2: 8}.get(header[4])


def check(variant, binary):
    precision, pointer, version, once = measure(binary)
    wanted = (variant.precision, variant.pointer, variant.pointer, "v1.27.0")
    got = (precision, pointer, elf_pointer(binary), version)
    if precision == 53 and not once:
        raise BuildError("%s: the binary rounds 1.0 + (2^-53 + 2^-80) twice (x87 registers?), "
                         "not once as binary64 arithmetic does" % variant.name)
    if got != wanted:
        raise BuildError("%s: the binary measures float precision %d bits, pointers of %d "
                         "bytes (ELF: %s), version %s; %s must be %d bits, %d bytes, v1.27.0"
                         % (variant.name, precision, pointer, got[2], version, variant.name,
                            variant.precision, variant.pointer))


def check_mpy_cross(binary):
    p = subprocess.run([binary, "--version"], capture_output=True, text=True)
    if "MicroPython v1.27.0" not in p.stdout or "emitting mpy v6.3" not in p.stdout:
        raise BuildError("%s: reports %r, not MicroPython v1.27.0 emitting mpy v6.3"
                         % (binary, p.stdout.strip()))


def main(argv):
    if "--list" in argv:
        for v in VARIANTS:
            print("%-13s %-55s %s" % (v.name, v.summary, cached(v.name) or "not built"))
        print("%-13s %-55s %s" % (MPY_CROSS, "the tarball's bytecode compiler",
                                  cached(MPY_CROSS) or "not built"))
        return 0
    unknown = [a for a in argv if a not in names()]
    if unknown:
        print("micropython.py: %s: no such variant or option (%s, --list)"
              % (unknown[0], ", ".join(names())), file=sys.stderr)
        return 2
    try:
        for name in argv or names():
            print("%s: %s" % (name, build(name)))
            sys.stdout.flush()
    except (Unavailable, BuildError) as e:
        print("micropython.py: %s" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("micropython.py: interrupted; nothing partial is kept", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
