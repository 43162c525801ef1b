"""The command line: ann-ref train | run | verify | golden | article | explain | plot, one
module per command.

Bad input of any kind ends in one line on stderr and exit status 2, never a traceback.
"""
import json
import os
import signal
import sys
import traceback

from .. import __version__
from ..errors import AnnRefError, InternalError, UsageError, crash_summary
from . import article, explain, golden, plot, probe, run, train, verify
from .options import PROG, Parser

COMMANDS = (train, run, verify, probe, golden, article, explain, plot)

# What each command's exit status means, shown at the end of its --help (and in the
# README): 0 success, 1 a negative verdict, 2 bad input; verify adds 3; every command 4
# for a bug of its own, and 130 and 143 when stopped by SIGINT (Ctrl-C) or SIGTERM.
INTERNAL = 4
STOPPED = ("4 an internal error: a bug in ann-ref, not in the input (one line on stderr; "
           "ANN_REF_DEBUG=1 adds the traceback); 130 or 143 stopped by Ctrl-C or SIGTERM.")
EXIT_STATUSES = {
    None: "Exit status: 0 success; 1 a negative verdict (verify: the trace differs; golden "
          "check: a file differs); 2 bad input or usage (one line on stderr); 3 (verify "
          "--backend) the backend failed; " + STOPPED,
    "train": "Exit status: 0 success; 2 bad input or usage (one line on stderr); " + STOPPED,
    "run": "Exit status: 0 success; 2 bad input or usage, or an output that cannot be "
           "written (one line on stderr; nothing is written); " + STOPPED,
    "verify": "Exit status: 0 every value agrees; 1 the trace differs; 2 bad input or usage "
              "(a file that cannot be read as the format says); 3 the backend failed (did "
              "not start, crashed, timed out, exceeded its output limit, or wrote something "
              "that is not a trace); " + STOPPED,
    "probe": "Exit status: 0 every part conforms; 1 a part departs, or an experiment did not "
             "run; 2 bad input or usage (one line on stderr); " + STOPPED,
    "golden": "Exit status: 0 all files agree (check) or were written (write); 1 check found "
              "a difference; 2 bad input or usage (one line on stderr); " + STOPPED,
    "article": "Exit status: 0 success; 2 bad input or usage (one line on stderr); " + STOPPED,
    "explain": "Exit status: 0 success; 2 bad input or usage (one line on stderr); " + STOPPED,
    "plot": "Exit status: 0 success; 2 bad input or usage, or an output that cannot be "
            "written (one line on stderr; nothing is written); " + STOPPED,
}


def build_parser():
    parser = Parser(prog=PROG, description="The article's neural network in plain Python, "
                    "exact to the bit, and the oracle that checks other implementations.",
                    epilog=EXIT_STATUSES[None])
    parser.add_argument("--version", action="version", version="ann_ref " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub)
    for name, p in sub.choices.items():
        p.epilog = EXIT_STATUSES[name]
    return parser


def _terminate(signum, frame):
    raise SystemExit(128 + signum)        # unwinds, so temporary files are removed


def _silence_stdout():
    """Point stdout at /dev/null, so that the interpreter's last flush of what is still
    buffered cannot fail again (a full disk, a closed pipe) and print a traceback."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):   # no real stdout: nothing to flush
        pass


def main(argv=None, out=None):
    out = out or sys.stdout
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:                    # not the main thread: leave signals alone
        pass
    try:
        args = build_parser().parse_args(argv)
        status = args.handler(args, out)
        out.flush()                       # a full disk shows here, not at exit
        return status
    except UsageError as e:               # already names the command
        sys.stderr.write("%s\n" % e)
        if _wants_json(argv):
            out.write('{"error": %s, "status": 2}\n' % json.dumps(str(e)))   # verify --json
        return 2
    except AnnRefError as e:              # names the file and the place in it
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % PROG)
        return 130
    except BrokenPipeError:               # e.g. piped into head
        if out is sys.stdout:
            _silence_stdout()
        return 0
    except OSError as e:                  # a file or stdout that cannot be read or written
        where = e.filename if e.filename is not None else (
            "standard output" if out is sys.stdout else "the output")
        sys.stderr.write("%s: %s: %s\n" % (PROG, where, e.strerror or e))
        if out is sys.stdout:
            _silence_stdout()
        return 2
    except RecursionError:                # a command line nested beyond Python's stack
        sys.stderr.write("%s: the input is nested too deeply\n" % PROG)
        return 2
    except Exception as e:                # a bug of ours: its own status, never 1 or 2
        details = e.details if isinstance(e, InternalError) else traceback.format_exc()
        summary = str(e) if isinstance(e, InternalError) else crash_summary(e)
        if os.environ.get("ANN_REF_DEBUG") and details:
            sys.stderr.write(details.rstrip("\n") + "\n")
        message = "internal error (a bug in ann-ref, not in the input): %s" % summary
        sys.stderr.write("%s: %s\n" % (PROG, " ".join(message.split())))
        if _wants_json(argv):
            out.write('{"error": %s, "status": %d}\n' % (json.dumps(message), INTERNAL))
        return INTERNAL


def _wants_json(argv):
    return "--json" in (sys.argv if argv is None else argv)
