"""`ann-ref golden check|write`: regenerate the golden files and compare, or rewrite them."""
from ..catalogue import golden
from ..errors import UsageError
from .options import PROG

SHOWN_PROBLEMS = 20                       # golden check lists at most this many


def add_parser(sub):
    p = sub.add_parser("golden", help="check or rewrite the golden files",
                       description="'check' regenerates every golden file in memory and "
                       "compares its bytes, and the manifest's SHA-256; 'write' rewrites "
                       "them (each atomically, the manifest last). Review 'git diff golden/' "
                       "before committing a rewrite.")
    p.add_argument("action", choices=["check", "write"])
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="the golden folder (default: golden/ of the checkout ann_ref runs "
                   "from, else, for check, the catalogue installed with the package)")
    p.set_defaults(handler=run_command)


def run_command(args, out):
    directory = golden.default_dir() if args.dir is None else args.dir
    if args.action == "write" and args.dir is None and golden.checkout_dir() is None:
        raise UsageError("%s golden write: the catalogue installed with the package is not "
                         "rewritten; give the folder to write with --dir" % PROG)
    if args.action == "write":
        count, changed = golden.write_all(directory)
        out.write("%d golden files written to %s; %d changed%s\n" % (
            count, directory, len(changed), (": " + ", ".join(changed)) if changed else ""))
        return 0
    count, problems = golden.check_all(directory)
    if not problems:
        out.write("%d golden files, all bytes equal; manifest agrees\n" % count)
        return 0
    for line in problems[:SHOWN_PROBLEMS]:
        out.write(line + "\n")
    if len(problems) > SHOWN_PROBLEMS:
        out.write("... and %d more\n" % (len(problems) - SHOWN_PROBLEMS))
    out.write("%d golden files, %d problems; 'ann-ref golden write' regenerates them\n"
              % (count, len(problems)))
    return 1
