"""`run`: a scenario in, its whole golden-format document out, streamed."""
from ..formats.atomic import check_target, replacing
from ..formats.reader import SCENARIO, open_document
from ..formats.writer import write_document
from ..catalogue.document import header, trajectory
from ..progress import progress


def read_header(path, kind=SCENARIO):
    """The checked scenario of a file, and the header of the document that runs it:
    description, flags and notes are kept, so that running a golden file gives that
    golden file again, byte for byte."""
    with open_document(path, kind) as document:
        s = document.scenario()
        given = document.header
    return s, header(s, given.get("description"), given.get("flags"), given.get("notes"))


def run_file(path, output, stdout):
    """Run the scenario file at path; write the document to output (a path, replaced
    atomically) or to stdout, one state at a time. A bad output path is refused before
    anything is read or computed."""
    if output is not None:
        check_target(output)
    s, head = read_header(path)
    trajectory_ = progress(trajectory(s), s["iterations"])
    if output is None:
        write_document(stdout, head, trajectory_)
        stdout.flush()
        return
    with replacing(output) as f:
        write_document(f, head, trajectory_)


def add_parser(sub):
    p = sub.add_parser("run", help="run a scenario file and write its golden-format trace",
                       description="Run the scenario of SCENARIO.json with the reference "
                       "and write the whole document, trace included, in the golden format "
                       "(to standard output, or atomically to OUT). The trace is written as "
                       "it is computed, so a run of any length takes little memory.")
    p.add_argument("scenario", metavar="SCENARIO.json")
    p.add_argument("-o", "--output", metavar="OUT.json",
                   help="write here (a temporary file, renamed when complete) instead of "
                   "to standard output; a temporary file that an earlier, killed run left "
                   "is removed)")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    run_file(args.scenario, args.output, out)
    return 0
