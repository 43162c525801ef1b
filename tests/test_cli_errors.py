"""Every command, given a path or an argument it cannot use: one line on stderr naming it,
exit status 2, no traceback, nothing written, and the output checked before any work."""
import os
import stat
import subprocess
import sys

import pytest

from ann_ref.catalogue import golden
from helpers import GOLDEN, ROOT, assert_one_line_error, cli, interrupted, run_cli

SCENARIO = os.path.join(GOLDEN, "gate-and.json")


def endless_scenario(folder):
    """A valid scenario of 10^12 iterations: a command that starts on it does not end
    within a test's timeout, so finishing at all proves nothing was computed."""
    path = os.path.join(str(folder), "endless.json")
    with open(path, "w") as f:
        f.write('{"format": "ann-ref-golden", "version": 1, "scenario": {"name": "e", '
                '"variant": "logistic", "x": [[0, 1]], "y": [[0, 1]], "W": [[0.5]], "b": 0, '
                '"learning_rate": 0.5, "iterations": 1000000000000}}')
    return path


def listing(folder):
    """{name: bytes} of the files of a folder (and the names of its folders)."""
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        found[name] = open(path, "rb").read() if os.path.isfile(path) else "folder"
    return found


@pytest.mark.parametrize("target, needle", [
    ("{tmp}", "cannot be written: it is a folder"),
    ("{tmp}/missing/out.json", "the folder {tmp}/missing does not exist"),
    ("{tmp}/fifo/out.json", "{tmp}/fifo is not a folder"),
    ("", "'': cannot be written: the output path is empty"),
    ("{tmp}/fifo", "it is not a regular file"),
    ("{tmp}/link-to-dev-full", "it is not a regular file"),
    ("/proc/self/out.json", "/proc/self/out.json: cannot be written"),
])
def test_run_refuses_an_output_it_cannot_write_before_any_work(tmp_path, target, needle):
    os.mkfifo(str(tmp_path / "fifo"))
    os.symlink("/dev/full", str(tmp_path / "link-to-dev-full"))   # replacing it would
    before = listing(str(tmp_path))                                # replace the link only
    target = target.format(tmp=tmp_path)
    status, out, err = cli("run", endless_scenario(tmp_path), "-o", target, timeout=30)
    assert_one_line_error(status, err, needle.format(tmp=tmp_path))
    assert out == ""
    assert listing(str(tmp_path)) == dict(before, **{"endless.json": listing(str(tmp_path))["endless.json"]})
    assert os.path.islink(str(tmp_path / "link-to-dev-full"))
    assert stat.S_ISFIFO(os.stat(str(tmp_path / "fifo")).st_mode)


def test_run_to_a_full_disk_on_stdout_is_one_line():
    if not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)):
        pytest.skip("no /dev/full device here")
    with open("/dev/full", "w") as full:
        status, _, err = cli("run", SCENARIO, stdout=full)
    assert_one_line_error(status, err, "ann-ref: standard output: No space left on device")
    with open("/dev/full", "w") as full:
        status, _, err = cli("train", "--help", stdout=full)
    assert_one_line_error(status, err, "standard output: No space left on device")


def test_run_into_a_closed_pipe_says_nothing():
    p = subprocess.Popen([sys.executable, "-m", "ann_ref", "run",
                          os.path.join(GOLDEN, "long-run.json")], cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.read(100)
    p.stdout.close()                                     # as `| head -c 100` does
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait() == 0 and err == ""


def test_a_temporary_file_that_a_killed_run_left_is_removed_by_the_next_run(tmp_path):
    out = str(tmp_path / "out.json")
    # killed (SIGKILL) right after its temporary file was created: it stays behind
    status, _, _ = interrupted(1, "KILL", "run", SCENARIO, "-o", out)
    assert status == -9
    [left] = [n for n in os.listdir(str(tmp_path)) if n.endswith(".tmp")]
    assert left.startswith(".out.json.") and not os.path.exists(out)
    # a running process's temporary file is not touched: it may still be renamed
    running = tmp_path / (".out.json.%d.tmp" % os.getpid())
    running.write_text("in progress")
    status, _, err = cli("run", SCENARIO, "-o", out, process=True)   # another pid
    assert status == 0, err
    assert sorted(os.listdir(str(tmp_path))) == sorted(["out.json", running.name])
    assert open(out, "rb").read() == open(SCENARIO, "rb").read()


def test_a_terminated_run_leaves_nothing(tmp_path):
    out = str(tmp_path / "out.json")
    status, _, err = interrupted(2, "TERM", "run", SCENARIO, "-o", out)
    assert status == 128 + 15 and "Traceback" not in err
    assert os.listdir(str(tmp_path)) == []


def test_golden_write_onto_a_folder_where_a_file_should_be_writes_nothing(copy_of_golden):
    os.remove(os.path.join(copy_of_golden, "subnormal.json"))
    os.mkdir(os.path.join(copy_of_golden, "subnormal.json"))
    with open(os.path.join(copy_of_golden, "article.json"), "a") as f:
        f.write(" ")                                     # a file write would change
    before = listing(copy_of_golden)
    status, out, err = cli("golden", "write", "--dir", copy_of_golden)
    assert_one_line_error(status, err, "subnormal.json: cannot be written: it is a folder")
    assert out == "" and listing(copy_of_golden) == before


@pytest.mark.parametrize("directory, needle", [
    ("/proc/self", "/proc/self: cannot be written"),
    ("", "'': cannot be written: the folder's name is empty"),
    (SCENARIO, "gate-and.json: cannot be written: File exists"),
    (SCENARIO + "/inside", "gate-and.json/inside: cannot be written: Not a directory"),
])
def test_golden_write_to_a_folder_it_cannot_write(directory, needle):
    status, out, err = run_cli(["golden", "write", "--dir", directory])
    assert_one_line_error(status, err, needle)
    assert out == ""


@pytest.mark.parametrize("directory, needle", [
    ("", "ann-ref: '': not a folder"),
    (SCENARIO, "gate-and.json: not a folder"),
])
def test_golden_check_of_something_that_is_not_a_folder(directory, needle):
    status, out, err = run_cli(["golden", "check", "--dir", directory])
    assert_one_line_error(status, err, needle)


def test_golden_check_names_a_folder_where_a_file_should_be(copy_of_golden):
    os.remove(os.path.join(copy_of_golden, "subnormal.json"))
    os.mkdir(os.path.join(copy_of_golden, "subnormal.json"))
    problems = golden.check(copy_of_golden)
    assert "%s/subnormal.json: cannot be read: Is a directory" % copy_of_golden in problems


@pytest.mark.parametrize("args, needle", [
    (["run", "{tmp}"], "{tmp}: $: cannot be read: Is a directory"),
    (["run", "{tmp}/nothing.json"], "{tmp}/nothing.json: $: cannot be read: No such file"),
    (["run", "/dev/null"], "/dev/null: $: expected a JSON object"),
    (["run", ""], "cannot be read"),
    (["verify", "{tmp}", SCENARIO], "a folder of golden files is checked against --backend CMD"),
    (["verify", SCENARIO, "/dev/null"], "/dev/null"),
])
def test_an_input_that_cannot_be_read_is_named(tmp_path, args, needle):
    status, out, err = run_cli([a.format(tmp=tmp_path) for a in args])
    assert_one_line_error(status, err, needle.format(tmp=tmp_path))
    assert out == ""


STOPPED = ["4 an internal error: a bug in ann-ref", "130 or 143 stopped by Ctrl-C or SIGTERM"]


@pytest.mark.parametrize("command, statuses", [
    ([], ["0 success", "1 a negative verdict", "2 bad input or usage", "3 (verify --backend)"]
     + STOPPED),
    (["train"], ["0 success", "2 bad input or usage"] + STOPPED),
    (["run"], ["0 success", "2 bad input or usage"] + STOPPED),
    (["verify"], ["0 every value agrees", "1 the trace differs", "2 bad input or usage",
                  "3 the backend failed"] + STOPPED),
    (["golden"], ["0 all files agree", "1 check found a difference", "2 bad input"] + STOPPED),
    (["plot"], ["0 success", "2 bad input or usage"] + STOPPED),
    (["article"], ["0 success"] + STOPPED),
    (["explain"], ["0 success"] + STOPPED),
])
def test_every_help_says_what_the_exit_statuses_mean(command, statuses):
    status, out, _ = run_cli(command + ["--help"])
    assert status == 0
    text = " ".join(out.split())                         # argparse wraps the lines
    assert "Exit status: " in text
    for words in statuses:
        assert words in text


def test_a_full_disk_while_run_writes_its_file_is_one_line_and_keeps_the_old_file(
        tmp_path, monkeypatch):
    from ann_ref.formats import atomic

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(atomic.os, "fsync", full)         # where a full disk shows last
    out = tmp_path / "out.json"
    out.write_text("previous")
    status, stdout, err = run_cli(["run", SCENARIO, "-o", str(out)])
    assert (status, stdout) == (2, "")
    assert err == "ann-ref: %s: cannot be written: No space left on device\n" % out
    assert out.read_text() == "previous" and os.listdir(str(tmp_path)) == ["out.json"]


def test_a_file_name_with_a_nul_is_one_line():
    # no command line can carry a NUL, but cli.main can be called with one
    status, out, err = run_cli(["verify", os.path.join(GOLDEN, "article.json"),
                                "my\x00trace.json"])
    assert_one_line_error(status, err, "'my\\x00trace.json'", "no NUL character")
