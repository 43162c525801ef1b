"""Progress of long runs on stderr — only when stderr is a terminal, and only once a
run has taken a couple of seconds, so that pipes, files and CI logs never see it."""
import sys
import time


def progress(items, total, what="iteration", stream=None, after=2.0):
    """Pass items through unchanged, showing 'iteration k of total' while they go."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        for item in items:
            yield item
        return
    start = time.monotonic()
    last = start - after - 1              # so that the first check past `after` shows
    shown = False
    for k, item in enumerate(items):
        if k & 1023 == 0:
            now = time.monotonic()
            if now - start >= after and now - last >= 0.25:
                stream.write("\r  %s %d of %d (%d%%)" % (what, k, total,
                                                        100 * k // max(total, 1)))
                stream.flush()
                last, shown = now, True
        yield item
    if shown:
        stream.write("\r" + " " * 60 + "\r")
        stream.flush()
