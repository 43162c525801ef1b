"""Replacing a file so that it is always either the old or the new one, complete.

The new version is written to a temporary file beside the old one, flushed to disk, and
renamed over it. Whether the target can be replaced is checked before anything is
computed or written, so a bad output path costs nothing and leaves nothing behind.
"""
import contextlib
import io
import os

from ..errors import OutputError


def temporary_name(path, pid=None):
    """Where the new version is written before it is renamed over path."""
    directory = os.path.dirname(os.path.abspath(path))
    return os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path),
                                                   os.getpid() if pid is None else pid))


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:                       # someone else's process: it exists
        return True
    return True


def leftovers(directory, names):
    """Temporary files that an interrupted replacement (a SIGKILL) left beside names:
    those of processes that no longer run (a running one may still rename its file)."""
    for entry in os.listdir(directory):
        for name in names:
            middle = entry[len(name) + 2:-4]
            if (entry.startswith("." + name + ".") and entry.endswith(".tmp")
                    and middle.isdigit() and not _running(int(middle))):
                yield os.path.join(directory, entry)


def check_target(path):
    """OutputError unless path names a regular file, or nothing, in an existing folder
    that takes new files (the new version is written beside the old one, then renamed).
    Every command checks its output paths here, so each kind of problem has one
    wording."""
    if not path:
        raise OutputError(path, "the output path is empty")
    if os.path.isdir(path):
        raise OutputError(path, "it is a folder; give the path of a file")
    if os.path.exists(path) and not os.path.isfile(path):
        raise OutputError(path, "it is not a regular file (a device, pipe or socket), "
                          "and only a regular file can be replaced")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(path, ("%s is not a folder" if os.path.exists(folder) else
                                 "the folder %s does not exist") % os.path.dirname(path))
    probe = temporary_name(path)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:               # this process's own: it can create files there
        return
    except OSError as e:
        raise OutputError(path, _no_new_file(path, e))
    os.remove(probe)


def _no_new_file(path, e):
    """Why the temporary file beside path could not be created: its folder's fault."""
    return "no new file can be created in its folder %s (%s)" % (
        os.path.dirname(path) or ".", _reason(e))


def _reason(e):
    return e.strerror or str(e)


@contextlib.contextmanager
def replacing(path, binary=False):
    """A file to write the new version of path into; renamed over path when the block
    ends normally, removed when it does not. OutputError, before the block runs, if
    path cannot be replaced; OutputError too if writing fails (a full disk).

    The temporary file's name is fixed before it is created, so an interruption at any
    moment (SIGTERM and Ctrl-C unwind through here) leaves nothing behind; only SIGKILL
    can, and the next replacement of the same path removes what it left."""
    check_target(path)
    for old in leftovers(os.path.dirname(os.path.abspath(path)), [os.path.basename(path)]):
        os.remove(old)
    temporary = temporary_name(path)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
    try:                                  # from before the file exists to its rename
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        except OSError as e:
            raise OutputError(path, _no_new_file(path, e))
        try:
            with io.open(fd, "wb" if binary else "w", **({} if binary else
                         {"encoding": "utf-8", "newline": "\n"})) as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            os.chmod(temporary, mode)         # whatever the umask made of it
            os.replace(temporary, path)
        except OSError as e:
            if getattr(e, "filename", None) not in (None, temporary, path):
                raise                         # another file's error, from the block
            raise OutputError(path, _reason(e))
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise


def atomic_write(path, data):
    """Replace path by the bytes data."""
    with replacing(path, binary=True) as f:
        f.write(data)
