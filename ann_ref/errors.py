"""The project's own error types: each carries one line that names the place."""


class AnnRefError(ValueError):
    """Base of every error the tools report as one line and exit status 2."""


class UsageError(AnnRefError):
    """A command line that cannot be carried out."""


class FormatError(AnnRefError):
    """A golden, trace or scenario file that is not what the format says.

    str(e) is 'FILE: $.json.path: what is wrong'."""

    def __init__(self, message, file=None, path="$"):
        self.file, self.path, self.reason = file, path, message
        where = "%s: %s" % (file, path) if file else path
        AnnRefError.__init__(self, "%s: %s" % (where, message))


class OutputError(AnnRefError):
    """A file or folder that cannot be written: str(e) is 'PATH: cannot be written: why'."""

    def __init__(self, path, reason):
        AnnRefError.__init__(self, "%s: cannot be written: %s" % (path or "''", reason))


class InternalError(Exception):
    """A bug of ann-ref itself, not of the input (exit status 4): str(e) says what went
    wrong in one line; details, if known, is the traceback of where."""

    def __init__(self, summary, details=None):
        Exception.__init__(self, summary)
        self.details = details


def crash_summary(e):
    """An unexpected exception in one line, 'Type: message': the same whether it happened
    in the main process or in a -j worker."""
    return " ".join(("%s: %s" % (type(e).__name__, e)).split())
