"""`run`: a scenario in, its whole golden-format document out, streamed."""
import io
import os
import tempfile

from .fileformat import SCENARIO, open_document, scenario_object, write_document
from .golden import header_members
from .progress import progress
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
    trajectory = progress(states(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
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
