"""The command line: ann-ref train | run | verify | golden, one module per command.

Bad input of any kind ends in one line on stderr and exit status 2, never a traceback.
"""
import json
import signal
import sys

from .. import __version__
from ..errors import AnnRefError, UsageError
from . import golden, run, train, verify
from .options import PROG, Parser

COMMANDS = (train, run, verify, golden)


def build_parser():
    parser = Parser(prog=PROG, description="The article's neural network in plain Python, "
                    "exact to the bit, and the oracle that checks other implementations.")
    parser.add_argument("--version", action="version", version="ann_ref " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _terminate(signum, frame):
    raise SystemExit(128 + signum)        # unwinds, so temporary files are removed


def main(argv=None, out=None):
    out = out or sys.stdout
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:                    # not the main thread: leave signals alone
        pass
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args, out)
    except UsageError as e:               # already names the command
        sys.stderr.write("%s\n" % e)
        if argv is not None and "--json" in argv or argv is None and "--json" in sys.argv:
            out.write('{"error": %s, "status": 2}\n' % json.dumps(str(e)))   # verify --json
        return 2
    except AnnRefError as e:              # names the file and the place in it
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % PROG)
        return 130
    except BrokenPipeError:               # e.g. piped into head
        return 0
