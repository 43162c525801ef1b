"""The catalogue of layered networks (docs/SPEC.md §9): golden/layers/, with its own manifest."""

FOLDER = "layers"
SCENARIOS = []
TABLES = []
