"""Fuzzing the readers and the command line with mutated golden, trace, scenario and
manifest files. Every input must either be read correctly — exactly what the standard
json module reads from it, bit for bit — or be refused with the project's FormatError
and a one-line message naming the file. Anything else fails.

The default run reads 2,000 mutations and tries 60 random command lines (no `golden
check` or `write` among them: each regenerates the catalogue); the slow run (`-m slow`,
which CI runs) 20,000 mutations and 2,500 command lines, golden ones included.
ANN_REF_FUZZ=N makes the slow run read N mutations (ANN_REF_FUZZ=1000000 is the long
mode). Seeded: a failure names the seed and mutation to reproduce it.
"""
import io
import json
import os
import random
import shutil
import stat
import struct

import pytest

from ann_ref.catalogue import golden
from ann_ref.errors import FormatError
from ann_ref.formats.reader import GOLDEN, SCENARIO, TRACE, Document
from helpers import GOLDEN as GOLDEN_DIR, ROOT, run_cli

MUTATIONS = int(os.environ.get("ANN_REF_FUZZ", "20000"))
QUICK_MUTATIONS = 2000
NAN = 0x7FF8000000000000


def read_bytes(name):
    with open(os.path.join(GOLDEN_DIR, name), "rb") as f:
        return f.read()


def golden_files():
    """{path: bytes} of every file of golden/, its catalogues' folders included."""
    return {os.path.relpath(os.path.join(d, n), GOLDEN_DIR): read_bytes(os.path.join(d, n))
            for d, _, names in os.walk(GOLDEN_DIR) for n in names}


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


@pytest.mark.parametrize("count, seed", [
    (QUICK_MUTATIONS, 20261129),
    pytest.param(MUTATIONS, 20261128, marks=pytest.mark.slow),
])
def test_fuzz_the_readers(tmp_path, count, seed):
    rng = random.Random(seed)
    corpus = seeds()
    name = str(tmp_path / "mutant.json")
    accepted = refused = 0
    for i in range(count):
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
    assert accepted + refused == count
    assert refused > count // 2 and accepted > 0         # the mutations do bite, not always


def too_long(data, most=10000):
    """A scenario asking for more iterations than a test should run (a mutation can turn
    60 into 2**80, which is valid and would stream for ever)."""
    values = strict_json(data)
    try:
        n = values[0]["scenario"]["iterations"]
    except (TypeError, KeyError, IndexError):
        return False
    return type(n) is int and n > most


@pytest.mark.parametrize("count", [60, pytest.param(max(200, MUTATIONS // 100),
                                                    marks=pytest.mark.slow)])
def test_fuzz_the_command_line(tmp_path, count):
    """A sample of the mutants through run and verify (in process: any exception that
    escapes main fails the test)."""
    rng = random.Random(7 + count)
    corpus = seeds()
    mutant = str(tmp_path / "mutant.json")
    reference = os.path.join(GOLDEN_DIR, "non-finite.json")
    for i in range(count):
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


@pytest.mark.slow
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
        status, out, err = run_cli(["golden", "check", "--dir", str(folder)])
        assert status == 1 and err == "" and name in out
        path.write_bytes(original)
    manifest = folder / "manifest.json"
    manifest.write_bytes(bytewise(rng, manifest.read_bytes()))
    status, out, err = run_cli(["golden", "check", "--dir", str(folder)])
    assert status == 1 and err == "" and "manifest.json" in out


# --- random command lines -----------------------------------------------------------------

def places(tmp):
    """Paths of every kind: files valid and not, folders, missing folders, special files,
    the empty string, unicode. Outputs go only to paths under tmp (or to paths the
    commands must refuse), so a regression cannot overwrite anything outside it."""
    os.makedirs(os.path.join(tmp, "dir"), exist_ok=True)
    os.makedirs(os.path.join(tmp, "ünï ¢ødé"), exist_ok=True)
    scenario = os.path.join(tmp, "scenario.json")
    with open(scenario, "wb") as f:
        f.write(read_bytes("gate-and.json"))
    with open(os.path.join(tmp, "lines.json"), "w") as f:
        f.write('{"iteration": 0, "bits": {"W": [["0000000000000000"]], "b": "0"}}\n')
    link = os.path.join(tmp, "full")
    if not os.path.lexists(link):
        os.symlink("/dev/full", link)            # replacing it replaces the link only
    copies = os.path.join(tmp, "golden")
    inputs = [scenario, os.path.join(tmp, "lines.json"), os.path.join(tmp, "dir"),
              os.path.join(tmp, "missing", "x.json"), "", "/dev/null", "/dev/zero", "/proc/self",
              "/proc/self/status", link, os.path.join(copies, "non-finite.json"),
              os.path.join(copies, "gate-xor.json"), os.path.join(tmp, "ünï ¢ødé"),
              os.path.join(tmp, "ünï ¢ødé", "ø.json"), os.path.join(copies, "manifest.json")]
    outputs = [os.path.join(tmp, "out.json"), os.path.join(tmp, "dir"), "", link,
               os.path.join(tmp, "missing", "out.json"), "/proc/self/out.json",
               os.path.join(tmp, "ünï ¢ødé", "ø.json"), os.path.join(tmp, "dir", "")]
    folders = [os.path.join(tmp, "golden"), os.path.join(tmp, "dir"), "", "/proc/self",
               scenario, os.path.join(tmp, "missing"), link, os.path.join(tmp, "ünï ¢ødé")]
    return inputs, outputs, folders


NUMBERS = ["0", "1", "-1", "0.1", "1e999", "-1e999", "nan", "inf", "-inf", "NaN", "Infinity",
           "9" * 400, "9" * 5000, "-" + "9" * 309, "2" + "0" * 308, "1e-400", "4.9e-324", "",
           " ", "[1]", "[[1],[2]]", "[[1, 2], [3]]", "[[]]", "[", "0.4,0.2", "1,,2", ",",
           "[[\"inf\"], [\"nan\"]]", "١", "½", "é", "0x10", "1_000", "True", "null",
           "[" * 1000 + "]" * 1000, "3" * 20, "-0", "-0.0", "1e308"]
BACKENDS = ["false", "true", "", "cat", "sh -c 'exit 3'", "/nonexistent/port", "'unbalanced",
            "sh -c 'echo {}'", "sh -c 'echo garbage'"]


def random_command(rng, inputs, outputs, folders, golden_commands=True):
    """A random command line; without golden_commands, no `golden check` or `write`,
    which regenerate the whole catalogue (5 s each)."""
    pick = rng.choice
    kind = rng.randrange(6)
    if kind == 3 and not golden_commands:
        kind = 4
    if kind == 0:
        argv = ["train"]
        for option in ("-W", "-b", "-a", "-n", "--every", "--dataset", "--variant", "--exp"):
            if rng.random() < 0.35:
                value = pick(NUMBERS)
                if option == "-n" or option == "--every":      # huge valid counts run for ever
                    value = pick(["0", "1", "-1", "ten", "", "9" * 5000, "2.5", "30", "١"])
                elif option in ("--dataset", "--variant", "--exp"):
                    value = pick(["and", "xor", "article", "logistic", "threshold", "libm",
                                  "exact", "", "AND", "é"])
                argv += [option, value] if rng.random() < 0.8 else [option + "=" + value]
    elif kind == 1:
        argv = ["run", pick(inputs)]
        if rng.random() < 0.7:
            argv += ["-o", pick(outputs)]
    elif kind == 2:
        argv = ["verify", pick(inputs)]
        if rng.random() < 0.3:
            argv += ["--backend", pick(BACKENDS), "--timeout", pick(["5", "0", "-1", "nan", "x", "inf", "1e300"])]
        elif rng.random() < 0.9:
            argv.append(pick(inputs))
        for option in ("--max-ulp", "--max-lines", "--max-output"):
            if rng.random() < 0.2:
                argv += [option, pick(NUMBERS)]
    elif kind == 3:
        argv = ["golden", pick(["check", "write", "", "CHECK"]), "--dir", pick(folders)]
    elif kind == 4:
        argv = [pick(["", "-h", "--version", "trian", "é", "--", "-"])]
    else:                                        # a valid command with one word swapped
        argv = pick([["run", inputs[0], "-o", outputs[0]], ["verify", inputs[10], inputs[10]],
                     ["train", "-b", "1", "-n", "5"]] +
                    [["golden", "check", "--dir", folders[0]]] * golden_commands)[:]
        at = rng.randrange(len(argv) - (argv[0] == "train"))    # never the count: 10^400
        argv[at] = pick(NUMBERS + inputs + ["--help"])           # iterations run for ever
    if rng.random() < 0.05:
        argv.append(pick(["--help", "--frobnicate", "extra"]))
    return argv


@pytest.mark.parametrize("tries, seed", [
    (60, 3), pytest.param(2500, 2026, marks=pytest.mark.slow),
])
def test_fuzz_command_lines_with_random_arguments_and_paths(tmp_path, monkeypatch, tries, seed):
    """No traceback, ever: random commands, options, numbers and paths (folders, missing
    folders, special files, the empty string, unicode), some with stdout on /dev/full.
    Bad input is exit status 2 and one line on stderr; nothing outside tmp is written
    (every path it may write is in tmp, and so is the current folder, for the words
    that become relative paths)."""
    tmp = str(tmp_path)
    monkeypatch.chdir(tmp)
    checkout = sorted(os.listdir(ROOT)), golden_files()
    shutil.copytree(GOLDEN_DIR, os.path.join(tmp, "golden"))
    inputs, outputs, folders = places(tmp)
    full = os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    rng = random.Random(seed)
    statuses = {}
    for i in range(tries):
        argv = random_command(rng, inputs, outputs, folders, golden_commands=tries > 100)
        out = open("/dev/full", "w") if full and rng.random() < 0.05 else None
        try:
            status, stdout, err = run_cli(argv, out)
        except Exception as e:                                   # pragma: no cover
            pytest.fail("try %d, seed %d: %r raised %s: %s" % (i, seed, argv, type(e).__name__, e))
        finally:
            if out is not None:
                out.close()
        assert status in (0, 1, 2, 3), (argv, status, err)
        if status == 2:
            assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
        statuses[status] = statuses.get(status, 0) + 1
        assert "Traceback" not in err
    assert os.path.islink(os.path.join(tmp, "full"))             # never replaced
    assert (sorted(os.listdir(ROOT)), golden_files()) == checkout
    assert not [n for n in os.listdir(tmp) if n.endswith(".tmp")]
    assert statuses.get(2, 0) > tries // 3 and statuses.get(0, 0) > 0, statuses
    print("%d command lines: exit statuses %s" % (tries, statuses))
