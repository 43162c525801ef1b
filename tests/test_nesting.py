"""The readers' nesting limit: 64 arrays and objects inside each other, the top-level
value counted, are read; one more is refused in one line naming the file and the place.
The verdict is the reader's own, the same whatever decoder the interpreter has (CPython's
C scanner, or PyPy's written in Python) and however low its recursion limit."""
import io
import json
import json.scanner
import sys

import pytest

from ann_ref.errors import FormatError
from ann_ref.formats import jsonstream
from ann_ref.formats.reader import SCENARIO, TRACE, Document
from helpers import assert_one_line_error, cli

LIMIT = 64                           # docs/SPEC.md §7 and golden/README.md say so
REFUSED = "nested too deeply: more than 64 arrays and objects inside each other"
ENTRY = '{"iteration": 0, "bits": {"W": [["3fd999999999999a"]], "b": "3ff0000000000000"}'


def arrays(n):
    return "[" * n + "]" * n


def objects(n):
    return '{"a": ' * n + "0" + "}" * n


def documents(nest, levels):
    """(kind, text, where) for a value nested `levels` deep in total, in every place a
    reader meets one: alone, in a scenario file's header, in a trace entry of a document
    (inside the top-level object and the trace array), and in JSON lines."""
    alone = nest(levels)
    header = ('{"format": "ann-ref-golden", "version": 1, "extra": %s, "scenario": '
              '{"name": "s", "variant": "logistic", "x": [[1]], "y": [[1]], "W": [[0]], '
              '"b": 0, "learning_rate": 0.5, "iterations": 1}}' % nest(levels - 1))
    entry = ENTRY + ', "extra": %s}' % nest(levels - 3)
    document = '{"format": "ann-ref-golden", "version": 1, "trace": [%s]}' % entry
    lines = ENTRY + "}\n" + ENTRY.replace('"iteration": 0', '"iteration": 1') + \
        ', "extra": %s}\n' % nest(levels - 1)
    return [("value", alone, "$"), (SCENARIO, header, "$.extra"),
            (TRACE, document, "$.trace[0]"), (TRACE, lines, "$[1]")]


def read(kind, text):
    if kind == "value":
        return jsonstream.loads(text, "doc.json")
    with Document(io.BytesIO(text.encode("utf-8")), "doc.json", kind) as d:
        return d.scenario() if kind == SCENARIO else list(d.entries())


def verdict(kind, text):
    try:
        read(kind, text)
    except FormatError as e:
        return str(e)
    return "read"


CASES = [(nest.__name__, levels, kind, text, where)
         for nest in (arrays, objects) for levels in (LIMIT, LIMIT + 1, 1000, 100000)
         for kind, text, where in documents(nest, levels)]


@pytest.mark.parametrize("nest, levels, kind, text, where", CASES,
                         ids=["%s-%d-%s" % (c[0], c[1], c[2]) for c in CASES])
def test_the_limit_is_64_levels_wherever_the_value_is(nest, levels, kind, text, where):
    found = verdict(kind, text)
    if levels <= LIMIT:
        assert found == "read"
    else:
        assert found.startswith("doc.json: %s: %s (line " % (where, REFUSED)), found


def pure_python_decoder(monkeypatch):
    """The reader with the standard library's decoder written in Python, as PyPy has it."""
    decoder = json.JSONDecoder(parse_int=jsonstream._int, parse_constant=jsonstream._constant,
                               object_pairs_hook=jsonstream._object)
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    monkeypatch.setattr(jsonstream, "_scan", decoder.scan_once)
    monkeypatch.setattr(jsonstream, "_decode", decoder.raw_decode)


def test_the_same_verdicts_with_a_decoder_in_python_and_a_low_recursion_limit(monkeypatch):
    expected = [verdict(kind, text) for _, _, kind, text, _ in CASES]
    pure_python_decoder(monkeypatch)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(__import__("inspect").stack()) + 400)
    try:
        found = [verdict(kind, text) for _, _, kind, text, _ in CASES]
    finally:
        sys.setrecursionlimit(limit)
    assert found == expected


def test_a_deep_value_cut_by_the_readers_chunks_is_refused_where_it_passes_the_limit():
    # the deep part starts just before the end of the first chunk the reader takes
    pad = " " * (jsonstream.CHUNK - 100)
    text = '{"format": "ann-ref-golden", "version": 1, "trace": [%s, "x": %s}]}' % (
        ENTRY, pad + arrays(100000))
    found = verdict(TRACE, text)
    assert found.startswith("doc.json: $.trace[0]: %s (line 1)" % REFUSED), found


def test_brackets_inside_strings_do_not_count():
    text = '["%s", {"k%s": ["]]]]"]}]' % ("[" * 500, "{" * 500)
    assert jsonstream.loads(text, "doc.json") == json.loads(text)


def test_the_command_line_refuses_a_deep_trace_in_one_line(tmp_path):
    trace = tmp_path / "deep.json"
    trace.write_text(ENTRY + ', "extra": %s}\n' % arrays(5000))
    status, out, err = cli("verify", "golden/article.json", str(trace))
    assert_one_line_error(status, err, "deep.json: $.extra: " + REFUSED)


@pytest.mark.parametrize("option, needle", [
    ("-b", "argument -b/--b: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[... is not a number"),
    ("-W", "argument -W/--W: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[... is not a JSON matrix"),
    ("--x", "argument --x: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[... is not a JSON matrix"),
])
def test_a_deep_value_on_the_command_line_is_refused_naming_its_option(option, needle):
    status, out, err = cli("train", option, arrays(5000), "--y", "[[1]]")
    assert_one_line_error(status, err, needle)
    assert len(err) < 200


def test_a_batch_backend_answering_with_a_deep_error_line_is_a_backend_failure(tmp_path):
    backend = tmp_path / "deep.py"
    backend.write_text("import sys\nsys.stdin.readline()\n"
                       "print('{\"error\": %s}' % ('[' * 100000 + ']' * 100000), flush=True)\n")
    status, out, err = cli("verify", "golden/gate-and.json", "--batch", "--backend",
                           "%s %s" % (sys.executable, backend))
    assert (status, out) == (3, "") and "Traceback" not in err
    assert "ended an answer with a line that is not JSON" in err and err.count("\n") == 1
