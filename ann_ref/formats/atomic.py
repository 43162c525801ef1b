"""Replacing a file so that it is always either the old or the new one, complete."""
import contextlib
import io
import os


def temporary_name(path):
    """Where the new version is written before it is renamed over path."""
    directory = os.path.dirname(os.path.abspath(path))
    return os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))


def leftovers(directory, names):
    """Temporary files that an interrupted replacement (a SIGKILL) left beside names."""
    for entry in os.listdir(directory):
        if entry.endswith(".tmp") and any(entry.startswith("." + n + ".") for n in names):
            yield os.path.join(directory, entry)


@contextlib.contextmanager
def replacing(path, binary=False):
    """A file to write the new version of path into; renamed over path when the block
    ends normally, removed when it does not.

    The temporary file's name is fixed before it is created, so an interruption at any
    moment (SIGTERM and Ctrl-C unwind through here) leaves nothing behind; only SIGKILL
    can, and golden write removes such leftovers."""
    temporary = temporary_name(path)
    try:
        mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with io.open(fd, "wb" if binary else "w", **({} if binary else
                                                     {"encoding": "utf-8", "newline": "\n"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)             # whatever the umask made of it
        os.replace(temporary, path)
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
