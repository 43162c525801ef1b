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


def module_graph():
    """{module: modules of ann_ref it imports}, module names as dotted paths under
    ann_ref: the imports run when the module is imported, not those inside a function
    (which a dispatch, or a board's small heap, delays to the call)."""
    graph = {}
    names = set()
    for path, rel, part in modules():
        names.add(rel[:-3].replace("/", ".").replace(".__init__", ""))
    for path, rel, part in modules():
        me = rel[:-3].replace("/", ".").replace(".__init__", "")
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        nodes = []
        todo = list(tree.body)
        while todo:                      # the module's body, into if/try, never into def
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                nodes.append(node)
            todo.extend(ast.iter_child_nodes(node))
        package = me.split(".") if rel.endswith("__init__.py") else me.split(".")[:-1]
        out = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                wanted = [a.name[len("ann_ref."):] for a in node.names
                          if a.name.startswith("ann_ref.")]
            elif node.level == 0:
                if not (node.module or "").startswith("ann_ref"):
                    continue
                base = node.module.split(".")[1:]
                wanted = [".".join(base + [a.name]) for a in node.names] + [".".join(base)]
            else:
                base = package[:len(package) - (node.level - 1)] + (
                    node.module.split(".") if node.module else [])
                wanted = [".".join(base + [a.name]) for a in node.names] + [".".join(base)]
            found = [n for n in wanted[:-1] if n in names] or [n for n in wanted[-1:]
                                                               if n in names]
            out.update(n for n in found if n != me)
        graph[me] = out
    return graph


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_one_that_imports_it_back():
    graph = module_graph()
    assert "oracle.diagnose" in graph and "oracle.findings" in graph["oracle.diagnose"]
    assert not cycles(graph), cycles(graph)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
