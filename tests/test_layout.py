"""The folders are the architecture: each may import only what sits beneath it, and the
numeric core only itself and what MicroPython has. Checked on the source (ast), so a
violation fails here before it fails on a board."""
import ast
import os

from helpers import ROOT

PACKAGE = os.path.join(ROOT, "ann_ref")

# what each part of the package may import from the package itself
ALLOWED = {
    "core": {"core"},
    "formats": {"core", "formats", "errors"},
    "catalogue": {"core", "formats", "catalogue", "errors"},
    "oracle": {"core", "formats", "catalogue", "oracle", "errors", "progress"},
    "learn": {"core", "formats", "learn", "errors"},
    "cli": None,                       # the top: anything
    "__init__": {"core"},              # the public API must import on MicroPython too
    "__main__": {"cli"},
    "testing": {"core", "formats", "oracle", "errors"},
    "errors": set(),
    "progress": set(),
}
# the standard modules the core may use: MicroPython has each of them
CORE_STDLIB = {"math", "struct", "array", "gc", "sys"}
# names MicroPython lacks (or that are not plain IEEE sequences)
MICROPYTHON_LACKS = {"dataclasses", "typing", "decimal", "fractions", "argparse",
                     "fsum", "sumprod", "fma", "hex", "fromhex", "bit_length"}


def modules():
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, PACKAGE).replace(os.sep, "/")
                part = rel.split("/")[0] if "/" in rel else rel[:-3]
                yield path, rel, part


def imports(tree, rel):
    """(line, the part of ann_ref imported, or None for an outside module, its name)."""
    depth = rel.count("/")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")
                yield node.lineno, (top[1] if top[0] == "ann_ref" and len(top) > 1 else
                                    "__init__" if top[0] == "ann_ref" else None), a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top = (node.module or "").split(".")
                if top[0] != "ann_ref":
                    yield node.lineno, None, node.module
                    continue
                parts = top[1:]
            else:
                up = node.level - 1
                if up > depth:
                    yield node.lineno, "?", node.module
                    continue
                here = rel.split("/")[:depth - up] if depth - up > 0 else []
                parts = here + (node.module.split(".") if node.module else [])
            if parts:
                yield node.lineno, parts[0], ".".join(parts)
            else:                       # from .. import x: x is a part of the package
                for a in node.names:
                    yield node.lineno, "__init__" if a.name == "__version__" else a.name, a.name


def test_every_module_imports_only_what_lies_beneath_it():
    wrong = []
    seen_parts = set()
    for path, rel, part in modules():
        seen_parts.add(part)
        assert part in ALLOWED, "%s is in no part of the layout (tests/test_layout.py)" % rel
        allowed = ALLOWED[part]
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for line, target, name in imports(tree, rel):
            if target is None:
                if part == "core" and name.split(".")[0] not in CORE_STDLIB:
                    wrong.append("%s:%d imports %s, which MicroPython may lack" % (rel, line, name))
                if part == "__init__":
                    wrong.append("%s:%d imports %s; the package's __init__ runs on "
                                 "MicroPython and imports the core only" % (rel, line, name))
            elif allowed is not None and target not in allowed:
                wrong.append("%s:%d imports ann_ref.%s; %s may import only %s"
                             % (rel, line, name, part, ", ".join(sorted(allowed)) or "nothing"))
    assert not wrong, "\n".join(wrong)
    assert {"core", "formats", "catalogue", "oracle", "cli"} <= seen_parts


def test_the_core_uses_nothing_micropython_lacks():
    wrong = []
    for path, rel, part in modules():
        if part not in ("core", "__init__"):
            continue
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        guarded = set()             # attributes tried inside `try: ... except AttributeError`
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                    isinstance(h.type, ast.Name) and h.type.id == "AttributeError"
                    for h in node.handlers):
                for inner in node.body:
                    for sub in ast.walk(inner):
                        guarded.add(id(sub))
        for node in ast.walk(tree):
            name = (node.attr if isinstance(node, ast.Attribute) else
                    node.id if isinstance(node, ast.Name) else None)
            if name in MICROPYTHON_LACKS and id(node) not in guarded:
                wrong.append("%s:%d uses %s" % (rel, node.lineno, name))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id == "sum":
                wrong.append("%s:%d calls sum(), which is compensated since 3.12"
                             % (rel, node.lineno))
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_violation():
    """The walk above is only as good as its parsing of relative imports: a planted
    upward import in a copy of a core module must be found."""
    tree = ast.parse("from ..formats.writer import FORMAT\nfrom . import bits\n"
                     "import decimal\n")
    found = list(imports(tree, "core/model.py"))
    assert (1, "formats", "formats.writer") in found
    assert (2, "core", "core") in found
    assert (3, None, "decimal") in found
