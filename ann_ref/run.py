"""`run`: a scenario in, its whole golden-format document out, streamed."""
from .atomic import replacing
from .fileformat import SCENARIO, open_document, scenario_object, write_document
from .golden import header_members
from .progress import progress
from .training import states


def read_header(path, kind=SCENARIO):
    """The checked scenario of a file, and the header of the document that runs it:
    description, flags and notes are kept, so that running a golden file gives that
    golden file again, byte for byte."""
    with open_document(path, kind) as document:
        s = document.scenario()
        given = document.header
    head = header_members(scenario_object(s["name"], s["variant"], s["x"], s["y"], s["W"],
                                          s["b"], s["learning_rate"], s["iterations"]),
                          given.get("description"), given.get("flags"), given.get("notes"))
    return s, head


def run_file(path, output, stdout):
    """Run the scenario file at path; write the document to output (a path, replaced
    atomically) or to stdout, one state at a time."""
    s, head = read_header(path)
    trajectory = progress(states(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                                 s["iterations"], s["variant"]), s["iterations"])
    if output is None:
        write_document(stdout, head, trajectory)
        stdout.flush()
        return
    with replacing(output) as f:
        write_document(f, head, trajectory)
