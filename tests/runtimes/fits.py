"""One run of the core inside a MicroPython heap of a given size, for the bisection of
tools/heap.py --smallest: it prints "fits" when the run succeeded, "DIFFERS: ..." when a
state's bits are not the golden file's; a heap too small ends it with a MemoryError.

    micropython -X heapsize=N -m fits import                # import ann_ref
    micropython -X heapsize=N -m fits example               # the README's board example
    micropython -X heapsize=N -m fits scenario GOLDEN_FILE  # trace_bits to the golden bits

Compiled to .mpy beside the core's .mpy files, goldens.mpy and board_example.mpy, so
that compiling them takes nothing from the heap measured.

A run sets gc.threshold to an eighth of the heap left free: MicroPython then collects
each time that much has been allocated, not only when an allocation fails. Collecting
early keeps what survives a collection together at the start of the heap instead of
scattered over all of it, which otherwise leaves no room for a list of 64 entries
(256 bytes in one piece) long before the heap is full: the runs of 9 features × 40
samples needed 165 KB without it, 95 KB with it. The board example of the README does
the same.
"""
import gc
import sys


def main(argv):
    gc.threshold(gc.mem_free() // 8)
    if argv[0] == "import":
        import ann_ref  # noqa: F401
    elif argv[0] == "example":
        import board_example  # noqa: F401
    else:
        from goldens import check
        ok, _, message = check(argv[1])
        if not ok:
            print("DIFFERS: " + message)
            return 1
    print("fits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
