import shutil

import pytest

from helpers import GOLDEN


@pytest.fixture
def copy_of_golden(tmp_path):
    """A copy of the golden folder, manifest included, to damage at will."""
    target = tmp_path / "golden"
    shutil.copytree(GOLDEN, str(target))
    return str(target)
