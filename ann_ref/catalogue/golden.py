"""The golden folder: every scenario of the catalogue as a golden file, and a manifest
with the SHA-256 of each. `golden write` is the only way these files change.

Writing is atomic per file (a temporary file in the same folder, flushed, then renamed
over the old one) and the manifest is renamed last, so an interrupted write leaves each
file either old or new and complete, and `golden check` names the ones that are stale.
"""
import hashlib
import io
import json
import os

from ..formats.atomic import atomic_write, check_target, leftovers, temporary_name
from . import exptable
from .scenarios import NOTES, SCENARIOS
from ..errors import AnnRefError, FormatError, OutputError
from ..formats.writer import write_document
from .document import checked, header as document_header, trajectory

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "ann-ref-golden-manifest"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CHECKOUT = os.path.join(os.path.dirname(_PACKAGE), "golden")
INSTALLED = os.path.join(_PACKAGE, "golden")     # setup.py installs the catalogue here


def checkout_dir():
    """golden/ of the checkout this package runs from, or None for an installed package."""
    return _CHECKOUT if os.path.exists(os.path.join(_CHECKOUT, MANIFEST)) else None


def default_dir():
    """The catalogue: golden/ of the checkout this package runs from, else the one
    installed with the package."""
    return checkout_dir() or INSTALLED


def render(s):
    """The bytes of one golden file (its notes: the scenario's own, or the article
    catalogue's)."""
    c = checked(s)
    notes = s.get("notes") or {f: NOTES[f] for f in s["flags"]}
    head = document_header(c, s["description"], s["flags"], notes)
    out = io.StringIO()
    write_document(out, head, trajectory(c))
    return out.getvalue().encode("utf-8")


def filename(s):
    return s["name"] + ".json"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def render_manifest(files):
    """files: {filename: bytes}. Sorted, one file per line."""
    entries = {name: {"sha256": sha256(data)} for name, data in files.items()}
    lines = ['{"format": "%s", "version": 1, "files": {' % MANIFEST_FORMAT]
    names = sorted(entries)
    for i, name in enumerate(names):
        lines.append("%s: %s%s" % (json.dumps(name), json.dumps(entries[name], sort_keys=True),
                                   "," if i < len(names) - 1 else ""))
    lines.append("}}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_manifest(directory):
    """{filename: sha256} from the manifest; FormatError if it is missing or malformed."""
    path = os.path.join(directory, MANIFEST)
    try:
        data = read_bytes(path)
    except OSError as e:
        raise FormatError("cannot be read: %s" % (e.strerror or e), path)
    from ..formats.jsonstream import loads
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError("not UTF-8 (offset %d)" % e.start, path)
    m = loads(text, path)
    if not isinstance(m, dict) or m.get("format") != MANIFEST_FORMAT or m.get("version") != 1:
        raise FormatError("not an ann-ref golden manifest, version 1", path, "$.format")
    files = m.get("files")
    if not isinstance(files, dict):
        raise FormatError("missing object 'files'", path, "$")
    out = {}
    for name, entry in files.items():
        where = "$.files[%s]" % json.dumps(name)
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and len(entry["sha256"]) == 64):
            raise FormatError("must be {\"sha256\": 64 hex digits}", path, where)
        if os.path.basename(name) != name or not name.endswith(".json"):
            raise FormatError("%r is not a file name in the folder" % name, path, where)
        out[name] = entry["sha256"]
    return out


def catalogues():
    """(subfolder, scenarios, tables) of every catalogue of golden/: the article's
    network in binary64 at the top (with exp.json), binary32 runs in binary32/ (docs/
    SPEC.md §10) and layered networks in layers/ (§9), each folder with its manifest."""
    from . import binary32, layers
    found = [("", SCENARIOS, [exptable, exptable.EXP32])]
    for module in (binary32, layers):
        if module.SCENARIOS:
            found.append((module.FOLDER, module.SCENARIOS, list(module.TABLES)))
    return found


def check_all(root):
    """check() of every catalogue under root; (files checked, problems)."""
    if not os.path.isdir(root):
        raise AnnRefError("%s: not a folder" % (root or "''"))
    count, problems = 0, []
    for folder, scenarios, tables in catalogues():
        count += len(scenarios)
        problems += check(os.path.join(root, folder) if folder else root, scenarios, tables)
    return count, problems


def write_all(root):
    """write() of every catalogue under root; (files, changed names)."""
    count, changed = 0, []
    for folder, scenarios, tables in catalogues():
        count += len(scenarios)
        directory = os.path.join(root, folder) if folder else root
        changed += [os.path.join(folder, n) if folder else n
                    for n in write(directory, scenarios, tables)]
    return count, changed


def check(directory, scenarios=SCENARIOS, tables=(exptable, exptable.EXP32)):
    """Regenerate every golden file in memory; a list of problems, each naming its file
    (empty when every byte and the manifest agree)."""
    if not os.path.isdir(directory):
        raise AnnRefError("%s: not a folder" % (directory or "''"))
    problems = []
    expected = {filename(s): render(s) for s in scenarios}
    try:
        manifest = read_manifest(directory)
    except FormatError as e:
        manifest = None
        problems.append(str(e))
    for name, data in sorted(expected.items()):
        path = os.path.join(directory, name)
        try:
            on_disk = read_bytes(path)
        except OSError as e:
            problems.append("%s: missing; 'golden write' creates it" % path if not
                            os.path.lexists(path) else "%s: cannot be read: %s"
                            % (path, e.strerror or e))
            continue
        if on_disk != data:
            problems.append("%s: %s" % (path, _difference(on_disk, data)))
        if manifest is not None:
            if name not in manifest:
                problems.append("%s: not listed in the manifest" % path)
            elif manifest[name] != sha256(on_disk):
                problems.append("%s: its SHA-256 is not the manifest's: the file or the "
                                "manifest is stale or was altered" % path)
    for table in tables:
        problems += _check_table(directory, table)
    if manifest is not None:
        for name in sorted(set(manifest) - set(expected)):
            problems.append("%s: listed in the manifest but not in the catalogue"
                            % os.path.join(directory, name))
        if not problems and read_bytes(os.path.join(directory, MANIFEST)) != \
                render_manifest(expected):
            problems.append("%s: not in the form 'golden write' gives it"
                            % os.path.join(directory, MANIFEST))
    return problems


def _check_table(directory, table):
    """A table of test vectors beside the golden files (golden/exp.json: exp's own, not
    a scenario, so not in the manifest) against its regeneration."""
    path = os.path.join(directory, table.FILENAME)
    try:
        on_disk = read_bytes(path)
    except OSError:
        return ["%s: missing; 'golden write' creates it" % path]
    data = table.render()
    return [] if on_disk == data else ["%s: %s" % (path, _difference(on_disk, data))]


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _difference(on_disk, expected):
    """Where a golden file differs from its regeneration, in words."""
    old, new = on_disk.split(b"\n"), expected.split(b"\n")
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b:
            where = _line_label(b)
            return "differs from its regeneration at line %d%s" % (i + 1, where)
    return "differs from its regeneration in length (%d lines, expected %d)" % (
        len(old), len(new))


def _line_label(line):
    text = line.decode("utf-8", "replace")
    if text.startswith('{"W"') and '"iteration": ' in text:
        return " (trace iteration %s)" % text.rsplit('"iteration": ', 1)[1].rstrip(",}")
    if text.startswith('"'):
        return " (key %s)" % text.split(":", 1)[0]
    return ""


def writable(directory, names):
    """OutputError unless the folder exists or can be made, can take new files, and
    none of names in it is something other than a file (a folder, say)."""
    if not directory:
        raise OutputError(directory, "the folder's name is empty")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        raise OutputError(directory, e.strerror or str(e))
    probe = temporary_name(os.path.join(directory, MANIFEST))
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        os.remove(probe)
    except OSError as e:                  # worded as check_target words it for a file
        raise OutputError(directory, "no new file can be created in it (%s)"
                          % (e.strerror or e))
    for name in names:
        check_target(os.path.join(directory, name))


def write(directory, scenarios=SCENARIOS, tables=(exptable, exptable.EXP32)):
    """Rewrite every golden file and the manifest; returns the names that changed.
    OutputError, before anything is written, if the folder or a file cannot be."""
    names = [filename(s) for s in scenarios] + [MANIFEST] + [t.FILENAME for t in tables]
    writable(directory, names)
    files = {filename(s): render(s) for s in scenarios}   # all computed before any write
    rendered = [(t.FILENAME, t.render()) for t in tables]
    for path in leftovers(directory, names):
        os.remove(path)
    try:
        old = read_manifest(directory)
    except FormatError:
        old = {}
    changed = []
    for name, data in sorted(files.items()):
        path = os.path.join(directory, name)
        if not (os.path.exists(path) and read_bytes(path) == data):
            atomic_write(path, data)
            changed.append(name)
    for name, data in rendered:
        path = os.path.join(directory, name)
        if not (os.path.exists(path) and read_bytes(path) == data):
            atomic_write(path, data)
            changed.append(name)
    atomic_write(os.path.join(directory, MANIFEST), render_manifest(files))
    for name in sorted(set(old) - set(files)):            # scenarios taken out
        path = os.path.join(directory, name)
        if os.path.exists(path):
            os.remove(path)
            changed.append(name)
    return changed
