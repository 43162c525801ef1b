"""The commands a document shows, run and compared with the output it shows, so that a
later change cannot make README.md or docs/*.md lie.

A shown command is a ```console block: each line that starts with "$ " is a command,
run by the shell from the checkout's top folder; the lines after it, up to the next
"$ " or the end of the block, are what it prints (stdout and stderr together). A line
"..." stands for any number of lines, and "…" at the end of a line for the rest of that
line. Nothing else is fuzzy. A block whose first line is "$ # not run: REASON" is shown
but not run (for commands that install things or take minutes).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def commands(path):
    """[(line number, command, expected lines)] of the document at path."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = []
    for match in _BLOCK.finditer(text):
        first_line = text.count("\n", 0, match.start()) + 2
        lines = match.group(1).splitlines()
        if lines and lines[0].startswith("$ # not run"):
            continue
        for i, line in enumerate(lines):
            if line.startswith("$ "):
                found.append((first_line + i, line[2:], []))
            elif found and found[-1][0] >= first_line:
                found[-1][2].append(line)
    return found


def matches(expected, obtained):
    """Whether the obtained lines are the expected ones, with "..." for any lines and a
    trailing "…" for the rest of a line."""
    if not expected:
        return not obtained
    head = expected[0]
    if head == "...":
        return any(matches(expected[1:], obtained[i:]) for i in range(len(obtained) + 1))
    if not obtained:
        return False
    line = obtained[0]
    ok = line.startswith(head[:-1]) if head.endswith("…") else line == head
    return ok and matches(expected[1:], obtained[1:])


def run(command, timeout=300):
    """The output lines of a shown command, run from the checkout with this Python as
    python3 (and the package importable as `ann_ref`)."""
    env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="100")
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    p = subprocess.run(command, shell=True, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return p.stdout.splitlines()


def mismatches(path):
    """One message for every shown command whose output is not what the document shows."""
    wrong = []
    for line, command, expected in commands(path):
        obtained = run(command)
        if not matches(expected, obtained):
            wrong.append("%s:%d: `%s` printed:\n%s\nbut the document shows:\n%s" % (
                os.path.relpath(path, ROOT), line, command, "\n".join(obtained),
                "\n".join(expected)))
    return wrong
