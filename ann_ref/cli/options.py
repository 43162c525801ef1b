"""What every command shares: the program's name, the parser that reports a bad command
line in one line, and the types of the options."""
import argparse
import json

from ..errors import UsageError

PROG = "ann-ref"


class Parser(argparse.ArgumentParser):
    def error(self, message):             # one line, not argparse's usage block
        raise UsageError("%s: %s" % (self.prog, message))


def number(text):
    try:
        v = json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a finite number" % text)
    if type(v) not in (int, float) or not -1e308 * 10 < v < 1e308 * 10:
        raise argparse.ArgumentTypeError("%r is not a finite number" % text)
    return v


def matrix(text):
    """A JSON matrix ([[0.4], [0.2]]), or comma-separated numbers for one column."""
    try:
        v = json.loads(text if text.lstrip().startswith("[") else "[%s]" % text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is neither a JSON matrix nor numbers "
                                         "separated by commas" % text)
    if isinstance(v, list) and v and all(type(e) in (int, float) for e in v):
        v = [[e] for e in v]              # a column: one weight per feature
    return v


def count(text):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text)
    if n < 0:
        raise argparse.ArgumentTypeError("%r is negative" % text)
    return n


def positive(text):
    n = count(text)
    if n == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n
