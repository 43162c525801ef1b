"""Paths and options across every command: one wording for each kind of output path
problem, a true reason for a folder that takes no new file, the empty path refused
everywhere, no output suffix of a format that is not written, no option accepted where
it would do nothing, and runs of 10^30 iterations that finish once the state is fixed."""
import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from ann_ref.progress import progress
from helpers import GOLDEN, ROOT, assert_one_line_error, cli, in_foreground, run_cli

HUGE = 10 ** 30
ARTICLE = json.load(open(os.path.join(GOLDEN, "article.json")))
FINAL = ARTICLE["trace"][-1]["bits"]          # the state from update 25 on


def writers(path):
    """Each command that writes a file, writing to path."""
    plot_path = path if path.endswith(".json") is False else path[:-5] + ".svg"
    return [["run", os.path.join(GOLDEN, "gate-and.json"), "-o", path],
            ["train", "-n", "3", "--trace", path],
            ["plot", "-o", plot_path]]


def kinds(tmp_path):
    """(path, what every command must say about it) for each kind of problem."""
    os.mkfifo(str(tmp_path / "fifo"))
    (tmp_path / "file").write_text("")
    return [
        ("", "ann-ref: '': cannot be written: the output path is empty"),
        (str(tmp_path), "ann-ref: {p}: cannot be written: it is a folder; give the path of "
                        "a file"),
        (str(tmp_path / "fifo"), "ann-ref: {p}: cannot be written: it is not a regular file "
                                 "(a device, pipe or socket), and only a regular file can "
                                 "be replaced"),
        (str(tmp_path / "missing" / "out.json"), "ann-ref: {p}: cannot be written: the "
                                                  "folder %s does not exist"
                                                  % (tmp_path / "missing")),
        (str(tmp_path / "file" / "out.json"), "ann-ref: {p}: cannot be written: %s is not a "
                                              "folder" % (tmp_path / "file")),
        ("/proc/version", "ann-ref: {p}: cannot be written: no new file can be created in its "
                          "folder /proc (No such file or directory)"),
    ]


def test_each_kind_of_output_problem_has_one_wording_in_every_command(tmp_path):
    for path, message in kinds(tmp_path):
        before = sorted(os.listdir(str(tmp_path)))
        for argv in writers(path):
            status, out, err = run_cli(argv)
            shown = argv[-1]
            assert_one_line_error(status, err)
            assert err == message.format(p=shown) + "\n", (argv, err)
            assert out == ""
        assert sorted(os.listdir(str(tmp_path))) == before


def test_a_file_that_exists_in_a_folder_that_takes_no_file_is_named_truly():
    status, _, err = cli("run", os.path.join(GOLDEN, "gate-and.json"), "-o", "/proc/version")
    assert_one_line_error(status, err, "no new file can be created in its folder /proc")
    assert "creating" not in err and ".tmp" not in err


@pytest.mark.parametrize("name", ["x.png", "x.PDF", "x.svg.png", "x.json"])
def test_plot_refuses_the_suffix_of_a_format_it_does_not_write(tmp_path, name):
    status, out, err = run_cli(["plot", "-o", str(tmp_path / name)])
    suffix = os.path.splitext(name)[1]
    assert_one_line_error(status, err, "ann-ref plot: -o %s: plot writes SVG, not %s; give "
                          "a name ending in .svg" % (tmp_path / name, suffix))
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("name", ["x.svg", "x.SVG", "picture"])
def test_plot_writes_svg_names_and_names_without_a_suffix(tmp_path, name):
    status, out, err = cli("plot", "-o", str(tmp_path / name))
    assert status == 0, err
    assert (tmp_path / name).read_text().startswith("<svg ")


@pytest.mark.parametrize("args, needle", [
    (["train", "--bits"], "ann-ref train: --bits changes the --every table: give --every K too"),
    (["train", "--bits", "--json"], "--json lines always give both the decimals and the bits"),
    (["train", "--bits", "--json", "--every", "5"], "--json lines always give both"),
    (["verify", "golden/article.json", "golden/article.json", "--batch"],
     "ann-ref verify: --batch is for a backend: it does nothing without --backend CMD"),
    (["verify", "golden/article.json", "golden/article.json", "--timeout", "5"],
     "--timeout is for a backend"),
    (["verify", "golden/article.json", "golden/article.json", "--max-output", "5"],
     "--max-output is for a backend"),
    (["verify", "golden/article.json", "golden/article.json", "-j", "2"],
     "-j is for a backend"),
    (["verify", "golden/article.json", "--backend", "true", "-j", "2"],
     "ann-ref verify: -j checks the files of a folder in parallel; give a folder of golden "
     "files"),
    (["verify", "golden/article.json", "golden/article.json", "--json", "--max-lines", "3"],
     "ann-ref verify: --max-lines caps the report of one file in text; it does nothing with "
     "--json"),
    (["verify", "golden", "--backend", "true", "--max-lines", "3"],
     "it does nothing with a folder (one line per file)"),
])
def test_an_option_that_would_do_nothing_is_refused_in_one_line(args, needle):
    status, out, err = run_cli(args)
    assert_one_line_error(status, err, needle)


def test_train_refuses_an_empty_trace_path_as_run_does():
    status, out, err = cli("train", "-n", "3", "--trace", "")
    assert_one_line_error(status, err, "ann-ref: '': cannot be written: the output path is "
                          "empty")
    assert out == ""


# --- 10^30 iterations ------------------------------------------------------------------

def huge_scenario(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(dict(ARTICLE["scenario"], iterations=HUGE, bits=None))
                    .join(['{"format": "ann-ref-golden", "version": 1, "scenario": ', "}"])
                    .replace(', "bits": null', ""))
    return str(path)


def test_train_of_10_to_the_30_iterations_ends_once_the_state_is_fixed(tmp_path):
    status, out, err = cli("train", "-n", str(HUGE), timeout=60)
    assert status == 0, err
    lines = out.splitlines()
    assert "after %d iterations:" % HUGE in lines
    assert [line.split()[-1] for line in lines if line.startswith("  W[") or
            line.startswith("  b ")] == [h for row in FINAL["W"] for h in row] + [FINAL["b"]]
    assert lines[-1] == "the state stopped changing after update 25"
    status, out, _ = cli("train", "-n", str(HUGE), "--every", str(HUGE // 4), "--bits",
                         timeout=60)
    rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert [int(r[0]) for r in rows] == [0, HUGE // 4, HUGE // 2, 3 * HUGE // 4, HUGE]
    assert all(r[-3:] == [FINAL["W"][0][0], FINAL["W"][1][0], FINAL["b"]] for r in rows[1:])


def test_plot_of_10_to_the_30_iterations_ends_once_the_state_is_fixed(tmp_path):
    out = tmp_path / "huge.svg"
    status, _, err = cli("plot", huge_scenario(tmp_path), "-o", str(out), timeout=60)
    assert status == 0, err
    svg = out.read_text()
    assert "trained for %d iterations" % HUGE in svg
    assert "the state stopped changing after update 25." in svg
    assert "iteration %d: 0 of 4 wrong" % HUGE in svg


def test_explain_of_iteration_10_to_the_30_ends_once_the_state_is_fixed(tmp_path):
    status, out, err = cli("explain", huge_scenario(tmp_path), "--iteration", str(HUGE),
                           "--bits", timeout=60)
    assert status == 0, err
    assert "from state %d to state %d" % (HUGE - 1, HUGE) in out.splitlines()[0]
    # the fixed state, unchanged by the update: before and after are its bits
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("W[")
            and len(line.split()) == 4]
    assert [(r[1], r[3]) for r in rows] == [(h, h) for row in FINAL["W"] for h in row]


class Terminal:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_says_how_long_the_rest_will_take():
    ticks = iter(range(0, 10 ** 6, 3))       # a clock that moves 3 s at each look
    shown = Terminal()
    assert list(progress(iter(range(4096)), HUGE, stream=shown, after=0,
                         clock=lambda: next(ticks))) == list(range(4096))
    # the clock reads 0 at the start, 6 at item 1024: 10^30 items at 1024 per 6 s take
    # 5.86e27 s, 1.86e20 years of 365.25 days
    assert "\r  iteration 1024 of %d (0%%), about 1.9e+20 years left" % HUGE in shown.text
    shown = Terminal()
    ticks = iter(range(0, 10 ** 6, 3))
    list(progress(iter(range(4096)), 4096, stream=shown, after=0, clock=lambda: next(ticks)))
    assert "\r  iteration 2048 of 4096 (50%), about 9 s left" in shown.text


@pytest.mark.slow
def test_run_of_10_to_the_30_iterations_shows_on_a_terminal_how_long_it_will_take(tmp_path):
    """run must write every state: on a terminal, its progress line says how long."""
    main, terminal = os.openpty()
    p = subprocess.Popen(in_foreground([sys.executable, "-m", "ann_ref", "run",
                                        huge_scenario(tmp_path), "-o",
                                        str(tmp_path / "out.json")]), cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while b"left" not in seen and time.monotonic() < deadline:
            if select.select([main], [], [], 1)[0]:
                seen += os.read(main, 4096)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(30)
        os.close(main)
    line = seen.decode().split("\r")[-1] if b"left" in seen.split(b"\r")[-1] else \
        [part for part in seen.decode().split("\r") if "left" in part][0]
    assert line.startswith("  iteration ") and (" of %d (0%%), about " % HUGE) in line
    assert line.endswith(" years left")
    assert p.returncode == 130
    assert os.listdir(str(tmp_path)) == ["huge.json"]      # interrupted: nothing left
