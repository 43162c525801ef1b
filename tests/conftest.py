import json
import shutil

import pytest

from ann_ref.catalogue import golden
from helpers import GOLDEN


@pytest.fixture(scope="session", autouse=True)
def render_each_scenario_once():
    """golden.check and golden.write regenerate every file; many tests call them, so each
    scenario is rendered once per session (keyed by its whole content, so a changed
    scenario is rendered anew)."""
    render = golden.render
    rendered = {}

    def cached(s):
        key = json.dumps(s, sort_keys=True)
        if key not in rendered:
            rendered[key] = render(s)
        return rendered[key]

    golden.render = cached
    yield
    golden.render = render


@pytest.fixture
def copy_of_golden(tmp_path):
    """A copy of the golden folder, manifest included, to damage at will."""
    target = tmp_path / "golden"
    shutil.copytree(GOLDEN, str(target))
    return str(target)
