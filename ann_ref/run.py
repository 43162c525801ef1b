"""`run`: a scenario in, its whole golden-format document out, streamed."""
import io
import os
import sys
import tempfile
import time

from .fileformat import SCENARIO, open_document, scenario_object, write_document
from .golden import header_members
from .training import states


def run_file(path, output, stdout):
    """Run the scenario file at path; its description, flags and notes are kept, so
    running a golden file gives that golden file again, byte for byte."""
    with open_document(path, SCENARIO) as document:
        s = document.scenario()
        given = document.header
    head = header_members(scenario_object(s["name"], s["variant"], s["x"], s["y"], s["W"],
                                          s["b"], s["learning_rate"], s["iterations"]),
                          given.get("description"), given.get("flags"), given.get("notes"))
    trajectory = _progress(states(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                  s["iterations"], s["variant"]), s["iterations"])
    if output is None:
        write_document(stdout, head, trajectory)
        stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(output))
    fd, temporary = tempfile.mkstemp(prefix=".ann-ref-run.", suffix=".tmp", dir=directory)
    try:
        with io.open(fd, "w", encoding="utf-8", newline="\n") as f:
            write_document(f, head, trajectory)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        os.remove(temporary)
        raise


def _progress(trajectory, total, stream=None, after=2.0):
    """Pass the states through; on a terminal, once the run has taken more than `after`
    seconds, show how far it is on stderr (never when stderr is not a terminal)."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        for state in trajectory:
            yield state
        return
    start = last = time.monotonic()
    shown = False
    for k, state in enumerate(trajectory):
        if k & 1023 == 0:
            now = time.monotonic()
            if now - start > after and now - last > 0.25:
                stream.write("\r  iteration %d of %d (%d%%)" % (k, total, 100 * k // max(total, 1)))
                stream.flush()
                last, shown = now, True
        yield state
    if shown:
        stream.write("\r" + " " * 60 + "\r")
        stream.flush()
