"""One run of the core inside a MicroPython heap of a given size, for the bisection of
tools/heap.py --smallest: it prints "fits" when the run succeeded, "DIFFERS: ..." when a
state's bits are not the golden file's; a heap too small ends it with a MemoryError.

    micropython -X heapsize=N -m fits import                # import ann_ref
    micropython -X heapsize=N -m fits scenario GOLDEN_FILE  # trace_bits to the golden bits

Compiled to .mpy beside the core's .mpy files and conformance.mpy, so that compiling
them takes nothing from the heap measured.
"""
import sys


def main(argv):
    if argv[0] == "import":
        import ann_ref  # noqa: F401
    else:
        from conformance import check
        ok, _, message = check(argv[1])
        if not ok:
            print("DIFFERS: " + message)
            return 1
    print("fits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
