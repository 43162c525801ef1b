"""The format modules: the writer gives json.dumps's bytes, the reader names the kind of
document it got, the header rules (spec, scenario keys, a scenario file's trace), and the
entry validator: its bulk test accepts nothing that its rules refuse.

Expected values come from the standard json module and struct, never from ann_ref."""
import io
import json
import math
import os
import random
import struct

import pytest

from ann_ref.errors import FormatError
from ann_ref.formats import validate
from ann_ref.formats.reader import GOLDEN, SCENARIO, TRACE, Document, WrongKind
from ann_ref.formats.writer import EntryTemplate, write_document
from helpers import GOLDEN as GOLDEN_DIR, assert_one_line_error, cli

ARTICLE = os.path.join(GOLDEN_DIR, "article.json")
NAN = 0x7FF8000000000000


def bits_of(v):
    return NAN if v != v else struct.unpack("<Q", struct.pack("<d", v))[0]


def as_json_number(v):
    """The format's decimal of a float, by its own rule (README: repr, or a string)."""
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def reference_line(k, W, b):
    """An entry as json.dumps writes it with the format's options."""
    entry = {"iteration": k, "W": [[as_json_number(v) for v in r] for r in W],
             "b": as_json_number(b),
             "bits": {"W": [["%016x" % bits_of(v) for v in r] for r in W],
                      "b": "%016x" % bits_of(b)}}
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def random_float(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 5e-324,
                           -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308])
    if kind == 1:                                  # any bit pattern
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    return rng.uniform(-10, 10) * 10 ** rng.randint(-30, 30)


def document(text, kind):
    with Document(io.BytesIO(text.encode("utf-8")), "doc.json", kind) as d:
        if kind == SCENARIO:
            return d.scenario()
        return list(d.entries())


def read_article():
    with open(ARTICLE, encoding="utf-8") as f:
        return json.load(f)


# --- the writer ---------------------------------------------------------------------------

def test_entry_lines_are_what_json_dumps_writes():
    rng = random.Random(5)
    for k in range(3000):
        rows, cols = rng.randint(1, 4), rng.randint(1, 3)
        W = [[random_float(rng) for _ in range(cols)] for _ in range(rows)]
        b = random_float(rng)
        assert EntryTemplate(rows, cols).line(k, W, b) == reference_line(k, W, b)


@pytest.mark.parametrize("count", [0, 1, 255, 256, 257, 513])
def test_a_trace_of_any_length_is_one_entry_per_line(count):
    """The writer writes lines in groups: a trace of a group's length, or one more, is
    still the layout the README gives."""
    states = [([[float(k)], [-0.5]], 0.25 * k) for k in range(count)]
    out = io.StringIO()
    write_document(out, {"format": "ann-ref-golden", "version": 1}, states)
    text = out.getvalue()
    lines = [reference_line(k, W, b) for k, (W, b) in enumerate(states)]
    assert text == ('{\n"format": "ann-ref-golden",\n"trace": [\n%s\n],\n"version": 1\n}\n'
                    % ",\n".join(lines))
    assert len(json.loads(text)["trace"]) == count


# --- which kind of document ---------------------------------------------------------------

def json_lines_trace():
    return "".join(json.dumps({"iteration": e["iteration"], "bits": e["bits"]}) + "\n"
                   for e in read_article()["trace"])


def test_a_trace_where_a_golden_file_is_expected_is_named_as_such():
    doc = read_article()
    bare = json.dumps({"format": "ann-ref-golden", "version": 1, "trace": doc["trace"]})
    for text, why in ((json_lines_trace(), "JSON lines"), (bare, "no scenario")):
        with pytest.raises(WrongKind) as e:
            document(text, GOLDEN)
        assert (e.value.expected, e.value.found) == (GOLDEN, TRACE)
        message = str(e.value)
        assert message.startswith("doc.json: $: is a trace, not a golden file (")
        assert why in message and "\n" not in message


def test_a_scenario_file_where_a_trace_or_golden_file_is_expected_is_named():
    doc = read_article()
    del doc["trace"]
    for kind, name in ((TRACE, "a trace"), (GOLDEN, "a golden file")):
        with pytest.raises(WrongKind) as e:
            document(json.dumps(doc), kind)
        assert str(e.value) == ("doc.json: $: is a scenario file, not %s (it has no trace)"
                                % name)


def test_a_json_lines_trace_where_a_scenario_is_expected_is_named():
    with pytest.raises(WrongKind, match="is a trace, not a scenario file"):
        document(json_lines_trace(), SCENARIO)


def test_verify_with_its_arguments_swapped_says_which_is_the_trace(tmp_path):
    trace = tmp_path / "trace.jsonl"
    trace.write_text(json_lines_trace())
    status, out, err = cli("verify", str(trace), ARTICLE)
    assert out == ""
    assert_one_line_error(status, err, "trace.jsonl: $: this is a trace, not a golden file",
                          "the arguments are swapped")


def test_the_first_line_decides_json_lines():
    """JSON lines: the first line holds exactly one entry. An entry spread over two
    lines, or two entries on the first line, make a document (and no valid one)."""
    entries = [{"iteration": e["iteration"], "bits": e["bits"]} for e in read_article()["trace"]]
    first, second = json.dumps(entries[0]), json.dumps(entries[1])
    assert len(document(first + "\n" + second + "\n", TRACE)) == 2
    assert len(document("  " + first + " \r\n" + second, TRACE)) == 2
    for text in (first.replace(", ", ",\n", 1) + "\n" + second,
                 first + " " + second + "\n", "\n" + first + "\n" + second):
        with pytest.raises(FormatError):
            document(text, TRACE)


# --- the header ---------------------------------------------------------------------------

@pytest.mark.parametrize("spec, accepted", [(1, True), (2, True), (3, False), (0, False),
                                            ("1", False), (True, False), (1.0, False)])
def test_only_spec_versions_1_and_2_are_read(spec, accepted):
    doc = read_article()
    doc["spec"] = spec
    text = json.dumps(doc)
    if accepted:
        assert len(document(text, GOLDEN)) == 1001
        return
    with pytest.raises(FormatError) as e:
        document(text, GOLDEN)
    assert str(e.value).startswith("doc.json: $.spec: spec is %s; this reader knows spec "
                                   "versions 1 and 2" % json.dumps(spec))


def test_verify_refuses_spec_3_in_one_line(tmp_path):
    bad = tmp_path / "spec3.json"
    with open(ARTICLE, encoding="utf-8") as f:
        bad.write_text(f.read().replace('"spec": 1,', '"spec": 3,'))
    for args in ((str(bad), ARTICLE), (ARTICLE, str(bad))):
        status, out, err = cli("verify", *args)
        assert out == ""
        assert_one_line_error(status, err, "spec3.json: $.spec: spec is 3")


def scenario_document(**changes):
    doc = read_article()
    del doc["trace"]
    for key, value in changes.items():
        if value is None:
            del doc["scenario"][key]
        else:
            doc["scenario"][key] = value
    return doc


@pytest.mark.parametrize("key", validate.SCENARIO_KEYS)
def test_every_scenario_key_but_bits_is_required(key):
    with pytest.raises(FormatError, match=r"\$\.scenario: missing key '%s'" % key):
        document(json.dumps(scenario_document(**{key: None})), SCENARIO)


def test_bits_are_optional_in_a_scenario_file_only():
    text = json.dumps(scenario_document(bits=None))
    assert document(text, SCENARIO)["iterations"] == 1000
    doc = read_article()
    del doc["scenario"]["bits"]
    with pytest.raises(FormatError, match=r"\$\.scenario: missing key 'bits'"):
        document(json.dumps(doc), GOLDEN)


@pytest.mark.parametrize("trace", ['5', 'null', '"no"', '{"a": [1, 2]}', '[1, {"x": []}]',
                                   '[]'])
def test_a_trace_in_a_scenario_file_is_ignored(trace, tmp_path):
    """The README: in a scenario file a trace, if present, is ignored (any JSON value);
    running it gives the scenario's trace."""
    path = tmp_path / "s.json"
    text = json.dumps(scenario_document())
    path.write_text(text[:-1] + ', "trace": %s}' % trace)
    status, out, err = cli("run", str(path))
    assert status == 0, err
    assert json.loads(out)["trace"] == read_article()["trace"]


def test_a_trace_in_a_scenario_file_must_still_be_json():
    text = json.dumps(scenario_document())
    with pytest.raises(FormatError, match=r"\$\.trace\[1\]: not JSON"):
        document(text[:-1] + ', "trace": [1, tru]}', SCENARIO)


# --- the entry validator ------------------------------------------------------------------

def golden_entry(k, W, b):
    return {"iteration": k, "W": [[as_json_number(v) for v in r] for r in W],
            "b": as_json_number(b),
            "bits": {"W": [["%016x" % bits_of(v) for v in r] for r in W],
                     "b": "%016x" % bits_of(b)}}


def test_a_golden_entry_with_null_decimals_is_refused():
    doc = read_article()
    doc["trace"][7]["W"] = None
    with pytest.raises(FormatError, match=r"\$\.trace\[7\]\.W: does not have the shape"):
        document(json.dumps(doc), GOLDEN)
    doc = read_article()
    doc["trace"][7]["W"] = doc["trace"][7]["b"] = None
    with pytest.raises(FormatError, match=r"\$\.trace\[7\]\.W: does not have the shape"):
        document(json.dumps(doc), GOLDEN)
    doc = read_article()
    doc["trace"][7]["b"] = None
    with pytest.raises(FormatError, match=r"\$\.trace\[7\]\.b: null is not a number"):
        document(json.dumps(doc), TRACE)


MUTATIONS = [
    lambda e: e.__setitem__("W", None),
    lambda e: e.__setitem__("b", None),
    lambda e: e.__setitem__("b", True),
    lambda e: e.__setitem__("b", 1),
    lambda e: e.__setitem__("b", "1.0"),
    lambda e: e.__setitem__("b", -e["b"] if isinstance(e["b"], float) else 0.0),
    lambda e: e.__setitem__("iteration", float(e["iteration"])),
    lambda e: e.__setitem__("iteration", True),
    lambda e: e.__setitem__("extra", 1),
    lambda e: e.pop("W"),
    lambda e: e.pop("b"),
    lambda e: e.pop("bits"),
    lambda e: e["bits"].__setitem__("b", e["bits"]["b"].upper()),
    lambda e: e["bits"].__setitem__("b", e["bits"]["b"][:15]),
    lambda e: e["bits"].__setitem__("b", "7ff0000000000001"),
    lambda e: e["bits"].__setitem__("b", "fff8000000000000"),
    lambda e: e["bits"].__setitem__("extra", 1),
    lambda e: e["bits"]["W"].append(e["bits"]["W"][0]),
    lambda e: e["bits"]["W"][0].append(e["bits"]["W"][0][0]),
    lambda e: e["bits"].__setitem__("W", [" ".join(r) for r in e["bits"]["W"]]),
    lambda e: e["bits"].__setitem__("W", [{h: 1 for h in r} for r in e["bits"]["W"]]),
    lambda e: e["bits"]["W"][0].__setitem__(0, e["bits"]["W"][0][0][:14] + " "
                                            + e["bits"]["b"][:2]),
    lambda e: e["W"][0].__setitem__(0, 10 ** 400),
    lambda e: e["W"][0].__setitem__(0, float("inf")),
    lambda e: e["W"][0].__setitem__(0, "nan"),
    lambda e: e.__setitem__("W", e["W"][:1]),
]


def test_the_bulk_test_accepts_nothing_the_rules_refuse():
    """The rules decide: on every entry, changed or not, the bulk test either declines
    (None) or gives exactly what the rules give; and entry() is always the rules' verdict."""
    rng = random.Random(12)
    shapes = [(2, 1), (1, 1), (2, 3), (3, 2)]
    bulk = 0
    for i in range(2000):
        rows, cols = shapes[i % len(shapes)]
        for kind in (GOLDEN, TRACE):
            W = [[random_float(rng) for _ in range(cols)] for _ in range(rows)]
            entry = golden_entry(7, W, random_float(rng))
            if i % 3:
                rng.choice(MUTATIONS)(entry)
            text = json.dumps(entry)
            entries = validate.Entries("f", kind, "$.trace", (rows, cols))
            try:
                expected = validate.Entries("f", kind, "$.trace", (rows, cols))._rules(
                    json.loads(text), 7)
            except FormatError as e:
                expected = str(e)
            usual = entries._bulk([json.loads(text)], 7)
            if usual is not None:
                bulk += 1
                assert usual == [expected], text
            try:
                got = entries.entry(json.loads(text), 7)
            except FormatError as e:
                got = str(e)
            assert got == expected, text
    assert bulk > 1000                     # the bulk test does take the usual entries


def test_every_golden_entry_takes_the_bulk_test():
    """The catalogue's entries, but those with a non-finite value, are the usual case."""
    for name in ("article.json", "multi-output-logistic.json", "real-valued-logistic.json"):
        with open(os.path.join(GOLDEN_DIR, name), encoding="utf-8") as f:
            doc = json.load(f)
        W = doc["scenario"]["W"]
        entries = validate.Entries("f", GOLDEN, "$.trace", (len(W), len(W[0])))
        for k, entry in enumerate(doc["trace"]):
            assert entries._bulk([entry], k) is not None, (name, k)


def judged(check):
    try:
        return check()
    except FormatError as e:
        return str(e)


def test_a_group_of_entries_is_judged_as_its_entries_one_by_one():
    """many(), the bulk test over a group, gives what the rules give entry by entry:
    the same states, or the error of the first entry that breaks a rule."""
    rng = random.Random(13)
    shapes = [(2, 1), (1, 1), (2, 3), (3, 2)]
    taken = 0
    for i in range(600):
        rows, cols = shapes[i % len(shapes)]
        kind = (GOLDEN, TRACE)[i % 2]
        group = [golden_entry(10 + j, [[random_float(rng) for _ in range(cols)]
                                       for _ in range(rows)], random_float(rng))
                 for j in range(rng.randint(1, 6))]
        if kind == TRACE and i % 4 == 1:                  # bits only, as JSON lines have
            for entry in group:
                del entry["W"], entry["b"]
        if i % 3:
            try:
                rng.choice(MUTATIONS)(rng.choice(group))
            except KeyError:                    # a decimal's mutation, without decimals
                pass
        text = json.dumps(group)

        def one_by_one():
            rules = validate.Entries("f", kind, "$.trace", (rows, cols))._rules
            return [rules(entry, 10 + j) for j, entry in enumerate(json.loads(text))]
        expected = judged(one_by_one)
        got = judged(lambda: validate.Entries("f", kind, "$.trace", (rows, cols)).many(
            json.loads(text), 10))
        assert got == expected, text
        taken += isinstance(got, list)
    assert taken > 200


# --- behaviour that once changed with no test noticing --------------------------------

def test_a_golden_file_whose_flag_has_no_note_is_refused():
    doc = read_article()
    doc["notes"] = {k: v for k, v in doc["notes"].items() if k != doc["flags"][0]}
    with pytest.raises(FormatError) as e:
        document(json.dumps(doc), GOLDEN)
    assert str(e.value) == "doc.json: $.notes: flag %r has no note explaining it" % doc["flags"][0]


def test_a_trace_shorter_than_its_scenario_is_bad_input_not_a_difference(tmp_path):
    doc = read_article()
    doc["trace"] = doc["trace"][:500]               # its scenario says 1000 iterations
    short = tmp_path / "short.json"
    short.write_text(json.dumps(doc))
    status, out, err = cli("verify", ARTICLE, str(short))
    assert_one_line_error(status, err, "short.json: $.trace: the trace has 500 entries; the "
                          "scenario has 1000 iterations, so it needs 1001")
    assert out == ""


def test_the_writer_gives_every_nan_the_canonical_bits():
    # a NaN of another sign and payload, as some CPUs make them
    nan = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000123))[0]
    out = io.StringIO()
    write_document(out, {"format": "ann-ref-golden", "version": 1}, [([[nan]], -nan)])
    entry = json.loads(out.getvalue())["trace"][0]
    assert entry["bits"] == {"W": [["7ff8000000000000"]], "b": "7ff8000000000000"}
    assert entry["W"] == [["nan"]] and entry["b"] == "nan"


@pytest.mark.parametrize("where", ["top", "scenario", "bits"])
def test_a_key_given_twice_is_refused_wherever_it_is(where):
    # json.loads keeps the last of two keys; a reader here must not pick one silently
    text = open(ARTICLE, encoding="utf-8").read()
    if where == "top":
        text = text.replace('\n"version": ', '\n"version": 1,\n"version": ', 1)
        message = r"\$: duplicate key 'version'"
    elif where == "scenario":
        text = text.replace('"iterations": 1000', '"iterations": 1000, "iterations": 5', 1)
        message = r"duplicate key 'iterations'"
    else:
        text = text.replace('"b": "3ff0000000000000"}, "iteration": 0}',
                            '"b": "3ff0000000000000", "b": "0"}, "iteration": 0}', 1)
        message = r"\$\.trace\[0\].*duplicate key 'b'"
    with pytest.raises(FormatError, match=message):
        document(text, GOLDEN)
