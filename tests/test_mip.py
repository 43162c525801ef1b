"""ann_ref/package.json, what MicroPython's package manager installs, against the package.

mip reads {"urls": [[target path, url], ...], "version": ...}; a url that is not a full
one is relative to the folder of package.json, and each file lands at the target path
under the board's /lib. The files must be the numeric core, all of it and nothing else
(a board cannot use the CLI, and a missing module fails only on the board)."""
import json
import os

import ann_ref
from helpers import ROOT

PACKAGE_JSON = os.path.join(ROOT, "ann_ref", "package.json")


def package():
    with open(PACKAGE_JSON) as f:
        return json.load(f)


def core_files():
    """What a board needs, as paths under /lib: ann_ref/__init__.py and ann_ref/core/*.py."""
    core = os.path.join(ROOT, "ann_ref", "core")
    return ["ann_ref/__init__.py"] + sorted(
        "ann_ref/core/" + n for n in os.listdir(core) if n.endswith(".py"))


def test_every_core_module_is_listed_and_nothing_else():
    targets = [target for target, url in package()["urls"]]
    assert sorted(targets) == sorted(core_files())
    assert len(set(targets)) == len(targets)


def test_each_url_is_the_file_it_installs():
    """Resolved as mip does (relative to the folder of package.json), each url names the
    repository file whose path is the target: the board gets the same tree."""
    base = os.path.dirname(os.path.relpath(PACKAGE_JSON, ROOT))
    for target, url in package()["urls"]:
        assert not url.startswith(("http://", "https://", "github:", "/")), url
        resolved = os.path.normpath(os.path.join(base, url)).replace(os.sep, "/")
        assert resolved == target, (target, url)
        assert os.path.isfile(os.path.join(ROOT, resolved)), resolved


def test_version_is_the_package_version():
    assert package()["version"] == ann_ref.__version__


def test_only_what_mip_reads():
    assert set(package()) <= {"urls", "version", "deps", "hashes"}
    assert all(isinstance(entry, list) and len(entry) == 2 for entry in package()["urls"])
