"""What every command shares: the program's name, the parser that reports a bad command
line in one line, and the types of the options."""
import argparse
import sys

from ..core.numbers import shown
from ..errors import FormatError, UsageError
from ..formats.jsonstream import loads

PROG = "ann-ref"


class Parser(argparse.ArgumentParser):
    def error(self, message):             # one line, not argparse's usage block
        raise UsageError("%s: %s" % (self.prog, message))

    def _print_message(self, message, file=None):
        # argparse ignores a failed write of --help; a full disk is an error like any other
        if message:
            file = file or sys.stderr
            file.write(message)
            file.flush()


# Non-finite values are written as in the files: the strings inf, -inf and nan
# (JSON's NaN and Infinity tokens are refused there, and so here)
NON_FINITE = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def json_value(text):
    """JSON on the command line, read as the files are (no NaN or Infinity tokens, the
    same nesting limit on every interpreter); ValueError if it is not. Its floats keep
    their text (jsonstream.Decimal), for a binary32 run to round them once."""
    try:
        return loads(text, exact=True)
    except FormatError as e:
        raise ValueError(e.reason)


def _value(text):
    """One number of the command line: JSON's numbers, or inf, -inf, nan."""
    text = text.strip()
    if text in NON_FINITE:
        return NON_FINITE[text]
    digits = text.lstrip("-")
    if digits.isdigit() and len(digits) > 309:      # beyond 1.8e308, however it is read
        raise argparse.ArgumentTypeError("%s is too large for binary64" % shown(text, 20))
    try:
        v = json_value(text)
    except ValueError:
        v = None
    if not isinstance(v, (int, float)) or type(v) is bool:
        raise argparse.ArgumentTypeError("%s is not a number (inf, -inf and nan are "
                                         "written so)" % shown(text))
    if v in (NON_FINITE["inf"], NON_FINITE["-inf"]):   # only an overflowing decimal reads so
        raise argparse.ArgumentTypeError("%s is too large for binary64 (inf is written inf)"
                                         % shown(text, 20))
    return v


def number_argument(text):
    return _value(text)


def matrix(text):
    """A JSON matrix ([[0.4], [0.2]], with "inf", "-inf" and "nan" as strings), or
    numbers separated by commas for one column (0.4,0.2 or inf,nan)."""
    if not text.lstrip().startswith("["):
        return [[_value(e)] for e in text.split(",")]   # a column: one weight per feature
    try:
        v = json_value(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s is not a JSON matrix (inf, -inf and nan are "
                                         "written as the strings \"inf\", \"-inf\", \"nan\")"
                                         % shown(text))
    if isinstance(v, list) and v and all(type(e) in (int, float, str) for e in v):
        v = [[e] for e in v]              # a column: one weight per feature
    if isinstance(v, list):
        v = [[NON_FINITE.get(e, e) if isinstance(e, str) else e for e in row]
             if isinstance(row, list) else row for row in v]
    return v


def count(text):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s is not a whole number" % shown(text))
    if n < 0:
        raise argparse.ArgumentTypeError("%s is negative" % shown(text))
    return n


def positive(text):
    n = count(text)
    if n == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n
