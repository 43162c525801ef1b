"""The catalogue of binary32 runs (docs/SPEC.md §10): golden/binary32/, with its own manifest."""

FOLDER = "binary32"
SCENARIOS = []
TABLES = []
