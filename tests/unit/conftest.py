"""The unit tests run without QGIS (`pytest tests/unit -p no:pytest_qgis`); QGIS
is installed next to them, though, so an import of it through the plugin code
would go unnoticed. When pytest-qgis is off, each test is checked afterwards."""
import sys

import pytest


@pytest.fixture(autouse=True)
def _no_qgis_imported(request):
    yield
    if request.config.pluginmanager.has_plugin("pytest_qgis"):
        return
    loaded = sorted(name for name in ("qgis", "processing", "PyQt5") if name in sys.modules)
    assert not loaded, f"{request.node.nodeid} imported {loaded}: a unit test must run without QGIS"
