"""The one check of a real number: what every public function and file reader applies
to a number it is given, so that all of them accept and refuse the same things.

A real number is an int or a float; a bool is refused (True is not a weight). An int
becomes the nearest binary64, ties to even (exact up to 2^53). An int that rounds to
infinity is refused by comparison rather than by catching OverflowError, because on
MicroPython float(10**400) is inf without an error; its digits are never printed (a
number of 5,000 digits would be the whole message, and CPython refuses to print one of
more than 4,300). inf and NaN, being floats, pass: what may be non-finite is the
caller's decision (a learning rate may not be; W, b, x and y may).
"""

# The smallest integer that rounds to infinity: 2^1024 − 2^970 lies halfway between
# the largest binary64 (2^1024 − 2^971) and 2^1024, and the tie goes to even (2^1024).
_BEYOND = (1 << 1024) - (1 << 970)


def too_large(n):
    """Whether the int n rounds to ±inf as a binary64."""
    return n >= _BEYOND or n <= -_BEYOND


def shown(v, most=40):
    """repr(v), shortened to at most `most` characters for an error message."""
    text = repr(v)
    return text if len(text) <= most else text[:most - 3] + "..."


def real(name, v):
    """v as a float; TypeError unless v is an int or a float, ValueError for an int
    beyond binary64. `name` says which argument v is, for the message."""
    if type(v) is float:
        return v
    if type(v) is bool or not isinstance(v, (int, float)):
        raise TypeError("%s is %s (%s), not a real number" % (name, shown(v), type(v).__name__))
    if isinstance(v, int) and too_large(v):
        raise ValueError("%s is too large for binary64 (an integer beyond ±1.8e308)" % name)
    return float(v)

