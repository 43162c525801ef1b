"""Progress of long runs on stderr — only when stderr is a terminal, and only once a
run has taken a couple of seconds, so that pipes, files and CI logs never see it. The
line says how far the run is and, from its speed so far, how long the rest will take
(a scenario may ask for 10^30 iterations: that is said in years)."""
import sys
import time

YEAR = 365.25 * 24 * 3600


def progress(items, total, what="iteration", stream=None, after=2.0, clock=time.monotonic):
    """Pass items through unchanged, showing 'iteration k of total (p%), about T left'
    while they go."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        for item in items:
            yield item
        return
    start = clock()
    last = start - after - 1              # so that the first check past `after` shows
    shown = False
    for k, item in enumerate(items):
        if k & 1023 == 0:
            now = clock()
            if now - start >= after and now - last >= 0.25:
                stream.write("\r  %s %d of %d (%d%%)%s" % (
                    what, k, total, 100 * k // max(total, 1),
                    ", about %s left" % duration((total - k) * (now - start) / k) if k else ""))
                stream.flush()
                last, shown = now, True
        yield item
    if shown:
        stream.write("\r" + " " * 79 + "\r")
        stream.flush()


def duration(seconds):
    """A time to come, in words a person reads at a glance: 40 s, 12 min, 3.5 h, 2 days,
    1.3e+16 years."""
    if seconds < 90:
        return "%d s" % max(1, round(seconds))
    if seconds < 5400:
        return "%d min" % round(seconds / 60)
    if seconds < 2 * 86400:
        return "%.1f h" % (seconds / 3600)
    if seconds < YEAR:
        return "%d days" % round(seconds / 86400)
    years = seconds / YEAR
    return "%.1f years" % years if years < 1000 else "%.2g years" % years
