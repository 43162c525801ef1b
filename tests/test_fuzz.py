"""Fuzzing the readers and the command line with mutated golden, trace, scenario and
manifest files. Every input must either be read correctly — exactly what the standard
json module reads from it, bit for bit — or be refused with the project's FormatError
and a one-line message naming the file. Anything else fails.

20,000 mutations by default; ANN_REF_FUZZ=N runs N (the slow mode: ANN_REF_FUZZ=1000000).
Seeded: a failure names the seed and mutation to reproduce it.
"""
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys

import pytest

from ann_ref import cli
from ann_ref.catalogue import golden
from ann_ref.errors import FormatError
from ann_ref.formats.reader import GOLDEN, SCENARIO, TRACE, Document
from helpers import GOLDEN as GOLDEN_DIR, ROOT

MUTATIONS = int(os.environ.get("ANN_REF_FUZZ", "20000"))
NAN = 0x7FF8000000000000


def read_bytes(name):
    with open(os.path.join(GOLDEN_DIR, name), "rb") as f:
        return f.read()


def seeds():
    """Valid documents of every kind to mutate."""
    small = [read_bytes(n) for n in ("non-finite.json", "negative-zero.json", "subnormal.json")]
    document = json.loads(small[1])
    lines = "".join(json.dumps({"iteration": e["iteration"], "bits": e["bits"]}) + "\n"
                    for e in document["trace"]).encode()
    bare = json.dumps({"format": "ann-ref-golden", "version": 1,
                       "trace": document["trace"]}).encode()
    scenario = json.loads(read_bytes("sigmoid-saturation-logistic.json"))
    scenario.pop("trace")
    plain = dict(scenario, scenario={k: v for k, v in scenario["scenario"].items()
                                     if k != "bits"})
    return ([(GOLDEN, s) for s in small] + [(TRACE, s) for s in small]
            + [(TRACE, lines), (TRACE, bare)]
            + [(SCENARIO, json.dumps(scenario, indent=1).encode()),
               (SCENARIO, json.dumps(plain).encode()),
               ("manifest", read_bytes("manifest.json"))])


# --- mutations ----------------------------------------------------------------------------

def _values(node, path=()):
    """Every (path, value) in a JSON tree."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _values(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _values(v, path + (i,))


def _replace(tree, path, new):
    if not path:
        return new
    node = tree
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = new
    return tree


MARK = "\u0000MARK\u0000"


def _dump(tree, rng, raw=None):
    text = json.dumps(tree, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, None, 1]))
    if raw is not None:
        text = text.replace(json.dumps(MARK), raw)
    return text.encode("utf-8")


def structural(rng, data):
    lines = data.decode("utf-8").splitlines(True)
    if len(lines) > 1 and lines[0].startswith('{"iteration"'):   # JSON lines: mutate one
        i = rng.randrange(len(lines))
        lines[i] = structural(rng, lines[i].encode()).decode("utf-8").replace("\n", " ") + "\n"
        return "".join(lines).encode("utf-8")
    tree = json.loads(data)
    places = list(_values(tree))
    path, value = rng.choice(places)
    choice = rng.randrange(9)
    if choice == 0 and isinstance(value, dict) and value:          # delete a key
        value.pop(rng.choice(sorted(value)))
    elif choice == 1 and isinstance(value, dict) and value:        # rename a key
        key = rng.choice(sorted(value))
        value[rng.choice([key + "_", key.upper(), "bits", "W", "b", "iteration", ""])] = value.pop(key)
    elif choice == 2:                                                # swap a type
        tree = _replace(tree, path, rng.choice([None, True, "1.0", "nan", "inf", [], {}, [[]],
                                                0, -1, 1.5, 2 ** 80, "3ff0000000000000",
                                                {"iteration": 0}, [["zz"]]]))
    elif choice == 3:                                                # huge numbers
        return _dump(_replace(tree, path, MARK), rng,
                     rng.choice(["1e999", "-1e999", "9" * 5000, "-" + "9" * 401, "1e-400",
                                 "123456789012345678901234567890"]))
    elif choice == 4:                                                # NaN and Infinity tokens
        return _dump(_replace(tree, path, MARK), rng, rng.choice(["NaN", "Infinity", "-Infinity"]))
    elif choice == 5:                                                # deep nesting
        depth = rng.choice([50, 1000, 100000])
        return _dump(_replace(tree, path, MARK), rng,
                     rng.choice(["[" * depth + "]" * depth,
                                 '{"a": ' * depth + "1" + "}" * depth]))
    elif choice == 6 and isinstance(value, dict) and value:        # a duplicated key
        key = rng.choice(sorted(value))
        text = _dump(_replace(tree, path, MARK), rng)
        members = ", ".join("%s: %s" % (json.dumps(k), json.dumps(v)) for k, v in value.items())
        dup = "%s: %s" % (json.dumps(key), json.dumps(value[key]))
        return text.replace(json.dumps(MARK).encode(), ("{%s, %s}" % (members, dup)).encode())
    elif choice == 7 and isinstance(value, str) and len(value) == 16:   # one bit of a pattern
        n = int(value, 16) ^ (1 << rng.randrange(64)) if all(c in "0123456789abcdef" for c in value) else 0
        tree = _replace(tree, path, "%016x" % n)
    elif choice == 8 and isinstance(value, list) and value:        # drop or repeat an item
        if rng.random() < 0.5:
            value.pop(rng.randrange(len(value)))
        else:
            value.append(value[rng.randrange(len(value))])
    return _dump(tree, rng)


def bytewise(rng, data):
    data = bytearray(data)
    choice = rng.randrange(5)
    if choice == 0:                                                  # bit flips
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif choice == 1:                                                # truncation
        del data[rng.randrange(len(data)):]
    elif choice == 2:                                                # invalid UTF-8
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice([b"\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
    elif choice == 3:                                                # splice a chunk
        a, b = sorted(rng.randrange(len(data)) for _ in range(2))
        at = rng.randrange(len(data))
        data[at:at] = data[a:b][:200]
    else:                                                            # a byte order mark
        data[0:0] = b"\xef\xbb\xbf"
    return bytes(data)


def mutate(rng, data):
    return structural(rng, data) if rng.random() < 0.6 else bytewise(rng, data)


# --- the oracle ---------------------------------------------------------------------------

def _refuse(token):
    raise ValueError(token)


STRICT = json.JSONDecoder(parse_constant=_refuse)


def strict_json(data):
    """What the standard library reads, strictly: one value, or for JSON lines the list
    of values one after the other; None if it refuses."""
    try:
        text = data.decode("utf-8")
        values, at = [], 0
        while True:
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
            if at == len(text):
                break
            value, at = STRICT.raw_decode(text, at)
            values.append(value)
    except (ValueError, RecursionError):
        return None
    return values


def json_lines(data):
    """A trace is JSON lines when its first line alone is an entry (the format's rule)."""
    try:
        first = json.loads(data.decode("utf-8").split("\n", 1)[0])
    except (ValueError, RecursionError):
        return False
    return isinstance(first, dict) and "iteration" in first


def bits_of(h):
    n = int(h, 16)
    return NAN if (n >> 52) & 0x7FF == 0x7FF and n & 0xFFFFFFFFFFFFF else n


def float_bits(v):
    if isinstance(v, str):
        v = float(v)
    return NAN if v != v else struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def read(kind, data, name):
    """What our reader makes of data: entries, scenario, or the manifest."""
    if kind == "manifest":
        folder = os.path.dirname(name)
        with open(os.path.join(folder, "manifest.json"), "wb") as f:
            f.write(data)
        return golden.read_manifest(folder)
    with Document(io.BytesIO(data), name, kind) as document:
        if kind == SCENARIO:
            return document.scenario()
        entries = list(document.entries())
        return entries, document.header


def agrees_with_json(kind, result, data):
    """An accepted document must say exactly what the standard json module reads."""
    values = strict_json(data)
    assert values is not None, "accepted, but it is not JSON"
    lines = kind == TRACE and json_lines(data)
    assert lines or len(values) == 1, "accepted, but it is not one JSON value"
    tree = values if lines else values[0]
    if kind == "manifest":
        assert {k: v["sha256"] for k, v in tree["files"].items()} == result
        return
    if kind == SCENARIO:
        given = tree["scenario"]
        for key in ("x", "y", "W"):
            assert [[float_bits(v) for v in row] for row in given[key]] == \
                [[float_bits(v) for v in row] for row in result[key]]
        for key in ("b", "learning_rate"):
            assert float_bits(given[key]) == float_bits(result[key])
        assert given["iterations"] == result["iterations"] and given["variant"] == result["variant"]
        return
    entries, header = result
    items = tree["trace"] if isinstance(tree, dict) else tree
    assert len(items) == len(entries)
    for (k, W, b), item in zip(entries, items):
        assert item["iteration"] == k
        assert [[bits_of(h) for h in row] for row in item["bits"]["W"]] == W
        assert bits_of(item["bits"]["b"]) == b


def one_line(error, name):
    text = str(error)
    assert "\n" not in text and text.startswith(name), text


def test_fuzz_the_readers(tmp_path):
    rng = random.Random(20261128)
    corpus = seeds()
    name = str(tmp_path / "mutant.json")
    accepted = refused = 0
    for i in range(MUTATIONS):
        kind, seed = corpus[i % len(corpus)]
        data = mutate(rng, seed)
        try:
            result = read(kind, data, name)
        except FormatError as e:
            one_line(e, os.path.join(str(tmp_path), "manifest.json") if kind == "manifest" else name)
            refused += 1
            continue
        except Exception as e:                                   # pragma: no cover
            pytest.fail("mutation %d (%s, seed %d): %s: %s\ninput: %r" % (
                i, kind, i % len(corpus), type(e).__name__, e, data[:300]))
        agrees_with_json(kind, result, data)
        accepted += 1
    assert accepted + refused == MUTATIONS
    assert refused > MUTATIONS // 2 and accepted > 0     # the mutations do bite, not always


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        status = cli.main(argv, out)
    finally:
        sys.stderr = old
    return status, out.getvalue(), err.getvalue()


def too_long(data, most=10000):
    """A scenario asking for more iterations than a test should run (a mutation can turn
    60 into 2**80, which is valid and would stream for ever)."""
    values = strict_json(data)
    try:
        n = values[0]["scenario"]["iterations"]
    except (TypeError, KeyError, IndexError):
        return False
    return type(n) is int and n > most


def test_fuzz_the_command_line(tmp_path):
    """A sample of the mutants through run and verify (in process: any exception that
    escapes main fails the test), and golden check on a copy of the catalogue."""
    rng = random.Random(7)
    corpus = seeds()
    mutant = str(tmp_path / "mutant.json")
    reference = os.path.join(GOLDEN_DIR, "non-finite.json")
    for i in range(max(60, MUTATIONS // 100)):
        kind, seed = corpus[i % len(corpus)]
        if kind == "manifest":
            continue
        data = mutate(rng, seed)
        with open(mutant, "wb") as f:
            f.write(data)
        if kind == SCENARIO:
            if too_long(data):                   # valid, and it would run for ages
                continue
            runs = [["run", mutant, "-o", str(tmp_path / "out.json")]]
        else:
            runs = [["verify", mutant, reference], ["verify", reference, mutant]]
        for argv in runs:
            status, out, err = run_cli(argv)
            assert status in (0, 1, 2), (argv, status)
            if status == 2:
                assert err.count("\n") == 1 and "mutant.json" in err, err
                assert out == ""
    assert not [n for n in os.listdir(str(tmp_path)) if n.endswith(".tmp")]


def test_fuzz_golden_check_on_a_copy_of_the_catalogue(tmp_path):
    folder = tmp_path / "golden"
    shutil.copytree(GOLDEN_DIR, str(folder))
    rng = random.Random(11)
    names = sorted(golden.read_manifest(str(folder)))
    for i in range(4):
        name = rng.choice(names)
        path = folder / name
        original = path.read_bytes()
        path.write_bytes(bytewise(rng, original) if i % 2 else structural(rng, original))
        p = subprocess.run([sys.executable, "-m", "ann_ref", "golden", "check", "--dir",
                            str(folder)], cwd=ROOT, capture_output=True, text=True)
        assert p.returncode == 1 and "Traceback" not in p.stderr + p.stdout
        assert name in p.stdout
        path.write_bytes(original)
    manifest = folder / "manifest.json"
    manifest.write_bytes(bytewise(rng, manifest.read_bytes()))
    p = subprocess.run([sys.executable, "-m", "ann_ref", "golden", "check", "--dir", str(folder)],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr + p.stdout
    assert "manifest.json" in p.stdout
