"""The documents stay true to the code: the catalogue table, the schema, the spec's
constants."""
import json
import os
import re

from ann_ref.catalogue.scenarios import SCENARIOS
from helpers import GOLDEN, ROOT

with open(os.path.join(GOLDEN, "schema.json")) as f:
    SCHEMA = json.load(f)


def validate(value, schema, path="$"):
    """A small validator for the part of JSON Schema that schema.json uses; a list of
    errors. Written here so the schema is checked without any package."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return validate(value, dict(SCHEMA["$defs"][name], **{k: v for k, v in schema.items()
                                                                if k != "$ref"}), path)
    errors = []
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "integer": int,
             "number": (int, float)}
    if kind and (not isinstance(value, types[kind]) or isinstance(value, bool)):
        return ["%s: not %s" % (path, kind)]
    if "const" in schema and value != schema["const"]:
        errors.append("%s: not %r" % (path, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: not one of %r" % (path, schema["enum"]))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append("%s: does not match %s" % (path, schema["pattern"]))
    if "minimum" in schema and value < schema["minimum"]:
        errors.append("%s: below %r" % (path, schema["minimum"]))
    if "minLength" in schema and len(value) < schema["minLength"]:
        errors.append("%s: too short" % path)
    if "minItems" in schema and len(value) < schema["minItems"]:
        errors.append("%s: too few items" % path)
    if "oneOf" in schema:
        if sum(not validate(value, option, path) for option in schema["oneOf"]) != 1:
            errors.append("%s: not exactly one of the choices" % path)
    if kind == "object":
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: missing %s" % (path, key))
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                errors += validate(item, properties[key], "%s.%s" % (path, key))
            elif schema.get("additionalProperties") is False:
                errors.append("%s: unknown key %s" % (path, key))
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += validate(item, schema["additionalProperties"], "%s.%s" % (path, key))
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], "%s[%d]" % (path, i))
    return errors


def test_every_golden_file_satisfies_the_schema():
    for s in SCENARIOS:
        with open(os.path.join(GOLDEN, s["name"] + ".json")) as f:
            document = json.load(f)
        assert validate(document, SCHEMA) == [], s["name"]


def test_the_schema_refuses_what_the_reader_refuses():
    with open(os.path.join(GOLDEN, "non-finite.json")) as f:
        good = json.load(f)
    assert validate(good, SCHEMA) == []
    for change in (lambda d: d.update(extra=1), lambda d: d.update(version=2),
                   lambda d: d["trace"][0]["bits"].update(b="3FF0000000000000"),
                   lambda d: d["scenario"].pop("bits"),
                   lambda d: d["scenario"].update(variant="relu"),
                   lambda d: d["trace"][1].update(b="Infinity")):
        bad = json.loads(json.dumps(good))
        change(bad)
        assert validate(bad, SCHEMA), change


def test_the_readme_of_golden_lists_every_scenario_with_its_flags():
    with open(os.path.join(GOLDEN, "README.md")) as f:
        text = f.read().split("## binary32:")[0]      # golden/binary32/'s table follows
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines()
            if line.startswith("| `") and line.split("|")[1].strip().endswith(".json`")}
    assert set(rows) == {s["name"] + ".json" for s in SCENARIOS}
    for s in SCENARIOS:
        row = rows[s["name"] + ".json"]
        assert "| %s | %d |" % (s["variant"], s["iterations"]) in row
        assert row.rstrip(" |").endswith(", ".join(s["flags"]))


def test_the_spec_and_readmes_name_only_files_that_exist():
    for doc in ("README.md", "docs/SPEC.md", "golden/README.md"):
        path = os.path.join(ROOT, doc)
        with open(path) as f:                        # a missing document fails here
            text = f.read()
        for name in re.findall(r"`((?:ann_ref|tests|golden|docs|benchmarks|\.ci)/[\w./-]+)`", text):
            assert os.path.exists(os.path.join(ROOT, name)), "%s names %s" % (doc, name)


def test_the_readme_counts_and_runtimes_are_true():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    states = sum(s["iterations"] + 1 for s in SCENARIOS)
    assert "all %d golden scenarios (%s states)" % (len(SCENARIOS), format(states, ",")) in text
    assert "[`golden/`](golden/README.md) holds %d scenarios" % len(SCENARIOS) in text
    for runtime in ("| CPython | 3.%d." % v for v in range(8, 14)):
        assert runtime in text
    for runtime in ("| PyPy |", "| MicroPython | 1.27.0", "| Pyodide | 0.29.5"):
        assert runtime in text
    with open(os.path.join(ROOT, "package.json")) as f:
        pinned = json.load(f)["dependencies"]
    assert pinned["pyodide"] == "0.29.5"
    assert pinned["@micropython/micropython-webassembly-pyscript"] == "1.27.0"


def test_the_spec_table_of_causes_is_the_cause_records():
    # SPEC §6 is what a backend author reads; the records are what verify says
    from ann_ref.oracle.causes import CAUSES, spec_table
    with open(os.path.join(ROOT, "docs", "SPEC.md"), encoding="utf-8") as f:
        section = f.read().split("\n## 6.", 1)[1].split("\n## 7.", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert "\n".join(table) + "\n" == spec_table(), \
        "docs/SPEC.md §6: paste ann_ref.oracle.causes.spec_table() in place of the table"
    assert [row.split("`")[1] for row in table[2:]] == [c.id for c in CAUSES]


def test_every_part_the_readme_names_is_in_the_model():
    from ann_ref.core import matrix, model, training
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    named = set(m for m in re.findall(r"`(model|training|matrix)\.([a-z_]+)", text)
                if m[1] != "py")
    assert ("model", "activation") in named and ("model", "threshold") in named
    missing = ["%s.%s" % (m, n) for m, n in sorted(named)
               if not hasattr({"model": model, "training": training, "matrix": matrix}[m], n)]
    assert not missing, "README names what the core does not have: %s" % ", ".join(missing)
