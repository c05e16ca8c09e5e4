"""Paths every test needs, importable from tests/unit and tests/processing alike
(`from helpers import REPO`); pure Python so the unit tests stay free of QGIS."""
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
UNIT = TESTS / "unit"
# `make setup` links the checkout here under its installed folder name, so the
# tests import it as `ree_grade` and exercise the relative imports QGIS uses.
PLUGINS_DIR = REPO / ".qgis-plugins"

